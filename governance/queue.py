"""The review queue: every change waiting for a decision, judged as ``govern check`` judges it.

The open changes of a repository are

- the **checked-out** change, exactly as ``govern check`` picks it without arguments: the working
  tree when policies or review records have uncommitted edits, else HEAD, against the merge-base
  with the default branch. Its name is the checked-out branch (or, with a detached HEAD, the open
  branch whose tip HEAD is, else "HEAD"). It is the only change decisions can be recorded on:
  ``govern approve`` writes its records into this work tree, so they travel with this branch;
- every **other branch** not merged into the default branch — local branches, and remote-tracking
  branches under ``origin/`` with no local branch of the same name — against its merge-base with
  the default branch: what ``govern check --head BRANCH`` reports.

A change is listed only when its policy files differ from its merge-base, compared by object ids
before any policy is parsed: the tree id of the policies folder, for every branch with one
``git cat-file --batch-check``; then, where the folder changed, the blob sha of each policy file.
Each listed change is judged by :func:`governance.check.run_check`, the function CI runs, so the
counts and review states here are the ones the gate will see. A change that cannot be judged (a
policy that does not parse on that branch, say) is listed with the error instead of hiding the
others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from governance.check import CheckResult, ReviewStatus, run_check
from governance.config import Config
from governance.errors import GovernError
from governance.findings import Level
from governance.scope import resolve_scope

if TYPE_CHECKING:
    from governance.gitrepo import Branch, GitRepository


@dataclass(frozen=True)
class PolicySummary:
    """One policy's findings in one change: how many of each level, and where they stand."""

    policy: str
    status: str  # added | modified | renamed | deleted
    counts: dict[Level, int]
    review: dict[ReviewStatus, int]  # findings by review status
    announced: bool = False  # an approved announcement covers its approved material findings

    @property
    def to_decide(self) -> int:
        """Material findings no legal reviewer has decided on yet."""
        return self.review.get(ReviewStatus.unreviewed, 0)

    @property
    def announcement(self) -> str:
        """Where this change's announcement stands, as the gate sees it: "not needed",
        "needed" (approved findings without an approved announcement), "rejected" or
        "approved"."""
        if self.review.get(ReviewStatus.announcement_rejected):
            return "rejected"
        if self.review.get(ReviewStatus.needs_announcement):
            return "needed"
        if any(status is ReviewStatus.approved for status in self.review) and self.announced:
            return "approved"
        return "not needed"


@dataclass(frozen=True)
class ChangeSummary:
    """One open change: a branch (or the checked-out work tree) against the default branch."""

    name: str  # the branch ("add-hotjar", "origin/vendor-x"), or "HEAD" when detached
    base_ref: str  # the default branch
    base: str | None  # the merge-base sha (None when the change could not be judged)
    head: str | None  # the head commit; None: the working tree, or not judged
    checked_out: bool  # the change of this work tree: the one decisions are recorded on
    is_remote: bool = False  # only a remote-tracking branch (origin/...) holds it
    result: CheckResult | None = None
    error: str | None = None  # why it could not be judged
    policies: tuple[PolicySummary, ...] = field(default=())

    @property
    def uncommitted(self) -> bool:
        """The checked-out change includes edits not committed yet."""
        return self.result is not None and self.result.scope.is_working_tree

    @property
    def check_head(self) -> str | None:
        """The ``--head`` that makes ``govern check`` judge this change (None: no argument)."""
        return None if self.checked_out else self.name

    @property
    def switch_name(self) -> str:
        """What ``git switch`` takes to check this change out."""
        return self.name.removeprefix("origin/") if self.is_remote else self.name

    @property
    def to_decide(self) -> int:
        return sum(policy.to_decide for policy in self.policies)

    @property
    def headline(self) -> str:
        """The verdict in the words ``govern check`` prints."""
        if self.result is None:
            return f"cannot be judged: {self.error}"
        from governance.report.check_text import headline

        return headline(self.result).removeprefix("govern check: ")


def open_changes(config: Config, repo: GitRepository) -> list[ChangeSummary]:
    """The checked-out change first (when it changes a policy), then every other open branch."""
    head = repo.resolve("HEAD")  # in a repository without commits: says to commit first
    from governance.config import load_config_at
    from governance.scope import trusted_default_branch

    default = trusted_default_branch(repo)
    config = load_config_at(repo.root, repo.resolve(default))  # the default branch's settings
    branches = repo.open_branches(default)
    current = _checked_out_branch(repo, branches, head)
    changes: list[ChangeSummary] = []
    checked_out = _checked_out_change(config, repo, default, current)
    if checked_out is not None:
        changes.append(checked_out)
    others = [branch for branch in branches if branch is not current]
    # one process for every branch: an unchanged policies folder has the same tree id
    trees = repo.tree_ids(
        [sha for branch in others for sha in (branch.commit, branch.merge_base)], config.policies
    )
    blobs: dict[str, dict[str, str]] = {}

    def policy_blobs(commit: str) -> dict[str, str]:
        if commit not in blobs:
            blobs[commit] = repo.policy_blobs(commit, config.policies)
        return blobs[commit]

    for branch in others:
        if trees[branch.commit] == trees[branch.merge_base]:
            continue
        if policy_blobs(branch.commit) == policy_blobs(branch.merge_base):
            continue  # the folder changed, but no policy file in it (a README, say)
        changes.append(_judged(config, repo, default, branch.name, False, branch.is_remote))
    return changes


def summarise(result: CheckResult) -> tuple[PolicySummary, ...]:
    """Per changed policy: counts of findings by level and by review status."""
    by_policy: dict[str, list[ReviewStatus]] = {}
    levels: dict[str, list[Level]] = {}
    for item in result.findings:
        by_policy.setdefault(item.policy.policy, []).append(item.status)
        levels.setdefault(item.policy.policy, []).append(item.finding.level)
    summaries = []
    for report in result.report.policies:
        if report.status == "unchanged":
            continue
        level_counts = Counter(levels.get(report.policy, []))
        announced = any(
            item.announcement is not None
            for item in result.findings
            if item.policy.policy == report.policy and item.status is ReviewStatus.approved
        )
        summaries.append(
            PolicySummary(
                policy=report.policy,
                status=str(report.status),
                counts={level: level_counts.get(level, 0) for level in Level},
                review=dict(Counter(by_policy.get(report.policy, []))),
                announced=announced,
            )
        )
    return tuple(summaries)


def _checked_out_branch(repo: GitRepository, branches: list[Branch], head: str) -> Branch | None:
    """The open branch this work tree has checked out; with a detached HEAD, the open branch whose
    tip HEAD is (a reviewer may have run ``git checkout origin/x``)."""
    current = next((branch for branch in branches if branch.is_current), None)
    if current is None and repo.current_branch() is None:
        current = next((branch for branch in branches if branch.commit == head), None)
    return current


def _checked_out_change(
    config: Config, repo: GitRepository, default: str, current: Branch | None
) -> ChangeSummary | None:
    name = current.name if current else (repo.current_branch() or "HEAD")
    remote = current.is_remote if current else False
    try:
        scope = resolve_scope(repo)
        policies = scope.settings.policies
        if repo.policy_blobs(scope.head, policies) == repo.policy_blobs(scope.base, policies):
            return None
    except GovernError as error:
        return ChangeSummary(name, default, None, None, True, remote, error=str(error))
    return _judged(config, repo, default, name, True, remote)


def _judged(
    config: Config,
    repo: GitRepository,
    default: str,
    name: str,
    checked_out: bool,
    is_remote: bool,
) -> ChangeSummary:
    try:
        result = run_check(repo, None, None if checked_out else name)
    except GovernError as error:
        return ChangeSummary(name, default, None, None, checked_out, is_remote, error=str(error))
    return ChangeSummary(
        name=name,
        base_ref=result.scope.base_ref,
        base=result.scope.base,
        head=result.scope.head,
        checked_out=checked_out,
        is_remote=is_remote,
        result=result,
        policies=summarise(result),
    )


__all__ = ["ChangeSummary", "PolicySummary", "open_changes", "summarise"]

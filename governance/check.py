"""``govern check``: the CI gate. Fails while a material change has no valid review.

The findings between base and head (see :mod:`governance.scope` for the defaults) are matched with
the ledger records of the head side by policy and fingerprint. Which records count:

- only records *added in this change* (absent at the base, or changed since): a decision merged
  earlier belongs to an earlier change. A change that is reverted and made again needs a new
  review;
- records whose reviewer is listed with the right role (``legal`` for findings, ``release`` for
  announcements). The list is read from the **base** revision's configuration when it exists
  there, so a change cannot appoint its own reviewers;
- records whose reviewer did not author the change (see :mod:`governance.scope`);
- when ``require_signatures`` is on, records with a valid SSH signature by a key the allowed-signers
  file (again from the base, when it exists there) lists for the reviewer.

A record that does not count is reported with the reason, and the finding is judged as if it were
absent. Among the records that count for one finding, the latest decision wins; on a tie the more
cautious one (rejected, then not-material, then approved).

Verdict: ``fail`` while any finding is rejected, any material finding has no decision, or — with
``require_announcement`` (the default) — an approved material finding has no approved
announcement record covering it. Records that match no finding of the change are *stale*
(a warning: the change was edited after the decision, so its fingerprint changed).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from governance.config import Config, ReviewerRole
from governance.errors import GitError
from governance.findings import Finding, Level, PolicyReport, Report, Side
from governance.identity import same_identity
from governance.ledger import (
    AnnouncementDecision,
    AnnouncementRecord,
    Decision,
    Ledger,
    LedgerRecord,
    ReviewRecord,
    committed_files,
    file_at_revision,
    format_time,
    read_ledger,
    read_ledger_at,
)
from governance.scope import ChangeScope, resolve_scope

if TYPE_CHECKING:
    from governance.gitrepo import GitRepository

_CAUTION = {Decision.rejected: 2, Decision.not_material: 1, Decision.approved: 0}


class ReviewStatus(StrEnum):
    approved = "approved"  # approved, and announced when that is required
    not_material = "not-material"  # downgraded by a legal reviewer
    not_required = "not-required"  # minor or editorial: no review needed
    unreviewed = "unreviewed"  # material, no valid decision
    rejected = "rejected"
    needs_announcement = "needs-announcement"  # approved, no approved announcement yet
    announcement_rejected = "announcement-rejected"

    @property
    def blocking(self) -> bool:
        return self in _BLOCKING


_BLOCKING = {
    ReviewStatus.unreviewed,
    ReviewStatus.rejected,
    ReviewStatus.needs_announcement,
    ReviewStatus.announcement_rejected,
}


@dataclass(frozen=True)
class Ignored:
    """A record that does not count, and why."""

    record: LedgerRecord
    reason: str

    def to_json_data(self) -> dict[str, Any]:
        return {
            "file": self.record.file,
            "kind": self.record.kind,
            "reviewer": self.record.reviewer,
            "decision": self.record.decision.value,
            "reason": self.reason,
        }


@dataclass
class FindingCheck:
    policy: PolicyReport
    finding: Finding
    status: ReviewStatus
    record: ReviewRecord | None = None
    announcement: AnnouncementRecord | None = None
    ignored: list[Ignored] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return self.status.blocking

    def explanation(self) -> str:
        """One sentence on the review state, for every output format."""
        record, status = self.record, self.status
        if status is ReviewStatus.not_required:
            text = f"{self.finding.level.value}: no review needed"
        elif status is ReviewStatus.unreviewed:
            text = "material change without a review: a legal reviewer must decide"
            text += f" (govern approve {self.finding.fingerprint})"
        elif record is None:  # pragma: no cover - every other status has a record
            text = status.value
        elif status is ReviewStatus.approved:
            text = f"approved by {record.reviewer} on {format_time(record.decided_at)}"
            if self.announcement is not None:
                text += f"; announcement {self.announcement.announcement} approved"
        elif status is ReviewStatus.not_material:
            text = f"downgraded to not material by {record.reviewer}: {record.reason}"
        elif status is ReviewStatus.rejected:
            text = f"rejected by {record.reviewer}: {record.reason}"
        elif status is ReviewStatus.needs_announcement:
            text = (
                f"approved by {record.reviewer}, but no approved announcement covers it yet "
                "(govern announce draft)"
            )
        else:
            who = self.announcement.reviewer if self.announcement else "the release manager"
            why = self.announcement.reason if self.announcement else None
            text = f"approved, but its announcement was rejected by {who}" + (
                f": {why}" if why else ""
            )
        if self.ignored:
            text += "; not counted: " + "; ".join(
                f"{item.record.file} ({item.reason})" for item in self.ignored
            )
        return text

    def review_json(self) -> dict[str, Any] | None:
        if self.record is None:
            return None
        data = self.record.fields()
        data["file"] = self.record.file
        data["signed"] = self.record.signature is not None
        if self.announcement is not None:
            announcement = self.announcement.fields()
            announcement["file"] = self.announcement.file
            data["announcement"] = announcement
        else:
            data["announcement"] = None
        return data


@dataclass
class CheckResult:
    report: Report
    scope: ChangeScope
    findings: list[FindingCheck]
    stale: list[LedgerRecord] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)  # records that do not count, all of them
    warnings: list[str] = field(default_factory=list)
    require_announcement: bool = True
    require_signatures: bool = False

    @property
    def verdict(self) -> str:
        return "fail" if self.blocking else "pass"

    @property
    def blocking(self) -> list[FindingCheck]:
        return [item for item in self.findings if item.blocking]

    @property
    def exit_code(self) -> int:
        return 1 if self.blocking else 0

    def by_fingerprint(self) -> dict[tuple[str, str], FindingCheck]:
        return {(item.policy.policy, item.finding.fingerprint): item for item in self.findings}

    def to_json_data(self) -> dict[str, Any]:
        """CONTRACT.md's report, plus ``review`` per finding and the verdict at the top."""
        data = self.report.to_json_data()
        checks = self.by_fingerprint()
        for policy in data["policies"]:
            for finding in policy["findings"]:
                item = checks[(policy["policy"], finding["fingerprint"])]
                finding["review"] = item.review_json()
                finding["review_status"] = item.status.value
                finding["blocking"] = item.blocking
                if item.ignored:
                    finding["ignored_reviews"] = [entry.to_json_data() for entry in item.ignored]
        data["verdict"] = self.verdict
        data["stale"] = [_stale_json(record) for record in self.stale]
        data["ignored"] = [entry.to_json_data() for entry in self.ignored]
        data["warnings"] = list(self.warnings)
        data["settings"] = {
            "require_announcement": self.require_announcement,
            "require_signatures": self.require_signatures,
        }
        return data


def _stale_json(record: LedgerRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file": record.file,
        "kind": record.kind,
        "policy": record.policy,
        "decision": record.decision.value,
        "reviewer": record.reviewer,
    }
    if isinstance(record, ReviewRecord):
        data["fingerprint"] = record.fingerprint
        data["rule"] = record.rule
        data["path"] = record.path
    else:
        data["announcement"] = record.announcement
        data["fingerprints"] = list(record.fingerprints)
    return data


# --- the gate ----------------------------------------------------------------------------------


def run_check(
    config: Config, repo: GitRepository, base: str | None = None, head: str | None = None
) -> CheckResult:
    from governance.compare import compare_revisions

    scope = resolve_scope(config, repo, base, head)
    report = compare_revisions(repo, config, scope.base, scope.head)
    label_sides(report, scope)
    head_ledger = (
        read_ledger(config.root, config.ledger)
        if scope.is_working_tree
        else read_ledger_at(repo.root, scope.head_commit, config.ledger)
    )
    return judge(config, repo, scope, report, head_ledger)


def label_sides(report: Report, scope: ChangeScope) -> None:
    """Name the sides as the user did ("origin/main", "HEAD"), with their commits."""
    report.base = Side(ref=scope.base_ref, commit=scope.base)
    report.head = Side(ref=scope.head_ref, commit=scope.head)


def judge(
    config: Config, repo: GitRepository, scope: ChangeScope, report: Report, ledger: Ledger
) -> CheckResult:
    """Match the ledger with the report's findings and reach the verdict."""
    warnings: list[str] = []
    trusted = _trusted_reviewers(config, repo, scope, warnings)
    signers = _allowed_signers(config, repo, scope, warnings) if config.require_signatures else None
    at_base = committed_files(repo.root, scope.base, config.ledger)

    def is_new(record: LedgerRecord) -> bool:
        return record.file is None or at_base.get(record.file) != ledger.files.get(record.file)

    findings = {
        (policy.policy, finding.fingerprint): (policy, finding)
        for policy in report.policies
        for finding in policy.findings
    }
    stale: list[LedgerRecord] = []
    ignored: list[Ignored] = []
    per_finding_ignored: dict[tuple[str, str], list[Ignored]] = {}
    decisions: dict[tuple[str, str], list[ReviewRecord]] = {}
    for record in ledger.findings:
        key = (record.policy, record.fingerprint)
        if key not in findings:
            if is_new(record):
                stale.append(record)
            continue
        policy, _finding = findings[key]
        problem = (
            "decided before this change (the record is unchanged since the base); a change "
            "made again needs a new review"
            if not is_new(record)
            else _problem_with(
                record, ReviewerRole.legal, trusted, signers, config, repo, scope, policy
            )
        )
        if problem:
            entry = Ignored(record, problem)
            ignored.append(entry)
            per_finding_ignored.setdefault(key, []).append(entry)
        else:
            decisions.setdefault(key, []).append(record)

    announced: dict[tuple[str, str], list[AnnouncementRecord]] = {}
    for announcement in ledger.announcements:
        keys = [(announcement.policy, fp) for fp in announcement.fingerprints]
        covered = [key for key in keys if key in findings]
        if not covered:
            if is_new(announcement):
                stale.append(announcement)
            continue
        policy = findings[covered[0]][0]
        problem = (
            "decided before this change (unchanged since the base)"
            if not is_new(announcement)
            else _problem_with(
                announcement, ReviewerRole.release, trusted, signers, config, repo, scope, policy
            )
        )
        if problem:
            entry = Ignored(announcement, problem)
            ignored.append(entry)
            for key in covered:
                per_finding_ignored.setdefault(key, []).append(entry)
            continue
        for key in covered:
            announced.setdefault(key, []).append(announcement)

    checks: list[FindingCheck] = []
    for key, (policy, finding) in findings.items():
        checks.append(
            _status_of(
                policy,
                finding,
                decisions.get(key, []),
                announced.get(key, []),
                per_finding_ignored.get(key, []),
                config.require_announcement,
            )
        )
    for stale_record in stale:
        what = (
            f"{stale_record.fingerprint} ({stale_record.rule} {stale_record.path})"
            if isinstance(stale_record, ReviewRecord)
            else f"announcement {stale_record.announcement}"
        )
        warnings.append(
            f"stale review record {stale_record.file}: {stale_record.decision.value} by "
            f"{stale_record.reviewer} on {what} of {stale_record.policy} matches no finding of "
            "this change (edited since the decision, or already merged); delete it or ask for a "
            "new decision"
        )
    return CheckResult(
        report=report,
        scope=scope,
        findings=checks,
        stale=stale,
        ignored=ignored,
        warnings=warnings,
        require_announcement=config.require_announcement,
        require_signatures=config.require_signatures,
    )


def _status_of(
    policy: PolicyReport,
    finding: Finding,
    decisions: list[ReviewRecord],
    announcements: list[AnnouncementRecord],
    ignored: list[Ignored],
    require_announcement: bool,
) -> FindingCheck:
    if not decisions:
        status = (
            ReviewStatus.unreviewed
            if finding.level is Level.material
            else ReviewStatus.not_required
        )
        return FindingCheck(policy, finding, status, ignored=ignored)
    record = max(decisions, key=lambda r: (r.decided_at, _CAUTION[r.decision]))
    if record.decision is Decision.rejected:
        return FindingCheck(policy, finding, ReviewStatus.rejected, record, ignored=ignored)
    if record.decision is Decision.not_material:
        return FindingCheck(policy, finding, ReviewStatus.not_material, record, ignored=ignored)
    announcement = (
        max(
            announcements, key=lambda a: (a.decided_at, a.decision is AnnouncementDecision.rejected)
        )
        if announcements
        else None
    )
    if finding.level is not Level.material or not require_announcement:
        return FindingCheck(policy, finding, ReviewStatus.approved, record, announcement, ignored)
    if announcement is None:
        return FindingCheck(policy, finding, ReviewStatus.needs_announcement, record, None, ignored)
    if announcement.decision is AnnouncementDecision.rejected:
        return FindingCheck(
            policy, finding, ReviewStatus.announcement_rejected, record, announcement, ignored
        )
    return FindingCheck(policy, finding, ReviewStatus.approved, record, announcement, ignored)


def _problem_with(
    record: LedgerRecord,
    wanted: ReviewerRole,
    trusted: dict[str, ReviewerRole],
    signers: tuple[bytes | None, str] | None,
    config: Config,
    repo: GitRepository,
    scope: ChangeScope,
    policy: PolicyReport,
) -> str | None:
    """Why a record does not count, or None when it does."""
    role = _role_in(trusted, record.reviewer)
    if role is None:
        return f"{record.reviewer} is not a reviewer of this repository"
    if role is not wanted:
        needed = "a legal reviewer" if wanted is ReviewerRole.legal else "a release manager"
        return f"{record.reviewer} is listed as {role.value}, and this decision needs {needed}"
    if record.role is not role:
        return f"the record says role {record.role.value}, but {record.reviewer} is {role.value}"
    authors = scope.authors_of(repo, policy.file)
    if any(same_identity(record.reviewer, author) for author in authors):
        return f"self-approval: {record.reviewer} authored this change to {policy.policy}"
    if signers is not None:
        from governance.signing import verify

        allowed, name = signers
        outcome = verify(
            record.canonical_payload(), record.signature, record.reviewer, allowed, name
        )
        if not outcome.valid:
            return outcome.reason
    return None


def _role_in(reviewers: dict[str, ReviewerRole], email: str) -> ReviewerRole | None:
    for reviewer, role in reviewers.items():
        if same_identity(reviewer, email):
            return role
    return None


def _trusted_reviewers(
    config: Config, repo: GitRepository, scope: ChangeScope, warnings: list[str]
) -> dict[str, ReviewerRole]:
    """The reviewers table of the base revision when it has one (a change cannot appoint its own
    reviewers), else the current one."""
    at_base = _reviewers_at(repo, scope.base, config)
    if at_base is None:
        return dict(config.reviewers)
    if {k.casefold(): v for k, v in at_base.items()} != {
        k.casefold(): v for k, v in config.reviewers.items()
    }:
        warnings.append(
            "this change edits [tool.govern.reviewers]; decisions are judged against the list at "
            f"the base ({scope.base_ref}) — merge changes of reviewers on their own first"
        )
    return at_base


def _reviewers_at(
    repo: GitRepository, revision: str, config: Config
) -> dict[str, ReviewerRole] | None:
    """The reviewers configured at ``revision`` (govern.toml wins over pyproject.toml)."""
    for name, section in (("govern.toml", ()), ("pyproject.toml", ("tool", "govern"))):
        try:
            data = file_at_revision(repo.root, revision, name)
        except GitError:
            return None
        if data is None:
            continue
        try:
            table: Any = tomllib.loads(data.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return None
        for part in section:
            table = table.get(part) if isinstance(table, dict) else None
        if table is None and name == "pyproject.toml":
            return None
        reviewers = table.get("reviewers", {}) if isinstance(table, dict) else {}
        try:
            return {str(email): ReviewerRole(role) for email, role in reviewers.items()}
        except (ValueError, AttributeError):
            return None
    return None


def _allowed_signers(
    config: Config, repo: GitRepository, scope: ChangeScope, warnings: list[str]
) -> tuple[bytes | None, str]:
    """The allowed-signers file at the base (trusted), else the head's (when the change adds it)."""
    name = config.allowed_signers
    at_base = file_at_revision(repo.root, scope.base, name)
    if at_base is not None:
        if scope.is_working_tree:
            current = (config.root / name).read_bytes() if (config.root / name).is_file() else None
        else:
            current = file_at_revision(repo.root, scope.head_commit, name)
        if current != at_base:
            warnings.append(
                f"this change edits {name}; signatures are verified against the base's version"
            )
        return at_base, f"{name}@{scope.base_ref}"
    if scope.is_working_tree:
        path = config.root / name
        head_data = path.read_bytes() if path.is_file() else None
    else:
        head_data = file_at_revision(repo.root, scope.head_commit, name)
    if head_data is not None:
        warnings.append(
            f"{name} is new in this change, so the change itself vouches for the keys; "
            "merge it on its own first"
        )
    return head_data, name

"""``govern check``: the CI gate. Fails while a material change has no valid review.

Everything that decides the verdict comes from the **base** revision, read from git objects: the
settings (reviewers, rule levels, plugins, signing, the allowed signers, the catalogue), so nothing
committed in the change under review can make it pass. The change's edits of those settings are
findings themselves (``governance-config-changed``); see :mod:`governance.scope` and
:mod:`governance.compare`.

The findings between base and head are matched with the ledger records of the head side by policy
and fingerprint. Which records count:

- records *new in this change*: a record whose content was ever in the ledger in the base's
  history (under any file name) was decided on an earlier change;
- records bound to this change: a record names the blob ids of the policy file at the base and
  the head it judged (``base_blob``, ``head_blob``); another version is stale, signed or not
  (except a head that differs only by publication bookkeeping);
- records whose reviewer is listed with the right role (``legal`` for findings, ``release`` for
  announcements) in the base's settings, and who did not author the change;
- when ``require_signatures`` is on, records with a valid SSH signature over their whole content by
  a key the base's allowed-signers file lists for the reviewer.

A finding against the published baseline (``finding.since``: the head compared with the version
users were last told about) counts every valid decision on it, whenever it was made: it asks only
that the change was reviewed once.

Among the records that count for one finding, the latest decision wins; on a tie the more cautious
one (rejected, then not-material, then approved).

Verdict: ``fail`` while the ledger was tampered with (a committed record deleted or modified in
base..head: it is append-only), any finding is rejected, any material finding has no decision, or
— with ``require_announcement`` (the default) — an approved material policy finding has no
approved announcement record covering it. Records that match no finding of the change are *stale*
(a warning: the change was edited after the decision).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from governance.config import ReviewerRole
from governance.feed_check import feed_problems
from governance.findings import Finding, Level, PolicyReport, Report, Side
from governance.identity import same_identity
from governance.ledger import (
    ABSENT,
    AnnouncementEvent,
    AnnouncementRecord,
    Decision,
    Ledger,
    LedgerRecord,
    ReviewRecord,
    earlier_payloads,
    format_time,
    read_ledger,
    read_ledger_at,
    tampering,
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


class IntegrityProblem(Protocol):
    """Something in the change that no review can approve: a review record deleted or edited,
    a feed entry that is not what was approved. Names the file."""

    @property
    def file(self) -> str: ...

    def describe(self) -> str: ...


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


@dataclass(frozen=True)
class HistoryEntry:
    """One legal decision recorded on a finding, and whether it counts (and if not, why)."""

    record: ReviewRecord
    reason: str | None = None  # why it does not count; None: it counts

    @property
    def counts(self) -> bool:
        return self.reason is None


@dataclass
class FindingCheck:
    policy: PolicyReport
    finding: Finding
    status: ReviewStatus
    record: ReviewRecord | None = None
    announcement: AnnouncementRecord | None = None
    ignored: list[Ignored] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)  # oldest first; the newest decides

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
    integrity: list[IntegrityProblem] = field(default_factory=list)  # always fails

    @property
    def verdict(self) -> str:
        return "fail" if self.blocking or self.integrity else "pass"

    @property
    def blocking(self) -> list[FindingCheck]:
        return [item for item in self.findings if item.blocking]

    @property
    def exit_code(self) -> int:
        return 1 if self.verdict == "fail" else 0

    def by_fingerprint(self) -> dict[tuple[str, str], FindingCheck]:
        return {(item.policy.policy, item.finding.fingerprint): item for item in self.findings}

    def to_json_data(self) -> dict[str, Any]:
        """The report (docs/report.md), plus ``review`` per finding and the verdict at the top."""
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
        data["integrity"] = [
            {"file": item.file, "message": item.describe()} for item in self.integrity
        ]
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

UNSIGNED_WARNING = (
    "reviews are not signed (require_signatures is off): an approval is a claim that anyone "
    "with write access could make, not proof"
)


def run_check(repo: GitRepository, base: str | None = None, head: str | None = None) -> CheckResult:
    """The verdict on the change between ``base`` and ``head`` (see :mod:`governance.scope` for
    the defaults), judged by the base revision's settings."""
    from governance.compare import compare_change

    scope = resolve_scope(repo, base, head)
    report = compare_change(repo, scope)
    label_sides(report, scope)
    settings = scope.settings
    head_ledger = (
        read_ledger(settings.root, settings.ledger)
        if scope.is_working_tree
        else read_ledger_at(repo.root, scope.head_commit, settings.ledger)
    )
    return judge(repo, scope, report, head_ledger)


def label_sides(report: Report, scope: ChangeScope) -> None:
    """Name the sides as the user did ("origin/main", "HEAD"), with their commits."""
    report.base = Side(ref=scope.base_ref, commit=scope.base)
    report.head = Side(ref=scope.head_ref, commit=scope.head)


def judge(repo: GitRepository, scope: ChangeScope, report: Report, ledger: Ledger) -> CheckResult:
    """Match the ledger with the report's findings and reach the verdict."""
    settings = scope.settings
    warnings: list[str] = []
    if not settings.require_signatures:
        warnings.append(UNSIGNED_WARNING)
    problems: list[IntegrityProblem] = [
        *tampering(
            repo.root,
            scope.base,
            scope.head_commit,
            settings.ledger,
            working_tree=scope.is_working_tree,
        )
    ]
    signers = (
        (
            settings.read_file(settings.allowed_signers),
            f"{settings.allowed_signers}@{scope.base_ref}",
        )
        if settings.require_signatures
        else None
    )
    earlier = earlier_payloads(repo.root, scope.base, settings.ledger)
    context = _Context(repo, scope, signers, earlier)
    problems += feed_problems(scope, ledger, context.counts_as_release_decision)

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
            if context.is_new(record):
                stale.append(record)
            continue
        policy, finding = findings[key]
        problem = context.problem_with(record, ReviewerRole.legal, policy, finding)
        if problem:
            entry = Ignored(record, problem)
            ignored.append(entry)
            per_finding_ignored.setdefault(key, []).append(entry)
        else:
            decisions.setdefault(key, []).append(record)

    announced: dict[tuple[str, str], list[AnnouncementRecord]] = {}
    for announcement in ledger.announcements:
        if not announcement.event.is_decision:
            continue  # drafts, submissions and publications are not decisions
        keys = [(announcement.policy, fp) for fp in announcement.fingerprints]
        covered = [key for key in keys if key in findings]
        if not covered:
            if context.is_new(announcement):
                stale.append(announcement)
            continue
        policy = findings[covered[0]][0]
        problem = context.problem_with(announcement, ReviewerRole.release, policy, None)
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
        checked = _status_of(
            policy,
            finding,
            decisions.get(key, []),
            announced.get(key, []),
            per_finding_ignored.get(key, []),
            settings.require_announcement and policy.kind == "policy",
        )
        entries = [HistoryEntry(record) for record in decisions.get(key, [])]
        entries += [
            HistoryEntry(item.record, item.reason)
            for item in per_finding_ignored.get(key, [])
            if isinstance(item.record, ReviewRecord)
        ]
        checked.history = sorted(entries, key=lambda entry: entry.record.decided_at)
        checks.append(checked)
    for stale_record in stale:
        what = (
            f"{stale_record.fingerprint} ({stale_record.rule} {stale_record.path})"
            if isinstance(stale_record, ReviewRecord)
            else f"announcement {stale_record.announcement}"
        )
        warnings.append(
            f"review record {stale_record.file} ({stale_record.decision.value} by "
            f"{stale_record.reviewer} on {what} of {stale_record.policy}) matches no finding of "
            "this change: the change was edited after the decision, so it needs a new one; the "
            "record stays in the ledger as history"
        )
    return CheckResult(
        report=report,
        scope=scope,
        findings=checks,
        stale=stale,
        ignored=ignored,
        warnings=warnings,
        require_announcement=settings.require_announcement,
        require_signatures=settings.require_signatures,
        integrity=problems,
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
        max(announcements, key=lambda a: (a.decided_at, a.event is AnnouncementEvent.rejected))
        if announcements
        else None
    )
    if finding.level is not Level.material or not require_announcement:
        return FindingCheck(policy, finding, ReviewStatus.approved, record, announcement, ignored)
    if announcement is None:
        return FindingCheck(policy, finding, ReviewStatus.needs_announcement, record, None, ignored)
    if announcement.event is AnnouncementEvent.rejected:
        return FindingCheck(
            policy, finding, ReviewStatus.announcement_rejected, record, announcement, ignored
        )
    return FindingCheck(policy, finding, ReviewStatus.approved, record, announcement, ignored)


@dataclass
class _Context:
    """What judging one record needs, gathered once per check."""

    repo: GitRepository
    scope: ChangeScope
    signers: tuple[bytes | None, str] | None
    earlier: dict[str, str]  # content hash of every record in the base's history -> its file
    _equivalent: dict[tuple[str, str], bool] = field(default_factory=dict)

    def is_new(self, record: LedgerRecord) -> bool:
        return record.content_hash(64) not in self.earlier

    def counts_as_release_decision(self, record: LedgerRecord) -> bool:
        """A release manager's record valid by role, authorship and signature, whenever made."""
        role = _role_in(self.scope.settings.reviewers, record.reviewer)
        if role is not ReviewerRole.release or record.role is not role:
            return False
        return self._signature_problem(record) is None

    def problem_with(
        self,
        record: LedgerRecord,
        wanted: ReviewerRole,
        policy: PolicyReport,
        finding: Finding | None,
    ) -> str | None:
        """Why a record does not count for ``finding`` of ``policy``, or None when it does."""
        against_baseline = finding is not None and finding.since is not None
        if not against_baseline:
            if not self.is_new(record):
                copied = self.earlier[record.content_hash(64)]
                return (
                    f"decided on an earlier change (the same record as {copied} in the base's "
                    "history); a change made again needs a new review"
                )
            binding = self._binding_problem(record, policy)
            if binding:
                return binding
        settings = self.scope.settings
        role = _role_in(settings.reviewers, record.reviewer)
        if role is None:
            return (
                f"{record.reviewer} is not a reviewer of this repository (at {self.scope.base_ref})"
            )
        if role is not wanted:
            needed = "a legal reviewer" if wanted is ReviewerRole.legal else "a release manager"
            return f"{record.reviewer} is listed as {role.value}, and this decision needs {needed}"
        if record.role is not role:
            return (
                f"the record says role {record.role.value}, but {record.reviewer} is {role.value}"
            )
        since = finding.since.commit if finding is not None and finding.since else None
        authors = self.scope.authors_of(self.repo, policy.file, since)
        if any(same_identity(record.reviewer, author) for author in authors):
            return f"self-approval: {record.reviewer} authored this change to {policy.policy}"
        return self._signature_problem(record)

    def _signature_problem(self, record: LedgerRecord) -> str | None:
        if self.signers is None:
            return None
        from governance.signing import verify

        allowed, name = self.signers
        outcome = verify(
            record.canonical_payload(), record.signature, record.reviewer, allowed, name
        )
        return None if outcome.valid else outcome.reason

    def _binding_problem(self, record: LedgerRecord, policy: PolicyReport) -> str | None:
        if not record.is_bound:
            if self.scope.settings.require_signatures:
                return (
                    "the record does not name the versions it judged (base_blob, head_blob; "
                    "written before govern bound records to a change): ask for a new decision"
                )
            return None
        if record.base_blob != policy.base_blob:
            return (
                f"decided on another change of {policy.policy}: the record's base version "
                f"{_short(record.base_blob)} is not this change's base {_short(policy.base_blob)}"
            )
        if record.head_blob != policy.head_blob and not self._same_but_bookkeeping(
            record.head_blob, policy
        ):
            return (
                f"decided on another version of {policy.policy} ({_short(record.head_blob)}; "
                f"the head is {_short(policy.head_blob)}): the change was edited after the "
                "decision"
            )
        return None

    def _same_but_bookkeeping(self, decided: str | None, policy: PolicyReport) -> bool:
        """True when the head differs from the decided version only by publication fields
        (publishing an announcement bumps ``last_updated`` after the review)."""
        if decided is None or policy.head_blob is None or policy.file is None:
            return False
        key = (decided, policy.head_blob)
        if key not in self._equivalent:
            from governance.scope import same_but_bookkeeping

            data = None
            if self.scope.is_working_tree:
                path = self.repo.root / policy.file
                data = path.read_bytes() if path.is_file() else None
            self._equivalent[key] = same_but_bookkeeping(
                self.repo, policy.file, decided, policy.head_blob, after_data=data
            )
        return self._equivalent[key]


def _short(blob: str | None) -> str:
    return "none" if blob is None or blob == ABSENT else blob[:12]


def _role_in(reviewers: dict[str, ReviewerRole], email: str) -> ReviewerRole | None:
    for reviewer, role in reviewers.items():
        if same_identity(reviewer, email):
            return role
    return None

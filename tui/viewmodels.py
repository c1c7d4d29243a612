"""What the screens show: small frozen views of what the library returned.

Screens receive these from :mod:`tui.services` and never call the library themselves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from governance.findings import Finding, Level


class State(StrEnum):
    """Where a finding stands in review."""

    pending = "pending"
    approved = "approved"
    not_material = "not-material"
    rejected = "rejected"

    @property
    def words(self) -> str:
        return {
            "pending": "to decide",
            "approved": "approved",
            "not-material": "not material",
            "rejected": "rejected",
        }[self.value]

    @property
    def mark(self) -> str:
        return {"pending": "·", "approved": "✓", "not-material": "↓", "rejected": "✗"}[self.value]


LEVEL_COLOURS = {Level.material: "red", Level.minor: "yellow", Level.editorial: "blue"}


@dataclass(frozen=True)
class Review:
    decision: State
    reviewer: str
    decided_at: datetime | None = None
    note: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ReviewedFinding:
    policy_id: str
    finding: Finding
    review: Review | None = None
    status: str = "not-required"  # governance.check.ReviewStatus value
    ignored: tuple[str, ...] = ()  # records that do not count, and why

    @property
    def state(self) -> State:
        return self.review.decision if self.review else State.pending

    @property
    def needs_decision(self) -> bool:
        return self.finding.level is Level.material and self.review is None

    @property
    def fingerprint(self) -> str:
        return self.finding.fingerprint


@dataclass(frozen=True)
class PolicyChange:
    """One policy's findings in one change (base..head)."""

    policy_id: str
    status: str
    findings: tuple[ReviewedFinding, ...]
    authors: frozenset[str] = frozenset()

    @property
    def counts(self) -> dict[Level, int]:
        counter = Counter(item.finding.level for item in self.findings)
        return {level: counter.get(level, 0) for level in Level}

    @property
    def states(self) -> dict[State, int]:
        counter = Counter(
            item.state for item in self.findings if item.finding.level is Level.material
        )
        return {state: counter.get(state, 0) for state in State}

    @property
    def pending(self) -> int:
        return sum(1 for item in self.findings if item.needs_decision)

    @property
    def material(self) -> bool:
        return any(item.finding.level is Level.material for item in self.findings)

    @property
    def state_words(self) -> str:
        """The change's review state in a few words."""
        states = self.states
        if not self.material:
            return "nothing material"
        if states[State.rejected]:
            return f"rejected ({states[State.rejected]})"
        if self.pending:
            return f"{self.pending} to decide"
        return "decided"


@dataclass(frozen=True)
class Change:
    """A comparison between two revisions, with the review state of each finding."""

    base_ref: str
    base_commit: str | None
    head_ref: str
    head_commit: str | None
    policies: tuple[PolicyChange, ...] = ()
    verdict: str | None = None
    explicit_base: str | None = None  # what was asked for (None: the defaults of `check`)
    explicit_head: str | None = None
    name: str | None = None  # the branch it is on, as the queue lists it
    checked_out: bool = True  # the change of this work tree, where decisions are recorded
    switch_to: str | None = None  # what `git switch` takes to check it out, when it is not
    error: str | None = None  # why it could not be judged (then it has no policies)

    def policy(self, policy_id: str) -> PolicyChange | None:
        return next((p for p in self.policies if p.policy_id == policy_id), None)

    @property
    def label(self) -> str:
        return f"{self.base_ref}..{self.head_ref}"

    @property
    def uncommitted(self) -> bool:
        """The head is the working tree: edits not committed yet (decisions included)."""
        return self.head_commit is None and self.error is None

    @property
    def read_only_reason(self) -> str | None:
        """Why decisions cannot be recorded on this change here, or None when they can."""
        if self.checked_out:
            return None
        return (
            f"{self.name} is not checked out; decisions go to the checked-out branch. To decide: "
            f"git switch {self.switch_to}, then ctrl+r in the queue."
        )


@dataclass(frozen=True)
class VersionRow:
    policy_id: str
    commit: str
    committed_at: datetime
    author: str
    subject: str
    material: bool | None = None  # None: not classified (unparsable side)
    level: str | None = None  # the highest level of its findings
    findings: int = 0
    status: str = "modified"  # added | modified | renamed | deleted

    @property
    def short(self) -> str:
        return self.commit[:8]


@dataclass(frozen=True)
class DraftView:
    """An announcement draft as the editor and the release manager see it."""

    id: str
    policy_id: str
    status: str
    title: str
    body_markdown: str
    drafted_by: str | None = None
    decided_by: str | None = None
    reason: str | None = None
    requires_reconsent: bool = False
    fingerprints: tuple[str, ...] = ()
    base_commit: str | None = None
    head_commit: str | None = None


@dataclass(frozen=True)
class Preview:
    """The announcement as users will see it in the app."""

    banner_markdown: str
    modal_markdown: str

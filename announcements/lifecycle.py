"""The life of an announcement, defined once: its states, the actions that move it, and who may
take each. The CLI, the review app and the workflow all ask this table; none re-encodes it.

    draft ──submit──► submitted ──approve──► approved ──publish──► published
      ▲  ╲                │  ╲                  │
      │   edit            │   reject            reject
      │                   ▼                     ▼
      └─────edit──── rejected ◄─────────────────┘

- Only identities in the reviewers table draft, edit, submit, approve, reject or publish.
- A release manager approves or rejects, and never one who drafted or edited the announcement,
  nor an author of the change it announces.
- An approved announcement is not edited: a release manager rejects it first, with a reason.
- Publishing is a release manager's step; a published announcement is final.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from governance.config import ReviewerRole
from governance.ledger import AnnouncementEvent


class Status(StrEnum):
    draft = "draft"  # drafted or edited, not yet submitted
    submitted = "submitted"  # waiting for a release manager
    approved = "approved"
    rejected = "rejected"  # back to the drafter: edit and submit again
    published = "published"  # in the feed; final


class Action(StrEnum):
    draft = "draft"
    edit = "edit"
    submit = "submit"
    approve = "approve"
    reject = "reject"
    publish = "publish"


@dataclass(frozen=True)
class Transition:
    action: Action
    event: AnnouncementEvent  # what the ledger records
    sources: frozenset[Status | None]  # None: the announcement does not exist yet
    target: Status
    role: ReviewerRole | None  # None: any listed reviewer
    independent: bool  # not a drafter or editor of it, nor an author of the change
    needs_reason: bool
    description: str  # for --help, the app's help and its command palette


TRANSITIONS: dict[Action, Transition] = {
    transition.action: transition
    for transition in (
        Transition(
            Action.draft,
            AnnouncementEvent.drafted,
            frozenset({None}),
            Status.draft,
            None,
            False,
            False,
            "Draft the announcement of the approved material findings from the templates",
        ),
        Transition(
            Action.edit,
            AnnouncementEvent.edited,
            frozenset({Status.draft, Status.submitted, Status.rejected}),
            Status.draft,
            None,
            False,
            False,
            "Change the title or the text (a submitted one goes back to draft)",
        ),
        Transition(
            Action.submit,
            AnnouncementEvent.submitted,
            frozenset({Status.draft, Status.rejected}),
            Status.submitted,
            None,
            False,
            False,
            "Hand the announcement to the release managers for approval",
        ),
        Transition(
            Action.approve,
            AnnouncementEvent.approved,
            frozenset({Status.submitted}),
            Status.approved,
            ReviewerRole.release,
            True,
            False,
            "Approve exactly this text for publication (release manager)",
        ),
        Transition(
            Action.reject,
            AnnouncementEvent.rejected,
            frozenset({Status.submitted, Status.approved}),
            Status.rejected,
            ReviewerRole.release,
            True,
            True,
            "Send the announcement back to its drafter, saying why (release manager)",
        ),
        Transition(
            Action.publish,
            AnnouncementEvent.published,
            frozenset({Status.approved}),
            Status.published,
            ReviewerRole.release,
            False,
            False,
            "Write the approved text to the feed the app reads, the changelog and the policy's "
            "new date (release manager)",
        ),
    )
}
BY_EVENT: dict[AnnouncementEvent, Transition] = {t.event: t for t in TRANSITIONS.values()}


def refusal(
    action: Action,
    status: Status | None,
    role: ReviewerRole | None,
    *,
    is_editor: bool = False,
    is_author: bool = False,
    reason: str | None = None,
) -> str | None:
    """Why ``action`` is not allowed now (a sentence), or None when it is."""
    transition = TRANSITIONS[action]
    if role is None:
        return (
            "only identities in the reviewers table draft, edit, submit, approve or publish "
            "announcements"
        )
    if transition.role is not None and role is not transition.role:
        return f"only a release manager may {action.value} an announcement (you are {role.value})"
    if status not in transition.sources:
        wanted = " or ".join(
            "a new"
            if source is None
            else f"{'an' if source.value[0] in 'aeiou' else 'a'} {source.value}"
            for source in sorted(transition.sources, key=lambda s: "" if s is None else s.value)
        )
        now = "does not exist yet" if status is None else f"is {status.value}"
        return f"the announcement {now}; {action.value} needs {wanted} one"
    if transition.independent and is_editor:
        return "whoever drafted or edited an announcement may not decide on it"
    if transition.independent and is_author:
        return "an author of the change may not decide on its announcement"
    if transition.needs_reason and not (reason and reason.strip()):
        return f"{action.value} needs a reason: the drafter needs to know what to fix"
    return None


def allowed_actions(
    status: Status | None,
    role: ReviewerRole | None,
    *,
    is_editor: bool = False,
    is_author: bool = False,
) -> list[Action]:
    """Every action ``role`` may take on an announcement in ``status`` (reasons aside)."""
    return [
        action
        for action in TRANSITIONS
        if refusal(action, status, role, is_editor=is_editor, is_author=is_author, reason="-")
        is None
    ]

"""The life of an announcement: draft → (edited) → submitted → approved | rejected → published.

Announcements live in the store's ``Announcement`` table; every step is appended to the audit
log. A release manager's decision is also written to the repository's ledger
(:func:`governance.ledger.write_announcement_record`), which is what ``govern check`` reads.

Who may do what:

- anyone with an identity drafts, edits and submits;
- only a release manager (``[tool.govern.reviewers]`` role ``release``) approves or rejects, and
  never one who drafted or edited the announcement, nor one who authored the policy change;
- an approved announcement is not edited: a release manager rejects it first (with a reason),
  which voids the approval in the ledger too;
- a published announcement is final.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from announcements.drafting import Draft, draft_announcement
from announcements.record import AnnouncementData, Status, utc_now
from governance.config import Config, ReviewerRole
from governance.errors import AnnouncementError, GovernError, ReviewError, StoreError
from governance.findings import Finding, Level
from governance.identity import same_identity
from governance.store import Announcement, AuditEvent, Store

if TYPE_CHECKING:
    from governance.gitrepo import GitRepository
    from governance.model import Policy

MIN_ID_PREFIX = 4
EDITABLE = {Status.draft, Status.submitted, Status.rejected}
MAX_TITLE = 200
MAX_BODY = 50_000


@dataclass
class DraftOutcome:
    """One drafted (or found again) announcement and what it leaves out."""

    announcement: AnnouncementData
    created: bool
    draft: Draft
    unapproved: list[Finding] = field(default_factory=list)


def subject_of(announcement_id: str) -> str:
    return f"announcement:{announcement_id}"


def to_data(row: Announcement) -> AnnouncementData:
    return AnnouncementData(
        id=row.id,
        policy_id=row.policy_id,
        base_commit=row.base_commit,
        head_commit=row.head_commit,
        status=Status(row.status),
        title=row.title,
        body_markdown=row.body_markdown,
        fingerprints=list(row.fingerprints or []),
        requires_reconsent=row.requires_reconsent,
        consent_revision=row.consent_revision or 1,
        drafted_by=row.drafted_by or "",
        decided_by=row.decided_by,
        reason=row.reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        published_at=row.published_at,
        effective_at=row.effective_at,
    )


# --- reading -----------------------------------------------------------------------------------


def list_announcements(
    store: Store, policy_id: str | None = None, status: Status | None = None
) -> list[AnnouncementData]:
    """Announcements, newest first."""
    with store.read_session() as session:
        query = select(Announcement)
        if policy_id is not None:
            query = query.where(Announcement.policy_id == policy_id)
        if status is not None:
            query = query.where(Announcement.status == status.value)
        query = query.order_by(col(Announcement.created_at).desc(), col(Announcement.id))
        return [to_data(row) for row in session.exec(query).all()]


def get(store: Store, announcement_id: str) -> AnnouncementData:
    """One announcement by id or by a unique prefix of 4+ characters."""
    with store.read_session() as session:
        return to_data(_find(session, announcement_id))


def _find(session: Session, announcement_id: str) -> Announcement:
    key = announcement_id.strip()
    row = session.get(Announcement, key) if key else None
    if row is not None:
        return row
    if len(key) >= MIN_ID_PREFIX:
        matches = session.exec(
            select(Announcement).where(col(Announcement.id).startswith(key)).limit(2)
        ).all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise AnnouncementError(
                f"{announcement_id} is ambiguous: give more of the id", field="ID"
            )
    raise AnnouncementError(
        f"no announcement {announcement_id!r}", field="ID", hint="govern announce list shows them"
    )


def editors_of(store: Store, announcement_id: str) -> set[str]:
    """Casefolded emails of everyone who drafted or edited the announcement (from the audit log)."""
    with store.read_session() as session:
        actors = session.exec(
            select(AuditEvent.actor).where(
                AuditEvent.subject == subject_of(announcement_id),
                col(AuditEvent.action).in_(["announcement.draft", "announcement.edit"]),
            )
        ).all()
    return {actor.casefold() for actor in actors}


# --- changing ----------------------------------------------------------------------------------


@contextmanager
def _transition(store: Store, announcement_id: str) -> Iterator[Announcement]:
    """The row, locked for the change the block makes (committed when the block ends)."""
    with store.session() as session:
        row = _find(session, announcement_id)
        if store.dialect == "postgresql":
            session.refresh(row, with_for_update=True)
        yield row
        row.updated_at = utc_now()
        session.add(row)


def _audited(
    store: Store,
    announcement_id: str,
    identity: str,
    action: str,
    change: dict[str, Any],
    detail: dict[str, Any],
    precondition: Any,
) -> AnnouncementData:
    """Apply ``change`` to the row after ``precondition(row)`` passes, then append the audit
    event; if the audit log cannot be written, the row is put back as it was."""
    with _transition(store, announcement_id) as row:
        precondition(row)
        before = {key: getattr(row, key) for key in (*change, "updated_at")}
        for key, value in change.items():
            setattr(row, key, value)
        data = to_data(row)
    try:
        store.record_audit(identity, action, subject_of(data.id), detail)
    except Exception as error:
        with store.session() as session:
            stored = session.get(Announcement, data.id)
            if stored is not None:
                for key, value in before.items():
                    setattr(stored, key, value)
                session.add(stored)
        if isinstance(error, GovernError):
            raise
        raise StoreError(f"the audit log could not be written ({error}); nothing changed") from None
    return get(store, data.id)


def create(
    store: Store,
    draft: Draft,
    identity: str,
    *,
    base_commit: str | None,
    head_commit: str | None,
) -> tuple[AnnouncementData, bool]:
    """Store a new draft, or return the open announcement of the same findings (not a copy)."""
    wanted = sorted(draft.fingerprints)
    for existing in list_announcements(store, policy_id=draft.policy_id):
        if existing.status is not Status.rejected and sorted(existing.fingerprints) == wanted:
            return existing, False
    now = utc_now()
    row = Announcement(
        id=secrets.token_hex(6),
        policy_id=draft.policy_id,
        base_commit=base_commit,
        head_commit=head_commit,
        status=Status.draft.value,
        title=draft.title,
        body_markdown=draft.body_markdown,
        fingerprints=list(draft.fingerprints),
        requires_reconsent=draft.requires_reconsent,
        consent_revision=draft.consent_revision,
        drafted_by=identity,
        created_at=now,
        updated_at=now,
        effective_at=draft.effective_at,
    )
    with store.session() as session:
        session.add(row)
        data = to_data(row)
    detail = {
        "policy": draft.policy_id,
        "fingerprints": list(draft.fingerprints),
        "requires_reconsent": draft.requires_reconsent,
        "consent_revision": draft.consent_revision,
        "base_commit": base_commit,
        "head_commit": head_commit,
        "title": draft.title,
    }
    try:
        store.record_audit(identity, "announcement.draft", subject_of(data.id), detail)
    except Exception as error:
        with store.session() as session:
            stored = session.get(Announcement, data.id)
            if stored is not None:
                session.delete(stored)
        if isinstance(error, GovernError):
            raise
        raise StoreError(f"the audit log could not be written ({error}); nothing drafted") from None
    return data, True


def edit_draft(
    store: Store,
    announcement_id: str,
    identity: str,
    *,
    title: str | None = None,
    body_markdown: str | None = None,
) -> AnnouncementData:
    """Change the title and/or the body. A submitted or rejected announcement goes back to draft."""
    change: dict[str, Any] = {}
    if title is not None:
        cleaned = " ".join(title.split())
        if not cleaned:
            raise AnnouncementError("the title cannot be empty", field="--title")
        if len(cleaned) > MAX_TITLE:
            raise AnnouncementError(f"the title is over {MAX_TITLE} characters", field="--title")
        change["title"] = cleaned
    if body_markdown is not None:
        if not body_markdown.strip():
            raise AnnouncementError("the body cannot be empty", field="--body-file")
        if len(body_markdown) > MAX_BODY:
            raise AnnouncementError(
                f"the body is over {MAX_BODY:,} characters", field="--body-file"
            )
        change["body_markdown"] = body_markdown.rstrip() + "\n"
    if not change:
        raise AnnouncementError("nothing to change: give a new title or body", field="--title")
    change["status"] = Status.draft.value
    change["decided_by"] = None
    change["reason"] = None

    def editable(row: Announcement) -> None:
        status = Status(row.status)
        if status not in EDITABLE:
            hint = (
                "a release manager rejects it first (govern announce reject ID --reason ...)"
                if status is Status.approved
                else None
            )
            raise AnnouncementError(
                f"announcement {row.id} is {status.value} and can no longer be edited",
                field="ID",
                hint=hint,
            )

    detail = {key: value for key, value in change.items() if key in ("title", "body_markdown")}
    return _audited(store, announcement_id, identity, "announcement.edit", change, detail, editable)


def submit(store: Store, announcement_id: str, identity: str) -> AnnouncementData:
    """Hand the announcement to the release managers."""

    def submittable(row: Announcement) -> None:
        if Status(row.status) not in (Status.draft, Status.rejected):
            raise AnnouncementError(
                f"announcement {row.id} is {row.status}; only a draft can be submitted", field="ID"
            )

    change = {"status": Status.submitted.value, "decided_by": None, "reason": None}
    return _audited(
        store, announcement_id, identity, "announcement.submit", change, {}, submittable
    )


def check_release_manager(
    config: Config,
    store: Store,
    data: AnnouncementData,
    identity: str,
    repo: GitRepository | None = None,
) -> ReviewerRole:
    """Refuse anyone but a release manager who neither wrote the announcement nor the change."""
    role = config.role_of(identity)
    if role is not ReviewerRole.release:
        listed = f" (listed as {role.value})" if role else ""
        raise ReviewError(
            f"{identity} is not a release manager{listed}: only a release manager decides on "
            "announcements",
            file=config.source,
            field=_reviewers_field(config),
            hint=f'a maintainer adds  "{identity}" = "release"  to [{_reviewers_field(config)}]',
        )
    if same_identity(identity, data.drafted_by) or identity.casefold() in editors_of(
        store, data.id
    ):
        raise ReviewError(
            f"{identity} drafted or edited announcement {data.id}, and may not decide on it",
            field="--as",
            hint="ask another release manager listed in [tool.govern.reviewers]",
        )
    if repo is not None:
        _refuse_change_author(config, repo, data, identity)
    return role


def _reviewers_field(config: Config) -> str:
    in_govern_toml = config.source is not None and Path(config.source).name == "govern.toml"
    return "reviewers" if in_govern_toml else "tool.govern.reviewers"


def _refuse_change_author(
    config: Config, repo: GitRepository, data: AnnouncementData, identity: str
) -> None:
    from governance.scope import resolve_scope

    files = repo.policy_files(None, config.policies)
    policy_file = files.get(data.policy_id)
    if policy_file is None or data.base_commit is None:
        return
    scope = resolve_scope(repo, data.base_commit, None)
    authors = scope.authors_of(repo, policy_file.path)
    if any(same_identity(identity, author) for author in authors):
        raise ReviewError(
            f"{identity} authored this change to {data.policy_id}, and the author of a change "
            "may not approve its announcement",
            field="--as",
            hint="ask another release manager listed in [tool.govern.reviewers]",
        )


def approve(
    store: Store,
    config: Config,
    announcement_id: str,
    identity: str,
    *,
    repo: GitRepository | None = None,
    key: str | Path | None = None,
) -> AnnouncementData:
    return _decide(store, config, announcement_id, identity, "approved", None, repo, key)


def reject(
    store: Store,
    config: Config,
    announcement_id: str,
    identity: str,
    reason: str,
    *,
    repo: GitRepository | None = None,
    key: str | Path | None = None,
) -> AnnouncementData:
    if not (reason and reason.strip()):
        raise ReviewError(
            "a rejection needs --reason: the drafter needs to know what to fix", field="--reason"
        )
    return _decide(store, config, announcement_id, identity, "rejected", reason.strip(), repo, key)


def _decide(
    store: Store,
    config: Config,
    announcement_id: str,
    identity: str,
    decision: str,
    reason: str | None,
    repo: GitRepository | None,
    key: str | Path | None,
) -> AnnouncementData:
    from governance.ledger import write_announcement_record

    data = get(store, announcement_id)
    # CONTRACT's sequence is draft → approve → publish: submitting is a courtesy, not a gate.
    allowed = (
        (Status.draft, Status.submitted)
        if decision == "approved"
        else (Status.draft, Status.submitted, Status.approved)
    )
    if data.status not in allowed:
        raise AnnouncementError(
            f"announcement {data.id} is {data.status.value}; a release manager can "
            f"{'approve' if decision == 'approved' else 'reject'} only a "
            f"{' or '.join(status.value for status in allowed)} announcement",
            field="ID",
        )
    check_release_manager(config, store, data, identity, repo)

    def unchanged(row: Announcement) -> None:
        if row.status != data.status.value or row.updated_at != data.updated_at:
            raise AnnouncementError(
                f"announcement {row.id} changed while deciding; look at it again", field="ID"
            )

    record = write_announcement_record(
        config, data.id, data.policy_id, data.fingerprints, decision, identity, reason, key
    )
    status = Status.approved if decision == "approved" else Status.rejected
    detail = {
        "decision": decision,
        "reason": reason,
        "policy": data.policy_id,
        "fingerprints": data.fingerprints,
        "ledger_file": record.file,
        "signed": record.signature is not None,
    }
    change = {"status": status.value, "decided_by": identity, "reason": reason}
    try:
        return _audited(
            store, data.id, identity, f"announcement.{status.value}", change, detail, unchanged
        )
    except BaseException:
        if record.file:
            (config.root / record.file).unlink(missing_ok=True)
        raise


def begin_publication(
    store: Store, announcement_id: str, published_at: datetime, effective_at: datetime
) -> AnnouncementData:
    """Remember the publication time before any file is written, so that a retry after a crash
    writes the same dates (the status stays approved until :func:`mark_published`)."""
    with _transition(store, announcement_id) as row:
        if row.status != Status.approved.value:
            raise AnnouncementError(
                f"announcement {row.id} is {row.status}; only an approved announcement is "
                "published",
                field="ID",
            )
        row.published_at = published_at
        row.effective_at = effective_at
        return to_data(row)


def mark_published(
    store: Store,
    announcement_id: str,
    identity: str,
    published_at: datetime,
    effective_at: datetime,
    detail: dict[str, Any],
) -> AnnouncementData:
    def approved(row: Announcement) -> None:
        if row.status != Status.approved.value:
            raise AnnouncementError(
                f"announcement {row.id} is {row.status}; only an approved announcement is "
                "published",
                field="ID",
            )

    change = {
        "status": Status.published.value,
        "published_at": published_at,
        "effective_at": effective_at,
    }
    return _audited(
        store, announcement_id, identity, "announcement.publish", change, detail, approved
    )


# --- drafting from a change --------------------------------------------------------------------


def draft_from_change(
    config: Config,
    store: Store,
    repo: GitRepository,
    identity: str,
    base: str | None = None,
    head: str | None = None,
) -> list[DraftOutcome]:
    """Draft one announcement per policy from the findings legal reviewers approved.

    The findings and their reviews are exactly those ``govern check`` sees for the same base and
    head, so an announcement covers what CI will ask it to cover.
    """
    from governance.check import ReviewStatus, run_check

    approved_by_legal = {
        ReviewStatus.approved,
        ReviewStatus.needs_announcement,
        ReviewStatus.announcement_rejected,
    }
    result = run_check(repo, base, head)
    scope = result.scope
    outcomes: list[DraftOutcome] = []
    unreviewed: list[str] = []
    for policy in result.report.policies:
        checks = [item for item in result.findings if item.policy is policy]
        material = [item for item in checks if item.finding.level is Level.material]
        approved = [item.finding for item in material if item.status in approved_by_legal]
        pending = [
            item.finding
            for item in material
            if item.status not in approved_by_legal and item.status is not ReviewStatus.not_material
        ]
        unreviewed.extend(f"{f.fingerprint} {f.rule} {policy.policy}: {f.path}" for f in pending)
        if not approved:
            continue
        head_policy = _policy_at(config, repo, policy.policy, scope.head)
        if head_policy is None:
            continue  # a removed policy: nothing left to show users an announcement in
        base_policy = _policy_at(config, repo, policy.policy, scope.base)
        draft = draft_announcement(
            approved, head_policy, config, policy_id=policy.policy, base=base_policy
        )
        data, created = create(
            store, draft, identity, base_commit=scope.base, head_commit=scope.head_commit
        )
        outcomes.append(DraftOutcome(data, created, draft, pending))
    if not outcomes:
        hint = (
            "a legal reviewer decides first (govern approve FINGERPRINT --as EMAIL); "
            "undecided:\n    " + "\n    ".join(unreviewed)
            if unreviewed
            else "this change has no material findings, so it needs no announcement"
        )
        raise AnnouncementError(
            f"nothing to announce between {scope.base_ref} and {scope.head_ref}: no material "
            "finding approved by a legal reviewer",
            hint=hint,
        )
    return outcomes


def _policy_at(
    config: Config, repo: GitRepository, policy_id: str, revision: str | None
) -> Policy | None:
    from governance.blobcache import parse_policy_file

    policy_file = repo.policy_files(revision, config.policies).get(policy_id)
    if policy_file is None:
        return None
    return parse_policy_file(policy_file, repo.root)


def policy_title(config: Config, policy_id: str) -> str:
    """The policy's title as the working tree has it (its id when the file is gone)."""
    path = policy_path(config, policy_id)
    if path is None:
        return policy_id
    from governance.formats import read_policy_file

    try:
        return read_policy_file(path, config.policies_dir).policy.title
    except GovernError:
        return policy_id


def policy_path(config: Config, policy_id: str) -> Path | None:
    from governance.formats import discover
    from governance.formats import policy_id as id_of

    for path in discover(config.policies_dir):
        if id_of(path, config.policies_dir) == policy_id:
            return path
    return None


__all__: Sequence[str] = (
    "DraftOutcome",
    "approve",
    "check_release_manager",
    "create",
    "draft_from_change",
    "edit_draft",
    "editors_of",
    "get",
    "list_announcements",
    "begin_publication",
    "mark_published",
    "policy_path",
    "policy_title",
    "reject",
    "submit",
)

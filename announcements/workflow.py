"""The life of an announcement, recorded in git: draft → (edit) → submit → approve | reject →
publish (see :mod:`announcements.lifecycle` for the one table of who may do what).

Every step is a small record in the repository's ledger (``kind: announcement``, next to the
legal reviewers' records), appended and never changed, so a team sees the same state after
``git pull`` and the database is never the only copy of a decision. Drafts and edits carry the
text; an approval carries the SHA-256 of exactly the content approved; publishing refuses a
content that differs. Each step is also appended to the store's audit log, and the record carries
its place in the hash chain.

Settings (reviewers, the ledger folder, signing) are the base revision's of the current change,
as for ``check``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from announcements.drafting import Draft, draft_announcement
from announcements.lifecycle import BY_EVENT, TRANSITIONS, Action, Status, refusal
from announcements.record import AnnouncementData, Step, utc_now
from announcements.safe_markdown import markdown_to_html
from governance.config import Config
from governance.errors import AnnouncementError, GovernError, ReviewError, StoreError
from governance.findings import Finding, Level
from governance.identity import same_identity
from governance.ledger import (
    ABSENT,
    AnnouncementContent,
    AnnouncementEvent,
    AnnouncementRecord,
    read_ledger,
    write_record,
)

if TYPE_CHECKING:
    from governance.gitrepo import GitRepository
    from governance.model import Policy
    from governance.scope import ChangeScope
    from governance.store import Store

MIN_ID_PREFIX = 4
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


# --- reading: the ledger's records, folded --------------------------------------------------------


def fold(records: Sequence[AnnouncementRecord]) -> dict[str, AnnouncementData]:
    """Each announcement's state from its records, in their order (step, then time). Records of
    an announcement without a draft (decisions written before 0.2) are left out."""
    grouped: dict[str, list[AnnouncementRecord]] = {}
    for record in records:
        grouped.setdefault(record.announcement, []).append(record)
    states: dict[str, AnnouncementData] = {}
    for announcement_id, steps in grouped.items():
        steps.sort(key=lambda r: (r.step or 0, r.decided_at, r.file or ""))
        state = _replay(announcement_id, steps)
        if state is not None:
            states[announcement_id] = state
    return states


def _replay(announcement_id: str, records: list[AnnouncementRecord]) -> AnnouncementData | None:
    first = next((r for r in records if r.event is AnnouncementEvent.drafted), None)
    if first is None or first.content is None:
        return None
    state = _from_draft(announcement_id, first)
    for record in records:
        if record is first:
            continue
        transition = BY_EVENT[record.event]
        if state.status not in transition.sources:
            continue  # out of order (a record from a parallel branch): not applied
        _apply(state, record)
    return state


def _from_draft(announcement_id: str, record: AnnouncementRecord) -> AnnouncementData:
    content = record.content
    assert content is not None
    state = AnnouncementData(
        id=announcement_id,
        policy_id=record.policy,
        base_commit=record.base_commit,
        head_commit=record.head_commit,
        status=Status.draft,
        title=content.title,
        body_markdown=content.body_markdown,
        fingerprints=list(record.fingerprints),
        requires_reconsent=content.requires_reconsent,
        consent_revision=content.consent_revision,
        notice_days=content.notice_days,
        drafted_by=record.reviewer,
        editors=[record.reviewer.casefold()],
        created_at=record.decided_at,
        updated_at=record.decided_at,
        base_blob=record.base_blob,
        head_blob=record.head_blob,
        content_sha256=record.content_sha256,
        steps=record.step or 1,
    )
    state.history.append(
        Step(event="drafted", actor=record.reviewer, at=record.decided_at, file=record.file)
    )
    return state


def _apply(state: AnnouncementData, record: AnnouncementRecord) -> None:
    transition = BY_EVENT[record.event]
    state.status = transition.target
    state.updated_at = record.decided_at
    state.steps = max(state.steps, record.step or state.steps + 1)
    state.history.append(
        Step(
            event=record.event.value,
            actor=record.reviewer,
            at=record.decided_at,
            reason=record.reason,
            file=record.file,
        )
    )
    if record.event is AnnouncementEvent.edited and record.content is not None:
        state.title = record.content.title
        state.body_markdown = record.content.body_markdown
        state.requires_reconsent = record.content.requires_reconsent
        state.consent_revision = record.content.consent_revision
        state.notice_days = record.content.notice_days
        state.content_sha256 = record.content_sha256
        if record.reviewer.casefold() not in state.editors:
            state.editors.append(record.reviewer.casefold())
        state.decided_by, state.reason, state.approved_sha256 = None, None, None
    elif record.event is AnnouncementEvent.submitted:
        state.decided_by, state.reason = None, None
    elif record.event is AnnouncementEvent.approved:
        state.decided_by, state.reason = record.reviewer, None
        state.approved_sha256 = record.content_sha256
    elif record.event is AnnouncementEvent.rejected:
        state.decided_by, state.reason = record.reviewer, record.reason
        state.approved_sha256 = None
    elif record.event is AnnouncementEvent.published:
        state.published_at = record.published_at
        state.effective_at = record.effective_at


def load(settings: Config) -> dict[str, AnnouncementData]:
    """Every announcement in the work tree's ledger."""
    return fold(read_ledger(settings.root, settings.ledger).announcements)


def list_announcements(
    settings: Config, policy_id: str | None = None, status: Status | None = None
) -> list[AnnouncementData]:
    """Announcements, newest first."""
    chosen = [
        data
        for data in load(settings).values()
        if (policy_id is None or data.policy_id == policy_id)
        and (status is None or data.status is status)
    ]
    return sorted(chosen, key=lambda data: (data.created_at, data.id), reverse=True)


def get(settings: Config, announcement_id: str) -> AnnouncementData:
    """One announcement by id or by a unique prefix of 4+ characters."""
    every = load(settings)
    key = announcement_id.strip()
    if key in every:
        return every[key]
    matches = [
        data for name, data in every.items() if len(key) >= MIN_ID_PREFIX and name.startswith(key)
    ]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise AnnouncementError(f"{announcement_id} is ambiguous: give more of the id", field="ID")
    raise AnnouncementError(
        f"no announcement {announcement_id!r} in {settings.ledger}",
        field="ID",
        hint="govern announce list shows them",
    )


def content_of(data: AnnouncementData) -> AnnouncementContent:
    return AnnouncementContent(
        title=data.title,
        body_markdown=data.body_markdown,
        requires_reconsent=data.requires_reconsent,
        consent_revision=data.consent_revision,
        notice_days=data.notice_days,
    )


def content_sha256(policy_id: str, content: AnnouncementContent) -> str:
    return content.sha256(policy_id, markdown_to_html(content.body_markdown))


# --- changing: one record per step ------------------------------------------------------------


def change_scope(repo: GitRepository) -> ChangeScope:
    """The change under review (as ``check`` resolves it), whose base settings decide who may
    act and which templates speak."""
    from governance.scope import resolve_scope

    return resolve_scope(repo)


def authorize(
    scope: ChangeScope,
    repo: GitRepository,
    action: Action,
    data: AnnouncementData | None,
    identity: str,
    reason: str | None = None,
) -> None:
    """ReviewError unless ``identity`` may take ``action`` now (the lifecycle table decides)."""
    settings = scope.settings
    role = settings.role_of(identity)
    is_editor = data is not None and identity.strip().casefold() in data.editors
    is_author = False
    transition = TRANSITIONS[action]
    if transition.independent and data is not None and role is not None:
        is_author = _authored_change(scope, repo, data, identity)
    problem = refusal(
        action,
        data.status if data is not None else None,
        role,
        is_editor=is_editor,
        is_author=is_author,
        reason=reason,
    )
    if problem is None:
        return
    what = f"announcement {data.id}" if data is not None else "this announcement"
    hint = None
    if role is None:
        hint = f'a maintainer adds  "{identity}" = "release" (or "legal")  under the reviewers'
    elif transition.independent:
        hint = "ask another release manager listed in the reviewers table"
    raise ReviewError(
        f"{identity} cannot {action.value} {what}: {problem}", field="--as", hint=hint
    )


def _authored_change(
    scope: ChangeScope, repo: GitRepository, data: AnnouncementData, identity: str
) -> bool:
    files = repo.policy_files(scope.head, scope.settings.policies)
    policy_file = files.get(data.policy_id)
    if policy_file is None:
        return False
    return any(same_identity(identity, a) for a in scope.authors_of(repo, policy_file.path))


def append_step(
    scope: ChangeScope,
    store: Store,
    data: AnnouncementData,
    event: AnnouncementEvent,
    identity: str,
    *,
    key: str | Path | None = None,
    **fields: object,
) -> AnnouncementRecord:
    """Write the record of one step (appended to the audit log first); returns it."""
    from governance.signing import signing_key

    settings = scope.settings
    role = settings.role_of(identity)
    assert role is not None  # authorize() refused everyone else
    fields.setdefault("content_sha256", data.content_sha256)
    record = AnnouncementRecord(
        announcement=data.id,
        step=data.steps + 1,
        event=event,
        policy=data.policy_id,
        fingerprints=sorted(set(data.fingerprints)),
        base_blob=data.base_blob or ABSENT,
        head_blob=data.head_blob or ABSENT,
        reviewer=identity,
        role=role,
        decided_at=utc_now(),
        **fields,  # type: ignore[arg-type]
    )
    try:
        write_record(settings, record, signing_key(settings.root, key), audit=store)
    except GovernError:
        raise
    except Exception as error:  # noqa: BLE001 - a driver error is a setting to fix
        raise StoreError(f"the audit log could not be written ({error}); nothing changed") from None
    return record


def _act(
    repo: GitRepository,
    store: Store,
    announcement_id: str,
    action: Action,
    identity: str,
    *,
    reason: str | None = None,
    key: str | Path | None = None,
    **fields: object,
) -> AnnouncementData:
    scope = change_scope(repo)
    data = get(scope.settings, announcement_id)
    authorize(scope, repo, action, data, identity, reason)
    append_step(
        scope, store, data, TRANSITIONS[action].event, identity, key=key, reason=reason, **fields
    )
    return get(scope.settings, data.id)


def edit_draft(
    repo: GitRepository,
    store: Store,
    announcement_id: str,
    identity: str,
    *,
    title: str | None = None,
    body_markdown: str | None = None,
    key: str | Path | None = None,
) -> AnnouncementData:
    """Change the title and/or the body. A submitted or rejected announcement goes back to draft."""
    from governance.scope import resolve_scope

    current = get(resolve_scope(repo).settings, announcement_id)
    if title is None and body_markdown is None:
        raise AnnouncementError("nothing to change: give a new title or body", field="--title")
    new_title = current.title if title is None else " ".join(title.split())
    new_body = current.body_markdown if body_markdown is None else body_markdown.rstrip() + "\n"
    if not new_title:
        raise AnnouncementError("the title cannot be empty", field="--title")
    if len(new_title) > MAX_TITLE:
        raise AnnouncementError(f"the title is over {MAX_TITLE} characters", field="--title")
    if not new_body.strip():
        raise AnnouncementError("the body cannot be empty", field="--body-file")
    if len(new_body) > MAX_BODY:
        raise AnnouncementError(f"the body is over {MAX_BODY:,} characters", field="--body-file")
    if (new_title, new_body) == (current.title, current.body_markdown) and (
        current.status is Status.draft
    ):
        return current  # nothing changed: no record
    content = content_of(current).model_copy(update={"title": new_title, "body_markdown": new_body})
    return _act(
        repo,
        store,
        current.id,
        Action.edit,
        identity,
        key=key,
        content=content,
        content_sha256=content_sha256(current.policy_id, content),
    )


def submit(
    repo: GitRepository,
    store: Store,
    announcement_id: str,
    identity: str,
    *,
    key: str | Path | None = None,
) -> AnnouncementData:
    """Hand the announcement to the release managers."""
    return _act(repo, store, announcement_id, Action.submit, identity, key=key)


def approve(
    repo: GitRepository,
    store: Store,
    announcement_id: str,
    identity: str,
    *,
    key: str | Path | None = None,
) -> AnnouncementData:
    """A release manager approves exactly the current text (its SHA-256 goes into the record)."""
    return _act(repo, store, announcement_id, Action.approve, identity, key=key)


def reject(
    repo: GitRepository,
    store: Store,
    announcement_id: str,
    identity: str,
    reason: str,
    *,
    key: str | Path | None = None,
) -> AnnouncementData:
    """A release manager sends it back, saying why (this voids an approval)."""
    cleaned = reason.strip() if reason else None
    return _act(repo, store, announcement_id, Action.reject, identity, reason=cleaned, key=key)


# --- drafting from a change --------------------------------------------------------------------


def draft_from_change(
    repo: GitRepository,
    store: Store,
    identity: str,
    base: str | None = None,
    head: str | None = None,
    *,
    key: str | Path | None = None,
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
    settings = scope.settings
    authorize(scope, repo, Action.draft, None, identity)
    existing = load(settings)
    outcomes: list[DraftOutcome] = []
    unreviewed: list[str] = []
    for policy in result.report.policies:
        if policy.kind != "policy":
            continue  # settings changes are not announced to users
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
        head_policy = _policy_at(settings, repo, policy.policy, scope.head)
        if head_policy is None:
            continue  # a removed policy: nothing left to show users an announcement in
        base_policy = _policy_at(settings, repo, policy.policy, scope.base)
        draft = draft_announcement(
            approved, head_policy, settings, policy_id=policy.policy, base=base_policy
        )
        wanted = sorted(draft.fingerprints)
        found = next(
            (
                data
                for data in existing.values()
                if data.policy_id == draft.policy_id
                and data.status is not Status.rejected
                and sorted(data.fingerprints) == wanted
            ),
            None,
        )
        if found is not None:
            outcomes.append(DraftOutcome(found, False, draft, pending))
            continue
        content = AnnouncementContent(
            title=draft.title,
            body_markdown=draft.body_markdown,
            requires_reconsent=draft.requires_reconsent,
            consent_revision=draft.consent_revision,
            notice_days=draft.notice_days,
        )
        start = AnnouncementData(
            id=secrets.token_hex(6),
            policy_id=policy.policy,
            base_commit=scope.base,
            head_commit=scope.head_commit,
            title=content.title,
            body_markdown=content.body_markdown,
            fingerprints=list(draft.fingerprints),
            drafted_by=identity,
            created_at=utc_now(),
            updated_at=utc_now(),
            base_blob=policy.base_blob,
            head_blob=policy.head_blob,
            content_sha256=content_sha256(policy.policy, content),
        )
        append_step(
            scope,
            store,
            start,
            AnnouncementEvent.drafted,
            identity,
            key=key,
            base_commit=scope.base,
            head_commit=scope.head_commit,
            content=content,
        )
        outcomes.append(DraftOutcome(get(settings, start.id), True, draft, pending))
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
    settings: Config, repo: GitRepository, policy_id: str, revision: str | None
) -> Policy | None:
    from governance.blobcache import parse_policy_file

    policy_file = repo.policy_files(revision, settings.policies).get(policy_id)
    if policy_file is None:
        return None
    return parse_policy_file(policy_file, repo.root)


def policy_title(settings: Config, policy_id: str) -> str:
    """The policy's title as the working tree has it (its id when the file is gone)."""
    path = policy_path(settings, policy_id)
    if path is None:
        return policy_id
    from governance.formats import read_policy_file

    try:
        return read_policy_file(path, settings.policies_dir).policy.title
    except GovernError:
        return policy_id


def policy_path(settings: Config, policy_id: str) -> Path | None:
    from governance.formats import discover
    from governance.formats import policy_id as id_of

    for path in discover(settings.policies_dir):
        if id_of(path, settings.policies_dir) == policy_id:
            return path
    return None


__all__: Sequence[str] = (
    "DraftOutcome",
    "append_step",
    "approve",
    "authorize",
    "change_scope",
    "content_of",
    "content_sha256",
    "draft_from_change",
    "edit_draft",
    "fold",
    "get",
    "list_announcements",
    "load",
    "policy_path",
    "policy_title",
    "reject",
    "submit",
)

"""Drafting an announcement from the approved material findings of a change.

Python gathers the facts of each finding (the item, recipient, commitment or control it is about,
as the head policy states them, and what was added or removed); the templates under
``announcements/templates/`` turn them into words, one template per rule id
(``changes/<rule>.md``), so a repository can reword any of them without touching code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from announcements.rendering import render
from governance.config import Config
from governance.errors import AnnouncementError
from governance.findings import Finding, Level
from governance.model import Item, Policy

# Changes users must be asked about again before they take effect: a consent given for the old
# policy does not cover them (GDPR Art. 4(11) "specific", Art. 7; EDPB 05/2020 ¶¶55-56).
RECONSENT_RULES: frozenset[str] = frozenset(
    {
        "third-party-added",
        "purpose-added",
        "consent-weakened",
        "sharing-expanded",
        "data-leaves-device",
    }
)

COLLECTIONS = ("items", "recipients", "commitments", "controls", "sections")


class ChangeFacts(BaseModel):
    """What one finding is about, as plain data for the templates."""

    rule: str
    level: str
    fingerprint: str
    path: str
    message: str
    before: Any = None
    after: Any = None
    collection: str | None = Field(None, description='"items", "recipients", ... from the path')
    entry_id: str | None = None
    field: str | None = Field(None, description="The changed field inside the entry, if any")
    subject: str = Field(description="What users would call the thing that changed")
    item: dict[str, Any] | None = None
    recipient: dict[str, Any] | None = None
    recipient_items: list[dict[str, Any]] = Field(default_factory=list)
    commitment: dict[str, Any] | None = None
    control: dict[str, Any] | None = None
    added: list[Any] = Field(default_factory=list, description="List values present only after")
    removed: list[Any] = Field(default_factory=list, description="List values present only before")
    requires_reconsent: bool = False
    # Fingerprint of the change whose text already says this (a new vendor's item).
    covered_by: str | None = None


class Draft(BaseModel):
    """An announcement as drafted, before anyone edits or approves it."""

    policy_id: str
    policy_title: str
    title: str
    body_markdown: str
    severity: Literal["material"] = "material"
    requires_reconsent: bool
    consent_revision: int
    notice_days: int
    effective_at: datetime = Field(description="If published on the drafting day")
    fingerprints: list[str]
    changes: list[ChangeFacts]


def effective_at(published_at: datetime, notice_days: int) -> datetime:
    """Midnight UTC, ``notice_days`` after the day of publication."""
    day = published_at.astimezone(UTC).date() + timedelta(days=notice_days)
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def next_consent_revision(head: Policy, base: Policy | None, requires_reconsent: bool) -> int:
    """The revision a consent manager (cookieconsent ``revision``, Klaro) must ask for.

    When the change itself already raised the policy's revision, that value is kept; otherwise a
    change that needs new consent takes the next one.
    """
    if not requires_reconsent:
        return head.consent_revision
    if base is not None and head.consent_revision > base.consent_revision:
        return head.consent_revision
    return head.consent_revision + 1


def draft_announcement(
    findings: Sequence[Finding],
    head: Policy,
    config: Config,
    *,
    policy_id: str,
    base: Policy | None = None,
    today: date | None = None,
) -> Draft:
    """Draft the announcement of ``findings`` (the material ones are kept) in ``head``."""
    material = _unique(finding for finding in findings if finding.level is Level.material)
    if not material:
        raise AnnouncementError(
            f"nothing to announce for {policy_id}: no approved material findings",
            field="findings",
            hint="a legal reviewer approves findings first: govern approve FINGERPRINT --as EMAIL",
        )
    changes = [change_facts(finding, head, base) for finding in material]
    _mark_covered(changes)
    requires_reconsent = any(change.requires_reconsent for change in changes)
    consent_revision = next_consent_revision(head, base, requires_reconsent)
    context = {
        "policy": _policy_context(head, policy_id),
        "changes": [change.model_dump(mode="json") for change in changes],
        "controls": [control.model_dump(mode="json") for control in head.controls],
        "requires_reconsent": requires_reconsent,
        "consent_revision": consent_revision,
        "notice_days": config.notice_days,
    }
    title = " ".join(render(config, "title.txt", context).split())
    body = render(config, "body.md", context).strip() + "\n"
    drafted_on = today or datetime.now(UTC).date()
    return Draft(
        policy_id=policy_id,
        policy_title=head.title,
        title=title,
        body_markdown=body,
        requires_reconsent=requires_reconsent,
        consent_revision=consent_revision,
        notice_days=config.notice_days,
        effective_at=effective_at(
            datetime.combine(drafted_on, time(0, 0), UTC), config.notice_days
        ),
        fingerprints=[change.fingerprint for change in changes],
        changes=changes,
    )


def change_facts(finding: Finding, head: Policy, base: Policy | None = None) -> ChangeFacts:
    """The facts of one finding, looked up in the head policy (or the base, for removals)."""
    collection, entry_id, field = split_path(finding.path)
    facts = ChangeFacts(
        rule=finding.rule,
        level=finding.level.value,
        fingerprint=finding.fingerprint,
        path=finding.path,
        message=finding.message,
        before=finding.before,
        after=finding.after,
        collection=collection,
        entry_id=entry_id,
        field=field,
        subject=entry_id or finding.path,
        requires_reconsent=finding.rule in RECONSENT_RULES,
    )
    facts.added, facts.removed = _list_delta(finding.before, finding.after)
    if collection is None or entry_id is None:
        return facts
    entry = _find_entry(head, collection, entry_id)
    if entry is None and base is not None:
        entry = _find_entry(base, collection, entry_id)
    if entry is None:
        entry = _entry_from_value(finding.after if finding.after is not None else finding.before)
    if entry is None:
        return facts
    facts.subject = str(entry.get("name") or entry.get("title") or entry.get("text") or entry_id)
    if collection == "items":
        facts.item = entry
        provider = head.recipient(entry.get("provider")) or (
            base.recipient(entry.get("provider")) if base else None
        )
        facts.recipient = provider.model_dump(mode="json") if provider else None
    elif collection == "recipients":
        facts.recipient = entry
        facts.recipient_items = [item.model_dump(mode="json") for item in _items_of(head, entry)]
    elif collection == "commitments":
        facts.commitment = entry
    elif collection == "controls":
        facts.control = entry
    return facts


def _mark_covered(changes: list[ChangeFacts]) -> None:
    """An item of a newly added recipient is described with the recipient, not on its own."""
    described: dict[str, str] = {}
    for change in changes:
        if change.rule == "third-party-added" and change.recipient is not None:
            for item in change.recipient_items:
                described.setdefault(item["id"], change.fingerprint)
    for change in changes:
        if change.rule == "tracking-item-added" and change.item is not None:
            change.covered_by = described.get(change.item["id"])


def split_path(path: str) -> tuple[str | None, str | None, str | None]:
    """``items/_ga/retention`` → ``("items", "_ga", "retention")``."""
    parts = [part for part in path.strip("/").split("/") if part]
    if not parts or parts[0] not in COLLECTIONS:
        return None, None, None
    entry_id = parts[1] if len(parts) > 1 else None
    field = "/".join(parts[2:]) or None
    return parts[0], entry_id, field


def _find_entry(policy: Policy, collection: str, key: str) -> dict[str, Any] | None:
    folded = key.casefold()
    entries: list[BaseModel] = getattr(policy, collection)
    for entry in entries:
        if getattr(entry, "id", None) == key:
            return entry.model_dump(mode="json")
    for entry in entries:
        name = getattr(entry, "name", None) or getattr(entry, "title", None)
        if isinstance(name, str) and name.casefold() == folded:
            return entry.model_dump(mode="json")
    return None


def _entry_from_value(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict) and ("name" in value or "text" in value or "title" in value):
        return dict(value)
    return None


def _items_of(policy: Policy, recipient: dict[str, Any]) -> list[Item]:
    keys = {str(recipient.get("id", "")).casefold(), str(recipient.get("name", "")).casefold()}
    return [item for item in policy.items if item.provider and item.provider.casefold() in keys]


def _list_delta(before: Any, after: Any) -> tuple[list[Any], list[Any]]:
    if not isinstance(before, list | type(None)) or not isinstance(after, list | type(None)):
        return [], []
    old, new = before or [], after or []
    return [value for value in new if value not in old], [
        value for value in old if value not in new
    ]


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[str] = set()
    unique: list[Finding] = []
    for finding in findings:
        if finding.fingerprint not in seen:
            seen.add(finding.fingerprint)
            unique.append(finding)
    return unique


def _policy_context(policy: Policy, policy_id: str) -> dict[str, Any]:
    return {
        "id": policy_id,
        "title": policy.title,
        "owner": policy.owner,
        "consent_revision": policy.consent_revision,
        "recipients": [recipient.model_dump(mode="json") for recipient in policy.recipients],
    }

"""The feed on the head must say exactly what release managers approved.

Every entry of the announcement feed that is new or changed in the change (entries the base
already had were checked when they came) must match an announcement of the ledger: a
``published`` record for its id, and a release manager's approval of the same content — the
SHA-256 over the entry's title, bodies (Markdown and HTML), severity, re-consent flag, consent
revision and notice period. An entry edited after publication, injected by hand, or removed is
reported; ``check`` then fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from governance.gitfiles import file_at_revision
from governance.ledger import AnnouncementContent, AnnouncementEvent, AnnouncementRecord, Ledger

if TYPE_CHECKING:
    from governance.scope import ChangeScope


@dataclass(frozen=True)
class FeedProblem:
    file: str
    message: str

    def describe(self) -> str:
        return self.message


def feed_problems(
    scope: ChangeScope,
    ledger: Ledger,
    counts: Callable[[AnnouncementRecord], bool],
) -> list[FeedProblem]:
    """What is wrong with the feed on the head (``counts``: does a release manager's record
    count, by the gate's rules)."""
    settings = scope.settings
    name = settings.feed
    if scope.is_working_tree:
        path = settings.root / name
        head_bytes = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    else:
        head_bytes = file_at_revision(settings.root, scope.head_commit, name)
    base_bytes = file_at_revision(settings.root, scope.base, name)
    records: dict[str, list[AnnouncementRecord]] = {}
    for record in ledger.announcements:
        records.setdefault(record.announcement, []).append(record)
    published = {
        ident
        for ident, steps in records.items()
        if any(r.event is AnnouncementEvent.published for r in steps)
    }
    if head_bytes == base_bytes and not published:
        return []
    head_entries, problem = _entries(head_bytes, name)
    if problem:
        return [FeedProblem(name, problem)]
    base_entries, _ = _entries(base_bytes, name)
    before = {str(entry.get("id")): entry for entry in base_entries}
    listed = {str(entry.get("id")) for entry in head_entries}
    gone = (before.keys() | published) - listed
    problems = [
        FeedProblem(name, f"announcement {ident} was published, and is missing from {name}")
        for ident in sorted(gone)
    ]
    for entry in head_entries:
        ident = str(entry.get("id"))
        if before.get(ident) == entry:
            continue
        message = _entry_problem(entry, records.get(ident, []), counts)
        if message:
            problems.append(FeedProblem(name, f"feed entry {ident} in {name}: {message}"))
    return problems


def _entries(data: bytes | None, name: str) -> tuple[list[dict[str, Any]], str | None]:
    if data is None:
        return [], None
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        return [], f"the feed {name} is not valid JSON ({error})"
    entries = document.get("announcements") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        return [], f"the feed {name} is not a govern.feed/1 document"
    return entries, None


def _entry_problem(
    entry: dict[str, Any],
    records: list[AnnouncementRecord],
    counts: Callable[[AnnouncementRecord], bool],
) -> str | None:
    published = [r for r in records if r.event is AnnouncementEvent.published]
    if not published:
        return "no publication of it is recorded in the ledger (edited or added by hand?)"
    try:
        at = _time(entry["published_at"])
        effective = _time(entry["effective_at"])
        content = AnnouncementContent(
            title=entry["title"],
            body_markdown=entry["body_markdown"],
            severity=entry.get("severity", "material"),
            requires_reconsent=bool(entry.get("requires_reconsent")),
            consent_revision=int(entry.get("consent_revision", 1)),
            notice_days=(effective.date() - at.astimezone(UTC).date()).days,
        )
        digest = content.sha256(str(entry["policy"]), str(entry["body_html"]))
    except (KeyError, TypeError, ValueError, ValidationError) as error:
        return f"not a complete entry ({error})"
    if entry.get("content_sha256") != digest:
        return "its text is not what it says it is (content_sha256 does not match its fields)"
    publication = published[-1]
    if publication.content_sha256 != digest:
        return "its text differs from the text that was published"
    if publication.published_at != at.replace(microsecond=0):
        return "its publication time differs from the ledger's"
    approvals = [
        r
        for r in records
        if r.event is AnnouncementEvent.approved and r.content_sha256 == digest and counts(r)
    ]
    if not approvals:
        return "no release manager's approval of exactly this text counts"
    return None


def _time(value: Any) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))

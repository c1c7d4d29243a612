"""The announcement feed the app reads: ``govern.feed/1`` (docs/feed.md), newest first.

Each entry carries ``content_sha256``: the hash of its title, bodies, severity, re-consent flag,
consent revision and notice period, which the release manager's approval record holds too, so
``govern check`` can tell an approved entry from an edited or injected one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from announcements.record import AnnouncementData
from governance.errors import AnnouncementError

FEED_SCHEMA = "govern.feed/1"


def feed_entry(
    data: AnnouncementData, published_at: str, effective_at: str, links: list[dict[str, str]]
) -> dict[str, Any]:
    """One announcement as the app reads it."""
    return {
        "id": data.id,
        "policy": data.policy_id,
        "commit": data.head_commit,
        "published_at": published_at,
        "effective_at": effective_at,
        "title": data.title,
        "body_markdown": data.body_markdown,
        "body_html": data.body_html,
        "severity": data.severity,
        "requires_reconsent": data.requires_reconsent,
        "consent_revision": data.consent_revision,
        "links": links,
        "content_sha256": data.content_sha256,
    }


def empty_feed() -> dict[str, Any]:
    return {"schema": FEED_SCHEMA, "announcements": []}


def read_feed(path: Path) -> dict[str, Any]:
    """The feed at ``path`` (an empty one when the file does not exist yet)."""
    if not path.exists():
        return empty_feed()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AnnouncementError("the feed is not valid UTF-8", file=path) from None
    except OSError as error:
        raise AnnouncementError(f"cannot read the feed: {error.strerror}", file=path) from None
    if not text.strip():
        return empty_feed()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise AnnouncementError(
            f"the feed is not valid JSON: {error.msg}", file=path, line=error.lineno
        ) from None
    if not isinstance(document, dict) or document.get("schema") != FEED_SCHEMA:
        found = document.get("schema") if isinstance(document, dict) else type(document).__name__
        raise AnnouncementError(
            f"the feed must be a {FEED_SCHEMA} document, found {found!r}", file=path, field="schema"
        )
    entries = document.get("announcements")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise AnnouncementError(
            "announcements must be a list of objects", file=path, field="announcements"
        )
    return document


def find_entry(feed: dict[str, Any], announcement_id: str) -> dict[str, Any] | None:
    return next((e for e in feed["announcements"] if e.get("id") == announcement_id), None)


def with_entry(feed: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """The feed with ``entry`` added (replacing nothing: an id already there is kept as it is),
    sorted newest first."""
    if find_entry(feed, entry["id"]) is not None:
        return feed
    entries = [*feed["announcements"], entry]
    entries.sort(key=lambda e: str(e.get("published_at", "")), reverse=True)
    return {**feed, "schema": FEED_SCHEMA, "announcements": entries}


def dump_feed(feed: dict[str, Any]) -> str:
    return json.dumps(feed, indent=2, ensure_ascii=False) + "\n"

"""Publishing an approved announcement: the feed, the changelog and the policy's new dates.

Every new file content is computed (templates rendered, the feed and the policy read) before the
first write, so a template or input error leaves all three files as they were. Each file is then
replaced atomically, in an order that makes a retry after a crash safe: the changelog (skipped
when it already holds the entry's marker), the policy (skipped when it already has the dates),
and the feed last (skipped when it already holds the id) — the feed is what the app reads, so an
announcement is out once it is there. Publishing an announcement again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from announcements import workflow
from announcements.drafting import effective_at
from announcements.feed import dump_feed, feed_entry, find_entry, read_feed, with_entry
from announcements.outputs import links, render_outputs
from announcements.policy_bump import bumped_text
from announcements.record import AnnouncementData, Status, format_time, utc_now
from governance.atomic import write_atomic
from governance.config import Config
from governance.errors import AnnouncementError
from governance.formats import read_policy_file
from governance.store import Store

CHANGELOG_HEADING = "# Changelog\n"


def marker(announcement_id: str) -> str:
    return f"<!-- govern:announcement {announcement_id} -->"


@dataclass
class PublishResult:
    announcement: AnnouncementData
    already_published: bool
    written: list[Path] = field(default_factory=list)


def publish(
    config: Config,
    store: Store,
    announcement_id: str,
    identity: str,
    now: datetime | None = None,
) -> PublishResult:
    """Publish an approved announcement (a published one is left as it is)."""
    data = workflow.get(store, announcement_id)
    if data.status is Status.published:
        return PublishResult(data, already_published=True)
    if data.status is not Status.approved:
        raise AnnouncementError(
            f"announcement {data.id} is {data.status.value}; only an announcement a release "
            "manager approved is published",
            field="ID",
            hint=f"govern announce approve {data.id} --as RELEASE-MANAGER"
            if data.status is Status.submitted
            else None,
        )
    policy_file = workflow.policy_path(config, data.policy_id)
    if policy_file is None:
        raise AnnouncementError(
            f"the policy {data.policy_id} is not in {config.policies_dir}; its last_updated "
            "cannot be set",
            file=config.policies_dir,
        )
    policy = read_policy_file(policy_file, config.policies_dir).policy

    feed = read_feed(config.feed_path)
    in_feed = find_entry(feed, data.id)
    if in_feed:
        published_at = _parse_time(in_feed["published_at"])
    else:  # an earlier attempt that stopped half-way chose the time already
        published_at = data.published_at or now or utc_now()
    effective = effective_at(published_at, config.notice_days)
    publishing = data.model_copy(
        update={"published_at": published_at, "effective_at": effective, "status": Status.published}
    )

    changes: dict[str, Any] = {"last_updated": published_at.date()}
    if data.requires_reconsent and policy.consent_revision < data.consent_revision:
        changes["consent_revision"] = data.consent_revision
    new_policy = bumped_text(policy_file, changes)
    new_changelog = _changelog_with(config, publishing, policy.title)
    entry = feed_entry(
        publishing,
        format_time(published_at),
        format_time(effective),
        links(config, data.policy_id, policy.title),
    )
    new_feed = None if in_feed else dump_feed(with_entry(feed, entry))

    workflow.begin_publication(store, data.id, published_at, effective)
    written: list[Path] = []
    for path, content in (
        (config.changelog_path, new_changelog),
        (policy_file, new_policy),
        (config.feed_path, new_feed),
    ):
        if content is not None:
            write_atomic(path, content)
            written.append(path)
    detail = {
        "policy": data.policy_id,
        "feed": config.feed,
        "changelog": config.changelog,
        "policy_file": policy_file.relative_to(config.root).as_posix()
        if policy_file.is_relative_to(config.root)
        else str(policy_file),
        "last_updated": _iso(changes["last_updated"]),
        "consent_revision": changes.get("consent_revision"),
        "published_at": format_time(published_at),
        "effective_at": format_time(effective),
    }
    published = workflow.mark_published(store, data.id, identity, published_at, effective, detail)
    return PublishResult(published, already_published=False, written=written)


def _changelog_with(config: Config, data: AnnouncementData, policy_title: str) -> str | None:
    """The changelog with this announcement's entry on top (None: it is there already)."""
    path = config.changelog_path
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    tag = marker(data.id)
    if tag in current:
        return None
    entry = render_outputs(config, data, policy_title).changelog.strip() + "\n"
    block = f"{tag}\n{entry}\n"
    if not current.strip():
        return f"{CHANGELOG_HEADING}\n{block}"
    if current.startswith("# "):
        heading, _, rest = current.partition("\n")
        return f"{heading}\n\n{block}{rest.lstrip(chr(10))}"
    return block + current


def _parse_time(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise AnnouncementError(
            f"published_at {value!r} in the feed is not an ISO 8601 time", field="published_at"
        ) from None


def _iso(value: date) -> str:
    return value.isoformat()

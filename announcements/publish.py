"""Publishing an approved announcement: the feed, the changelog and the policy's new date.

Publishing refuses:

- an announcement whose text is not exactly what the release manager approved (its SHA-256 is in
  the approval record; the difference is named);
- while a material finding of the policy in the current change still has no legal decision;
- any output path that leaves the repository (settings, or a symbolic link).

Every new file content is computed (templates rendered, the feed and the policy read) before the
first write, so an error leaves all files as they were. Two publishers never interleave: the
read-modify-write of the feed, the changelog and the policy holds one lock (in the git
directory). Each file is replaced atomically, in an order that makes a retry after a crash safe:
the changelog (skipped when it already holds the entry's marker), the policy (skipped when it
already has the date), the feed (skipped when it already holds the id; the feed is what the app
reads), then the ``published`` record. Publishing again repairs a feed that lost its entry and
otherwise changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from announcements import workflow
from announcements.drafting import effective_at
from announcements.feed import dump_feed, feed_entry, find_entry, read_feed, with_entry
from announcements.lifecycle import Action, Status
from announcements.outputs import links, render_outputs
from announcements.policy_bump import bumped_text
from announcements.record import AnnouncementData, format_time, utc_now
from governance.atomic import exclusive_lock, inside, write_atomic
from governance.config import Config
from governance.errors import AnnouncementError
from governance.formats import read_policy_file
from governance.ledger import AnnouncementEvent, read_ledger

if TYPE_CHECKING:
    from governance.gitrepo import GitRepository
    from governance.scope import ChangeScope
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
    repo: GitRepository,
    store: Store,
    announcement_id: str,
    identity: str,
    now: datetime | None = None,
    *,
    key: str | Path | None = None,
) -> PublishResult:
    """Publish an approved announcement (a published one is only repaired in the feed)."""
    scope = workflow.change_scope(repo)
    settings = scope.settings
    data = workflow.get(settings, announcement_id)
    if data.status is not Status.published:
        workflow.authorize(scope, repo, Action.publish, data, identity)
        _refuse_changed_content(settings, data)
        _refuse_undecided_findings(repo, data)
    with exclusive_lock(settings.root, "publish"):
        return _publish_locked(scope, store, data, identity, now, key)


def _publish_locked(
    scope: ChangeScope,
    store: Store,
    data: AnnouncementData,
    identity: str,
    now: datetime | None,
    key: str | Path | None,
) -> PublishResult:
    settings = scope.settings
    feed_path, changelog_path = (_output(settings, name) for name in ("feed", "changelog"))
    policy_file = workflow.policy_path(settings, data.policy_id)
    if policy_file is None:
        raise AnnouncementError(
            f"the policy {data.policy_id} is not in {settings.policies_dir}; its last_updated "
            "cannot be set",
            file=settings.policies_dir,
        )
    policy = read_policy_file(policy_file, settings.policies_dir).policy
    feed = read_feed(feed_path)
    in_feed = find_entry(feed, data.id)
    if data.status is Status.published:
        if in_feed is not None:
            return PublishResult(data, already_published=True)
        published_at = data.published_at or utc_now()  # the feed lost it: put it back
    elif in_feed is not None:
        published_at = _parse_time(in_feed["published_at"])  # an earlier attempt got this far
    else:
        published_at = now or utc_now()
    effective = effective_at(published_at, data.notice_days)
    publishing = data.model_copy(
        update={"published_at": published_at, "effective_at": effective, "status": Status.published}
    )

    changes: dict[str, Any] = {"last_updated": published_at.date()}
    if data.requires_reconsent and policy.consent_revision < data.consent_revision:
        changes["consent_revision"] = data.consent_revision
    new_policy = bumped_text(policy_file, changes) if data.status is not Status.published else None
    new_changelog = _changelog_with(settings, changelog_path, publishing, policy.title)
    entry = feed_entry(
        publishing,
        format_time(published_at),
        format_time(effective),
        links(settings, data.policy_id, policy.title),
    )
    new_feed = None if in_feed else dump_feed(with_entry(feed, entry))

    written: list[Path] = []
    for path, content in (
        (changelog_path, new_changelog),
        (policy_file, new_policy),
        (feed_path, new_feed),
    ):
        if content is not None:
            write_atomic(path, content)
            written.append(path)
    if data.status is not Status.published:
        workflow.append_step(
            scope,
            store,
            data,
            AnnouncementEvent.published,
            identity,
            key=key,
            published_at=published_at,
            effective_at=effective,
        )
    return PublishResult(workflow.get(settings, data.id), already_published=False, written=written)


def _refuse_changed_content(settings: Config, data: AnnouncementData) -> None:
    """The text must be exactly what the release manager approved."""
    current = workflow.content_sha256(data.policy_id, workflow.content_of(data))
    if data.approved_sha256 == current and data.content_sha256 == current:
        return
    records = [
        r
        for r in read_ledger(settings.root, settings.ledger).announcements
        if r.announcement == data.id and r.content is not None
    ]
    edited = [
        r.file or r.announcement
        for r in records
        if r.content is not None
        and workflow.content_sha256(data.policy_id, r.content) != r.content_sha256
    ]
    approved = next((r.content for r in records if r.content_sha256 == data.approved_sha256), None)
    if edited:
        what = f"the record {', '.join(edited)} was edited after it was written"
    elif approved is None:
        what = "the approved text is not in the ledger"
    else:
        now = workflow.content_of(data).model_dump()
        changed = [name for name, value in approved.model_dump().items() if now[name] != value]
        what = f"{', '.join(changed) or 'its HTML rendering'} changed since the approval"
    raise AnnouncementError(
        f"announcement {data.id} is not what the release manager approved: {what}",
        field="ID",
        hint="a release manager looks at it again (govern announce show, then approve or reject)",
    )


def _refuse_undecided_findings(repo: GitRepository, data: AnnouncementData) -> None:
    """Publishing tells users about reviewed changes only: while ``check`` still wants a legal
    decision on a material finding of this policy, nothing is published."""
    from governance.check import ReviewStatus, run_check

    waiting = {ReviewStatus.needs_announcement, ReviewStatus.announcement_rejected}
    result = run_check(repo)
    undecided = [
        item
        for item in result.findings
        if item.policy.policy == data.policy_id and item.blocking and item.status not in waiting
    ]
    if undecided:
        listed = "; ".join(
            f"{item.finding.fingerprint} {item.finding.rule} ({item.status.value})"
            for item in undecided
        )
        raise AnnouncementError(
            f"not published: {len(undecided)} material finding(s) of {data.policy_id} still "
            f"need a legal decision: {listed}",
            hint="govern check shows them; a legal reviewer decides first",
        )


def _output(settings: Config, name: str) -> Path:
    """An output path from the settings, resolved; it must stay inside the repository."""
    path = settings.root / getattr(settings, name)
    if not inside(path, settings.root):
        raise AnnouncementError(
            f"{getattr(settings, name)} leaves the repository (through a symbolic link); "
            "publishing writes only inside it",
            file=settings.source,
            field=name,
        )
    return path


def _changelog_with(
    settings: Config, path: Path, data: AnnouncementData, policy_title: str
) -> str | None:
    """The changelog with this announcement's entry on top (None: it is there already)."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    tag = marker(data.id)
    if tag in current:
        return None
    entry = render_outputs(settings, data, policy_title).changelog.strip() + "\n"
    block = f"{tag}\n{entry}\n"
    if not current.strip():
        return f"{CHANGELOG_HEADING}\n{block}"
    if current.startswith("# "):
        heading, _, rest = current.partition("\n")
        return f"{heading}\n\n{block}{rest.lstrip(chr(10))}"
    return block + current


def _parse_time(value: str) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise AnnouncementError(
            f"published_at {value!r} in the feed is not an ISO 8601 time", field="published_at"
        ) from None

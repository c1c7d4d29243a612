"""Publishing: the feed, the changelog and the policy's dates, written atomically and only once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from announcements_helpers import (
    AUTHOR,
    LEGAL,
    POLICY_ID,
    POLICY_PATH,
    RELEASE,
    XSS,
    mitpo_policy,
    mitpo_text,
    with_hotjar,
)
from sqlmodel import select

from announcements import workflow
from announcements.drafting import draft_announcement
from announcements.feed import FEED_SCHEMA
from announcements.policy_bump import bumped_text
from announcements.publish import marker, publish
from announcements.record import Status
from governance.compare import classify
from governance.config import Config, ReviewerRole
from governance.errors import AnnouncementError, TemplateError
from governance.formats import parse_policy, read_policy_file
from governance.store import Announcement, Store, open_store

PUBLISHED = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
FEED_FIELDS = {
    "id",
    "policy",
    "commit",
    "published_at",
    "effective_at",
    "title",
    "body_markdown",
    "body_html",
    "severity",
    "requires_reconsent",
    "consent_revision",
    "links",
}


@pytest.fixture
def config(tmp_path: Path) -> Config:
    policy = tmp_path / POLICY_PATH
    policy.parent.mkdir(parents=True)
    policy.write_text(with_hotjar(mitpo_text(), cookie_name=XSS), encoding="utf-8")
    return Config(
        root=tmp_path,
        policy_url="https://mitpo.example/legal/{policy}",
        reviewers={LEGAL: ReviewerRole.legal, RELEASE: ReviewerRole.release},
    )


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    opened = open_store(config)
    yield opened
    opened.close()


def approved_announcement(config: Config, store: Store, head_text: str | None = None) -> str:
    head_path = config.root / POLICY_PATH
    head = parse_policy(head_text or head_path.read_text(encoding="utf-8"), str(head_path))
    base = mitpo_policy()
    findings = classify(POLICY_ID, base, head, config).findings
    draft = draft_announcement(findings, head, config, policy_id=POLICY_ID, base=base)
    data, _ = workflow.create(store, draft, AUTHOR, base_commit="a" * 40, head_commit="b" * 40)
    workflow.submit(store, data.id, AUTHOR)
    workflow.approve(store, config, data.id, RELEASE)
    return data.id


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def digests(config: Config) -> dict[str, str]:
    return {
        name: digest(path)
        for name, path in (
            ("feed", config.feed_path),
            ("changelog", config.changelog_path),
            ("policy", config.root / POLICY_PATH),
        )
    }


def test_publish_writes_the_feed_the_changelog_and_the_new_dates(
    config: Config, store: Store
) -> None:
    announcement_id = approved_announcement(config, store)

    result = publish(config, store, announcement_id, RELEASE, now=PUBLISHED)

    assert not result.already_published
    assert result.announcement.status is Status.published
    assert result.announcement.published_at == PUBLISHED
    assert result.announcement.effective_at == datetime(2026, 7, 2, tzinfo=UTC)
    feed = json.loads(config.feed_path.read_text(encoding="utf-8"))
    assert feed["schema"] == FEED_SCHEMA
    [entry] = feed["announcements"]
    assert set(entry) == FEED_FIELDS
    assert entry["id"] == announcement_id
    assert entry["policy"] == POLICY_ID
    assert entry["commit"] == "b" * 40
    assert entry["published_at"] == "2026-06-02T09:00:00Z"
    assert entry["effective_at"] == "2026-07-02T00:00:00Z"
    assert entry["severity"] == "material"
    assert entry["requires_reconsent"] is True
    assert entry["consent_revision"] == 2
    assert "Hotjar Ltd" in entry["title"]
    assert "<img" not in entry["body_html"] and "&lt;img src=x" in entry["body_html"]
    assert entry["links"] == [
        {
            "rel": "policy",
            "title": "Cookies & Tracking",
            "href": "https://mitpo.example/legal/mitpo/cookies-and-tracking",
        }
    ]

    changelog = config.changelog_path.read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n\n" + marker(announcement_id) + "\n## 2 June 2026: ")
    assert "consent revision 2" in changelog

    policy_text = (config.root / POLICY_PATH).read_text(encoding="utf-8")
    policy = read_policy_file(config.root / POLICY_PATH, config.policies_dir).policy
    assert policy.last_updated == date(2026, 6, 2)
    assert policy.consent_revision == 2
    # the round-trip writer keeps the reviewers' comments
    assert "# MITPO's live cookie & tracking policy, as published at Legal > Cookies" in policy_text
    assert "# Session replay in the Creative Studio, only with consent." in policy_text
    assert "# Billing: Stripe's own cookies on the payment flow." in policy_text

    assert [event.action for event in store.audit_events()][-1] == "announcement.publish"
    assert store.verify_audit() == []


def test_publishing_twice_is_a_no_op(config: Config, store: Store) -> None:
    announcement_id = approved_announcement(config, store)
    publish(config, store, announcement_id, RELEASE, now=PUBLISHED)
    before = digests(config)
    events = len(store.audit_events())

    again = publish(config, store, announcement_id, RELEASE, now=datetime(2026, 6, 9, tzinfo=UTC))

    assert again.already_published and again.written == []
    assert digests(config) == before
    assert len(store.audit_events()) == events


def test_a_retry_after_a_crash_before_the_feed_completes_without_duplicates(
    config: Config, store: Store
) -> None:
    announcement_id = approved_announcement(config, store)
    publish(config, store, announcement_id, RELEASE, now=PUBLISHED)
    changelog, policy = config.changelog_path.read_text(), (config.root / POLICY_PATH).read_text()
    # the state a crash between the policy write and the feed write leaves behind
    config.feed_path.unlink()
    with store.session() as session:
        row = session.exec(select(Announcement).where(Announcement.id == announcement_id)).one()
        row.status = Status.approved.value
        session.add(row)

    result = publish(config, store, announcement_id, RELEASE, now=datetime(2026, 6, 3, tzinfo=UTC))

    assert result.written == [config.feed_path]
    assert config.changelog_path.read_text() == changelog
    assert changelog.count(marker(announcement_id)) == 1
    assert (config.root / POLICY_PATH).read_text() == policy
    feed = json.loads(config.feed_path.read_text())
    assert [entry["id"] for entry in feed["announcements"]] == [announcement_id]


def test_the_feed_lists_the_newest_first_and_the_changelog_grows_on_top(
    config: Config, store: Store
) -> None:
    first = approved_announcement(config, store)
    publish(config, store, first, RELEASE, now=PUBLISHED)
    policy = config.root / POLICY_PATH
    data = yaml.safe_load(policy.read_text(encoding="utf-8"))
    data["controls"] = [c for c in data["controls"] if c["id"] != "do-not-track"]
    policy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    second = approved_announcement(config, store)
    assert second != first

    publish(config, store, second, RELEASE, now=datetime(2026, 7, 10, tzinfo=UTC))

    feed = json.loads(config.feed_path.read_text(encoding="utf-8"))
    assert [entry["id"] for entry in feed["announcements"]] == [second, first]
    changelog = config.changelog_path.read_text(encoding="utf-8")
    assert changelog.index(marker(second)) < changelog.index(marker(first))
    assert changelog.count("# Changelog") == 1


def test_only_an_approved_announcement_is_published(config: Config, store: Store) -> None:
    head = parse_policy((config.root / POLICY_PATH).read_text(), POLICY_PATH)
    findings = classify(POLICY_ID, mitpo_policy(), head, config).findings
    draft = draft_announcement(findings, head, config, policy_id=POLICY_ID)
    data, _ = workflow.create(store, draft, AUTHOR, base_commit=None, head_commit=None)
    before = digests(config)
    with pytest.raises(AnnouncementError, match="only an announcement a release manager approved"):
        publish(config, store, data.id, RELEASE)
    assert digests(config) == before


def test_a_broken_template_leaves_every_file_as_it_was(
    tmp_path: Path, config: Config, store: Store
) -> None:
    announcement_id = approved_announcement(config, store)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "changelog.md").write_text(
        "## {{ announcement.title }}\n{{ announcement.missing }}\n", encoding="utf-8"
    )
    broken = config.model_copy(update={"templates": "templates"})
    config.feed_path.parent.mkdir(parents=True, exist_ok=True)
    config.feed_path.write_text('{"schema": "govern.feed/1", "announcements": []}\n')
    before = digests(config)

    with pytest.raises(TemplateError) as caught:
        publish(broken, store, announcement_id, RELEASE, now=PUBLISHED)

    assert caught.value.line == 2 and caught.value.field == "missing"
    assert digests(config) == before
    assert workflow.get(store, announcement_id).status is Status.approved


def test_a_malformed_feed_is_reported_with_its_line(config: Config, store: Store) -> None:
    announcement_id = approved_announcement(config, store)
    config.feed_path.parent.mkdir(parents=True, exist_ok=True)
    config.feed_path.write_text('{\n  "schema": "govern.feed/1",\n  "announcements": [,]\n}\n')
    before = digests(config)
    with pytest.raises(AnnouncementError) as caught:
        publish(config, store, announcement_id, RELEASE, now=PUBLISHED)
    assert caught.value.line == 3 and caught.value.file == str(config.feed_path)
    assert digests(config) == before


MARKDOWN_POLICY = """\
---
title: Cookies
owner: Example Legal
last_updated: 2026-01-05
---

# Cookies

We use a *session cookie* to keep you logged in.\r
Trailing spaces stay:\t\t
"""


def test_a_markdown_policy_gets_new_front_matter_and_an_identical_body(tmp_path: Path) -> None:
    path = tmp_path / "cookies.md"
    path.write_bytes(MARKDOWN_POLICY.encode("utf-8"))
    new = bumped_text(path, {"last_updated": date(2026, 6, 2), "consent_revision": 3})
    assert new is not None
    front, body = new.split("---\n", 2)[1:]
    old_body = MARKDOWN_POLICY.split("---\n", 2)[2]
    assert body == old_body
    assert front == (
        "title: Cookies\nowner: Example Legal\nlast_updated: 2026-06-02\nconsent_revision: 3\n"
    )
    path.write_text(new, encoding="utf-8", newline="")
    assert bumped_text(path, {"last_updated": date(2026, 6, 2), "consent_revision": 3}) is None


def test_a_markdown_policy_without_front_matter_gets_one(tmp_path: Path) -> None:
    path = tmp_path / "cookies.md"
    path.write_text("# Cookies\n\nWe use a session cookie.\n", encoding="utf-8")
    new = bumped_text(path, {"last_updated": date(2026, 6, 2)})
    assert new == "---\nlast_updated: 2026-06-02\n---\n\n# Cookies\n\nWe use a session cookie.\n"


def test_publishing_a_markdown_policy(tmp_path: Path) -> None:
    from governance.formats.markdown_format import parse_markdown

    config = Config(root=tmp_path, reviewers={RELEASE: ReviewerRole.release})
    path = tmp_path / "policies" / "cookies.md"
    path.parent.mkdir(parents=True)
    before_text = MARKDOWN_POLICY.replace(
        "We use a *session cookie*",
        "We share page views with Hotjar Ltd, a third party. We use a *session cookie*",
    )
    path.write_bytes(before_text.encode("utf-8"))
    head = parse_markdown(before_text, str(path))
    from governance.findings import Finding, Level

    finding = Finding(
        rule="third-party-added",
        level=Level.material,
        path="recipients/hotjar",
        message="New third party Hotjar Ltd",
        reason="GDPR Art. 13(1)(e)",
    )
    draft = draft_announcement([finding], head, config, policy_id="cookies")
    with open_store(config) as store:
        data, _ = workflow.create(store, draft, AUTHOR, base_commit=None, head_commit=None)
        workflow.submit(store, data.id, AUTHOR)
        workflow.approve(store, config, data.id, RELEASE)
        publish(config, store, data.id, RELEASE, now=PUBLISHED)
    after = path.read_bytes().decode("utf-8")
    assert "last_updated: 2026-06-02" in after
    assert after.split("---\n", 2)[2] == before_text.split("---\n", 2)[2]
    assert read_policy_file(path, config.policies_dir).policy.last_updated == date(2026, 6, 2)


def test_publish_changes_only_the_bumped_lines_of_a_yaml_policy(
    config: Config, store: Store
) -> None:
    """Comments, indentation and quoting all stay; only the two dates' lines change."""
    path = config.root / POLICY_PATH
    before = path.read_text(encoding="utf-8").splitlines()
    publish(config, store, approved_announcement(config, store), RELEASE, now=PUBLISHED)
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [line for line in after if line not in before]
    assert sorted(changed) == ["consent_revision: 2", "last_updated: 2026-06-02"]
    assert len(after) == len(before) + 1

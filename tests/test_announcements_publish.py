"""Publishing: the feed, the changelog and the policy's date, written atomically, once, only for
exactly the text a release manager approved, and never outside the repository."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from announcements_helpers import (
    GOVERN_TOML,
    LEGAL,
    POLICY_ID,
    POLICY_PATH,
    RELEASE,
    XSS,
    add_hotjar_on_branch,
    git,
    legal_approves_all,
    make_repo,
)

from announcements import workflow
from announcements.feed import FEED_SCHEMA
from announcements.lifecycle import Status
from announcements.policy_bump import bumped_text
from announcements.publish import marker, publish
from governance.config import Config, load_config
from governance.errors import AnnouncementError, ReviewError, TemplateError
from governance.formats import read_policy_file
from governance.gitrepo import GitRepository
from governance.ledger import read_ledger
from governance.store import Store, open_store

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
    "content_sha256",
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "mitpo"
    root.mkdir()
    make_repo(root, 'policy_url = "https://mitpo.example/legal/{policy}"\n' + GOVERN_TOML)
    add_hotjar_on_branch(root, cookie_name=XSS)
    legal_approves_all(root)
    return root


@pytest.fixture
def repo(root: Path) -> GitRepository:
    return GitRepository.open(root)


@pytest.fixture
def config(root: Path) -> Config:
    return load_config(root)


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    opened = open_store(config)
    yield opened
    opened.close()


def approved_announcement(repo: GitRepository, store: Store) -> str:
    [outcome] = workflow.draft_from_change(repo, store, LEGAL)
    announcement_id = outcome.announcement.id
    workflow.submit(repo, store, announcement_id, LEGAL)
    workflow.approve(repo, store, announcement_id, RELEASE)
    return announcement_id


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
    root: Path, repo: GitRepository, config: Config, store: Store
) -> None:
    announcement_id = approved_announcement(repo, store)

    result = publish(repo, store, announcement_id, RELEASE, now=PUBLISHED)

    assert not result.already_published
    assert result.announcement.status is Status.published
    assert result.announcement.published_at == PUBLISHED
    assert result.announcement.effective_at == datetime(2026, 7, 2, tzinfo=UTC)
    feed = json.loads(config.feed_path.read_text(encoding="utf-8"))
    assert feed["schema"] == FEED_SCHEMA
    [entry] = feed["announcements"]
    assert set(entry) == FEED_FIELDS
    assert entry["id"] == announcement_id and entry["policy"] == POLICY_ID
    assert entry["content_sha256"] == result.announcement.approved_sha256
    assert entry["published_at"] == "2026-06-02T09:00:00Z"
    assert entry["effective_at"] == "2026-07-02T00:00:00Z"
    assert entry["requires_reconsent"] is True and entry["consent_revision"] == 2
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
    policy = read_policy_file(root / POLICY_PATH, config.policies_dir).policy
    assert policy.last_updated == date(2026, 6, 2) and policy.consent_revision == 2
    assert "# Session replay in the Creative Studio, only with consent." in (
        root / POLICY_PATH
    ).read_text(encoding="utf-8")
    assert [e.action for e in store.audit_events()][-1] == "announcement.published"
    assert store.verify_audit() == []
    # committed with the change, the gate accepts the feed it wrote
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "publish")
    from governance.check import run_check

    result_of_check = run_check(repo)
    assert result_of_check.integrity == [] and result_of_check.verdict == "pass"


def test_publishing_twice_is_a_no_op_and_a_lost_feed_entry_is_put_back(
    repo: GitRepository, config: Config, store: Store
) -> None:
    announcement_id = approved_announcement(repo, store)
    publish(repo, store, announcement_id, RELEASE, now=PUBLISHED)
    before = digests(config)
    events = len(store.audit_events())
    again = publish(repo, store, announcement_id, RELEASE, now=datetime(2026, 6, 9, tzinfo=UTC))
    assert again.already_published and again.written == []
    assert digests(config) == before and len(store.audit_events()) == events

    config.feed_path.unlink()  # a crash, or a bad merge, lost the feed
    repaired = publish(repo, store, announcement_id, RELEASE)
    assert repaired.written == [config.feed_path]
    entry = json.loads(config.feed_path.read_text())["announcements"][0]
    assert entry["published_at"] == "2026-06-02T09:00:00Z"  # the recorded time, not a new one


def test_the_text_must_be_exactly_what_was_approved(
    root: Path, repo: GitRepository, config: Config, store: Store
) -> None:
    announcement_id = approved_announcement(repo, store)
    # someone rewrites the stored draft after the approval (the record file, by hand)
    [drafted] = [
        r for r in read_ledger(root, ".govern-ledger").announcements if r.event.value == "drafted"
    ]
    path = root / (drafted.file or "")
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["content"]["body_markdown"] = "[Click here](https://evil.example/phish)\n"
    path.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    before = digests(config)
    with pytest.raises(AnnouncementError, match="not what the release manager approved.*edited"):
        publish(repo, store, announcement_id, RELEASE, now=PUBLISHED)
    assert digests(config) == before


def test_only_an_approved_announcement_is_published_by_a_release_manager(
    repo: GitRepository, config: Config, store: Store
) -> None:
    [outcome] = workflow.draft_from_change(repo, store, LEGAL)
    before = digests(config)
    with pytest.raises(ReviewError, match="is draft; publish needs an approved one"):
        publish(repo, store, outcome.announcement.id, RELEASE)
    workflow.submit(repo, store, outcome.announcement.id, LEGAL)
    workflow.approve(repo, store, outcome.announcement.id, RELEASE)
    with pytest.raises(ReviewError, match="only a release manager"):
        publish(repo, store, outcome.announcement.id, LEGAL)
    assert digests(config) == before


def test_nothing_is_published_while_a_material_finding_waits_for_legal(
    root: Path, repo: GitRepository, config: Config, store: Store
) -> None:
    announcement_id = approved_announcement(repo, store)
    data = yaml.safe_load((root / POLICY_PATH).read_text())
    data["controls"] = [c for c in data["controls"] if c["id"] != "do-not-track"]
    (root / POLICY_PATH).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    before = digests(config)
    with pytest.raises(AnnouncementError, match="still need a legal decision"):
        publish(repo, store, announcement_id, RELEASE, now=PUBLISHED)
    assert digests(config) == before


def test_outputs_never_leave_the_repository(
    tmp_path: Path, root: Path, repo: GitRepository, config: Config, store: Store
) -> None:
    announcement_id = approved_announcement(repo, store)
    outside = tmp_path / "OUTSIDE"
    outside.mkdir()
    (root / "announcements").mkdir(exist_ok=True)
    (root / "announcements" / "feed.json").symlink_to(outside / "feed.json")
    with pytest.raises(AnnouncementError, match="leaves the repository"):
        publish(repo, store, announcement_id, RELEASE, now=PUBLISHED)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("setting", ['feed = "../OUTSIDE/feed.json"', 'changelog = "/tmp/x.md"'])
def test_a_setting_naming_a_path_outside_is_refused(tmp_path: Path, setting: str) -> None:
    (tmp_path / "govern.toml").write_text(setting + "\n")
    from governance.errors import ConfigError

    with pytest.raises(ConfigError, match="repository") as caught:
        load_config(tmp_path)
    assert caught.value.exit_code == 2


def test_two_publishers_at_once_both_land_in_the_feed(
    tmp_path: Path, root: Path, repo: GitRepository, config: Config, store: Store
) -> None:
    """Two real processes publish two approved announcements of two policies at once."""
    other = root / "policies" / "mitpo" / "newsletter.yaml"
    other.write_text(
        "title: Newsletter\nlast_updated: 2026-01-01\nitems:\n  - id: nl\n    name: nl_id\n"
        "    category: marketing\n    consent: opt-in\n    party: first\n",
        encoding="utf-8",
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "a newsletter tracker")
    legal_approves_all(root)
    outcomes = workflow.draft_from_change(repo, store, LEGAL)
    assert len(outcomes) == 2
    for outcome in outcomes:
        workflow.submit(repo, store, outcome.announcement.id, LEGAL)
        workflow.approve(repo, store, outcome.announcement.id, RELEASE)
    store.close()
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "governance",
                "announce",
                "publish",
                outcome.announcement.id,
                "--as",
                RELEASE,
                "--repo",
                str(root),
            ],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for outcome in outcomes
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    feed = json.loads(config.feed_path.read_text())
    assert sorted(e["id"] for e in feed["announcements"]) == sorted(
        o.announcement.id for o in outcomes
    )
    assert not list(root.rglob(".*.tmp"))  # no temp file left where `git add -A` looks


def test_a_broken_template_leaves_every_file_as_it_was(
    root: Path, repo: GitRepository, config: Config, store: Store
) -> None:
    announcement_id = approved_announcement(repo, store)
    git(root, "checkout", "-q", "main")
    (root / "templates").mkdir()
    (root / "templates" / "changelog.md").write_text(
        "## {{ announcement.title }}\n{{ announcement.missing }}\n", encoding="utf-8"
    )
    (root / "govern.toml").write_text('templates = "templates"\n' + GOVERN_TOML)
    git(root, "add", "templates", "govern.toml")
    git(root, "commit", "-q", "-m", "our own changelog template")
    git(root, "checkout", "-q", "add-hotjar")
    git(root, "merge", "-q", "--no-edit", "main")
    before = digests(config)
    with pytest.raises(TemplateError) as caught:
        publish(repo, store, announcement_id, RELEASE, now=PUBLISHED)
    assert caught.value.line == 2 and caught.value.field == "missing"
    assert digests(config) == before
    assert workflow.get(config, announcement_id).status is Status.approved


def test_a_malformed_feed_is_reported_with_its_line(
    repo: GitRepository, config: Config, store: Store
) -> None:
    announcement_id = approved_announcement(repo, store)
    config.feed_path.parent.mkdir(parents=True, exist_ok=True)
    config.feed_path.write_text('{\n  "schema": "govern.feed/1",\n  "announcements": [,]\n}\n')
    before = digests(config)
    with pytest.raises(AnnouncementError) as caught:
        publish(repo, store, announcement_id, RELEASE, now=PUBLISHED)
    assert caught.value.line == 3 and caught.value.file == str(config.feed_path)
    assert digests(config) == before


def test_publish_changes_only_the_bumped_lines_of_a_yaml_policy(
    root: Path, repo: GitRepository, store: Store
) -> None:
    """Comments, indentation and quoting all stay; only the two dates' lines change."""
    path = root / POLICY_PATH
    before = path.read_text(encoding="utf-8").splitlines()
    publish(repo, store, approved_announcement(repo, store), RELEASE, now=PUBLISHED)
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [line for line in after if line not in before]
    assert sorted(changed) == ["consent_revision: 2", "last_updated: 2026-06-02"]
    assert len(after) == len(before) + 1


# --- the policy's date, where the page shows it ----------------------------------------------

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

PAGE = """\
# Cookies & Tracking

Last updated: April 20, 2026

MITPO uses a session cookie to keep you logged in. We do not sell your data.
"""


def test_a_markdown_policy_with_front_matter_gets_new_dates_and_an_identical_body(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cookies.md"
    path.write_bytes(MARKDOWN_POLICY.encode("utf-8"))
    new = bumped_text(path, {"last_updated": date(2026, 6, 2), "consent_revision": 3})
    assert new is not None
    front, body = new.split("---\n", 2)[1:]
    assert body == MARKDOWN_POLICY.split("---\n", 2)[2]
    assert front == (
        "title: Cookies\nowner: Example Legal\nlast_updated: 2026-06-02\nconsent_revision: 3\n"
    )
    path.write_text(new, encoding="utf-8", newline="")
    assert bumped_text(path, {"last_updated": date(2026, 6, 2), "consent_revision": 3}) is None


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("April 20, 2026", "June 2, 2026"),
        ("20 April 2026", "2 June 2026"),
        ("2026-04-20", "2026-06-02"),
    ],
)
def test_a_page_without_front_matter_gets_its_visible_date_and_nothing_else(
    tmp_path: Path, shown: str, expected: str
) -> None:
    from governance.formats import parse_policy

    path = tmp_path / "cookies.md"
    text = PAGE.replace("April 20, 2026", shown)
    path.write_text(text, encoding="utf-8")
    new = bumped_text(path, {"last_updated": date(2026, 6, 2), "consent_revision": 2})
    assert new == text.replace(shown, expected)  # no front matter added
    before, after = parse_policy(text.encode(), path.name), parse_policy(new.encode(), path.name)
    assert after.last_updated == date(2026, 6, 2)
    assert after.owner == before.owner
    assert after.model_dump(exclude={"last_updated"}) == before.model_dump(exclude={"last_updated"})


# --- the feed on the head is checked ------------------------------------------------------------


def published_and_committed(root: Path, repo: GitRepository, store: Store) -> dict:
    announcement_id = approved_announcement(repo, store)
    publish(repo, store, announcement_id, RELEASE, now=PUBLISHED)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "reviewed, announced, published")
    return json.loads((root / "announcements" / "feed.json").read_text())


@pytest.mark.parametrize("tamper", ["edited", "injected", "html-only", "removed"])
def test_a_feed_entry_that_is_not_exactly_what_was_approved_fails_the_gate(
    root: Path, repo: GitRepository, store: Store, tamper: str
) -> None:
    from governance.check import run_check

    feed = published_and_committed(root, repo, store)
    entry = feed["announcements"][0]
    if tamper == "edited":
        entry["body_markdown"] += "\n[Click here](https://evil.example/phish)\n"
    elif tamper == "html-only":
        entry["body_html"] += '<a href="https://evil.example/phish">Click</a>'
    elif tamper == "injected":
        forged = dict(entry, id="f0f0f0f0f0f0", title="Win a prize")
        feed["announcements"].insert(0, forged)
    else:
        feed["announcements"] = []
    (root / "announcements" / "feed.json").write_text(json.dumps(feed), encoding="utf-8")
    git(root, "commit", "-q", "-am", f"feed {tamper}")
    result = run_check(repo)
    assert result.verdict == "fail"
    [problem] = result.integrity
    assert problem.file == "announcements/feed.json"
    assert ("f0f0f0f0f0f0" if tamper == "injected" else entry["id"]) in problem.describe()


# --- templates: from the base, confined, limited -----------------------------------------------


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ range(10**9)|list|length }}", "larger than a template may use"),
        ("{{ 'a' * 10**9 }}", "larger than 1 MB"),
        ("{% include 'title.txt' %}", "nests too deeply"),
    ],
)
def test_a_template_that_would_exhaust_the_machine_is_a_clean_error(
    root: Path, repo: GitRepository, store: Store, template: str, expected: str
) -> None:
    from announcements_helpers import Cli

    git(root, "checkout", "-q", "main")
    (root / "templates").mkdir()
    (root / "templates" / "title.txt").write_text("Hello\n" + template + "\n", encoding="utf-8")
    (root / "govern.toml").write_text('templates = "templates"\n' + GOVERN_TOML)
    git(root, "add", "templates", "govern.toml")
    git(root, "commit", "-q", "-m", "our own banner")
    git(root, "checkout", "-q", "add-hotjar")
    git(root, "merge", "-q", "--no-edit", "main")
    code, _, err = Cli(root)("announce", "draft", "--as", LEGAL)
    assert code == 2 and "Traceback" not in err, err
    assert "templates/title.txt" in err and ":2:" in err and expected in err


def test_a_template_is_never_read_through_a_symbolic_link(
    tmp_path: Path, root: Path, repo: GitRepository, store: Store
) -> None:
    secret = tmp_path / "id_ed25519"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY----- the reviewer's key\n")
    git(root, "checkout", "-q", "main")
    (root / "templates").mkdir()
    (root / "templates" / "k").symlink_to(secret)
    (root / "templates" / "title.txt").write_text("{% include 'k' %}\n", encoding="utf-8")
    (root / "govern.toml").write_text('templates = "templates"\n' + GOVERN_TOML)
    git(root, "add", "templates", "govern.toml")
    git(root, "commit", "-q", "-m", "a banner that includes a link")
    git(root, "checkout", "-q", "add-hotjar")
    git(root, "merge", "-q", "--no-edit", "main")
    with pytest.raises(TemplateError, match="no template named 'k'"):
        workflow.draft_from_change(repo, store, LEGAL)
    ledger = root / ".govern-ledger"
    assert not any("PRIVATE KEY" in path.read_text() for path in ledger.glob("*.yaml"))


def test_a_write_killed_half_way_leaves_nothing_where_git_add_looks(root: Path) -> None:
    import os
    import time

    from governance.atomic import write_atomic

    scratch = root / ".git" / "govern" / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    leftover = scratch / ".feed.json.abc123.tmp"  # what a kill -9 mid-write leaves
    leftover.write_text("half a feed")
    an_hour_ago = time.time() - 7200
    os.utime(leftover, (an_hour_ago, an_hour_ago))
    write_atomic(root / "announcements" / "feed.json", '{"schema": "govern.feed/1"}\n')
    assert not leftover.exists()  # cleaned by the next write
    status = git(root, "status", "--porcelain", "--untracked-files=all")
    assert ".tmp" not in status

"""The announcement workflow on real repositories and a real store (SQLite, and PostgreSQL when it
is reachable): the one lifecycle table, who may act, the records in git every step leaves, and
the audit log each record is anchored in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from announcements_helpers import (
    AUTHOR,
    LEGAL,
    POLICY_ID,
    RELEASE,
    SECOND_RELEASE,
    git,
    ready_for_announcement,
)
from history_helpers import database  # noqa: F401 - the sqlite/postgres fixture

from announcements import workflow
from announcements.lifecycle import TRANSITIONS, Action, Status, allowed_actions, refusal
from governance.config import ReviewerRole, load_config
from governance.errors import AnnouncementError, ReviewError
from governance.gitrepo import GitRepository
from governance.ledger import read_ledger
from governance.store import Store, open_store


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return ready_for_announcement(tmp_path / "mitpo")


@pytest.fixture
def repo(root: Path) -> GitRepository:
    return GitRepository.open(root)


@pytest.fixture
def store(root: Path, database: str) -> Iterator[Store]:  # noqa: F811
    opened = open_store(load_config(root))
    yield opened
    opened.close()


def drafted(repo: GitRepository, store: Store, by: str = LEGAL) -> str:
    [outcome] = workflow.draft_from_change(repo, store, by)
    assert outcome.created
    return outcome.announcement.id


def records(root: Path) -> list[tuple[str, str]]:
    ledger = read_ledger(root, ".govern-ledger")
    return [
        (r.event.value, r.reviewer) for r in sorted(ledger.announcements, key=lambda r: r.step or 0)
    ]


def test_every_step_is_a_record_in_git_anchored_in_the_audit_log(
    root: Path, repo: GitRepository, store: Store
) -> None:
    announcement_id = drafted(repo, store)
    edited = workflow.edit_draft(
        repo,
        store,
        announcement_id,
        LEGAL,
        title="Hotjar joins the Creative Studio",
        body_markdown="We now use **Hotjar**.\n",
    )
    assert edited.status is Status.draft and edited.title == "Hotjar joins the Creative Studio"
    assert workflow.submit(repo, store, announcement_id, LEGAL).status is Status.submitted
    approved = workflow.approve(repo, store, announcement_id, RELEASE)

    assert approved.status is Status.approved and approved.decided_by == RELEASE
    assert approved.approved_sha256 == approved.content_sha256
    assert records(root) == [
        ("drafted", LEGAL),
        ("edited", LEGAL),
        ("submitted", LEGAL),
        ("approved", RELEASE),
    ]
    actions = [e.action for e in store.audit_events() if e.action.startswith("announcement.")]
    assert actions == [
        "announcement.drafted",
        "announcement.edited",
        "announcement.submitted",
        "announcement.approved",
    ]
    assert store.verify_audit() == []
    [approval] = [
        r for r in read_ledger(root, ".govern-ledger").announcements if r.event.value == "approved"
    ]
    assert approval.audit is not None and approval.audit.store == store.location
    content = yaml.safe_load((root / approval.file).read_text(encoding="utf-8"))
    assert (
        content["kind"] == "announcement" and content["content_sha256"] == approved.content_sha256
    )
    # a teammate who pulls sees the same state, with no database at all
    clone = root.parent / "clone"
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "announcement")
    git(root.parent, "clone", "-q", "-b", "add-hotjar", str(root), str(clone))
    seen = workflow.get(load_config(clone), announcement_id)
    assert (seen.status, seen.title, seen.approved_sha256) == (
        Status.approved,
        edited.title,
        approved.approved_sha256,
    )


def test_the_drafter_and_editors_cannot_decide(repo: GitRepository, store: Store) -> None:
    announcement_id = drafted(repo, store, by=RELEASE)
    workflow.submit(repo, store, announcement_id, RELEASE)
    with pytest.raises(ReviewError, match="drafted or edited"):
        workflow.approve(repo, store, announcement_id, RELEASE)
    with pytest.raises(ReviewError, match="drafted or edited"):
        workflow.reject(repo, store, announcement_id, RELEASE, "not mine to judge")
    workflow.edit_draft(
        repo, store, announcement_id, SECOND_RELEASE.upper(), body_markdown="Edited.\n"
    )
    workflow.submit(repo, store, announcement_id, LEGAL)
    with pytest.raises(ReviewError, match="drafted or edited"):
        workflow.approve(repo, store, announcement_id, SECOND_RELEASE)


def test_an_author_of_the_change_cannot_approve_its_announcement(
    root: Path, repo: GitRepository, store: Store
) -> None:
    config = root / "govern.toml"
    git(root, "checkout", "-q", "main")
    config.write_text(config.read_text() + f'"{AUTHOR}" = "release"\n')
    git(root, "commit", "-q", "-am", "the author is a release manager too")
    git(root, "checkout", "-q", "add-hotjar")
    git(root, "merge", "-q", "--no-edit", "main")
    announcement_id = drafted(repo, store)
    workflow.submit(repo, store, announcement_id, LEGAL)
    with pytest.raises(ReviewError, match="author of the change"):
        workflow.approve(repo, store, announcement_id, AUTHOR)


@pytest.mark.parametrize("who", [LEGAL, "stranger@elsewhere.example"])
def test_only_release_managers_decide_and_only_listed_reviewers_draft(
    root: Path, repo: GitRepository, store: Store, who: str
) -> None:
    with pytest.raises(ReviewError, match="reviewers table"):
        workflow.draft_from_change(repo, store, "stranger@elsewhere.example")
    announcement_id = drafted(repo, store, by=SECOND_RELEASE)
    workflow.submit(repo, store, announcement_id, SECOND_RELEASE)
    with pytest.raises(ReviewError, match="release manager|reviewers table"):
        workflow.approve(repo, store, announcement_id, who)
    with pytest.raises(ReviewError, match="release manager|reviewers table"):
        workflow.reject(repo, store, announcement_id, who, "no")
    assert workflow.get(load_config(root), announcement_id).status is Status.submitted
    assert [event for event, _ in records(root)] == ["drafted", "submitted"]


def test_a_draft_must_be_submitted_before_it_is_approved_and_is_approved_once(
    root: Path, repo: GitRepository, store: Store
) -> None:
    announcement_id = drafted(repo, store)
    with pytest.raises(ReviewError, match="is draft; approve needs a submitted one"):
        workflow.approve(repo, store, announcement_id, RELEASE)
    workflow.submit(repo, store, announcement_id, LEGAL)
    workflow.approve(repo, store, announcement_id, RELEASE)
    with pytest.raises(ReviewError, match="is approved; approve needs a submitted one"):
        workflow.approve(repo, store, announcement_id, SECOND_RELEASE)
    assert [event for event, _ in records(root)].count("approved") == 1


def test_rejection_needs_a_reason_and_sends_it_back_for_editing(
    root: Path, repo: GitRepository, store: Store
) -> None:
    announcement_id = drafted(repo, store)
    workflow.submit(repo, store, announcement_id, LEGAL)
    with pytest.raises(ReviewError, match="needs a reason"):
        workflow.reject(repo, store, announcement_id, RELEASE, "  ")
    rejected = workflow.reject(repo, store, announcement_id, RELEASE, "Name the setting.")
    assert rejected.status is Status.rejected and rejected.reason == "Name the setting."
    edited = workflow.edit_draft(repo, store, announcement_id, LEGAL, body_markdown="Better.\n")
    assert edited.status is Status.draft and edited.reason is None
    workflow.submit(repo, store, announcement_id, LEGAL)
    assert workflow.approve(repo, store, announcement_id, RELEASE).status is Status.approved
    assert [e for e, _ in records(root)] == [
        "drafted",
        "submitted",
        "rejected",
        "edited",
        "submitted",
        "approved",
    ]


def test_an_approved_announcement_is_not_edited_until_a_release_manager_rejects_it(
    root: Path, repo: GitRepository, store: Store
) -> None:
    announcement_id = drafted(repo, store)
    title = workflow.get(load_config(root), announcement_id).title
    workflow.submit(repo, store, announcement_id, LEGAL)
    workflow.approve(repo, store, announcement_id, RELEASE)
    with pytest.raises(ReviewError, match="is approved; edit needs"):
        workflow.edit_draft(repo, store, announcement_id, LEGAL, title="Sneaky")
    assert workflow.get(load_config(root), announcement_id).title == title
    workflow.reject(repo, store, announcement_id, RELEASE, "Reopened to fix a date.")
    fixed = workflow.edit_draft(repo, store, announcement_id, LEGAL, title="Fixed")
    assert fixed.title == "Fixed" and fixed.approved_sha256 is None


def test_drafting_the_same_findings_again_returns_the_open_draft(
    root: Path, repo: GitRepository, store: Store
) -> None:
    announcement_id = drafted(repo, store)
    [again] = workflow.draft_from_change(repo, store, LEGAL)
    assert not again.created and again.announcement.id == announcement_id
    assert len(workflow.list_announcements(load_config(root))) == 1


def test_ids_resolve_by_unique_prefix(root: Path, repo: GitRepository, store: Store) -> None:
    announcement_id = drafted(repo, store)
    assert workflow.get(load_config(root), announcement_id[:6]).id == announcement_id
    with pytest.raises(AnnouncementError, match="no announcement"):
        workflow.get(load_config(root), "zzzzzz")


def test_edits_are_validated(root: Path, repo: GitRepository, store: Store) -> None:
    announcement_id = drafted(repo, store)
    with pytest.raises(AnnouncementError, match="nothing to change"):
        workflow.edit_draft(repo, store, announcement_id, LEGAL)
    with pytest.raises(AnnouncementError, match="cannot be empty"):
        workflow.edit_draft(repo, store, announcement_id, LEGAL, body_markdown=" \n")
    with pytest.raises(AnnouncementError, match="title cannot be empty"):
        workflow.edit_draft(repo, store, announcement_id, LEGAL, title="  ")
    assert [e for e, _ in records(root)] == ["drafted"]


def test_a_step_whose_audit_event_cannot_be_written_does_not_happen(
    root: Path, repo: GitRepository, store: Store
) -> None:
    from sqlalchemy import text

    from governance.errors import StoreError

    announcement_id = drafted(repo, store)
    with store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_event RENAME TO audit_event_gone"))
    try:
        with pytest.raises(StoreError):
            workflow.submit(repo, store, announcement_id, LEGAL)
        assert workflow.get(load_config(root), announcement_id).status is Status.draft
        assert [e for e, _ in records(root)] == ["drafted"]
    finally:
        with store.engine.begin() as connection:
            connection.execute(text("ALTER TABLE audit_event_gone RENAME TO audit_event"))


# --- the table itself --------------------------------------------------------------------------


def test_the_lifecycle_table_answers_the_cli_and_the_app_alike() -> None:
    release, legal = ReviewerRole.release, ReviewerRole.legal
    assert allowed_actions(None, legal) == [Action.draft]
    assert allowed_actions(Status.draft, legal) == [Action.edit, Action.submit]
    assert allowed_actions(Status.submitted, release) == [
        Action.edit,
        Action.approve,
        Action.reject,
    ]
    assert allowed_actions(Status.submitted, release, is_editor=True) == [Action.edit]
    assert allowed_actions(Status.approved, release) == [Action.reject, Action.publish]
    assert allowed_actions(Status.published, release) == []
    assert allowed_actions(Status.draft, None) == []
    assert "only a release manager" in (refusal(Action.approve, Status.submitted, legal) or "")
    assert all(transition.description for transition in TRANSITIONS.values())
    assert POLICY_ID

"""The announcement workflow on a real store (SQLite, and PostgreSQL when it is reachable): states,
roles, the audit log and the ledger records ``govern check`` reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from announcements_helpers import (
    AUTHOR,
    LEGAL,
    POLICY_ID,
    POLICY_PATH,
    RELEASE,
    SECOND_RELEASE,
    mitpo_policy,
    mitpo_text,
    with_hotjar,
)
from history_helpers import database  # noqa: F401 - the sqlite/postgres fixture

from announcements import workflow
from announcements.drafting import Draft, draft_announcement
from announcements.record import Status
from governance.compare import classify
from governance.config import Config, ReviewerRole
from governance.errors import AnnouncementError, ReviewError
from governance.formats import parse_policy
from governance.ledger import load_announcement_records
from governance.store import Store, open_store


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        root=tmp_path,
        reviewers={
            LEGAL: ReviewerRole.legal,
            RELEASE: ReviewerRole.release,
            SECOND_RELEASE: ReviewerRole.release,
        },
    )


@pytest.fixture
def store(config: Config, database: str) -> Iterator[Store]:  # noqa: F811
    opened = open_store(config)
    yield opened
    opened.close()


@pytest.fixture
def draft(config: Config) -> Draft:
    base = mitpo_policy()
    head = parse_policy(with_hotjar(mitpo_text()), POLICY_PATH)
    findings = classify(POLICY_ID, base, head, config).findings
    return draft_announcement(findings, head, config, policy_id=POLICY_ID, base=base)


def drafted(store: Store, draft: Draft, by: str = AUTHOR) -> str:
    data, created = workflow.create(store, draft, by, base_commit="a" * 40, head_commit="b" * 40)
    assert created
    return data.id


def actions(store: Store) -> list[tuple[str, str]]:
    return [(event.actor, event.action) for event in store.audit_events()]


def test_draft_edit_submit_approve_is_audited_and_recorded_in_the_ledger(
    config: Config, store: Store, draft: Draft
) -> None:
    announcement_id = drafted(store, draft)
    edited = workflow.edit_draft(
        store,
        announcement_id,
        AUTHOR,
        title="Hotjar joins the Creative Studio",
        body_markdown="We now use **Hotjar**.\n",
    )
    assert edited.status is Status.draft and edited.title == "Hotjar joins the Creative Studio"
    assert workflow.submit(store, announcement_id, AUTHOR).status is Status.submitted

    approved = workflow.approve(store, config, announcement_id, RELEASE)

    assert approved.status is Status.approved and approved.decided_by == RELEASE
    assert actions(store) == [
        (AUTHOR, "announcement.draft"),
        (AUTHOR, "announcement.edit"),
        (AUTHOR, "announcement.submit"),
        (RELEASE, "announcement.approved"),
    ]
    assert store.verify_audit() == []
    records = load_announcement_records(config)
    assert len(records) == 1
    record = records[0]
    assert record.announcement == announcement_id
    assert record.policy == POLICY_ID
    assert record.decision.value == "approved"
    assert record.reviewer == RELEASE
    assert sorted(record.fingerprints) == sorted(draft.fingerprints)
    content = yaml.safe_load((config.root / record.file).read_text(encoding="utf-8"))
    assert content["kind"] == "announcement"


def test_the_drafter_cannot_approve_even_as_a_release_manager(
    config: Config, store: Store, draft: Draft
) -> None:
    announcement_id = drafted(store, draft, by=RELEASE)
    workflow.submit(store, announcement_id, RELEASE)
    with pytest.raises(ReviewError, match="drafted or edited"):
        workflow.approve(store, config, announcement_id, RELEASE)
    with pytest.raises(ReviewError, match="drafted or edited"):
        workflow.reject(store, config, announcement_id, RELEASE, "not mine to judge")
    assert workflow.get(store, announcement_id).status is Status.submitted
    assert load_announcement_records(config) == []
    # another release manager may
    assert (
        workflow.approve(store, config, announcement_id, SECOND_RELEASE).status is Status.approved
    )


def test_a_release_manager_who_edited_it_cannot_approve(
    config: Config, store: Store, draft: Draft
) -> None:
    announcement_id = drafted(store, draft)
    workflow.edit_draft(store, announcement_id, RELEASE.upper(), body_markdown="Edited.\n")
    workflow.submit(store, announcement_id, AUTHOR)
    with pytest.raises(ReviewError, match="drafted or edited"):
        workflow.approve(store, config, announcement_id, RELEASE)


@pytest.mark.parametrize("who", [LEGAL, AUTHOR, "stranger@elsewhere.example"])
def test_only_release_managers_decide(config: Config, store: Store, draft: Draft, who: str) -> None:
    announcement_id = drafted(store, draft)
    workflow.submit(store, announcement_id, AUTHOR)
    with pytest.raises(ReviewError, match="not a release manager"):
        workflow.approve(store, config, announcement_id, who)
    with pytest.raises(ReviewError, match="not a release manager"):
        workflow.reject(store, config, announcement_id, who, "no")
    assert workflow.get(store, announcement_id).status is Status.submitted
    assert load_announcement_records(config) == []
    assert [action for _, action in actions(store)] == [
        "announcement.draft",
        "announcement.submit",
    ]


def test_a_release_manager_may_approve_a_draft_directly_but_not_twice(
    config: Config, store: Store, draft: Draft
) -> None:
    announcement_id = drafted(store, draft)
    approved = workflow.approve(store, config, announcement_id, RELEASE)
    assert approved.status is Status.approved
    with pytest.raises(AnnouncementError, match="only a draft or submitted"):
        workflow.approve(store, config, announcement_id, RELEASE)
    assert [r.decision.value for r in load_announcement_records(config)] == ["approved"]


def test_rejection_needs_a_reason_and_sends_it_back_for_editing(
    config: Config, store: Store, draft: Draft
) -> None:
    announcement_id = drafted(store, draft)
    workflow.submit(store, announcement_id, AUTHOR)
    with pytest.raises(ReviewError, match="needs --reason"):
        workflow.reject(store, config, announcement_id, RELEASE, "  ")
    rejected = workflow.reject(store, config, announcement_id, RELEASE, "Name the setting.")
    assert rejected.status is Status.rejected and rejected.reason == "Name the setting."
    assert [r.decision.value for r in load_announcement_records(config)] == ["rejected"]

    edited = workflow.edit_draft(store, announcement_id, AUTHOR, body_markdown="Better.\n")
    assert edited.status is Status.draft and edited.reason is None
    workflow.submit(store, announcement_id, AUTHOR)
    assert workflow.approve(store, config, announcement_id, RELEASE).status is Status.approved
    decisions = sorted(r.decision.value for r in load_announcement_records(config))
    assert decisions == ["approved", "rejected"]


def test_an_approved_announcement_is_not_edited_until_a_release_manager_rejects_it(
    config: Config, store: Store, draft: Draft
) -> None:
    announcement_id = drafted(store, draft)
    workflow.submit(store, announcement_id, AUTHOR)
    workflow.approve(store, config, announcement_id, RELEASE)
    with pytest.raises(AnnouncementError, match="approved and can no longer be edited") as caught:
        workflow.edit_draft(store, announcement_id, AUTHOR, title="Sneaky")
    assert "reject" in (caught.value.hint or "")
    assert workflow.get(store, announcement_id).title == draft.title
    workflow.reject(store, config, announcement_id, RELEASE, "Reopened to fix a date.")
    assert workflow.edit_draft(store, announcement_id, AUTHOR, title="Fixed").title == "Fixed"


def test_drafting_the_same_findings_again_returns_the_open_draft(
    store: Store, draft: Draft
) -> None:
    announcement_id = drafted(store, draft)
    again, created = workflow.create(store, draft, AUTHOR, base_commit=None, head_commit=None)
    assert not created and again.id == announcement_id
    assert len(workflow.list_announcements(store)) == 1


def test_ids_resolve_by_unique_prefix(store: Store, draft: Draft) -> None:
    announcement_id = drafted(store, draft)
    assert workflow.get(store, announcement_id[:6]).id == announcement_id
    with pytest.raises(AnnouncementError, match="no announcement"):
        workflow.get(store, "zzzzzz")


def test_edits_are_validated(store: Store, draft: Draft) -> None:
    announcement_id = drafted(store, draft)
    with pytest.raises(AnnouncementError, match="nothing to change"):
        workflow.edit_draft(store, announcement_id, AUTHOR)
    with pytest.raises(AnnouncementError, match="cannot be empty"):
        workflow.edit_draft(store, announcement_id, AUTHOR, body_markdown=" \n")
    with pytest.raises(AnnouncementError, match="title cannot be empty"):
        workflow.edit_draft(store, announcement_id, AUTHOR, title="  ")


def test_a_step_whose_audit_event_cannot_be_written_does_not_happen(
    config: Config, store: Store, draft: Draft
) -> None:
    from sqlalchemy import text

    from governance.errors import StoreError

    announcement_id = drafted(store, draft)
    with store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_event RENAME TO audit_event_gone"))
    try:
        with pytest.raises(StoreError):
            workflow.submit(store, announcement_id, AUTHOR)
        assert workflow.get(store, announcement_id).status is Status.draft
    finally:
        with store.engine.begin() as connection:
            connection.execute(text("ALTER TABLE audit_event_gone RENAME TO audit_event"))

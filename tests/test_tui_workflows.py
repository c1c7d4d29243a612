"""The review app driven as a person would (Pilot at 80x24), checked on what it wrote: the ledger
files in the repository and the store's announcements and audit log, not only the screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from tui_helpers import (
    LEGAL,
    PROPOSER,
    RELEASE,
    app_for,
    approve_all_material,
    audit_actions,
    count_announcement_ids,
    drafted_and_submitted,
    ledger_records,
    make_demo,
    material_fingerprints,
    stored_announcements,
)

from governance.commands.demo import DemoRepository
from tui.screens.announcement import AnnouncementScreen
from tui.screens.change import ChangeScreen
from tui.screens.help import HelpScreen
from tui.screens.history import HistoryScreen
from tui.screens.modals import TextPrompt
from tui.screens.queue import QueueScreen
from tui.screens.release import ReleaseScreen
from tui.widgets.diff_view import DiffView
from tui.widgets.findings_list import FindingsList

pytestmark = pytest.mark.asyncio
SIZE = (80, 24)


@pytest.fixture
def demo_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DemoRepository:
    count_announcement_ids(monkeypatch)
    return make_demo(tmp_path)


def footer_keys(app) -> set[str]:
    return {
        active.binding.description
        for active in app.screen.active_bindings.values()
        if active.binding.show
    }


async def open_change(pilot) -> ChangeScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, QueueScreen)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ChangeScreen)
    return screen


# -- legal reviewer -------------------------------------------------------------------------


async def test_approve_writes_a_ledger_record_and_an_audit_event(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_change(pilot)
        first = screen.query_one(FindingsList).highlighted_fingerprint
        await pilot.press("a")
        await pilot.pause()
        records = ledger_records(demo_repo.root)
        assert [(r["fingerprint"], r["decision"], r["reviewer"]) for r in records] == [
            (first, "approved", LEGAL)
        ]
        # the screen moved on to the next finding still waiting for a decision
        assert screen.query_one(FindingsList).highlighted_fingerprint != first
        decided = next(f for f in screen.policy.findings if f.fingerprint == first)
        assert decided.state.value == "approved"
    assert (LEGAL, "review.approved") in audit_actions(demo_repo.root)


async def test_a_note_goes_with_the_next_decision(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"checked the DPA", "enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
    (record,) = ledger_records(demo_repo.root)
    assert record["decision"] == "approved"
    assert record["note"] == "checked the DPA"


async def test_downgrade_requires_a_written_justification(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    justification = "Hotjar is covered by the analytics processor clause"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_change(pilot)
        target = screen.query_one(FindingsList).highlighted_fingerprint
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("enter")  # empty: refused, the dialog stays
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        assert ledger_records(demo_repo.root) == []
        await pilot.press(*justification, "enter")
        await pilot.pause()
        assert app.screen is screen
    (record,) = ledger_records(demo_repo.root)
    assert record["fingerprint"] == target
    assert record["decision"] == "not-material"
    assert record["reason"] == justification
    assert (LEGAL, "review.not-material") in audit_actions(demo_repo.root)


async def test_cancelled_downgrade_writes_nothing(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot)
        await pilot.press("d", *"half a thought", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ChangeScreen)
    assert ledger_records(demo_repo.root) == []


async def test_reject_records_the_reason(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_change(pilot)
        await pilot.press("j")  # the second finding
        await pilot.pause()
        target = screen.query_one(FindingsList).highlighted_fingerprint
        await pilot.press("r", *"name the transfer safeguards", "enter")
        await pilot.pause()
        item = next(f for f in screen.policy.findings if f.fingerprint == target)
        assert item.state.value == "rejected"
    (record,) = ledger_records(demo_repo.root)
    assert (record["fingerprint"], record["decision"], record["reason"]) == (
        target,
        "rejected",
        "name the transfer safeguards",
    )
    assert (LEGAL, "review.rejected") in audit_actions(demo_repo.root)


async def test_the_palette_runs_the_same_actions(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"approve")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
    assert [r["decision"] for r in ledger_records(demo_repo.root)] == ["approved"]


async def test_the_author_of_a_change_cannot_approve_it(demo_repo: DemoRepository) -> None:
    # make the proposer a legal reviewer too: the library refuses self-approval; the app says so
    config = demo_repo.root / "govern.toml"
    config.write_text(config.read_text() + f'"{PROPOSER}" = "legal"\n')
    app = app_for(demo_repo, PROPOSER)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ChangeScreen)
    assert ledger_records(demo_repo.root) == []


async def test_actions_a_role_does_not_allow_are_not_offered(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, RELEASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot)
        offered = footer_keys(app)
        assert {"Approve", "Downgrade", "Reject", "Note"}.isdisjoint(offered)
        assert "View" in offered
        await pilot.press("a", "d", "r")
        await pilot.pause()
        assert isinstance(app.screen, ChangeScreen)
    assert ledger_records(demo_repo.root) == []


async def test_view_toggles_between_side_by_side_and_unified(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_change(pilot)
        diff = screen.query_one(DiffView)
        assert diff.mode == "unified"  # 80 columns: unified by default
        assert any("_hjSessionUser_*" in line for line in diff.plain_lines)
        await pilot.press("v")
        await pilot.pause()
        assert diff.mode == "split"
        assert "before" in diff.plain_lines[0] and "after" in diff.plain_lines[0]


# -- queue, history, help -------------------------------------------------------------------


async def test_queue_filters(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        assert [p.policy_id for p in queue.visible_policies()] == ["mitpo/cookies-and-tracking"]
        await pilot.press("m", "o")
        await pilot.pause()
        assert queue.mine and queue.material_only
        assert len(queue.visible_policies()) == 1  # waiting for this legal reviewer
        await pilot.press("slash", *"billing", "enter")
        await pilot.pause()
        assert queue.policy_filter == "billing"
        assert queue.visible_policies() == []


async def test_mine_is_empty_for_the_author(demo_repo: DemoRepository) -> None:
    import subprocess

    def git(*arguments: str) -> None:
        subprocess.run(["git", "-C", str(demo_repo.root), *arguments], check=True)

    # the proposer becomes a legal reviewer on main (the base): their own change is not theirs
    git("switch", "-q", "main")
    config = demo_repo.root / "govern.toml"
    config.write_text(config.read_text() + f'"{PROPOSER}" = "legal"\n')
    git("commit", "-q", "-am", "Make the proposer a legal reviewer")
    git("switch", "-q", demo_repo.head)
    git("merge", "-q", "--no-edit", "main")
    app = app_for(demo_repo, PROPOSER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.visible_policies() == []


async def test_history_opens_a_pair_in_the_change_review(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert [v.status for v in history.versions] == ["modified", "added"]
        assert history.versions[0].material is True
        assert history.versions[0].subject == "Add Hotjar session recordings to analytics"
        await pilot.press("enter")
        await pilot.pause()
        change = app.screen
        assert isinstance(change, ChangeScreen)
        assert change.change.head_commit == history.versions[0].commit
        assert {f.finding.rule for f in change.policy.findings} >= {"third-party-added"}
        # a decision taken on the pair goes to the same ledger
        await pilot.press("a")
        await pilot.pause()
    assert [r["decision"] for r in ledger_records(demo_repo.root)] == ["approved"]


async def test_help_lists_the_keys_of_the_screen(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert "Downgrade" in help_screen.calling_text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChangeScreen)


# -- announcements --------------------------------------------------------------------------


async def test_edit_and_submit_a_draft(demo_repo: DemoRepository) -> None:
    approve_all_material(demo_repo)
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, AnnouncementScreen)
        assert editor.draft is not None and editor.draft.status == "draft"
        text_area = editor.query_one("#announcement-text")
        text_area.move_cursor(text_area.document.end)
        await pilot.press(*"Questions? privacy@mitpo.example")
        await pilot.pause(0.4)  # the live preview follows the text
        modal = editor.query_one("#preview-modal")
        assert "privacy@mitpo.example" in modal.source
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert editor.draft.status == "submitted"
    (announcement,) = stored_announcements(demo_repo.root)
    assert announcement.status.value == "submitted"
    assert "Questions? privacy@mitpo.example" in announcement.body_markdown
    assert sorted(announcement.fingerprints) == sorted(material_fingerprints(demo_repo))
    actions = audit_actions(demo_repo.root)
    assert actions[-3:] == [
        (LEGAL, "announcement.drafted"),
        (LEGAL, "announcement.edited"),
        (LEGAL, "announcement.submitted"),
    ]


async def test_regenerate_restores_the_template_text(demo_repo: DemoRepository) -> None:
    approve_all_material(demo_repo)
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        original = editor.editor_text
        editor.query_one("#announcement-text").load_text("scratch that")
        await pilot.pause()
        assert editor.dirty
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert editor.editor_text == original
        assert not editor.dirty


async def test_release_manager_approves_and_publishes(demo_repo: DemoRepository) -> None:
    announcement_id = drafted_and_submitted(demo_repo)
    app = app_for(demo_repo, RELEASE, start="release")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        release = app.screen
        assert isinstance(release, ReleaseScreen)
        assert release.current is not None and release.current.id == announcement_id
        assert "Publish" not in {d for d in footer_keys(app)} or not release.check_action(
            "publish", ()
        )
        await pilot.press("a")
        await pilot.pause()
        assert release.current.status == "approved"
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert release.current.status == "published"
    records = ledger_records(demo_repo.root)
    (approval,) = [r for r in records if r["kind"] == "announcement" and r["event"] == "approved"]
    assert (approval["announcement"], approval["reviewer"]) == (announcement_id, RELEASE)
    feed = json.loads((demo_repo.root / "announcements" / "feed.json").read_text())
    assert [entry["id"] for entry in feed["announcements"]] == [announcement_id]
    assert feed["announcements"][0]["published_at"] == "2026-06-02T09:00:00Z"
    policy = yaml.safe_load(
        (demo_repo.root / "policies" / "mitpo" / "cookies-and-tracking.yaml").read_text()
    )
    assert str(policy["last_updated"]) == "2026-06-02"
    assert (demo_repo.root / "announcements" / "CHANGELOG.md").is_file()
    (stored,) = stored_announcements(demo_repo.root)
    assert stored.status.value == "published"
    actions = audit_actions(demo_repo.root)
    assert (RELEASE, "announcement.approved") in actions
    assert actions[-1] == (RELEASE, "announcement.published")


async def test_release_manager_rejects_with_a_reason(demo_repo: DemoRepository) -> None:
    announcement_id = drafted_and_submitted(demo_repo)
    app = app_for(demo_repo, RELEASE, start="release")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r", *"name Hotjar in the banner", "enter")
        await pilot.pause()
        assert app.screen.current.status == "rejected"
    (stored,) = stored_announcements(demo_repo.root)
    assert (stored.id, stored.status.value, stored.reason) == (
        announcement_id,
        "rejected",
        "name Hotjar in the banner",
    )
    records = [r for r in ledger_records(demo_repo.root) if r["kind"] == "announcement"]
    assert sorted(r["event"] for r in records) == ["drafted", "rejected", "submitted"]


async def test_a_legal_reviewer_is_not_offered_release_actions(demo_repo: DemoRepository) -> None:
    drafted_and_submitted(demo_repo)
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")  # the release desk is not offered to a legal reviewer
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert "Release" not in footer_keys(app)


async def test_without_an_identity_the_app_is_read_only(
    demo_repo: DemoRepository, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    from tui.app import GovernApp
    from tui.services import Services

    app = GovernApp(Services(demo_repo.root))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.services.identity is None
        assert "no identity" in str(app.screen.query_one("#header").render())
        await pilot.press("enter")
        await pilot.pause()
        assert {"Approve", "Downgrade", "Reject", "Announce"}.isdisjoint(footer_keys(app))
        await pilot.press("a")
        await pilot.pause()
    assert ledger_records(demo_repo.root) == []


async def test_the_editor_waits_for_approved_findings(demo_repo: DemoRepository) -> None:
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, AnnouncementScreen)
        assert editor.draft is None
        status = str(editor.query_one("#announcement-status").render())
        assert "Nothing to announce" in status
        assert not editor.check_action("submit", ())
    assert stored_announcements(demo_repo.root) == []


async def test_queue_says_when_nothing_changed(demo_repo: DemoRepository) -> None:
    import subprocess

    # on main, with the proposal merged: no open branch, no edits
    subprocess.run(["git", "-C", str(demo_repo.root), "checkout", "-q", "main"], check=True)
    subprocess.run(
        ["git", "-C", str(demo_repo.root), "merge", "-q", "--ff-only", "add-hotjar"], check=True
    )
    app = app_for(demo_repo, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.visible_policies() == []
        assert "No policy changed" in str(app.screen.query_one("#queue-empty").render())
        await pilot.press("enter")  # nothing to open: stays on the queue
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)

"""The queue lists every open change (Pilot at 80x24 on the demo repository plus a second branch):
the checked-out branch is decided on; another branch opens read-only, with no decision keys."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tui_helpers import LEGAL, add_editorial_branch, app_for, ledger_records, make_demo

from governance.commands.demo import DemoRepository
from governance.findings import Level
from tui.screens.announcement import AnnouncementScreen
from tui.screens.change import ChangeScreen
from tui.screens.queue import QueueScreen
from tui.widgets.findings_list import FindingsList

pytestmark = pytest.mark.asyncio
SIZE = (80, 24)
POLICY = "mitpo/cookies-and-tracking"


def git(root: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *arguments], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def two_changes(tmp_path: Path) -> DemoRepository:
    """The demo (add-hotjar checked out) plus ``new-date`` from main: an editorial change."""
    demo = make_demo(tmp_path)
    add_editorial_branch(demo)
    return demo


def footer_keys(app) -> set[str]:
    return {
        active.binding.description
        for active in app.screen.active_bindings.values()
        if active.binding.show
    }


def rows(queue: QueueScreen) -> list[tuple[str | None, str, bool]]:
    return [
        (row.change.name, row.policy.policy_id if row.policy else "", row.change.checked_out)
        for row in queue.visible_rows()
    ]


async def test_the_queue_lists_both_open_changes(two_changes: DemoRepository) -> None:
    app = app_for(two_changes, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        assert rows(queue) == [("add-hotjar", POLICY, True), ("new-date", POLICY, False)]
        summary = str(queue.query_one("#queue-summary").render())
        assert "2 open changes · 2 policies" in summary and "Against main" in summary
        assert "● add-hotjar checked out" in summary
        counts = {row.change.name: row.policy.counts for row in queue.visible_rows() if row.policy}
        assert counts["new-date"] == {Level.material: 0, Level.minor: 0, Level.editorial: 1}
        assert counts["add-hotjar"][Level.material] == 2
        # material only: the editorial branch drops out
        await pilot.press("o")
        await pilot.pause()
        assert rows(queue) == [("add-hotjar", POLICY, True)]


async def test_another_branch_opens_read_only_with_its_findings(
    two_changes: DemoRepository,
) -> None:
    app = app_for(two_changes, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChangeScreen)
        assert screen.change.name == "new-date"
        assert [f.finding.rule for f in screen.policy.findings] == ["text-changed"]
        assert screen.query_one(FindingsList).highlighted_fingerprint is not None
        detail = str(screen.query_one("#finding-detail").render())
        assert "2026-04-20" in detail and "2026-05-01" in detail
        title = str(screen.query_one("#change-title").render())
        assert "main..new-date" in title and "git switch new-date" in title
        # no decision is offered, and the key does nothing
        assert {"Approve", "Downgrade", "Reject", "Note"}.isdisjoint(footer_keys(app))
        await pilot.press("a")
        await pilot.pause()
        # nor is an announcement drafted from it
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, AnnouncementScreen)
        assert editor.draft is None
        assert "git switch new-date" in str(editor.query_one("#announcement-status").render())
    assert ledger_records(two_changes.root) == []


async def test_the_checked_out_change_is_decided_and_the_queue_follows(
    two_changes: DemoRepository,
) -> None:
    app = app_for(two_changes, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChangeScreen)
        assert screen.change.name == "add-hotjar"
        first = screen.query_one(FindingsList).highlighted_fingerprint
        await pilot.press("a")
        await pilot.pause()
        decided = next(f for f in screen.policy.findings if f.fingerprint == first)
        assert decided.state.value == "approved"
        await pilot.press("escape")
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        (hotjar,) = [row for row in queue.visible_rows() if row.change.name == "add-hotjar"]
        assert hotjar.change.uncommitted  # the record waits in the work tree, as check sees it
        assert hotjar.policy is not None and hotjar.policy.pending == 1
        assert "add-hotjar (uncommitted edits) checked out" in str(
            queue.query_one("#queue-summary").render()
        )
    (record,) = ledger_records(two_changes.root)
    assert (record["fingerprint"], record["decision"]) == (first, "approved")
    assert git(two_changes.root, "branch", "--show-current") == "add-hotjar"


async def test_on_main_every_change_opens_read_only(two_changes: DemoRepository) -> None:
    git(two_changes.root, "switch", "-q", "main")
    app = app_for(two_changes, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        assert rows(queue) == [("add-hotjar", POLICY, False), ("new-date", POLICY, False)]
        assert "none checked out" in str(queue.query_one("#queue-summary").render())
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChangeScreen)
        assert screen.policy.counts[Level.material] == 2
        assert "Approve" not in footer_keys(app)
    assert ledger_records(two_changes.root) == []


async def test_base_and_head_keep_the_one_change(two_changes: DemoRepository) -> None:
    from tui.app import GovernApp
    from tui.services import Services

    app = GovernApp(Services(two_changes.root, LEGAL, base="main", head="new-date"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        assert [
            (r.change.label, r.policy.policy_id if r.policy else "") for r in queue.visible_rows()
        ] == [("main..new-date", POLICY)]
        assert "Change main..new-date" in str(queue.query_one("#queue-summary").render())


async def test_a_change_that_cannot_be_judged_says_why(two_changes: DemoRepository) -> None:
    from governance.commands.demo import POLICY_PATH

    (two_changes.root / POLICY_PATH).write_text("title: [unclosed\n", encoding="utf-8")
    app = app_for(two_changes, LEGAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        # the working tree's broken edit does not hide the other branch
        assert rows(queue) == [("add-hotjar", "", True), ("new-date", POLICY, False)]
        below = str(queue.query_one("#queue-empty").render())
        assert "Could not judge add-hotjar" in below and POLICY_PATH in below
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)  # nothing to open; the error is notified
        assert any(POLICY_PATH in str(n.message) for n in app._notifications)

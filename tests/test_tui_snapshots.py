"""Every screen of the review app at 80x24 and at 160x48, compared with the accepted snapshots
under tests/__snapshots__ (regenerate with ``pytest tests/test_tui_snapshots.py --snapshot-update``
after a deliberate change, and look at the report before committing).

The screens are deterministic: the demo repository's commits have fixed dates and authors (so
fixed ids), the clock is fixed, announcement ids are counted, and no temporary path is shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from tui_helpers import (
    LEGAL,
    RELEASE,
    SIZES,
    add_editorial_branch,
    app_for,
    approve_all_material,
    count_announcement_ids,
    drafted_and_submitted,
    make_demo,
)

from governance.commands.demo import DemoRepository

Steps = Callable[[Pilot], Awaitable[None]]


@pytest.fixture
def demo_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DemoRepository:
    count_announcement_ids(monkeypatch)
    return make_demo(tmp_path)


def keys(*pressed: str) -> Steps:
    async def run(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press(*pressed)
        await pilot.pause()
        for widget in pilot.app.screen.query("Input, TextArea"):
            assert isinstance(widget, Input | TextArea)
            widget.cursor_blink = False  # a blinking cursor is not deterministic

    return run


@pytest.mark.parametrize("size", SIZES)
def test_queue(snap_compare, demo_repo: DemoRepository, size: str) -> None:
    assert snap_compare(app_for(demo_repo, LEGAL), terminal_size=SIZES[size], run_before=keys())


@pytest.mark.parametrize("size", SIZES)
def test_queue_of_two_branches(snap_compare, demo_repo: DemoRepository, size: str) -> None:
    add_editorial_branch(demo_repo)
    assert snap_compare(app_for(demo_repo, LEGAL), terminal_size=SIZES[size], run_before=keys())


@pytest.mark.parametrize("size", SIZES)
def test_change_review_of_a_branch_not_checked_out(
    snap_compare, demo_repo: DemoRepository, size: str
) -> None:
    """Read-only: no decision keys, and the title says how to decide."""
    add_editorial_branch(demo_repo)
    app = app_for(demo_repo, LEGAL)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys("down", "enter"))


@pytest.mark.parametrize("size", SIZES)
def test_change_review(snap_compare, demo_repo: DemoRepository, size: str) -> None:
    app = app_for(demo_repo, LEGAL)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys("enter"))


@pytest.mark.parametrize("size", SIZES)
def test_change_review_prose_in_the_other_view(
    snap_compare, demo_repo: DemoRepository, size: str
) -> None:
    """The third finding is about prose: a word-level diff, shown in the view not chosen by
    default for the width (side by side at 80 columns, unified at 160)."""
    app = app_for(demo_repo, LEGAL)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys("enter", "j", "j", "v"))


@pytest.mark.parametrize("size", SIZES)
def test_change_review_after_decisions(snap_compare, demo_repo: DemoRepository, size: str) -> None:
    app = app_for(demo_repo, LEGAL)
    steps = keys("enter", "a", "r", *"needs the DPA", "enter")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_without_toasts(steps))


@pytest.mark.parametrize("size", SIZES)
def test_announcement_editor(snap_compare, demo_repo: DemoRepository, size: str) -> None:
    approve_all_material(demo_repo)
    app = app_for(demo_repo, LEGAL)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys("e"))


@pytest.mark.parametrize("size", SIZES)
def test_release_manager(snap_compare, demo_repo: DemoRepository, size: str) -> None:
    drafted_and_submitted(demo_repo)
    app = app_for(demo_repo, RELEASE, start="release")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys())


@pytest.mark.parametrize("size", SIZES)
def test_history(snap_compare, demo_repo: DemoRepository, size: str) -> None:
    app = app_for(demo_repo, LEGAL)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys("h"))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, demo_repo: DemoRepository, size: str) -> None:
    app = app_for(demo_repo, LEGAL)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys("enter", "question_mark"))


@pytest.mark.parametrize("size", SIZES)
def test_downgrade_dialog(snap_compare, demo_repo: DemoRepository, size: str) -> None:
    app = app_for(demo_repo, LEGAL)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys("enter", "d"))


def _without_toasts(steps: Steps) -> Steps:
    async def run(pilot: Pilot) -> None:
        await steps(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run

"""How fast the review app opens a big change and moves between its findings (issue 7).

The change: a policy of 5,000 items where a branch adds 20 analytics cookies, extends the
retention of 15 items and removes 15 (50 findings). Driven through Textual's Pilot at 80x24:

1. the library work the queue does once (``run_check``: compare 5,000 items, ledger, authors);
2. first paint of the change screen once the queue shows the change (enter pressed → painted);
3. the whole way from starting the app to the change screen painted (1 + 2 + app start);
4. moving between findings (``j``), per move, over all 50: from the action to the next refresh
   of the screen; and the same as Pilot key presses, whose own scheduling cost the baseline
   shows.

Baselines measured in the same run, with the same Pilot overhead: an empty App's first paint,
and a key press bound to nothing in that empty App. Targets: change screen first paint < 1 s,
moving < 50 ms. Also checks that nothing renders the 5,000 items: the findings list holds 50
options and the diff widget lays out only the selected finding.

    python bench/bench_tui.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ITEMS = 5_000
ADDED, EXTENDED, REMOVED = 20, 15, 15
COUNSEL = "counsel@bench.example"
AUTHOR = ("Bench Author", "author@bench.example")
POLICY = "policies/bench/big.yaml"
SIZE = (80, 24)
FIRST_PAINT_TARGET = 1.0
MOVE_TARGET = 0.050


def item(index: int, retention: str = "30 days") -> dict[str, object]:
    return {
        "id": f"item-{index:05d}",
        "name": f"pref_{index:05d}",
        "storage": "cookie",
        "party": "first",
        "category": "functional",
        "data_uses": ["functional.storage"],
        "purpose": f"remembers interface choice number {index}.",
        "retention": retention,
        "consent": "none",
    }


def analytics_item(index: int) -> dict[str, object]:
    return {
        "id": f"metric-{index:03d}",
        "name": f"_metric_{index:03d}",
        "storage": "cookie",
        "party": "first",
        "category": "analytics",
        "data_uses": ["analytics.reporting"],
        "purpose": f"counts visits to area {index}.",
        "retention": "13 months",
        "consent": "opt-in",
    }


def policy(items: list[dict[str, object]]) -> str:
    return yaml.safe_dump(
        {"title": "Big policy", "owner": "Bench", "summary": "Many items.", "items": items},
        sort_keys=False,
    )


def build_repository(root: Path) -> None:
    def git(*arguments: str) -> None:
        subprocess.run(
            [
                "git",
                "-c",
                f"user.name={AUTHOR[0]}",
                "-c",
                f"user.email={AUTHOR[1]}",
                "-c",
                "commit.gpgsign=false",
                *arguments,
            ],
            cwd=root,
            check=True,
            capture_output=True,
        )

    base = [item(i) for i in range(ITEMS)]
    # the first EXTENDED items are kept longer, the last REMOVED ones go, ADDED new ones come
    head = [item(i, "2 years") if i < EXTENDED else item(i) for i in range(ITEMS - REMOVED)]
    head += [analytics_item(i) for i in range(ADDED)]
    git("init", "-q", "-b", "main")
    (root / "govern.toml").write_text(f'[reviewers]\n"{COUNSEL}" = "legal"\n')
    (root / POLICY).parent.mkdir(parents=True)
    (root / POLICY).write_text(policy(base))
    git("add", ".")
    git("commit", "-q", "-m", "base")
    git("checkout", "-q", "-b", "change")
    (root / POLICY).write_text(policy(head))
    git("commit", "-q", "-am", "50 changes")


async def empty_app_figures() -> tuple[float, float]:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Static

    class Empty(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("empty")
            yield Footer()

    started = time.perf_counter()
    app = Empty()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first_paint = time.perf_counter() - started
        presses = []
        for _ in range(20):
            t0 = time.perf_counter()
            await pilot.press("j")
            await pilot.pause()
            presses.append(time.perf_counter() - t0)
    return first_paint, statistics.median(presses)


async def review_figures(root: Path) -> dict[str, float]:
    from governance.findings import Level
    from tui.app import GovernApp
    from tui.screens.change import ChangeScreen
    from tui.services import Services
    from tui.widgets.diff_view import DiffView
    from tui.widgets.findings_list import FindingsList

    figures: dict[str, float] = {}
    started = time.perf_counter()
    services = Services(root, COUNSEL)
    t0 = time.perf_counter()
    change = services.change()
    figures["run_check"] = time.perf_counter() - t0
    (policy_change,) = change.policies
    counts = policy_change.counts
    figures["findings"] = len(policy_change.findings)
    figures["material"] = counts[Level.material]

    app = GovernApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        painted: list[float] = []
        t0 = time.perf_counter()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ChangeScreen)
        screen.call_after_refresh(lambda: painted.append(time.perf_counter()))
        while not painted:
            await pilot.pause(0.001)
        figures["change_first_paint"] = painted[0] - t0
        figures["app_start_to_change_painted"] = painted[0] - started
        findings = screen.query_one(FindingsList)
        figures["options"] = findings.option_count
        moves = []
        pressed = []
        for _ in range(int(figures["findings"]) - 1):
            # the app's own time: from the action to the next screen refresh (Pilot's
            # scheduling overhead is the baseline's business, measured below separately)
            done: list[float] = []
            t0 = time.perf_counter()
            screen.action_next_finding()
            screen.call_after_refresh(lambda done=done: done.append(time.perf_counter()))
            while not done:
                await pilot.pause(0.001)
            moves.append(done[0] - t0)
            t0 = time.perf_counter()
            await pilot.press("k", "j")
            await pilot.pause()
            pressed.append((time.perf_counter() - t0) / 2)
        figures["move_pilot"] = statistics.median(pressed)
        figures["move_median"] = statistics.median(moves)
        figures["move_max"] = max(moves)
        figures["diff_lines"] = len(screen.query_one(DiffView).plain_lines)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="govern-bench-tui-") as folder:
        root = Path(folder) / "repo"
        root.mkdir()
        build_repository(root)
        runs = []
        baselines = []
        for _ in range(arguments.runs):
            baselines.append(asyncio.run(empty_app_figures()))
            runs.append(asyncio.run(review_figures(root)))

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    empty_paint = statistics.median(b[0] for b in baselines)
    empty_press = statistics.median(b[1] for b in baselines)
    first_paint = median("change_first_paint")
    move = median("move_median")
    print(
        f"Policy of {ITEMS:,} items; the change has {int(median('findings'))} findings "
        f"({int(median('material'))} material); {arguments.runs} runs, medians; Pilot at "
        f"{SIZE[0]}x{SIZE[1]}."
    )
    print(
        f"  findings list options: {int(median('options'))} (never the {ITEMS:,} items); "
        f"diff widget lines for the last finding: {int(median('diff_lines'))}"
    )
    print()
    print(f"  {'measure':<44}{'seconds':>10}{'baseline':>10}{'ratio':>8}  target")
    rows = [
        ("run_check (compare + ledger), once per change", median("run_check"), None, None),
        (
            "change screen first paint (enter → painted)",
            first_paint,
            empty_paint,
            f"< {FIRST_PAINT_TARGET:.0f} s: "
            + ("ok" if first_paint < FIRST_PAINT_TARGET else "MISSED"),
        ),
        (
            "app start → change screen painted",
            median("app_start_to_change_painted"),
            empty_paint,
            "",
        ),
        (
            "move between findings (j), median",
            move,
            empty_press,
            f"< {MOVE_TARGET * 1000:.0f} ms: {'ok' if move < MOVE_TARGET else 'MISSED'}",
        ),
        ("move between findings (j), slowest", median("move_max"), empty_press, ""),
        ("move as a Pilot key press (k, j), per press", median("move_pilot"), empty_press, ""),
    ]
    for name, seconds, baseline, target in rows:
        base = f"{baseline:>10.3f}{seconds / baseline:>7.1f}x" if baseline else f"{'':>10}{'':>8}"
        print(f"  {name:<44}{seconds:>10.3f}{base}  {target or ''}")
    print()
    print(
        "  baseline: an empty Textual App (a Static and a Footer) under the same Pilot: its "
        "first paint, and a key press bound to nothing."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

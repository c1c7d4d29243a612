"""How the pairing of old and new rows grows with the size of a declaration.

    python bench/bench_pairing.py [ROWS ...]

A Markdown cookie table of N rows (name, provider, purpose, duration) is classified against a
version in which every row changed: each description is reworded, a third of the durations
grew, and every tenth row moves to another name. Pairing rows, items and sentences must stay
near-linear: the script prints the time per size and the growth from the smallest to the largest
size of at most 4x (target: 20,000 changed rows in under 10 s; at most 5x from 1k to 4k rows).
Also the reader alone on a 5,000-row declaration, against the Markdown parse of the same page.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from governance.compare import classify  # noqa: E402
from governance.config import Config  # noqa: E402
from governance.formats._md_blocks import parse_blocks  # noqa: E402
from governance.formats.markdown_format import parse_markdown  # noqa: E402

PURPOSES = (
    "Remembers the language you chose for the interface",
    "Measures how many people open the pricing page",
    "Keeps you signed in while you move between pages",
    "Counts clicks on the checkout button for our reports",
    "Shows ads about products you looked at on partner sites",
)
VENDORS = ("", "Acme Analytics", "Blue Heron Ads", "", "Northwind Metrics")


def page(rows: int, changed: bool) -> str:
    lines = [
        "# Cookie policy",
        "",
        "Last updated: 3 May 2026",
        "",
        "## Cookies we use",
        "",
        "We use the cookies below. Analytics and advertising cookies are set only with your "
        "consent.",
        "",
        "| Cookie | Provider | Purpose | Duration |",
        "| --- | --- | --- | --- |",
    ]
    for row in range(rows):
        name = f"ck_{row:05d}" + ("_v2" if changed and row % 10 == 0 else "")
        purpose = PURPOSES[row % len(PURPOSES)] + f" (group {row % 97})"
        if changed:
            purpose = purpose.replace("the", "our", 1) + ", as described above"
        months = 6 + row % 7 + (6 if changed and row % 3 == 0 else 0)
        lines.append(f"| {name} | {VENDORS[row % len(VENDORS)]} | {purpose} | {months} months |")
    return "\n".join(lines) + "\n"


def classify_once(rows: int) -> float:
    old, new = page(rows, False), page(rows, True)
    gc.collect()
    started = time.perf_counter()
    before = parse_markdown(old, "old.md")
    after = parse_markdown(new, "new.md")
    report = classify("bench/cookies", before, after, Config(), head_text=new, head_format="md")
    elapsed = time.perf_counter() - started
    assert report.findings, "every row changed: there must be findings"
    return elapsed


def reader(rows: int) -> tuple[float, float]:
    text = page(rows, False)
    parse_blocks(text)  # warm up the parser
    started = time.perf_counter()
    parse_blocks(text)
    blocks = time.perf_counter() - started
    started = time.perf_counter()
    parse_markdown(text, "page.md")
    whole = time.perf_counter() - started
    return blocks, whole


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1000, 2000, 4000, 20000]
    classify_once(50)  # imports and caches
    times: dict[int, float] = {}
    for rows in sizes:
        times[rows] = classify_once(rows)
        print(f"{rows:>6} changed rows: {times[rows]:6.2f} s")
    small, large = min(times), max(s for s in times if s <= 4 * min(times))
    if large > small:
        growth = times[large] / times[small]
        print(f"growth {small} → {large} rows: {growth:.1f}x (rows {large / small:.0f}x)")
    blocks, whole = reader(5000)
    print(
        f"reader, 5,000-row declaration: {whole:.2f} s end to end; "
        f"the Markdown parse alone {blocks:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

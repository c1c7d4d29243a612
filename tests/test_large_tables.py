"""Large declaration tables are read line by line; they must read as markdown-it reads them."""

from __future__ import annotations

from governance.formats._md_blocks import LARGE_TABLE, _parse_blocks, parse_blocks

CELLS = [
    "`_ga_*`",
    r"\_fbp",
    "**Google** Analytics",
    "[Privacy](https://policies.google.com/privacy)",
    "[https://x.example/p](https://x.example/p)",
    "13 months<br>or less",
    "A &amp; B",
    "<https://auto.example/link>",
    "*emphasis* and __strong__",
    r"pipe \| inside",
    "",
]


def _page(rows: int) -> str:
    lines = [
        "# Cookies",
        "",
        "Intro text.",
        "",
        "| Name | Provider | Purpose |",
        "| --- | --- | --- |",
    ]
    for row in range(rows):
        a, b, c = (CELLS[(row + k) % len(CELLS)] for k in range(3))
        lines.append(f"| {a} {row} | {b} | {c} |")
    lines += ["", "## After", "", "Closing words."]
    return "\n".join(lines) + "\n"


def test_a_large_table_reads_as_markdown_it_reads_it() -> None:
    text = _page(LARGE_TABLE + 20)
    fast = parse_blocks(text)
    slow = _parse_blocks(text, text.split("\n"), 1)
    assert [(b.kind, b.line, b.end_line) for b in fast] == [
        (b.kind, b.line, b.end_line) for b in slow
    ]
    [fast_table] = [b for b in fast if b.kind == "table"]
    [slow_table] = [b for b in slow if b.kind == "table"]
    assert fast_table.header == slow_table.header
    assert fast_table.rows == slow_table.rows
    assert fast_table.source == slow_table.source


def test_a_small_table_goes_through_markdown_it() -> None:
    text = _page(5)
    assert parse_blocks(text)[-3].kind == "table"

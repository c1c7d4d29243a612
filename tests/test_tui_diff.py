"""The diff widget: field-level rows for structured values, word-level rows for prose (from the
library's word diff), both views, readable without colour, and laid out lazily."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tui.diffmodel import RowKind, SpanKind, build_document
from tui.services import word_segments
from tui.widgets.diff_view import DiffView


def test_an_added_entry_is_one_row_per_field() -> None:
    document = build_document(
        None, {"id": "hotjar", "name": "Hotjar", "countries": ["MT"]}, word_segments
    )
    assert [(row.label, row.kind) for row in document.rows] == [
        ("id", RowKind.added),
        ("name", RowKind.added),
        ("countries", RowKind.added),
    ]
    assert document.rows[2].after[0].text == "MT"


def test_a_changed_entry_keeps_unchanged_fields_as_context() -> None:
    before = {"id": "ga", "retention": "13 months", "data_uses": ["analytics.reporting"]}
    after = {
        "id": "ga",
        "retention": "25 months",
        "data_uses": ["analytics.reporting", "marketing.advertising"],
    }
    rows = {row.label: row for row in build_document(before, after, word_segments).rows}
    assert rows["id"].kind is RowKind.same
    assert rows["retention"].kind is RowKind.changed
    assert [(s.kind, s.text.strip()) for s in rows["retention"].inline if s.kind != "same"] == [
        (SpanKind.removed, "13"),
        (SpanKind.added, "25"),
    ]
    # lists are sets in meaning: only what came is marked
    assert [(s.kind, s.text.strip(", ")) for s in rows["data_uses"].after] == [
        (SpanKind.same, "analytics.reporting"),
        (SpanKind.added, "marketing.advertising"),
    ]


def test_prose_is_diffed_word_by_word() -> None:
    document = build_document(
        "We do not share analytics data with advertising networks.",
        "We share analytics data with advertising networks.",
        word_segments,
    )
    assert document.prose
    (row,) = document.rows
    removed = [s.text.strip() for s in row.inline if s.kind is SpanKind.removed]
    assert removed == ["not"] or removed == ["do not"]
    assert not [s for s in row.inline if s.kind is SpanKind.added]


class DiffApp(App[None]):
    def __init__(self, document) -> None:
        super().__init__()
        self.document = document

    def compose(self) -> ComposeResult:
        yield DiffView(id="diff")

    def on_mount(self) -> None:
        self.query_one(DiffView).show(self.document)


@pytest.mark.asyncio
async def test_both_views_read_without_colour() -> None:
    document = build_document(
        {"id": "x", "retention": "session"},
        {"id": "x", "retention": "1 year"},
        word_segments,
        label="x",
    )
    app = DiffApp(document)
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(DiffView)
        view.mode = "unified"
        await pilot.pause()
        unified = view.plain_lines
        assert any(
            line.startswith("~ retention") and "[-session-]" in line and "{+1 year+}" in line
            for line in unified
        )
        assert any(line.startswith("  id") for line in unified)  # context, no gutter mark
        view.toggle_mode()
        await pilot.pause()
        split = view.plain_lines
        assert "before" in split[0] and "after" in split[0] and "│" in split[0]
        assert any("[-session-]" in line and "{+1 year+}" in line for line in split)


@pytest.mark.asyncio
async def test_only_visible_lines_are_rendered() -> None:
    long_text = " ".join(f"word{i}" for i in range(1_500))
    document = build_document(long_text, long_text + " appended", word_segments)
    app = DiffApp(document)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DiffView)
        view.mode = "unified"
        await pilot.pause()
        assert view.virtual_size.height > 150  # laid out once, many lines
        rendered: list[int] = []
        original = view.render_line

        def counting(y: int):
            rendered.append(y)
            return original(y)

        view.render_line = counting  # type: ignore[method-assign]
        view.refresh()
        await pilot.pause()
        assert 0 < len(set(rendered)) <= 24
        assert any("{+appended+}" in line for line in view.plain_lines[-3:])

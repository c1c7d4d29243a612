"""Our diff widget: field-level before/after and word-level prose, side by side or unified.

A Line API widget: the rows are laid out once per width and mode, and only the visible lines are
rendered, so a long text costs nothing until it is scrolled into view. Changes read without
colour too: lines carry ``-``/``+``/``~`` gutters and changed words are bracketed ``[-old-]``
``{+new+}`` (the notation of ``git diff --word-diff=plain``).
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.diffmodel import DiffDocument, DiffRow, RowKind, Span, SpanKind

REMOVED_STYLE = Style(color="red", strike=True)
ADDED_STYLE = Style(color="green", bold=True)
SAME_STYLE = Style()
CONTEXT_STYLE = Style(dim=True)
GUTTERS = {RowKind.same: " ", RowKind.removed: "-", RowKind.added: "+", RowKind.changed: "~"}
MARKERS = {SpanKind.removed: ("[-", "-]"), SpanKind.added: ("{+", "+}"), SpanKind.same: ("", "")}
MAX_LABEL = 16


def spans_text(spans: tuple[Span, ...], *, markers: bool = True, dim: bool = False) -> Text:
    text = Text()
    for span in spans:
        opening, closing = MARKERS[span.kind] if markers else ("", "")
        style = {SpanKind.removed: REMOVED_STYLE, SpanKind.added: ADDED_STYLE}.get(
            span.kind, CONTEXT_STYLE if dim else SAME_STYLE
        )
        if span.kind is SpanKind.same:
            text.append(span.text, style)
        else:
            # markers sit around the words, not around the spaces that separate them
            stripped = span.text.strip()
            lead = span.text[: len(span.text) - len(span.text.lstrip())]
            trail = span.text[len(span.text.rstrip()) :]
            text.append(lead)
            text.append(f"{opening}{stripped}{closing}", style)
            text.append(trail)
    return text


class DiffView(ScrollView, can_focus=True):
    """The diff of one finding. ``mode`` is "split" (side by side) or "unified"."""

    BINDINGS = [
        Binding("up", "scroll_up", "Up", show=False),
        Binding("down", "scroll_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    mode: reactive[str] = reactive("split")

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ):
        super().__init__(name=name, id=id, classes=classes)
        self.document = DiffDocument()
        self._lines: list[Strip] = []
        self._laid_out_for: tuple[int, str, int] | None = None
        self._text_console = Console(width=400, color_system="truecolor", legacy_windows=False)

    # -- public -----------------------------------------------------------------------------

    def show(self, document: DiffDocument) -> None:
        self.document = document
        self._laid_out_for = None
        self.scroll_to(0, 0, animate=False)
        self._layout()
        self.refresh()

    def toggle_mode(self) -> None:
        self.mode = "unified" if self.mode == "split" else "split"

    @property
    def plain_lines(self) -> list[str]:
        """The laid-out lines as plain text (for tests and the terminal end-to-end check)."""
        self._layout()
        return [strip.text.rstrip() for strip in self._lines]

    # -- layout -----------------------------------------------------------------------------

    def watch_mode(self) -> None:
        self._laid_out_for = None
        self._layout()
        self.refresh()

    def on_resize(self) -> None:
        self._layout()
        self.refresh()

    def _content_width(self) -> int:
        return max(20, self.scrollable_content_region.width or self.size.width or 60)

    def _layout(self) -> None:
        width = self._content_width()
        key = (width, self.mode, id(self.document))
        if key == self._laid_out_for:
            return
        self._laid_out_for = key
        lines: list[Text] = []
        if self.document.is_empty:
            lines.append(Text("Nothing to compare for this finding.", CONTEXT_STYLE))
        elif self.mode == "unified":
            for row in self.document.rows:
                lines.extend(self._unified_row(row, width))
        else:
            lines.extend(self._split_header(width))
            for row in self.document.rows:
                lines.extend(self._split_row(row, width))
        self._lines = [self._strip(line, width) for line in lines]
        self.virtual_size = Size(width, len(self._lines))

    def _label_width(self) -> int:
        if self.document.prose:
            return 0
        longest = max((len(row.label) for row in self.document.rows), default=0)
        return min(MAX_LABEL, longest)

    def _wrap(self, text: Text, width: int) -> list[Text]:
        if width <= 0:
            return []
        if not text.plain:
            return [Text()]
        return list(text.wrap(self._text_console, width, overflow="fold"))

    def _unified_row(self, row: DiffRow, width: int) -> list[Text]:
        label_width = self._label_width()
        prefix_width = 2 + (label_width + 2 if label_width else 0)
        body_width = max(8, width - prefix_width)
        dim = row.kind is RowKind.same
        if row.kind is RowKind.changed and row.inline:
            bodies = [(GUTTERS[RowKind.changed], spans_text(row.inline))]
        elif row.kind is RowKind.changed:
            bodies = [("-", spans_text(row.before)), ("+", spans_text(row.after))]
        elif row.kind is RowKind.removed:
            bodies = [("-", spans_text(row.before, markers=False))]
        elif row.kind is RowKind.added:
            bodies = [("+", spans_text(row.after, markers=False))]
        else:
            bodies = [(" ", spans_text(row.after, dim=True))]
        out: list[Text] = []
        for gutter, body in bodies:
            gutter_style = {"-": Style(color="red", bold=True), "+": ADDED_STYLE}.get(
                gutter, CONTEXT_STYLE if dim else Style(color="yellow", bold=True)
            )
            for index, piece in enumerate(self._wrap(body, body_width)):
                line = Text(f"{gutter} " if index == 0 else "  ", gutter_style)
                if label_width:
                    label = row.label[:label_width] if index == 0 else ""
                    line.append(
                        f"{label:<{label_width}}  ", CONTEXT_STYLE if dim else Style(bold=True)
                    )
                line.append_text(piece)
                out.append(line)
        return out

    def _columns(self, width: int) -> tuple[int, int, int]:
        label_width = self._label_width()
        label_part = label_width + 1 if label_width else 0
        remaining = max(16, width - 2 - label_part - 3)
        left = remaining // 2
        return label_width, left, remaining - left

    def _split_header(self, width: int) -> list[Text]:
        label_width, left, right = self._columns(width)
        line = Text("  ")
        if label_width:
            line.append(" " * (label_width + 1))
        line.append("before", Style(bold=True, underline=True))
        line.append(" " * (left - len("before")))
        line.append(" │ ", CONTEXT_STYLE)
        line.append("after", Style(bold=True, underline=True))
        return [line]

    def _split_row(self, row: DiffRow, width: int) -> list[Text]:
        label_width, left, right = self._columns(width)
        dim = row.kind is RowKind.same
        markers = row.kind is RowKind.changed  # a whole added/removed row needs no brackets
        before = (
            self._wrap(spans_text(row.before, markers=markers, dim=dim), left) if row.before else []
        )
        after = (
            self._wrap(spans_text(row.after, markers=markers, dim=dim), right) if row.after else []
        )
        gutter = GUTTERS[row.kind]
        gutter_style = {
            RowKind.removed: Style(color="red", bold=True),
            RowKind.added: ADDED_STYLE,
            RowKind.changed: Style(color="yellow", bold=True),
        }.get(row.kind, CONTEXT_STYLE)
        out: list[Text] = []
        for index in range(max(len(before), len(after), 1)):
            line = Text(f"{gutter} " if index == 0 else "  ", gutter_style)
            if label_width:
                label = row.label[:label_width] if index == 0 else ""
                line.append(f"{label:<{label_width}} ", CONTEXT_STYLE if dim else Style(bold=True))
            cell = before[index] if index < len(before) else Text()
            cell.pad_right(left - cell.cell_len)
            line.append_text(cell)
            line.append(" │ ", CONTEXT_STYLE)
            line.append_text(after[index] if index < len(after) else Text())
            out.append(line)
        return out

    def _strip(self, text: Text, width: int) -> Strip:
        segments = list(text.render(self._text_console))
        return Strip(segments).crop_extend(0, width, None)

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        self._layout()
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip([Segment(" " * width, base)], width)
        strip = self._lines[index].crop_extend(scroll_x, scroll_x + width, None)
        return strip.apply_style(base)

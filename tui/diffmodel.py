"""What the diff widget shows for one finding: rows of before/after, built from its values.

A finding's ``before``/``after`` are JSON-ready values: a whole entry (a mapping), one field's
value, or prose. Mappings become one row per field (unchanged fields kept, dimmed, for context);
two strings become a word-level row from the prose diff of the library; anything else is shown
as a removed and an added value. This module only arranges what the library computed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SpanKind(StrEnum):
    same = "same"
    removed = "removed"
    added = "added"


class RowKind(StrEnum):
    same = "same"  # unchanged context
    removed = "removed"  # only before
    added = "added"  # only after
    changed = "changed"  # both sides, differing


@dataclass(frozen=True)
class Span:
    text: str
    kind: SpanKind = SpanKind.same


@dataclass(frozen=True)
class DiffRow:
    label: str
    kind: RowKind
    before: tuple[Span, ...] = ()
    after: tuple[Span, ...] = ()
    inline: tuple[Span, ...] = ()  # both sides in reading order, for a unified word-level view


@dataclass(frozen=True)
class DiffDocument:
    rows: tuple[DiffRow, ...] = field(default_factory=tuple)
    prose: bool = False  # a word-level diff of two texts (no field labels)

    @property
    def is_empty(self) -> bool:
        return not self.rows


WordDiff = Callable[[str, str], Sequence[tuple[str, str]]]
"""(before, after) -> [(kind, text)] with kind "same" | "removed" | "added", in reading order."""


def display_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(display_value(v) for v in value) if value else "(none)"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _split_spans(
    segments: Sequence[tuple[str, str]],
) -> tuple[tuple[Span, ...], tuple[Span, ...], tuple[Span, ...]]:
    before: list[Span] = []
    after: list[Span] = []
    inline = tuple(Span(text, SpanKind(kind)) for kind, text in segments)
    for kind, text in segments:
        if kind == SpanKind.same:
            before.append(Span(text))
            after.append(Span(text))
        elif kind == SpanKind.removed:
            before.append(Span(text, SpanKind.removed))
        else:
            after.append(Span(text, SpanKind.added))
    return tuple(before), tuple(after), inline


def _value_row(label: str, before: Any, after: Any, word_diff: WordDiff) -> DiffRow:
    if before == after:
        text = display_value(after)
        return DiffRow(label, RowKind.same, (Span(text),), (Span(text),))
    if before is None:
        return DiffRow(label, RowKind.added, (), (Span(display_value(after), SpanKind.added),))
    if after is None:
        return DiffRow(label, RowKind.removed, (Span(display_value(before), SpanKind.removed),), ())
    if isinstance(before, str) and isinstance(after, str):
        old, new, inline = _split_spans(word_diff(before, after))
        return DiffRow(label, RowKind.changed, old, new, inline)
    if isinstance(before, list) and isinstance(after, list):
        return _list_row(label, before, after)
    return DiffRow(
        label,
        RowKind.changed,
        (Span(display_value(before), SpanKind.removed),),
        (Span(display_value(after), SpanKind.added),),
    )


def _list_row(label: str, before: list[Any], after: list[Any]) -> DiffRow:
    """Lists are sets in meaning (data uses, countries): mark what went and what came."""
    old: list[Span] = []
    new: list[Span] = []
    for index, value in enumerate(before):
        separator = ", " if index else ""
        kind = SpanKind.same if value in after else SpanKind.removed
        old.append(Span(separator + display_value(value), kind))
    for index, value in enumerate(after):
        separator = ", " if index else ""
        kind = SpanKind.same if value in before else SpanKind.added
        new.append(Span(separator + display_value(value), kind))
    return DiffRow(label, RowKind.changed, tuple(old), tuple(new))


def build_document(
    before: Any, after: Any, word_diff: WordDiff, label: str = "value"
) -> DiffDocument:
    """The rows for one finding's before and after values."""
    if isinstance(before, dict) or isinstance(after, dict):
        old = before if isinstance(before, dict) else {}
        new = after if isinstance(after, dict) else {}
        keys = list(old) + [key for key in new if key not in old]
        rows = []
        for key in keys:
            in_old, in_new = key in old, key in new
            if not isinstance(before, dict):
                rows.append(
                    DiffRow(
                        key, RowKind.added, (), (Span(display_value(new[key]), SpanKind.added),)
                    )
                )
            elif not isinstance(after, dict):
                rows.append(
                    DiffRow(
                        key, RowKind.removed, (Span(display_value(old[key]), SpanKind.removed),), ()
                    )
                )
            else:
                rows.append(
                    _value_row(
                        key,
                        old.get(key) if in_old else None,
                        new.get(key) if in_new else None,
                        word_diff,
                    )
                )
        return DiffDocument(tuple(rows))
    if isinstance(before, str) and isinstance(after, str):
        old_spans, new_spans, inline = _split_spans(word_diff(before, after))
        return DiffDocument(
            (DiffRow(label, RowKind.changed, old_spans, new_spans, inline),), prose=True
        )
    if before is None and after is None:
        return DiffDocument()
    row = _value_row(label, before, after, word_diff)
    return DiffDocument((row,), prose=isinstance(before or after, str))

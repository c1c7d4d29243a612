"""Helpers for the DataTables the screens list things in."""

from __future__ import annotations

from textual.widgets import DataTable


def cursor_row_key(table: DataTable[object]) -> str | None:
    """The key of the row under the cursor, or None for an empty table."""
    if table.row_count == 0:
        return None
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
    return str(key.value) if key.value is not None else None

"""History: the versions of a policy, material ones marked; any pair opens in the change review."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from governance.findings import Level
from tui.screens.base import GovernScreen
from tui.viewmodels import LEVEL_COLOURS, VersionRow
from tui.widgets.header import AppHeader
from tui.widgets.tables import cursor_row_key


def level_cell(version: VersionRow) -> Text:
    if version.material is None and version.level is None and version.status != "added":
        return Text("unparsable", style="dim")
    if version.status == "added":
        return Text("first version", style="dim")
    if not version.level:
        return Text("no change", style="dim")
    level = Level(version.level)
    return Text(
        level.value.upper() if level is Level.material else level.value,
        style=f"bold {LEVEL_COLOURS[level]}" if level is Level.material else LEVEL_COLOURS[level],
    )


class HistoryScreen(GovernScreen):
    """Versions of one policy, newest first."""

    BINDINGS = [
        Binding(
            "enter", "compare_previous", "Compare", id="history.compare-previous", priority=True
        ),
        Binding("space", "mark", "Mark", id="history.mark"),
        Binding("c", "compare_marked", "Compare marked", id="history.compare-marked"),
        Binding("escape", "back", "Back", id="history.back"),
    ]

    def __init__(self, policy_id: str) -> None:
        super().__init__()
        self.policy_id = policy_id
        self.title = "History"
        self.versions: list[VersionRow] = []
        self.marked: str | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader(id="header")
        yield Static(id="history-summary")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="history-hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in ("", "Commit", "Date", "Level", "Author", "Subject"):
            table.add_column(column, key=column or "mark")
        self.versions = (
            self.attempt("read the history", self.services.versions, self.policy_id) or []
        )
        self.refresh_rows()
        table.focus()

    def refresh_rows(self) -> None:
        table = self.query_one(DataTable)
        keep = self.highlighted_commit
        table.clear()
        for version in self.versions:
            table.add_row(
                Text("●", style="bold") if version.commit == self.marked else "",
                version.short,
                version.committed_at.strftime("%Y-%m-%d"),
                level_cell(version),
                version.author,
                version.subject,
                key=version.commit,
            )
        if keep is not None:
            table.move_cursor(row=table.get_row_index(keep))
        material = sum(1 for v in self.versions if v.material)
        self.query_one("#history-summary", Static).update(
            Text.assemble(
                (self.policy_id, "bold"),
                (f"  {len(self.versions)} versions, ", "dim"),
                (f"{material} material", f"bold {LEVEL_COLOURS[Level.material]}"),
            )
        )
        hint = (
            f"Marked {self.marked[:8]}: move to another version and press c to compare the pair."
            if self.marked
            else "enter: compare a version with the one before · space: mark one end of a pair"
        )
        self.query_one("#history-hint", Static).update(Text(hint, style="dim"))

    @property
    def highlighted_commit(self) -> str | None:
        return cursor_row_key(self.query_one(DataTable))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_compare_previous()

    def _open_pair(self, older: str, newer: str) -> None:
        change = self.attempt("compare these versions", self.services.compare, older, newer)
        if change is not None:
            self.govern.open_change(self.policy_id, change)

    def action_compare_previous(self) -> None:
        commit = self.highlighted_commit
        if commit is None:
            return
        index = [v.commit for v in self.versions].index(commit)
        if index + 1 < len(self.versions):
            self._open_pair(self.versions[index + 1].commit, commit)
        else:
            self._open_pair(f"{commit}^", commit)  # the first version: against its parent commit

    def action_mark(self) -> None:
        commit = self.highlighted_commit
        self.marked = None if commit == self.marked else commit
        self.refresh_rows()

    def action_compare_marked(self) -> None:
        commit = self.highlighted_commit
        if commit is None or self.marked is None or commit == self.marked:
            self.notify("Mark one version with space, then move to another and press c.")
            return
        order = [v.commit for v in self.versions]  # newest first
        older, newer = sorted((commit, self.marked), key=order.index, reverse=True)
        self._open_pair(older, newer)

    def action_back(self) -> None:
        self.app.pop_screen()

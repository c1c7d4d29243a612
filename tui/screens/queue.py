"""The queue: per policy, the changes waiting for a decision, their counts and their state."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import DataTable, Footer, Static

from governance.errors import GovernError
from governance.findings import Level
from tui.screens.base import GovernScreen
from tui.screens.modals import TextPrompt
from tui.viewmodels import LEVEL_COLOURS, PolicyChange
from tui.widgets.header import AppHeader

COLUMNS = ("Policy", "Mat", "Min", "Ed", "Review", "Announce")


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def count_cell(level: Level, count: int) -> Text:
    return Text(
        str(count), style=f"bold {LEVEL_COLOURS[level]}" if count else "dim", justify="right"
    )


class QueueScreen(GovernScreen):
    """The first screen: what is waiting, policy by policy."""

    BINDINGS = [
        Binding("enter", "open", "Review", id="queue.open", priority=True),
        Binding("m", "toggle_mine", "Mine", id="queue.mine"),
        Binding("o", "toggle_material", "Material", id="queue.material-only"),
        Binding("slash", "filter_policy", "Filter", id="queue.policy-filter"),
        Binding("h", "history", "History", id="queue.history"),
        Binding("e", "announcement", "Announce", id="queue.announcement"),
        Binding("g", "release", "Release", id="queue.release"),
        Binding("ctrl+r", "reload", "Reload", id="queue.reload", show=False),
    ]
    ACTION_PERMISSIONS = {"announcement": "draft", "release": "release"}

    mine: reactive[bool] = reactive(False)
    material_only: reactive[bool] = reactive(False)
    policy_filter: reactive[str] = reactive("")

    def __init__(self) -> None:
        super().__init__()
        self.title = "Queue"

    def compose(self) -> ComposeResult:
        yield AppHeader(id="header")
        yield Static(id="queue-summary")
        yield Static(id="queue-filters")
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="queue-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self.refresh_rows()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    # -- data -------------------------------------------------------------------------------

    def visible_policies(self) -> list[PolicyChange]:
        change = self.services.change()
        rows: list[PolicyChange] = []
        for policy in change.policies:
            if self.mine and not self.services.is_mine(policy):
                continue
            if self.material_only and not policy.material:
                continue
            if (
                self.policy_filter
                and self.policy_filter.casefold() not in policy.policy_id.casefold()
            ):
                continue
            rows.append(policy)
        return rows

    def refresh_rows(self) -> None:
        try:
            change = self.services.change()
        except GovernError as error:
            # e.g. a policy that no longer parses: say so and keep the app open
            self.query_one("#queue-summary", Static).update(
                Text("Could not read the change", "bold red")
            )
            empty = self.query_one("#queue-empty", Static)
            empty.display = True
            empty.update(Text(str(error), style="red"))
            return
        table = self.query_one(DataTable)
        keep = self.highlighted_policy
        table.clear()
        rows = self.visible_policies()
        for policy in rows:
            counts = policy.counts
            table.add_row(
                policy.policy_id,
                count_cell(Level.material, counts[Level.material]),
                count_cell(Level.minor, counts[Level.minor]),
                count_cell(Level.editorial, counts[Level.editorial]),
                Text(policy.state_words, style="bold" if policy.pending else ""),
                self.services.announcement_state(policy.policy_id),
                key=policy.policy_id,
            )
        if keep is not None and keep in {p.policy_id for p in rows}:
            table.move_cursor(row=table.get_row_index(keep))
        totals = {level: sum(p.counts[level] for p in change.policies) for level in Level}
        pending = sum(p.pending for p in change.policies)
        self.query_one("#queue-summary", Static).update(
            Text.assemble(
                ("Change ", "dim"),
                (change.label, "bold"),
                (f"  {_count(len(change.policies), 'policy', 'policies')}: ", ""),
                (f"{totals[Level.material]} material", f"bold {LEVEL_COLOURS[Level.material]}"),
                (", ", ""),
                (f"{totals[Level.minor]} minor", LEVEL_COLOURS[Level.minor]),
                (", ", ""),
                (f"{totals[Level.editorial]} editorial", LEVEL_COLOURS[Level.editorial]),
                (f" — {pending} to decide", "bold"),
            )
        )
        self.query_one("#queue-filters", Static).update(self._filters_text())
        empty = self.query_one("#queue-empty", Static)
        if rows:
            empty.update("")
            empty.display = False
        else:
            empty.display = True
            empty.update(
                "No policy changed between these revisions."
                if not change.policies
                else "No policy matches the filters."
            )

    def _filters_text(self) -> Text:
        def flag(label: str, key: str, on: bool) -> tuple[str, str]:
            return (f"[{key}] {label}: {'on' if on else 'off'}  ", "bold" if on else "dim")

        return Text.assemble(
            ("Filters  ", "dim"),
            flag("mine", "m", self.mine),
            flag("material only", "o", self.material_only),
            (f"[/] policy: {self.policy_filter or 'all'}", "bold" if self.policy_filter else "dim"),
        )

    @property
    def highlighted_policy(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def watch_mine(self) -> None:
        if self.is_mounted:
            self.refresh_rows()

    def watch_material_only(self) -> None:
        if self.is_mounted:
            self.refresh_rows()

    def watch_policy_filter(self) -> None:
        if self.is_mounted:
            self.refresh_rows()

    # -- actions ----------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        policy = self.highlighted_policy
        if policy is not None:
            self.govern.open_change(policy)

    def action_toggle_mine(self) -> None:
        self.mine = not self.mine

    def action_toggle_material(self) -> None:
        self.material_only = not self.material_only

    def action_filter_policy(self) -> None:
        def apply(text: str | None) -> None:
            self.policy_filter = text or ""

        self.app.push_screen(
            TextPrompt(
                "Filter by policy",
                "Show only policies whose id contains this text (empty: all).",
                placeholder="e.g. cookies",
                required=False,
                initial=self.policy_filter,
            ),
            apply,
        )

    def action_history(self) -> None:
        policy = self.highlighted_policy
        if policy is not None:
            self.govern.open_history(policy)

    def action_announcement(self) -> None:
        policy = self.highlighted_policy
        if policy is not None:
            self.govern.open_announcement(policy)

    def action_release(self) -> None:
        self.govern.open_release()

    def action_reload(self) -> None:
        self.services.reload()
        self.refresh_rows()

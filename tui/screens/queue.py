"""The queue: the changes waiting for a decision, policy by policy — every open branch (the
checked-out one first, marked ●) with its counts and review state, or the one change
``--base``/``--head`` name.

A change that is not checked out opens read-only: decisions are recorded in the work tree, so they
belong on the branch under review (see :attr:`tui.viewmodels.Change.read_only_reason`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import DataTable, Footer, Static

from governance.errors import GovernError
from governance.findings import Level
from tui.screens.base import GovernScreen
from tui.screens.modals import TextPrompt
from tui.viewmodels import LEVEL_COLOURS, Change, PolicyChange
from tui.widgets.header import AppHeader
from tui.widgets.tables import cursor_row_key

COLUMNS = ("Change", "Policy", "Mat", "Min", "Ed", "Review", "Announce")
CHECKED_OUT = "●"
WIDE = 120
NAME_WIDTH = {False: 14, True: 40}  # the Change column at 80 columns, and when wide


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: a policy of a change (None: the change could not be judged)."""

    change: Change
    policy: PolicyChange | None

    @property
    def key(self) -> str:
        change = self.change.name or self.change.label
        return f"{change}\x1f{self.policy.policy_id if self.policy else ''}"


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
        self._rows: dict[str, QueueRow] = {}

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

    def visible_rows(self) -> list[QueueRow]:
        filtering = self.mine or self.material_only or bool(self.policy_filter)
        rows: list[QueueRow] = []
        for change in self.services.changes():
            if change.error is not None:
                if not filtering:
                    rows.append(QueueRow(change, None))
                continue
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
                rows.append(QueueRow(change, policy))
        return rows

    def visible_policies(self) -> list[PolicyChange]:
        return [row.policy for row in self.visible_rows() if row.policy is not None]

    def refresh_rows(self) -> None:
        try:
            changes = self.services.changes()
        except GovernError as error:
            # e.g. a policy that no longer parses: say so and keep the app open
            self.query_one("#queue-summary", Static).update(
                Text("Could not read the changes", "bold red")
            )
            empty = self.query_one("#queue-empty", Static)
            empty.display = True
            empty.update(Text(str(error), style="red"))
            return
        table = self.query_one(DataTable)
        keep = self.highlighted_key
        table.clear()
        rows = self.visible_rows()
        self._rows = {row.key: row for row in rows}
        for row in rows:
            table.add_row(*self._cells(row), key=row.key)
        if keep is not None and keep in self._rows:
            table.move_cursor(row=table.get_row_index(keep))
        self.query_one("#queue-summary", Static).update(self._summary_text(changes))
        self.query_one("#queue-filters", Static).update(self._filters_text())
        empty = self.query_one("#queue-empty", Static)
        broken = [row.change for row in rows if row.policy is None]
        if broken:  # say why under the table, not only when the row is opened
            empty.display = True
            empty.update(
                Text(
                    "\n".join(
                        f"Could not judge {change.name}: {change.error}" for change in broken
                    ),
                    style="red",
                )
            )
        elif rows:
            empty.update("")
            empty.display = False
        else:
            empty.display = True
            if any(change.policies or change.error for change in changes):
                empty.update("No policy matches the filters.")
            elif self.services.one_change:
                empty.update("No policy changed between these revisions.")
            else:
                empty.update(
                    "No policy changed: no open branch changes a policy, and the working tree "
                    "has no policy edits."
                )

    def _cells(self, row: QueueRow) -> tuple[Text | str, ...]:
        change_cell = self._change_cell(row.change)
        policy = row.policy
        if policy is None:
            return (change_cell, Text("cannot be judged", "red"), "", "", "", "error", "")
        counts = policy.counts
        return (
            change_cell,
            policy.policy_id,
            count_cell(Level.material, counts[Level.material]),
            count_cell(Level.minor, counts[Level.minor]),
            count_cell(Level.editorial, counts[Level.editorial]),
            # "not needed" rather than "nothing material": the table must fit in 80 columns
            Text(
                policy.state_words if policy.material else "not needed",
                style="bold" if policy.pending else "",
            ),
            self.services.announcement_state(policy.policy_id),
        )

    def _change_cell(self, change: Change) -> Text:
        if change.name is None:
            return Text(change.label, style="dim")
        width = NAME_WIDTH[self.app.size.width >= WIDE]
        name = change.name if len(change.name) <= width else change.name[: width - 1] + "…"
        if change.checked_out:
            return Text(f"{CHECKED_OUT} {name}", style="bold")
        return Text(f"  {name}")

    def _summary_text(self, changes: list[Change]) -> Text:
        policies = [policy for change in changes for policy in change.policies]
        totals = {level: sum(p.counts[level] for p in policies) for level in Level}
        pending = sum(p.pending for p in policies)
        counts = (
            (f"{_count(len(policies), 'policy', 'policies')}: ", ""),
            (f"{totals[Level.material]} material", f"bold {LEVEL_COLOURS[Level.material]}"),
            (", ", ""),
            (f"{totals[Level.minor]} minor", LEVEL_COLOURS[Level.minor]),
            (", ", ""),
            (f"{totals[Level.editorial]} editorial", LEVEL_COLOURS[Level.editorial]),
            (f" — {pending} to decide", "bold"),
        )
        if self.services.one_change:
            label = changes[0].label if changes else ""
            return Text.assemble(("Change ", "dim"), (label, "bold"), ("  ", ""), *counts)
        text = Text.assemble(
            (_count(len(changes), "open change", "open changes"), "bold"), (" · ", "dim"), *counts
        )
        if changes:
            text.append(f"\nAgainst {changes[0].base_ref} · ", style="dim")
        here = next((change for change in changes if change.checked_out), None)
        if here is not None:
            edits = " (uncommitted edits)" if here.uncommitted else ""
            text.append(f"{CHECKED_OUT} {here.name}{edits} checked out: decide there", style="dim")
            text.append(", others read-only." if len(changes) > 1 else ".", style="dim")
        elif changes:
            text.append(
                "none checked out, all read-only (git switch BRANCH to decide).", style="dim"
            )
        return text

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
    def highlighted_key(self) -> str | None:
        return cursor_row_key(self.query_one(DataTable))

    @property
    def highlighted(self) -> QueueRow | None:
        key = self.highlighted_key
        return self._rows.get(key) if key is not None else None

    @property
    def highlighted_policy(self) -> str | None:
        row = self.highlighted
        return row.policy.policy_id if row is not None and row.policy is not None else None

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
        row = self.highlighted
        if row is None:
            return
        if row.policy is None:
            self.notify(
                str(row.change.error),
                title=f"Could not judge {row.change.name}",
                severity="error",
                timeout=8,
            )
            return
        self.govern.open_change(row.policy.policy_id, row.change)

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
        row = self.highlighted
        if row is not None and row.policy is not None:
            self.govern.open_announcement(
                row.policy.policy_id, read_only_reason=row.change.read_only_reason
            )

    def action_release(self) -> None:
        self.govern.open_release()

    def action_reload(self) -> None:
        self.services.reload()
        self.refresh_rows()

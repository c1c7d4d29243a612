"""The release manager's desk: announcements waiting for approval; approve, reject, publish."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import DataTable, Footer, Markdown, Static

from tui.screens.base import GovernScreen
from tui.screens.modals import Confirm, TextPrompt
from tui.viewmodels import DraftView
from tui.widgets.header import AppHeader
from tui.widgets.tables import cursor_row_key

STATUS_STYLES = {
    "draft": "dim",
    "submitted": "bold yellow",
    "approved": "bold green",
    "rejected": "red",
    "published": "cyan",
}


class ReleaseScreen(GovernScreen):
    """Every announcement, the ones waiting for a release manager first."""

    BINDINGS = [
        Binding("a", "approve", "Approve", id="release.approve"),
        Binding("r", "reject", "Reject", id="release.reject"),
        Binding("p", "publish", "Publish", id="release.publish"),
        Binding("w", "toggle_waiting", "Waiting only", id="release.waiting-only"),
        Binding("e", "edit", "Edit draft", id="release.edit", show=False),
        Binding("escape", "back", "Back", id="release.back"),
    ]
    ACTION_PERMISSIONS = {
        "approve": "release",
        "reject": "release",
        "publish": "release",
        "edit": "draft",
    }
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    waiting_only: reactive[bool] = reactive(False)

    def __init__(self) -> None:
        super().__init__()
        self.title = "Release manager"
        self.announcements: list[DraftView] = []

    def compose(self) -> ComposeResult:
        yield AppHeader(id="header")
        yield Static(id="release-summary")
        with Horizontal(id="release-body"):
            yield DataTable(id="release-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="release-preview"):
                yield Static(id="release-detail")
                yield Markdown(id="release-modal")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Id", key="id")
        table.add_column("Status", key="status")
        table.add_column("Policy", key="policy")
        table.add_column("Title", key="title")
        self.refresh_rows()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    # -- data -------------------------------------------------------------------------------

    def refresh_rows(self, keep: str | None = None) -> None:
        everything = self.services.drafts()
        order = {"submitted": 0, "approved": 1, "draft": 2, "rejected": 3, "published": 4}
        everything.sort(key=lambda d: order.get(d.status, 9))  # stable: newest first within
        shown = (
            [d for d in everything if d.status in {"submitted", "approved"}]
            if self.waiting_only
            else everything
        )
        self.announcements = shown
        table = self.query_one(DataTable)
        keep = keep or self.highlighted_id
        table.clear()
        for draft in shown:
            table.add_row(
                draft.id,
                Text(draft.status, style=STATUS_STYLES.get(draft.status, "")),
                draft.policy_id,
                draft.title,
                key=draft.id,
            )
        if keep is not None and keep in {d.id for d in shown}:
            table.move_cursor(row=table.get_row_index(keep))
        waiting = sum(1 for d in everything if d.status == "submitted")
        approved = sum(1 for d in everything if d.status == "approved")
        self.query_one("#release-summary", Static).update(
            Text.assemble(
                (f"{waiting} waiting for approval", "bold yellow" if waiting else "dim"),
                (" · ", "dim"),
                (f"{approved} approved, not yet published", "bold green" if approved else "dim"),
                (" · ", "dim"),
                (f"{len(everything)} in all", "dim"),
                ("   [w] waiting only: " + ("on" if self.waiting_only else "off"), "dim"),
            )
        )
        self.show_current()
        self.refresh_bindings()

    @property
    def highlighted_id(self) -> str | None:
        return cursor_row_key(self.query_one(DataTable))

    @property
    def current(self) -> DraftView | None:
        wanted = self.highlighted_id
        return next((d for d in self.announcements if d.id == wanted), None)

    def show_current(self) -> None:
        draft = self.current
        detail = self.query_one("#release-detail", Static)
        modal = self.query_one("#release-modal", Markdown)
        if draft is None:
            detail.update(
                Text(
                    "No announcements yet. They are drafted from approved material "
                    "findings (e on a change).",
                    style="dim",
                )
            )
            modal.update("")
            return
        preview = self.attempt("render the preview", self.services.preview, draft.id)
        text = Text.assemble(
            (draft.status.upper(), STATUS_STYLES.get(draft.status, "")),
            (f"  {draft.id} · drafted by {draft.drafted_by or '—'}", "dim"),
        )
        if draft.decided_by:
            text.append(
                f"\nDecided by {draft.decided_by}" + (f": {draft.reason}" if draft.reason else "")
            )
        if draft.requires_reconsent:
            text.append("\nAsks users to consent again.", style="bold yellow")
        if preview is not None:
            text.append("\n\nBanner: ", style="bold")
            text.append(preview.banner_markdown)
        detail.update(text)
        modal.update(preview.modal_markdown if preview is not None else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_current()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if not allowed:
            return allowed
        if not self.is_mounted:
            return True
        draft = self.current
        status = draft.status if draft else None
        if action == "approve":
            return status == "submitted" or None  # None: shown, greyed out
        if action == "reject":
            return status in {"submitted", "approved"} or None
        if action == "publish":
            return status == "approved" or None
        if action == "edit":
            return draft is not None and status in {"draft", "submitted", "rejected"} or None
        return True

    # -- actions ----------------------------------------------------------------------------

    def watch_waiting_only(self) -> None:
        if self.is_mounted:
            self.refresh_rows()

    def action_toggle_waiting(self) -> None:
        self.waiting_only = not self.waiting_only

    def action_approve(self) -> None:
        draft = self.current
        if draft is None:
            return
        done = self.attempt("approve", self.services.approve_announcement, draft.id)
        if done is not None:
            self.notify(f"Approved {draft.id}; the ledger has the record.", title="Approved")
            self.refresh_rows(keep=draft.id)

    def action_reject(self) -> None:
        draft = self.current
        if draft is None:
            return

        def done(reason: str | None) -> None:
            if not reason:
                return
            rejected = self.attempt("reject", self.services.reject_announcement, draft.id, reason)
            if rejected is not None:
                self.notify(f"Sent {draft.id} back to its drafter.", title="Rejected")
                self.refresh_rows(keep=draft.id)

        self.app.push_screen(
            TextPrompt(
                "Reject the announcement",
                "Say what the drafter must change.",
                placeholder="e.g. name the vendor in the banner",
            ),
            done,
        )

    def action_publish(self) -> None:
        draft = self.current
        if draft is None:
            return

        def done(yes: bool | None) -> None:
            if not yes:
                return
            published = self.attempt("publish", self.services.publish, draft.id)
            if published is not None:
                self.notify(
                    "Written to the feed and the changelog; the policy's last_updated is set. "
                    "Commit those files.",
                    title="Published",
                )
                self.refresh_rows(keep=draft.id)

        self.app.push_screen(
            Confirm(
                "Publish",
                f"Publish {draft.id} to the in-app feed and the changelog, and set the policy's "
                "last_updated? (y/n)",
            ),
            done,
        )

    def action_edit(self) -> None:
        draft = self.current
        if draft is not None:
            self.govern.open_announcement(draft.policy_id, draft.id)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

"""The announcement editor: the draft in a text editor, the banner and modal previewed live."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Markdown, Static, TextArea

from tui.screens.base import GovernScreen
from tui.screens.modals import Confirm
from tui.viewmodels import DraftView
from tui.widgets.header import AppHeader

EDITABLE = {"draft", "submitted", "rejected"}
PREVIEW_DELAY = 0.25


class AnnouncementScreen(GovernScreen):
    """Edit, regenerate and submit the announcement of one policy's approved material changes."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="announcement.save", priority=True),
        Binding("ctrl+g", "regenerate", "Regenerate", id="announcement.regenerate", priority=True),
        Binding("ctrl+t", "submit", "Submit", id="announcement.submit", priority=True),
        Binding("escape", "back", "Back", id="announcement.back", priority=True),
    ]
    ACTION_PERMISSIONS = {"save": "draft", "regenerate": "draft", "submit": "draft"}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(
        self,
        policy_id: str,
        announcement_id: str | None = None,
        *,
        read_only_reason: str | None = None,
    ) -> None:
        super().__init__()
        self.policy_id = policy_id
        self.announcement_id = announcement_id
        # set when opened from a change that is not checked out: drafts come from the checked-out
        # change, so none is made from here (an existing announcement still opens)
        self.read_only_reason = read_only_reason
        self.title = "Announcement"
        self.draft: DraftView | None = None
        self._saved: tuple[str, str] = ("", "")
        self._preview_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader(id="header")
        yield Static(id="announcement-status")
        with Horizontal(id="announcement-body"):
            with Vertical(id="editor-pane"):
                yield Input(id="announcement-title", placeholder="Title")
                yield TextArea(id="announcement-text", soft_wrap=True, show_line_numbers=False)
            with VerticalScroll(id="preview-pane"):
                yield Label("Banner", classes="preview-label")
                yield Static(id="preview-banner")
                yield Label("Modal", classes="preview-label")
                yield Markdown(id="preview-modal")
        yield Footer()

    def on_mount(self) -> None:
        if self.announcement_id is not None:
            draft = self.attempt(
                "open the announcement", self.services.announcement, self.announcement_id
            )
        else:
            draft = self.services.announcement_for(self.policy_id)
        if (
            draft is None
            and self.announcement_id is None
            and self.read_only_reason is None
            and self.services.can("draft")
        ):
            draft = self.attempt(
                "draft the announcement", self.services.draft_announcement, self.policy_id
            )
        self.load(draft)

    # -- state ------------------------------------------------------------------------------

    @property
    def editor_text(self) -> tuple[str, str]:
        return (
            self.query_one("#announcement-title", Input).value,
            self.query_one("#announcement-text", TextArea).text,
        )

    @property
    def dirty(self) -> bool:
        return self.draft is not None and self.editor_text != self._saved

    @property
    def editable(self) -> bool:
        return (
            self.draft is not None and self.draft.status in EDITABLE and self.services.can("draft")
        )

    def load(self, draft: DraftView | None) -> None:
        self.draft = draft
        title_input = self.query_one("#announcement-title", Input)
        text_area = self.query_one("#announcement-text", TextArea)
        if draft is None:
            self.query_one("#announcement-status", Static).update(
                Text(
                    self.read_only_reason
                    or f"Nothing to announce for {self.policy_id} yet: a legal reviewer approves "
                    "its material findings first.",
                    style="bold",
                )
            )
            title_input.disabled = True
            text_area.read_only = True
            self.refresh_bindings()
            return
        title_input.value = draft.title
        text_area.load_text(draft.body_markdown)
        self._saved = (draft.title, draft.body_markdown)
        title_input.disabled = not self.editable
        text_area.read_only = not self.editable
        self.show_status()
        self.update_preview()
        text_area.focus()
        self.refresh_bindings()

    def show_status(self) -> None:
        draft = self.draft
        if draft is None:
            return
        text = Text.assemble(
            ("Announcement ", "dim"),
            (draft.id, "bold"),
            (f" · {draft.policy_id} · ", "dim"),
            (draft.status.upper(), "bold reverse"),
        )
        if draft.drafted_by:
            text.append(f" · drafted by {draft.drafted_by}", style="dim")
        if draft.requires_reconsent:
            text.append(" · asks users to consent again", style="bold yellow")
        if draft.reason:
            text.append(f"\nSent back by {draft.decided_by}: {draft.reason}", style="red")
        if self.dirty:
            text.append("  (unsaved changes)", style="italic yellow")
        self.query_one("#announcement-status", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if not allowed:
            return allowed
        if action in {"save", "regenerate"}:
            return self.editable
        if action == "submit":
            return (
                self.draft is not None
                and self.draft.status in {"draft", "rejected"}
                and (self.services.can("draft"))
            )
        return True

    # -- live preview -----------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._schedule_preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._schedule_preview()

    def _schedule_preview(self) -> None:
        if self.draft is None:
            return
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY, self.update_preview)
        self.show_status()

    def update_preview(self) -> None:
        if self.draft is None:
            return
        title, body = self.editor_text
        preview = self.attempt(
            "render the preview", self.services.preview, self.draft.id, title, body
        )
        if preview is None:
            return
        self.query_one("#preview-banner", Static).update(preview.banner_markdown)
        self.query_one("#preview-modal", Markdown).update(preview.modal_markdown)

    # -- actions ----------------------------------------------------------------------------

    def save(self) -> bool:
        if self.draft is None:
            return False
        if not self.dirty:
            return True
        title, body = self.editor_text
        saved = self.attempt("save the draft", self.services.save_draft, self.draft.id, title, body)
        if saved is None:
            return False
        self.draft = saved
        self._saved = (saved.title, saved.body_markdown)
        self.show_status()
        self.refresh_bindings()
        return True

    def action_save(self) -> None:
        if self.save():
            self.notify("Draft saved.")

    def action_regenerate(self) -> None:
        regenerated = self.attempt(
            "regenerate the draft", self.services.regenerated_text, self.policy_id
        )
        if regenerated is None:
            return
        title, body = regenerated
        self.query_one("#announcement-title", Input).value = title
        self.query_one("#announcement-text", TextArea).load_text(body)
        self.update_preview()
        self.show_status()
        self.notify("Regenerated from the templates; save or submit to keep it.")

    def action_submit(self) -> None:
        if self.draft is None or not self.save():
            return
        submitted = self.attempt("submit", self.services.submit, self.draft.id)
        if submitted is None:
            return
        self.load(submitted)
        self.notify("Submitted to the release managers.", title="Submitted")

    def action_back(self) -> None:
        if not self.dirty:
            self.app.pop_screen()
            return

        def answer(save: bool | None) -> None:
            if save is None or (save and not self.save()):
                return  # cancelled, or the save was refused: stay
            self.app.pop_screen()

        self.app.push_screen(
            Confirm(
                "Unsaved changes", "Save the draft before leaving? y: save, n: discard, esc: stay"
            ),
            answer,
        )

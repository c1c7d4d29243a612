"""Small dialogs: a written justification, a reason, a note, a yes/no confirmation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static


class TextPrompt(ModalScreen[str | None]):
    """Asks for a line of text; ``required`` refuses an empty answer. Dismisses with the text."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("enter", "confirm", "Confirm", id="dialog.confirm", priority=True),
    ]

    def __init__(
        self,
        title: str,
        explanation: str,
        *,
        placeholder: str = "",
        required: bool = True,
        initial: str = "",
    ) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.explanation = explanation
        self.placeholder = placeholder
        self.required = required
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(self.title_text, id="dialog-title")
            yield Static(self.explanation, id="dialog-explanation")
            yield Input(value=self.initial, placeholder=self.placeholder, id="dialog-input")
            yield Static("", id="dialog-error")
        yield Footer()

    def action_confirm(self) -> None:
        text = self.query_one("#dialog-input", Input).value.strip()
        if self.required and not text:
            self.query_one("#dialog-error", Static).update("This cannot be left empty.")
            return
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool | None]):
    """A yes/no question; escape cancels (None)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="dialog.yes"),
        Binding("n", "answer(False)", "No", id="dialog.no"),
        Binding("escape", "answer(None)", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(self.title_text, id="dialog-title")
            yield Static(self.question, id="dialog-explanation")
        yield Footer()

    def action_answer(self, answer: bool | None) -> None:
        self.dismiss(answer)

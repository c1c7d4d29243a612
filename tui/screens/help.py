"""Help: the keys of the screen you came from, the keys that work everywhere, and the words used."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from tui.screens.base import NOT_COMMANDS, GovernScreen
from tui.widgets.header import AppHeader

GLOSSARY = """\
## Levels

- **MATERIAL** — users must be told before it takes effect; a legal reviewer decides, and a
  release manager approves its in-app announcement.
- **MINOR** — a change of fact that needs no announcement (less processing, a renamed item).
- **EDITORIAL** — wording, typos, ordering, dates: no change of meaning.

## Decisions

- **approve** — the change is material and may ship once announced.
- **downgrade** — not material after all; a written justification is required.
- **reject** — sent back to the author with a reason.
- A **note** is saved with your next decision on the finding.
- Decisions are recorded on the checked-out branch (● in the queue); another branch opens
  read-only until you `git switch` to it.

Diffs mark removed words `[-like this-]` and added words `{+like this+}`; lines start with `-`
(before only), `+` (after only) or `~` (changed). Press `v` to switch between side by side and
unified. `ctrl+p` searches every command.
"""


def key_rows(screen: Screen[object], *, app_level: bool) -> list[tuple[str, str]]:
    """(key, action) of the screen's own bindings (or the app's), role checks applied."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        owner = screen.app if app_level else screen
        if active.node is not owner or not binding.description or binding.description in seen:
            continue
        if binding.action in NOT_COMMANDS:
            continue
        seen.add(binding.description)
        rows.append((screen.app.get_key_display(binding), binding.description))
    return rows


def keys_text(title: str, rows: list[tuple[str, str]]) -> Text:
    text = Text()
    text.append(title, style="bold underline")
    text.append("\n")
    for key, description in rows:
        text.append(f"  {key:<12}", style="bold yellow")
        text.append(f"{description}\n")
    return text


class HelpScreen(GovernScreen):
    BINDINGS = [Binding("escape,q", "close", "Close help", id="help.close")]

    def __init__(self, calling: Screen[object]) -> None:
        super().__init__()
        self.calling = calling
        self.title = "Help"

    def compose(self) -> ComposeResult:
        yield AppHeader(id="header")
        name = self.calling.title or type(self.calling).__name__
        keys = keys_text(f"Keys on {name}", key_rows(self.calling, app_level=False))
        keys.append_text(
            keys_text(
                "Everywhere",
                [
                    *key_rows(self.calling, app_level=True),
                    ("ctrl+p", "Command palette: every action by name"),
                ],
            )
        )
        self.calling_text = keys.plain
        with VerticalScroll(id="help-body"):
            yield Static(keys, id="help-keys")
            yield Markdown(GLOSSARY, id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.app.pop_screen()

"""The top line: where you are, who you are and what your role lets you do."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

ROLE_WORDS = {"legal": "legal reviewer", "release": "release manager"}


class AppHeader(Static):
    """``govern · <screen>`` on the left, ``<identity> (<role>) · <repo>`` on the right."""

    def on_mount(self) -> None:
        self.update(self.header_text())

    def header_text(self) -> Text:
        from tui.app import GovernApp

        app = self.app
        screen_title = self.screen.title or ""
        text = Text.assemble(("govern", "bold"), (f" · {screen_title}" if screen_title else ""))
        if isinstance(app, GovernApp):
            services = app.services
            role = services.role
            who = services.identity or "no identity"
            text.append("  ")
            text.append(who, style="bold")
            text.append(
                f" ({ROLE_WORDS.get(role, role) if role else 'no role: read only'})", style="dim"
            )
            text.append(f" · {services.repo_name}", style="dim")
        return text

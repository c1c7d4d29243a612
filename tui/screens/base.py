"""What every screen of the review app shares: the services, role checks, error reporting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.screen import Screen

from governance.errors import GovernError

if TYPE_CHECKING:
    from tui.app import GovernApp
    from tui.services import Services

T = TypeVar("T")

NOT_COMMANDS = frozenset(
    {
        "scroll_up",
        "scroll_down",
        "page_up",
        "page_down",
        "cursor_up",
        "cursor_down",
        "command_palette",
        "focus_next",
        "focus_previous",
        "copy_text",
        "app.focus_next",
        "app.focus_previous",
        "screen.copy_text",
    }
)
"""Movement and clipboard actions: not listed as commands in the palette or the help."""


class GovernScreen(Screen[None]):
    """A screen whose actions may need a role; actions the user may not take are hidden."""

    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {}
    """action name -> permission (see :meth:`tui.services.Services.can`)."""

    @property
    def govern(self) -> GovernApp:
        from tui.app import GovernApp

        assert isinstance(self.app, GovernApp)
        return self.app

    @property
    def services(self) -> Services:
        return self.govern.services

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        permission = self.ACTION_PERMISSIONS.get(action)
        # False: not offered at all (hidden from the footer and the palette), not just greyed out
        return permission is None or self.services.can(permission)

    def attempt(self, what: str, call: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run a library call; a refusal (bad input, role, self-approval) is shown, not raised."""
        try:
            return call(*args, **kwargs)
        except GovernError as error:
            self.notify(str(error), title=f"Could not {what}", severity="error", timeout=8)
            return None

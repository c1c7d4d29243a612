"""``govern review``: the Textual app for legal reviewers and release managers.

Bindings carry ids (``change.approve``, ``queue.mine``, ...) so a keymap can rebind them, and the
command palette (ctrl+p) offers every action the current screen allows, with its key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui.screens.base import NOT_COMMANDS
from tui.services import Services
from tui.viewmodels import Change


class ActionsProvider(Provider):
    """Every action the current screen offers (role checks included), with its key."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        commands: list[tuple[str, str, Callable[[], Any]]] = []
        seen: set[tuple[int, str]] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if active.node not in (self.screen, self.app):
                continue  # a widget's own movement keys are not commands
            if binding.action in NOT_COMMANDS or not binding.description or not active.enabled:
                continue
            marker = (id(active.node), binding.action)
            if marker in seen:
                continue
            seen.add(marker)
            display = self.app.get_key_display(binding)
            help_text = f"key: {display}" + (f" · {binding.tooltip}" if binding.tooltip else "")
            commands.append(
                (binding.description, help_text, partial(active.node.run_action, binding.action))
            )
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class GovernApp(App[None]):
    """The review app. ``services`` is the only door to the library."""

    TITLE = "govern review"
    CSS_PATH = [
        "app.tcss",
        "queue.tcss",
        "change.tcss",
        "announcement.tcss",
        "release.tcss",
        "history.tcss",
        "help.tcss",
        "findings_list.tcss",
        "diff_view.tcss",
        "modals.tcss",
    ]
    COMMANDS = App.COMMANDS | {ActionsProvider}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("f1,question_mark", "help", "Help", id="app.help", key_display="?"),
        Binding("f2", "queue", "Queue", id="app.queue", show=False),
        Binding("f3", "release", "Release manager", id="app.release", show=False),
    ]

    def __init__(self, services: Services, *, start: str = "queue") -> None:
        super().__init__()
        self.services = services
        self.start = start

    def on_mount(self) -> None:
        from tui.screens.queue import QueueScreen

        self.push_screen(QueueScreen())
        if self.start == "release" and self.services.can("release"):
            self.open_release()

    def on_unmount(self) -> None:
        self.services.close()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the action (footer, palette); the release desk needs a release manager
        return action != "release" or self.services.can("release")

    # -- navigation (screens call these; each is also a palette command) ----------------------

    def open_change(self, policy_id: str, change: Change | None = None) -> None:
        from tui.screens.change import ChangeScreen

        self.push_screen(ChangeScreen(policy_id, change))

    def open_history(self, policy_id: str) -> None:
        from tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(policy_id))

    def open_announcement(
        self,
        policy_id: str,
        announcement_id: str | None = None,
        *,
        read_only_reason: str | None = None,
    ) -> None:
        """``read_only_reason``: the change is not checked out, so no draft is made from it."""
        from tui.screens.announcement import AnnouncementScreen

        self.push_screen(
            AnnouncementScreen(policy_id, announcement_id, read_only_reason=read_only_reason)
        )

    def open_release(self) -> None:
        from tui.screens.release import ReleaseScreen

        if not isinstance(self.screen, ReleaseScreen):
            self.push_screen(ReleaseScreen())

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_queue(self) -> None:
        from tui.screens.queue import QueueScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, QueueScreen):
            self.pop_screen()

    def action_release(self) -> None:
        self.open_release()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title in {"Keys", "Maximize", "Minimize", "Screenshot"}:
                continue  # our own help screen lists the keys; the others do not apply
            yield command

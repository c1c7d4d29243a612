"""End to end in a real terminal: `govern demo` under tmux, driven by keys as a person would, read
back with capture-pane, and checked on the ledger files it leaves in the repository."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (.ci/run installs it)"),
]

WIDTH, HEIGHT = 100, 30


class Terminal:
    """One tmux server of our own (its own socket), one window, 100x30."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *arguments: str) -> str:
        completed = subprocess.run(
            ["tmux", "-L", self.socket, *arguments], capture_output=True, text=True, check=False
        )
        if completed.returncode != 0:
            raise AssertionError(f"tmux {arguments[0]} failed: {completed.stderr}")
        return completed.stdout

    def start(self, command: str) -> None:
        self.tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "govern",
            "-x",
            str(WIDTH),
            "-y",
            str(HEIGHT),
            command,
        )
        self.tmux("set-option", "-t", "govern", "remain-on-exit", "on")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "govern")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "govern", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "govern", "-l", text)

    def type_into_input(self, text: str, attempts: int = 3) -> None:
        """Type into the focused input until the screen shows it all.

        Under load, keys sent while a dialog is still opening can reach the app before the input
        has focus; a person would notice and retype, and so does this.
        """
        for _ in range(attempts):
            self.keys("C-u")  # clear the input (Textual's delete-to-start)
            self.type(text)
            try:
                self.wait_for(text, timeout=5)
                return
            except AssertionError:
                continue
        self.wait_for(text, timeout=1)

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"waited {timeout:.0f}s for {texts!r}; the screen shows:\n{screen}")

    def stop(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    session = Terminal(f"govern-test-{os.getpid()}-{time.monotonic_ns()}")
    yield session
    session.stop()


def test_govern_demo_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    repo = tmp_path / "demo"
    command = (
        f"cd {shlex.quote(str(tmp_path))} && TERM=xterm-256color "
        f"{shlex.quote(sys.executable)} -m governance demo --dir {shlex.quote(str(repo))}"
    )
    terminal.start(command)

    screen = terminal.wait_for("Queue", "mitpo/cookies-and-tracking", "to decide", timeout=60)
    assert "counsel@mitpo.example" in screen and "legal reviewer" in screen

    terminal.keys("Enter")
    screen = terminal.wait_for("Change review", "tracking-item-added", "_hjSessionUser_*")
    assert "MATERIAL" in screen  # the level in words, not only in colour

    terminal.keys("a")  # approve the first finding
    terminal.wait_for("✓ approved")

    terminal.keys("d")  # downgrade the next one: a justification is required
    terminal.wait_for("Downgrade to not material")
    terminal.type_into_input("Hotjar is covered by the analytics processor clause")
    terminal.keys("Enter")
    terminal.wait_for("↓ not material")

    terminal.keys("C-q")
    screen = terminal.wait_for("The demo repository is", "govern review --repo")

    records = [
        yaml.safe_load(path.read_text())
        for path in sorted((repo / ".govern-ledger").glob("*.yaml"))
    ]
    assert sorted((r["decision"], r["reviewer"]) for r in records) == [
        ("approved", "counsel@mitpo.example"),
        ("not-material", "counsel@mitpo.example"),
    ]
    (downgrade,) = [r for r in records if r["decision"] == "not-material"]
    assert downgrade["reason"] == "Hotjar is covered by the analytics processor clause"

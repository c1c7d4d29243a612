"""``govern review``: open the Textual review app (Textual is imported only here)."""

from __future__ import annotations

import sys
from pathlib import Path

from governance.errors import InputError


def run(identity: str | None, base: str | None, head: str | None, repo: Path) -> int:
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        raise InputError(
            "govern review is an interactive app and needs a terminal",
            hint="in scripts use `govern check --format json` or `govern diff`",
        )
    from tui.app import GovernApp
    from tui.services import Services

    services = Services(repo, identity, base=base, head=head)
    start = "release" if services.can("release") else "queue"
    GovernApp(services, start=start).run()
    return 0

"""``govern review``: open the Textual review app in a terminal, or serve it to a browser (--web).

Textual and textual-serve are imported only here, inside the command.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from governance.errors import InputError

LOOPBACK = "127.0.0.1"
ROLE_NAMES = {"legal": "legal reviewer", "release": "release manager"}


def run(
    identity: str | None,
    base: str | None,
    head: str | None,
    repo: Path,
    web: bool = False,
    host: str | None = None,
    port: int | None = None,
    token: str | None = None,
    web_session: bool = False,
) -> int:
    if not web:
        for flag, value in (("--host", host), ("--port", port), ("--token", token)):
            if value is not None:
                raise InputError(f"{flag} serves the app to a browser: add --web", field=flag)
    if web:
        return serve(identity, base, head, repo, host or LOOPBACK, port or 0, token)
    if not web_session and not (sys.stdout.isatty() and sys.stdin.isatty()):
        raise InputError(
            "govern review is an interactive app and needs a terminal",
            hint="serve it to a browser with `govern review --web`; in scripts use "
            "`govern check --format json` or `govern diff`",
        )
    from tui.app import GovernApp
    from tui.services import Services

    services = Services(repo, identity, base=base, head=head)
    start = "release" if services.can("release") else "queue"
    GovernApp(services, start=start).run()
    return 0


def serve(
    identity: str | None,
    base: str | None,
    head: str | None,
    repo: Path,
    host: str,
    port: int,
    token: str | None,
) -> int:
    """Resolve who reviews once, here: every browser session runs as that identity."""
    try:
        from tui.web import serve_review
    except ImportError as error:  # pragma: no cover - textual-serve is a dependency
        raise InputError(
            f"govern review --web needs textual-serve ({error.name} is missing)",
            hint="pip install textual-serve",
        ) from None
    from tui.services import Services

    services = Services(repo, identity, base=base, head=head)
    try:
        if services.identity is None:
            raise InputError(
                "no identity: the review server acts as one reviewer",
                field="--as",
                hint="pass --as EMAIL (or set `git config user.email`)",
            )
        reviewer = services.identity
        role = services.role
        root = services.repo.root
    finally:
        services.close()
    who = f"{reviewer} ({ROLE_NAMES.get(role or '', 'not a listed reviewer')})"

    def say(text: str) -> None:
        click.echo(text)
        sys.stdout.flush()

    serve_review(
        root,
        reviewer,
        host=host,
        port=port,
        token=token,
        base=base,
        head=head,
        say=say,
        intro=f"Serving the review app of {root} as {who}.",
    )
    return 0

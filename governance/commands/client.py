"""``govern client``: where the in-app notice client is, or a copy of it for the product.

The client is a dependency-free ES module shipped in the package (``announcements/client/``) with
its TypeScript declarations. It reads the announcement feed and shows the newest announcement.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import click

from governance.atomic import write_atomic
from governance.errors import InputError

CLIENT_FILES = ("govern-notice.js", "govern-notice.d.ts")


def client_dir() -> Path:
    """The folder of the client, as installed (package data of ``announcements``)."""
    return Path(str(files("announcements").joinpath("client")))


def client_path() -> Path:
    """The ES module, as installed."""
    return client_dir() / CLIENT_FILES[0]


def run(show_path: bool, copy_to: Path | None) -> int:
    if not show_path and copy_to is None:
        raise InputError(
            "say what to do with the client",
            hint="`govern client --path` prints where it is; `govern client --copy DIR` copies it",
        )
    if show_path:
        click.echo(str(client_path()))
    if copy_to is not None:
        if copy_to.exists() and not copy_to.is_dir():
            raise InputError("not a directory", file=copy_to, field="--copy")
        for name in CLIENT_FILES:
            target = copy_to / name
            write_atomic(target, (client_dir() / name).read_bytes())
            click.echo(f"wrote {target}")
    return 0

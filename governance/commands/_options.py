"""Options and output that several commands share, declared once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class Group(click.Group):
    """Lists commands in the order they are declared, which follows a policy's life."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


repo_option: Decorator = click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The repository whose policies are governed.",
)

identity_option: Decorator = click.option(
    "--as",
    "identity",
    metavar="EMAIL",
    default=None,
    help="Who is acting (default: git config user.email).",
)

key_option: Decorator = click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SSH private key to sign the record with (default: $GOVERN_SIGNING_KEY, else git "
    "config user.signingkey; required when the repository sets require_signatures).",
)


output_option: Decorator = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it atomically to ``output``; it always ends in one newline."""
    text = text.rstrip("\n") + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        from governance.atomic import write_atomic

        write_atomic(output, text)


def change_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--base and --head, with the defaults `govern check` uses."""
    function = click.option(
        "--head",
        default=None,
        metavar="REF",
        help="Head of the change (default: the working tree when policies or review records have "
        "uncommitted edits, else HEAD).",
    )(function)
    return click.option(
        "--base",
        default=None,
        metavar="REF",
        help="Base of the change (default: the merge-base of the head with the default branch).",
    )(function)


def text_or_editor(value: str | None, option: str, purpose: str) -> str | None:
    """``value``, or — when it is ``-`` — what the user writes in $EDITOR (VISUAL, EDITOR), in
    full: several lines are fine, nothing is cut. Lines starting with ``#`` are instructions."""
    if value != "-":
        return value
    template = (
        f"\n# {purpose}.\n# Write it above; lines starting with '#' are left out. Several lines "
        "are fine.\n"
    )
    written = click.edit(template, extension=".txt")
    if written is None:
        raise click.UsageError(f"{option} -: nothing was saved in the editor")
    text = "\n".join(line for line in written.splitlines() if not line.startswith("#")).strip()
    if not text:
        raise click.UsageError(f"{option} -: the text written in the editor is empty")
    return text


def colour_wanted(output: Path | None = None) -> bool:
    """ANSI colours for a person at a terminal (like git and gh): not when writing to a file or
    a pipe, not with ``NO_COLOR`` set, not on a dumb terminal."""
    import os
    import sys

    if output is not None or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()

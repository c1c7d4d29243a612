"""What the history commands (index, log, show) share: opening things and naming policies."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import click

from governance.formats import POLICY_SUFFIXES

if TYPE_CHECKING:
    from governance.config import Config
    from governance.gitrepo import GitRepository

PROGRESS_THRESHOLD = 20  # commits: below this a bar only flickers


def policy_id_from_argument(argument: str, config: Config, repo: GitRepository) -> str:
    """A policy id from what the user typed: an id, or a path to the policy file."""
    text = argument.strip().replace("\\", "/")
    looks_like_file = text.lower().endswith(POLICY_SUFFIXES) or Path(text).is_file()
    if not looks_like_file:
        return text.strip("/")
    candidate = Path(text)
    absolute = candidate if candidate.is_absolute() else (Path.cwd() / candidate)
    policies = repo.relative(config.policies_dir)
    try:
        relative = repo.relative(absolute)
    except Exception:  # noqa: BLE001 - fall back to the text as typed
        relative = text
    if policies and relative.startswith(policies + "/"):
        relative = relative[len(policies) + 1 :]
    elif policies and text.startswith(policies + "/"):
        relative = text[len(policies) + 1 :]
    return PurePosixPath(relative).with_suffix("").as_posix()


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int], Callable[[int], None] | None]]:
    """An ``on_start`` callback for the indexer: a bar on stderr, only when stderr is a tty."""
    bars: list[click._termui_impl.ProgressBar[int]] = []

    def on_start(total: int) -> Callable[[int], None] | None:
        if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
            return None
        bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
        bar.__enter__()
        bars.append(bar)
        return bar.update

    try:
        yield on_start
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)

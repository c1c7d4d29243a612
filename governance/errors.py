"""The one exception hierarchy of govern.

Every error a user can cause derives from :class:`InputError` and maps to exit code 2; the CLI
prints its message (which names file, line and field) and never a traceback. Anything else that
escapes is an internal error (exit code 3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class GovernError(Exception):
    """Base class of every error govern raises on purpose."""

    exit_code = EXIT_INTERNAL


class InputError(GovernError):
    """Bad input or usage: a file, a flag, a revision or a setting the user can fix."""

    exit_code = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        field = f"{self.field}: " if self.field else ""
        text = f"{where}{field}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class PolicyError(InputError):
    """A policy file that cannot be read, parsed or validated. ``more`` holds the other problems
    found in the same file, so a reader fixes them all in one go."""

    more: list[PolicyError]

    def __init__(self, message: str, **where: Any) -> None:
        super().__init__(message, **where)
        self.more = []


class ConfigError(InputError):
    """A bad ``[tool.govern]`` / ``govern.toml`` setting."""


class GitError(InputError):
    """A revision, ref or repository git cannot give us (e.g. the base of a shallow clone)."""


class ReviewError(InputError):
    """A review decision that is not allowed (unknown reviewer, wrong role, self-approval, ...)."""


class LedgerError(InputError):
    """A malformed review record in the repository's ledger."""


class AnnouncementError(InputError):
    """An announcement that cannot be drafted, approved or published as asked."""


class TemplateError(InputError):
    """A Jinja2 template that fails: names the template, line and missing variable."""


class StoreError(InputError):
    """The working store (SQLite/PostgreSQL) is unreachable, corrupt or from a newer release."""

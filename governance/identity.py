"""Who is acting: an explicit ``--as EMAIL``, else ``git config user.email``.

An identity is only a claim: the reviewers table in ``[tool.govern]`` says which claims may decide,
and SSH signatures (``require_signatures``) make the claim verifiable.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Protocol

from governance.errors import ReviewError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


class _HasRoot(Protocol):
    root: Path


def current_identity(repo: Path | _HasRoot, explicit: str | None) -> str:
    """The acting identity, normalised (stripped); ReviewError when none can be found."""
    if explicit is not None:
        identity = explicit.strip()
        if not _EMAIL.match(identity):
            raise ReviewError(
                f"{explicit!r} is not an email address",
                field="--as",
                hint="pass the email the reviewer is listed under in [tool.govern.reviewers]",
            )
        return identity
    root = repo if isinstance(repo, Path) else repo.root
    configured = git_user_email(root)
    if not configured:
        raise ReviewError(
            "no identity: pass --as EMAIL (or set `git config user.email`)",
            field="--as",
        )
    return configured


def git_user_email(root: Path) -> str | None:
    """``git config user.email`` as seen from ``root`` (repository, global and system config)."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), "config", "--get", "user.email"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    email = completed.stdout.strip()
    return email or None


def same_identity(first: str | None, second: str | None) -> bool:
    """Emails compare case-insensitively, as the reviewers table does."""
    if not first or not second:
        return False
    return first.strip().casefold() == second.strip().casefold()

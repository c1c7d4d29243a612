"""Setting a policy's ``last_updated`` (and ``consent_revision``) when an announcement is out.

YAML policies go through the round-trip writer :func:`governance.formats.yaml_format.update_fields`
(comments kept). Markdown policies get the fields in their front matter and nothing else changes:
the body stays byte for byte what it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from governance.errors import AnnouncementError
from governance.formats import format_of
from governance.formats.yaml_format import update_fields

_FRONT_MATTER = re.compile(
    r"\A(?P<open>---[ \t]*\r?\n)(?P<yaml>.*?)(?P<close>^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z))",
    re.S | re.M,
)


def _scalar(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _needs_change(current: Mapping[str, Any], changes: Mapping[str, Any]) -> bool:
    return any(_scalar(current.get(key)) != _scalar(value) for key, value in changes.items())


def bumped_text(path: Path, changes: Mapping[str, Any]) -> str | None:
    """The policy file's new text with ``changes`` set, or None when it already has them."""
    try:
        text = path.read_bytes().decode("utf-8")  # newlines as they are: the body stays identical
    except FileNotFoundError:
        raise AnnouncementError("the policy file is gone", file=path) from None
    if format_of(path.name) == "yaml":
        current = yaml.safe_load(text)
        if not isinstance(current, dict):
            raise AnnouncementError("the policy is not a mapping of fields", file=path, line=1)
        return update_fields(path, changes) if _needs_change(current, changes) else None
    return _bumped_front_matter(text, changes, path)


def _bumped_front_matter(text: str, changes: Mapping[str, Any], path: Path) -> str | None:
    match = _FRONT_MATTER.match(text)
    if match is None:
        newline = "\r\n" if "\r\n" in text[:200] else "\n"
        lines = "".join(f"{key}: {_scalar(value)}{newline}" for key, value in changes.items())
        return f"---{newline}{lines}---{newline}{newline}{text}"
    front = match["yaml"]
    try:
        current = yaml.safe_load(front) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise AnnouncementError(
            "the front matter is not valid YAML", file=path, line=mark.line + 2 if mark else None
        ) from None
    if not isinstance(current, dict):
        raise AnnouncementError("the front matter is not a mapping of fields", file=path, line=2)
    if not _needs_change(current, changes):
        return None
    newline = "\r\n" if front.endswith("\r\n") else "\n"
    for key, value in changes.items():
        line = re.compile(rf"^{re.escape(key)}[ \t]*:[^\r\n]*$", re.M)
        replacement = f"{key}: {_scalar(value)}"
        if line.search(front):
            front = line.sub(lambda _match, text=replacement: text, front, count=1)
        else:
            if front and not front.endswith("\n"):
                front += newline
            front += replacement + newline
    return text[: match.start("yaml")] + front + text[match.end("yaml") :]

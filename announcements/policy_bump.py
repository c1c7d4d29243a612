"""Setting a policy's ``last_updated`` (and ``consent_revision``) when an announcement is out.

YAML policies go through the round-trip writer :func:`governance.formats.yaml_format.update_fields`
(comments kept). A Markdown policy with front matter gets the fields there. A Markdown page
without front matter gets the new date where the page shows it ("Last updated: April 20, 2026"
becomes "Last updated: June 2, 2026", in the page's own date style): adding front matter would
change how the page reads. Either way the result is parsed again, and publishing refuses a new
text whose policy differs in anything but those fields.
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
from governance.formats.markdown_format import parse_date
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
        new_text = update_fields(path, changes) if _needs_change(current, changes) else None
    elif _FRONT_MATTER.match(text) is None:
        new_text = _bumped_page_date(text, changes, path)
    else:
        new_text = _bumped_front_matter(text, changes, path)
    if new_text is not None:
        _same_policy_but(path, text, new_text, set(changes))
    return new_text


def _bumped_page_date(text: str, changes: Mapping[str, Any], path: Path) -> str | None:
    """The page's visible date replaced (a page without one, or a consent revision it cannot
    show, keeps its text: the feed carries the revision)."""
    from governance.formats import parse_policy

    new_date = changes.get("last_updated")
    current = parse_policy(text.encode("utf-8"), path.name).last_updated
    if not isinstance(new_date, date) or current is None or current == new_date:
        return None
    for match in _DATE_TEXT.finditer(text):
        if parse_date(match.group(0)) == current:
            written = _like(match.group(0), new_date)
            return text[: match.start()] + written + text[match.end() :]
    return None


_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_DATE_TEXT = re.compile(
    r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\.?,?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
)


def _like(old: str, new: date) -> str:
    """``new`` written the way ``old`` was: ISO, 02/06/2026, 2 June 2026 or June 2, 2026."""
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", old):
        return new.isoformat()
    numeric = re.fullmatch(r"(\d{1,2})([/.])(\d{1,2})[/.]\d{4}", old)
    if numeric:
        first, separator = int(numeric[1]), numeric[2]
        parsed = parse_date(old)
        day_first = parsed is not None and parsed.day == first
        pair = (new.day, new.month) if day_first else (new.month, new.day)
        width = len(numeric[1])
        return separator.join(f"{value:0{width}d}" for value in pair) + f"{separator}{new.year}"
    month = _MONTH_NAMES[new.month - 1]
    written = re.search(r"[A-Z][a-z]+", old)
    if written and written[0] not in _MONTH_NAMES:  # "Apr", "Sept": abbreviated
        month = month[:3] + ("." if "." in old else "")
    if old[0].isdigit():
        return f"{new.day} {month} {new.year}"
    comma = "," if "," in old else ""
    return f"{month} {new.day}{comma} {new.year}"


def _same_policy_but(path: Path, old_text: str, new_text: str, fields: set[str]) -> None:
    """Refuse a new text whose parsed policy differs from the old in anything but ``fields``."""
    from governance.formats import parse_policy

    before = parse_policy(old_text.encode("utf-8"), path.name)
    after = parse_policy(new_text.encode("utf-8"), path.name)
    compared = set(type(before).model_fields) - fields - {"consent_revision", "last_updated"}
    old, new = before.model_dump(include=compared), after.model_dump(include=compared)
    if old != new:
        changed = sorted(name for name in compared if old.get(name) != new.get(name))
        raise AnnouncementError(
            "publishing would change how the policy reads, not only its date "
            f"({', '.join(changed)}); nothing was written",
            file=path,
        )


def _bumped_front_matter(text: str, changes: Mapping[str, Any], path: Path) -> str | None:
    match = _FRONT_MATTER.match(text)
    assert match is not None
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

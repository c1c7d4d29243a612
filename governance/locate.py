"""Lines of findings in the head file, for annotations (GitHub, SARIF) and reviewers' jumps.

A finding's path (``items/_ga/retention``) names an entry by id and maybe a field. For YAML one
scan of the text indexes every entry of every collection, so locating fifty findings in a file of
5,000 items costs one pass, not fifty parses; a layout the scan cannot follow falls back to the
YAML composer (:func:`governance.formats.yaml_format.line_of_entry`). Markdown asks the Markdown
loader where a needle (an item's name, a section's title) is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from governance.model import Policy

COLLECTIONS = ("sections", "items", "recipients", "commitments", "controls")

_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:")
_DASH = re.compile(r"(\s*)-(\s+|$)")
_ID = re.compile(r"\s*(?:-\s+)?id\s*:\s*(?P<value>.*?)\s*(?:#.*)?$")


@dataclass
class _Entry:
    start: int  # 0-based line index of the entry's dash
    end: int  # exclusive


@dataclass
class YamlLines:
    """Line index of one YAML policy text (1-based lines out)."""

    lines: list[str]
    top: dict[str, int] = field(default_factory=dict)
    entries: dict[tuple[str, str], _Entry] = field(default_factory=dict)

    @classmethod
    def build(cls, text: str) -> YamlLines:
        index = cls(text.splitlines())
        regions: list[tuple[str, int]] = []
        for number, line in enumerate(index.lines):
            if line[:1].isalpha() or line[:1] == "_":
                match = _TOP_KEY.match(line)
                if match and match[1] not in index.top:
                    index.top[match[1]] = number
                    regions.append((match[1], number))
        bounds = [*(start for _, start in regions[1:]), len(index.lines)]
        for (key, start), end in zip(regions, bounds, strict=True):
            if key in COLLECTIONS:
                index._index_entries(key, start + 1, end)
        return index

    def _index_entries(self, collection: str, start: int, end: int) -> None:
        dash_indent: int | None = None
        starts: list[int] = []
        for number in range(start, end):
            match = _DASH.match(self.lines[number])
            if match is None:
                continue
            indent = len(match[1])
            if dash_indent is None:
                dash_indent = indent
            if indent == dash_indent:
                starts.append(number)
        if not starts:
            return  # an empty collection ("commitments: []") has no entries to index
        bounds = [*starts[1:], end]
        for entry_start, entry_end in zip(starts, bounds, strict=True):
            for number in range(entry_start, entry_end):
                match = _ID.match(self.lines[number])
                if match:
                    entry_id = match["value"].strip("'\"")
                    self.entries.setdefault((collection, entry_id), _Entry(entry_start, entry_end))
                    break

    def line(self, path: str) -> int | None:
        parts = path.split("/")
        if len(parts) == 1:
            number = self.top.get(parts[0])
            return number + 1 if number is not None else None
        collection, entry_id, *rest = parts
        entry = self.entries.get((collection, entry_id))
        if entry is None:
            number = self.top.get(collection)
            return number + 1 if number is not None else None
        if rest:
            pattern = re.compile(rf"\s*(?:-\s+)?{re.escape(rest[0])}\s*:")
            for number in range(entry.start, entry.end):
                if pattern.match(self.lines[number]):
                    return number + 1
        return entry.start + 1


def needle_for(path: str, policy: Policy | None) -> str | None:
    """Text to look for in a Markdown policy: the entry's name, title or text."""
    parts = path.split("/")
    if policy is None or len(parts) < 2 or parts[0] not in COLLECTIONS:
        return None
    return _needles(policy).get((parts[0], parts[1]))


def _needles(policy: Policy) -> dict[tuple[str, str], str]:
    needles: dict[tuple[str, str], str] = {}
    for collection in COLLECTIONS:
        for entry in getattr(policy, collection):
            for attribute in ("name", "title", "text"):
                value = getattr(entry, attribute, None)
                if isinstance(value, str) and value:
                    needles.setdefault((collection, entry.id), value)
                    break
    return needles


class Locator:
    """Finds the head-file line of finding paths; built lazily, once per file."""

    def __init__(self, text: str | None, fmt: str, policy: Policy | None) -> None:
        self.text = text
        self.fmt = fmt
        self.policy = policy
        self._yaml: YamlLines | None = None
        self._needles: dict[tuple[str, str], str] | None = None
        self._lines: Any = None  # the Markdown loader's TextLines, built on first use

    def line(self, path: str, quote: str | None = None) -> int | None:
        """The line of ``path``; in Markdown, ``quote`` (the changed text) narrows it down."""
        if not self.text:
            return None
        if self.fmt == "yaml":
            if self._yaml is None:
                self._yaml = YamlLines.build(self.text)
            return self._yaml.line(path)
        return self._markdown_line(path, quote)

    def _markdown_line(self, path: str, quote: str | None) -> int | None:
        from governance.formats.markdown_format import TextLines

        text = self.text or ""
        if self._lines is None:
            self._lines = TextLines(text)
        if self._needles is None:
            self._needles = _needles(self.policy) if self.policy is not None else {}
        parts = path.split("/")
        needle = self._needles.get((parts[0], parts[1])) if len(parts) > 1 else None
        start: int | None = None
        if path.startswith("sections/") and needle:
            start = _heading_line(text, needle)
        if start is None and needle:
            start = self._lines.line_of(needle)
        if quote:
            # the first words of the quoted sentence, after the entry's own line
            words = " ".join(quote.split()[:8]).strip("“”\"'")
            found = self._lines.line_of(words, start or 1) if words else None
            if found is not None:
                return found
        return start


def _heading_line(text: str, title: str) -> int | None:
    pattern = re.compile(rf"^#{{1,6}}\s+{re.escape(title.strip())}\s*#*\s*$", re.I | re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None

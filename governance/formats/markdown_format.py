"""Markdown policies as legal teams write them (and as CMSs export them).

A Markdown policy is a page: optional YAML front matter (title, owner, last_updated,
consent_revision, summary, and optionally the structured ``items``, ``recipients``,
``commitments`` and ``controls``, which win over what is read from the text), then headings
(sections), prose, bullets and tables. The reader maps the page onto the same model as the YAML
form: headings become sections, item lists and tables become items, organisations that set
cookies or receive data become recipients, promises become commitments and user controls become
controls. What it does not understand stays prose; only broken front matter is an error.

Prose fields (summary, section bodies) keep their Markdown source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pydantic import ValidationError

from governance.errors import PolicyError
from governance.formats._md_blocks import (
    Block,
    parse_blocks,
    preprocess,
    strip_numbering,
)
from governance.formats._md_extract import Context, Extractor, slug
from governance.formats._md_shapes import (
    bold_records,
    field_records,
    flat_tables,
    promote_headings,
    split_bold_leads,
)
from governance.formats.yaml_format import _readable, clean_loc, field_name, line_of, load_yaml
from governance.model import LocatedError, Policy

FRONT_MATTER_FIELDS = (
    "title",
    "owner",
    "last_updated",
    "consent_revision",
    "summary",
    "items",
    "recipients",
    "commitments",
    "controls",
)
STRUCTURED = ("items", "recipients", "commitments", "controls")
# Sections the renderer adds to restate structured facts (items without a section, recipients,
# commitments and controls not stated in prose). Read back, they are dropped when the front
# matter declares that collection, so a render → parse round trip adds nothing.
GENERATED_SECTION_IDS = {
    "govern-items": "items",
    "govern-recipients": "recipients",
    "govern-commitments": "commitments",
    "govern-controls": "controls",
}

_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*\s*:(?:\s|$)")
_DATE_LINE = re.compile(
    r"^[*_\s]*(?:last\s+(?:updated|modified|revised)|effective(?:\s+(?:date|from|as of))?|"
    r"updated(?:\s+on)?)\s*(?:on\s*)?[:\-–]?\s*(?P<date>[^*_]{4,40}?)[*_\s.]*$",
    re.I,
)
_OWNER_LINE = re.compile(r"^(?:published|maintained|issued) by\s+(?P<owner>.+?)\.?$", re.I)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
} | {
    name: number
    for number, names in enumerate(
        [
            ("janvier", "janv"),
            ("février", "fevrier", "févr"),
            ("mars",),
            ("avril", "avr"),
            ("mai",),
            ("juin",),
            ("juillet", "juil"),
            ("août", "aout"),
            ("septembre", "sept"),
            ("octobre", "oct"),
            ("novembre", "nov"),
            ("décembre", "decembre", "déc"),
        ],
        start=1,
    )
    for name in names
}
_OWNER_PATTERNS = (
    re.compile(
        r"\b(?P<org>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})\s+uses?\s+(?:cookies|these "
        r"technologies|similar|tracking|local storage)"
    ),
    re.compile(r"\(set by (?P<org>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})\)"),
    re.compile(r"refer to [“\"](?P<org>[A-Z][\w&.-]*)[”\"]"),
)
_OWNER_TITLE = (
    re.compile(
        r"^(?P<org>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2}?)\s+(?:(?:Web|Website|Platform|"
        r"Online)\s+)?Cookies?\s+(?:Policy|Notice|Statement)",
        re.I,
    ),
    re.compile(r"\b(?:used|use) (?:on|by|at) (?P<org>[A-Z][\w&.-]*)\s*$"),
)
_NOT_OWNER = {
    "analytics",
    "advertising",
    "marketing",
    "essential",
    "functional",
    "partners",
    "pixels",
    "sdks",
    "we",
    "our",
    "this",
    "the",
    "cookies",
    "cookie",
    "website",
    "websites",
    "most",
    "some",
    "other",
    "many",
    "how",
    "like",
    "such",
    "third",
    "first",
    "your",
    "it",
    "they",
    "these",
    "all",
    "sites",
    "apps",
    "you",
    "also",
}


@dataclass
class FrontMatter:
    data: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    body: str = ""
    body_line: int = 1  # the document line the body starts on

    @property
    def present(self) -> bool:
        return self.body_line > 1

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        line = line_of(self.text, loc)
        return line + 1 if line is not None else 2


@dataclass
class Page:
    title: str | None = None
    last_updated: date | None = None
    summary: str = ""
    owner: str | None = None  # stated on the page ("Published by …") or in front matter
    inferred_owner: str | None = None  # read from "Acme uses cookies", "(set by Acme)", …
    sections: list[dict[str, Any]] = field(default_factory=list)


def parse_markdown(text: str, source: str) -> Policy:
    """Parse a Markdown policy; broken front matter is a PolicyError naming file:line and field."""
    front = read_front_matter(text, source)
    declared = front.data.get("items")
    names = None
    if isinstance(declared, list):
        names = frozenset(
            " ".join(str(item.get("name", "")).split()).casefold()
            for item in declared
            if isinstance(item, Mapping)
        )
    owner = front.data.get("owner") if isinstance(front.data.get("owner"), str) else None
    page, extractor = read_page(
        front.body,
        front.body_line,
        owner=owner,
        declared_names=names,
        front=front.data if front.present else None,
    )
    data = _assemble(front, page, extractor, source)
    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        raise _policy_error(error, data, front, source) from None


# ---- front matter ----------------------------------------------------------------------------


def read_front_matter(text: str, source: str) -> FrontMatter:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter(body=text, body_line=1)
    closing = next(
        (index for index in range(1, len(lines)) if lines[index].rstrip() in ("---", "...")), None
    )
    looks_like_yaml = len(lines) > 1 and bool(_KEY_LINE.match(lines[1]))
    if closing is None:
        if looks_like_yaml:
            raise PolicyError(
                "the front matter is not closed: add a line '---' after its last field",
                file=source,
                line=1,
                field="front matter",
            )
        return FrontMatter(body=text, body_line=1)
    fm_text = "\n".join(lines[1:closing])
    body = "\n".join(lines[closing + 1 :])
    data = load_yaml(fm_text, source, first_line=2, what="YAML in the front matter")
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        if isinstance(data, str) and not any(_KEY_LINE.match(line) for line in lines[1:closing]):
            # "---" then a line then "---" is a rule and a setext heading, not front matter
            return FrontMatter(body=text, body_line=1)
        raise PolicyError(
            f"the front matter must be a mapping of fields, not a {type(data).__name__}",
            file=source,
            line=2,
            field="front matter",
        )
    front = FrontMatter(data=dict(data), text=fm_text, body=body, body_line=closing + 2)
    for key in front.data:
        if key not in FRONT_MATTER_FIELDS:
            raise PolicyError(
                f"unknown field in the front matter (known: {', '.join(FRONT_MATTER_FIELDS)})",
                file=source,
                line=front.line_of((key,)),
                field=str(key),
            )
    updated = front.data.get("last_updated")
    if isinstance(updated, str):
        parsed = parse_date(updated)
        if parsed is not None:
            front.data["last_updated"] = parsed
    return front


# ---- the page --------------------------------------------------------------------------------


def read_page(
    body: str,
    first_line: int = 1,
    *,
    owner: str | None = None,
    declared_names: frozenset[str] | None = None,
    front: Mapping[str, Any] | None = None,
) -> tuple[Page, Extractor]:
    """Read the Markdown body (after any front matter) into a page and the facts it states.

    A page with front matter was written as Markdown, so only its ``#`` headings are headings;
    a page without is read as exported pages are written: short title-like lines and bold lines
    standing alone are headings too.
    """
    blocks = parse_blocks(preprocess(body), first_line)
    blocks = flat_tables(blocks)
    blocks = bold_records(blocks)
    blocks = field_records(blocks)
    if front is None:
        blocks = split_bold_leads(blocks)
        promote_headings(blocks, lambda text: bool(_DATE_LINE.match(text)))
    page = Page()
    date_index = _date_index(blocks)
    if date_index is not None:
        match = _DATE_LINE.match(blocks[date_index].text)
        page.last_updated = parse_date(match["date"], day_first=day_first(body)) if match else None
        blocks[date_index].consumed = True
    owner_index = _owner_index(blocks)
    if owner_index is not None:
        match = _OWNER_LINE.match(blocks[owner_index].text)
        owner = owner or (match["owner"].strip() if match else None)
        blocks[owner_index].consumed = True
    title_index = _title_index(blocks, date_index)
    if title_index is not None:
        page.title = blocks[title_index].text
    page.owner = owner
    page.inferred_owner = None if owner else _infer_owner(blocks, page.title)
    extractor = Extractor(owner=owner or page.inferred_owner, declared_item_names=declared_names)
    start = title_index + 1 if title_index is not None else 0
    chrome = [b for b in blocks[:start] if b.kind != "heading"]
    rest = blocks[start:]
    first_heading = next((i for i, b in enumerate(rest) if b.kind == "heading"), len(rest))
    preamble = [b for b in chrome + rest[:first_heading] if not b.consumed]
    page.summary = _read_blocks(preamble, Context(section=None), extractor)
    _read_sections(rest[first_heading:], page, extractor, front or {})
    return page, extractor


def _read_sections(
    blocks: list[Block], page: Page, extractor: Extractor, front: Mapping[str, Any]
) -> None:
    headings = [i for i, b in enumerate(blocks) if b.kind == "heading"] + [len(blocks)]
    stack: list[tuple[int, str]] = []
    used: set[str] = set()
    for start, end in zip(headings, headings[1:], strict=False):
        heading = blocks[start]
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        titles = (heading.text, *(title for _, title in reversed(stack)))
        stack.append((heading.level, heading.text))
        section_id = _unique(
            heading.explicit_id or slug(strip_numbering(heading.text)) or "section", used
        )
        content = [b for b in blocks[start + 1 : end] if not b.consumed]
        generated = GENERATED_SECTION_IDS.get(heading.explicit_id or "")
        if generated and generated in front:
            continue
        prose = " ".join(b.text for b in content if b.kind == "paragraph")
        context = Context(section=section_id, titles=titles, prose=prose)
        body = _read_blocks(content, context, extractor)
        page.sections.append({"id": section_id, "title": heading.text, "body": body})


def _read_blocks(blocks: list[Block], context: Context, extractor: Extractor) -> str:
    """Feed a section's blocks to the extractor; returns the Markdown of what stays prose."""
    declared = extractor.declared_item_names is not None
    if not context.prose:
        context = replace(context, prose=" ".join(b.text for b in blocks if b.kind == "paragraph"))
    prose: list[str] = []
    lead = ""
    for block in blocks:
        here = replace(context, lead=lead)
        consumed = False
        if block.kind == "table" and not declared:
            consumed = extractor.table(block, here)
        elif block.kind == "records":
            if not declared:
                extractor.records(block, here)
                consumed = True
            for entry in block.entries:
                extractor.prose(entry.text, here)
        elif block.kind == "list":
            consumed = (
                not declared and extractor.attribute_list(block.entries, here)
            ) or extractor.bullet_list(block, here)
            for entry in block.entries:
                extractor.prose(entry.text, here, bullet=entry)
                if not consumed and not declared:
                    extractor.quoted_cookies(entry.text, here)
        elif block.kind == "paragraph":
            extractor.prose(block.text, here)
            if not declared:
                extractor.quoted_cookies(block.text, here)
        if not consumed and block.source.strip():
            prose.append(block.source.strip("\n"))
        lead = block.text if block.kind == "paragraph" else ""
    return "\n\n".join(prose)


def _unique(base: str, used: set[str]) -> str:
    candidate, number = base, 2
    while candidate in used:
        candidate = f"{base}-{number}"
        number += 1
    used.add(candidate)
    return candidate


def _date_index(blocks: list[Block]) -> int | None:
    for index, block in enumerate(blocks[:10]):
        if block.kind in ("list", "table", "records"):
            return None
        if block.kind == "paragraph" and block.single_line:
            match = _DATE_LINE.match(block.text)
            if match and parse_date(match["date"]) is not None:
                return index
    return None


def _owner_index(blocks: list[Block]) -> int | None:
    for index, block in enumerate(blocks[:10]):
        if block.kind == "paragraph" and block.single_line and _OWNER_LINE.match(block.text):
            return index
    return None


def _title_index(blocks: list[Block], date_index: int | None) -> int | None:
    if date_index is not None and date_index > 0 and blocks[date_index - 1].kind == "heading":
        return date_index - 1
    for index, block in enumerate(blocks):
        if block.consumed or _is_rule(block):
            continue
        if block.kind == "heading":
            first = not any(not (b.consumed or _is_rule(b)) for b in blocks[:index])
            return index if block.level == 1 or first else None
        return None
    return None


def _is_rule(block: Block) -> bool:
    return block.kind == "other" and bool(re.fullmatch(r"\s*(?:[-*_]\s*){3,}", block.source))


def _infer_owner(blocks: list[Block], title: str | None) -> str | None:
    for pattern in _OWNER_TITLE:
        match = pattern.search(title or "")
        if match and match["org"].lower() not in _NOT_OWNER:
            return match["org"]
    for block in blocks[:80]:
        for pattern in _OWNER_PATTERNS:
            for match in pattern.finditer(block.text):
                org = match["org"]
                if org.split()[0].lower() not in _NOT_OWNER:
                    return org
    return None


# ---- assembling and validating ---------------------------------------------------------------


def _assemble(front: FrontMatter, page: Page, extractor: Extractor, source: str) -> dict[str, Any]:
    inferred = None if front.present else page.inferred_owner
    data: dict[str, Any] = {
        "title": front.data.get("title", page.title) or _title_from_source(source),
        "owner": front.data.get("owner", page.owner or inferred),
        "last_updated": front.data.get("last_updated", page.last_updated),
        "consent_revision": front.data.get("consent_revision", 1),
        "summary": page.summary,
        "sections": page.sections,
        "items": front.data.get("items", extractor.items),
        "recipients": front.data.get("recipients", list(extractor.recipients.values())),
        "commitments": front.data.get("commitments", extractor.commitments),
        "controls": front.data.get("controls", extractor.controls),
    }
    if "summary" in front.data:
        summary = front.data["summary"]
        if isinstance(summary, str) and page.summary and _norm(page.summary) != _norm(summary):
            summary = f"{summary.rstrip()}\n\n{page.summary}"
        data["summary"] = summary
    return data


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _title_from_source(source: str) -> str:
    stem = source.split("@", 1)[0].replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Policy"


def _policy_error(
    error: ValidationError, data: dict[str, Any], front: FrontMatter, source: str
) -> PolicyError:
    first = error.errors(include_url=False)[0]
    loc: tuple[Any, ...] = tuple(first["loc"])
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, LocatedError):
        loc = (cause.collection, cause.index, cause.field)
        message = str(cause)
    else:
        message = _readable(first)
    loc = clean_loc(loc)
    if loc and loc[0] in front.data:
        return PolicyError(
            message, file=source, line=front.line_of(loc), field=field_name(loc, data)
        )
    return PolicyError(
        f"could not read the page: {message}", file=source, field=field_name(loc, data)
    )


# ---- dates and lines -------------------------------------------------------------------------


# Signs that a page is written for European readers, whose dates put the day first.
_EUROPEAN = re.compile(
    r"\b(?:GDPR|RGPD|EEA|European (?:Union|Economic Area)|ePrivacy|CNIL|ICO|UK GDPR|"
    r"Data Protection Officer|données|cookies? (?:policy|notice) \(UK\))\b|€",
    re.I,
)
_AMERICAN = re.compile(r"\b(?:CCPA|CPRA|California|Do Not Sell)\b")


def day_first(text: str) -> bool | None:
    """Whether a page's numeric dates put the day first (European pages) or the month first
    (American ones); None when the page does not tell."""
    text = text[:50_000]  # the page's opening says where it is written for
    european, american = _EUROPEAN.search(text), _AMERICAN.search(text)
    if european and not american:
        return True
    if american and not european:
        return False
    return None


def parse_date(text: str, *, day_first: bool | None = None) -> date | None:
    """ "April 20, 2026", "20 April 2026", "2026-04-20", "20 septembre 2021", "11/04/2024".

    A numeric date whose first two numbers could both be the month is read day first on a
    European page (``day_first``), month first on an American one or when the page does not
    tell (the historical default); a first number over 12 is always the day."""
    value = text.strip().strip("*_ .").replace(",", " ")
    try:
        iso = re.match(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$", value)
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        numeric = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", value)
        if numeric:
            first, second, year = int(numeric[1]), int(numeric[2]), int(numeric[3])
            month, day = (second, first) if first > 12 or day_first else (first, second)
            return date(year, month, day)
        words = value.lower().split()
        named = re.match(r"^(\d{1,2})(?:st|nd|rd|th)?$", words[0]) if words else None
        if len(words) == 3 and named and words[1] in _MONTHS:
            return date(int(words[2]), _MONTHS[words[1]], int(named[1]))
        if len(words) == 3 and words[0] in _MONTHS:
            day_match = re.match(r"^(\d{1,2})(?:st|nd|rd|th)?$", words[1])
            if day_match and words[2].isdigit():
                return date(int(words[2]), _MONTHS[words[0]], int(day_match[1]))
    except ValueError:
        return None
    return None


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
_FOLD = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "\u00a0": " ",
        "*": None,
        "_": None,
        "`": None,
        "\\": None,
    }
)


class TextLines:
    """Where needles are in one text, found through a word index built once.

    The text is folded as a reader compares it (whitespace, case, quotes and Markdown emphasis
    ignored); a needle is looked up by its rarest whole word, so locating thousands of findings
    in a large page costs one pass over the page, not one per finding.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        # the page folded line by line, joined by spaces; where each line starts in it
        folded_lines = [
            " ".join(line.translate(_FOLD).lower().split()) for line in text.split("\n")
        ]
        self.line_offsets: list[int] = []
        parts: list[str] = []
        offset = 0
        for line in folded_lines:
            self.line_offsets.append(offset)
            if line:
                parts.append(line)
                offset += len(line) + 1
        self.folded = " ".join(parts)
        self.words: dict[str, list[int]] = {}
        offset = 0
        for word in self.folded.split(" "):
            if word:
                self.words.setdefault(word, []).append(offset)
            offset += len(word) + 1

    def _line(self, offset: int) -> int:
        """The 1-based line of an offset in the folded text."""
        from bisect import bisect_right

        return bisect_right(self.line_offsets, offset)

    def line_of(self, needle: str, start_line: int = 1) -> int | None:
        """1-based line where ``needle`` starts, searching from ``start_line``; None if absent."""
        if not needle.strip():
            return None
        from bisect import bisect_left

        if start_line > len(self.line_offsets):
            return None
        start = self.line_offsets[max(start_line, 1) - 1]
        wanted = " ".join(
            needle.translate(_QUOTES).replace("*", "").replace("_", "").lower().split()
        )
        parts = wanted.split(" ")
        if len(parts) > 2:
            # an inner word of the needle is a whole word wherever the needle occurs
            index, word = min(
                enumerate(parts[1:-1], start=1), key=lambda pair: len(self.words.get(pair[1], ()))
            )
            lead = len(" ".join(parts[:index])) + 1
            postings = self.words.get(word, [])
            for offset in postings[bisect_left(postings, start + lead) :]:
                begin = offset - lead
                if self.folded.startswith(wanted, begin):
                    return self._line(begin)
            return None
        postings = self.words.get(wanted, []) if len(parts) == 1 else []
        for offset in postings[bisect_left(postings, start) :]:
            return self._line(offset)
        found = self.folded.find(wanted, start)
        if found < 0:
            return None
        return self._line(found)


def line_of_text(text: str, needle: str, start_line: int = 1) -> int | None:
    """1-based line where ``needle`` starts in ``text``, ignoring whitespace, case, quotes and
    Markdown emphasis; searching from ``start_line``. None when it is not there."""
    return TextLines(text).line_of(needle, start_line)

"""Markdown as a flat list of blocks (headings, paragraphs, lists, tables) with their lines.

Real cookie pages are exported from CMSs: headings are sometimes only bold or plain short lines,
tables arrive flattened into one cell per paragraph, bullets are "•" characters. This module
turns markdown-it's token stream into blocks a reader can reason about, and recognises those
shapes; it knows nothing about cookies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

_GLYPH_BULLET = re.compile(r"^(?P<indent>[ \t]*)[•●▪◦‣∙](?:[ \t]+|$)")
_UNCLOSED_BOLD = re.compile(r"^(?P<lead>\s*(?:[*+-]\s+)?)\*\*(?P<text>[^*]+?)(?P<tail>\s*)$")
_NEXT_BOLD = re.compile(r"^(?P<indent>\s*)\*\*(?=\S)")
_EXPLICIT_ID = re.compile(r"\s*(?<!\\)\{#(?P<id>[a-z0-9][a-z0-9._-]*)\}\s*$")
_NUMBERING = re.compile(r"^\s*(?:\(?[0-9]{1,2}(?:\.[0-9]{1,2})*[.)]?|\(?[ivxlc]{1,5}[.)])\s+", re.I)
_TERMINAL = (".", ",", ";", ":", "!")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


@dataclass
class Entry:
    """One bullet of a list (nested bullets are entries too, with a larger depth)."""

    text: str
    line: int
    depth: int
    links: list[str] = field(default_factory=list)
    bold_label: str | None = None  # leading bold run, e.g. "**Advertising ID.**"


@dataclass
class Block:
    kind: str  # "heading" | "paragraph" | "list" | "table" | "other"
    line: int  # 1-based, in the whole document
    end_line: int
    source: str
    text: str = ""
    level: int = 0
    explicit_id: str | None = None
    links: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    bold: bool = False  # the whole paragraph is one bold (or italic) run
    bold_label: str | None = None  # a leading bold run: "**Privacy Policy:** https://…"
    single_line: bool = True
    link_only: bool = False
    pseudo: bool = False  # a heading recognised from a short line or a bold paragraph
    consumed: bool = False  # turned into structured facts, so not part of the prose


def preprocess(text: str) -> str:
    """Normalise CMS quirks without changing the number of lines (lines are reported)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        lines[index] = _GLYPH_BULLET.sub(lambda m: m["indent"] + "- ", line)
    # "**Title  \n**Body" (a bold run closed on the next line) → "**Title**  \nBody"
    for index in range(len(lines) - 1):
        line = lines[index]
        if line.count("**") % 2 == 1:
            match = _UNCLOSED_BOLD.match(line)
            following = _NEXT_BOLD.match(lines[index + 1])
            if match and following:
                lines[index] = f"{match['lead']}**{match['text'].rstrip()}**{match['tail'] or ''}"
                if not lines[index].endswith("  "):
                    lines[index] = lines[index].rstrip() + "  "
                lines[index + 1] = following["indent"] + lines[index + 1][following.end() :]
    return "\n".join(lines)


_MD: MarkdownIt | None = None


def markdown() -> MarkdownIt:
    global _MD
    if _MD is None:
        _MD = MarkdownIt("commonmark", {"html": False}).enable("table")
    return _MD


def parse_blocks(text: str, first_line: int = 1) -> list[Block]:
    """Blocks of ``text``; ``first_line`` is the document line ``text`` starts on.

    Large top-level pipe tables (declarations of thousands of cookies) are read by
    :func:`_large_tables`, which markdown-it's table rule would take seconds over; the rest of
    the page (those lines blanked, so line numbers stay) goes through markdown-it.
    """
    lines = text.split("\n")
    large = _large_tables(lines, first_line)
    if large:
        for table in large:
            for number in range(table.line - first_line, table.end_line - first_line + 1):
                lines[number] = ""
        rest = _parse_blocks("\n".join(lines), lines, first_line)
        return sorted([*rest, *large], key=lambda block: block.line)
    return _parse_blocks(text, lines, first_line)


def _parse_blocks(text: str, lines: list[str], first_line: int) -> list[Block]:
    tokens = markdown().parse(text)
    blocks: list[Block] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.level != 0 or token.nesting == -1:
            index += 1
            continue
        end = _closing(tokens, index)
        span = token.map or [0, 0]
        source = "\n".join(line.rstrip() for line in lines[span[0] : span[1]]).strip("\n")
        block = Block(
            kind="other",
            line=span[0] + first_line,
            end_line=span[1] + first_line - 1,
            source=source,
        )
        if token.type == "heading_open":
            _fill_heading(block, tokens[index + 1], int(token.tag[1:]))
        elif token.type == "paragraph_open":
            _fill_paragraph(block, tokens[index + 1])
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            block.kind = "list"
            block.entries = _entries(tokens[index : end + 1], first_line)
        elif token.type == "table_open":
            block.kind = "table"
            block.header, block.rows = _table(tokens[index : end + 1])
        if block.source or block.kind != "other":
            blocks.append(block)
        index = end + 1
    return blocks


LARGE_TABLE = 200  # rows from which a top-level table is read without markdown-it
_DELIMITER_ROW = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_CELL_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_CELL_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_CELL_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_CELL_CODE = re.compile(r"`+([^`]*)`+")
_CELL_MARKUP = re.compile(r"[`<\[*_~\\&]")
_CELL_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _large_tables(lines: list[str], first_line: int) -> list[Block]:
    """Top-level pipe tables of at least ``LARGE_TABLE`` rows, read line by line."""
    found: list[Block] = []
    index = 0
    while index + 1 < len(lines):
        header, delimiter = lines[index], lines[index + 1]
        if (
            "|" not in header
            or header[:1].isspace()
            or not _DELIMITER_ROW.match(delimiter)
            or (index > 0 and lines[index - 1].strip() and not _starts_block(lines[index - 1]))
        ):
            index += 1
            continue
        width = len(_cells(header))
        end = index + 2
        while end < len(lines) and lines[end].strip() and "|" in lines[end]:
            if lines[end][:1].isspace() and lines[end].lstrip()[:1] in "-*+>":
                break
            end += 1
        if end - index - 2 < LARGE_TABLE or len(_cells(delimiter)) != width:
            index = end if end > index + 2 else index + 1
            continue
        rows = [_row(line, width) for line in lines[index + 2 : end]]
        found.append(
            Block(
                kind="table",
                line=index + first_line,
                end_line=end - 1 + first_line,
                source="\n".join(line.rstrip() for line in lines[index:end]),
                header=_row(header, width),
                rows=rows,
            )
        )
        index = end
    return found


def _starts_block(line: str) -> bool:
    return bool(re.match(r"^\s{0,3}(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\||```|~~~)", line))


def _cells(line: str) -> list[str]:
    """The cells of one table line, split at unescaped pipes outside code spans."""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    if "`" in line:  # a pipe inside a code span does not split
        parts, cell, ticks = [], "", False
        for char in line:
            if char == "`":
                ticks = not ticks
            if char == "|" and not ticks and not cell.endswith("\\"):
                parts.append(cell)
                cell = ""
            else:
                cell += char
        return [*parts, cell]
    return _CELL_SPLIT.split(line)


def _row(line: str, width: int) -> list[str]:
    cells = [_cell_text(cell) for cell in _cells(line)][:width]
    return cells + [""] * (width - len(cells))


def _cell_text(cell: str) -> str:
    """A cell as markdown-it's inline reading would give it: markup dropped, escapes resolved,
    a link that shows no text given as its target."""
    text = cell.strip().replace("\\|", "|")
    if not _CELL_MARKUP.search(text):
        return " ".join(text.split())  # most cells are plain words
    codes: list[str] = []

    def keep(match: re.Match[str]) -> str:
        codes.append(match.group(1).strip())
        return f"\x00{len(codes) - 1}\x00"

    if "`" in text:
        text = _CELL_CODE.sub(keep, text)
    if "<" in text:
        text = _CELL_AUTOLINK.sub(r"\1", text)
    if "[" in text:
        text = _CELL_LINK.sub(lambda m: m.group(1) or m.group(2), text)
    for _ in range(2):
        text = _CELL_EMPHASIS.sub(r"\2", text)
    if "\\" in text:
        text = _CELL_ESCAPE.sub(r"\1", text)
    if "&" in text:
        import html

        text = html.unescape(text)
    if codes:
        text = re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], text)
    return " ".join(text.split())


def _closing(tokens: list[Token], start: int) -> int:
    token = tokens[start]
    if token.nesting != 1:
        return start
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index].nesting == 1 and tokens[index].level == token.level:
            depth += 1
        elif tokens[index].nesting == -1 and tokens[index].level == token.level:
            depth -= 1
            if depth == 0:
                return index
    return len(tokens) - 1


def _fill_heading(block: Block, inline: Token, level: int) -> None:
    text, links = plain(inline)
    if _EXPLICIT_ID.search(inline.content):  # written {#id}, not an escaped \{#id}
        match = _EXPLICIT_ID.search(text)
        if match:
            block.explicit_id = match["id"]
            text = text[: match.start()]
    block.kind = "heading"
    block.level = level
    block.text = text.strip()
    block.links = links


def _fill_paragraph(block: Block, inline: Token) -> None:
    text, links = plain(inline)
    block.kind = "paragraph"
    block.text = text.strip()
    block.links = links
    children = [
        c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())
    ]
    block.single_line = "\n" not in inline.content.strip()
    block.bold = _one_emphasis_run(children)
    block.bold_label = _leading_bold(inline)
    block.link_only = _only_links(children)


def _only_links(children: list[Token]) -> bool:
    inside = 0
    seen_link = False
    for child in children:
        if child.type == "link_open":
            inside += 1
            seen_link = True
        elif child.type == "link_close":
            inside -= 1
        elif child.type == "text" and child.content.strip() and inside == 0:
            return False
    return seen_link


def _one_emphasis_run(children: list[Token]) -> bool:
    if len(children) < 3:
        return False
    opener, closer = children[0], children[-1]
    if opener.type not in ("strong_open", "em_open") or closer.type != opener.type.replace(
        "open", "close"
    ):
        return False
    depth = 0
    for child in children[:-1]:
        if child.type == opener.type:
            depth += 1
        elif child.type == closer.type:
            depth -= 1
            if depth == 0:
                return False  # the run closes before the end: "**a** b **c**"
    return True


def plain(inline: Token, *, keep_invisible: bool = False) -> tuple[str, list[str]]:
    """An inline token as plain text (markup dropped, escapes resolved) and its link targets.

    ``keep_invisible`` keeps zero-width and other invisible characters (a table cell naming a
    cookie: a name that hides one must be seen as it is)."""
    parts: list[str] = []
    links: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            if href:
                links.append(href)
        elif child.type == "image":
            parts.append(child.content)
    text = "".join(parts)
    return " ".join((text if keep_invisible else text.translate(_INVISIBLE)).split()), links


def _leading_bold(inline: Token) -> str | None:
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content)]
    if not children or children[0].type != "strong_open":
        return None
    parts: list[str] = []
    for child in children[1:]:
        if child.type == "strong_close":
            return " ".join("".join(parts).split()) or None
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return None


def _entries(tokens: list[Token], first_line: int) -> list[Entry]:
    entries: list[Entry] = []
    depth = 0
    awaiting: list[int] = []  # list items whose first paragraph is not read yet
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open":
            line = (token.map or [0])[0] + first_line
            entries.append(Entry(text="", line=line, depth=depth - 1))
            awaiting.append(len(entries) - 1)
        elif token.type == "list_item_close":
            if awaiting:
                awaiting.pop()
        elif token.type == "inline" and awaiting:
            entry = entries[awaiting[-1]]
            text, links = plain(token)
            if not entry.text:
                entry.text = text
                entry.links = links
                entry.bold_label = _leading_bold(token)
            else:  # a second paragraph inside the same bullet
                entry.text = f"{entry.text} {text}".strip()
                entry.links.extend(links)
    return [entry for entry in entries if entry.text]


def _table(tokens: list[Token]) -> tuple[list[str], list[list[str]]]:
    header: list[str] = []
    rows: list[list[str]] = []
    in_head = False
    row: list[str] = []
    for token in tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(row)
        elif token.type == "inline":
            text, links = plain(token, keep_invisible=True)
            if not text and links:
                text = links[0]
            row.append(text)
    return header, rows


def is_heading_like(block: Block) -> bool:
    """A paragraph that reads as a title: short, alone, no closing full stop or colon."""
    if block.kind != "paragraph" or not block.single_line or block.link_only:
        return False
    text = block.text.strip("*_ ")
    if not text or len(text) > 90 or len(text.split()) > 12 or text.endswith(_TERMINAL):
        return False
    if "://" in text or text.startswith(("[", "(", '"', "“", "'")) and not _NUMBERING.match(text):
        return False
    first = text.lstrip("(")[:1]
    return first.isupper() or first.isdigit()


def strip_numbering(title: str) -> str:
    """ "1. What is used?" → "What is used?": ids survive renumbering."""
    return _NUMBERING.sub("", title, count=1)

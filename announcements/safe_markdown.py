"""Markdown in, safe HTML out; and escaping untrusted text on its way into Markdown.

Vendor names, cookie names and policy prose are untrusted: they go into Markdown escaped (so a
name cannot become a link, an emphasis or raw HTML in any renderer the app uses), and the HTML we
produce comes from markdown-it with raw HTML disabled, so whatever the Markdown holds, the HTML
holds no markup but what Markdown itself creates.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Characters that mean something anywhere in a CommonMark line (emphasis, code, links, raw HTML,
# entities, tables, strikethrough); a backslash keeps each literal.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]()<>#!|~&])")
# What means something only at the start of a line: list markers, ordered lists, setext underlines.
_LINE_START_SPECIAL = re.compile(r"^(\d+)([.)])|^([-+=])")


def escape_markdown(text: object) -> str:
    """Untrusted text as literal Markdown: punctuation backslash-escaped, newlines folded."""
    flat = " ".join(str(text).split())
    escaped = _INLINE_SPECIAL.sub(r"\\\1", flat)
    return _LINE_START_SPECIAL.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # "commonmark" with html off: raw HTML blocks and inline tags are rendered as text; links
    # keep markdown-it's validateLink, which refuses javascript:, vbscript:, file: and data:.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        "table"
    )


def markdown_to_html(markdown: str) -> str:
    """Safe HTML for an announcement body written in Markdown."""
    return _renderer().render(markdown)


class _TextExtractor(HTMLParser):
    """Text of the HTML markdown-it produces: paragraphs as blank-line separated, list items
    as "- " lines, links as "text (href)"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "blockquote"}:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self._links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href = self._links.pop()
            if href:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if "\n" in data and not data.strip():
            return  # the newlines markdown-it puts between block tags
        self.parts.append(data)

    def text(self) -> str:
        joined = "".join(self.parts)
        joined = re.sub(r"[ \t]*\n[ \t]*", "\n", joined)
        return re.sub(r"\n{3,}", "\n\n", joined).strip() + "\n"


def markdown_to_text(markdown: str) -> str:
    """Plain text for an email or a terminal: what the Markdown says, without its syntax."""
    extractor = _TextExtractor()
    extractor.feed(markdown_to_html(markdown))
    extractor.close()
    return extractor.text()

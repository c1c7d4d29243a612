"""Prose as a reader sees it: Markdown markup, links, quote styles and dates filtered out.

Two levels of folding:

* :func:`readable` keeps what a reader reads (case, punctuation, sentence and line breaks) and
  drops what only the source shows: link targets, bare URLs, emphasis and heading markup, list
  markers, table pipes, Markdown escapes, typographic quotes, non-breaking and zero-width spaces.
  It is what findings quote and what the word diff shows.
* :func:`normalise` folds further for comparison: case, British/American spelling, punctuation,
  and dates ("Last updated: April 20, 2026" and "20 April 2026" are the same text).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

_CHARACTERS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\ufffd": None,  # the replacement character left by a bad scrape
    }
)

_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$", re.M)
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^>\s]+>")
_BARE_URL = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<\"'])")
_CODE_SPAN = re.compile(r"`([^`]*)`")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+|\s+#+\s*$", re.M)
_SETEXT_OR_RULE = re.compile(r"^\s*(?:[=]{2,}|[-]{3,}|(?:[-*_]\s*){3,})\s*$", re.M)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$", re.M)
_LIST_MARKER = re.compile(
    r"^\s*(?:[*+\-\u2022\u25cf\u25aa]|\d{1,3}[.)]|[a-z][.)]|\(?[ivx]{1,4}\))\s+", re.M
)
_QUOTE_MARKER = re.compile(r"^\s*>\s?", re.M)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)
_EMPHASIS_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRAY_STRONG = re.compile(r"\*\*+")
_STRIKE = re.compile(r"~~(.+?)~~")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


_BLOCK_START = re.compile(
    r"^\s*(?:#{1,6}\s|[*+\-\u2022\u25cf\u25aa]\s|\d{1,3}[.)]\s|>|\||```|~~~|[=\-]{3,}\s*$|"
    r"\[[^\]]+\]:\s)"
)


def join_soft_breaks(text: str) -> str:
    """Lines of one Markdown paragraph joined: a single newline inside a paragraph is a space.

    A line ending in two spaces or a backslash is a hard break; blank lines, headings, list
    items, quotes, table rows and fences start blocks of their own.
    """
    lines = text.split("\n")
    joined: list[str] = []
    for line in lines:
        if (
            joined
            and line.strip()
            and joined[-1].strip()
            and not _BLOCK_START.match(line)
            and not joined[-1].endswith(("  ", "\\"))
            and not re.match(r"^\s*(?:#{1,6}\s|\|)", joined[-1])
        ):
            joined[-1] = joined[-1].rstrip() + " " + line.strip()
        else:
            joined.append(line)
    return "\n".join(joined)


# Characters a reader does not see: removed from what findings quote (nothing else is altered).
_INVISIBLE = str.maketrans(dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff")))


def fold_characters(text: str) -> str:
    """NFKC form, typographic quotes and dashes as ASCII, invisible characters removed."""
    return unicodedata.normalize("NFKC", text.translate(_CHARACTERS)).translate(_CHARACTERS)


_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.I)
# A protected address as captured from a page ("[email protected]" linking to a script that
# decodes it): the page shows an address, not these words.
_PROTECTED_EMAIL = re.compile(
    r"\[\s*\[?email(?:&#160;|\s|\u00a0)*protected\]?\s*\]\([^)]*\)|\[email(?:&#160;|\s|"
    r"\u00a0)*protected\]",
    re.I,
)


def _decaptured(text: str) -> str:
    """Capture noise undone: HTML entities decoded, protected e-mail addresses as one token."""
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    if "protected" in text:
        text = _PROTECTED_EMAIL.sub("an e-mail address", text)
    return text


def readable(text: str | None, *, keep_urls: bool = False) -> str:
    """The text as a reader reads it: markup, link targets and noise characters removed.

    Paragraphs and list items stay on their own lines (sentence boundaries need them); spaces
    inside a line are collapsed. ``keep_urls`` keeps bare URLs (and link targets that are URLs
    shown as text), which name-finding uses ("Akamai (https://www.akamai.com/)").
    """
    if not text:
        return ""
    return _readable(text, keep_urls)


@lru_cache(maxsize=1 << 15)
def _readable(text: str, keep_urls: bool) -> str:
    text = join_soft_breaks(
        _decaptured(text).translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")
    )
    codes: list[str] = []

    def protect(match: re.Match[str]) -> str:
        codes.append(match.group(1))
        return f"\x00{len(codes) - 1}\x00"

    text = _CODE_SPAN.sub(protect, text)
    text = _HTML_TAG.sub(" ", text)
    text = _REFERENCE_DEFINITION.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(" ", text)
    if not keep_urls:
        text = _BARE_URL.sub(" ", text)
        text = re.sub(r"\(\s*\)", " ", text)
    text = _TABLE_RULE.sub("", text)
    text = _SETEXT_OR_RULE.sub("", text)
    text = _HEADING.sub("", text)
    text = _QUOTE_MARKER.sub("", text)
    text = _LIST_MARKER.sub("", text)
    text = _STRIKE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***bold italic***
        text = _STRONG.sub(r"\2", text)
    text = _STRAY_STRONG.sub("", text)
    text = _EMPHASIS_STAR.sub(r"\1", text)
    text = _EMPHASIS_UNDERSCORE.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    text = text.replace("|", " ")
    text = re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], text).replace("`", "'")
    text = text.replace("\\\n", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _BLANK_LINES.sub("\n", text).strip()


def flat(text: str | None) -> str:
    """:func:`readable` on one line: what a finding quotes."""
    return " ".join(readable(text).split())


# --- dates --------------------------------------------------------------------------------------

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    rf"\b(?:{_MONTHS})\.?\s+{_DAY},?\s+(?:19|20)\d\d\b",  # April 20, 2026
    rf"\b{_DAY}\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+(?:19|20)\d\d\b",  # 20 April 2026
    r"\b(?:19|20)\d\d-[01]?\d-[0-3]?\d\b",  # 2026-04-20
    r"\b[0-3]?\d[/.][01]?\d[/.](?:19|20)?\d\d\b",  # 20/04/2026, 04.20.26
    rf"\b(?:{_MONTHS})\.?,?\s+(?:19|20)\d\d\b",  # April 2026
)
_DATE = re.compile("|".join(f"(?:{pattern})" for pattern in _DATE_PATTERNS), re.I)
DATE_TOKEN = "<date>"
_DATED_LINE = re.compile(
    r"(?:last\s+(?:updated|modified|revised|reviewed|changed)|effective(?:\s+date)?|"
    r"date\s+of\s+(?:last\s+)?(?:update|revision)|updated|revised|version\s+date|"
    r"valid\s+from|in\s+effect\s+(?:from|as\s+of))\s*(?:on|as\s+of|from)?\s*:?\s*<date>\.?",
    re.I,
)


def mask_dates(text: str) -> str:
    """Every calendar date as ``<date>``, and "Last updated: <date>" phrases removed."""
    if not _DATE_HINT.search(text):
        return text  # every date has a year or a day and month written with digits
    return _DATED_LINE.sub(" ", _DATE.sub(DATE_TOKEN, text))


_DATE_HINT = re.compile(r"(?:19|20)\d\d|\d[/.]\d")


# --- tokens for comparison ----------------------------------------------------------------------

_WORD = re.compile(r"<date>|[\w%]+(?:['.\-][\w%]+)*\*?")
_BRITISH = (
    (
        re.compile(
            r"^(organ|recogn|personal|optim|minim|maxim|custom|priorit|author|standard|categor|"
            r"summar|util|real|final|memor|apolog|special|monet|anonym|pseudonym|synchron|"
            r"central|local|visual|familiar|initial|normal|character|item|critic|modern|mobil|"
            r"capital|legal|equal|harmon|digital|token|random|serial|sanit|stabil|emphas|"
            r"individual|general|commercial|global|neutral|person|agon|jeopard|fertil|"
            r"computer|vandal|victim|custom|hospital|industrial|material|operational|"
            r"rational|sensit|subsid|synthes|theor|util|weaponi|american|europe|western|"
            r"contextual|conceptual|tailor)is(e|ed|es|ing|ation|ations|er|ers)$"
        ),
        r"\1iz\2",
    ),
    (re.compile(r"(?<=\w{2})ys(e|ed|es|ing)$"), r"yz\1"),
    (
        re.compile(r"^(behavi|col|fav|hon|lab|neighb|rum|harb|endeav)our(s|ed|ing|al|ite|ites)?$"),
        r"\1or\2",
    ),
    (re.compile(r"^(cent|theat|met|fib)re(s|d)?$"), r"\1er\2"),
    (re.compile(r"^(cancel|label|model|travel|signal)led$"), r"\1ed"),
    (re.compile(r"^(cancel|label|model|travel|signal)ling$"), r"\1ing"),
    (re.compile(r"^licence(s)?$"), r"license\1"),
    (re.compile(r"^(catalog|dialog)ue(s)?$"), r"\1\2"),
)
_HYPHENATED_PREFIX = re.compile(r"^(e|re|co|pre|non|opt|sign|log|third|first|cross|on|off|in)-(\w)")


@lru_cache(maxsize=1 << 16)
def canonical_word(word: str) -> str:
    """One spelling per word: American forms, hyphenated prefixes joined ("e-mail" = "email")."""
    word = word.casefold()
    if word.endswith("'s"):
        word = word[:-2]
    word = _HYPHENATED_PREFIX.sub(r"\1\2", word)
    for pattern, replacement in _BRITISH:
        word = pattern.sub(replacement, word)
    return word


def words(text: str) -> list[str]:
    """Comparison tokens of already readable text: characters, dates, case and spelling
    folded."""
    return list(_words(text))


@lru_cache(maxsize=1 << 15)
def _words(text: str) -> tuple[str, ...]:
    return tuple(canonical_word(word) for word in _WORD.findall(mask_dates(fold_characters(text))))


def normalise(text: str | None) -> str:
    """The text folded for comparison: two texts that differ only in noise normalise equal."""
    return " ".join(_words(readable(text)))


def same_meaning_text(old: str | None, new: str | None) -> bool:
    """True when the texts differ only in noise (formatting, links, quotes, case, dates)."""
    return normalise(old) == normalise(new)


# --- sentences ----------------------------------------------------------------------------------

_ABBREVIATIONS = re.compile(
    r"\b(?:e\.g|i\.e|etc|inc|ltd|llc|co|corp|no|vs|approx|incl|esp|cf|dr|mr|mrs|ms|st|u\.s|"
    r"[A-Z])\.\s*$",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9<])")


def sentences(text: str | None) -> list[str]:
    """Sentences of a text, list items and table rows each their own (on readable text)."""
    return split_sentences(readable(text))


def split_sentences(text: str) -> list[str]:
    """Sentences of text already plain (no Markdown), each line on its own: the one sentence
    splitter, for the reader and the prose comparison alike."""
    result: list[str] = []
    for line in text.split("\n"):
        start = 0
        for match in _SENTENCE_END.finditer(line):
            candidate = line[start : match.start()]
            if _ABBREVIATIONS.search(candidate):
                continue
            if candidate.strip():
                result.append(candidate.strip())
            start = match.end()
        tail = line[start:].strip()
        if tail:
            result.append(tail)
    return result


# --- word diff ----------------------------------------------------------------------------------

SegmentKind = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    text: str


_TOKEN = re.compile(r"\s+|[\w%]+(?:['.\-][\w%]+)*|[^\w\s]")


@lru_cache(maxsize=1 << 16)
def _token_key(token: str) -> str:
    if token.isspace():
        return " "
    return canonical_word(fold_characters(token))


def word_diff(old: str | None, new: str | None) -> list[Segment]:
    """A word-level diff of the readable texts: equal, delete and insert segments, in order.

    Tokens compare case- and spelling-folded, so "Cookies"/"cookies" is equal (shown as new).
    """
    old_tokens = _TOKEN.findall(flat(old))
    new_tokens = _TOKEN.findall(flat(new))
    matcher = SequenceMatcher(
        None,
        [_token_key(t) for t in old_tokens],
        [_token_key(t) for t in new_tokens],
        autojunk=False,
    )
    segments: list[Segment] = []

    def emit(kind: SegmentKind, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1] = Segment(kind, segments[-1].text + text)
        else:
            segments.append(Segment(kind, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            emit("equal", new_tokens[j1:j2])
            continue
        old_part, new_part = old_tokens[i1:i2], new_tokens[j1:j2]
        if tag in ("delete", "replace") and "".join(old_part).strip():
            emit("delete", old_part)
        elif tag in ("delete", "replace"):
            emit("equal", old_part)
        if tag in ("insert", "replace") and "".join(new_part).strip():
            emit("insert", new_part)
        elif tag in ("insert", "replace") and tag == "insert":
            emit("equal", new_part)
    return segments


def compact_diff(segments: list[Segment]) -> str:
    """The changed words in plain language: ``removed “signed”, added “logged”``, each run of
    changes once, whole (the findings' before and after hold the full texts)."""
    parts: list[str] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        said = []
        if removed:
            said.append(f"removed \u201c{' '.join(' '.join(removed).split())}\u201d")
        if added:
            said.append(f"added \u201c{' '.join(' '.join(added).split())}\u201d")
        if said:
            parts.append(", ".join(said))
        removed.clear()
        added.clear()

    for segment in segments:
        if segment.kind == "delete":
            removed.append(segment.text)
        elif segment.kind == "insert":
            added.append(segment.text)
        elif segment.text.strip():
            flush()
    flush()
    return "; ".join(parts)

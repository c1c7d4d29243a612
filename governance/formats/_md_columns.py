"""What each column of a declaration table means, read as a lawyer reads it: from its header
*and* from what its cells hold.

Headers vary ("Third party", "Partner", "SDK", "Name", "Controller") or are missing, and the same
word means different things ("Name" over cookie names or over company names). Cells say what they
are: host names, durations, links to privacy pages, category words, technical identifiers
(``_ga``, ``sid``), short capitalised names of companies, or sentences. Header meaning is kept
unless the cells contradict it; a column without a readable header gets the meaning of its cells.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from governance.formats import _md_facts as facts

BREAK = re.compile(r"\s*<br\s*/?>\s*", re.I)
_HOST = re.compile(r"^\.?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\.?$", re.I)
_URL = re.compile(
    r"https?://|www\.|\bclick here\b|\blearn more\b|\bprivacy (?:policy|notice)\b", re.I
)
_TECHNICAL = re.compile(r"^[A-Za-z0-9_.$*\-]{1,64}$")
_PARTY = re.compile(r"^\s*(?:1st|3rd|first|third)[- ]?party\b", re.I)
_SENTENCE_END = re.compile(r"[.!?:]\s*$")


_CATEGORY_WORDS = frozenset(
    [
        "strictly",
        "necessary",
        "essential",
        "essentials",
        "functional",
        "functionality",
        "preference",
        "preferences",
        "performance",
        "analytics",
        "analytical",
        "statistics",
        "statistical",
        "statistic",
        "advertising",
        "marketing",
        "targeting",
        "social",
        "media",
        "security",
        "cookies",
        "cookie",
        "and",
        "or",
        "required",
        "personalisation",
        "personalization",
        "measurement",
        "ads",
        "ad",
        "tracking",
        "technical",
        "technically",
        "other",
        "unclassified",
        "strict",
        "necessity",
        "audience",
        "measure",
        "operational",
        "experience",
        "site",
    ]
)


def parts(cell: str) -> list[str]:
    """The entries of one cell: split at ``<br>``, stripped, empty ones dropped."""
    return [part.strip(" ,;") for part in BREAK.split(cell) if part.strip(" ,;")]


def clean(cell: str) -> str:
    return " ".join(" ".join(parts(cell)).split())


def is_technical(value: str) -> bool:
    """A name the browser sees: ``_ga``, ``sid``, ``__Host-3PLSID``, ``mp_*_mixpanel``."""
    value = value.strip().strip("`")
    if not _TECHNICAL.match(value) or _HOST.match(value):
        return False
    if re.fullmatch(r"[A-Z][A-Za-z]+\*+", value):
        return False  # "Realytics*": a name with a footnote mark
    if value[:1] in "_$" or any(c in value for c in "_*") or any(c.isdigit() for c in value):
        return True
    # a single lower-case or camelCase word ("sid", "euconsent", "cookiePreferences")
    return value[:1].islower() or (value.isupper() and len(value) <= 12)


def is_org_like(value: str) -> bool:
    """A short capitalised name, as a company or product is written ("Acme Ad Exchange")."""
    value = value.strip()
    words = value.split()
    if not words or len(words) > 6 or len(value) > 60 or _SENTENCE_END.search(value):
        return False
    if is_technical(value) and not value[:1].isupper():
        return False
    if _HOST.match(value) or "://" in value:
        return False
    capitals = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return words[0][:1].isupper() and capitals * 2 >= len(words)


def cell_kind(cell: str) -> str | None:
    """What one cell holds: host, duration, link, party, category, technical, org, text."""
    value = clean(cell)
    if not value:
        return None
    if all(_HOST.match(part) for part in parts(cell)):
        return "domain"
    if _URL.search(value) and len(value.split()) <= 12:
        return "link"
    if _PARTY.match(value):
        return "party"
    if len(value.split()) <= 5 and facts.normalise_retention(value) is not None:
        return "retention"
    words = re.findall(r"[a-zà-ÿ]+", value.casefold())
    if words and set(words) <= _CATEGORY_WORDS and facts.category_from_value(value) is not None:
        return "category"
    entries = [part for chunk in parts(cell) for part in re.split(r"\s*,\s*", chunk) if part]
    if entries and all(e.isupper() and e.isalpha() and len(e) <= 8 for e in entries):
        return None  # "NID" or "IBM": a cookie or a company, the rest of the column decides
    if entries and all(is_technical(entry) for entry in entries):
        return "technical"
    if entries and all(is_org_like(entry) for entry in entries):
        return "org"
    return "text"


_KIND_MEANING = {
    "domain": "domain",
    "link": "privacy_policy",
    "party": "party",
    "retention": "retention",
    "category": "category",
    "technical": "name",
    "org": "provider",
    "text": "purpose",
}


SAMPLE = 60  # cells looked at per column: a column's kind shows in a few dozen of them


def column_kind(cells: Sequence[str]) -> str | None:
    """The kind most cells of a column hold (two thirds of the filled ones), or None."""
    if len(cells) > SAMPLE:
        step = len(cells) / SAMPLE
        cells = [cells[int(index * step)] for index in range(SAMPLE)]
    kinds = Counter(kind for cell in cells if (kind := cell_kind(cell)) is not None)
    if not kinds:
        return None
    kind, count = kinds.most_common(1)[0]
    return kind if count * 3 >= 2 * sum(kinds.values()) else None


_COMPANY_WORDS = re.compile(r"compan|vendor|partner|third|controller|organi[sz]", re.I)


def reconcile(header: str | None, kind: str | None, label: str = "") -> str | None:
    """A column's meaning from its header's and its cells' (the cells win where they must)."""
    strong = bool(_COMPANY_WORDS.search(label))
    if kind is None:
        return header
    from_cells = _KIND_MEANING[kind]
    if header is None:
        return from_cells
    if header == "name" and kind == "org":
        return "provider"  # "Name" / "Service" over company names
    if header == "provider" and kind == "technical" and not strong:
        return "name"  # "Service" / "Provider" over cookie names
    if header == "purpose" and kind in ("domain", "retention"):
        return from_cells
    if header == "name" and kind in ("domain", "retention", "link"):
        return from_cells
    return header

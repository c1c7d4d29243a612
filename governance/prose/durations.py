"""The one reader of durations ("13 months", "1,5 years", "two weeks", "session", "1-30 days").

Every part of govern that needs a retention reads it here: the model's validation of a stated
retention, the Markdown reader's cells and sentences, and the prose comparison. A decimal comma
is a decimal ("1,5 years" is a year and a half); a comma followed by three digits groups
thousands ("1,000 days"). A range counts by its upper end ("1 to 30 days": 30 days), which is
what a user must expect.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "eighteen": 18, "twenty": 20,
    "twenty-four": 24, "twenty-five": 25, "thirty": 30, "sixty": 60, "ninety": 90,
}  # fmt: skip
UNIT_DAYS = {
    "second": 1 / 86400,
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 30.4375,
    "year": 365.25,
}
_UNIT_WORDS = {
    "second": "second", "seconds": "second", "sec": "second", "secs": "second", "s": "second",
    "minute": "minute", "minutes": "minute", "min": "minute", "mins": "minute",
    "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "h": "hour",
    "day": "day", "days": "day", "d": "day",
    "week": "week", "weeks": "week", "wk": "week", "wks": "week",
    "month": "month", "months": "month", "mo": "month", "mos": "month", "mth": "month",
    "mths": "month",
    "year": "year", "years": "year", "yr": "year", "yrs": "year", "y": "year",
    # French pages
    "jour": "day", "jours": "day", "semaine": "week", "semaines": "week", "mois": "month",
    "an": "year", "ans": "year", "année": "year", "années": "year", "heure": "hour",
    "heures": "hour", "minute(s)": "minute",
}  # fmt: skip
_NUMBER = r"\d+(?:,\d{3})*(?:[.,]\d+)?"
_WORDS = "|".join(sorted((w for w in NUMBER_WORDS if len(w) > 2), key=len, reverse=True))
DURATION = re.compile(
    rf"(?<![\w.,])(?P<n>{_NUMBER}|{_WORDS}|an?)"
    rf"(?:\s*(?:-|–|to|à)\s*(?P<m>{_NUMBER}))?\s*[- ]?\s*"
    r"(?P<unit>" + "|".join(sorted(map(re.escape, _UNIT_WORDS), key=len, reverse=True)) + r")"
    r"(?![\w])",
    re.I,
)
SESSION = re.compile(
    r"^\s*(?:browser\s+)?session(?:\s+only|\s+cookie)?\s*$|until (?:you|the user) close|"
    r"when (?:you|the user) close|end of (?:the|your|each) (?:browsing )?session|"
    r"browser (?:is )?closed?|deleted (?:automatically )?(?:once|when) you close|"
    r"^\s*(?:session only|until the browser closes)\s*$",
    re.I,
)
PERSISTENT = re.compile(
    r"^\s*(?:persistent|permanent|until (?:cleared|deleted|you clear it))", re.I
)


@dataclass(frozen=True)
class Duration:
    number: float
    unit: str  # "day", "month", … ; "session" and "persistent" have number 0 and inf

    @property
    def days(self) -> float:
        if self.unit == "session":
            return 0.0
        if self.unit == "persistent":
            return math.inf
        return self.number * UNIT_DAYS[self.unit]

    def text(self) -> str:
        """As the model writes it: "session", "persistent", "13 months", "1.5 years"."""
        if self.unit in ("session", "persistent"):
            return self.unit
        number = f"{self.number:g}"
        return f"{number} {self.unit}" + ("" if self.number == 1 else "s")


def number(raw: str) -> float | None:
    """ "1,5" → 1.5; "1,000" → 1000; "two" → 2; None for what is not a number."""
    raw = raw.strip().casefold()
    if raw in NUMBER_WORDS:
        return float(NUMBER_WORDS[raw])
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        raw = raw.replace(",", "")
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def durations(text: str) -> list[Duration]:
    """Every duration written in a text, in order (a range by its upper end)."""
    found: list[Duration] = []
    for match in DURATION.finditer(text):
        value = number(match["m"] or match["n"])
        unit = _UNIT_WORDS.get(match["unit"].casefold())
        if value is None or unit is None:
            continue
        found.append(Duration(value, unit))
    return found


@lru_cache(maxsize=1 << 14)
def parse(text: str | None) -> Duration | None:
    """The duration a cell or value states: the first one written, else session/persistent."""
    if not text:
        return None
    cleaned = " ".join(text.replace("\u00a0", " ").split())
    if not cleaned:
        return None
    found = durations(cleaned)
    if found:
        return found[0]
    if SESSION.search(cleaned):
        return Duration(0.0, "session")
    if PERSISTENT.search(cleaned):
        return Duration(math.inf, "persistent")
    return None


@lru_cache(maxsize=1 << 14)
def exact(text: str) -> Duration | None:
    """A value that is a duration and nothing else ("13 months", "session", "persistent")."""
    value = " ".join(text.strip().casefold().split())
    if value in ("session", "session only", "until the browser closes"):
        return Duration(0.0, "session")
    if value in ("persistent", "permanent", "until cleared", "until you clear it"):
        return Duration(math.inf, "persistent")
    match = DURATION.fullmatch(value)
    if match is None or match["m"]:
        return None
    return parse(value)

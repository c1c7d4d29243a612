"""Comparing the claims of two versions of a text: what changed in meaning, not in wording.

A change of wording that keeps every claim (the same parties, purposes, scopes, data, retention,
consent defaults, controls and promises) yields nothing here; the caller reports it as editorial.
Additions are judged against the *whole* old document (a name already mentioned anywhere is not
new), removals against the whole new document (a promise moved to another section is kept), so
reordering sentences or moving them between sections changes nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from governance.prose.claims import (
    Promise,
    SentenceClaims,
    clean_name,
    extract_claims,
    name_key,
    plausible_name,
    similarity,
)
from governance.prose.lexicon import (
    COLLECT_VERB,
    EXCEPTION,
    HEDGE,
    LABELS,
    PURPOSE_FAMILY,
    TRANSFER_MECHANISM,
)
from governance.prose.pairing import pair_best
from governance.prose.text import canonical_word, normalise

# Every rule id a prose change may name; each must be registered (a test checks it).
RULE_IDS = frozenset(
    {
        "third-party-added",
        "sharing-expanded",
        "purpose-added",
        "scope-widened",
        "data-category-added",
        "transfer-added",
        "retention-extended",
        "retention-shortened",
        "consent-weakened",
        "commitment-removed",
        "data-leaves-device",
        "recipient-removed",
        "contact-changed",
    }
)

SAME_PROMISE = 0.5  # signature similarity at which two clauses state the same promise
NEGATED_PROMISE = 0.6  # ... and at which a positive clause reverses it
ALIGN = 0.5  # sentence pairing for retention and consent comparisons


def exceptions_in(norm: str) -> frozenset[str]:
    """The words of the exceptions a sentence makes ("except to our partners"), and the hedges
    that narrow what it says ("not shared with *most* advertising networks")."""
    found: set[str] = set()
    for match in EXCEPTION.finditer(norm):
        found.update(norm[match.end() :].split()[:_EXCEPTION_WORDS])
    found.update(f"~{match.group(0)}" for match in HEDGE.finditer(norm))
    return frozenset(found)


_FOREVER = re.compile(r"indefinitely|permanently|forever|no expir|never expire")
_EXCEPTION_WORDS = 6  # words after "except" that say what the exception covers


@dataclass(frozen=True)
class Unit:
    """One piece of prose: a section body, the summary, a purpose text.

    ``scan`` units are the ones whose text changed: findings come from them. The others are
    context: what the document said all along (so a name already mentioned is not new).
    """

    path: str
    text: str
    title: str = ""
    scan: bool = True
    claims: bool = True  # False: only names count (an item's name), not what the text claims


@dataclass(frozen=True)
class CatalogMatch:
    """What the known-cookie catalogue says about a cookie name found in prose."""

    platform: str
    controller: str
    source: str


@dataclass
class Covered:
    """Changes the structured detectors already report, so prose does not report them twice."""

    parties: set[str] = field(default_factory=set)  # name keys
    promises: list[frozenset[str]] = field(default_factory=list)  # signatures
    controls: set[str] = field(default_factory=set)  # control concepts
    retention_days: set[float] = field(default_factory=set)
    consent: bool = False
    device: bool = False


@dataclass(frozen=True)
class ProseChange:
    rule: str
    kind: str
    subject: str
    message: str
    path: str
    before: str | None
    after: str | None
    level: str | None = None  # a level other than the rule's default ("minor")

    @property
    def fingerprint_key(self) -> tuple[str, str, str | None, str | None]:
        return (self.rule, self.path, self.before, self.after)


Lookup = Callable[[str], CatalogMatch | None]


class Mentions:
    """Texts that only name things (items, recipients...), normalised once, on first use, and
    shared by every comparison of one diff."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._texts = list(texts)

    @cached_property
    def text(self) -> str:
        return " ".join(normalise(text) for text in self._texts)


def compare_prose(
    old: str | None,
    new: str | None,
    *,
    vendors: Iterable[str] = (),
    owners: Iterable[str] = (),
    lookup: Lookup | None = None,
) -> list[ProseChange]:
    """The changes in meaning between two versions of one text (empty: editorial at most)."""
    return compare_documents(
        [Unit("text", old or "")],
        [Unit("text", new or "")],
        vendors=vendors,
        owners=owners,
        lookup=lookup,
    )


def compare_documents(
    old_units: Sequence[Unit],
    new_units: Sequence[Unit],
    *,
    vendors: Iterable[str] = (),
    owners: Iterable[str] = (),
    lookup: Lookup | None = None,
    covered: Covered | None = None,
    old_mentions: Mentions | None = None,
    new_mentions: Mentions | None = None,
) -> list[ProseChange]:
    """The changes in meaning between two versions of a document made of several units.

    ``old_mentions``/``new_mentions`` add what each version names outside its prose.
    """
    vendor_names = tuple(vendors)
    comparison = _Comparison(
        old=_claims_of(old_units, vendor_names),
        new=_claims_of(new_units, vendor_names),
        old_names=[
            Mentions(unit.text for unit in old_units if not unit.claims),
            *([old_mentions] if old_mentions else []),
        ],
        new_names=[
            Mentions(unit.text for unit in new_units if not unit.claims),
            *([new_mentions] if new_mentions else []),
        ],
        titles={unit.path: unit.title for unit in (*old_units, *new_units)},
        owners=[name_key(owner) for owner in owners if owner.strip()],
        lookup=lookup,
        covered=covered or Covered(),
    )
    return comparison.run()


def _claims_of(
    units: Sequence[Unit], vendors: tuple[str, ...]
) -> list[tuple[bool, SentenceClaims]]:
    result: list[tuple[bool, SentenceClaims]] = []
    start = 0
    for unit in units:
        if not unit.claims:
            continue
        claims = extract_claims(unit.text, unit=unit.path, vendors=vendors, start=start)
        start += len(claims)
        result.extend((unit.scan, claim) for claim in claims)
    return result


def _mention_text(claims: Iterable[SentenceClaims], names: Iterable[Mentions]) -> str:
    return " " + " ".join([*(c.norm for c in claims), *(n.text for n in names)]) + " "


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MENU_PART = r"[A-Z][\w'&-]*(?: [\w'&-]+){0,3}"
_MENU_PATH = re.compile(rf"{_MENU_PART}(?:\s*[>→›]\s*{_MENU_PART})+")
_MEANS = {
    "an in-product setting": re.compile(
        r"\b(?:settings?|toggles?|switch|dashboard|account|"
        r"preferences)\b",
        re.I,
    ),
    "the browser": re.compile(r"\bbrowser", re.I),
    "a request by email": re.compile(r"\b(?:e-?mail|write to us|contact us)\b", re.I),
    "a link or form": re.compile(r"\b(?:link|form|page|click|banner|tool)\b", re.I),
    "the device settings": re.compile(r"\b(?:device settings|ios|android)\b", re.I),
}


def _emails(text: str) -> set[str]:
    return {address.casefold().rstrip(".") for address in _EMAIL.findall(text)}


def _menu_path(text: str) -> str:
    match = _MENU_PATH.search(text)
    return " > ".join(part.strip() for part in re.split(r"[>→›]", match.group(0))) if match else ""


def means_of(text: str) -> set[str]:
    """How a control is used: "an in-product setting", "the browser", "a link or form"…"""
    return _means(text)


def _means(text: str) -> set[str]:
    return {means for means, pattern in _MEANS.items() if pattern.search(text)}


SENSITIVE_PURPOSES = frozenset(
    {
        "advertising",
        "targeted advertising",
        "marketing",
        "profiling",
        "AI training",
        "sale of data",
        "cross-device tracking",
    }
)


def _families(purposes: Iterable[str]) -> set[str]:
    return {PURPOSE_FAMILY.get(purpose, purpose) for purpose in purposes}


def _party_purposes(
    claims: Iterable[SentenceClaims], titles: dict[str, str]
) -> dict[str, set[str]]:
    """What each named organisation was said to get data for (by name key and first word),
    from sentences naming it or in an entry named after it ("Bing Pixel": "for ad conversions")."""
    uses: dict[str, set[str]] = {}
    for claim in claims:
        title = titles.get(claim.unit, "")
        named = set(claim.parties) | ({title} if title and title[:1].isupper() else set())
        for party in named:
            key = name_key(party)
            for name in {key, key.split(" ")[0]}:
                uses.setdefault(name, set()).update(claim.purposes)
    return uses


def _quote(text: str) -> str:
    """The page's words in quotes, whole: a message is evidence and is never cut."""
    return f"\u201c{' '.join(text.split())}\u201d"


def _join(values: Iterable[str]) -> str:
    listed = list(dict.fromkeys(values))
    if len(listed) <= 1:
        return "".join(listed)
    return ", ".join(listed[:-1]) + " and " + listed[-1]


def _duration_words(days: float) -> str:
    if days == 0:
        return "the session"
    if math.isinf(days):
        return "persistently"
    for unit, size in (("year", 365.25), ("month", 30.4375), ("week", 7.0), ("day", 1.0)):
        count = days / size
        if count >= 1 and abs(count - round(count)) < 0.05:
            number = round(count)
            return f"{number} {unit}{'s' if number != 1 else ''}"
    if days >= 1:
        return f"{days:.0f} days"
    hours = days * 24
    return f"{hours:.0f} hours" if hours >= 1 else f"{hours * 60:.0f} minutes"


class _Comparison:
    def __init__(
        self,
        *,
        old: list[tuple[bool, SentenceClaims]],
        new: list[tuple[bool, SentenceClaims]],
        old_names: list[Mentions],
        new_names: list[Mentions],
        titles: dict[str, str],
        owners: list[str],
        lookup: Lookup | None,
        covered: Covered,
    ) -> None:
        self.old_all = [claim for _, claim in old]
        self.new_all = [claim for _, claim in new]
        old_norms = {claim.norm for claim in self.old_all}
        new_norms = {claim.norm for claim in self.new_all}
        self.old_changed = [c for scan, c in old if scan and c.norm not in new_norms]
        self.new_changed = [c for scan, c in new if scan and c.norm not in old_norms]
        self._old_names = old_names
        self._new_names = new_names
        self.titles = titles
        self.owners = owners
        self.lookup = lookup
        self.covered = covered
        self.changes: list[ProseChange] = []
        self.structured_sentences: set[str] = set()  # sentences naming a structured newcomer
        self.pairs = self._align()

    # --- helpers --------------------------------------------------------------------------

    @cached_property
    def old_text(self) -> str:
        """Everything the old version says, normalised: to tell whether a name is new.
        Built on first use: most changes name no organisation."""
        return _mention_text(self.old_all, self._old_names)

    @cached_property
    def new_text(self) -> str:
        return _mention_text(self.new_all, self._new_names)

    def where(self, path: str) -> str:
        title = self.titles.get(path)
        if path == "summary":
            return "the summary"
        if title:
            return f"\u201c{title}\u201d"
        return "the text"

    def add(
        self,
        rule: str,
        kind: str,
        subject: str,
        message: str,
        path: str,
        before: str | None,
        after: str | None,
        level: str | None = None,
    ) -> None:
        self.changes.append(ProseChange(rule, kind, subject, message, path, before, after, level))

    def mentioned(self, name: str, text: str) -> bool:
        key = name_key(name)
        return bool(key) and f" {key} " in text

    @cached_property
    def _old_parties(self) -> set[str]:
        return {party for claim in self.old_all for party in claim.parties}

    def gone_parties(self, text: str) -> list[str]:
        """Organisations the old version named, that ``text`` names and the new one does not."""
        said = f" {normalise(text)} "
        return sorted(
            party
            for party in self._old_parties
            if not self.is_owner(party)
            and (key := name_key(party))
            and f" {key} " in said
            and not self.mentioned(party, self.new_text)
        )

    def is_owner(self, name: str) -> bool:
        key = name_key(name)
        first = key.split(" ", 1)[0] if key else ""
        return any(
            key == owner or first == owner.split(" ", 1)[0] or f" {owner} " in f" {key} "
            for owner in self.owners
        )

    def _align(self) -> dict[int, SentenceClaims]:
        """New sentences paired with the old sentence they rewrite (by content words)."""
        old, new = self.old_changed, self.new_changed
        found = pair_best(
            [claim.key for claim in old],
            [claim.key for claim in new],
            lambda o, n: similarity(new[n].key, old[o].key),
            ALIGN,
            old_groups=[claim.unit for claim in old],
            new_groups=[claim.unit for claim in new],
        )
        return {new_position: old[old_position] for old_position, new_position, _ in found}

    def paired(self) -> Iterable[tuple[SentenceClaims, SentenceClaims]]:
        for position, new in enumerate(self.new_changed):
            old = self.pairs.get(position)
            if old is not None:
                yield old, new

    def before_of(self, position: int) -> str | None:
        old = self.pairs.get(position)
        return old.text if old is not None else None

    # --- the comparison -------------------------------------------------------------------

    def run(self) -> list[ProseChange]:
        self.parties()
        self.promises()
        self.sharing_and_purposes()
        self.enumerated_data()
        self.retention()
        self.consent()
        self.controls()
        self.control_paths()
        self.contacts()
        self.device()
        return self._folded()

    def _headed_parties(self) -> list[tuple[int, str]]:
        """(position, name) of new sections headed by an organisation's name whose text names
        it again and speaks of data ("### Zentrack" then "Zentrack measures our visits…")."""
        found: list[tuple[int, str]] = []
        bodies: dict[str, list[SentenceClaims]] = {}
        for claim in self.new_all:
            bodies.setdefault(claim.unit, []).append(claim)
        for position, claim in enumerate(self.new_changed):
            if not claim.unit.endswith("/title"):
                continue
            name = clean_name(claim.text)
            words = name.split()
            if not (1 <= len(words) <= 4) or not plausible_name(name):
                continue
            if not all(w[:1].isupper() or w[:1].isdigit() or w in ("&", "of") for w in words):
                continue
            body = bodies.get(claim.unit[: -len("/title")], [])
            key = name_key(name)
            if any(f" {key} " in f" {c.norm} " and _DATA_WORDS.search(c.norm) for c in body):
                found.append((position, name))
        return found

    def parties(self) -> None:
        reported: set[str] = set()
        for position, name in self._headed_parties():
            claim = self.new_changed[position]
            key = name_key(name)
            if (
                key in self.covered.parties
                or self.is_owner(name)
                or self.mentioned(name, self.old_text)
            ):
                continue
            reported.add(key)
            self.add(
                "third-party-added",
                "party",
                name,
                f"New third party {name}, in a section of its own (\u201c{claim.text}\u201d)",
                claim.unit,
                None,
                claim.text,
            )
        for position, claim in enumerate(self.new_changed):
            for name in claim.parties:
                key = name_key(name)
                if key in self.covered.parties and not self.mentioned(name, self.old_text):
                    # the structured recipient reports it; the sentence says nothing more
                    self.structured_sentences.add(claim.text)
                if (
                    not key
                    or key in reported
                    or key in self.covered.parties
                    or self.is_owner(name)
                    or self.mentioned(name, self.old_text)
                    or self.mentioned(name.split()[0], self.old_text)
                ):
                    continue
                reported.add(key)
                self.add(
                    "third-party-added",
                    "party",
                    name,
                    f"New third party {name} named in {self.where(claim.unit)}: "
                    f"{_quote(claim.text)}",
                    claim.unit,
                    self.before_of(position),
                    claim.text,
                )
            if self.lookup is None:
                continue
            for cookie in claim.cookie_names:
                match = self.lookup(cookie)
                if match is None or self.mentioned(cookie, self.old_text):
                    continue
                vendor = match.platform or match.controller
                key = name_key(vendor)
                if (
                    key in reported
                    or key in self.covered.parties
                    or self.is_owner(vendor)
                    or self.is_owner(match.controller)
                    or self.mentioned(vendor, self.old_text)
                    or self.mentioned(match.controller, self.old_text)
                ):
                    continue
                reported.add(key)
                self.add(
                    "third-party-added",
                    "party-by-cookie",
                    vendor,
                    f"{cookie} is set by {vendor} (controller {match.controller}) according to "
                    f"{match.source}; it is named in {self.where(claim.unit)}: "
                    f"{_quote(claim.text)}",
                    claim.unit,
                    self.before_of(position),
                    claim.text,
                )
        for claim in self.old_changed:
            for name in claim.parties:
                key = name_key(name)
                if (
                    key in reported
                    or self.is_owner(name)
                    or self.mentioned(name, self.new_text)
                    or self.mentioned(name.split()[0], self.new_text)
                ):
                    continue
                reported.add(key)
                self.add(
                    "recipient-removed",
                    "party-removed",
                    name,
                    f"{name} is no longer named (was in {self.where(claim.unit)}: "
                    f"{_quote(claim.text)})",
                    claim.unit,
                    claim.text,
                    None,
                )

    def _promise_state(
        self, promise: Promise, stated: SentenceClaims
    ) -> tuple[str, SentenceClaims | None]:
        """("kept" | "negated" | "narrowed" | "removed", the new sentence that changes it).

        ``stated`` is the old sentence of the promise: a restatement that adds an exception
        to it ("we never sell your data, except to our partners") narrows the promise.
        """
        if promise.kind == "announce":
            for claim in self.new_all:
                if any(p.kind == "announce" for p in claim.promises):
                    return "kept", None
            return "removed", None
        reversal = self._reversal(promise)
        if reversal is not None:
            return "negated", reversal
        allowed = exceptions_in(stated.norm)
        narrowing: SentenceClaims | None = None
        for claim in self.new_all:
            if promise.kind == "device":
                if claim.device_local and similarity(promise.signature, claim.key) >= 0.3:
                    if not exceptions_in(claim.norm) - allowed:
                        return "kept", None
                    narrowing = narrowing or claim
                continue
            for clause in claim.clauses:
                if (
                    clause.negated
                    and similarity(promise.signature, clause.signature) >= SAME_PROMISE
                ):
                    if not exceptions_in(claim.norm) - allowed:
                        return "kept", None
                    narrowing = narrowing or claim
        if narrowing is not None:
            return "narrowed", narrowing
        return "removed", None

    def _reversal(self, promise: Promise) -> SentenceClaims | None:
        """A changed new sentence that states the opposite of the promise, if any."""
        best: tuple[float, SentenceClaims | None] = (0.0, None)
        for claim in self.new_changed:
            if promise.kind == "device":
                if claim.device_remote and similarity(promise.signature, claim.key) >= 0.3:
                    return claim
                continue
            for clause in claim.clauses:
                if clause.negated:
                    continue
                score = similarity(promise.signature, clause.signature)
                if score >= NEGATED_PROMISE and score > best[0]:
                    best = (score, claim)
        return best[1]

    def promises(self) -> None:
        seen: set[str] = set()
        for claim in self.old_changed:
            for promise in claim.promises:
                if promise.text in seen:
                    continue
                seen.add(promise.text)
                if any(
                    similarity(promise.signature, sig) >= SAME_PROMISE
                    for sig in self.covered.promises
                ):
                    # the structured commitment reports the promise; what replaced it may
                    # still say more (data now leaves the device)
                    if promise.kind == "device" and not self.covered.device:
                        reversal = self._reversal(promise)
                        if reversal is not None:
                            self.add(
                                "data-leaves-device",
                                "device",
                                promise.text,
                                f"Data that stayed on the device now leaves it: "
                                f"{_quote(promise.text)} now reads {_quote(reversal.text)}",
                                reversal.unit,
                                claim.text,
                                reversal.text,
                            )
                    continue
                state, negating = self._promise_state(promise, claim)
                if state == "kept":
                    continue
                if state == "narrowed" and negating is not None:
                    self.add(
                        "commitment-removed",
                        "commitment-narrowed",
                        promise.text,
                        f"Promise narrowed by an exception in {self.where(negating.unit)}: "
                        f"{_quote(promise.text)} now reads {_quote(negating.text)}",
                        negating.unit,
                        claim.text,
                        negating.text,
                    )
                    continue
                if state == "negated" and negating is not None:
                    if promise.kind == "device":
                        if self.covered.device:
                            continue
                        self.add(
                            "data-leaves-device",
                            "device",
                            promise.text,
                            f"Data that stayed on the device now leaves it: "
                            f"{_quote(promise.text)} now reads {_quote(negating.text)}",
                            negating.unit,
                            claim.text,
                            negating.text,
                        )
                    else:
                        self.add(
                            "commitment-removed",
                            "commitment-negated",
                            promise.text,
                            f"Promise reversed in {self.where(negating.unit)}: "
                            f"{_quote(promise.text)} now reads {_quote(negating.text)}",
                            negating.unit,
                            claim.text,
                            negating.text,
                        )
                    continue
                gone = self.gone_parties(f"{claim.text} {self.titles.get(claim.unit, '')}")
                self.add(
                    "commitment-removed",
                    "commitment-removed",
                    promise.text,
                    f"Promise removed from {self.where(claim.unit)}: {_quote(promise.text)}"
                    + (f", together with {_join(gone)}, no longer named" if gone else ""),
                    claim.unit,
                    claim.text,
                    None,
                    "minor" if gone else None,
                )

    def sharing_and_purposes(self) -> None:
        old_sharing = set().union(*(c.sharing for c in self.old_all)) if self.old_all else set()
        old_purposes = set().union(*(c.purposes for c in self.old_all)) if self.old_all else set()
        old_scopes = set().union(*(c.scopes for c in self.old_all)) if self.old_all else set()
        old_data = set().union(*(c.data for c in self.old_all)) if self.old_all else set()
        old_places = set().union(*(c.destinations for c in self.old_all)) if self.old_all else set()
        reported: set[tuple[str, str]] = set()
        party_uses = _party_purposes(self.old_all, self.titles)
        for position, claim in enumerate(self.new_changed):
            before = self.before_of(position)
            where = self.where(claim.unit)
            for party in claim.parties:
                key = name_key(party)
                if not self.mentioned(party, self.old_text) or self.is_owner(party):
                    continue  # a new party is third-party-added
                known = _families(
                    party_uses.get(key, set()) | party_uses.get(key.split(" ")[0], set())
                )
                fresh_uses = sorted(
                    use
                    for use in claim.purposes & SENSITIVE_PURPOSES
                    if PURPOSE_FAMILY.get(use, use) not in known
                )
                if not fresh_uses or ("party-use", key) in reported:
                    continue
                reported.add(("party-use", key))
                reported.update(("purpose", use) for use in fresh_uses)
                self.add(
                    "sharing-expanded",
                    "party-use",
                    party,
                    f"{party}, already named, now also gets data for {_join(fresh_uses)} "
                    f"({where}): {_quote(claim.text)}",
                    claim.unit,
                    before,
                    claim.text,
                )
            for kind, target in sorted(claim.sharing - old_sharing):
                if (kind, target) in reported:
                    continue
                reported.add((kind, target))
                subject = (target or "buyers") if kind == "sell" else target
                what = (
                    f"Data may now be sold to {subject}"
                    if kind == "sell" and target
                    else "Data may now be sold"
                    if kind == "sell"
                    else f"Data is now shared with {subject}"
                )
                self.add(
                    "sharing-expanded",
                    "sharing",
                    subject,
                    f"{what} ({where}): {_quote(claim.text)}",
                    claim.unit,
                    before,
                    claim.text,
                )
            for concept, rule, phrase, known in (
                ("purpose", "purpose-added", "New purpose", old_purposes),
                ("scope", "scope-widened", "Tracking now also covers", old_scopes),
                ("data", "data-category-added", "New kind of data collected", old_data),
                ("place", "transfer-added", "Data now goes to", old_places),
            ):
                values = {
                    "purpose": claim.purposes,
                    "scope": claim.scopes,
                    "data": claim.data,
                    "place": claim.destinations,
                }[concept]
                if concept == "purpose":
                    families = _families(known)
                    values = frozenset(
                        v for v in values if PURPOSE_FAMILY.get(v, v) not in families
                    )
                fresh = sorted(v for v in values - known if (concept, v) not in reported)
                if concept == "purpose" and any(k == "sell" for k, _ in claim.sharing):
                    fresh = [v for v in fresh if v != "sale of data"]
                if concept == "place" and old_places and TRANSFER_MECHANISM.search(claim.norm):
                    fresh = []  # the legal basis of transfers the page already disclosed
                if not fresh:
                    continue
                reported.update((concept, v) for v in fresh)
                level = "minor" if concept == "purpose" and set(fresh) <= {"security"} else None
                self.add(
                    rule,
                    concept,
                    _join(fresh),
                    f"{phrase}: {_join(fresh)} ({where}): {_quote(claim.text)}",
                    claim.unit,
                    before,
                    claim.text,
                    level,
                )

    def enumerated_data(self) -> None:
        """A paired collection sentence that lists more kinds of data: "your customer number"
        → "your account ID, subscription ID and device model"."""
        old_heads = {h for c in self.old_all for h in _heads(c.text)}
        old_lists = _listed_under_leads(self.old_all)
        new_lists = _listed_under_leads(self.new_all)
        old_heads |= {head for _, head in old_lists.values()}
        for position, new in enumerate(self.new_changed):
            if any(clause.negated for clause in new.clauses):
                continue
            items = [new_lists[id(new)]] if id(new) in new_lists else _enumerated(new.text)
            fresh = [
                phrase
                for phrase, head in items
                if head not in old_heads and f" {phrase} " not in self.old_text
            ]
            if not fresh:
                continue
            old = self.pairs.get(position)
            listed = _join(fresh)
            self.add(
                "data-category-added",
                "data",
                listed,
                f"New kind of data collected: {listed} ({self.where(new.unit)}): "
                f"{_quote(new.text)}",
                new.unit,
                old.text if old else None,
                new.text,
            )

    def retention(self) -> None:
        self._indefinite()
        for old, new in self.paired():
            if not old.retention or not new.retention:
                continue
            old_days = [r.days for r in old.retention]
            new_days = [r.days for r in new.retention]
            if len(old_days) == len(new_days):
                steps = list(zip(old_days, new_days, strict=True))
            else:
                steps = [(max(old_days), max(new_days))]
            longer = [(a, b) for a, b in steps if b > a]
            shorter = [(a, b) for a, b in steps if b < a]
            if longer:
                if any(b in self.covered.retention_days for _, b in longer):
                    continue
                words = _join(f"{_duration_words(a)} → {_duration_words(b)}" for a, b in longer)
                self.add(
                    "retention-extended",
                    "retention",
                    words,
                    f"Kept longer ({words}) in {self.where(new.unit)}: {_quote(new.text)}",
                    new.unit,
                    old.text,
                    new.text,
                )
            elif shorter:
                words = _join(f"{_duration_words(a)} → {_duration_words(b)}" for a, b in shorter)
                self.add(
                    "retention-shortened",
                    "retention",
                    words,
                    f"Kept for less time ({words}) in {self.where(new.unit)}: {_quote(new.text)}",
                    new.unit,
                    old.text,
                    new.text,
                    "minor",
                )

    def _indefinite(self) -> None:
        """A new statement that data is kept forever, where the page never said so before."""
        if any(r.days == math.inf for c in self.old_all for r in c.retention):
            return
        if math.inf in self.covered.retention_days:
            return
        for position, new in enumerate(self.new_changed):
            if any(r.days == math.inf and _FOREVER.match(r.phrase) for r in new.retention):
                old = self.pairs.get(position)
                if old is not None and old.retention:
                    continue  # a paired sentence: compared as a change of duration
                self.add(
                    "retention-extended",
                    "retention",
                    "indefinitely",
                    f"Data is now kept indefinitely ({self.where(new.unit)}): {_quote(new.text)}",
                    new.unit,
                    old.text if old else None,
                    new.text,
                )
                return

    def consent(self) -> None:
        if self.covered.consent:
            return
        old_weak = set().union(*(c.consent_weak for c in self.old_all)) if self.old_all else set()
        new_strong_all = (
            set().union(*(c.consent_strong for c in self.new_all)) if self.new_all else set()
        )
        reported = False
        for position, new in enumerate(self.new_changed):
            old = self.pairs.get(position)
            weak = new.consent_weak - (old.consent_weak if old else old_weak)
            lost = (old.consent_strong - new.consent_strong) if old else set()
            if weak:
                label = _join(LABELS.get(k, k) for k in sorted(weak))
                self.add(
                    "consent-weakened",
                    "consent-default",
                    label,
                    f"Consent weakened in {self.where(new.unit)}: tracking {label}: "
                    f"{_quote(new.text)}",
                    new.unit,
                    old.text if old else None,
                    new.text,
                )
                reported = True
            elif lost and old is not None and not new.consent_strong:
                label = _join(sorted(lost))
                self.add(
                    "consent-weakened",
                    "consent-lost",
                    label,
                    f"Consent weakened in {self.where(new.unit)}: no longer says "
                    f"\u201c{label}\u201d: {_quote(old.text)} now reads {_quote(new.text)}",
                    new.unit,
                    old.text,
                    new.text,
                )
                reported = True
        if reported or new_strong_all:
            return
        for old in self.old_changed:
            if old.consent_strong:
                label = _join(sorted(old.consent_strong))
                self.add(
                    "consent-weakened",
                    "consent-lost",
                    label,
                    f"The policy no longer says that tracking waits for consent "
                    f"(\u201c{label}\u201d): {_quote(old.text)} is gone",
                    old.unit,
                    old.text,
                    None,
                )
                return

    def controls(self) -> None:
        new_controls = set().union(*(c.controls for c in self.new_all)) if self.new_all else set()
        new_denied = (
            set().union(*(c.controls_denied for c in self.new_all)) if self.new_all else set()
        )
        reported: set[str] = set()
        for old in self.old_changed:
            for control in sorted(old.controls):
                if control in reported or control in self.covered.controls:
                    continue
                if control in new_controls and control not in new_denied:
                    continue
                reported.add(control)
                denial = next((c for c in self.new_changed if control in c.controls_denied), None)
                if denial is not None:
                    message = (
                        f"{control} is no longer honoured: {_quote(old.text)} now reads "
                        f"{_quote(denial.text)}"
                    )
                    path, after = denial.unit, denial.text
                else:
                    message = (
                        f"User control dropped: {control} (was in {self.where(old.unit)}: "
                        f"{_quote(old.text)})"
                    )
                    path, after = old.unit, None
                gone = self.gone_parties(f"{old.text} {self.titles.get(old.unit, '')}")
                if gone and denial is None:
                    message += f", together with {_join(gone)}, no longer named"
                level = "minor" if gone and denial is None else None
                self.add(
                    "consent-weakened", "control", control, message, path, old.text, after, level
                )

    def control_paths(self) -> None:
        """A control still offered, but the way to use it changed (a setting moved, the
        opt-out now needs an email instead of a toggle)."""
        for old, new in self.paired():
            shared = (old.controls & new.controls) - self.covered.controls
            if not shared:
                continue
            old_means, new_means = _means(old.text), _means(new.text)
            old_path, new_path = _menu_path(old.text), _menu_path(new.text)
            dropped = sorted(old_means - new_means)
            moved = bool(old_path) and old_path != new_path
            if not dropped and not moved:
                continue
            how = (
                f"the setting moved from \u201c{old_path}\u201d to \u201c{new_path}\u201d"
                if moved and new_path
                else f"no longer through {_join(dropped)}"
                if dropped
                else f"the setting \u201c{old_path}\u201d is no longer named"
            )
            control = _join(sorted(shared))
            self.add(
                "consent-weakened",
                "control-path",
                control,
                f"The way to use {control} changed ({how}) in {self.where(new.unit)}: "
                f"{_quote(old.text)} now reads {_quote(new.text)}",
                new.unit,
                old.text,
                new.text,
            )

    def contacts(self) -> None:
        old_addresses = _emails(" ".join(c.text for c in self.old_changed))
        new_addresses = _emails(" ".join(c.text for c in self.new_changed))
        everywhere_new = _emails(" ".join(c.text for c in self.new_all))
        everywhere_old = _emails(" ".join(c.text for c in self.old_all))
        gone = sorted(old_addresses - everywhere_new)
        came = sorted(new_addresses - everywhere_old)
        if not gone and not came:
            return
        sentence = next((c for c in self.new_changed if set(came) & _emails(c.text)), None)
        old_sentence = next((c for c in self.old_changed if set(gone) & _emails(c.text)), None)
        where = sentence or old_sentence
        if where is None:
            return
        change = f"{_join(gone) or 'none'} → {_join(came) or 'none'}"
        self.add(
            "contact-changed",
            "contact",
            change,
            f"Contact details changed ({change}) in {self.where(where.unit)}",
            where.unit,
            old_sentence.text if old_sentence else None,
            sentence.text if sentence else None,
            "minor",
        )

    def device(self) -> None:
        if self.covered.device:
            return
        if not any(c.device_local for c in self.old_all):
            return
        already = {c.after for c in self.changes if c.rule == "data-leaves-device"}
        for position, new in enumerate(self.new_changed):
            if not new.device_remote or new.text in already:
                continue
            if any(c.device_remote and similarity(c.key, new.key) >= 0.5 for c in self.old_all):
                continue
            self.add(
                "data-leaves-device",
                "device",
                new.text,
                f"Data that stayed on the device is now sent off it ({self.where(new.unit)}): "
                f"{_quote(new.text)}",
                new.unit,
                self.before_of(position),
                new.text,
            )

    def _folded(self) -> list[ProseChange]:
        """A sentence with a primary change (a new party, more sharing, a reversed promise...)
        reports that one; what else it newly says (purpose, data, scope) goes into that
        finding's message instead of findings of its own."""
        primary: dict[str, ProseChange] = {}
        for change in self.changes:
            if change.kind not in _SECONDARY and change.after and change.after not in primary:
                primary[change.after] = change
        for change in self.changes:  # no primary change: the first secondary one hosts the rest
            if change.kind in _SECONDARY and change.after and change.after not in primary:
                primary[change.after] = change
        extras: dict[int, list[str]] = {}
        kept: list[ProseChange] = []
        for change in self.changes:
            if change.kind in _SECONDARY and change.after in self.structured_sentences:
                continue
            host = primary.get(change.after or "")
            if host is not None and host is not change and change.kind in _SECONDARY:
                extras.setdefault(id(host), []).append(
                    f"{_SECONDARY[change.kind]}: {change.subject}"
                )
                continue
            kept.append(change)
        result: list[ProseChange] = []
        merged: dict[tuple[str, str, str | None, str | None], int] = {}
        for change in kept:
            if id(change) in extras:
                also = "; ".join(extras[id(change)])
                message = change.message.replace(": \u201c", f" (also {also}): \u201c", 1)
                change = _replace(change, message=message)
            key = change.fingerprint_key
            if key in merged:  # two subjects in one sentence: one finding naming both
                index = merged[key]
                previous = result[index]
                subject = _join([previous.subject, change.subject])
                message = previous.message.replace(previous.subject, subject, 1)
                result[index] = _replace(previous, subject=subject, message=message)
                continue
            merged[key] = len(result)
            result.append(change)
        return result


_DETERMINERS = frozenset(
    [
        "your",
        "the",
        "our",
        "a",
        "an",
        "any",
        "some",
        "all",
        "of",
        "other",
        "their",
        "its",
        "his",
        "her",
    ]
)
_NOT_DATA = frozenset(
    [
        "you",
        "we",
        "us",
        "it",
        "them",
        "cookies",
        "cookie",
        "this",
        "that",
        "these",
        "which",
        "service",
        "services",
        "site",
        "website",
        "data",
        "information",
    ]
)


def _enumerated(text: str) -> list[tuple[str, str]]:
    """(phrase, head word) of each kind of data a collection sentence lists."""
    norm = " ".join(re.sub(r"[^\w,'-]+", " ", text.casefold()).replace(",", " , ").split())
    match = COLLECT_VERB.search(norm)
    if match is None:
        return []
    tail = re.split(
        r"\b(?:to|for|when|if|because|so|in order|from|which|that|who)\b", norm[match.end() :]
    )[0]
    found: list[tuple[str, str]] = []
    for part in re.split(r"\s*,\s*|\s+(?:and|or)\s+", tail):
        words = [canonical_word(w) for w in part.split() if w not in _DETERMINERS]
        if not words or len(words) > 4 or words[-1] in _NOT_DATA:
            continue
        found.append((" ".join(words), words[-1]))
    return found


def _listed_under_leads(claims: Sequence[SentenceClaims]) -> dict[int, tuple[str, str]]:
    """Short items listed under a collection lead ("The personal data we collect includes:"
    then "your name", "telephone numbers"), by the id of their claim: (phrase, head word)."""
    found: dict[int, tuple[str, str]] = {}
    lead_unit: str | None = None
    for claim in claims:
        text = claim.text.strip()
        if text.endswith(":") and COLLECT_VERB.search(" ".join(text.casefold().split())):
            lead_unit = claim.unit
            continue
        if claim.unit != lead_unit:
            lead_unit = None
            continue
        words = [canonical_word(w) for w in re.findall(r"[\w'-]+", text.casefold())]
        words = [w for w in words if w not in _DETERMINERS]
        if not words or len(words) > 5 or text.endswith((".", ":")) or words[-1] in _NOT_DATA:
            lead_unit = None if text.endswith((".", ":")) else lead_unit
            continue
        found[id(claim)] = (" ".join(words), words[-1])
    return found


def _heads(text: str) -> set[str]:
    return {head for _, head in _enumerated(text)}


_DATA_WORDS = re.compile(
    r"\b(?:cookies?|data|information|track\w*|analytic\w*|advertis\w*|measur\w*|pixels?|sdks?|"
    r"privacy|partners?|providers?|collect\w*|process\w*|shar\w*)\b"
)

_SECONDARY = {"purpose": "new purpose", "data": "new data", "scope": "wider scope"}


def _replace(change: ProseChange, **values: str) -> ProseChange:
    from dataclasses import replace

    return replace(change, **values)

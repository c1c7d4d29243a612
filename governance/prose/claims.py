"""Claims a policy's sentences make: who gets data, for what, where, how long, with what consent,
which controls users have and which promises are made (with their negation).

Everything here reads one sentence at a time and never guesses across sentences; the comparison
of two versions (:mod:`governance.prose.compare`) decides what a difference in claims means.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from governance.prose import lexicon as lx
from governance.prose.durations import durations
from governance.prose.text import canonical_word, fold_characters, readable, sentences, words
from governance.prose.vendors import AMBIGUOUS, VENDOR_NAMES

PERSISTENT = math.inf


@dataclass(frozen=True)
class Retention:
    days: float
    phrase: str


@dataclass(frozen=True)
class Promise:
    """A promise made in a clause: a negation ("we do not sell…"), a device-local statement
    ("never leaves your device") or an undertaking to tell users ("we announce…")."""

    kind: str  # "negative" | "device" | "announce"
    text: str
    signature: frozenset[str]


@dataclass(frozen=True)
class Clause:
    text: str
    norm: str  # masked, normalised words joined by spaces
    negated: bool  # any negation: the clause asserts nothing positive
    denies_processing: bool  # a negation governs a processing verb: "we do not share"
    you_negated: bool
    signature: frozenset[str]
    tagged: str = ""  # norm with recipient classes as @tokens


@dataclass
class SentenceClaims:
    unit: str
    index: int
    text: str
    norm: str
    key: frozenset[str]
    clauses: tuple[Clause, ...] = ()
    parties: tuple[str, ...] = ()
    cookie_names: tuple[str, ...] = ()
    sharing: frozenset[tuple[str, str]] = frozenset()
    purposes: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    data: frozenset[str] = frozenset()
    destinations: frozenset[str] = frozenset()
    retention: tuple[Retention, ...] = ()
    consent_weak: frozenset[str] = frozenset()
    consent_strong: frozenset[str] = frozenset()
    controls: frozenset[str] = frozenset()
    controls_denied: frozenset[str] = frozenset()
    promises: tuple[Promise, ...] = ()
    device_local: bool = False
    device_remote: bool = False


# --- clauses and signatures ---------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(
    r"\s*;\s*|,?\s+\bbut\b\s+|,\s*(?:however|whereas|while|although|except(?: that)?|unless)\b"
    r"\s*|\.\s+however,?\s*|\s+\bexcept\b\s+(?=(?:that|where|when|if|for|as)\b)|\s+\bunless\b\s+|"
    r",?\s+\band\b\s+(?=(?:we|you|they|it|our|your|this|these)\b)"
)


def masked(text: str) -> str:
    """Normalised words with the misleading phrases masked (Do Not Track, "not limited to", ...)."""
    text = fold_characters(text)
    for titled, replacement in lx.TITLED_MASKS:
        text = titled.sub(replacement, text)
    norm = " ".join(words(text))
    for pattern, replacement in lx.MASKS:
        norm = pattern.sub(replacement, norm)
    return " ".join(norm.split())


def _is_negation(token: str) -> bool:
    return token in lx.NEGATION_WORDS or token.endswith("n't")


def _negated(norm: str) -> bool:
    return any(_is_negation(token) for token in norm.split())


def _denies_processing(norm: str) -> bool:
    """A negation followed, within a few words, by a processing verb ("are not shared")."""
    tokens = norm.split()
    for position, token in enumerate(tokens):
        if _is_negation(token):
            reach = tokens[position + 1 : position + 1 + lx.NEGATION_REACH]
            if any(lx.PROCESSING.match(word) for word in reach):
                return True
    return False


_TAGS = {concept: "@" + concept.replace(" ", "") for concept in lx.RECIPIENT_CLASSES}
_TAG_NAMES = {tag: concept for concept, tag in _TAGS.items()}


def tag_recipients(norm: str) -> str:
    for concept, pattern in lx.RECIPIENT_CLASSES.items():
        norm = pattern.sub(_TAGS[concept], norm)
    return norm


def _stem(word: str) -> str:
    if word in lx.SYNONYMS:
        return lx.SYNONYMS[word]
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            base = word[: -len(suffix)]
            return lx.SYNONYMS.get(base, base)
    return word


def signature(norm: str) -> frozenset[str]:
    """Content words of a clause (numbers, dates, negations and stop words left out), with
    synonyms folded, recipient classes as one token: what two wordings of one claim share."""
    tokens: set[str] = set()
    for concept, pattern in lx.RECIPIENT_CLASSES.items():
        if pattern.search(norm):
            tokens.add(f"@{concept}")
            norm = pattern.sub(" ", norm)
    for word in norm.split():
        if word in lx.STOPWORDS or word.endswith("n't") or word == "<date>" or word[:1].isdigit():
            continue
        if word == "you_neg":
            continue
        tokens.add(_stem(word))
    return frozenset(tokens)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient, recipient classes weighing double."""
    if not a or not b:
        return 0.0
    return 2 * _weight(a & b) / (_weight(a) + _weight(b))


@lru_cache(maxsize=1 << 16)
def _weight(tokens: frozenset[str]) -> float:
    return len(tokens) + sum(1 for token in tokens if token[:1] == "@")


_NEGATED_ASIDE = re.compile(r"\((?:not|no|never)\b[^()]{0,40}\)")


def clauses_of(sentence: str) -> list[Clause]:
    """The clauses of a sentence; an aside such as "(not cookies)" negates nothing around it."""
    result = []
    for part in _CLAUSE_BREAK.split(_NEGATED_ASIDE.sub(" ", sentence)):
        if not part or not part.strip():
            continue
        norm = masked(part)
        if not norm:
            continue
        result.append(
            Clause(
                text=part.strip(),
                norm=norm,
                negated=_negated(norm),
                denies_processing=_denies_processing(norm),
                you_negated="you_neg" in norm.split(),
                signature=signature(norm),
                tagged=tag_recipients(norm),
            )
        )
    return result


# --- organisations ------------------------------------------------------------------------------

_NAME_WORD = r"(?:[A-Z][\w&+'.-]*[\w+]|[A-Z]{2,}|[A-Z])"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|&|of|de|for)(?=\s*\S)){{0,3}}"
_NAMES = rf"(?P<names>{_NAME}(?:\s*,\s*{_NAME})*(?:,?\s+(?:and|or)\s+{_NAME})?)"
_PARTY_CONTEXTS = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b(?:share[sd]?|sharing|disclose[sd]?|disclosing|sells?|sold|provided?|provides|"
        rf"send|sends|sent|transfer(?:s|red)?|pass(?:es|ed)?|licen[cs]e[sd]?)\b[^.;:]{{0,60}}?"
        rf"\b(?:with|to)\s+{_NAMES}",
        rf"\b(?:provided|operated|powered|set|placed|served|hosted|supplied|offered|delivered|"
        rf"owned|managed|processed|controlled|collected|run|dropped|read)\s+by\s+{_NAMES}",
        rf"\bpartners?\b[^.;]{{0,30}}?\b(?:such as|like|including|namely|e\.g\.,?)\s+{_NAMES}",
        rf"\b[Ww]e\s+(?:(?:also|may|now|have|currently|recently|will|might)\s+)*(?:use[sd]?|"
        rf"work(?:ed)? with|partner(?:ed)? with|rely on|engage[sd]?|deploy(?:ed)?|integrate[sd]?"
        rf"(?: with)?|embed(?:ded)?|employ(?:ed)?|allow(?:ed)?|added|introduced)\s+{_NAMES}"
        rf"(?=\s+(?:to|for|cookies?|"
        rf"pixels?|tags?|sdks?|SDKs?|analytics|services?|tools?|technolog\w*|which|that|on|in)\b|"
        rf"\s*[,.;(]|$)",
        rf"(?:^|\.\s+|,\s+and\s+){_NAMES}(?:'s)?\s+(?:sets?|places?|drops?|uses?|reads?|collects?|"
        rf"receives?|processes|may (?:set|use|collect|receive|access)|will (?:set|use|collect|"
        rf"receive|access)|also (?:sets?|uses?|collects?|receives?))\b",
        rf"\b(?:controller|provider|vendor|partner|processor|recipient)s?\s*:\s*{_NAMES}",
        rf"\b(?:SDKs?|sdks?|[Ss]oftware development kits?|[Pp]artners|[Pp]roviders|[Vv]endors|"
        rf"[Cc]ompanies|[Tt]hird[- ]parties|[Ss]ervices|[Tt]ools|[Pp]ixels|[Tt]ags|[Cc]ookies|"
        rf"[Pp]lugins|[Ii]ntegrations|[Rr]ecipients|[Pp]rocessors|[Nn]etworks)\b[^.:;]{{0,50}}"
        rf":\s*{_NAMES}",
    )
)
_LEGAL_SUFFIX = re.compile(
    r"(?:,?\s+(?:Inc|Ltd|LLC|Limited|GmbH|Corp|Corporation|Co|plc|PLC|S\.A|SA|SAS|AG|B\.V|BV|AB|"
    r"Oy|Srl|Pty|Pte|L\.P|LP)\.?)+$"
)
_NOT_NAMES = frozenset(
    """we our you your the this that these those it they he she if when where please for in on
    to by and or learn more see read note important some other all any certain each every
    such cookies cookie settings privacy policy policies website websites site sites service
    services terms eu eea uk us usa personal data information advertising ads analytics
    partners partner third parties party users user account accounts local storage pixels
    pixel sdks sdk apps app platform platforms content help center support section table
    name description controller duration purpose purposes type category domain first
    functional functionality necessary strictly marketing performance security email
    internet web browser browsers device devices mobile ios android settings privacy safety
    preferences personalization personalisation interest-based legal notice notices rights
    right european union california gdpr ccpa under there here also however including for
    example e.g i.e id ids ip url urls http https api apis faq faqs help contact questions
    our services authentication essential optional required statistics social media research
    development off on yes no none session persistent strictly-necessary targeting
    advertisers advertiser member members company companies group affiliates affiliate
    vendors vendor providers provider service-providers a an as at be is are was were can
    may will do does not never what which who how why""".split()  # noqa: SIM905
)


@lru_cache(maxsize=8)
def vendor_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in ordered)
    return re.compile(rf"(?<![\w.@/-])(?:{alternation})(?![\w-]|\.\w)")


def clean_name(name: str) -> str:
    name = re.sub(r"'s$", "", name.strip(" ,.;:()'\""))
    name = _LEGAL_SUFFIX.sub("", name).strip(" ,.")
    return name


def plausible_name(name: str) -> bool:
    """Whether a capitalised run of words can be an organisation's name (not "Your Choices")."""
    return _plausible_name(name)


def _plausible_name(name: str) -> bool:
    tokens = [t.casefold().strip(".,'") for t in name.split()]
    if not tokens or len(name) > 40:
        return False
    if tokens[0] in _NOT_NAMES:
        return False
    return not all(t in _NOT_NAMES or t in {"&", "of", "de", "for"} for t in tokens)


def _split_names(names: str) -> list[str]:
    parts = re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", names)
    return [clean_name(p) for p in parts if p.strip()]


def parties_in(sentence: str, vendors: re.Pattern[str]) -> list[str]:
    """Organisations a sentence names as receiving data, setting cookies or as partners."""
    found: list[str] = []
    for match in vendors.finditer(sentence):
        name = match.group(0)
        if name in AMBIGUOUS and (match.start() == 0 or not _vendor_context(sentence)):
            continue
        found.append(clean_name(name))
    for pattern in _PARTY_CONTEXTS:
        for match in pattern.finditer(sentence):
            for name in _split_names(match.group("names")):
                if _plausible_name(name):
                    found.append(name)
    return list(dict.fromkeys(found))


_VENDOR_CONTEXT = re.compile(
    r"\b(?:cookies?|pixels?|tags?|SDKs?|sdks?|analytics|tracking|data|information|provider|"
    r"partners?|service|services|tools?|sets?|uses?|use|by|with|from|via|through|powered|"
    r"controller|vendor|processor)\b",
    re.I,
)


def _vendor_context(sentence: str) -> bool:
    return bool(_VENDOR_CONTEXT.search(sentence))


_COOKIE_NAME = re.compile(r"(?<![\w.@/-])(_{1,2}[A-Za-z0-9][\w-]*|[A-Za-z][A-Za-z0-9]*_[\w-]+)")


def cookie_names_in(sentence: str) -> list[str]:
    return list(dict.fromkeys(_COOKIE_NAME.findall(sentence)))


# --- retention ----------------------------------------------------------------------------------


def retention_in(norm: str, text: str | None = None) -> list[Retention]:
    """Retentions a clause states; durations are read from ``text`` (the sentence as written,
    where "1,5 years" keeps its decimal comma) by the one duration reader."""
    found: list[Retention] = []
    if lx.RETENTION_CONTEXT.search(norm):
        for duration in durations(text if text is not None else norm):
            if duration.unit in ("session", "persistent"):
                continue
            found.append(Retention(duration.days, duration.text()))
    if lx.SESSION_RETENTION.search(norm):
        found.append(Retention(0.0, "session"))
    persistent = lx.PERSISTENT_RETENTION.search(norm)
    if persistent:
        found.append(Retention(PERSISTENT, persistent.group(0)))
    return found


# --- the sentence -------------------------------------------------------------------------------


def _matches(table: dict[str, re.Pattern[str]], norm: str) -> set[str]:
    return {concept for concept, pattern in table.items() if pattern.search(norm)}


def _without_notice_channel(norm: str) -> str:
    """A clause without where a notice reaches users ("we tell you in the app", "by email").

    The channel of an announcement is not a place where tracking happens: "we tell you about
    the update in the app" does not extend tracking to mobile apps. Only the words after the
    announcing verb, up to the next turn of the sentence ("and", "but", "we"), are dropped, so
    "we use cookies in our app" and "we will email you and now use cookies in our apps" still
    name a scope.
    """
    notice = lx.ANNOUNCE.search(norm)
    if notice is None:
        return norm
    turn = lx.CLAUSE_TURN.search(norm, notice.end())
    stop = turn.start() if turn else len(norm)
    channel = lx.NOTICE_CHANNEL.sub(" ", norm[notice.start() : stop])
    return norm[: notice.start()] + channel + norm[stop:]


def promise_concepts(text: str) -> frozenset[str]:
    """What a promise is about, negation aside: its acts (share, sell...), purposes, recipients,
    data, places and scopes, each as "<kind>:<concept>". An exception carved out of it
    ("except to our partners") is not what it promises, so the words after one do not count."""
    norm = masked(text)
    carve_out = lx.EXCEPTION.search(norm)
    if carve_out is not None:
        norm = norm[: carve_out.start()]
    tables = (
        ("act", lx.PROMISE_ACTS),
        ("purpose", lx.PURPOSES),
        ("recipient", lx.RECIPIENT_CLASSES),
        ("data", lx.DATA_CATEGORIES),
        ("place", lx.DESTINATIONS),
        ("scope", lx.SCOPES),
    )
    return frozenset(
        f"{kind}:{concept}" for kind, table in tables for concept in _matches(table, norm)
    )


def analyse_sentence(
    text: str, *, unit: str = "", index: int = 0, vendors: re.Pattern[str] | None = None
) -> SentenceClaims:
    """The claims of one sentence (cached by text: two versions share most sentences)."""
    claims = _analysed(text, vendors or vendor_pattern(VENDOR_NAMES))
    return replace(claims, unit=unit, index=index)


@lru_cache(maxsize=1 << 14)
def _analysed(text: str, vendors: re.Pattern[str]) -> SentenceClaims:
    unit, index = "", 0
    clause_list = clauses_of(text)
    whole = masked(text)
    claims = SentenceClaims(
        unit=unit,
        index=index,
        text=text,
        norm=" ".join(words(text)),
        key=signature(whole),
        clauses=tuple(clause_list),
    )
    claims.parties = tuple(parties_in(text, vendors))
    claims.cookie_names = tuple(cookie_names_in(text))
    sharing: set[tuple[str, str]] = set()
    purposes: set[str] = set()
    scopes: set[str] = set()
    data: set[str] = set()
    destinations: set[str] = set()
    weak: set[str] = set()
    strong: set[str] = set()
    controls: set[str] = set()
    denied: set[str] = set()
    promises: list[Promise] = []
    for clause in clause_list:
        norm = clause.norm
        conditional = bool(lx.CONDITIONAL_START.match(norm))
        clause_controls = _matches(lx.CONTROLS, norm)
        if clause.negated and clause_controls and not conditional:
            denied |= clause_controls
        elif clause_controls and not clause.you_negated:
            controls |= clause_controls
        elif clause_controls:
            denied |= clause_controls
        weak_here = _matches(lx.CONSENT_WEAK, norm)
        if clause.negated:  # "we never ... without your consent" protects
            weak_here &= {"consent not needed"}
        if weak_here and lx.BROWSER_DEFAULT.search(norm) and "by default" in norm:
            weak_here.discard("on by default")
        weak |= weak_here
        strong_here = _matches(lx.CONSENT_STRONG, norm)
        if not clause.negated or "only" in norm.split():
            strong |= strong_here
        local = bool(lx.DEVICE_LOCAL.search(norm))
        remote = bool(lx.DEVICE_REMOTE.search(norm)) and not clause.negated
        claims.device_local = claims.device_local or local
        claims.device_remote = claims.device_remote or remote
        if local:
            promises.append(Promise("device", clause.text, clause.signature | {"@device-local"}))
        if lx.ANNOUNCE.search(norm) and not clause.negated:
            promises.append(Promise("announce", clause.text, clause.signature | {"@announce"}))
        if clause.negated:
            if (
                clause.denies_processing
                and not conditional
                and not local
                and not (clause_controls and "@" not in clause.tagged)
            ):
                promises.append(Promise("negative", clause.text, clause.signature))
            continue
        # positive statements
        targets = _sharing_targets(clause.tagged)
        if lx.SELL_VERB.search(norm):
            sharing.add(("sell", next(iter(sorted(targets)), "")))
        for target in targets:
            sharing.add(("share", target))
        purposes |= _matches(lx.PURPOSES, norm)
        if lx.SCOPE_CONTEXT.search(norm) and lx.FIRST_PERSON.search(norm):
            scopes |= _matches(lx.SCOPES, _without_notice_channel(norm))
        if lx.COLLECT_CONTEXT.search(norm):
            data |= _matches(lx.DATA_CATEGORIES, norm)
        if lx.TRANSFER_CONTEXT.search(norm):
            destinations |= _matches(lx.DESTINATIONS, norm)
    claims.sharing = frozenset(sharing)
    claims.purposes = frozenset(purposes)
    claims.scopes = frozenset(scopes)
    claims.data = frozenset(data)
    claims.destinations = frozenset(destinations)
    claims.retention = tuple(retention_in(whole, readable(text)))
    if lx.CONSENT_WEAK["unless you opt out"].search(whole):  # clauses split at "unless"
        weak.add("unless you opt out")
    claims.consent_weak = frozenset(weak)
    claims.consent_strong = frozenset(strong - {"opt-in"} if weak else strong)
    claims.controls = frozenset(controls - denied)
    claims.controls_denied = frozenset(denied)
    claims.promises = tuple(promises)
    return claims


def _sharing_targets(tagged: str) -> set[str]:
    """Recipient classes the clause says data goes to ("share ... with advertisers")."""
    if not (lx.SHARE_TO.search(tagged) or lx.TARGET_ACTS.search(tagged)):
        return set()
    return {_TAG_NAMES[tag] for tag in re.findall(r"@[a-z]+", tagged) if tag in _TAG_NAMES}


def extract_claims(
    text: str | None, *, unit: str = "", vendors: Iterable[str] = (), start: int = 0
) -> list[SentenceClaims]:
    """The claims of every sentence of a text (Markdown or plain)."""
    pattern = vendor_pattern(tuple(sorted(set(VENDOR_NAMES) | set(vendors))))
    return [
        analyse_sentence(sentence, unit=unit, index=start + position, vendors=pattern)
        for position, sentence in enumerate(sentences(text))
    ]


def name_key(name: str) -> str:
    """How a name is looked up in a text: normalised words joined by spaces."""
    return " ".join(canonical_word(w) for w in words(readable(clean_name(name))))

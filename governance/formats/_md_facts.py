"""Facts a cookie page states in words: category, storage, party, retention, consent, data uses.

Small pure functions over plain text, used by the Markdown reader to fill the model's fields
from headings, table cells and sentences. Each returns a valid model value or None (unknown),
never raises: real pages say things in a thousand ways, and what is not understood stays prose.
"""

from __future__ import annotations

import re
from functools import lru_cache

from governance.model import Category, Consent, Party, Storage
from governance.prose import durations

RETENTION_CUES = re.compile(
    r"(?:retained for|retention period of|retention of|lasts? (?:for )?(?:a maximum of |up to )?|"
    r"expires? (?:after|in|within)|kept for|stored for|(?:maximum )?duration of|valid for|"
    r"lifespan of|for a maximum of|for up to|\bfor(?=\s+\d))\s+(?:a maximum of |up to |about )?",
    re.I,
)


def normalise_retention(text: str | None) -> str | None:
    """A duration as the model reads it ("session", "persistent", "13 months"), or None."""
    duration = durations.parse(text)
    return duration.text() if duration is not None else None


def retention_in(text: str) -> str | None:
    """A retention stated in running text: "(retained for 2 months)", "lasts 13 months"; a
    "session cookie" with no duration stated lasts the browsing session, by definition."""
    match = RETENTION_CUES.search(text)
    if match:
        stated = normalise_retention(text[match.end() : match.end() + 40])
        if stated:
            return stated
    return "session" if _SESSION_COOKIE.search(text) else None


_SESSION_COOKIE = re.compile(r"\bsession cookies?\b", re.I)


# Checked in this order: when a text names several categories, the one needing more consent wins.
_CATEGORY_WORDS: list[tuple[Category, re.Pattern[str]]] = [
    (
        Category.marketing,
        re.compile(
            r"advertis|\bads?\b|marketing|targeting|remarketing|retargeting|conversion|doubleclick",
            re.I,
        ),
    ),
    (
        Category.analytics,
        re.compile(
            r"analytic|measurement|measure|performance|statistic|research|telemetry|monitoring|"
            r"metrics|a/b test|insights?\b",
            re.I,
        ),
    ),
    (
        Category.functional,
        re.compile(
            r"functional|preference|customi[sz]|personali[sz]|language|remember|settings?\b|"
            r"\bchoices?\b|night mode|theme|layout|video|\bui\b|help center|localis|localiz",
            re.I,
        ),
    ),
    (
        Category.strictly_necessary,
        re.compile(
            r"strictly necessary|essential|necessary|required|authenticat|security|secure|log ?in|"
            r"logged in|sign[- ]?in|csrf|forgery|fraud|abuse|spam|\bbots?\b|load balanc|session|"
            r"password|payment|checkout|consent",
            re.I,
        ),
    ),
]


# What WP194 §3 exempts from consent, named in an item's own words: user input (carts, form
# drafts), authentication, security, load balancing and the storage of the consent itself.
_EXEMPT = re.compile(
    r"(?:stores?|remembers?|records?|saves?|keeps?|registers?)\s+(?:\w+\s+){0,3}?"
    r"(?:cookie\s+|consent\s+|privacy\s+)?(?:choices|consent|cookie (?:preferences|settings))|"
    r"\bconsent (?:state|status|choices?|cookie|preferences)\b|\b(?:shopping )?(?:basket|cart)\b|"
    r"load[- ]balanc|\bcsrf\b|cross[- ]site request forgery|form (?:data|input|drafts?|"
    r"submissions?)|\b(?:sign(?:ed)?|log(?:ged)?)[- ]?in\b|authenticat",
    re.I,
)


@lru_cache(maxsize=4096)
def category_of(text: str) -> Category | None:
    if _EXEMPT.search(text):
        return Category.strictly_necessary
    for category, pattern in _CATEGORY_WORDS:
        if pattern.search(text):
            return category
    return None


@lru_cache(maxsize=4096)
def heading_category(text: str) -> Category | None:
    """Category from a heading: headings name a category plainly, so the first word decides."""
    found = [(m.start(), c) for c, p in _CATEGORY_WORDS if (m := p.search(text))]
    if not found:
        return None
    # "Advertising and measurement" is marketing; "Analytics and performance" is analytics.
    return min(found)[1]


_STORAGE_WORDS: list[tuple[Storage, re.Pattern[str]]] = [
    (Storage.local_storage, re.compile(r"local\s?storage", re.I)),
    (Storage.session_storage, re.compile(r"session\s?storage", re.I)),
    (Storage.indexed_db, re.compile(r"indexed\s?db", re.I)),
    (Storage.pixel, re.compile(r"\bpixels?\b|\bbeacons?\b|\btags?\b|web bugs?|clear gifs?", re.I)),
    (Storage.sdk, re.compile(r"\bsdks?\b|software development kits?", re.I)),
    (Storage.cookie, re.compile(r"\bcookies?\b", re.I)),
]


_ANY_STORAGE = re.compile(
    "|".join(
        f"(?P<s{index}>{pattern.pattern})" for index, (_, pattern) in enumerate(_STORAGE_WORDS)
    ),
    re.I,
)


def storage_of(text: str) -> Storage | None:
    """The storage an item's own words name (the earliest mention wins)."""
    match = _ANY_STORAGE.search(text)
    if match is None or match.lastgroup is None:
        return None
    return _STORAGE_WORDS[int(match.lastgroup[1:])][0]


@lru_cache(maxsize=4096)
def context_storage(text: str) -> Storage | None:
    """The storage a section's prose is about: one non-cookie kind named wins over cookies."""
    kinds = {s for s, p in _STORAGE_WORDS if p.search(text)}
    others = kinds - {Storage.cookie}
    if len(others) == 1:
        return others.pop()
    if kinds == {Storage.cookie}:
        return Storage.cookie
    return None


_THIRD = re.compile(r"third[- ]part(?:y|ies)|set by (?:our )?partners|partner", re.I)
_FIRST = re.compile(r"first[- ]party|set by us|our own", re.I)


# A section's lead paragraph speaks of the items only when it says who sets them: "partners"
# alone there is about sharing ("shared with advertising partners"), not about who sets cookies.
_THIRD_SETTER = re.compile(
    r"third[- ]party (?:cookies|storage|technolog|pixels?|tags?|sdks?)|"
    r"(?:set|placed|served|used) by (?:our )?(?:partners|third[- ]parties|other companies)",
    re.I,
)


@lru_cache(maxsize=4096)
def party_of_items_in(context: str) -> Party | None:
    """Who sets the items a section lists, from its lead paragraph or title."""
    if _THIRD_SETTER.search(context):
        return Party.third
    return Party.first if _FIRST.search(context) else None


def party_in(text: str) -> Party | None:
    third, first = _THIRD.search(text), _FIRST.search(text)
    if third and (not first or third.start() < first.start()):
        return Party.third
    if first:
        return Party.first
    return None


_STAYS_ON_DEVICE = re.compile(
    r"never leaves? (?:your|the) (?:device|browser|computer)|stays? on your (?:device|browser)|"
    r"(?:is|are) not (?:sent|transmitted|uploaded) to (?:our|any|a) server|"
    r"only (?:stored|kept|saved) (?:locally|on your device|in your browser)|"
    r"does not leave (?:your|the) device|do not leave (?:your|the) device",
    re.I,
)


@lru_cache(maxsize=4096)
def stays_on_device(text: str) -> bool:
    return bool(_STAYS_ON_DEVICE.search(text))


_NO_CONSENT = re.compile(
    r"regardless of (?:your )?consent|without (?:your )?consent|cannot (?:be )?(?:declined?|"
    r"refused?|turned off|disabled|switched off)|can(?:no|')t decline|cannot control the use|"
    r"do not require (?:your )?consent",
    re.I,
)
_OPT_OUT = re.compile(
    r"\b(?:on|enabled|active|set) by default|unless you (?:opt|object)|until you (?:opt|object)",
    re.I,
)
_NOTICE = re.compile(
    r"by continuing to (?:use|browse)|by using (?:this|our) (?:site|website)", re.I
)


@lru_cache(maxsize=4096)
def consent_for(category: Category, context: str) -> Consent:
    """Strictly necessary: none; otherwise opt-in unless the section says otherwise."""
    if category is Category.strictly_necessary:
        return Consent.none
    if category is Category.functional and _NO_CONSENT.search(context):
        return Consent.none
    if _OPT_OUT.search(context):
        return Consent.opt_out
    if _NOTICE.search(context):
        return Consent.notice
    return Consent.opt_in


def category_from_value(value: str) -> Category | None:
    """A category cell ("Strictly necessary", "Performance", "Targeting")."""
    return heading_category(value)


def storage_from_value(value: str) -> Storage | None:
    lowered = value.strip().lower()
    for storage in Storage:
        if lowered == storage.value.lower():
            return storage
    return storage_of(value)


def party_from_value(value: str) -> Party | None:
    lowered = value.lower()
    if re.search(r"\b(?:3rd|third)\b", lowered):
        return Party.third
    if re.search(r"\b(?:1st|first)\b", lowered):
        return Party.first
    return None


def data_uses_for(category: Category, party: Party, text: str) -> list[str]:
    """fideslang data-use keys for an item (all present in the default taxonomy)."""
    lowered = text.lower()
    if category is Category.strictly_necessary:
        uses = []
        if re.search(r"log ?in|logged|authenticat|sign[- ]?in|sso|oauth|\baccount", lowered):
            uses.append("essential.service.authentication")
        if re.search(r"secur|csrf|forgery|protect", lowered):
            uses.append("essential.service.security")
        if re.search(r"fraud|abuse|spam|\bbots?\b|rate[- ]limit|abusive", lowered):
            uses.append("essential.fraud_detection")
        if re.search(r"payment|\bcard\b|checkout|billing|transaction", lowered):
            uses.append("essential.service.payment_processing")
        return uses or ["essential.service"]
    if category is Category.functional:
        if re.search(r"prefer|remember|setting|language|choice|theme|layout|consent", lowered):
            return ["functional.storage"]
        return ["functional.service"]
    if category is Category.analytics:
        if re.search(r"error|crash|performance monitoring|\bperformance\b", lowered):
            return ["analytics.reporting.system.performance"]
        return ["analytics.reporting"]
    targeted = bool(re.search(r"personali[sz]|target|interest|remarket|retarget|audience", lowered))
    base = (
        "marketing.advertising.third_party"
        if party is Party.third
        else "marketing.advertising.first_party"
    )
    return [base + ".targeted" if targeted else base]


_DATA_SHARED: list[tuple[str, re.Pattern[str]]] = [
    ("user.device.ip_address", re.compile(r"\bip address", re.I)),
    ("user.device.cookie_id", re.compile(r"\bcookies?\b|cookie id", re.I)),
    ("user.device.device_id", re.compile(r"idfa|gaid|advertising id|device id|instance id", re.I)),
    (
        "user.device",
        re.compile(r"user agent|device (?:model|information|data)|operating system", re.I),
    ),
    ("user.location.imprecise", re.compile(r"geograph|country|region|city", re.I)),
    ("user.behavior", re.compile(r"session|activity|interaction|event|page view|browsing", re.I)),
    ("user.financial", re.compile(r"\bcard\b|payment|bank", re.I)),
    ("user.contact.email", re.compile(r"e-?mail address", re.I)),
]


def data_shared_in(text: str) -> list[str]:
    return [key for key, pattern in _DATA_SHARED if pattern.search(text)]

"""Organisations a cookie page names: canonical names, product names and web domains.

The Markdown reader uses this to turn "Google Analytics", "Facebook Pixel" or a privacy-policy
URL on ``policies.google.com`` into one recipient, and to recognise the page owner's own former
names (X was Twitter). It is deliberately small: an unknown organisation is still read from a
pattern such as "Acme sets cookies"; this table only merges aliases and products.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# canonical name → (aliases and product names, web domains)
KNOWN_ORGANISATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Google": (
        (
            "google",
            "google analytics",
            "google ads",
            "doubleclick",
            "youtube",
            "firebase",
            "recaptcha",
            "google pay",
            "google tag manager",
            "alphabet",
        ),
        (
            "google.com",
            "doubleclick.net",
            "youtube.com",
            "gstatic.com",
            "google-analytics.com",
            "googletagmanager.com",
            "googlesyndication.com",
            "googleadservices.com",
        ),
    ),
    "Facebook": (
        ("facebook", "meta", "meta platforms", "instagram", "facebook pixel"),
        ("facebook.com", "fb.com", "meta.com", "instagram.com"),
    ),
    "Microsoft": (
        ("microsoft", "bing", "microsoft clarity", "clarity"),
        ("microsoft.com", "bing.com", "clarity.ms"),
    ),
    "LinkedIn": (("linkedin", "linkedin insight tag"), ("linkedin.com",)),
    "X": (("x", "x corp", "x corp."), ("x.com", "t.co", "twimg.com")),
    "Twitter": (("twitter", "twitter inc", "twitter inc."), ("twitter.com",)),
    "TikTok": (("tiktok", "bytedance"), ("tiktok.com", "bytedance.com")),
    "Stripe": (("stripe",), ("stripe.com",)),
    "PayPal": (("paypal", "braintree"), ("paypal.com", "braintreegateway.com")),
    "Akamai": (("akamai",), ("akamai.com",)),
    "Cloudflare": (("cloudflare",), ("cloudflare.com",)),
    "Shopify": (("shopify",), ("shopify.com",)),
    "Datadog": (("datadog",), ("datadoghq.com", "datadog.com")),
    "Adobe": (("adobe", "adobe analytics", "adobe target"), ("adobe.com",)),
    "AppsFlyer": (("appsflyer",), ("appsflyer.com",)),
    "Adjust": (("adjust",), ("adjust.com",)),
    "Branch Metrics": (("branch", "branch metrics"), ("branch.io", "app.link")),
    "Kochava": (("kochava",), ("kochava.com",)),
    "Singular": (("singular",), ("singular.net",)),
    "Tenjin": (("tenjin",), ("tenjin.io", "tenjin.com")),
    "Adform": (("adform",), ("adform.com",)),
    "Criteo": (("criteo",), ("criteo.com",)),
    "Reddit": (("reddit",), ("reddit.com",)),
    "Snap": (("snap", "snapchat"), ("snap.com", "snapchat.com")),
    "Pinterest": (("pinterest",), ("pinterest.com",)),
    "Amazon": (("amazon", "amazon web services", "aws"), ("amazon.com", "aws.amazon.com")),
    "Apple": (("apple", "apple pay"), ("apple.com",)),
    "Oracle": (("oracle", "moat", "moat by oracle"), ("oracle.com",)),
    "Nielsen": (("nielsen",), ("nielsen.com",)),
    "Kantar": (("kantar",), ("kantar.com", "kantarmedia.com")),
    "Giphy": (("giphy", "giphy inc", "giphy inc."), ("giphy.com",)),
    "MoPub": (("mopub", "applovin"), ("mopub.com", "applovin.com")),
    "Yandex": (("yandex", "appmetrica"), ("yandex.com", "yandex.ru")),
    "Hotjar": (("hotjar",), ("hotjar.com",)),
    "Mixpanel": (("mixpanel",), ("mixpanel.com",)),
    "Amplitude": (("amplitude",), ("amplitude.com",)),
    "Segment": (("segment", "twilio segment"), ("segment.com", "segment.io")),
    "Sentry": (("sentry",), ("sentry.io",)),
    "Intercom": (("intercom",), ("intercom.com", "intercom.io")),
    "HubSpot": (("hubspot",), ("hubspot.com",)),
    "Salesforce": (("salesforce",), ("salesforce.com",)),
    "Zendesk": (("zendesk",), ("zendesk.com",)),
    "Optimizely": (("optimizely",), ("optimizely.com",)),
    "New Relic": (("new relic",), ("newrelic.com",)),
    "FullStory": (("fullstory",), ("fullstory.com",)),
    "Heap": (("heap", "heap analytics"), ("heap.io", "heapanalytics.com")),
    "Vimeo": (("vimeo",), ("vimeo.com",)),
    "OneTrust": (("onetrust",), ("onetrust.com",)),
    "Didomi": (("didomi",), ("didomi.io",)),
    "Sizmek": (("sizmek",), ("sizmek.com",)),
    "Flashtalking": (("flashtalking",), ("flashtalking.com",)),
    "Digital Advertising Alliance": (
        ("digital advertising alliance", "daa"),
        ("aboutads.info", "digitaladvertisingalliance.org"),
    ),
    "Plausible": (("plausible", "plausible analytics"), ("plausible.io",)),
    "Matomo": (("matomo",), ("matomo.org",)),
}

_BY_ALIAS: dict[str, str] = {
    alias: name for name, (aliases, _) in KNOWN_ORGANISATIONS.items() for alias in aliases
}
_BY_DOMAIN: dict[str, str] = {
    domain: name for name, (_, domains) in KNOWN_ORGANISATIONS.items() for domain in domains
}
# Product names that are also ordinary words: they only count as a prefix of a longer name
# ("Branch Metrics"), or exactly when written with a capital.
_AMBIGUOUS = {
    "branch",
    "adjust",
    "segment",
    "singular",
    "heap",
    "snap",
    "clarity",
    "meta",
    "x",
    "apple",
    "amazon",
    "oracle",
    "daa",
    "moat",
}
_SUFFIXES = re.compile(
    r"[,\s]+(?:inc|llc|ltd|limited|gmbh|corp|corporation|co|plc|s\.a|b\.v)\.?$", re.I
)

KNOWN_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(
        re.escape(alias).replace(r"\ ", r"\s+")
        for alias in sorted(_BY_ALIAS, key=len, reverse=True)
        if alias not in _AMBIGUOUS and len(alias) > 3
    )
    + r")\b",
    re.I,
)


def canonical_org(name: str) -> str | None:
    """The canonical name of a known organisation or product ("Google Analytics" → "Google")."""
    folded = _SUFFIXES.sub("", " ".join(name.split())).casefold().strip(" .")
    if folded in _BY_ALIAS:
        return _BY_ALIAS[folded]
    words = folded.split()
    for size in range(min(len(words), 3), 0, -1):
        prefix = " ".join(words[:size])
        if prefix in _BY_ALIAS and (prefix not in _AMBIGUOUS or size < len(words)):
            return _BY_ALIAS[prefix]
    return None


def org_of_domain(url_or_domain: str) -> str | None:
    """The organisation behind a URL's host, when the host is a known one."""
    text = url_or_domain.strip()
    host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    host = host.lower().lstrip(".")
    parts = host.split(".")
    for start in range(len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in _BY_DOMAIN:
            return _BY_DOMAIN[candidate]
    return None


# Organisations that are one company under an old and a new name.
RENAMED = [frozenset({"X", "Twitter"}), frozenset({"Facebook", "Meta"})]


def same_org(name: str, owner: str | None) -> bool:
    """True when ``name`` is the page owner under any of its known names."""
    if not owner:
        return False
    mine = canonical_org(owner) or _SUFFIXES.sub("", owner).casefold().strip()
    theirs = canonical_org(name) or _SUFFIXES.sub("", name).casefold().strip()
    if mine == theirs or any({mine, theirs} <= group for group in RENAMED):
        return True
    owner_words = set(_SUFFIXES.sub("", owner).casefold().split()) - {"legal", "team", "the"}
    name_words = set(_SUFFIXES.sub("", name).casefold().split())
    return bool(owner_words) and owner_words <= name_words

"""Words a lawyer reads in a message: names instead of ids, plain terms for taxonomy keys."""

from __future__ import annotations

from collections.abc import Iterable

from governance.model import Category, Consent, Item, Policy, Storage

_USES = {
    "analytics": "analytics",
    "analytics.reporting": "analytics reporting",
    "analytics.reporting.ad_performance": "ad performance measurement",
    "analytics.reporting.campaign_insights": "campaign insights",
    "analytics.reporting.content_performance": "content performance analytics",
    "analytics.reporting.system.performance": "performance monitoring",
    "essential.fraud_detection": "fraud detection",
    "essential.service.authentication": "authentication",
    "essential.service.payment_processing": "payment processing",
    "essential.service.security": "security",
    "functional.storage": "storing preferences",
    "functional.storage.privacy_preferences": "storing privacy preferences",
    "marketing": "marketing",
    "marketing.advertising": "advertising",
    "marketing.advertising.first_party": "first-party advertising",
    "marketing.advertising.first_party.targeted": "targeted first-party advertising",
    "marketing.advertising.profiling": "advertising profiling",
    "marketing.advertising.third_party": "third-party advertising",
    "marketing.advertising.third_party.targeted": "targeted third-party advertising",
    "marketing.communications": "marketing messages",
    "personalize.content.profiling": "profiling for personalised content",
    "personalize.profiling": "profiling",
    "sales": "sale of data",
    "third_party_sharing": "sharing with third parties",
    "train_ai_system": "training AI systems",
}

_CATEGORIES = {
    "user": "personal data",
    "user.device": "device data",
    "user.device.cookie_id": "cookie identifiers",
    "user.device.device_id": "device identifiers",
    "user.device.ip_address": "IP addresses",
    "user.financial": "financial data",
    "user.financial.credit_card": "card numbers",
    "user.behavior.browsing_history": "browsing history",
    "user.behavior.purchase_history": "purchase history",
    "user.contact.email": "email addresses",
    "user.location.precise": "precise location",
    "user.location.imprecise": "approximate location",
    "user.unique_id": "unique identifiers",
    "user.unique_id.pseudonymous": "pseudonymous identifiers",
    "user.telemetry": "telemetry",
    "user.content": "user content",
}

_COUNTRIES = {
    "US": "the United States",
    "GB": "the United Kingdom",
    "CN": "China",
    "IN": "India",
    "RU": "Russia",
    "CA": "Canada",
    "AU": "Australia",
    "JP": "Japan",
    "BR": "Brazil",
    "SG": "Singapore",
    "IL": "Israel",
    "CH": "Switzerland",
    "DE": "Germany",
    "FR": "France",
    "IE": "Ireland",
    "NL": "the Netherlands",
    "MT": "Malta",
}

_STORAGE = {
    Storage.cookie: "cookie",
    Storage.local_storage: "localStorage key",
    Storage.session_storage: "sessionStorage key",
    Storage.indexed_db: "IndexedDB store",
    Storage.pixel: "tracking pixel",
    Storage.sdk: "SDK identifier",
    Storage.other: "tracking technology",
}

_CATEGORY = {
    Category.strictly_necessary: "strictly necessary",
    Category.functional: "functional",
    Category.analytics: "analytics",
    Category.marketing: "marketing",
}

_CONSENT = {
    Consent.opt_in: "only with consent (opt-in)",
    Consent.opt_out: "by default until the user objects (opt-out)",
    Consent.notice: "with notice only, without asking",
    Consent.none: "without asking for consent",
}


def _last_words(key: str) -> str:
    return key.rsplit(".", 1)[-1].replace("_", " ")


def use_words(key: str) -> str:
    """``marketing.advertising.third_party`` → ``third-party advertising``."""
    return _USES.get(key) or _last_words(key)


def category_words(key: str) -> str:
    """``user.behavior.browsing_history`` → ``browsing history``."""
    if key in _CATEGORIES:
        return _CATEGORIES[key]
    words = _last_words(key)
    return f"{words} data" if key.count(".") == 1 else words


def country_words(code: str) -> str:
    return _COUNTRIES.get(code.upper(), code.upper())


def storage_words(storage: Storage) -> str:
    return _STORAGE.get(storage, "tracking technology")


def category_label(category: Category | str) -> str:
    return _CATEGORY.get(Category(category), str(category))


def consent_words(consent: Consent | str) -> str:
    return _CONSENT.get(Consent(consent), str(consent))


def join(words: Iterable[str]) -> str:
    """``["a", "b", "c"]`` → ``a, b and c``."""
    listed = [w for w in dict.fromkeys(words) if w]
    if not listed:
        return ""
    if len(listed) == 1:
        return listed[0]
    return ", ".join(listed[:-1]) + " and " + listed[-1]


def short(text: str | None, *, lower: bool = True) -> str:
    """The text on one line, whole (a message is evidence: never cut); ``lower``: first letter
    lowered to continue a sentence (not for quotations)."""
    if not text:
        return ""
    line = " ".join(text.split()).rstrip(".")
    if lower and line[:1].isupper() and not line[1:2].isupper():
        line = line[0].lower() + line[1:]
    return line


def provider_name(policy: Policy | None, key: str | None) -> str | None:
    """The display name of an item's provider: the recipient's name, else the key as written."""
    if key is None:
        return None
    recipient = policy.recipient(key) if policy else None
    return recipient.name if recipient else key


def item_words(item: Item, policy: Policy | None = None) -> str:
    """``analytics cookie "_ga" (Google)``: what the item is, by its name."""
    provider = provider_name(policy, item.provider)
    by = f" ({provider})" if provider and item.party == "third" else ""
    return f'{category_label(item.category)} {storage_words(item.storage)} "{item.name}"{by}'


def page_text(policy: Policy | None) -> str:
    """The prose of a version (summary, headings, bodies, recipients' purposes): what it says."""
    if policy is None:
        return ""
    parts = [policy.summary]
    for section in policy.sections:
        parts += [section.title, section.body]
    parts += [r.purpose for r in policy.recipients]
    parts += [c.text for c in policy.controls]
    parts += [c.text for c in policy.commitments]
    return "\n\n".join(part for part in parts if part)


def offered_controls(policy: Policy | None) -> dict[str, set[str]]:
    """The controls a version offers anywhere in its text, each with the means it is used by
    (a setting, the browser, an e-mail, a link or page)."""
    from governance.prose.claims import extract_claims
    from governance.prose.compare import means_of

    offered: dict[str, set[str]] = {}
    for claim in extract_claims(page_text(policy)):
        for concept in claim.controls:
            offered.setdefault(concept, set()).update(means_of(claim.text))
    return offered


def still_offered(text: str, offered: dict[str, set[str]]) -> set[str]:
    """The controls ``text`` states, when the page still offers every one of them by the same
    means, or points to where they are (a link, a settings page); else an empty set."""
    from governance.prose.claims import extract_claims
    from governance.prose.compare import means_of

    claims = extract_claims(text)
    ways = {concept for claim in claims for concept in claim.controls}
    means = set().union(*(means_of(claim.text) for claim in claims)) if claims else set()
    for concept in ways:
        there = offered.get(concept)
        if there is None:
            return set()
        if not (means <= there or "a link or form" in there):
            return set()
    return ways


_named_of: tuple[Policy, Policy, set[str], str] | None = None


def names_gone(text: str, old: Policy | None, new: Policy | None) -> list[str]:
    """Organisations ``text`` names that the old version named and the new one no longer does:
    a promise about them goes with them."""
    from governance.prose.claims import extract_claims, name_key

    if old is None or new is None:
        return []
    global _named_of
    if _named_of is None or _named_of[0] is not old or _named_of[1] is not new:
        named = {r.name for r in old.recipients}
        for claim in extract_claims(page_text(old)):
            named.update(claim.parties)
        now = " ".join(name_key(t) for t in (page_text(new), *(i.name for i in new.items)))
        _named_of = (old, new, named, f" {now} ")
    named, now = _named_of[2], _named_of[3]
    said = f" {name_key(text)} "
    return sorted(
        name
        for name in named
        if (key := name_key(name)) and f" {key} " in said and f" {key} " not in now
    )


EMPTIED_REASON = (
    "The new version holds almost nothing of the page (a failed capture, or a page emptied): "
    "what it no longer says is not a decision to stop saying it. Review the page as a whole."
)


def emptied(old: Policy | None, new: Policy | None) -> bool:
    """Whether the new version is a page that lost nearly all its text (a failed capture): a
    titled page with under a tenth of the old page's words, and few of them."""
    if old is None or new is None or not new.title:
        return False
    before = len(page_text(old).split())
    after = len(page_text(new).split()) + sum(len(i.name.split()) for i in new.items)
    return before >= 200 and after < 80 and after * 10 < before

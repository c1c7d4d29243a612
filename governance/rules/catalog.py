"""The known-cookie catalogue as a detector: a declared item the catalogue attributes to a third
party, declared as first-party or without that third party as its provider.

Only items that are new or whose name, party or provider changed in this diff are checked: a
reviewer judges the change in front of them, and an item declared the same way for years is not
news (``govern catalog lookup NAME`` answers questions about it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import governance.rules.recipients  # noqa: F401 - declares third-party-added
from governance.catalog import Catalog, CatalogEntry, catalog_for
from governance.diff import PolicyDiff
from governance.findings import Level
from governance.model import Category, Item, Party, Policy
from governance.rules.registry import Hit, detector

REASON = (
    "The known-cookie catalogue attributes this name to a third party: if it is set, the "
    "third party receives data and must be disclosed as a recipient (GDPR Art. 13(1)(e)); a "
    "third-party analytics or marketing cookie needs prior consent (ePrivacy Art. 5(3)). The "
    "match is a suggestion: confirm who sets the cookie on your site."
)


@detector("third-party-added")
def catalogue_attributes_to_third_party(diff: PolicyDiff) -> Iterator[Hit]:
    if diff.new is None:
        return
    candidates: list[Item] = list(diff.items.added)
    candidates += [
        pair.new
        for pair in diff.items.matched
        if pair.changed("name")
        or pair.changed("names")
        or pair.changed("party")
        or pair.changed("provider")
    ]
    if not candidates:
        return
    catalog = catalog_for(diff.config)
    owner = _tokens(diff.new.owner or "")
    for item in candidates:
        entry = _catalogued(catalog, item)
        if entry is None:
            continue
        if owner and (owner & _tokens(entry.controller) or owner & _tokens(entry.platform)):
            continue  # the policy's owner is the vendor itself
        provider = _provider_name(diff.new, item.provider)
        if provider is not None and _same_organisation(provider, entry):
            continue
        if item.party is Party.first:
            declared = "but the policy declares it first-party"
        elif provider is None:
            declared = "but the policy names no provider for it"
        else:
            declared = f"but the policy names {provider} as its provider"
        necessary = entry.category == Category.strictly_necessary.value
        yield Hit(
            f"items/{item.id}/provider",
            f"{entry.describe(item.name)} according to {entry.source}, {declared}",
            item.provider,
            {"catalogue": entry.platform, "controller": entry.controller},
            level=Level.minor if necessary else None,
            reason=REASON,
        )


def _catalogued(catalog: Catalog, item: Item) -> CatalogEntry | None:
    """The catalogue's third-party entry for the item's name, technical names or id."""
    for name in (item.name, *item.names, item.id):
        entry = catalog.lookup(name)
        if entry is not None and entry.third_party:
            return entry
    return None


def _provider_name(policy: Policy, key: str | None) -> str | None:
    if key is None:
        return None
    recipient = policy.recipient(key)
    return recipient.name if recipient is not None else key


_STOP = {
    "inc", "ltd", "llc", "limited", "corp", "corporation", "co", "gmbh", "plc", "sa", "the",
    "and", "of", "platforms", "technologies", "technology", "com", "analytics", "ads", "pixel",
    "tag", "insight", "advertising", "bot", "management", "manager", "experience", "cloud",
}  # fmt: skip


def _tokens(name: str) -> set[str]:
    return {t for t in re.split(r"[^\w]+", name.casefold()) if t and t not in _STOP}


_ALIASES = {"meta": {"facebook", "instagram"}, "facebook": {"meta"}, "x": {"twitter"},
            "twitter": {"x"}, "google": {"youtube", "doubleclick"}, "twilio": {"segment"},
            "segment": {"twilio"}}  # fmt: skip


def _same_organisation(provider: str, entry: CatalogEntry) -> bool:
    return same_organisation_names(provider, entry.platform, entry.controller)


def same_organisation_names(declared_name: str, platform: str, controller: str) -> bool:
    """Whether a declared provider or recipient name and a catalogue's platform and controller
    name one organisation ("Google" and "Google Analytics" / "Google LLC")."""
    declared = _tokens(declared_name)
    known = _tokens(controller) | _tokens(platform)
    for token in list(known):
        known |= _ALIASES.get(token, set())
    return bool(declared & known)

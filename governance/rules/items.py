"""Rules about cookies and other storage items: added, removed, renamed, leaving the device."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from governance.diff import FieldChange, PolicyDiff, entry_data
from governance.findings import Level
from governance.model import CONSENT_STRENGTH as CONSENT_RANK
from governance.model import Category, Item, Party, Policy, Storage, retention_days
from governance.rules.registry import Hit, rule
from governance.rules.words import consent_words, item_words, join, short, use_words

AREA = "items"

_ON_DEVICE_STORAGE = {
    Storage.local_storage.value,
    Storage.session_storage.value,
    Storage.indexed_db.value,
}
_SENT_STORAGE = {Storage.cookie.value, Storage.pixel.value}

NECESSARY_FIRST_PARTY_REASON = (
    "A strictly necessary first-party item is exempt from consent (ePrivacy Art. 5(3), second "
    "sentence; Article 29 Working Party WP194): it must be listed but needs no review."
)


RELISTED_REASON = (
    "An entry that repeats one already disclosed, fact for fact, tells users nothing new "
    "(EDPB WP260 rev.01 ¶29-30: only substantive changes need communicating)."
)


def _facts(item: Item) -> tuple[object, ...]:
    """Everything an item discloses except its id and where on the page it is listed."""
    return (
        " ".join(item.name.casefold().split()),
        item.storage,
        item.party,
        item.provider,
        item.category,
        tuple(sorted(item.data_uses)),
        " ".join(item.purpose.casefold().split()),
        item.retention,
        item.consent,
        item.leaves_device,
    )


SIBLING_REASON = (
    "Another name from a provider already disclosed, for a purpose already disclosed, in the "
    "same consent category: consent is given per purpose and recipient (ePrivacy Art. 5(3); "
    "GDPR Art. 13(1)(c) and (e)), and nothing users agreed to changes; the list must still be "
    "complete."
)


def disclosed_sibling(item: Item, old: Policy) -> Item | None:
    """An item of the old version from the same provider (or the site itself), in the same
    category, whose purposes cover the new item's: the new one is another name for them."""
    from governance.rules.recipients import covers

    group = _groups(old).get(_kind(item))
    if group is None:
        return None
    if not covers(item.data_uses, group.uses):
        return None
    # a strictly necessary item's uses say all there is to say about its purpose
    essential = item.category is Category.strictly_necessary
    if CONSENT_RANK[item.consent] < group.least_consent:
        return None  # asks less consent than its siblings did
    days = retention_days(item.retention)
    if days is not None and days > 0 and (group.longest is None or days > group.longest):
        return None  # kept longer than anything of its kind was said to be
    said = _purpose_words(item.purpose, item.name)
    if not essential and said and len(said - group.words) * 2 > len(said):
        return None  # its own words name a purpose the others did not
    return group.first


Kind = tuple[Category, Party, str | None]


def _kind(item: Item) -> Kind:
    return (item.category, item.party, item.provider.casefold() if item.provider else None)


@dataclass
class _Group:
    """The old items of one category and setter, summed up once per diff."""

    first: Item
    uses: set[str] = field(default_factory=set)
    least_consent: int = 3
    longest: float | None = None
    words: frozenset[str] = frozenset()


_groups_of: tuple[Policy, dict[Kind, _Group]] | None = None


def _groups(old: Policy) -> dict[Kind, _Group]:
    global _groups_of
    if _groups_of is not None and _groups_of[0] is old:
        return _groups_of[1]
    groups: dict[Kind, _Group] = {}
    for candidate in old.items:
        group = groups.setdefault(_kind(candidate), _Group(candidate))
        group.uses.update(candidate.data_uses)
        group.least_consent = min(group.least_consent, CONSENT_RANK[candidate.consent])
        days = retention_days(candidate.retention)
        if days is not None:
            group.longest = days if group.longest is None else max(group.longest, days)
        group.words |= _purpose_words(candidate.purpose, candidate.name)
    _groups_of = (old, groups)
    return groups


@lru_cache(maxsize=1 << 14)
def _purpose_words(purpose: str, name: str) -> frozenset[str]:
    from governance.prose.claims import masked, signature

    text = purpose or ("" if _TECHNICAL.match(name) else name)
    return frozenset(w for w in signature(masked(text)) if len(w) > 2 and w not in _GENERIC)


_TECHNICAL = re.compile(r"^[\w.$*-]+$")
_GENERIC = frozenset(
    [
        "cookie",
        "cookies",
        "used",
        "use",
        "set",
        "sets",
        "service",
        "site",
        "website",
        "purpose",
        "purposes",
        "data",
        "information",
        "user",
        "users",
        "visitor",
        "visitors",
        "browser",
    ]
)


# WP194 §3.6: user-interface customisation (a language, a layout, a dismissed banner) is
# exempt when it only remembers the user's own choice on the site.
_UI_CHOICE = re.compile(
    r"\b(?:display|layout|theme|language|font|dismiss\w*|banner|footer|header|menu|interface|"
    r"\bui\b|view|tab|state|dark mode|night mode|remember\w* (?:your |the )?(?:choice|selection|"
    r"setting|preference)s?|(?:choice|selection|setting|preference)s? you (?:made|chose))\b",
    re.I,
)


def is_necessary_first_party(item: Item) -> bool:
    """Exempt from consent under WP194: strictly necessary and set by the site itself, or a
    first-party functional item that only customises the interface."""
    if item.party is not Party.first or item.provider is not None:
        return item.category is Category.strictly_necessary and item.party is Party.first
    if item.category is Category.strictly_necessary:
        return True
    return item.category is Category.functional and bool(
        _UI_CHOICE.search(f"{item.name.replace('_', ' ')} {item.purpose}")
    )


def _what_for(item: Item) -> str:
    return join(use_words(use) for use in item.data_uses) or short(item.purpose)


def added_item_message(item: Item, policy: Policy | None) -> str:
    message = f"New {item_words(item, policy)}"
    if item.domain:
        message += f" on {item.domain}"
    purpose = _what_for(item)
    if purpose:
        message += f" for {purpose}"
    return message + f", set {consent_words(item.consent)}"


@rule(
    "tracking-item-added",
    Level.material,
    description=(
        "A new cookie or storage item (minor when it is a strictly necessary first-party item)."
    ),
    rationale=(
        "Storing or reading information on a user's device needs prior consent unless it is "
        "strictly necessary for a service the user asked for (ePrivacy Directive Art. 5(3)); "
        "a new analytics or marketing item changes what users consent to. A strictly necessary "
        "first-party item is exempt (WP194), so its addition is minor."
    ),
    area=AREA,
)
def added_items(diff: PolicyDiff) -> Iterator[Hit]:
    disclosed = {_facts(item) for item in diff.old.items} if diff.old else set()
    for item in diff.items.added:
        if _facts(item) in disclosed:
            yield Hit(
                f"items/{item.id}",
                f'"{item.name}" is listed again; the same item was already disclosed',
                None,
                entry_data(item),
                level=Level.editorial,
                reason=RELISTED_REASON,
            )
            continue
        necessary = is_necessary_first_party(item)
        sibling = None if necessary or diff.old is None else disclosed_sibling(item, diff.old)
        reason = NECESSARY_FIRST_PARTY_REASON if necessary else SIBLING_REASON if sibling else None
        message = added_item_message(item, diff.new)
        if sibling is not None:
            message += f"; like \u201c{sibling.name}\u201d, already disclosed"
        yield Hit(
            f"items/{item.id}",
            message,
            None,
            entry_data(item),
            level=Level.minor if necessary or sibling is not None else None,
            reason=reason,
        )


@rule(
    "tracking-item-removed",
    Level.minor,
    description="A cookie or storage item is gone.",
    rationale="Less processing: an item that is gone stores and reads nothing on the device.",
    area=AREA,
)
def removed_items(diff: PolicyDiff) -> Iterator[Hit]:
    for item in diff.items.removed:
        yield Hit(
            f"items/{item.id}",
            f"The {item_words(item, diff.old)} is no longer used",
            entry_data(item),
            None,
        )


@rule(
    "tracking-item-renamed",
    Level.minor,
    description="An item has a new name, with the same provider, purpose and category.",
    rationale=(
        "A new name for the same item changes none of the information GDPR Art. 13 requires "
        "(recipients, purposes, retention); users need not be told, but the list must match."
    ),
    area=AREA,
)
def renamed_items(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.renamed:
        name = pair.field("name")
        assert name is not None  # a rename is a change of name
        yield Hit(
            f"items/{pair.key}/name",
            f'The {item_words(pair.old, diff.old)} is renamed "{pair.new.name}" '
            "(same provider, purpose and category)",
            name.before,
            name.after,
        )


@rule(
    "data-leaves-device",
    Level.material,
    description="Data that stayed on the device is now sent to a server.",
    rationale=(
        "Data kept on the device is disclosed to no one; once it is sent to a server it is "
        "collected, and the information duties of GDPR Art. 13 (purposes, recipients, retention) "
        "apply to it for the first time."
    ),
    area=AREA,
)
def leaves_device(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        change = pair.field("leaves_device")
        if change is not None and change.after is True:
            yield Hit(
                f"items/{pair.key}/leaves_device",
                f"The data of {item_words(pair.new, diff.new)} is now sent to a server; "
                "it stayed on the device before",
                False,
                True,
            )
        elif moved_off_device(pair.field("storage")):
            storage = pair.field("storage")
            assert storage is not None
            yield Hit(
                f"items/{pair.key}/storage",
                f'"{pair.new.name}" moves from {storage.before} to a {storage.after}, which the '
                "browser sends to a server; it stayed on the device before",
                storage.before,
                storage.after,
            )


def moved_off_device(storage: FieldChange | None) -> bool:
    """From browser-only storage to one the browser sends out (a cookie, a pixel)."""
    return (
        storage is not None
        and storage.before in _ON_DEVICE_STORAGE
        and storage.after in _SENT_STORAGE
    )


@rule(
    "item-details-changed",
    Level.minor,
    description=(
        "An item's storage type changes, it no longer leaves the device, or it is now set by the "
        "first party itself."
    ),
    rationale=(
        "The item's purposes, recipients and retention are unchanged, or it processes less: "
        "the list must stay accurate, but no element of GDPR Art. 13 grows."
    ),
    area=AREA,
)
def item_details(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        words = item_words(pair.new, diff.new)
        storage = pair.field("storage")
        if storage is not None and not moved_off_device(storage):
            yield Hit(
                f"items/{pair.key}/storage",
                f'"{pair.new.name}" is now stored as {storage.after} instead of {storage.before}',
                storage.before,
                storage.after,
            )
        device = pair.field("leaves_device")
        if device is not None and device.after is False:
            yield Hit(
                f"items/{pair.key}/leaves_device",
                f"The data of {words} now stays on the device",
                True,
                False,
            )
        party = pair.field("party")
        if party is not None and party.after == Party.first.value:
            yield Hit(
                f"items/{pair.key}/party",
                f"The {words} is now set first-party",
                party.before,
                party.after,
            )
        provider = pair.field("provider")
        if provider is not None and provider.after is None:
            yield Hit(
                f"items/{pair.key}/provider",
                f"The {words} no longer names a provider (before: {provider.before})",
                provider.before,
                None,
            )


@rule(
    "deceptive-name",
    Level.material,
    description=(
        "A new or renamed item's name hides invisible characters or mixes scripts "
        "(a Cyrillic 'а' in '_gа'), so it reads as another name than it is."
    ),
    rationale=(
        "A disclosure must be intelligible and not misleading (GDPR Art. 12(1); FTC Act §5): a "
        "name drawn to look like another (Unicode TR39 confusables) hides from reviewers and "
        "users which cookie is set, and from the catalogue whose cookie it is."
    ),
    area=AREA,
)
def deceptive_names(diff: PolicyDiff) -> Iterator[Hit]:
    from governance.catalog import deceptive, skeleton

    items = [*diff.items.added, *(pair.new for pair in diff.items.modified if pair.renamed)]
    for item in items:
        for name in dict.fromkeys([item.name, *item.names]):
            why = deceptive(name)
            if why is None:
                continue
            yield Hit(
                f"items/{item.id}/name",
                f"The name {name!r} of {item_words(item, diff.new)} reads as "
                f'"{skeleton(name)}", but {why}',
                None,
                name,
            )
            break

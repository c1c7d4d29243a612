"""Rules about who receives data: new third parties, more sharing, transfers, removals."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from governance.diff import EntryChange, PolicyDiff, entry_data
from governance.findings import Level
from governance.model import Category, Item, Policy, Recipient, Role
from governance.rules.items import SIBLING_REASON, disclosed_sibling
from governance.rules.registry import Hit, detector, rule
from governance.rules.words import (
    category_words,
    country_words,
    item_words,
    join,
    provider_name,
    short,
    use_words,
)

AREA = "recipients"

SENSITIVE_USES = (
    "marketing.advertising",
    "sales",
    "third_party_sharing",
    "personalize.profiling",
    "personalize.content.profil",
    "train_ai_system",
)
SALE_AND_SHARING_REASON = (
    "Selling data or sharing it for cross-context behavioural advertising is a 'sale' or "
    "'sharing' under CCPA §1798.140(ad), (ah) and (k), which users have the right to opt out of "
    "before it starts (§1798.120); under GDPR Art. 13(3) a new purpose must be disclosed first."
)


ESSENTIAL_REASON = (
    "Another essential use (security, fraud prevention, running the service) beside essential "
    "uses already disclosed: strictly necessary processing is exempt from consent (ePrivacy "
    "Art. 5(3); WP194) and no new purpose users could object to appears."
)


def covers(keys: Iterable[str], disclosed: Iterable[str]) -> bool:
    """True when every taxonomy key equals, or is narrower than, a key already disclosed."""
    known = tuple(disclosed)
    return all(any(k == d or k.startswith(d + ".") for d in known) for k in keys)


def uncovered(keys: Iterable[str], disclosed: Iterable[str]) -> list[str]:
    known = tuple(disclosed)
    return [k for k in keys if not covers((k,), known)]


def is_sensitive_use(key: str) -> bool:
    return key.startswith(SENSITIVE_USES)


# The fideslang data uses that state a category's purpose (and nothing beyond it).
_CATEGORY_USES = {
    Category.strictly_necessary: "essential",
    Category.functional: "functional",
    Category.analytics: "analytics",
    Category.marketing: "marketing",
}


def follows_gating(pair: EntryChange[Item], new_uses: Iterable[str]) -> bool:
    """Whether an item's new data uses only restate its move out of strictly necessary.

    A reader that infers data uses from the category (Markdown), or an author who updates them
    with it (YAML), changes them when an item moves from strictly necessary to a consent-gated
    category. The consent rules judge that move (more protective: minor) and, by design, it is
    not a new purpose; the new category's uses say the same thing again. A use beyond the new
    category (advertising on an item moved to functional, AI training) is still a new purpose.
    """
    category = pair.field("category")
    if category is None or category.before != Category.strictly_necessary.value:
        return False
    family = _CATEGORY_USES[Category(category.after)]
    return all(use == family or use.startswith(f"{family}.") for use in new_uses)


def _gated_uses(diff: PolicyDiff, recipient: Recipient) -> list[str]:
    """The data uses of the recipient's items that only follow their move to consent-gating."""
    keys = {recipient.id.casefold(), recipient.name.casefold()}
    uses: list[str] = []
    for pair in diff.items.modified:
        provider = pair.new.provider
        if provider is None or provider.casefold() not in keys:
            continue
        if follows_gating(pair, pair.new.data_uses):
            uses += pair.new.data_uses
    return uses


def known_provider(policy: Policy | None, key: str | None) -> bool:
    """Whether a provider was disclosed in ``policy``: as a recipient or as some item's provider."""
    if policy is None or key is None:
        return False
    if policy.recipient(key) is not None:
        return True
    folded = key.casefold()
    return any(
        item.provider is not None and item.provider.casefold() == folded for item in policy.items
    )


def receives_words(recipient: Recipient) -> str:
    shared = join(category_words(key) for key in recipient.data_shared) or "personal data"
    said = " ".join(recipient.purpose.split())
    if said and _name_tokens(recipient.name) & _name_tokens(said) and len(said.split()) > 4:
        # the page's own sentence about the recipient: quoted as written, whole
        return f"{shared}: \u201c{said}\u201d"
    purpose = short(recipient.purpose) or join(use_words(key) for key in recipient.data_uses)
    if not purpose:
        return shared
    if re.match(r"(?:to|in order to)\s", purpose):
        return f"{shared} {purpose}"  # "personal data to measure visits"
    return f"{shared} for {_LEADING_FOR.sub('', purpose)}"


_LEADING_FOR = re.compile(r"^(?:(?:is |are )?used )?for\s+", re.I)  # "for used for …" once
_LEGAL_SUFFIXES = re.compile(
    r"\b(inc|ltd|llc|limited|gmbh|corp|corporation|co|plc|sa|sas|ag|bv|ab|oy|srl|pty)\b\.?"
)


def _name_tokens(name: str) -> set[str]:
    folded = _LEGAL_SUFFIXES.sub(" ", name.casefold())
    return {token for token in re.split(r"[^\w]+", folded) if token}


def same_organisation(old_name: str, new_name: str) -> bool:
    """ "Hotjar Ltd" and "Hotjar" are one organisation; "Hotjar" and "FullStory" are not."""
    old_tokens, new_tokens = _name_tokens(old_name), _name_tokens(new_name)
    if not old_tokens or not new_tokens:
        return False
    return old_tokens <= new_tokens or new_tokens <= old_tokens


def _disclosed_category(recipient: Recipient, diff: PolicyDiff) -> Recipient | None:
    """A recipient still present that already discloses this processor's category, if any."""
    if recipient.role is not Role.processor or not recipient.data_uses:
        return None
    for pair in diff.recipients.matched:  # every recipient still there, changed or not
        existing = pair.old
        if (
            existing.role is Role.processor
            and pair.new.role is Role.processor
            and covers(recipient.data_uses, existing.data_uses)
            and covers(recipient.data_shared, existing.data_shared)
            and set(recipient.countries) <= set(existing.countries)
        ):
            return pair.new
    return None


def _replaced(recipient: Recipient, diff: PolicyDiff) -> Recipient | None:
    """A removed recipient that did the same job: the new one is a vendor swap."""
    for gone in diff.recipients.removed:
        if set(gone.data_uses) & set(recipient.data_uses):
            return gone
    return None


@rule(
    "third-party-added",
    Level.material,
    description=(
        "A recipient, vendor, partner or other third party that did not receive data before now "
        "does (a new recipient, a vendor swap, or an item whose provider is a new third party)."
    ),
    rationale=(
        "A new recipient of personal data must be disclosed before it receives data "
        "(GDPR Art. 13(1)(e)); EDPB WP260 rev.01 ¶30 lists the enlargement of the categories of "
        "recipients as a change users must be told about; the FTC treats undisclosed sharing with "
        "third parties as deceptive (FTC Act §5)."
    ),
    area=AREA,
)
def new_recipients(diff: PolicyDiff) -> Iterator[Hit]:
    for recipient in diff.recipients.added:
        if _disclosed_category(recipient, diff) is not None:
            continue
        message = f"New third party {recipient.name} receives {receives_words(recipient)}"
        message += _set_on(recipient, diff)
        if recipient.countries:
            message += f" (in {join(country_words(c) for c in recipient.countries)})"
        gone = _replaced(recipient, diff)
        if gone is not None:
            message += f", replacing {gone.name}"
        yield Hit(f"recipients/{recipient.id}", message, None, entry_data(recipient))
    for pair in diff.recipients.modified:
        name = pair.field("name")
        if name is not None and not same_organisation(name.before, name.after):
            yield Hit(
                f"recipients/{pair.key}/name",
                f"New third party {pair.new.name} takes the place of {pair.old.name} and receives "
                f"{receives_words(pair.new)}",
                name.before,
                name.after,
            )


def _set_on(recipient: Recipient, diff: PolicyDiff) -> str:
    """' (cookies "IDE", "DSID" on .doubleclick.net)': the new items it sets, and where."""
    keys = {recipient.id.casefold(), recipient.name.casefold()}
    items = [
        i for i in diff.items.added if i.domain and i.provider and i.provider.casefold() in keys
    ]
    if not items:
        return ""  # only where the page says which host the company's cookies live on
    names = join(f'"{item.name}"' for item in items[:3]) + (" and more" if len(items) > 3 else "")
    hosts = list(dict.fromkeys(item.domain for item in items if item.domain))
    where = f" on {join(hosts[:3])}" if hosts else ""
    return f" (sets {names}{where})"


def _provider_is_new(diff: PolicyDiff, provider: str) -> bool:
    """A provider nobody disclosed before and not already reported as an added recipient."""
    if known_provider(diff.old, provider):
        return False
    folded = provider.casefold()
    return not any(r.id == provider or r.name.casefold() == folded for r in diff.recipients.added)


@rule(
    "sharing-expanded",
    Level.material,
    description=(
        "An existing recipient gets more data, a new use (advertising, sale, profiling), becomes a "
        "controller of the data, or receives the data of one more item."
    ),
    rationale=(
        "A recipient that receives more categories of data or uses them for new purposes enlarges "
        "the disclosure of GDPR Art. 13(1)(e) and (3); selling data or sharing it for "
        "cross-context behavioural advertising is a 'sale' or 'sharing' under CCPA "
        "§1798.140(ad), (ah) and (k), with a right to opt out first (§1798.120); the FTC treats "
        "collecting new categories of data without notice as deceptive."
    ),
    area=AREA,
)
def more_sharing(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.recipients.modified:
        yield from _recipient_expansion(pair, _gated_uses(diff, pair.new))
    yield from _item_provider_hits(diff, expanded=True)


def _essential_only(uses: Iterable[str]) -> bool:
    return all(use.startswith("essential") for use in uses)


def _recipient_expansion(pair: EntryChange[Recipient], gated: list[str]) -> Iterator[Hit]:
    """More data, uses or control for a recipient; ``gated``: uses that only follow its items'
    move from strictly necessary to consent (not new, unless they are advertising or sale)."""
    name = pair.new.name
    uses = pair.field("data_uses")
    if uses is not None:
        new_uses = uncovered(uses.after, uses.before)
        if new_uses and all(
            covers((use,), gated) and not is_sensitive_use(use) for use in new_uses
        ):
            new_uses = []
        if new_uses:
            sensitive = [use for use in new_uses if is_sensitive_use(use)]
            # running the service (security, fraud prevention) beside other essential uses
            exempt = _essential_only(new_uses) and any(
                use.startswith("essential") for use in uses.before
            )
            yield Hit(
                f"recipients/{pair.key}/data_uses",
                f"{name} now also uses data for {join(use_words(u) for u in new_uses)}",
                uses.before,
                uses.after,
                level=Level.minor if exempt else None,
                reason=SALE_AND_SHARING_REASON
                if sensitive
                else ESSENTIAL_REASON
                if exempt
                else None,
            )
    shared = pair.field("data_shared")
    if shared is not None:
        new_categories = uncovered(shared.after, shared.before)
        if new_categories:
            yield Hit(
                f"recipients/{pair.key}/data_shared",
                f"{name} now also receives {join(category_words(c) for c in new_categories)}",
                shared.before,
                shared.after,
            )
    role = pair.field("role")
    if role is not None and role.before == Role.processor.value:
        yield Hit(
            f"recipients/{pair.key}/role",
            f"{name} now uses the data for its own purposes ({role.after.replace('_', ' ')}, "
            "no longer a processor acting on instructions)",
            role.before,
            role.after,
        )


def _item_provider_hits(diff: PolicyDiff, *, expanded: bool) -> Iterator[Hit]:
    """Items whose data now goes to a third party: new ones (third-party-added) or known ones
    (sharing-expanded), depending on ``expanded``."""
    for pair in diff.items.modified:
        provider_change = pair.field("provider")
        party_change = pair.field("party")
        provider = pair.new.provider
        if provider_change is not None and provider is not None:
            path, before, after = f"items/{pair.key}/provider", provider_change.before, provider
        elif party_change is not None and party_change.after == "third":
            path, before, after = f"items/{pair.key}/party", party_change.before, "third"
        else:
            continue
        words = item_words(pair.new, diff.new)
        if provider is not None and _provider_is_new(diff, provider):
            if not expanded:
                yield Hit(
                    path,
                    f"New third party {provider_name(diff.new, provider)} receives the data of "
                    f"{words}",
                    before,
                    after,
                )
        elif provider is None and not expanded:
            yield Hit(path, f"The {words} is now set by a third party", before, after)
        elif provider is not None and expanded and known_provider(diff.old, provider):
            sibling = disclosed_sibling(pair.new, diff.old) if diff.old is not None else None
            yield Hit(
                path,
                f"{provider_name(diff.new, provider)} now also receives the data of {words}"
                + (f", as it does of \u201c{sibling.name}\u201d" if sibling else ""),
                before,
                after,
                level=Level.minor if sibling is not None else None,
                reason=SIBLING_REASON if sibling is not None else None,
            )
    if expanded:
        return
    for item in diff.items.added:
        if item.provider is not None and _provider_is_new(diff, item.provider):
            yield Hit(
                f"items/{item.id}/provider",
                f"New third party {provider_name(diff.new, item.provider)} receives the data of "
                f"{item_words(item, diff.new)}",
                None,
                item.provider,
            )


@detector("third-party-added")
def items_sent_to_new_third_parties(diff: PolicyDiff) -> Iterator[Hit]:
    yield from _item_provider_hits(diff, expanded=False)


@rule(
    "transfer-added",
    Level.material,
    description="A recipient now receives data in a country it did not before.",
    rationale=(
        "The intention to transfer personal data to a third country, and the safeguards relied "
        "on, must be disclosed to users (GDPR Art. 13(1)(f)); a new destination is a new transfer."
    ),
    area=AREA,
)
def new_countries(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.recipients.modified:
        countries = pair.field("countries")
        if countries is None:
            continue
        added = countries.added
        if added:
            yield Hit(
                f"recipients/{pair.key}/countries",
                f"{pair.new.name} now receives data in "
                f"{join(country_words(code) for code in added)}",
                countries.before,
                countries.after,
            )


@rule(
    "processor-added-in-category",
    Level.minor,
    description=(
        "A new processor joins a category of recipients already disclosed, with the same uses, "
        "data and countries as a processor already listed."
    ),
    rationale=(
        "GDPR Art. 13(1)(e) allows disclosing categories of recipients; a processor inside a "
        "category already disclosed, for the same uses and data, does not enlarge the categories "
        "of recipients (EDPB WP260 rev.01 ¶30)."
    ),
    area=AREA,
)
def processors_in_disclosed_categories(diff: PolicyDiff) -> Iterator[Hit]:
    for recipient in diff.recipients.added:
        existing = _disclosed_category(recipient, diff)
        if existing is not None:
            yield Hit(
                f"recipients/{recipient.id}",
                f"New processor {recipient.name} joins {existing.name} for "
                f"{join(use_words(u) for u in recipient.data_uses)}",
                None,
                entry_data(recipient),
            )


@rule(
    "recipient-removed",
    Level.minor,
    description="A recipient no longer receives data.",
    rationale="Less processing: fewer recipients receive personal data (GDPR Art. 13(1)(e)).",
    area=AREA,
)
def removed_recipients(diff: PolicyDiff) -> Iterator[Hit]:
    for recipient in diff.recipients.removed:
        yield Hit(
            f"recipients/{recipient.id}",
            f"{recipient.name} no longer receives data",
            entry_data(recipient),
            None,
        )


@rule(
    "sharing-reduced",
    Level.minor,
    description=(
        "A recipient receives less data, for fewer or narrower uses, in fewer countries, or acts "
        "as a processor instead of a controller."
    ),
    rationale="Less processing: the recipient's share of the data shrinks (GDPR Art. 5(1)(c)).",
    area=AREA,
)
def less_sharing(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.recipients.modified:
        name = pair.new.name
        for field_name, what in (("data_uses", "uses"), ("data_shared", "data")):
            change = pair.field(field_name)
            if change is None or uncovered(change.after, change.before):
                continue  # additions are sharing-expanded
            yield Hit(
                f"recipients/{pair.key}/{field_name}",
                f"{name} now receives less: its {what} are narrowed",
                change.before,
                change.after,
            )
        countries = pair.field("countries")
        if countries is not None and not countries.added:
            yield Hit(
                f"recipients/{pair.key}/countries",
                f"{name} no longer receives data in "
                f"{join(country_words(code) for code in countries.removed)}",
                countries.before,
                countries.after,
            )
        role = pair.field("role")
        if role is not None and role.after == Role.processor.value:
            yield Hit(
                f"recipients/{pair.key}/role",
                f"{name} now acts only as a processor, on instructions",
                role.before,
                role.after,
            )


@rule(
    "recipient-details-changed",
    Level.minor,
    description="A recipient's name is written differently; it is the same organisation.",
    rationale=(
        "The recipient and what it receives are unchanged; only how it is named changed, which "
        "alters no element of GDPR Art. 13."
    ),
    area=AREA,
)
def renamed_recipients(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.recipients.modified:
        name = pair.field("name")
        if name is not None and same_organisation(name.before, name.after):
            yield Hit(
                f"recipients/{pair.key}/name",
                f"Recipient {name.before} is now named {name.after}",
                name.before,
                name.after,
            )

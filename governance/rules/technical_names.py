"""Rules about the technical side of an item: the names a browser sees and the host it is set on.

A policy written for people names an item by what it does ("Session cookie"); ``names`` lists what
the browser sees (``sid``, ``_hjSession_*``) and ``domain`` the host the cookie is set on, so that
``govern scan`` can match observations to the declaration. Changing them keeps the item (same id,
provider, purpose and category), so it is minor — unless the cookie moves to the host of another
company, which then receives the data.
"""

from __future__ import annotations

from collections.abc import Iterator

from governance.catalog import DomainEntry, catalog_for, registrable_domain
from governance.diff import PolicyDiff
from governance.findings import Level
from governance.model import Item, Policy
from governance.rules.catalog import same_organisation_names
from governance.rules.registry import Hit, rule
from governance.rules.words import item_words

AREA = "items"

OTHER_COMPANY_REASON = (
    "The cookie is now set on a host that belongs to another company, which receives it with "
    "every request: a recipient the policy must name (GDPR Art. 13(1)(e))."
)


@rule(
    "technical-names-changed",
    Level.minor,
    description=(
        "The technical names or patterns of an item (what the browser sees) change, with the "
        "same provider, purpose and category."
    ),
    rationale=(
        "Another name for an item already disclosed, from the same provider and for the same "
        "purpose, changes none of the information GDPR Art. 13 requires (recipients, purposes, "
        "retention); the list must match what the site sets, so it is recorded, not announced."
    ),
    area=AREA,
)
def technical_names(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        change = pair.field("names")
        if change is None:
            continue
        words = item_words(pair.new, diff.new)
        parts = []
        if change.added:
            parts.append("now also matches " + ", ".join(f"`{n}`" for n in change.added))
        if change.removed:
            parts.append("no longer lists " + ", ".join(f"`{n}`" for n in change.removed))
        yield Hit(
            f"items/{pair.key}/names",
            f"The {words} {' and '.join(parts)}",
            sorted(change.before or []),
            sorted(change.after or []),
        )


@rule(
    "item-domain-changed",
    Level.minor,
    description=(
        "The host an item is set on changes (material when it moves to the host of another "
        "company than its declared provider)."
    ),
    rationale=(
        "A cookie moved to another host of the same site or provider reaches no new recipient; "
        "one moved to another company's host discloses data to that company "
        "(GDPR Art. 13(1)(e))."
    ),
    area=AREA,
)
def item_domain(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        change = pair.field("domain")
        if change is None:
            continue
        words = item_words(pair.new, diff.new)
        before, after = change.before, change.after
        if after is None:
            message = f"The {words} no longer states its host (was {before})"
        elif before is None:
            message = f"The {words} is stated to be set on {after}"
        else:
            message = f"The {words} is now set on {after} instead of {before}"
        company = _new_company(diff, pair.new, before, after)
        yield Hit(
            f"items/{pair.key}/domain",
            message + (f"; {company.describe(after)}" if company else ""),
            before,
            after,
            level=Level.material if company else None,
            reason=OTHER_COMPANY_REASON if company else None,
        )


def _new_company(
    diff: PolicyDiff, item: Item, before: str | None, after: str | None
) -> DomainEntry | None:
    """The known company behind the new host, when it is neither the old host's company nor the
    item's provider (nor a recipient the policy declares)."""
    if not after or (before and registrable_domain(before) == registrable_domain(after)):
        return None
    catalog = catalog_for(diff.config)
    company = catalog.company_for_host(after)
    if company is None:
        return None
    old = catalog.company_for_host(before) if before else None
    if old is not None and old.controller == company.controller:
        return None
    if _declared(diff.new, item, company):
        return None
    return company


def _declared(policy: Policy | None, item: Item, company: DomainEntry) -> bool:
    if policy is None:
        return False
    names = [item.provider or ""]
    names += [recipient.name for recipient in policy.recipients]
    names += [recipient.id for recipient in policy.recipients]
    return any(
        name and same_organisation_names(name, company.platform, company.controller)
        for name in names
    )

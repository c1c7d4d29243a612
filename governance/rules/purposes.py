"""Rules about what tracking data is used for (fideslang data uses and cookie categories)."""

from __future__ import annotations

from collections.abc import Iterator

from governance.diff import PolicyDiff
from governance.findings import Level
from governance.model import Category
from governance.rules.recipients import (
    ESSENTIAL_REASON,
    SALE_AND_SHARING_REASON,
    follows_gating,
    is_sensitive_use,
    uncovered,
)
from governance.rules.registry import Hit, detector, rule
from governance.rules.words import category_label, item_words, join, use_words

AREA = "purposes"

# Purposes a category stands for, from the least to the most intrusive. Moving from
# strictly_necessary to any of them is a move to consent-gating (consent rules), not a new purpose.
_PURPOSE_RANK = {Category.functional: 1, Category.analytics: 2, Category.marketing: 3}


@rule(
    "purpose-added",
    Level.material,
    description=(
        "Tracking data is used for a new purpose: a new data use on an item, or an item moved to "
        "a more intrusive category (functional → analytics → marketing)."
    ),
    rationale=(
        "Using data for a purpose other than the one it was collected for requires telling users "
        "before that processing starts (GDPR Art. 13(3)); the FTC warned in February 2024 that "
        "quietly changing a privacy policy to use data for new purposes, such as training AI, "
        "may be unfair or deceptive."
    ),
    area=AREA,
)
def new_purposes(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        words = item_words(pair.new, diff.new)
        uses = pair.field("data_uses")
        if uses is not None:
            new_uses = uncovered(uses.after, uses.before)
            if new_uses and not follows_gating(pair, new_uses):
                sensitive = any(is_sensitive_use(use) for use in new_uses)
                exempt = pair.new.category is Category.strictly_necessary and all(
                    use.startswith("essential") for use in [*new_uses, *uses.before]
                )
                yield Hit(
                    f"items/{pair.key}/data_uses",
                    f"The {words} is now also used for {join(use_words(u) for u in new_uses)}",
                    uses.before,
                    uses.after,
                    level=Level.minor if exempt else None,
                    reason=SALE_AND_SHARING_REASON
                    if sensitive
                    else ESSENTIAL_REASON
                    if exempt
                    else None,
                )
        category = pair.field("category")
        if category is not None:
            before = _PURPOSE_RANK.get(Category(category.before))
            after = _PURPOSE_RANK.get(Category(category.after))
            if before is not None and after is not None and after > before:
                yield Hit(
                    f"items/{pair.key}/category",
                    f'"{pair.new.name}" now serves {category_label(category.after)} purposes; '
                    f"it was {category_label(category.before)}",
                    category.before,
                    category.after,
                )


@rule(
    "purpose-narrowed",
    Level.minor,
    description=(
        "An item is used for fewer or narrower purposes, or moves to a less intrusive category "
        "(marketing → analytics → functional)."
    ),
    rationale="Less processing: data is used for fewer purposes (GDPR Art. 5(1)(b)).",
    area=AREA,
)
def fewer_purposes(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        uses = pair.field("data_uses")
        if uses is not None and not uncovered(uses.after, uses.before):
            dropped = [use for use in uses.before if use not in uses.after]
            what = join(use_words(u) for u in dropped) if dropped else "narrower uses"
            yield Hit(
                f"items/{pair.key}/data_uses",
                f'"{pair.new.name}" is no longer used for {what}'
                if dropped
                else f'"{pair.new.name}" is now described by {what}',
                uses.before,
                uses.after,
            )
        category = pair.field("category")
        if category is not None:
            before = _PURPOSE_RANK.get(Category(category.before))
            after = _PURPOSE_RANK.get(Category(category.after))
            if before is not None and after is not None and after < before:
                yield Hit(
                    f"items/{pair.key}/category",
                    f'"{pair.new.name}" now serves only {category_label(category.after)} '
                    f"purposes; it was {category_label(category.before)}",
                    category.before,
                    category.after,
                )


@detector("purpose-added")
def listed_under_another_category(diff: PolicyDiff) -> Iterator[Hit]:
    """A cookie already disclosed in one category, now also listed in another one: the same
    name now serves that category's purposes too."""
    if diff.old is None:
        return
    categories: dict[str, set[Category]] = {}
    for item in diff.old.items:
        for name in item.names or [item.name]:
            categories.setdefault(name.casefold(), set()).add(item.category)
    for item in diff.items.added:
        if item.category is Category.strictly_necessary:
            continue
        for name in item.names or [item.name]:
            before = categories.get(name.casefold())
            if not before or item.category in before:
                continue
            was = join(category_label(c.value) for c in sorted(before))
            yield Hit(
                f"items/{item.id}/category",
                f'"{name}", disclosed as {was}, is now also listed for '
                f"{category_label(item.category.value)} purposes",
                sorted(c.value for c in before),
                item.category.value,
            )
            break

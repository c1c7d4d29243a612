"""Rules about how long items keep data."""

from __future__ import annotations

import math
from collections.abc import Iterator

from governance.diff import PolicyDiff
from governance.findings import Level
from governance.model import retention_days
from governance.rules.registry import Hit, rule
from governance.rules.words import item_words

AREA = "retention"


def _lifetime(retention: str) -> str:
    days = retention_days(retention)
    if days == 0:
        return "for the session only"
    if days is not None and math.isinf(days):
        return "persistently"
    return f"for {retention}"


@rule(
    "retention-extended",
    Level.material,
    description="An item is kept longer, or a session item becomes persistent.",
    rationale=(
        "The storage period is part of the information owed to users (GDPR Art. 13(2)(a)); "
        "WP194 asks that a cookie's lifetime be proportionate to its purpose, so a session "
        "cookie that becomes persistent, or a longer lifetime, changes what users agreed to."
    ),
    area=AREA,
)
def longer_retention(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        change = pair.field("retention")
        if change is None or change.before is None or change.after is None:
            continue
        before, after = retention_days(change.before), retention_days(change.after)
        if before is not None and after is not None and after > before:
            words = item_words(pair.new, diff.new)
            message = (
                f"The {words} now persists after the browser closes ({change.after})"
                if before == 0
                else f"The {words} is now kept {_lifetime(change.after)} instead of {change.before}"
            )
            yield Hit(
                f"items/{pair.key}/retention",
                message,
                change.before,
                change.after,
            )


@rule(
    "retention-shortened",
    Level.minor,
    description="An item is kept for a shorter time.",
    rationale="Less processing: data is kept for less time (GDPR Art. 5(1)(e) storage limitation).",
    area=AREA,
)
def shorter_retention(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        change = pair.field("retention")
        if change is None or change.before is None or change.after is None:
            continue
        before, after = retention_days(change.before), retention_days(change.after)
        if before is not None and after is not None and after < before:
            yield Hit(
                f"items/{pair.key}/retention",
                f'"{pair.new.name}" is now kept {_lifetime(change.after)} (was {change.before})',
                change.before,
                change.after,
            )


@rule(
    "retention-disclosure-changed",
    Level.minor,
    description="An item's retention is stated where it was not, or is no longer stated.",
    rationale=(
        "The storage period must be disclosed (GDPR Art. 13(2)(a)); stating it adds information "
        "and dropping it leaves the processing as it was, but the page should say why."
    ),
    area=AREA,
)
def retention_statement(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        change = pair.field("retention")
        if change is None or (change.before is None) == (change.after is None):
            continue
        message = (
            f'"{pair.new.name}" is now stated to be kept {_lifetime(change.after)}'
            if change.after is not None
            else f'"{pair.new.name}" no longer states how long it is kept (was {change.before})'
        )
        yield Hit(f"items/{pair.key}/retention", message, change.before, change.after)

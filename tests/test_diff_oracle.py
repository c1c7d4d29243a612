"""A differential property test of the keyed diff, with DeepDiff as the independent oracle.

Two random versions of a policy's items and recipients, each list shuffled: govern's diff
(``governance.diff.diff_policies``, which pairs entries by identity) and DeepDiff (on the same
entries as dictionaries keyed by id, lists compared as sets) must agree on which entries were
added, which removed, and which fields of the others changed. Names and purposes carry the id, so
identity is the only way two entries can pair, and the two sides mean the same thing.
"""

from __future__ import annotations

import re
from typing import Any

from deepdiff import DeepDiff
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.diff import diff_policies
from governance.model import Category, Consent, Item, Party, Policy, Recipient, Role, Storage

IDS = ["session", "theme", "ga", "pixel", "replay", "ab-test"]
DATA_USES = ["analytics.reporting", "functional.service", "marketing.advertising.third_party"]
DATA_SHARED = ["user.behavior", "user.device.ip_address", "user.financial"]
COUNTRIES = ["US", "IE", "MT", "DE"]
PATH = re.compile(r"^root\['([^']+)'\](?:\['([^']+)'\])?")


def unique_lists(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=len(values))


@st.composite
def items(draw: st.DrawFn, entry_id: str) -> Item:
    category = draw(st.sampled_from(list(Category)))
    consents = list(Consent)
    if category in (Category.analytics, Category.marketing):
        consents.remove(Consent.none)
    return Item(
        id=entry_id,
        name=f"{entry_id}_cookie",
        storage=draw(st.sampled_from(list(Storage))),
        party=draw(st.sampled_from(list(Party))),
        provider=draw(st.sampled_from([None, "stripe", "hotjar"])),
        category=category,
        data_uses=draw(unique_lists(DATA_USES)),
        purpose=f"{entry_id}: " + draw(st.sampled_from(["measures visits", "keeps you in"])),
        retention=draw(st.sampled_from([None, "session", "persistent", "13 months", "30 days"])),
        consent=draw(st.sampled_from(consents)),
        leaves_device=draw(st.booleans()),
    )


@st.composite
def recipients(draw: st.DrawFn, entry_id: str) -> Recipient:
    return Recipient(
        id=entry_id,
        name=f"{entry_id.title()} Ltd",
        role=draw(st.sampled_from(list(Role))),
        purpose=f"{entry_id}: " + draw(st.sampled_from(["payments", "session replay"])),
        data_uses=draw(unique_lists(DATA_USES)),
        data_shared=draw(unique_lists(DATA_SHARED)),
        countries=draw(unique_lists(COUNTRIES)),
        privacy_policy=draw(st.sampled_from([None, f"https://{entry_id}.example/privacy"])),
    )


@st.composite
def versions(draw: st.DrawFn, entries: Any) -> tuple[list[Any], list[Any]]:
    """An old and a new list: each id is absent, kept, kept with its lists reordered, or redrawn
    (which may change any of its fields) on the new side; both lists in a random order."""
    old = {entry_id: draw(entries(entry_id)) for entry_id in draw(unique_lists(IDS))}
    new = {}
    for entry_id in IDS:
        fate = draw(st.sampled_from(["absent", "kept", "reordered", "redrawn"]))
        if fate == "redrawn" or (fate != "absent" and entry_id not in old):
            new[entry_id] = draw(entries(entry_id))
        elif fate == "kept":
            new[entry_id] = old[entry_id]
        elif fate == "reordered":
            entry = old[entry_id]
            lists = {
                name: list(reversed(value))
                for name, value in entry.__dict__.items()
                if isinstance(value, list)
            }
            new[entry_id] = entry.model_copy(update=lists)
    return draw(st.permutations(list(old.values()))), draw(st.permutations(list(new.values())))


def oracle(old: list[Any], new: list[Any]) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    """Added ids, removed ids and changed (id, field) pairs, according to DeepDiff."""
    found = DeepDiff(
        {entry.id: entry.model_dump(mode="json") for entry in old},
        {entry.id: entry.model_dump(mode="json") for entry in new},
        ignore_order=True,
        threshold_to_diff_deeper=0,  # always entry by entry, never "the whole value changed"
    )
    added: set[str] = set()
    removed: set[str] = set()
    fields: set[tuple[str, str]] = set()
    for kind, paths in found.items():
        for path in paths:
            match = PATH.match(path)
            assert match, path
            entry_id, field = match.groups()
            if field is None:
                {"dictionary_item_added": added, "dictionary_item_removed": removed}[kind].add(
                    entry_id
                )
            else:
                fields.add((entry_id, field))
    return added, removed, fields


def keyed(collection: Any) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    return (
        {entry.id for entry in collection.added},
        {entry.id for entry in collection.removed},
        {(change.key, name) for change in collection.modified for name in change.fields},
    )


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(versions(items), versions(recipients))
def test_the_keyed_diff_agrees_with_deepdiff(
    item_versions: tuple[list[Item], list[Item]],
    recipient_versions: tuple[list[Recipient], list[Recipient]],
) -> None:
    old_items, new_items = item_versions
    old_recipients, new_recipients = recipient_versions
    # built without validation: an item's provider need not be among the drawn recipients here
    diff = diff_policies(
        Policy.model_construct(title="Cookies", items=old_items, recipients=old_recipients),
        Policy.model_construct(title="Cookies", items=new_items, recipients=new_recipients),
    )
    assert keyed(diff.items) == oracle(old_items, new_items)
    assert keyed(diff.recipients) == oracle(old_recipients, new_recipients)
    assert not diff.items.renamed and not diff.recipients.renamed
    if not any(oracle(old_items, new_items)) and not any(oracle(old_recipients, new_recipients)):
        assert diff.is_empty  # reordering alone is no change

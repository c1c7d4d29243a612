"""Semantic diff of two versions of one policy: what detectors (rules) look at.

The shape, top down (every class is a frozen dataclass; nothing is a bare dict)::

    PolicyDiff
      .old, .new          Policy | None  (None on one side: the whole policy was added/removed)
      .policy_id          "mitpo/cookies-and-tracking" (may be "" for ad-hoc diffs)
      .config             Config | None  (set by compare.classify; detectors needing settings,
                                          e.g. the catalogue, read it from here)
      .policy_added / .policy_removed    bool (also when compared with an empty stand-in)
      .metadata           tuple[FieldChange]   title, owner, last_updated, summary, consent_revision
      .items              CollectionDiff[Item]
      .recipients         CollectionDiff[Recipient]
      .commitments        CollectionDiff[Commitment]
      .controls           CollectionDiff[Control]
      .sections           CollectionDiff[Section]
      .texts              tuple[TextChange]  every prose field whose text differs: section bodies
                                             and titles, summary, purposes of matched items and
                                             recipients, commitment and control text; added and
                                             removed sections, commitments and controls too
      .is_empty           True when nothing at all differs (reordering alone is empty)

    CollectionDiff[T]     entries matched by identity, so reordering is never a change
      .added              tuple[T]                 only in new
      .removed            tuple[T]                 only in old
      .changed            tuple[EntryChange[T]]    same identity, some field differs (no renames)
      .renamed            tuple[EntryChange[T]]    a different name (items: same provider, purpose
                                                   and category); .fields may hold more changes
      .modified           tuple[EntryChange[T]]    every pair with a field change (changed and
                                                   renamed, in the new order): iterate this one
      .matched            tuple[EntryChange[T]]    every pair, unchanged ones included

    EntryChange[T]
      .old, .new          T
      .fields             dict[str, FieldChange]   only the fields that differ ("id" never counts)
      .key                the new entry's id (used in paths: "items/<key>/retention")
      .renamed            bool
      .changed(name)      bool;  .field(name) -> FieldChange | None

    FieldChange
      .field, .before, .after    JSON-ready values (enums as their value, dates as ISO strings)
      .added / .removed          for list fields compared as sets: the values that appeared / went

    TextChange            one prose field, for the prose detectors
      .path               "sections/<id>", "sections/<id>/title", "summary", "items/<id>/purpose",
                          "recipients/<id>/purpose", "commitments/<id>", "controls/<id>"
      .kind               "section" | "section-title" | "summary" | "purpose" | "commitment"
                          | "control"
      .old, .new          str | None   (None: the text did not exist on that side)
      .entry_id           id of the section/item/... it belongs to, or None for the summary

Matching rules: items by id, else by name + provider, else (rename) by provider + purpose +
category when that pairing is unique; recipients by id, else by name; commitments and controls by
id, else by normalised text, else by meaning (:func:`governance.prose.same_promise`, one-to-one,
the closest wording first: a reworded promise is a text change, a reversed one stays removed);
sections by id, else by title, except headings repeated on a page: their ids are positional
(``faq``, ``faq-2``), so sections sharing a repeated title are paired by content, then position.
An entry whose section was only renumbered (its old section is paired with its new one) has not
moved. Lists that are sets in meaning (data uses, data shared, countries, technical names) are
compared as sets.

Path and value conventions for hits (so that two detectors seeing the same change produce the same
fingerprint and the registry keeps one): a whole entry is ``<collection>/<id>`` with before/after
the entry as data (``entry_data``); a field is ``<collection>/<id>/<field>`` with before/after the
field values; a commitment removed or negated is ``commitments/<id>`` with before/after its text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from governance.model import Commitment, Control, Item, Policy, Recipient, Section

if TYPE_CHECKING:
    from governance.config import Config

Entry = TypeVar("Entry", Item, Recipient, Commitment, Control, Section)

METADATA_FIELDS = ("title", "owner", "last_updated", "summary", "consent_revision")
SET_FIELDS = frozenset({"data_uses", "data_shared", "countries", "names"})


def plain(value: Any) -> Any:
    """A model value as JSON-ready data (enums by value, dates as ISO strings)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def entry_data(entry: BaseModel | None) -> dict[str, Any] | None:
    """An entry as the before/after value of a finding (defaults left out, so it stays short)."""
    if entry is None:
        return None
    data: dict[str, Any] = entry.model_dump(mode="json", exclude_defaults=True)
    return data


def normalise_text(text: str | None) -> str:
    """Case, Unicode form, quotes and whitespace folded: for matching, never for display."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold()
    for fancy, simple in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        folded = folded.replace(fancy, simple)
    return " ".join(folded.split()).rstrip(".")


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any

    @property
    def added(self) -> tuple[Any, ...]:
        """For list fields: values present after and not before (in the new order)."""
        before = set(self.before or ())
        return tuple(v for v in (self.after or ()) if v not in before)

    @property
    def removed(self) -> tuple[Any, ...]:
        after = set(self.after or ())
        return tuple(v for v in (self.before or ()) if v not in after)


@dataclass(frozen=True)
class EntryChange(Generic[Entry]):
    old: Entry
    new: Entry
    fields: dict[str, FieldChange] = field(default_factory=dict)
    renamed: bool = False

    @property
    def key(self) -> str:
        return self.new.id

    def changed(self, name: str) -> bool:
        return name in self.fields

    def field(self, name: str) -> FieldChange | None:
        return self.fields.get(name)

    def __bool__(self) -> bool:
        return bool(self.fields) or self.renamed


@dataclass(frozen=True)
class CollectionDiff(Generic[Entry]):
    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    changed: tuple[EntryChange[Entry], ...] = ()
    renamed: tuple[EntryChange[Entry], ...] = ()
    modified: tuple[EntryChange[Entry], ...] = ()
    matched: tuple[EntryChange[Entry], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.renamed)

    def __bool__(self) -> bool:
        return not self.is_empty


@dataclass(frozen=True)
class TextChange:
    path: str
    kind: str
    old: str | None
    new: str | None
    entry_id: str | None = None


@dataclass(frozen=True)
class PolicyDiff:
    old: Policy | None
    new: Policy | None
    policy_id: str = ""
    metadata: tuple[FieldChange, ...] = ()
    items: CollectionDiff[Item] = field(default_factory=CollectionDiff)
    recipients: CollectionDiff[Recipient] = field(default_factory=CollectionDiff)
    commitments: CollectionDiff[Commitment] = field(default_factory=CollectionDiff)
    controls: CollectionDiff[Control] = field(default_factory=CollectionDiff)
    sections: CollectionDiff[Section] = field(default_factory=CollectionDiff)
    texts: tuple[TextChange, ...] = ()
    config: Config | None = field(default=None, compare=False, repr=False)
    # "added"/"removed": the whole policy, compared with an empty one of its own title
    whole: str | None = None

    @property
    def policy_added(self) -> bool:
        return self.whole == "added" or (self.old is None and self.new is not None)

    @property
    def policy_removed(self) -> bool:
        return self.whole == "removed" or (self.old is not None and self.new is None)

    @property
    def is_empty(self) -> bool:
        return not (
            self.policy_added
            or self.policy_removed
            or self.metadata
            or self.items
            or self.recipients
            or self.commitments
            or self.controls
            or self.sections
        )

    def meta(self, name: str) -> FieldChange | None:
        """The change of one metadata field (title, owner, ...), or None."""
        for change in self.metadata:
            if change.field == name:
                return change
        return None

    def old_recipient(self, key: str | None) -> Recipient | None:
        return self.old.recipient(key) if self.old else None

    def new_recipient(self, key: str | None) -> Recipient | None:
        return self.new.recipient(key) if self.new else None


def diff_policies(
    old: Policy | None,
    new: Policy | None,
    *,
    policy_id: str = "",
    config: Config | None = None,
    whole: str | None = None,
) -> PolicyDiff:
    """Compare two versions of one policy (either may be None: added or removed as a whole;
    ``whole`` says so when the caller compares with an empty stand-in instead)."""
    old_policy = old or _EMPTY
    new_policy = new or _EMPTY
    sections = _diff_collection(
        old_policy.sections,
        new_policy.sections,
        (_id, _title_key),
        rename_key=None,
        first=_repeated_sections(old_policy, new_policy),
    )
    renumbered = {pair.old.id: pair.new.id for pair in sections.matched}
    items = _diff_collection(
        old_policy.items,
        new_policy.items,
        (_id, _item_name_key),
        rename_key=_item_rename_key,
        sections=renumbered,
    )
    recipients = _diff_collection(
        old_policy.recipients, new_policy.recipients, (_id, _name_key), rename_key=None
    )
    commitments = _diff_collection(
        old_policy.commitments,
        new_policy.commitments,
        (_id, _text_key),
        rename_key=None,
        last=pair_same_promises,
        sections=renumbered,
    )
    controls = _diff_collection(
        old_policy.controls,
        new_policy.controls,
        (_id, _text_key),
        rename_key=None,
        last=pair_same_promises,
        sections=renumbered,
    )
    metadata = tuple(
        FieldChange(name, plain(getattr(old, name, None)), plain(getattr(new, name, None)))
        for name in METADATA_FIELDS
        if old is not None and new is not None and getattr(old, name) != getattr(new, name)
    )
    texts = _text_changes(old, new, items, recipients, commitments, controls, sections)
    return PolicyDiff(
        old=old,
        new=new,
        policy_id=policy_id,
        metadata=metadata,
        items=items,
        recipients=recipients,
        commitments=commitments,
        controls=controls,
        sections=sections,
        texts=texts,
        config=config,
        whole=whole,
    )


_EMPTY = Policy(title="", consent_revision=1)

KeyFunction = Callable[[Any], Hashable | None]


def _id(entry: Any) -> Hashable:
    return entry.id


def _item_name_key(item: Item) -> Hashable:
    return (normalise_text(item.name), normalise_text(item.provider))


def _item_rename_key(item: Item) -> Hashable | None:
    purpose = normalise_text(item.purpose)
    if not purpose and not item.data_uses:
        return None  # nothing to recognise the item by besides its name
    return (normalise_text(item.provider), purpose, item.category, frozenset(item.data_uses))


def _name_key(entry: Any) -> Hashable:
    return normalise_text(entry.name)


def _text_key(entry: Any) -> Hashable:
    return normalise_text(entry.text)


def _title_key(section: Section) -> Hashable:
    return normalise_text(section.title)


# Pairs (old position, new position) among the entries the key passes left unmatched.
Pairing = Callable[[Sequence[Any], Sequence[Any], list[int], list[int]], list[tuple[int, int]]]


def _diff_collection(
    old_entries: Sequence[Entry],
    new_entries: Sequence[Entry],
    keys: Sequence[KeyFunction],
    rename_key: KeyFunction | None,
    *,
    first: Pairing | None = None,
    last: Pairing | None = None,
    sections: Mapping[str, str] | None = None,
) -> CollectionDiff[Entry]:
    """Match two versions of a collection: ``first``, then each key, the rename key, ``last``.

    ``sections`` maps paired section ids (old → new): a ``section`` field that only follows
    that pairing is not a change.
    """
    pairs: dict[int, int] = {}  # new index -> old index
    unmatched_old = list(range(len(old_entries)))
    unmatched_new = set(range(len(new_entries)))

    def pair_with(pairing: Pairing) -> None:
        nonlocal unmatched_old
        if not unmatched_old or not unmatched_new:
            return
        found = pairing(old_entries, new_entries, unmatched_old, sorted(unmatched_new))
        for old_position, new_position in found:
            pairs[new_position] = old_position
            unmatched_new.discard(new_position)
        paired = {old_position for old_position, _ in found}
        unmatched_old = [position for position in unmatched_old if position not in paired]

    if first is not None:
        pair_with(first)
    passes = [(key, False) for key in keys]
    if rename_key is not None:
        passes.append((rename_key, True))
    for key, unique_only in passes:
        if not unmatched_old or not unmatched_new:
            break
        index = _unique_index(new_entries, unmatched_new, key)
        if unique_only:
            old_index = _unique_index(old_entries, set(unmatched_old), key)
        still_old = []
        for position in unmatched_old:
            value = key(old_entries[position])
            target = index.get(value) if value is not None else None
            if (
                target is None
                or target not in unmatched_new
                or (unique_only and old_index.get(value) != position)
            ):
                still_old.append(position)
                continue
            pairs[target] = position
            unmatched_new.discard(target)
        unmatched_old = still_old
    if last is not None:
        pair_with(last)
    matched: list[EntryChange[Entry]] = []
    changed: list[EntryChange[Entry]] = []
    renamed: list[EntryChange[Entry]] = []
    modified: list[EntryChange[Entry]] = []
    for new_position, new_entry in enumerate(new_entries):
        old_position = pairs.get(new_position)
        if old_position is None:
            continue
        old_entry = old_entries[old_position]
        fields = _field_changes(old_entry, new_entry, sections)
        is_rename = "name" in fields and _name_key(old_entry) != _name_key(new_entry)
        change = EntryChange(old=old_entry, new=new_entry, fields=fields, renamed=is_rename)
        matched.append(change)
        if fields:
            modified.append(change)
        if is_rename:
            renamed.append(change)
        elif fields:
            changed.append(change)
    return CollectionDiff(
        added=tuple(e for i, e in enumerate(new_entries) if i in unmatched_new),
        removed=tuple(old_entries[i] for i in sorted(unmatched_old)),
        changed=tuple(changed),
        renamed=tuple(renamed),
        modified=tuple(modified),
        matched=tuple(matched),
    )


_WORD = re.compile(r"\w+")
# A page rewritten wholesale can leave hundreds of promises on each side. The meaning test costs
# about a third of a millisecond, so it is tried on each old promise's closest few wordings only,
# within a budget; past this many candidate pairs the pass is skipped: the cost stays bounded.
_MAX_PROMISE_PAIRS = 250_000
_TRIES_PER_PROMISE = 3
_MAX_PROMISE_TRIES = 2_000


def _words(text: str | None) -> frozenset[str]:
    return frozenset(_WORD.findall(normalise_text(text)))


def _likeness(old: frozenset[str], new: frozenset[str]) -> float:
    """Dice coefficient of two word sets (two empty texts are alike)."""
    if not old and not new:
        return 1.0
    return 2 * len(old & new) / (len(old) + len(new))


def pair_same_promises(
    old_entries: Sequence[Any],
    new_entries: Sequence[Any],
    old_positions: list[int],
    new_positions: list[int],
) -> list[tuple[int, int]]:
    """Commitments or controls left unmatched, paired when the new one restates the old one.

    Markdown ids come from a sentence's key words, so a reworded promise gets a new id and no
    longer matches by text either. Candidates are tried closest wording first, each entry used
    once; :func:`governance.prose.same_promise` tells a rewording (paired: a text change the
    rules judge) from a reversal or another promise (left removed and added).
    """
    if len(old_positions) * len(new_positions) > _MAX_PROMISE_PAIRS:
        return []
    new_words = {position: _words(new_entries[position].text) for position in new_positions}
    candidates: list[tuple[float, int, int]] = []
    for old_position in old_positions:
        words = _words(old_entries[old_position].text)
        for new_position, other in new_words.items():
            score = _likeness(words, other)
            if score > 0:
                candidates.append((-score, old_position, new_position))
    if not candidates:
        return []
    from governance.prose import same_promise

    candidates.sort()
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    tries: dict[int, int] = {}
    budget = _MAX_PROMISE_TRIES
    found: list[tuple[int, int]] = []
    for _, old_position, new_position in candidates:
        if old_position in taken_old or new_position in taken_new:
            continue
        if tries.get(old_position, 0) >= _TRIES_PER_PROMISE:
            continue
        if budget == 0:
            break
        budget -= 1
        tries[old_position] = tries.get(old_position, 0) + 1
        if same_promise(old_entries[old_position].text, new_entries[new_position].text):
            found.append((old_position, new_position))
            taken_old.add(old_position)
            taken_new.add(new_position)
    return found


def pair_repeated_sections(
    old_entries: Sequence[Section],
    new_entries: Sequence[Section],
    old_positions: list[int],
    new_positions: list[int],
    *,
    listed: tuple[Policy, Policy] | None = None,
) -> list[tuple[int, int]]:
    """Sections under a heading repeated on either page, paired by content, then position.

    A repeated heading's id is positional (``faq``, ``faq-2``): when a page gains a table of
    contents made of its own headings, or loses a copy of a block, ``faq-2`` is no longer the
    section it was. Ids not derived from the title (written by hand) are trusted first. A
    section's content is its body and, from ``listed`` (the old and new policy), the entries it
    lists: a table read into items leaves the body empty.
    """
    old_groups = _title_groups(old_entries, old_positions)
    new_groups = _title_groups(new_entries, new_positions)
    repeated = [
        (old_group, new_groups[title])
        for title, old_group in old_groups.items()
        if title in new_groups and (len(old_group) > 1 or len(new_groups[title]) > 1)
    ]
    if not repeated:
        return []
    old_listed, new_listed = (
        (_listed_words(listed[0]), _listed_words(listed[1])) if listed else ({}, {})
    )
    found: list[tuple[int, int]] = []
    for old_group, new_group in repeated:
        old_content = {p: _section_words(old_entries[p], old_listed) for p in old_group}
        new_content = {p: _section_words(new_entries[p], new_listed) for p in new_group}
        found += _pair_group(old_entries, new_entries, old_content, new_content)
    return found


def _repeated_sections(old: Policy, new: Policy) -> Pairing:
    def pairing(
        old_entries: Sequence[Any],
        new_entries: Sequence[Any],
        old_positions: list[int],
        new_positions: list[int],
    ) -> list[tuple[int, int]]:
        return pair_repeated_sections(
            old_entries, new_entries, old_positions, new_positions, listed=(old, new)
        )

    return pairing


def _listed_words(policy: Policy) -> dict[str, set[str]]:
    """Words of the entries each section lists (item names, promise and control texts)."""
    listed: dict[str, set[str]] = {}
    for item in policy.items:
        if item.section is not None:
            listed.setdefault(item.section, set()).update(_words(item.name))
    promises: list[Commitment | Control] = [*policy.commitments, *policy.controls]
    for promise in promises:
        if promise.section is not None:
            listed.setdefault(promise.section, set()).update(_words(promise.text))
    return listed


def _section_words(section: Section, listed: Mapping[str, set[str]]) -> frozenset[str]:
    return _words(section.body) | listed.get(section.id, set())


def _title_groups(entries: Sequence[Section], positions: list[int]) -> dict[Hashable, list[int]]:
    groups: dict[Hashable, list[int]] = {}
    for position in positions:
        groups.setdefault(_title_key(entries[position]), []).append(position)
    return groups


def _pair_group(
    old_entries: Sequence[Section],
    new_entries: Sequence[Section],
    old_content: dict[int, frozenset[str]],
    new_content: dict[int, frozenset[str]],
) -> list[tuple[int, int]]:
    """One repeated heading's sections (content by position): hand-written ids, then content."""
    found: list[tuple[int, int]] = []
    new_by_id = {new_entries[position].id: position for position in new_content}
    for old_position in old_content:
        section = old_entries[old_position]
        twin = new_by_id.get(section.id)
        if twin is not None and not _title_derived(section):
            found.append((old_position, twin))
    by_id_old, by_id_new = {o for o, _ in found}, {n for _, n in found}
    old_left = [p for p in old_content if p not in by_id_old]
    new_left = [p for p in new_content if p not in by_id_new]
    candidates = sorted(
        (
            -_likeness(old_content[old_position], new_content[new_position]),
            abs(old_rank - new_rank),
            old_position,
            new_position,
        )
        for old_rank, old_position in enumerate(old_left)
        for new_rank, new_position in enumerate(new_left)
    )
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    for _, _, old_position, new_position in candidates:
        if old_position not in taken_old and new_position not in taken_new:
            found.append((old_position, new_position))
            taken_old.add(old_position)
            taken_new.add(new_position)
    return found


def _title_derived(section: Section) -> bool:
    """Whether the id is the title's slug (maybe numbered ``-2``), as a Markdown reader makes."""
    base = re.sub(r"[^a-z0-9]", "", re.sub(r"-\d+$", "", section.id))
    return base in re.sub(r"[^a-z0-9]", "", normalise_text(section.title))


def _unique_index(
    entries: Sequence[Any], positions: Iterable[int], key: KeyFunction
) -> dict[Hashable, int]:
    """Key → position for the keys that occur once; ambiguous keys are left out."""
    index: dict[Hashable, int] = {}
    ambiguous: set[Hashable] = set()
    for position in sorted(positions):
        value = key(entries[position])
        if value is None:
            continue
        if value in index:
            ambiguous.add(value)
        else:
            index[value] = position
    for value in ambiguous:
        del index[value]
    return index


def _field_changes(
    old: BaseModel, new: BaseModel, sections: Mapping[str, str] | None = None
) -> dict[str, FieldChange]:
    old_values = old.__dict__
    new_values = new.__dict__
    if old_values == new_values:
        return {}
    changes: dict[str, FieldChange] = {}
    for name, before in old_values.items():
        if name == "id":
            continue
        after = new_values[name]
        if before == after:
            continue
        if name in SET_FIELDS and set(before) == set(after):
            continue
        if name == "section" and sections and before is not None and sections.get(before) == after:
            continue  # its section was only renumbered (a repeated heading's positional id)
        changes[name] = FieldChange(name, plain(before), plain(after))
    return changes


def _text_changes(
    old: Policy | None,
    new: Policy | None,
    items: CollectionDiff[Item],
    recipients: CollectionDiff[Recipient],
    commitments: CollectionDiff[Commitment],
    controls: CollectionDiff[Control],
    sections: CollectionDiff[Section],
) -> tuple[TextChange, ...]:
    texts: list[TextChange] = []
    old_summary = old.summary if old else None
    new_summary = new.summary if new else None
    if (old_summary or "") != (new_summary or ""):
        texts.append(TextChange("summary", "summary", old_summary, new_summary))
    for section in sections.removed:
        texts.append(_section_text(section, old=True))
    for pair in sections.modified:
        path = f"sections/{pair.key}"
        if pair.changed("title"):
            texts.append(
                _text(f"{path}/title", "section-title", pair.old.title, pair.new.title, pair.key)
            )
        if pair.changed("body"):
            texts.append(_text(path, "section", pair.old.body, pair.new.body, pair.key))
    for section in sections.added:
        texts.append(_section_text(section, old=False))
    purposes: Iterable[tuple[str, CollectionDiff[Any]]] = (
        ("items", items),
        ("recipients", recipients),
    )
    for collection, entries in purposes:
        for purpose_pair in entries.modified:
            if purpose_pair.changed("purpose"):
                old_purpose, new_purpose = purpose_pair.old.purpose, purpose_pair.new.purpose
                path = f"{collection}/{purpose_pair.key}/purpose"
                texts.append(_text(path, "purpose", old_purpose, new_purpose, purpose_pair.key))
    promises: Iterable[tuple[str, CollectionDiff[Any]]] = (
        ("commitment", commitments),
        ("control", controls),
    )
    for kind, entries in promises:
        for promise in entries.removed:
            texts.append(_text(f"{kind}s/{promise.id}", kind, promise.text, None, promise.id))
        for promise_pair in entries.modified:
            if promise_pair.changed("text"):
                old_text, new_text = promise_pair.old.text, promise_pair.new.text
                path = f"{kind}s/{promise_pair.key}"
                texts.append(_text(path, kind, old_text, new_text, promise_pair.key))
        for promise in entries.added:
            texts.append(_text(f"{kind}s/{promise.id}", kind, None, promise.text, promise.id))
    return tuple(texts)


def _section_text(section: Section, *, old: bool) -> TextChange:
    """A section added or removed: its body, or its heading when nothing is written under it."""
    if section.body.strip():
        path, kind, text = f"sections/{section.id}", "section", section.body
    else:  # a bare heading, such as a table of contents made of the page's own headings
        path, kind, text = f"sections/{section.id}/title", "section-title", section.title
    before, after = (text, None) if old else (None, text)
    return _text(path, kind, before, after, section.id)


def _text(path: str, kind: str, old: str | None, new: str | None, entry_id: str) -> TextChange:
    return TextChange(path=path, kind=kind, old=old, new=new, entry_id=entry_id)

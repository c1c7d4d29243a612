"""Detectors for what the prose of a policy says: section bodies and titles, the summary, purpose
texts, and the text of commitments and controls.

The claims of both versions are compared as documents (:mod:`governance.prose`): a change of
wording that keeps every claim is ``text-changed`` (editorial), one finding per changed text; a
change of meaning feeds the public rule it belongs to (a third party newly named, more sharing,
a new purpose, longer retention, weaker consent, a dropped control, a promise removed or
reversed, data leaving the device), plus two rules of this module: ``scope-widened`` and
``data-category-added``.

What the structured detectors already report (a recipient added as an entry, a commitment entry
removed, an item's retention or consent changed) is not reported again from the prose.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

# The rules this module feeds are declared there; import them first whatever the import order.
import governance.rules.commitments
import governance.rules.consent
import governance.rules.items
import governance.rules.metadata
import governance.rules.purposes
import governance.rules.recipients
import governance.rules.retention  # noqa: F401
from governance.diff import PolicyDiff, TextChange
from governance.findings import Level
from governance.model import (
    CONSENT_STRENGTH,
    Category,
    Consent,
    Item,
    Policy,
    Recipient,
    retention_days,
)
from governance.prose.text import compact_diff, flat, normalise, readable, sentences, word_diff
from governance.rules.registry import REGISTRY, Hit, Rule, detector
from governance.rules.words import emptied

if TYPE_CHECKING:
    from governance.prose.compare import Covered, Lookup, Mentions, ProseChange, Unit

AREA = "prose"


def _declare(rule_id: str, level: Level, description: str, rationale: str) -> None:
    if rule_id not in REGISTRY.rules:
        REGISTRY.add_rule(Rule(rule_id, level, description, rationale, AREA))


_declare(
    "scope-widened",
    Level.material,
    "Tracking now also covers new products, apps, sites or channels (mobile apps, partner "
    "sites, emails, connected devices...).",
    "Users consented to tracking where the policy said it happens; tracking on new surfaces "
    "processes data of people who were not told (GDPR Art. 13(1)(c) and 13(3); ePrivacy "
    "Art. 5(3) consent is given per purpose and context).",
)
_declare(
    "data-category-added",
    Level.material,
    "A new kind of personal data is collected (precise location, contacts, session "
    "recordings, browsing history, device identifiers...).",
    "The categories of data collected are part of the disclosure; the FTC treats collecting "
    "new categories of data without notice as deceptive (FTC Act §5), and GDPR Art. 13(3) "
    "requires information before further processing.",
)

# The rules prose changes feed; a change whose rule is not registered is reported as editorial.
_PROSE_RULES = (
    "third-party-added",
    "sharing-expanded",
    "purpose-added",
    "scope-widened",
    "data-category-added",
    "transfer-added",
    "retention-extended",
    "retention-shortened",
    "consent-weakened",
    "commitment-removed",
    "data-leaves-device",
    "recipient-removed",
    "contact-changed",
)
_PROSE_KINDS = {"section", "section-title", "summary", "purpose"}


_last: tuple[PolicyDiff, dict[str, list[Hit]]] | None = None


def prose_hits(diff: PolicyDiff) -> dict[str, list[Hit]]:
    """Every prose hit of a diff by rule id, computed once per diff (detectors share it)."""
    global _last
    if _last is not None and _last[0] is diff:
        return _last[1]
    hits = _analyse(diff)
    _last = (diff, hits)
    return hits


def _analyse(diff: PolicyDiff) -> dict[str, list[Hit]]:
    from governance.prose.compare import compare_documents

    hits: dict[str, list[Hit]] = {}
    if diff.old is None or diff.new is None or not diff.texts:
        return hits
    document = {c.path for c in diff.texts if c.kind in _PROSE_KINDS and _is_document(c.path)}
    # a section added or removed brings its heading along: a heading can carry a claim
    document |= {
        f"{path}/title"
        for path in list(document)
        if path.startswith("sections/") and path.count("/") == 1
    }
    items = [c for c in diff.texts if c.kind == "purpose" and c.path.startswith("items/")]
    changes: list[ProseChange] = []
    if document or items:
        vendors, owners = _vendor_names(diff), _owners(diff.old, diff.new)
        lookup, covered = _catalog_lookup(diff), _covered(diff)
        old_names, new_names = _names(diff.old), _names(diff.new)

        def compare(old_units: list[Unit], new_units: list[Unit]) -> list[ProseChange]:
            return compare_documents(
                old_units,
                new_units,
                vendors=vendors,
                owners=owners,
                lookup=lookup,
                covered=covered,
                old_mentions=old_names,
                new_mentions=new_names,
            )

        # Items' purposes take part only when they changed: a policy may list thousands of
        # items, and the cost should follow the change, not the size of the policy.
        changes += compare(
            _units(diff.old, document) + _purposes(items, diff.old, old=True),
            _units(diff.new, document) + _purposes(items, diff.new, old=False),
        )
    meaningful: set[str] = set()
    if emptied(diff.old, diff.new):  # a failed capture: nothing it stopped saying is news
        changes = [
            _replace(change, level="minor") if change.after is None else change
            for change in changes
        ]
    for change in changes:
        # an id the registry does not know is reported under it (material, or an error in
        # strict mode), through the text-changed detector: never silently editorial
        rule = change.rule if change.rule in REGISTRY.rules else "text-changed"
        level = Level(change.level) if change.level else None
        hits.setdefault(rule, []).append(
            Hit(
                change.path,
                change.message,
                change.before,
                change.after,
                level=level,
                rule=None if rule == change.rule else change.rule,
            )
        )
        meaningful.add(change.path)
    for text in diff.texts:
        if text.kind in _PROSE_KINDS:
            if text.path not in meaningful:
                hits.setdefault("text-changed", []).append(_editorial(text, diff))
        elif text.kind in {"commitment", "control"} and text.old and text.new:
            rule, hit = _promise_text(text)
            hits.setdefault(rule, []).append(hit)
    return hits


def _replace(change: ProseChange, **values: str) -> ProseChange:
    from dataclasses import replace

    return replace(change, **values)


def _is_document(path: str) -> bool:
    return not path.startswith("items/")


def _units(policy: Policy, scanned: set[str]) -> list[Unit]:
    """The prose of the page: summary, sections (titles and bodies), recipients' purposes."""
    from governance.prose.compare import Unit

    units: list[Unit] = []
    if policy.summary:
        units.append(Unit("summary", policy.summary, "Summary", "summary" in scanned))
    for section in policy.sections:
        path = f"sections/{section.id}"
        units.append(
            Unit(f"{path}/title", section.title, section.title, f"{path}/title" in scanned)
        )
        units.append(Unit(path, section.body, section.title, path in scanned))
    for recipient in policy.recipients:
        path = f"recipients/{recipient.id}/purpose"
        if recipient.purpose:
            units.append(Unit(path, recipient.purpose, recipient.name, path in scanned))
    return units


def _names(policy: Policy) -> Mentions:
    """What only names things: items, recipients, commitments and controls (mentions only).

    Commitments and controls restate the prose as facts; their own changes are judged on their
    own (a promise dropped from the prose is dropped even if its entry stays).
    """
    from governance.prose.compare import Mentions

    return Mentions(
        [
            *(f"{item.name} {item.provider or ''}" for item in policy.items),
            *(recipient.name for recipient in policy.recipients),
            *(commitment.text for commitment in policy.commitments),
            *(control.text for control in policy.controls),
        ]
    )


def _purposes(texts: list[TextChange], policy: Policy, *, old: bool) -> list[Unit]:
    from governance.prose.compare import Unit

    names = {item.id: item.name for item in policy.items}
    units = []
    for text in texts:
        wording = text.old if old else text.new
        if wording:
            units.append(Unit(text.path, wording, names.get(text.entry_id or "", "")))
    return units


def _owners(*policies: Policy) -> list[str]:
    owners: list[str] = []
    for policy in policies:
        if policy.owner:
            owners.append(policy.owner)
            owners.append(policy.owner.split()[0])
    return owners


def _vendor_names(diff: PolicyDiff) -> tuple[str, ...]:
    from governance.catalog import catalog_for

    try:
        return tuple(sorted(catalog_for(diff.config).names()))
    except Exception:  # noqa: BLE001 - a broken imported catalogue must not stop prose rules
        return ()


def _catalog_lookup(diff: PolicyDiff) -> Lookup | None:
    from governance.catalog import catalog_for
    from governance.prose.compare import CatalogMatch

    try:
        catalog = catalog_for(diff.config)
    except Exception:  # noqa: BLE001
        return None

    def lookup(name: str) -> CatalogMatch | None:
        entry = catalog.lookup(name)
        if entry is None or not entry.third_party or entry.is_pattern and len(name) < 4:
            return None
        return CatalogMatch(entry.platform, entry.controller, entry.source)

    return lookup


def _covered(diff: PolicyDiff) -> Covered:
    """What the structured detectors report for this diff, so prose stays quiet about it."""
    from governance.prose.claims import name_key
    from governance.prose.compare import Covered

    assert diff.new is not None
    covered = Covered()
    for recipient in diff.new.recipients:
        covered.parties.add(name_key(recipient.name))
        covered.parties.add(name_key(recipient.id.replace("-", " ")))
    for item in diff.items.added:
        if item.provider:
            covered.parties.add(name_key(item.provider))
    for commitment in diff.commitments.removed:
        covered.promises.extend(_signatures(commitment.text))
    for promise in diff.commitments.matched:
        if promise.changed("text"):
            covered.promises.extend(_signatures(promise.old.text))
    for control in diff.controls.removed:
        covered.controls |= _control_concepts(control.text)
        if control.signal:
            covered.controls.add(_SIGNAL_CONTROL.get(str(control.signal), ""))
    for control_pair in diff.controls.matched:
        signal = control_pair.field("signal")
        if signal is not None and signal.before:
            covered.controls.add(_SIGNAL_CONTROL.get(str(signal.before), ""))
        if control_pair.changed("text"):
            covered.controls |= _control_concepts(control_pair.old.text)
    for pair in diff.items.matched:
        retention = pair.field("retention")
        if retention is not None and retention.after:
            days = retention_days(retention.after)
            if days is not None:
                covered.retention_days.add(days)
        consent = pair.field("consent")
        if consent is not None and _weaker(consent.before, consent.after):
            covered.consent = True
        category = pair.field("category")
        if category is not None and category.after == Category.strictly_necessary.value:
            covered.consent = True
        device = pair.field("leaves_device")
        if device is not None and device.after:
            covered.device = True
    return covered


_SIGNAL_CONTROL = {"dnt": "Do Not Track", "gpc": "Global Privacy Control"}


def _weaker(before: object, after: object) -> bool:
    try:
        return CONSENT_STRENGTH[Consent(str(after))] < CONSENT_STRENGTH[Consent(str(before))]
    except ValueError:
        return False


def _signatures(text: str) -> list[frozenset[str]]:
    from governance.prose.claims import extract_claims

    return [clause.signature for claim in extract_claims(text) for clause in claim.clauses]


def _control_concepts(text: str) -> set[str]:
    from governance.prose.claims import extract_claims

    concepts: set[str] = set()
    for claim in extract_claims(text):
        concepts |= claim.controls | claim.controls_denied
    return concepts


# --- editorial findings ---------------------------------------------------------------------------


def _label(text: TextChange, diff: PolicyDiff) -> str:
    if text.kind == "summary":
        return "the summary"
    collection, _, rest = text.path.partition("/")
    entry_id = rest.split("/", 1)[0]
    name = _entry_names(diff).get((collection, entry_id), entry_id)
    if text.kind == "section-title":
        return f"the heading of section \u201c{name}\u201d"
    if text.kind == "purpose":
        return f"the purpose of \u201c{name}\u201d"
    return f"section \u201c{name}\u201d"


_names_of: tuple[PolicyDiff, dict[tuple[str, str], str]] | None = None


def _entry_names(diff: PolicyDiff) -> dict[tuple[str, str], str]:
    """(collection, id) → the name or title a reader knows the entry by, built once per diff."""
    global _names_of
    if _names_of is not None and _names_of[0] is diff:
        return _names_of[1]
    names: dict[tuple[str, str], str] = {}
    policy = diff.new or diff.old
    if policy is not None:
        for section in policy.sections:
            names.setdefault(("sections", section.id), section.title)
        entries: list[Item | Recipient] = [*policy.items, *policy.recipients]
        for entry in entries:
            collection = "items" if isinstance(entry, Item) else "recipients"
            names.setdefault((collection, entry.id), entry.name)
    _names_of = (diff, names)
    return names


def _editorial(text: TextChange, diff: PolicyDiff) -> Hit:
    if text.kind == "section-title" and (text.old is None or text.new is None):
        return _bare_heading(text)
    where = _label(text, diff)
    if text.old is None:
        return Hit(
            text.path, f"New text in {where}: {_short(flat(text.new))}", None, flat(text.new)
        )
    if text.new is None:
        return Hit(
            text.path, f"Text removed: {where}: {_short(flat(text.old))}", flat(text.old), None
        )
    old_norm, new_norm = normalise(text.old), normalise(text.new)
    if old_norm == new_norm:
        before, after = _changed_lines(text.old, text.new)
        what = "links or dates" if _only_links_or_dates(text.old, text.new) else "formatting"
        return Hit(
            text.path,
            f"Only {what} changed in {where} (the wording is the same)",
            before,
            after,
        )
    before, after = _changed_sentences(text.old, text.new)
    if not before and not after:  # sentences reordered: same sentences, another order
        return Hit(text.path, f"Sentences reordered in {where}", None, None)
    return Hit(
        text.path,
        f"Wording changed in {where}: {compact_diff(word_diff(before, after))}",
        before,
        after,
    )


def _bare_heading(text: TextChange) -> Hit:
    """A heading added or removed with no text under it (the diff reports its title)."""
    if text.old is None:
        title = flat(text.new or "")
        return Hit(
            text.path, f"New heading \u201c{_short(title)}\u201d, no text under it", None, title
        )
    title = flat(text.old)
    return Hit(
        text.path, f"Heading removed: \u201c{_short(title)}\u201d, no text under it", title, None
    )


def _short(text: str) -> str:
    """The text on one line, whole: a finding's message is evidence and is never cut."""
    return " ".join(text.split())


def _changed_sentences(old: str, new: str) -> tuple[str, str]:
    old_sentences = sentences(old)
    new_sentences = sentences(new)
    old_keys = {normalise(s) for s in old_sentences}
    new_keys = {normalise(s) for s in new_sentences}
    before = " … ".join(s for s in old_sentences if normalise(s) not in new_keys)
    after = " … ".join(s for s in new_sentences if normalise(s) not in old_keys)
    return before, after


def _changed_lines(old: str, new: str) -> tuple[str | None, str | None]:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    before: list[str] = []
    after: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            before.extend(line.strip() for line in old_lines[i1:i2] if line.strip())
            after.extend(line.strip() for line in new_lines[j1:j2] if line.strip())
    return ("\n".join(before) or None, "\n".join(after) or None)


def _only_links_or_dates(old: str, new: str) -> bool:
    return readable(old) != readable(new) or readable(old, keep_urls=True) != readable(
        new, keep_urls=True
    )


def _promise_text(text: TextChange) -> tuple[str, Hit]:
    """A commitment or control whose text changed: reversed / dropped, or reworded."""
    from governance.prose.compare import Unit, compare_documents

    assert text.old is not None and text.new is not None
    changes = compare_documents([Unit(text.path, text.old)], [Unit(text.path, text.new)])
    wanted = (
        {"commitment-removed", "data-leaves-device"}
        if text.kind == "commitment"
        else {"consent-weakened"}
    )
    for change in changes:
        if change.rule in wanted and change.rule in REGISTRY.rules:
            what = "Promise" if text.kind == "commitment" else "User control"
            how = (
                "narrowed by an exception"
                if change.kind == "commitment-narrowed"
                else "reversed"
                if change.after
                else "weakened"
            )
            message = (
                f"{what} {how}: \u201c{_short(flat(text.old))}\u201d now reads "
                f"\u201c{_short(flat(text.new))}\u201d"
            )
            return change.rule, Hit(text.path, message, text.old, text.new)
    kind = "promise" if text.kind == "commitment" else "user control"
    return "text-changed", Hit(
        text.path,
        f"The {kind} is reworded, same meaning: {compact_diff(word_diff(text.old, text.new))}",
        text.old,
        text.new,
    )


# --- registration -----------------------------------------------------------------------------


def _register(rule_id: str) -> None:
    def detect(diff: PolicyDiff) -> Iterator[Hit]:
        yield from prose_hits(diff).get(rule_id, ())

    detect.__name__ = detect.__qualname__ = f"prose_{rule_id.replace('-', '_')}"
    detector(rule_id)(detect)


def _register_all(rule_ids: Iterable[str]) -> None:
    for rule_id in dict.fromkeys(rule_ids):
        if rule_id in REGISTRY.rules:
            _register(rule_id)


_register_all((*_PROSE_RULES, "text-changed"))

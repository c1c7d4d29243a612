"""``govern scan --suggest``: the YAML items and recipients that would make the policy true.

Each suggested item is built from what was observed (name, storage, party, duration) and what the
known-cookie catalogue says (provider, category, purpose), validated against the policy model, and
printed under a comment that says where each fact comes from. What no declaration can fix (an
item set before consent, a cookie kept longer than declared) is listed as comments: the site or
the declared retention has to change, and a reviewer decides which.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from governance.catalog import CatalogEntry
from governance.model import (
    Category,
    Consent,
    Item,
    Policy,
    Recipient,
    Role,
    Storage,
    retention_days,
)
from governance.rules.catalog import same_organisation_names
from governance.scan.match import (
    Company,
    Group,
    Matched,
    duration_words,
    exceeds,
    needs_consent,
)
from governance.scan.observations import Phase

_USES = {
    Category.strictly_necessary: ["essential.service"],
    Category.functional: ["functional.storage"],
    Category.analytics: ["analytics.reporting"],
    Category.marketing: ["marketing.advertising.third_party"],
}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _short_list(dumper: yaml.SafeDumper, values: list[Any]) -> yaml.SequenceNode:
    """Lists of names and keys in flow style (``names: [sid]``), entries as blocks."""
    flow = all(not isinstance(value, dict | list) for value in values)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", values, flow_style=flow)


_Dumper.add_representer(list, _short_list)


def suggest(matched: Matched, policy: Policy, site: str) -> str:
    """The suggestion as YAML text (comments included); "" when there is nothing to declare."""
    ids = {item.id for item in policy.items} | {r.id for r in policy.recipients}
    recipients: dict[str, tuple[Recipient, str]] = {}
    items: list[tuple[Item, str]] = []
    for group in matched.groups:
        if group.item is not None:
            continue
        provider = None
        if group.entry is not None and group.entry.third_party:
            entry = group.entry
            provider = _recipient_for(entry.platform, entry.controller, policy, recipients, ids)
        items.append(_item(group, provider, ids))
    for company in matched.undeclared_companies:
        _recipient_for(company.label, company.controller or "", policy, recipients, ids, company)
    todo = _todo(matched)
    if not (items or recipients or todo):
        return ""
    lines = [
        f"# govern scan --suggest: declarations that would make the policy match {site}.",
        "# Facts come from the scan and the known-cookie catalogue; check each before committing.",
    ]
    if items:
        lines += ["", "items:"]
        for item, comment in items:
            lines += [*_comments(comment), *_entry_lines(item)]
    if recipients:
        lines += ["", "recipients:"]
        for recipient, comment in recipients.values():
            lines += [*_comments(comment), *_entry_lines(recipient)]
    if todo:
        lines += ["", "# Not fixed by declaring more (the site or the declared facts must change):"]
        lines += [f"# - {entry}" for entry in todo]
    return "\n".join(lines) + "\n"


def _comments(text: str) -> list[str]:
    return [f"  # {part.strip()}" for part in text.split(";") if part.strip()]


def _entry_lines(entry: Item | Recipient) -> list[str]:
    data = entry.model_dump(mode="json", exclude_defaults=True)
    data = {"id": data.pop("id"), **data}
    text = yaml.dump(
        [data],
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )
    return ["  " + line for line in text.rstrip("\n").splitlines()]


def _unique(base: str, ids: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", base.casefold()).strip("-._") or "item"
    slug = slug if slug[0].isalnum() else "x" + slug
    candidate, number = slug, 2
    while candidate in ids:
        candidate = f"{slug}-{number}"
        number += 1
    ids.add(candidate)
    return candidate


def _item(group: Group, provider: str | None, ids: set[str]) -> tuple[Item, str]:
    entry: CatalogEntry | None = group.entry
    category = Category(entry.category) if entry and entry.category else None
    sources = ["observed by govern scan"]
    if entry is not None:
        sources.append(f"{entry.describe()} according to {entry.source}")
    else:
        sources.append("not in the catalogue: set category, purpose and consent by hand")
    chosen = category or Category.functional
    early = group.first(Phase.before) is not None
    consent = (
        Consent.none
        if chosen is Category.strictly_necessary or (chosen is Category.functional and early)
        else Consent.opt_in
    )
    if chosen is Category.functional and consent is Consent.none and category is None:
        sources.append("set before consent, so declared without consent: confirm it is exempt")
    longest = group.longest
    retention = None
    if group.kind.value == Storage.cookie.value and longest is not None:
        words = duration_words(longest)
        retention = words if words != "unknown" else None
    elif entry is not None and entry.retention:
        retention = entry.retention
    names = [group.key] if "*" in group.key else sorted(group.names)
    kind = "cookie" if group.kind.value == Storage.cookie.value else f"{group.kind.value} key"
    fields: dict[str, Any] = {
        "id": _unique(group.key.replace("*", ""), ids),
        "name": f"{entry.platform} {kind}" if entry else group.key,
        "names": names,
        "storage": group.kind.value,
        "party": "first" if group.first_party else "third",
        "provider": provider,
        "category": chosen.value,
        "data_uses": _USES[chosen],
        "purpose": entry.description if entry and entry.description else "",
        "retention": retention,
        "consent": consent.value,
        "leaves_device": group.kind.value == Storage.cookie.value,
    }
    try:
        item = Item.model_validate(fields)
    except ValueError:  # a catalogue retention the model cannot read: leave it out
        fields["retention"] = None
        item = Item.model_validate(fields)
    return item, "; ".join(sources)


def _recipient_for(
    platform: str,
    controller: str,
    policy: Policy,
    recipients: dict[str, tuple[Recipient, str]],
    ids: set[str],
    company: Company | None = None,
) -> str:
    """The id of the recipient for a company: a declared one, one already suggested, or new.

    A company the catalogue does not know is only its domain: it is matched by that alone."""
    known = company is None or company.entry is not None
    for recipient in policy.recipients:
        if known and same_organisation_names(recipient.name, platform, controller):
            return recipient.id
    for key, (recipient, _) in recipients.items():
        if recipient.name == (controller or platform) or (
            known and same_organisation_names(recipient.name, platform, controller)
        ):
            return key
    name = controller or platform
    hosts = ", ".join(company.hosts) if company else ""
    comment = f"receives requests to {hosts}" if hosts else f"sets cookies as {platform}"
    if company is not None and company.entry is None:
        comment += " (not in the catalogue: give its legal name, role and purpose)"
    recipient = Recipient(id=_unique(platform, ids), name=name, role=Role.controller)
    recipients[recipient.id] = (recipient, comment)
    return recipient.id


def _todo(matched: Matched) -> list[str]:
    notes = []
    for group in matched.groups:
        early = group.first(Phase.before)
        if early is not None and needs_consent(group.item, group.entry):
            what = f"items/{group.item.id}" if group.item else f'"{group.key}"'
            notes.append(
                f"{what} is set before consent: load it only after the user accepts "
                "(or, if it truly is strictly necessary, declare it so)"
            )
        if group.item is not None and group.item.retention and group.longest is not None:
            declared = retention_days(group.item.retention)
            if declared is not None and exceeds(group.longest, declared):
                notes.append(
                    f"items/{group.item.id} is kept {duration_words(group.longest)}, declared "
                    f"{group.item.retention}: shorten the cookie or declare the longer retention"
                )
    return notes

"""Observations against the declared policy: the findings of the six scan rules.

An observed cookie or storage key is *declared* when an item of a compatible storage kind lists
its name: an exact technical name, or a pattern (``_hjSession_*``, ``_ga_<container-id>``) from
``names`` — or, for an item without ``names``, its ``name`` when that is written as a technical
name. A request to another site is *declared* when its company (the catalogue's domain → company
map, else the host's registrable domain) is a declared recipient or the provider of an item.

Paths and before/after values follow the diff's conventions, so fingerprints are stable between
scans of the same site: an undeclared cookie is ``items/<name>`` (the catalogue's pattern when one
matches, so ``_hjSession_1234`` and ``_hjSession_99`` are one finding) with its name, storage and
party; observed durations are rounded to whole units; page URLs and hosts are in messages only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from governance.catalog import Catalog, CatalogEntry, DomainEntry
from governance.findings import Finding, Level
from governance.model import Category, Consent, Item, Policy, Storage, retention_days
from governance.rules.catalog import same_organisation_names
from governance.rules.registry import OFF, Registry
from governance.rules.words import item_words
from governance.scan.observations import (
    CookieSeen,
    Observations,
    Phase,
    RequestSeen,
    StorageKind,
    StorageSeen,
)
from governance.scan.sites import host_of_url, site_of_host

# Which declared storage an observation may match.
_COMPATIBLE = {
    StorageKind.cookie: {Storage.cookie, Storage.pixel, Storage.sdk, Storage.other},
    StorageKind.local_storage: {Storage.local_storage, Storage.sdk, Storage.other},
    StorageKind.session_storage: {Storage.session_storage, Storage.sdk, Storage.other},
    StorageKind.indexed_db: {Storage.indexed_db, Storage.sdk, Storage.other},
}
_OBSERVABLE = {Storage.cookie, Storage.local_storage, Storage.session_storage, Storage.indexed_db}
_NEEDS_CONSENT = {Category.analytics.value, Category.marketing.value}
_TECHNICAL = re.compile(r"^[^\s,;]+$")
_PLACEHOLDER = re.compile(r"<[^<>]*>|\{[^{}]*\}|\*")
# 2 % over the declared period (months are not all alike), and a minute for clocks
_DURATION_SLACK = 1.02
_DURATION_GRACE_DAYS = 1 / 1440


def candidate_names(item: Item) -> list[str]:
    """The names a browser would show for an item: ``names``, else a technical-looking
    ``name`` (``_ga``; ``_ga, _gid`` as two)."""
    if item.names:
        return [name.strip() for name in item.names if name.strip()]
    parts = [part.strip().strip("`") for part in re.split(r",|/|\bor\b|\band\b", item.name)]
    return [part for part in parts if part and _TECHNICAL.match(part)]


def name_pattern(name: str) -> re.Pattern[str]:
    """``_hjSession_*`` or ``_ga_<container-id>`` as a regular expression (case-insensitive)."""
    pieces = _PLACEHOLDER.split(name)
    return re.compile(".+?".join(re.escape(piece) for piece in pieces), re.I)


@dataclass(frozen=True)
class _Declared:
    item: Item
    exact: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, item: Item) -> _Declared:
        names = candidate_names(item)
        exact = frozenset(n.casefold() for n in names if not _PLACEHOLDER.search(n))
        patterns = tuple(name_pattern(n) for n in names if _PLACEHOLDER.search(n))
        return cls(item, exact, patterns)

    def matches(self, name: str) -> int:
        """2 for an exact name, 1 for a pattern, 0 for none."""
        if name.casefold() in self.exact:
            return 2
        return 1 if any(p.fullmatch(name) for p in self.patterns) else 0


@dataclass
class Group:
    """One observed cookie or storage key (or several names under one catalogue pattern)."""

    kind: StorageKind
    key: str  # the name, or the catalogue pattern that groups names
    first_party: bool
    names: set[str] = field(default_factory=set)
    cookies: list[CookieSeen] = field(default_factory=list)
    storage: list[StorageSeen] = field(default_factory=list)
    item: Item | None = None
    entry: CatalogEntry | None = None

    @property
    def observations(self) -> list[CookieSeen | StorageSeen]:
        return [*self.cookies, *self.storage]

    def first(self, phase: Phase | None = None) -> CookieSeen | StorageSeen | None:
        for seen in self.observations:
            if phase is None or seen.phase is phase:
                return seen
        return None

    @property
    def longest(self) -> float | None:
        """The longest known duration in days (0: session), None when none is known."""
        known = [c.duration_days for c in self.cookies if c.duration_days is not None]
        return max(known) if known else None

    @property
    def set_by(self) -> str:
        ways = {c.set_by for c in self.cookies}
        if "header" in ways:
            return "a response header"
        return "a script" if "script" in ways else "the page"


@dataclass
class Company:
    """Requests to the hosts of one company (or of one unknown registrable domain)."""

    key: str
    label: str
    controller: str | None
    entry: DomainEntry | None
    requests: list[RequestSeen] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        return sorted({request.host for request in self.requests})


@dataclass
class Matched:
    """The matcher's view of one scan, which findings and suggestions are made from."""

    groups: list[Group]
    companies: list[Company]
    undeclared_companies: list[Company]
    unobserved: list[Item]


@dataclass
class Levels:
    """Rule levels with the repository's overrides; ``None`` when a rule is turned off."""

    registry: Registry
    overrides: dict[str, str]

    def of(self, rule_id: str) -> Level | None:
        wanted = self.overrides.get(rule_id)
        if wanted == OFF:
            return None
        return Level(wanted) if wanted else self.registry.rules[rule_id].level


class Matcher:
    def __init__(self, policy: Policy, catalog: Catalog, observations: Observations) -> None:
        self.policy = policy
        self.catalog = catalog
        self.seen = observations
        self.declared = [_Declared.of(item) for item in policy.items]

    # --- matching -----------------------------------------------------------------------------

    def match(self) -> Matched:
        groups = self._groups()
        companies = self._companies()
        undeclared = [company for company in companies if not self._is_declared(company)]
        observed = {group.item.id for group in groups if group.item is not None}
        unobserved = [
            item for item in self.policy.items if item.id not in observed and self._observable(item)
        ]
        return Matched(groups, companies, undeclared, unobserved)

    def item_for(self, name: str, kind: StorageKind, domain: str | None = None) -> Item | None:
        best: tuple[int, int, int] | None = None
        found: Item | None = None
        for order, declared in enumerate(self.declared):
            if declared.item.storage not in _COMPATIBLE[kind]:
                continue
            score = declared.matches(name)
            if not score:
                continue
            on_domain = int(bool(domain and _covers(declared.item.domain, domain)))
            rank = (score, on_domain, -order)
            if best is None or rank > best:
                best, found = rank, declared.item
        return found

    def _groups(self) -> list[Group]:
        groups: dict[tuple[StorageKind, str, bool], Group] = {}

        def group_of(kind: StorageKind, name: str, first_party: bool, domain: str) -> Group:
            item = self.item_for(name, kind, domain)
            entry = self.catalog.lookup(name)
            key = item.id if item is not None else _identity(name, entry)
            marker = (kind, ("item:" if item else "") + key, first_party if not item else True)
            group = groups.get(marker)
            if group is None:
                group = groups[marker] = Group(kind, key, first_party, item=item, entry=entry)
            group.names.add(name)
            return group

        for cookie in self.seen.cookies:
            group = group_of(StorageKind.cookie, cookie.name, cookie.first_party, cookie.domain)
            group.cookies.append(cookie)
        for stored in self.seen.storage:
            host = host_of_url(stored.origin)
            group = group_of(stored.kind, stored.key, stored.first_party, host)
            group.storage.append(stored)
        return list(groups.values())

    def _companies(self) -> list[Company]:
        companies: dict[str, Company] = {}
        for request in self.seen.requests:
            entry = self.catalog.company_for_host(request.host)
            if entry is not None:
                key, label, controller = entry.platform.casefold(), entry.platform, entry.controller
            else:
                key = label = site_of_host(request.host)
                controller = None
            company = companies.get(key)
            if company is None:
                company = companies[key] = Company(key, label, controller, entry)
            company.requests.append(request)
        return list(companies.values())

    def _is_declared(self, company: Company) -> bool:
        names: list[str] = []
        for recipient in self.policy.recipients:
            names += [recipient.name, recipient.id]
            if recipient.privacy_policy and any(
                site_of_host(host_of_url(recipient.privacy_policy)) == site_of_host(host)
                for host in company.hosts
            ):
                return True
        names += [item.provider for item in self.policy.items if item.provider]
        for host in company.hosts:
            for item in self.policy.items:
                if item.provider and item.domain and _covers(item.domain, host):
                    return True
        entry = company.entry
        for name in names:
            if entry is not None and same_organisation_names(
                name, entry.platform, entry.controller
            ):
                return True
            if _label_tokens(company.hosts) & _tokens(name):
                return True
        return False

    def _observable(self, item: Item) -> bool:
        if item.storage not in _OBSERVABLE:
            return False
        if item.storage is not Storage.cookie and not self.seen.storage_observed:
            return False
        return not (item.consent is Consent.opt_in and not self.seen.consented)


def _identity(name: str, entry: CatalogEntry | None) -> str:
    """The catalogue's pattern groups varying names (``_hjSession_1234`` → ``_hjSession_*``)."""
    if entry is not None and entry.is_pattern:
        return entry.name
    return name


def _covers(declared_domain: str | None, host: str) -> bool:
    if not declared_domain:
        return False
    domain = declared_domain.strip().lstrip(".").casefold()
    host = host.lstrip(".").casefold()
    return host == domain or host.endswith("." + domain)


def _tokens(name: str) -> set[str]:
    return {token for token in re.split(r"[^a-z0-9]+", name.casefold()) if len(token) > 2}


def _label_tokens(hosts: Iterable[str]) -> set[str]:
    """The name part of each host's registrable domain (``tags.hotjar.com`` → ``hotjar``)."""
    labels = set()
    for host in hosts:
        site = site_of_host(host)
        if "." in site and not site.replace(".", "").isdigit():
            labels.add(site.split(".", 1)[0])
    return {label for label in labels if len(label) > 2}


# --- findings ------------------------------------------------------------------------------------


def needs_consent(item: Item | None, entry: CatalogEntry | None) -> bool:
    """Not strictly necessary: the policy asks consent for it (opt-in), or it is analytics or
    marketing by its declaration or, undeclared, by the catalogue."""
    if item is not None:
        return item.consent is Consent.opt_in or item.category.value in _NEEDS_CONSENT
    return entry is not None and entry.category in _NEEDS_CONSENT


def duration_words(days: float | None) -> str:
    """A duration as a stable, rounded phrase: "session", "30 minutes", "12 hours", "365 days"."""
    if days is None:
        return "unknown"
    if days == 0:
        return "session"
    if math.isinf(days):
        return "persistent"
    minutes = days * 1440
    if minutes < 90:
        return _plural(round(minutes), "minute")
    if days < 2:
        return _plural(round(days * 24), "hour")
    return _plural(round(days), "day")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def exceeds(observed: float, declared: float) -> bool:
    return observed > declared * _DURATION_SLACK + _DURATION_GRACE_DAYS


@dataclass
class FindingMaker:
    policy: Policy
    levels: Levels
    line_of: Any  # Callable[[str], int | None]
    findings: list[Finding] = field(default_factory=list)

    def add(
        self,
        rule: str,
        path: str,
        message: str,
        before: Any,
        after: Any,
        *,
        reason: str | None = None,
    ) -> None:
        level = self.levels.of(rule)
        if level is None:
            return
        self.findings.append(
            Finding(
                rule=rule,
                level=level,
                path=path,
                message=message,
                reason=reason or self.levels.registry.rules[rule].rationale,
                before=before,
                after=after,
                line=self.line_of(path) if path.count("/") >= 1 else None,
            )
        )


def findings_of(matched: Matched, observations: Observations, maker: FindingMaker) -> list[Finding]:
    policy = maker.policy
    pages = len({page.url for page in observations.pages}) or len(observations.sources)
    for group in matched.groups:
        if group.item is None:
            _undeclared(group, maker)
        else:
            _duration(group, group.item, maker)
        _before_consent(group, observations, maker)
    for company in matched.undeclared_companies:
        _third_party(company, maker)
    for item in matched.unobserved:
        _not_observed(item, policy, observations, pages, maker)
    return sorted(maker.findings, key=lambda f: (-f.level.rank, f.rule, f.path))


def _where(seen: CookieSeen | StorageSeen | RequestSeen | None) -> str:
    if seen is None:
        return ""
    when = {
        Phase.before: "before consent",
        Phase.after: "after consent",
        Phase.unknown: "",
    }[seen.phase]
    return f"first seen {when} on {seen.page}".replace("  ", " ")


def _undeclared(group: Group, maker: FindingMaker) -> None:
    party = "first-party" if group.first_party else "third-party"
    names = sorted(group.names)
    shown = names[0] if len(names) == 1 else f"{group.key} ({', '.join(names[:5])})"
    if group.kind is StorageKind.cookie:
        longest = group.longest
        kept = f", kept {_kept(longest)}" if longest is not None else ""
        blocked = (
            " (refused by this browser, but the site set it)"
            if all(c.blocked for c in group.cookies)
            else ""
        )
        message = (
            f'Cookie "{shown}" is set on the site but not declared ({party}, set by '
            f"{group.set_by}{kept}; {_where(group.first())}){blocked}"
        )
        rule = "undeclared-cookie"
    else:
        origins = sorted({s.origin for s in group.storage})
        message = (
            f'{group.kind.value} key "{shown}" is stored on the site but not declared ({party}, '
            f"origin {', '.join(origins)}; {_where(group.first())})"
        )
        rule = "undeclared-storage"
    if group.entry is not None:
        message += f"; {group.entry.describe(names[0])} according to {group.entry.source}"
    after = {"name": group.key, "storage": group.kind.value, "party": party.split("-")[0]}
    maker.add(rule, f"items/{group.key}", message, None, after)


def _kept(days: float | None) -> str:
    words = duration_words(days)
    return "for the session" if words == "session" else f"{words}"


def _duration(group: Group, item: Item, maker: FindingMaker) -> None:
    if group.kind is not StorageKind.cookie or item.retention is None:
        return
    declared = retention_days(item.retention)
    observed = group.longest
    if declared is None or observed is None or not exceeds(observed, declared):
        return
    longest = max(
        (c for c in group.cookies if c.duration_days is not None),
        key=lambda c: c.duration_days or 0.0,
    )
    words = duration_words(observed)
    maker.add(
        "duration-exceeds-declared",
        f"items/{item.id}/retention",
        f'The {item_words(item, maker.policy)} is kept {_kept(observed)} ("{longest.name}", '
        f"set by {'a response header' if longest.set_by == 'header' else 'a script'}), longer "
        f"than the declared {item.retention}; {_where(longest)}",
        item.retention,
        words,
    )


def _before_consent(group: Group, observations: Observations, maker: FindingMaker) -> None:
    if not observations.consent_phase_known:
        return
    early = group.first(Phase.before)
    if early is None or not needs_consent(group.item, group.entry):
        return
    if group.item is not None:
        item = group.item
        path = f"items/{item.id}/consent"
        why = (
            f"the policy declares it {item.consent.value}"
            if item.consent is Consent.opt_in
            else f"{item.category.value.replace('_', ' ')} items need prior consent"
        )
        message = (
            f'The {item_words(item, maker.policy)} is set before consent ("{early_name(early)}" '
            f"on {early.page}); {why}"
        )
        before: Any = item.consent.value
    else:
        entry = group.entry
        assert entry is not None  # needs_consent is false for an unknown undeclared item
        path = f"items/{group.key}/consent"
        message = (
            f'The {entry.category} {group.kind.value} "{early_name(early)}" is set before '
            f"consent on {early.page}; {entry.describe(early_name(early))} according to "
            f"{entry.source}"
        )
        before = None
    maker.add("set-before-consent", path, message, before, Phase.before.value)


def early_name(seen: CookieSeen | StorageSeen) -> str:
    return seen.name if isinstance(seen, CookieSeen) else seen.key


def _third_party(company: Company, maker: FindingMaker) -> None:
    hosts = company.hosts
    kinds = sorted({request.resource_type for request in company.requests})
    who = company.label
    if company.controller and company.controller != company.label:
        who += f" (controller {company.controller})"
    elif company.entry is None:
        who = f"the company behind {company.label} (not in the catalogue)"
    first = company.requests[0]
    by = f", requested by {first.initiator}" if first.initiator else ""
    message = (
        f"Data is sent to {who}, which is not a declared recipient: "
        f"{', '.join(kinds)} from {', '.join(hosts)}{by}; {_where(first)}"
    )
    after: dict[str, Any] = {"company": company.label}
    if company.controller:
        after["controller"] = company.controller
    maker.add("undeclared-third-party", f"recipients/{_slug(company.label)}", message, None, after)


def _not_observed(
    item: Item, policy: Policy, observations: Observations, pages: int, maker: FindingMaker
) -> None:
    phases = "before and after consent" if observations.consented else "before consent"
    message = (
        f"The {item_words(item, policy)} was not seen on the {pages} "
        f"page{'s' if pages != 1 else ''} scanned ({phases})"
    )
    if not candidate_names(item):
        message += "; if the browser knows it by another name, list that name in its `names`"
    before = {"name": item.name, "names": list(item.names), "storage": item.storage.value}
    maker.add("declared-not-observed", f"items/{item.id}", message, before, None)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "unknown"

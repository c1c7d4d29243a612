"""Reading a cookie page's meaning: items, recipients, commitments and controls.

The :class:`Extractor` is fed one section at a time (tables, record blocks, lists, sentences)
and accumulates plain data in the model's shape. It only turns text into facts when the shape
is unambiguous (a table with a name column, a list of "Name — purpose" bullets, "Stripe sets
cookies", "we do not..."); everything else stays prose.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from governance.catalog import catalog_for, hosts_in, registrable_domain
from governance.formats import _md_columns as columns
from governance.formats import _md_facts as facts
from governance.formats._md_blocks import Block, Entry
from governance.formats._orgs import KNOWN_PATTERN, canonical_org, org_of_domain, same_org
from governance.model import Category, Party, Storage
from governance.prose.text import split_sentences
from governance.prose.vendors import VENDOR_NAMES


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CONTROL_TITLE = re.compile(
    r"control|choices?\b|options?\b|opt[- ]?out|manag|accept or refuse|refuse|your rights|"
    r"disable|withdraw|how (?:can|do|to) (?:i|you)\b|settings|browser",
    re.I,
)
INFO_TITLE = re.compile(
    r"contact|more information|further information|find (?:out )?more|changes|questions|"
    r"definitions|glossary|what (?:are|is) (?:a )?cookies?\b|how do cookies work|learn more",
    re.I,
)
_TRACKING_WORDS = re.compile(
    r"cookie|storage|tracking|technolog|pixel|\bsdk|\btags?\b|beacon|analytic|essential|"
    r"necessary|preference|functional|advertis|marketing|measurement|performance|partner|"
    r"third part",
    re.I,
)
_NOT_ITEM_LEAD = re.compile(
    r"purpose|\b(?:to|us|you|help us|such as|include|includes|like|categories)\s*:?\s*$|"
    r"you can|you to\b|following categories|help us|allows? you|lets? you|so that you can|"
    r"for example|see below",
    re.I,
)
_NOT_A_NAME_START = _words(
    "keep deliver save personalize personalise protect show provide understand measure rate "
    "gather log help let detect improve optimize optimise count test prevent check schedule block "
    "delete see adjust turn opt allow enable remember track analyse analyze serve connect build "
    "use store collect manage control limit switch learn read find visit go click contact tell "
    "authenticate remarket promote record distinguish ensure display verify on in for to with by "
    "at from if when where some other most many all this these those we you our your it they "
    "there as and or but because so which"
)
_ATTRIBUTE = re.compile(
    r"^(?P<label>purposes?|duration|retention(?: period)?|expiry|expiration|expires|lifespan|"
    r"provider|vendor|controller|type|category|description|data collected|categories of data|"
    r"privacy policy|more information|domain|storage)\s*:\s*(?P<value>.*)$",
    re.I,
)
_COLUMN_MEANINGS: list[tuple[str, re.Pattern[str]]] = [
    (
        "retention",
        re.compile(
            r"duration|expir|retention|lifespan|lifetime|max(?:imum)? age|"
            r"expires|storage period|how long",
            re.I,
        ),
    ),
    ("privacy_policy", re.compile(r"privacy|learn more|more info|policy|link|url", re.I)),
    ("domain", re.compile(r"domain|host", re.I)),
    (
        "party",
        re.compile(r"^(?:party|first[- /]?(?:or|/)?[- ]?third[- ]party|1st|type of party)", re.I),
    ),
    (
        "provider",
        re.compile(
            r"controller|provider|vendor|set by|company|owner|third[- ]part|"
            r"processor|service|partner|recipient|organi[sz]ation|supplier",
            re.I,
        ),
    ),
    ("category", re.compile(r"categor|classification", re.I)),
    ("kind", re.compile(r"^(?:cookie )?(?:type|kind)$", re.I)),
    ("storage", re.compile(r"storage|technology", re.I)),
    ("data", re.compile(r"data|information", re.I)),
    ("countries", re.compile(r"countr|location|where", re.I)),
    ("role", re.compile(r"^role", re.I)),
    ("purpose", re.compile(r"descri|purpose|what it does|used for|function|details|why|use", re.I)),
    ("name", re.compile(r"name|cookie|key|identifier|tracker|item|technolog", re.I)),
]
_ORG_NAME = r"(?P<org>[A-Z][\w&.’'-]*(?:\s+(?:[A-Z][\w&.’'-]*|&|of|for)){0,3})"
_ORG_DOES = re.compile(
    _ORG_NAME + r"(?:’s|'s)?\s+(?:also\s+|may\s+)?(?:sets?|places?|drops?|reads?|uses?|collects?|"
    r"receives?|processes|stores?)\s+(?:its own |their own |certain |some |your |the |selective )?"
    r"(?:cookies|pixels?|tags?|tracking|data|information|personal|identifiers?)\b"
)
_BY_ORG = re.compile(
    r"\b(?:set|placed|provided|operated|served|supplied|dropped|hosted|collected|processed) "
    r"by\s+(?:the\s+)?" + _ORG_NAME
)
_USED_BY = re.compile(
    r"\b(?i:set|placed|provided|operated|served|supplied|dropped|hosted|used|read|deployed|"
    r"managed|owned) by\s+(?:the\s+)?(?:third[- ]party\s+)?" + _ORG_NAME
)
_TO_ORG = re.compile(
    r"\b(?:shared?|sen[dt]|disclosed?|transferred|passe[sd]|forwarded)\s+(?:[a-z]+\s+){0,3}"
    r"(?:with|to)\s+(?:the\s+)?" + _ORG_NAME
)
_WE_USE_KNOWN = re.compile(
    r"\b(?:we|our [a-z]+)\s+(?:(?:may|also|only|currently|might)\s+)*(?:use|work with|"
    r"partner with|deploy|rely on|integrate(?: with)?|embed)\s+(?P<org>"
    + KNOWN_PATTERN.pattern
    + ")",
    re.I,
)
_INCLUDING = re.compile(
    r"\b(?:partners?|providers?|vendors?|processors?|companies|third[- ]part(?:y|ies)|"
    r"accounts)\b[^.]*?\b(?:including|such as|like|e\.g\.,?)\s+(?P<list>[^.;)]+)"
)
# "SDKs used for advertising: Adjust, Branch, Kochava"; "Applicable cookies: Heap, Mixpanel"
_LISTED = re.compile(
    r"\b(?:sdks?|software development kits?|partners?|providers?|vendors?|companies|"
    r"third[- ]part(?:y|ies)|services|tools|pixels|tags|cookies|plugins|integrations|"
    r"recipients|processors|sub-?processors|networks)\b[^.:;]{0,50}:\s*(?P<list>[^.;:]+)",
    re.I,
)
_SETS_COOKIES = re.compile(
    _ORG_NAME + r"\s+(?:also\s+|may\s+)?(?:sets?|places?|drops?)\s+(?:its own |their own )?"
    r"(?P<what>cookies|pixels?)\b"
)
_NOT_COOKIE_NAMES = _words(
    "first-party third-party session persistent essential optional functional analytics "
    "advertising marketing necessary performance tracking flash http https secure httponly "
    "samesite strictly targeting preference preferences cross-site"
)
_PARTNER_LEAD = re.compile(
    r"\b(?:partners?|vendors?|providers?|third[- ]part(?:y|ies)|compan(?:y|ies)|recipients?|"
    r"processors?|sub-?processors?|sdks?|advertisers?|networks?|suppliers?)\b"
    r"[^.]*(?::\s*$|\b(?:include|includes|including|are|following|such as|like)\s*:?\s*$)",
    re.I,
)
_PARTNER_SPLIT = re.compile(r"\s+[–—-]\s+|:\s|\s\(|,\s")
_PARTNERISH = re.compile(
    r"partner|compan|vendor|third[- ]part|processor|provider|recipient|\bsdks?\b|supplier|"
    r"advertis|analytic|service",
    re.I,
)
_PROCESSOR = re.compile(
    r"\b(?:processors?|service providers?|on (?:our|its) behalf|on behalf of (?:us|the site)|"
    r"(?:acting )?on (?:our )?instructions)\b",
    re.I,
)
_OWN_POLICY = re.compile(_ORG_NAME + r"(?:’s|'s)\s+own\s+(?:cookie|privacy)")
_NOT_AN_ORG = _words(
    "we you they this these those that it its our your their some other most many all any each "
    "cookies cookie session persistent local browser browsers third first if when where however "
    "please partners partner advertisers websites website platform services service such the a "
    "an in on for to of like also pixels sdks sdk tracking data information analytics "
    "advertising marketing essential functional functionality note learn see read legal users "
    "user most some apps app device devices mobile ads ad these there our here strictly only "
    "certain both either"
)
_PROMISES: list[tuple[str, re.Pattern[str]]] = [
    (
        "not",
        re.compile(
            r"\bwe\s+(?:do not|don't|will not|won't|shall not|will never|never|are not going to|"
            r"cannot and will not|do not and will not)\s+(?P<rest>.+)",
            re.I,
        ),
    ),
    (
        "not",
        re.compile(
            r"\b(?:is|are|will be|being|gets?|get)\s+(?:never|not)\s+(?P<rest>(?:shared|sold|sent|"
            r"transferred|disclosed|used|combined|rented|passed|given|linked|stored|kept|collected|"
            r"tracked)\b.*)",
            re.I,
        ),
    ),
    (
        "never",
        re.compile(
            r"\bnever\s+(?P<rest>(?:leaves?|shares?|sells?|sends?|transfers?|leave|shared|sold)\b.*)",
            re.I,
        ),
    ),
    (
        "no",
        re.compile(
            r"\bno\s+(?P<rest>(?:ad[- ]network|third[- ]party|advertising|cross[- ]site|marketing)"
            r"\s+(?:tracking|cookies|sharing|ads|advertising|fan-out|profiling)\b.*)",
            re.I,
        ),
    ),
    (
        "only-with-consent",
        re.compile(
            r"\bonly\s+(?P<rest>.*?\b(?:with|after|once you give)\s+your\s+(?:prior\s+)?consent)\b",
            re.I,
        ),
    ),
    (
        "",
        re.compile(
            r"\bwe\s+(?:will\s+|shall\s+|always\s+|then\s+)*(?P<rest>(?:announce|notify|inform|tell|"
            r"email|alert)\b.*)",
            re.I,
        ),
    ),
    ("", re.compile(r"\b(?P<rest>minimi[sz]ed?\b.*)", re.I)),
]
_NOT_PROMISES = re.compile(
    r"\bwe (?:do not|don't|cannot|can't) (?:control|have (?:any )?control|accept|guarantee|"
    r"endorse|take responsibility|warrant|know)|\bnot responsible\b|"
    r"\byou (?:can ?not|can't|will not be able)",
    re.I,
)
_CONTROL_VERBS = (
    r"clear|delete|remove|block|disable|turn (?:it |them |this )?(?:off|on)|switch (?:off|on)|"
    r"opt[- ]?out|opt in|withdraw|change|manage|adjust|refuse|reject|decline|accept|control|"
    r"limit|reset|erase|object|unsubscribe|configure|tailor"
)
_YOU_CAN = re.compile(
    r"\b(?:you (?:can|may|are able to|could|have the right to)|allows? you to|lets? you|"
    r"enables? you to|gives? you)\b[^.]*?\b(?P<rest>(?:" + _CONTROL_VERBS + r")\b.*)",
    re.I,
)
_IMPERATIVE = re.compile(r"^(?P<rest>(?:" + _CONTROL_VERBS + r")\b.*)", re.I)
_CANNOT = re.compile(r"\byou (?:can ?not|can't|will not be able)\b", re.I)
_DNT = re.compile(r"do[- ]not[- ]track|\bDNT\b", re.I)
_GPC = re.compile(r"global privacy control|\bGPC\b")
_QUOTED_COOKIE = re.compile(
    r"[“\"‘'](?P<name>[A-Za-z0-9_][A-Za-z0-9_.\-]{1,60})[”\"’']\s+"
    r"(?:(?P<party>first|third)[- ]party\s+)?(?:cookies?|local storage(?: keys?)?|keys?)\b",
    re.I,
)
_STOPWORDS = _words(
    "a an the our your their its to of on in at by for from with and or any this that these "
    "those such be is are was were will would shall we you it they them us as also only all some "
    "about into than which who what when where how do does can may might not so there"
)


def slug(text: str, limit: int = 60) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(value) > limit:
        value = value[:limit].rsplit("-", 1)[0] or value[:limit]
    return value.strip("-")


def sentences(text: str) -> list[str]:
    return split_sentences(text)


def key_words(text: str, count: int) -> list[str]:
    normalised = text.replace("’", "'").replace("n't", " not")
    words = [w for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9'-]*", normalised)]
    return [w.lower().strip("'-") for w in words if w.lower() not in _STOPWORDS][:count]


@dataclass
class Context:
    """Where a piece of text sits: its section, the headings above it, the prose around it."""

    section: str | None
    titles: tuple[str, ...] = ()  # own heading first, then the headings it is nested in
    prose: str = ""  # the section's paragraphs as plain text
    lead: str = ""  # the paragraph just before a list or table

    @property
    def kind(self) -> str:
        own = self.titles[0] if self.titles else ""
        if CONTROL_TITLE.search(own):
            return "control"
        if INFO_TITLE.search(own):
            return "info"
        return "content"


@dataclass
class Extractor:
    owner: str | None
    declared_item_names: frozenset[str] | None = None  # front matter items: lists only restate
    items: list[dict[str, Any]] = field(default_factory=list)
    recipients: dict[str, dict[str, Any]] = field(default_factory=dict)
    commitments: list[dict[str, Any]] = field(default_factory=list)
    controls: list[dict[str, Any]] = field(default_factory=list)
    _ids: dict[str, set[str]] = field(default_factory=dict)
    _texts: set[str] = field(default_factory=set)
    _quoted: set[tuple[str | None, str]] = field(default_factory=set)
    own_domains: set[str] = field(default_factory=set)

    # ---- ids ---------------------------------------------------------------------------------

    def unique_id(self, collection: str, text: str, fallback: str) -> str:
        base = slug(text) or fallback
        used = self._ids.setdefault(collection, set())
        candidate, number = base, 2
        while candidate in used:
            candidate = f"{base}-{number}"
            number += 1
        used.add(candidate)
        return candidate

    # ---- recipients --------------------------------------------------------------------------

    def add_recipient(
        self,
        name: str,
        *,
        purpose: str = "",
        role: str | None = None,
        data_uses: list[str] | None = None,
        data_shared: list[str] | None = None,
        privacy_policy: str | None = None,
    ) -> str | None:
        cleaned = _clean_org(name)
        if not cleaned or same_org(cleaned, self.owner):
            return None
        display = canonical_org(cleaned) or cleaned
        if same_org(display, self.owner):
            return None
        key = slug(display) or "recipient"
        entry = self.recipients.get(key)
        if entry is None:
            entry = {
                "id": key,
                "name": display,
                # a page rarely says a vendor acts only on instructions; unless it does, the
                # vendor is read as using the data for its own purposes too
                "role": "processor"
                if role == "processor" or _PROCESSOR.search(purpose)
                else ("controller"),
                "purpose": "",
                "data_uses": [],
                "data_shared": [],
            }
            self.recipients[key] = entry
        if purpose and not entry["purpose"]:
            entry["purpose"] = purpose
        if role == "controller":
            entry["role"] = "controller"
        for use in data_uses or []:
            if use not in entry["data_uses"]:
                entry["data_uses"].append(use)
        for category in data_shared or []:
            if category not in entry["data_shared"]:
                entry["data_shared"].append(category)
        if (
            privacy_policy
            and not entry.get("privacy_policy")
            and privacy_policy.startswith(("http://", "https://"))
        ):
            entry["privacy_policy"] = privacy_policy
        return key

    # ---- items -------------------------------------------------------------------------------

    def add_item(
        self,
        name: str,
        purpose: str,
        context: Context,
        *,
        provider: str | None = None,
        retention: str | None = None,
        category: str | None = None,
        storage: str | None = None,
        party: str | None = None,
        privacy_policy: str | None = None,
        extra: str = "",
        domain: str | None = None,
        names: list[str] | None = None,
    ) -> dict[str, Any] | None:
        name = _clean_name(name)
        if not name:
            return None
        purpose = " ".join(purpose.split())
        own_text = f"{name} {purpose}"
        provider_name = provider or _provider_in_name(name) or self._provider_in_purpose(purpose)
        if provider_name is None and privacy_policy:
            provider_name = org_of_domain(privacy_policy)
        first_party_provider = provider_name is not None and same_org(provider_name, self.owner)
        kind = _category(category, context, own_text, name)
        if first_party_provider:
            item_party = Party.first
        elif provider_name is not None:
            item_party = Party.third
        else:
            item_party = (
                facts.party_from_value(party or "")
                or facts.party_in(own_text)
                or facts.party_of_items_in(" ".join((context.lead, *context.titles[:1])))
                or Party.first
            )
        uses = facts.data_uses_for(kind, item_party, f"{own_text} {' '.join(context.titles)}")
        provider_id = None
        if provider_name is not None and not first_party_provider:
            provider_id = self.add_recipient(
                provider_name,
                purpose=purpose if provider else "",
                role="controller" if provider else None,
                data_uses=uses,
                privacy_policy=privacy_policy,
            )
        item_storage = (
            (facts.storage_from_value(storage) if storage else None)
            or facts.storage_of(name)
            or facts.storage_of(purpose)
            or facts.context_storage(" ".join((*context.titles[:1], context.lead, context.prose)))
            or Storage.cookie
        )
        entry: dict[str, Any] = {
            "id": self.unique_id("items", name, "item"),
            "name": name,
            "section": context.section,
            "storage": item_storage.value,
            "party": item_party.value,
            "provider": provider_id,
            "category": kind.value,
            "data_uses": uses,
            "purpose": purpose,
            "retention": facts.normalise_retention(retention) or facts.retention_in(own_text),
            "consent": facts.consent_for(kind, f"{context.lead} {context.prose}").value,
            "names": names or [],
            "domain": domain,
            "leaves_device": not (
                facts.stays_on_device(f"{own_text} {extra}") or facts.stays_on_device(context.prose)
            ),
        }
        self.items.append(entry)
        return entry

    # ---- structured shapes -------------------------------------------------------------------

    def table(self, block: Block, context: Context) -> bool:
        """A table (Markdown or flattened) whose rows are items or recipients.

        Each column's meaning comes from its header and its cells (:mod:`._md_columns`);
        columns empty everywhere are dropped; a table without headers may carry its labels in
        its first row. Rows about cookies become items; rows about companies, recipients.
        """
        header, rows = _squared(block.header, block.rows)
        if not rows or not header:
            return False
        meanings = [_meaning(label) for label in header]
        if not any(meanings) and len(rows) > 1 and sum(1 for c in rows[0] if _meaning(c)) >= 2:
            header, rows = rows[0], rows[1:]
            meanings = [_meaning(label) for label in header]
        kinds = [columns.column_kind([row[i] for row in rows]) for i in range(len(header))]
        meanings = [
            columns.reconcile(m, k, label)
            for m, k, label in zip(meanings, kinds, header, strict=True)
        ]
        if not any(meanings):
            return False
        describes = {"purpose", "retention", "provider", "category", "kind", "storage", "party"}
        if "name" not in meanings and meanings[0] is None and describes & set(meanings):
            meanings[0] = "name"
        if "name" not in meanings:
            if "provider" not in meanings:
                return False
            column = meanings.index("provider")
            stated = _meaning(header[column]) == "provider"
            about_parties = bool(
                {"purpose", "category", "data", "role"} & set(meanings)
                or _PARTNERISH.search(" ".join((*context.titles, context.lead)))
            )
            if (column == 0 or kinds[column] == "org") and (stated or about_parties):
                return self._recipient_rows(rows, meanings, context)
            return False
        if "domain" in meanings:
            self.learn_own_domains([row[meanings.index("domain")] for row in rows])
        for row in rows:
            fields = _fields(meanings, row)
            names = [
                name
                for part in columns.parts(row[meanings.index("name")])
                for name in (re.split(r"\s*,\s*", part) if "," in part else [part])
                if name
            ]
            if len(names) > 1 and all(columns.is_technical(n) for n in names):
                fields["names"] = "\x1f".join(names)
            self.row(fields, context)
        return True

    def _recipient_rows(
        self, rows: list[list[str]], meanings: list[str | None], context: Context
    ) -> bool:
        column = meanings.index("provider")
        for row in rows:
            fields = _fields(meanings, row)
            purpose = fields.get("purpose", "")
            category = fields.get("category", "")
            text = f"{category} {purpose} {fields.get('data', '')}".strip()
            kind = (
                facts.category_from_value(category)
                if category
                else facts.category_of(purpose)
                if purpose
                else None
            )
            uses = (
                facts.data_uses_for(kind, Party.third, text)
                if kind is not None
                else _uses_of_context(context, text)
            )
            link = fields.get("privacy_policy")
            link = link.split()[0] if link and "://" in link.split()[0] else _url_in(link or "")
            for chunk in columns.parts(row[column]):
                for name in re.split(r"\s*,\s*|\s+and\s+", chunk) if "," in chunk else [chunk]:
                    if not name.strip():
                        continue
                    self.add_recipient(
                        name,
                        purpose=purpose or category,
                        role="controller"
                        if "controller" in (fields.get("role") or "").lower()
                        else None,
                        data_uses=uses,
                        data_shared=facts.data_shared_in(fields.get("data", "")),
                        privacy_policy=link,
                    )
        return True

    def row(self, fields: dict[str, str], context: Context, *, recipient: bool = False) -> None:
        name = fields.get("name", "")
        if not name:
            return
        if recipient:
            text = f"{fields.get('purpose', '')} {fields.get('data', '')}"
            self.add_recipient(
                name,
                purpose=fields.get("purpose", "") or fields.get("data", ""),
                data_uses=_uses_of_context(context, text),
                data_shared=facts.data_shared_in(text),
                privacy_policy=fields.get("privacy_policy"),
            )
            return
        provider = fields.get("provider") or None
        if provider is not None and columns.cell_kind(provider) == "domain":
            fields.setdefault("domain", provider)  # "Provider: .criteo.com" names a host
            provider = None
        if fields.get("privacy_policy"):
            fields["privacy_policy"] = fields["privacy_policy"].split()[0]
        if provider is None:  # "Criteo Pixel" is Criteo's, whichever page its link points to
            provider = _provider_in_name(name)
        if provider is None and fields.get("privacy_policy"):
            provider = org_of_domain(fields["privacy_policy"])
        host = next(iter(hosts_in(fields.get("domain", ""))), None)
        if provider is None and host is not None:
            provider = self.company_of_host(host)
        self.add_item(
            name,
            fields.get("purpose", ""),
            context,
            provider=provider,
            retention=fields.get("retention"),
            category=fields.get("category") or fields.get("kind"),
            storage=fields.get("storage") or fields.get("kind"),
            party=fields.get("party"),
            privacy_policy=fields.get("privacy_policy"),
            extra=fields.get("domain", ""),
            domain=fields.get("domain", "").split()[0] if host else None,
            names=[n for n in fields.get("names", "").split("\x1f") if n],
        )

    def _provider_in_purpose(self, purpose: str) -> str | None:
        """The company an item's own description names as setting it: "Used by Vendorco to…",
        "Hotjar cookie that…" (a known product at its start)."""
        found = canonical_org(" ".join(purpose.split()[:3])) if purpose[:1].isupper() else None
        if found and not same_org(found, self.owner):
            return found
        match = _USED_BY.search(purpose)
        if match is None:
            return None
        name = _clean_org(match["org"])
        if (
            not name
            or same_org(name, self.owner)
            or not (canonical_org(name) or _looks_like_org(name))
        ):
            return None
        return canonical_org(name) or name

    def learn_own_domains(self, cells: list[str]) -> None:
        """Which of a Domain column's hosts are the site's own: the owner's by the catalogue or
        by name, and the one most rows are set on when no company is known for it."""
        counts: dict[str, int] = {}
        for cell in cells:
            for host in hosts_in(cell):
                domain = registrable_domain(host)
                counts[domain] = counts.get(domain, 0) + 1
        owner_words = {
            w for w in re.findall(r"[a-z0-9]+", (self.owner or "").casefold()) if len(w) >= 3
        }
        for domain, count in counts.items():
            company = catalog_for(None).company_for_host(domain)
            label = domain.split(".")[0]
            if company is not None:
                if same_org(company.platform, self.owner) or same_org(
                    _legal_short(company.controller), self.owner
                ):
                    self.own_domains.add(domain)
            elif any(word in label for word in owner_words) or (
                count >= 2 and count * 3 >= len(cells) and count == max(counts.values())
            ):
                self.own_domains.add(domain)

    def company_of_host(self, host: str) -> str | None:
        """The company a cookie's host belongs to (None for the site's own hosts): the
        catalogue's name for it, else the host's registrable domain."""
        domain = registrable_domain(host)
        if not domain or domain in self.own_domains:
            return None
        company = catalog_for(None).company_for_host(host)
        if company is None:
            return domain
        name = _legal_short(company.controller) or company.platform
        return (
            None if same_org(name, self.owner) or same_org(company.platform, self.owner) else name
        )

    def records(self, block: Block, context: Context) -> None:
        """Bold-named records ("**Adjust**" then "**Privacy Policy:** …"): partners or items."""
        partnerish = re.search(
            r"partner|compan|vendor|third[- ]part|processor|provider",
            " ".join((*context.titles, context.lead)),
            re.I,
        )
        for record in block.rows:
            name, *pairs = record
            fields: dict[str, str] = {"name": name}
            for pair in pairs:
                label, _, value = pair.partition("\x1f")
                meaning = _meaning(label) or "purpose"
                if "purpose" in label.lower():
                    meaning = "purpose"
                fields[meaning] = f"{fields.get(meaning, '')} {value}".strip()
                if "data" in label.lower():
                    fields["data"] = f"{fields.get('data', '')} {value}".strip()
            is_item = "retention" in fields or not (
                partnerish or "data" in fields or "privacy_policy" in fields
            )
            self.row(fields, context, recipient=not is_item)

    def attribute_list(self, entries: list[Entry], context: Context) -> bool:
        """Bullets followed by "Purpose: …" / "Duration: …" bullets describe one item each."""
        if not any(_ATTRIBUTE.match(entry.text) for entry in entries):
            return False
        groups: list[tuple[Entry, dict[str, str]]] = []
        for entry in entries:
            match = _ATTRIBUTE.match(entry.text)
            if match and groups:
                meaning = _meaning(match["label"]) or "purpose"
                if match["label"].lower().startswith("purpose"):
                    meaning = "purpose"
                groups[-1][1][meaning] = match["value"].strip()
            elif not match:
                groups.append((entry, {}))
        described = [(entry, values) for entry, values in groups if values]
        if not described:
            return False
        for entry, values in described:
            name = re.sub(r"\s*\(\s*https?://[^)]*\)\s*", " ", entry.text).strip(" :")
            url = next((link for link in entry.links if link.startswith("http")), None)
            fields = {"name": name, **values}
            if url:
                fields.setdefault("privacy_policy", url)
            self.row(fields, context)
        return True

    def bullet_list(self, block: Block, context: Context) -> bool:
        """A list of "Name — purpose" bullets is a list of items; other lists stay prose."""
        top = [entry for entry in block.entries if entry.depth == 0]
        if not top or len(top) > 300:
            return False
        if self.declared_item_names is not None:
            return all(self._restates_declared(entry) for entry in top)
        lead_tail = (sentences(context.lead) or [""])[-1]
        if self._partner_list(top, lead_tail, context):
            return True
        if context.kind != "content" or _NOT_ITEM_LEAD.search(lead_tail):
            return False
        splits = [split_entry(entry) for entry in top]
        if sum(1 for s in splits if s) / len(top) < 0.6:
            return False
        around = " ".join((*context.titles, context.lead, context.prose))
        if not _TRACKING_WORDS.search(around) and not any(
            _TRACKING_WORDS.search(entry.text) for entry in top
        ):
            return False
        self.learn_own_domains([entry.text for entry in top])
        for entry, split in zip(top, splits, strict=True):
            name, purpose = split or _loose_split(entry.text)
            nested = [
                e.text
                for e in block.entries
                if e.depth > 0 and e.line > entry.line and e.line < _next_line(top, entry)
            ]
            if nested:
                purpose = " ".join([purpose, *nested]).strip()
            host = next(iter(hosts_in(purpose)), None)
            if host is not None and not _only_in_links(purpose, entry):
                # "uuid – mathtag.com – advertising": the host the cookie is set on
                self.row({"name": name, "purpose": purpose, "domain": host}, context)
            else:
                self.add_item(name, purpose, context)
        return True

    def _partner_list(self, top: list[Entry], lead: str, context: Context) -> bool:
        """Bullets of company names under a lead that says they are partners, vendors or
        recipients ("Our advertising partners include:"): each is a recipient."""
        if not _PARTNER_LEAD.search(lead):
            return False
        names = [_PARTNER_SPLIT.split(entry.text, maxsplit=1)[0].strip() for entry in top]
        orgs = [n for n in names if columns.is_org_like(n) and _clean_org(n)]
        if not orgs or len(orgs) * 5 < len(top) * 4:
            return False
        uses = _uses_of_context(context, lead)
        for entry, name in zip(top, names, strict=True):
            if name in orgs:
                rest = entry.text[len(name) :].strip(" :–—-(),")
                link = next((link for link in entry.links if link.startswith("http")), None)
                self.add_recipient(name, purpose=rest or lead, data_uses=uses, privacy_policy=link)
        return True

    def _restates_declared(self, entry: Entry) -> bool:
        """A bullet naming an item the front matter declares ("**Name** — purpose")."""
        declared = self.declared_item_names or frozenset()
        split = split_entry(entry)
        candidates = [entry.bold_label, split[0] if split else None, entry.text]
        return any(
            " ".join(c.split()).casefold() in declared or _clean_name(c).casefold() in declared
            for c in candidates
            if c
        )

    # ---- running text ------------------------------------------------------------------------

    def quoted_cookies(self, text: str, context: Context) -> None:
        """Cookies named in quotes in running text: "“sid_tt” cookies (retained for 2 months)"."""
        matches = list(_QUOTED_COOKIE.finditer(text))
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            window = text[match.end() : min(end, match.end() + 220)]
            key = (context.section, match["name"])
            if key in self._quoted or match["name"].lower() in _NOT_COOKIE_NAMES:
                continue
            self._quoted.add(key)
            sentence = next((s for s in sentences(text) if match["name"] in s), text)
            self.add_item(
                match["name"],
                sentence,
                context,
                retention=facts.retention_in(window)
                or facts.normalise_retention(window if window.lstrip().startswith("(") else None),
                party=match["party"],
            )

    def prose(self, text: str, context: Context, *, bullet: Entry | None = None) -> None:
        """Recipients, commitments and controls stated in sentences."""
        label = bullet.bold_label if bullet is not None and context.kind == "control" else None
        if label and text.startswith(label):
            rest = text[len(label) :].strip()
            joined = f"{label} {rest}" if label[-1] in ".:!?" else f"{label}: {rest}"
            signal = "dnt" if _DNT.search(text) else "gpc" if _GPC.search(text) else None
            name = {"dnt": "do-not-track", "gpc": "global-privacy-control"}.get(signal or "")
            self._control(
                joined.rstrip(": "), name or " ".join(key_words(label, 5)), context, signal=signal
            )
        for sentence in sentences(text):
            self._recipients_in(sentence, context)
            self._commitment_in(sentence, context)
            if bullet is not None and context.kind == "control" and bullet.bold_label:
                continue
            imperative = bullet is not None and context.kind == "control"
            self._control_in(sentence, context, imperative=imperative)

    def _recipients_in(self, sentence: str, context: Context) -> None:
        uses = _uses_of_context(context, sentence)
        for pattern in (_ORG_DOES, _BY_ORG, _TO_ORG):
            for match in pattern.finditer(sentence):
                name = _clean_org(match["org"])
                if name and (
                    canonical_org(name) or pattern is not _ORG_DOES or _looks_like_org(name)
                ):
                    self.add_recipient(name, purpose=sentence, data_uses=uses)
        for match in _WE_USE_KNOWN.finditer(sentence):
            self.add_recipient(match["org"], purpose=sentence, data_uses=uses)
        for match in _LISTED.finditer(sentence):
            parts = [p for p in re.split(r",|\band\b|\bor\b", match["list"]) if p.strip()]
            if len(parts) < 2 and not canonical_org(match["list"]):
                continue
            for part in parts:
                name = _clean_org(part)
                if name and (canonical_org(name) or _looks_like_org(name)):
                    lead = sentence[: match.start("list")].strip(" :")
                    self.add_recipient(name, purpose=lead, data_uses=uses)
        for match in _INCLUDING.finditer(sentence):
            for part in re.split(r",|\band\b|\bor\b", match["list"]):
                name = _clean_org(part)
                if name and (canonical_org(name) or _looks_like_org(name)):
                    self.add_recipient(name, purpose=sentence, data_uses=uses)
        if self.declared_item_names is None:
            for match in _SETS_COOKIES.finditer(sentence):
                name = _clean_org(match["org"])
                if (
                    name
                    and not same_org(name, self.owner)
                    and (canonical_org(name) or _looks_like_org(name))
                ):
                    what = "pixels" if match["what"].lower().startswith("pixel") else "cookies"
                    self.add_item(
                        f"{canonical_org(name) or name} {what}", sentence, context, provider=name
                    )
        for match in _OWN_POLICY.finditer(sentence):
            key = slug(canonical_org(match["org"]) or _clean_org(match["org"]) or "")
            if key in self.recipients:
                self.recipients[key]["role"] = "controller"

    def _commitment_in(self, sentence: str, context: Context) -> None:
        if _NOT_PROMISES.search(sentence) or sentence.rstrip().endswith("?"):
            return
        for marker, pattern in _PROMISES:
            match = pattern.search(sentence)
            if match is None:
                continue
            text = " ".join(sentence.split())
            folded = text.casefold()
            if folded in self._texts:
                return
            self._texts.add(folded)
            words = key_words(match["rest"], 4)
            identifier = "-".join(([marker] if marker else []) + words)
            self.commitments.append(
                {
                    "id": self.unique_id("commitments", identifier, "commitment"),
                    "text": text,
                    "section": context.section,
                }
            )
            return

    def _control_in(self, sentence: str, context: Context, *, imperative: bool) -> None:
        signal = "dnt" if _DNT.search(sentence) else "gpc" if _GPC.search(sentence) else None
        if signal is not None:
            name = "do-not-track" if signal == "dnt" else "global-privacy-control"
            self._control(sentence, name, context, signal=signal)
            return
        if _CANNOT.search(sentence):
            return
        match = _YOU_CAN.search(sentence) or (_IMPERATIVE.match(sentence) if imperative else None)
        if match:
            self._control(sentence, " ".join(key_words(match["rest"], 4)), context)

    def _control(self, text: str, name: str, context: Context, signal: str | None = None) -> None:
        text = " ".join(text.split())
        folded = text.casefold()
        if folded in self._texts:
            return
        self._texts.add(folded)
        if signal and any(c.get("signal") == signal for c in self.controls):
            name = f"{name} {' '.join(key_words(text, 3))}"
        entry: dict[str, Any] = {
            "id": self.unique_id("controls", name, "control"),
            "text": text,
            "section": context.section,
        }
        if signal:
            entry["signal"] = signal
        self.controls.append(entry)


# ---- helpers ---------------------------------------------------------------------------------


def split_entry(entry: Entry) -> tuple[str, str] | None:
    """ "Name — purpose", "**Name** purpose", "Name (purpose)" or "Name: purpose"; else None."""
    text = entry.text.strip()
    if entry.bold_label and text.startswith(entry.bold_label):
        name = entry.bold_label.rstrip(" .:")
        rest = text[len(entry.bold_label) :].strip()
        rest = re.sub(
            r"^(?:[—–:-]\s*|,\s*)", lambda m: "" if m.group(0)[0] != "," else ", ", rest
        ).strip()
        if rest.startswith(", "):
            rest = rest[2:]
        return (name, rest) if _name_like(name) else None
    dash = re.search(r"\s+[—–-]\s+|\s*[—–]\s*", text)
    if dash and _name_like(text[: dash.start()]):
        return text[: dash.start()], text[dash.end() :]
    paren = re.match(
        r"^(?P<name>[^()]+?)\s*(?P<purpose>\([^()]*(?:\([^()]*\)[^()]*)*\)\s*[.;]?)$", text
    )
    if paren and _name_like(paren["name"]):
        return paren["name"], paren["purpose"]
    colon = re.match(r"^(?P<name>[^:]{1,60}):\s+(?P<purpose>.+)$", text)
    if colon and _name_like(colon["name"], max_words=4) and "://" not in colon["purpose"][:12]:
        return colon["name"], colon["purpose"]
    return None


def _loose_split(text: str) -> tuple[str, str]:
    head, sep, rest = text.partition(", ")
    if sep and len(head.split()) <= 8:
        return head, rest
    return text, ""


def _name_like(text: str, max_words: int = 8) -> bool:
    words = text.split()
    if not words or len(words) > max_words or len(text) > 80 or text.rstrip().endswith(":"):
        return False
    return words[0].lower().strip('*_"“(') not in _NOT_A_NAME_START


def _next_line(top: list[Entry], entry: Entry) -> int:
    later = [e.line for e in top if e.line > entry.line]
    return min(later) if later else 1 << 30


def _clean_name(name: str) -> str:
    text = " ".join(name.split()).strip(" .;,:—–")
    text = text.strip("“”\"'‘’")
    return text[:200]


def _clean_org(text: str) -> str:
    value = " ".join(text.split()).strip(' .,;:()[]"“”')
    value = re.sub(r"(?:’s|'s)$", "", value)
    value = re.sub(r"^(?:the|The)\s+", "", value)
    words = value.split()
    if not words or words[0].lower() in _NOT_AN_ORG or len(value) > 60:
        return ""
    if words[-1].lower() in _NOT_AN_ORG:
        return ""
    return value


_LEGAL_TAIL = re.compile(
    r"(?:,?\s+(?:Inc|Ltd|LLC|Limited|GmbH|Corp|Corporation|Co|plc|S\.A|SA|SAS|AG|B\.V|BV|AB|Oy|"
    r"Pte|Pty|Ireland|Platforms)\.?)+$"
)


def _only_in_links(text: str, entry: Entry) -> bool:
    """True when every host the text names is that of a link (a "privacy policy" URL), not a
    host the item is set on."""
    linked = {host for link in entry.links for host in hosts_in(link)}
    return all(host in linked for host in hosts_in(text))


def _legal_short(controller: str) -> str:
    """ "Google LLC" → "Google": the name people know a company by."""
    return _LEGAL_TAIL.sub("", controller.strip()).strip(" ,.")


def _looks_like_org(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 4 and all(w[0].isupper() or w in ("&", "of", "for") for w in words)


def _provider_in_name(name: str) -> str | None:
    """ "Google Analytics", "Facebook Pixel", "Akamai", "Session recordings by Hotjar": the
    organisation a product name names."""
    found = canonical_org(name)
    if found:
        return found
    by = re.search(
        r"\b(?:by|from|via|with|through)\s+(?P<org>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})", name
    )
    if by and (canonical_org(by["org"]) or by["org"] in VENDOR_NAMES):
        return canonical_org(by["org"]) or by["org"]
    return None


def _meaning(label: str) -> str | None:
    text = " ".join(label.split()).strip(" :*_")
    if not text:
        return None
    for meaning, pattern in _COLUMN_MEANINGS:
        if pattern.search(text):
            return meaning
    return None


def _fields(meanings: list[str | None], row: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for meaning, value in zip(meanings, row, strict=False):
        text = columns.clean(value)
        if meaning and text and meaning not in fields:
            fields[meaning] = text
    return fields


def _squared(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one width, without the columns that are empty everywhere."""
    width = max([len(header), *(len(row) for row in rows)]) if rows else len(header)
    header = [*header, *[""] * (width - len(header))]
    rows = [[*row, *[""] * (width - len(row))] for row in rows]
    keep = [i for i in range(width) if header[i].strip() or any(columns.clean(r[i]) for r in rows)]
    return [header[i] for i in keep], [[row[i] for i in keep] for row in rows]


_URL_IN = re.compile(r"https?://\S+")


def _url_in(text: str) -> str | None:
    match = _URL_IN.search(text)
    return match.group(0).rstrip(").,;") if match else None


def _category(value: str | None, context: Context, own_text: str, name: str = "") -> Category:
    if value:
        found = facts.category_from_value(value)
        if found:
            return found
    short_lead = context.lead if len(context.lead.split()) <= 25 else ""
    for text in (*context.titles[:1], short_lead, *context.titles[1:]):
        found = facts.heading_category(text)
        if found:
            return found
    found = facts.category_of(own_text)
    if found is None and name:  # the page says nothing: what the name is known for
        entry = catalog_for(None).lookup(name)
        if entry is not None and entry.category in Category.__members__:
            found = Category(str(entry.category))
    return found or Category.functional


def _uses_of_context(context: Context, text: str) -> list[str]:
    for heading in (*context.titles, context.lead):
        kind = facts.heading_category(heading)
        if kind is not None:
            return facts.data_uses_for(kind, Party.third, f"{heading} {text}")
    kind = facts.category_of(text)
    return facts.data_uses_for(kind, Party.third, text) if kind else []

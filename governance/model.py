"""The policy model: one typed shape that both source formats (YAML, Markdown) parse into.

Field names follow what a legal reviewer needs to judge a change. Data uses are fideslang keys
checked against its default taxonomy; cookie categories are the four ePrivacy categories. Unknown
fields are errors, so a typo never silently drops a disclosure, and references are checked: an
entry's section must be a section of the policy, an item's provider the owner or a declared
recipient (a provider no recipient declares would read as a third party nobody disclosed).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from governance.taxonomy import DATA_CATEGORIES, DATA_USES, nearest

SLUG = r"^[a-z0-9][a-z0-9._-]*$"
Slug = Annotated[str, Field(pattern=SLUG, min_length=1, max_length=120)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)


class Storage(StrEnum):
    cookie = "cookie"
    local_storage = "localStorage"
    session_storage = "sessionStorage"
    indexed_db = "indexedDB"
    pixel = "pixel"
    sdk = "sdk"
    other = "other"


class Party(StrEnum):
    first = "first"
    third = "third"


class Category(StrEnum):
    strictly_necessary = "strictly_necessary"
    functional = "functional"
    analytics = "analytics"
    marketing = "marketing"


class Consent(StrEnum):
    """How an item is gated: from most to least protective."""

    opt_in = "opt-in"  # off until the user agrees
    opt_out = "opt-out"  # on until the user objects
    notice = "notice"  # the user is told, not asked
    none = "none"  # set regardless of consent (strictly necessary only)


CONSENT_STRENGTH = {Consent.opt_in: 3, Consent.opt_out: 2, Consent.notice: 1, Consent.none: 0}


class Signal(StrEnum):
    do_not_track = "dnt"
    global_privacy_control = "gpc"


class Role(StrEnum):
    processor = "processor"
    controller = "controller"
    joint_controller = "joint_controller"


PERSISTENT_DAYS = float("inf")


def retention_days(retention: str | None) -> float | None:
    """Retention as days: 0 for a session item, inf for "persistent", None when unknown."""
    if retention is None:
        return None
    from governance.prose.durations import exact

    duration = exact(retention)
    return duration.days if duration is not None else None


def _check_keys(values: list[str], known: frozenset[str], what: str) -> list[str]:
    for value in values:
        if value not in known:
            hint = nearest(value, known)
            suggestion = f"; did you mean {hint!r}?" if hint else ""
            raise ValueError(f"unknown fideslang {what} {value!r}{suggestion}")
    return values


class Section(Strict):
    """A block of prose as users read it (a heading and its paragraphs)."""

    id: Slug
    title: str
    body: str = ""


class Item(Strict):
    """A cookie or other storage/tracking technology."""

    id: Slug
    name: str = Field(description="Cookie name, key pattern or what the page calls it")
    names: list[str] = Field(
        default_factory=list,
        description='Technical names or patterns the browser sees ("sid", "_hjSession_*"), when '
        "`name` says what the item does rather than what it is called",
    )
    domain: str | None = Field(
        None, description='Host the cookie is set on, when the policy says (".doubleclick.net")'
    )
    section: str | None = Field(None, description="Id of the section that lists this item")
    storage: Storage = Storage.cookie
    party: Party = Party.first
    provider: str | None = Field(None, description="Recipient id (or name) that sets or reads it")
    category: Category = Category.strictly_necessary
    data_uses: list[str] = Field(default_factory=list, description="fideslang data-use keys")
    purpose: str = ""
    retention: str | None = Field(None, description='"session", "persistent" or e.g. "13 months"')
    consent: Consent = Consent.none
    leaves_device: bool = True

    @field_validator("data_uses")
    @classmethod
    def _known_uses(cls, values: list[str]) -> list[str]:
        return _check_keys(values, DATA_USES, "data use")

    @field_validator("retention")
    @classmethod
    def _readable_retention(cls, value: str | None) -> str | None:
        if value is not None and retention_days(value) is None:
            raise ValueError(
                f"cannot read retention {value!r}; write 'session', 'persistent' or a duration "
                "such as '13 months'"
            )
        return value

    @model_validator(mode="after")
    def _necessary_without_consent(self) -> Item:
        # Functional items may be exempt (WP194: user-interface customisation); analytics and
        # marketing never are.
        needs_consent = self.category in (Category.analytics, Category.marketing)
        if self.consent is Consent.none and needs_consent:
            raise ValueError(
                f"consent: {'an' if self.category is Category.analytics else 'a'} "
                f"{self.category.value} item cannot be set without consent "
                "(ePrivacy Art. 5(3)); use opt-in, opt-out or notice"
            )
        return self


class Recipient(Strict):
    """A third party or processor that receives data."""

    id: Slug
    name: str = Field(description="Legal or trading name")
    role: Role = Role.processor
    purpose: str = ""
    data_uses: list[str] = Field(default_factory=list, description="fideslang data-use keys")
    data_shared: list[str] = Field(default_factory=list, description="fideslang data categories")
    countries: list[str] = Field(default_factory=list, description="ISO 3166 alpha-2 codes")
    privacy_policy: str | None = None

    @field_validator("data_uses")
    @classmethod
    def _known_uses(cls, values: list[str]) -> list[str]:
        return _check_keys(values, DATA_USES, "data use")

    @field_validator("data_shared")
    @classmethod
    def _known_categories(cls, values: list[str]) -> list[str]:
        return _check_keys(values, DATA_CATEGORIES, "data category")


class Commitment(Strict):
    """A promise made to users ("we do not...", "never...", "we announce...")."""

    id: Slug
    text: str
    section: str | None = Field(None, description="Id of the section whose prose states it")


class Control(Strict):
    """A way for users to control tracking: a setting, an opt-out path or a browser signal."""

    id: Slug
    text: str
    section: str | None = Field(None, description="Id of the section whose prose states it")
    signal: Signal | None = Field(None, description="The browser signal this control honours")


class Policy(Strict):
    """One version of one policy."""

    title: str
    owner: str | None = None
    last_updated: date | None = None
    consent_revision: int = Field(
        1, ge=1, le=1_000_000, description="Bumped when users must consent again"
    )
    summary: str = ""
    show_technical_names: bool = Field(
        True,
        description="Show items' technical names (`sid`, `_hjSession_*`) on the rendered page; "
        "false keeps them in the structured policy only, for `govern scan` to match",
    )
    sections: list[Section] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)
    recipients: list[Recipient] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    controls: list[Control] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> Policy:
        for collection in ("sections", "items", "recipients", "commitments", "controls"):
            seen: set[str] = set()
            for index, entry in enumerate(getattr(self, collection)):
                if entry.id in seen:
                    raise DuplicateIdError(collection, index, entry.id)
                seen.add(entry.id)
        return self

    @model_validator(mode="after")
    def _references(self) -> Policy:
        sections = {section.id for section in self.sections}
        listed: list[tuple[str, list[Item] | list[Commitment] | list[Control]]] = [
            ("items", self.items),
            ("commitments", self.commitments),
            ("controls", self.controls),
        ]
        for collection, entries in listed:
            for index, entry in enumerate(entries):
                section: str | None = getattr(entry, "section", None)
                if section is not None and section not in sections:
                    known = ", ".join(sorted(sections)) or "none"
                    raise DanglingReferenceError(
                        f"section {section!r} is not a section of this policy (sections: {known})",
                        collection,
                        index,
                        "section",
                    )
        owner = (self.owner or "").casefold()
        for index, item in enumerate(self.items):
            provider = item.provider
            if provider is None or self.recipient(provider) is not None:
                continue
            if owner and provider.casefold() in (owner, owner.split()[0]):
                continue
            raise DanglingReferenceError(
                f"provider {provider!r} is neither the policy's owner nor a declared recipient; "
                f"add it under recipients (who receives the data, and what for)",
                "items",
                index,
                "provider",
            )
        return self

    def recipient(self, key: str | None) -> Recipient | None:
        """A recipient by id or by name (case-insensitive)."""
        if key is None:
            return None
        folded = key.casefold()
        for recipient in self.recipients:
            if recipient.id == key or recipient.name.casefold() == folded:
                return recipient
        return None


class LocatedError(ValueError):
    """Raised inside validation about one field of one entry; the loader turns it into a
    PolicyError at that field's line."""

    def __init__(self, message: str, collection: str, index: int, field: str) -> None:
        super().__init__(message)
        self.collection = collection
        self.index = index
        self.field = field


class DuplicateIdError(LocatedError):
    def __init__(self, collection: str, index: int, duplicate: str) -> None:
        super().__init__(f"duplicate id {duplicate!r} in {collection}", collection, index, "id")
        self.duplicate = duplicate


class DanglingReferenceError(LocatedError):
    """An entry names a section or a provider the policy does not declare."""


class PolicyDocument(BaseModel):
    """A parsed policy and where it came from."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    policy_id: str
    source: str = Field(description="Path of the file (or path@rev) it was read from")
    format: str = Field(description='"yaml" or "markdown"')
    policy: Policy

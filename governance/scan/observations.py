"""What a scan saw: cookies, web storage and requests to other sites, page by page and by phase.

Both sources (a real browser, HAR files) produce these; the matcher reads only these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Phase(StrEnum):
    before = "before-consent"
    after = "after-consent"
    unknown = "unknown"  # a HAR without a consent marker: when consent was given is not known


class StorageKind(StrEnum):
    """Model storage values, so observations compare with declared items directly."""

    cookie = "cookie"
    local_storage = "localStorage"
    session_storage = "sessionStorage"
    indexed_db = "indexedDB"


@dataclass(frozen=True)
class CookieSeen:
    name: str
    domain: str  # as stored: "www.shop.example" (host-only) or ".shop.example"
    path: str
    expires: float | None  # epoch seconds; None: a session cookie
    seen_at: float  # epoch seconds: when it was observed (durations count from here)
    first_party: bool
    set_by: str  # "header" | "script" | "unknown"
    page: str
    phase: Phase
    expires_known: bool = True  # False when only a request's Cookie header showed it (HAR)
    blocked: str | None = None  # the browser refused it (the site still tried to set it)

    @property
    def duration_days(self) -> float | None:
        """0 for a session cookie, None when unknown."""
        if not self.expires_known:
            return None
        if self.expires is None:
            return 0.0
        return max(0.0, (self.expires - self.seen_at) / 86400)


@dataclass(frozen=True)
class StorageSeen:
    kind: StorageKind
    origin: str
    key: str
    first_party: bool
    page: str
    phase: Phase


@dataclass(frozen=True)
class RequestSeen:
    url: str
    host: str
    resource_type: str  # "script", "image", "xhr", ...
    initiator: str | None  # the script or document that made it, when known
    page: str
    phase: Phase


@dataclass(frozen=True)
class PageSeen:
    url: str
    phase: Phase
    status: int | None = None
    final_url: str | None = None


@dataclass(frozen=True)
class Problem:
    """A URL or file that could not be scanned: the scan is partial."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Observations:
    site: str  # the registrable domain (or host, for an IP address or localhost) scanned
    sources: list[str] = field(default_factory=list)  # URLs and HAR files
    pages: list[PageSeen] = field(default_factory=list)
    cookies: list[CookieSeen] = field(default_factory=list)
    storage: list[StorageSeen] = field(default_factory=list)
    requests: list[RequestSeen] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    storage_observed: bool = True  # HAR files do not record web storage
    consent_phase_known: bool = True  # before/after consent can be told apart
    consented: bool = False  # an after-consent phase was observed

    @property
    def partial(self) -> bool:
        return bool(self.problems)

    def merge(self, other: Observations) -> None:
        """Add another source's observations (a HAR next to a browser scan)."""
        self.sources += other.sources
        self.pages += other.pages
        self.cookies += other.cookies
        self.storage += other.storage
        self.requests += other.requests
        self.problems += other.problems
        self.notes += [note for note in other.notes if note not in self.notes]
        self.storage_observed = self.storage_observed or other.storage_observed
        self.consent_phase_known = self.consent_phase_known or other.consent_phase_known
        self.consented = self.consented or other.consented

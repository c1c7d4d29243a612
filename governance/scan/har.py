"""Observations from HAR 1.2 files: DevTools' "Save all as HAR", Playwright's ``record_har_path``.

A HAR records requests and responses, not the browser's storage, so what it shows is:

- cookies set by ``Set-Cookie`` response headers (name, domain, path, expiry), and cookies a page
  set by script as soon as a later request carries them in its ``Cookie`` header (expiry unknown);
- every request to another site (host, resource type, initiator when DevTools recorded it).

Web storage is not in a HAR, so storage items are neither reported undeclared nor missing.

When consent was given is known only from a *consent marker*: the name of the cookie the site's
consent banner sets (``--consent-cookie``, or ``consent_cookie`` in ``[tool.govern.scan]``).
Entries before the first request that carries it are before consent; without a marker, the phase
is unknown and ``set-before-consent`` is not judged.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from governance.errors import InputError
from governance.scan.observations import CookieSeen, Observations, PageSeen, Phase, RequestSeen
from governance.scan.sites import host_of_url, is_web_url, parse_set_cookie, same_site, site_of

MAX_HAR_BYTES = 512 * 1024 * 1024

_TYPES_BY_MIME = (
    ("text/html", "document"),
    ("javascript", "script"),
    ("ecmascript", "script"),
    ("text/css", "stylesheet"),
    ("image/", "image"),
    ("font", "font"),
    ("json", "fetch"),
)


def read_har(path: Path) -> list[dict[str, Any]]:
    """The entries of one HAR file, in time order; anything else is bad input naming the file."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file", file=path) from None
    except OSError as error:
        raise InputError(f"cannot read it: {error.strerror}", file=path) from None
    if path.is_dir():
        raise InputError("this is a directory, not a HAR file", file=path)
    if size > MAX_HAR_BYTES:
        raise InputError(f"the file is larger than {MAX_HAR_BYTES >> 20} MiB", file=path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("not a HAR file: not UTF-8 text", file=path) from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"not a HAR file: not JSON ({error.msg})", file=path, line=error.lineno
        ) from None
    log = data.get("log") if isinstance(data, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise InputError(
            "not a HAR file: JSON without a log.entries list (HAR 1.2, as DevTools' "
            '"Save all as HAR" or Playwright\'s record_har_path write it)',
            file=path,
        )
    for index, entry in enumerate(entries):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("request"), dict)
            and isinstance(entry["request"].get("url"), str)
        ):
            raise InputError(
                "not a HAR file: an entry without request.url", file=path, field=f"entries[{index}]"
            )
    return sorted(entries, key=lambda entry: str(entry.get("startedDateTime", "")))


def observe_har(
    paths: list[Path], *, site: str | None = None, consent_cookie: str | None = None
) -> Observations:
    """Observations from HAR files (read whole first: a bad file fails before any result)."""
    files = [(path, read_har(path)) for path in paths]
    if site is None:
        site = next((_site_of_entries(entries) for _, entries in files if entries), None)
    if site is None:
        raise InputError("the HAR files record no request", file=paths[0])
    observations = Observations(
        site=site,
        sources=[str(path) for path in paths],
        storage_observed=False,
        consent_phase_known=bool(consent_cookie),
    )
    for path, entries in files:
        _HarReader(observations, str(path), consent_cookie).read(entries)
    if not consent_cookie:
        observations.notes.append(
            "the HAR files do not say when consent was given: set-before-consent was not judged "
            "(name the consent banner's cookie with --consent-cookie)"
        )
    observations.notes.append("web storage is not recorded in HAR files and was not checked")
    return observations


def _site_of_entries(entries: list[dict[str, Any]]) -> str | None:
    for entry in entries:
        if _resource_type(entry) == "document" and is_web_url(entry["request"]["url"]):
            return site_of(entry["request"]["url"])
    urls = [entry["request"]["url"] for entry in entries if is_web_url(entry["request"]["url"])]
    return site_of(urls[0]) if urls else None


def _resource_type(entry: dict[str, Any]) -> str:
    declared = entry.get("_resourceType")
    if isinstance(declared, str) and declared:
        return declared.casefold()
    mime = str(((entry.get("response") or {}).get("content") or {}).get("mimeType") or "")
    for needle, kind in _TYPES_BY_MIME:
        if needle in mime.casefold():
            return kind
    return "other"


def _headers(message: dict[str, Any], name: str) -> list[str]:
    return [
        str(header.get("value", ""))
        for header in message.get("headers") or []
        if isinstance(header, dict) and str(header.get("name", "")).casefold() == name
    ]


def _time_of(entry: dict[str, Any]) -> float:
    try:
        return datetime.fromisoformat(str(entry.get("startedDateTime"))).timestamp()
    except ValueError:
        return 0.0


class _HarReader:
    def __init__(self, observations: Observations, source: str, marker: str | None) -> None:
        self.seen = observations
        self.source = source
        self.marker = marker
        self.phase = Phase.before if marker else Phase.unknown
        self.page = source
        self.keys: set[tuple[Any, ...]] = set()
        self.cookie_index: dict[tuple[Phase, str, bool], int] = {}

    def read(self, entries: list[dict[str, Any]]) -> None:
        phases = self._phases(entries)
        for entry, phase in zip(entries, phases, strict=True):
            request = entry["request"]
            url = request["url"]
            if not is_web_url(url):
                continue
            self.phase = phase
            sent = self._sent_cookie_names(request)
            kind = _resource_type(entry)
            host = host_of_url(url)
            if kind == "document" and same_site(host, self.seen.site):
                self.page = url
                status = (entry.get("response") or {}).get("status")
                self.seen.pages.append(
                    PageSeen(url, self.phase, status if isinstance(status, int) else None, url)
                )
            when = _time_of(entry)
            for name in sent:
                # a cookie the browser sends exists; one set by script shows itself only here
                self._cookie(name, host, "/", None, when, "script", expires_known=False)
            for line in _headers(entry.get("response") or {}, "set-cookie"):
                for part in line.split("\n"):
                    parsed = parse_set_cookie(part, url, when) if part.strip() else None
                    if parsed is not None:
                        self._cookie(
                            parsed.name, parsed.domain, parsed.path, parsed.expires, when, "header"
                        )
            if not same_site(host, self.seen.site):
                self._request(url, host, kind, entry)

    def _phases(self, entries: list[dict[str, Any]]) -> list[Phase]:
        """Before consent up to the last request to the site without the consent marker, after
        from the first with it; requests to other sites in between could be either (the click
        that gave consent is not in a HAR), so their phase is unknown."""
        if not self.marker:
            return [Phase.unknown] * len(entries)
        own = [
            is_web_url(e["request"]["url"]) and same_site(host_of_url(e["request"]["url"]),
                                                          self.seen.site)
            for e in entries
        ]  # fmt: skip
        marked = [
            index
            for index, entry in enumerate(entries)
            if own[index] and self.marker in self._sent_cookie_names(entry["request"])
        ]
        if not marked:
            return [Phase.before] * len(entries)
        self.seen.consented = True
        consent_at = marked[0]
        last_before = max((i for i in range(consent_at) if own[i]), default=-1)
        return [
            Phase.before
            if index <= last_before
            else Phase.after
            if index >= consent_at
            else Phase.unknown
            for index in range(len(entries))
        ]

    def _sent_cookie_names(self, request: dict[str, Any]) -> list[str]:
        names = [
            str(cookie.get("name"))
            for cookie in request.get("cookies") or []
            if isinstance(cookie, dict) and cookie.get("name")
        ]
        for header in _headers(request, "cookie"):
            for pair in header.split(";"):
                name = pair.split("=", 1)[0].strip()
                if name and name not in names:
                    names.append(name)
        return names

    def _cookie(
        self,
        name: str,
        domain: str,
        path: str,
        expires: float | None,
        when: float,
        set_by: str,
        *,
        expires_known: bool = True,
    ) -> None:
        # one observation per name and party in each phase; a Set-Cookie (with its expiry)
        # replaces one only seen in a Cookie header
        first_party = same_site(domain, self.seen.site)
        key = (self.phase, name, first_party)
        index = self.cookie_index.get(key)
        if index is not None and (self.seen.cookies[index].expires_known or not expires_known):
            return
        cookie = CookieSeen(
            name=name,
            domain=domain,
            path=path,
            expires=expires,
            seen_at=when,
            first_party=first_party,
            set_by=set_by,
            page=self.page,
            phase=self.phase,
            expires_known=expires_known,
        )
        if index is None:
            self.cookie_index[key] = len(self.seen.cookies)
            self.seen.cookies.append(cookie)
        else:
            self.seen.cookies[index] = cookie

    def _request(self, url: str, host: str, kind: str, entry: dict[str, Any]) -> None:
        key = ("request", self.phase, host, kind)
        if key in self.keys:
            return
        self.keys.add(key)
        initiator = entry.get("_initiator")
        by = None
        if isinstance(initiator, dict):
            by = initiator.get("url") or None
        if by is None:
            referers = _headers(entry["request"], "referer")
            by = referers[0] if referers else None
        self.seen.requests.append(
            RequestSeen(url, host, kind, str(by) if by else None, self.page, self.phase)
        )

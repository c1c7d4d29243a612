"""Observe a site in headless Chromium: cookies, web storage and requests to other sites, in a
fresh profile before any consent, then again after accepting.

The browser is the distribution's Chromium, driven by Playwright for Python with
``executable_path`` pointing at it (no browser is downloaded). Network detail comes from a
DevTools protocol session on the page: ``Network.requestWillBeSent`` gives each request's type and
initiator, ``Network.responseReceivedExtraInfo`` the raw ``Set-Cookie`` lines (also those the
browser refused). Cross-site iframes run in processes of their own, which that session does not
see: Playwright's own request and response events fill those in (initiator: the iframe's URL).
No ``--disable-features`` switch is passed: it would replace Playwright's list (which keeps HTTP
navigations on HTTP, among others) instead of adding to it.

Third-party cookies are allowed in the profile, as in a default desktop Chrome: a scan observes
what a site tries to store, not what one browser's blocking setting leaves of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from governance.errors import InputError
from governance.scan.observations import (
    CookieSeen,
    Observations,
    PageSeen,
    Phase,
    Problem,
    RequestSeen,
    StorageKind,
    StorageSeen,
)
from governance.scan.sites import (
    crawlable,
    host_of_url,
    is_web_url,
    parse_set_cookie,
    same_site,
    site_of,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Request, Response

INSTALL_HINT = "pip install 'govern[scan]'"

CHROMIUM_FLAGS = (
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
)

# Accept buttons of widespread consent platforms, tried when no --accept selector is given.
KNOWN_ACCEPT_BUTTONS = (
    "#onetrust-accept-btn-handler",  # OneTrust
    "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll",  # Cookiebot
    "#CybotCookiebotDialogBodyButtonAccept",
    "#didomi-notice-agree-button",  # Didomi
    ".cky-btn-accept",  # CookieYes
    ".osano-cm-accept-all",  # Osano
    ".cmplz-accept",  # Complianz
    ".cm-btn-accept-all",  # Klaro
    "#truste-consent-button",  # TrustArc
    "[data-govern-accept]",
)

_STORAGE_JS = """async () => {
  const out = {origin: location.origin, local: [], session: [], idb: []};
  try { out.local = Object.keys(window.localStorage); } catch (e) {}
  try { out.session = Object.keys(window.sessionStorage); } catch (e) {}
  try {
    if (indexedDB.databases) out.idb = (await indexedDB.databases()).map(d => d.name);
  } catch (e) {}
  return out;
}"""
_LINKS_JS = "els => els.map(a => a.href)"

_NET_ERRORS = {
    "ERR_CONNECTION_REFUSED": "connection refused (is the site running?)",
    "ERR_NAME_NOT_RESOLVED": "the host name does not resolve",
    "ERR_ADDRESS_UNREACHABLE": "the address is unreachable",
    "ERR_CONNECTION_TIMED_OUT": "the connection timed out",
    "ERR_CONNECTION_RESET": "the connection was reset",
    "ERR_EMPTY_RESPONSE": "the server closed the connection without answering",
    "ERR_TOO_MANY_REDIRECTS": "too many redirects (a redirect loop)",
    "ERR_INVALID_RESPONSE": "the server's answer is not valid HTTP",
    "ERR_UNSAFE_PORT": "Chromium refuses to connect to this port",
    "ERR_CONTENT_LENGTH_MISMATCH": "the server broke off its answer",
}


QUIET_SECONDS = 0.25  # no new request for this long after the load event: the page has settled


@dataclass(frozen=True)
class Progress:
    phase: Phase
    done: int  # pages visited in this phase so far
    total: int  # pages planned in this phase (grows while links are found)
    url: str


@dataclass
class BrowserOptions:
    chromium: str | None = None  # path; default: $GOVERN_CHROMIUM, then chromium on PATH
    pages: int = 20  # most pages per phase, start URLs included
    page_timeout: float = 30.0  # seconds for one page's load event
    budget: float = 300.0  # seconds for finding pages; past it no new page is started
    settle: float = 2.0  # at most this long after load for the network to go quiet
    accept: str | None = None  # CSS selector of the consent button; None: try known platforms
    resolve: dict[str, str] = field(default_factory=dict)  # host → IP address
    progress: Callable[[Progress], None] | None = None


def find_chromium(configured: str | None = None) -> str:
    """The Chromium executable: the configured one, ``$GOVERN_CHROMIUM``, or one on PATH."""
    for candidate in (configured, os.environ.get("GOVERN_CHROMIUM")):
        if candidate:
            if shutil.which(candidate) or Path(candidate).is_file():
                return shutil.which(candidate) or candidate
            raise InputError(f"no Chromium executable at {candidate}", field="chromium")
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise InputError(
        "no Chromium found to scan with",
        hint="install the distribution's package (apt-get install chromium), or set "
        "[tool.govern.scan] chromium = PATH or $GOVERN_CHROMIUM",
    )


def check_urls(urls: list[str]) -> str:
    """The site the start URLs belong to; bad or mixed URLs are bad input."""
    sites = set()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise InputError(f"not an http(s) URL: {url}", field="URL")
        sites.add(site_of(url))
    if len(sites) > 1:
        raise InputError(
            f"the start URLs belong to several sites ({', '.join(sorted(sites))}); "
            "scan one site at a time",
            field="URL",
        )
    return sites.pop()


def observe_site(urls: list[str], options: BrowserOptions) -> Observations:
    """Scan the start URLs and same-site links in a fresh profile, before and after consent."""
    site = check_urls(urls)
    chromium = find_chromium(options.chromium)
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise InputError(
            "scanning a URL needs Playwright, which is not installed", hint=INSTALL_HINT
        ) from None
    observations = Observations(site=site, sources=list(urls))
    with tempfile.TemporaryDirectory(prefix="govern-scan-") as profile, sync_playwright() as pw:
        seed_profile(Path(profile))
        try:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=chromium,
                headless=True,
                args=launch_args(options.resolve),
                accept_downloads=False,
            )
        except PlaywrightError as error:
            raise InputError(
                f"Chromium did not start: {first_line(str(error))}", file=chromium
            ) from None
        try:
            _Session(context, site, options, observations).run(urls)
        finally:
            context.close()
    return observations


def launch_args(resolve: dict[str, str]) -> list[str]:
    args = list(CHROMIUM_FLAGS)
    if resolve:
        rules = ", ".join(f"MAP {host} {address}" for host, address in sorted(resolve.items()))
        args.append(f"--host-resolver-rules={rules}")
    return args


def seed_profile(profile: Path) -> None:
    """A fresh profile whose third-party cookie setting is a default desktop Chrome's (allowed);
    Chromium's automation profiles block them otherwise."""
    preferences = {"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}}
    (profile / "Default").mkdir(parents=True, exist_ok=True)
    (profile / "Default" / "Preferences").write_text(json.dumps(preferences), encoding="utf-8")


def first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    for prefix in ("Page.goto: ", "Locator.click: ", "BrowserType.launch_persistent_context: "):
        line = line.removeprefix(prefix)
    return line


def describe_navigation_error(message: str, timeout: float) -> str:
    line = first_line(message)
    if "Timeout" in line and "exceeded" in line:
        return f"the page did not finish loading within {timeout:g} s"
    code = line.split(" at ", 1)[0].removeprefix("net::")
    if code in _NET_ERRORS:
        return f"{_NET_ERRORS[code]} ({code})"
    if code.startswith(("ERR_CERT_", "ERR_SSL_", "ERR_BAD_SSL")):
        return f"TLS error: the certificate or handshake was refused ({code})"
    return code if code.startswith("ERR_") else line


class _Session:
    """One browser profile going through the pages: before consent, then after."""

    def __init__(
        self,
        context: BrowserContext,
        site: str,
        options: BrowserOptions,
        observations: Observations,
    ) -> None:
        self.context = context
        self.site = site
        self.options = options
        self.seen = observations
        self.page: Page = context.pages[0] if context.pages else context.new_page()
        self.started = time.monotonic()
        self._request_events: list[dict[str, Any]] = []
        self._cookie_events: list[dict[str, Any]] = []
        self._other_requests: list[Request] = []  # Playwright's view, for cross-site iframes
        self._other_responses: list[Response] = []
        self._request_urls: dict[str, str] = {}
        self._header_cookies: dict[
            tuple[str, str, str], tuple[float | None, float, str | None]
        ] = {}
        self._keys: set[tuple[Any, ...]] = set()
        self._watch(self.page)
        context.on("request", lambda request: self._other_requests.append(request))
        context.on("response", lambda response: self._other_responses.append(response))

    def _watch(self, page: Page) -> None:
        page.set_default_timeout(self.options.page_timeout * 1000)
        session = self.context.new_cdp_session(page)
        # Playwright wraps handlers, so they must be Python functions, not bound built-ins
        session.on("Network.requestWillBeSent", lambda event: self._request_events.append(event))
        session.on(
            "Network.responseReceivedExtraInfo", lambda event: self._cookie_events.append(event)
        )
        session.send("Network.enable")

    # --- the two phases ----------------------------------------------------------------------

    def run(self, urls: list[str]) -> None:
        starts = list(dict.fromkeys(url.split("#", 1)[0] for url in urls))
        visited = self._before_consent(starts)
        if not visited:
            return
        selector = self._accept_selector()
        if selector is None:
            return
        if not self._accept(selector):
            return
        self.seen.consented = True
        for index, url in enumerate(visited):
            self._report(Phase.after, index, len(visited), url)
            self._visit(url, Phase.after, start=False)

    def _before_consent(self, starts: list[str]) -> list[str]:
        queue = deque(starts)
        queued = set(starts)
        visited: list[str] = []
        scheme = urlsplit(starts[0]).scheme
        while queue and (queue[0] in starts or len(visited) < self.options.pages):
            url = queue.popleft()  # start URLs first, each scanned whatever --pages says
            is_start = url in starts
            if not is_start and time.monotonic() - self.started > self.options.budget:
                self.seen.notes.append(
                    f"the time budget ({self.options.budget:g} s) ran out after "
                    f"{len(visited)} pages; pass --pages or a larger budget to scan more"
                )
                break
            self._report(Phase.before, len(visited), min(self.options.pages, len(queued)), url)
            links = self._visit(url, Phase.before, start=is_start)
            if links is None:
                continue
            visited.append(url)
            for link in links:
                page = crawlable(link, self.site, scheme)
                if page is not None and page not in queued:
                    queued.add(page)
                    queue.append(page)
        return visited

    def _accept_selector(self) -> str | None:
        if self.options.accept:
            return self.options.accept
        for selector in KNOWN_ACCEPT_BUTTONS:
            try:
                if self.page.locator(selector).first.is_visible():
                    self.seen.notes.append(f"consent given with the button {selector}")
                    return selector
            except Exception:  # a selector this page's DOM cannot answer: try the next
                continue
        self.seen.notes.append(
            "no consent banner was recognised, so only what happens before consent was "
            "observed; pass --accept SELECTOR (the accept button) to scan after consent too"
        )
        return None

    def _accept(self, selector: str) -> bool:
        from playwright.sync_api import Error as PlaywrightError

        url = self.page.url
        try:
            self.page.locator(selector).first.click(
                timeout=min(5.0, self.options.page_timeout) * 1000
            )
        except PlaywrightError as error:
            text = first_line(str(error))
            if "Timeout" in text:
                text = "no visible element matches it"
            self.seen.problems.append(
                Problem(url, f"cannot accept consent with {selector}: {text}")
            )
            return False
        self._settle()
        self._collect(Phase.after, url)
        return True

    # --- one page -----------------------------------------------------------------------------

    def _visit(self, url: str, phase: Phase, *, start: bool) -> list[str] | None:
        """Load a page and record what it did; its links, or None when it failed."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            response = self._goto(url)
        except PlaywrightError as error:
            self._reset()
            if not start and ("Download is starting" in str(error) or "ERR_ABORTED" in str(error)):
                return None  # a link to a download or an empty answer: not a page
            message = describe_navigation_error(str(error), self.options.page_timeout)
            self.seen.problems.append(Problem(url, message))
            return None
        status = response.status if response is not None else None
        self._settle()
        self.seen.pages.append(PageSeen(url, phase, status, self.page.url))
        if start and status is not None and status >= 400:
            self.seen.problems.append(Problem(url, f"the site answered HTTP {status}"))
        self._collect(phase, url)
        if not same_site(host_of_url(self.page.url), self.site):
            return []  # redirected off the site: its links are not ours to follow
        try:
            links: list[str] = self.page.eval_on_selector_all("a[href]", _LINKS_JS)
        except PlaywrightError:
            return []
        return links

    def _goto(self, url: str) -> Response | None:
        """Load a page; once more when the error page of an earlier failure cut in."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            return self.page.goto(url, wait_until="load")
        except PlaywrightError as error:
            if "interrupted by another navigation" not in str(error):
                raise
        return self.page.goto(url, wait_until="load")

    def _reset(self) -> None:
        """After a failed page: a new tab, so that nothing still loading in the old one (an error
        page, a hanging response) cuts into the next page; forget the failed page's events."""
        from playwright.sync_api import Error as PlaywrightError

        old = self.page
        self.page = self.context.new_page()
        self._watch(self.page)
        with contextlib.suppress(PlaywrightError):
            old.close()
        self._drain()
        self._drain_others()

    def _settle(self) -> None:
        """After the load event, wait until no request has started for QUIET_SECONDS (late tags,
        pixels fired after load), at most ``settle`` seconds: a page that keeps polling is
        scanned as it is then."""
        deadline = time.monotonic() + self.options.settle
        seen = self._activity()
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(QUIET_SECONDS * 1000)
            started = self._activity()
            if started == seen:
                return
            seen = started

    def _activity(self) -> int:
        """Requests started so far (the browser's own favicon request after load not counted)."""
        return sum(
            1
            for event in self._request_events
            if not str(event.get("request", {}).get("url", "")).endswith("/favicon.ico")
        ) + sum(1 for request in self._other_requests if not request.url.endswith("/favicon.ico"))

    def _report(self, phase: Phase, done: int, total: int, url: str) -> None:
        if self.options.progress is not None:
            self.options.progress(Progress(phase, done, max(total, done + 1), url))

    def _drain(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        requests, self._request_events[:] = list(self._request_events), []
        cookies, self._cookie_events[:] = list(self._cookie_events), []
        return requests, cookies

    def _drain_others(self) -> tuple[list[Request], list[Response]]:
        requests, self._other_requests[:] = list(self._other_requests), []
        responses, self._other_responses[:] = list(self._other_responses), []
        return requests, responses

    # --- what the page did ----------------------------------------------------------------------

    def _collect(self, phase: Phase, page_url: str) -> None:
        requests, cookie_events = self._drain()
        other_requests, other_responses = self._drain_others()
        now = time.time()
        self._requests(requests, phase, page_url)
        seen_urls = {str(event.get("request", {}).get("url", "")) for event in requests}
        self._frame_requests(other_requests, seen_urls, phase, page_url)
        blocked = self._set_cookie_lines(cookie_events, now)
        answered = {self._request_urls.get(str(e.get("requestId", "")), "") for e in cookie_events}
        self._frame_set_cookies(other_responses, answered, now)
        self._cookies(phase, page_url, now, blocked)
        self._storage(phase, page_url)

    def _frame_requests(
        self, requests: list[Request], seen_urls: set[str], phase: Phase, page_url: str
    ) -> None:
        """Requests the page's DevTools session did not see: those of cross-site iframes."""
        for request in requests:
            url = request.url
            if url in seen_urls or not is_web_url(url):
                continue
            host = host_of_url(url)
            if not host or same_site(host, self.site):
                continue
            key = ("request", phase, host, request.resource_type)
            if key in self._keys:
                continue
            self._keys.add(key)
            try:
                initiator: str | None = request.frame.url or None
            except Exception:  # a service worker's request has no frame
                initiator = None
            self.seen.requests.append(
                RequestSeen(url, host, request.resource_type, initiator, page_url, phase)
            )

    def _frame_set_cookies(self, responses: list[Response], answered: set[str], now: float) -> None:
        """Set-Cookie lines of responses the DevTools session did not see (cross-site iframes)."""
        from playwright.sync_api import Error as PlaywrightError

        for response in responses:
            if response.url in answered or not is_web_url(response.url):
                continue
            try:
                lines = response.header_values("set-cookie")
            except PlaywrightError:
                continue
            for line in "\n".join(lines).split("\n"):
                parsed = parse_set_cookie(line, response.url, now) if line.strip() else None
                if parsed is not None:
                    key = (parsed.name, parsed.domain, parsed.path)
                    self._header_cookies[key] = (parsed.expires, now, response.url)

    def _requests(self, events: list[dict[str, Any]], phase: Phase, page_url: str) -> None:
        for event in events:
            request = event.get("request", {})
            url = str(request.get("url", ""))
            self._request_urls[str(event.get("requestId", ""))] = url
            if not is_web_url(url):
                continue
            host = host_of_url(url)
            if not host or same_site(host, self.site):
                continue
            key = ("request", phase, host, event.get("type"))
            if key in self._keys:
                continue
            self._keys.add(key)
            self.seen.requests.append(
                RequestSeen(
                    url=url,
                    host=host,
                    resource_type=str(event.get("type") or "other").lower(),
                    initiator=_initiator(event.get("initiator") or {})
                    or (str(event.get("documentURL") or "") or None),
                    page=page_url,
                    phase=phase,
                )
            )

    def _set_cookie_lines(
        self, events: list[dict[str, Any]], now: float
    ) -> dict[tuple[str, str, str], str]:
        """Remember every Set-Cookie line; return the refused ones with the browser's reasons."""
        refused: dict[tuple[str, str, str], str] = {}
        for event in events:
            url = self._request_urls.get(str(event.get("requestId", "")), "")
            headers = event.get("headers") or {}
            raw = next((v for k, v in headers.items() if k.casefold() == "set-cookie"), "")
            reasons = {
                str(item.get("cookieLine", "")): ", ".join(item.get("blockedReasons", []))
                for item in event.get("blockedCookies") or []
            }
            for line in str(raw).split("\n"):
                parsed = parse_set_cookie(line, url, now) if line.strip() and url else None
                if parsed is None:
                    continue
                key = (parsed.name, parsed.domain, parsed.path)
                self._header_cookies[key] = (parsed.expires, now, url)
                if line in reasons:
                    refused[key] = reasons[line] or "refused by the browser"
        return refused

    def _cookies(
        self, phase: Phase, page_url: str, now: float, refused: dict[tuple[str, str, str], str]
    ) -> None:
        stored = set()
        for cookie in self.context.cookies():
            key = (cookie["name"], cookie["domain"], cookie["path"])
            stored.add(key)
            header = self._header_cookies.get(key)
            if header is not None:
                expires, seen_at, _ = header
            else:
                raw_expires = cookie.get("expires", -1)
                expires = None if raw_expires is None or raw_expires < 0 else float(raw_expires)
                seen_at = now
            set_by = "header" if header else "script"
            self._add_cookie(key, expires, seen_at, set_by, page_url, phase)
        for key, reason in refused.items():
            if key not in stored:
                expires, seen_at, _ = self._header_cookies[key]
                self._add_cookie(key, expires, seen_at, "header", page_url, phase, reason)

    def _add_cookie(
        self,
        key: tuple[str, str, str],
        expires: float | None,
        seen_at: float,
        set_by: str,
        page_url: str,
        phase: Phase,
        blocked: str | None = None,
    ) -> None:
        if ("cookie", phase, key) in self._keys:
            return
        self._keys.add(("cookie", phase, key))
        name, domain, path = key
        self.seen.cookies.append(
            CookieSeen(
                name=name,
                domain=domain,
                path=path,
                expires=expires,
                seen_at=seen_at,
                first_party=same_site(domain, self.site),
                set_by=set_by,
                page=page_url,
                phase=phase,
                blocked=blocked,
            )
        )

    def _storage(self, phase: Phase, page_url: str) -> None:
        from playwright.sync_api import Error as PlaywrightError

        for frame in self.page.frames:
            try:
                found = frame.evaluate(_STORAGE_JS)
            except PlaywrightError:
                continue  # a frame that went away, or one without a document
            origin = str(found.get("origin") or "")
            if not origin or origin == "null":
                continue
            first_party = same_site(host_of_url(origin), self.site)
            for kind, keys in (
                (StorageKind.local_storage, found.get("local")),
                (StorageKind.session_storage, found.get("session")),
                (StorageKind.indexed_db, found.get("idb")),
            ):
                for name in keys or []:
                    marker = ("storage", phase, kind, origin, str(name))
                    if marker in self._keys:
                        continue
                    self._keys.add(marker)
                    self.seen.storage.append(
                        StorageSeen(kind, origin, str(name), first_party, page_url, phase)
                    )


def _initiator(initiator: dict[str, Any]) -> str | None:
    """The script or document that made a request (DevTools' ``Initiator``)."""
    url = initiator.get("url")
    if url:
        return str(url)
    stack = initiator.get("stack") or {}
    while stack:
        frames = stack.get("callFrames") or []
        for frame in frames:
            if frame.get("url"):
                return str(frame["url"])
        stack = stack.get("parent") or {}
    return None

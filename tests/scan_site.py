"""A small shop for ``govern scan`` to observe: real HTTP servers on loopback addresses.

``www.shop.test`` (127.0.0.1) is the site. Its "third parties" are other loopback addresses that
Chromium reaches through ``--host-resolver-rules`` (``govern scan --resolve``):
``tags.hotjar.test`` (127.0.0.2, a declared recipient) and ``px.ads.test`` (127.0.0.3, not
declared); ``elsewhere.test`` (127.0.0.4) is only ever linked to, and counts the requests it gets
(a scan must never follow an off-site link). Every page embeds a video player from
``player.video.test`` in an iframe, before any consent, and the player pings
``cdn.videostats.test``: a request made inside a cross-site iframe (its own renderer process).

What the site does, so that every scan rule has something to find:

- every page sets ``sid`` (session, header), ``csrftoken`` (a year, header; declared for a day)
  and ``ab_test`` (30 days, header; undeclared); its script sets ``_ga`` before consent (declared
  analytics, opt-in), ``theme`` in localStorage (declared) and ``cart_draft`` in sessionStorage
  (undeclared);
- a consent banner; "Accept all" sets ``cookie_consent`` (180 days) and loads Hotjar's script
  (``_hjSessionUser_<id>``, ``_hjSession_<id>``) and the ad pixel (a third-party ``uid`` cookie),
  which later pages include from the server once the cookie is there;
- ``/loop`` redirects to itself, ``/hang`` never finishes its body (for a few seconds), ``/boom``
  answers 500.

Only loopback addresses; every server stops with the context manager.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import BaseServer

SITE_HOST = "www.shop.test"
HOTJAR_HOST = "tags.hotjar.test"
ADS_HOST = "px.ads.test"
ELSEWHERE_HOST = "elsewhere.test"
VIDEO_HOST = "player.video.test"
VIDEO_STATS_HOST = "cdn.videostats.test"
ADDRESSES = {
    SITE_HOST: "127.0.0.1",
    HOTJAR_HOST: "127.0.0.2",
    ADS_HOST: "127.0.0.3",
    ELSEWHERE_HOST: "127.0.0.4",
    VIDEO_HOST: "127.0.0.5",
    VIDEO_STATS_HOST: "127.0.0.6",
}
HANG_SECONDS = 8.0

POLICY_YAML = """\
title: Shop cookies
owner: Shop Ltd
items:
  - id: session
    name: Session cookie
    names: [sid]
    retention: session
  - id: csrf
    name: Security token
    names: [csrftoken]
    retention: 1 day
  - id: consent
    name: Your cookie choices
    names: [cookie_consent]
    retention: 6 months
  - id: language
    name: Language preference
    names: [lang]
    category: functional
    retention: 1 year
  - id: theme
    name: Theme preference
    names: [theme]
    storage: localStorage
    category: functional
  - id: newsletter-popup
    name: Newsletter pop-up dismissed
    names: [nl_dismissed]
    storage: localStorage
    category: functional
  - id: google-analytics
    name: Google Analytics
    names: [_ga, _ga_*]
    provider: google
    category: analytics
    data_uses: [analytics.reporting]
    consent: opt-in
    retention: 2 years
  - id: hotjar
    name: Hotjar session recording
    names: ["_hjSessionUser_*", "_hjSession_*"]
    provider: hotjar
    category: analytics
    data_uses: [analytics.reporting]
    consent: opt-in
    retention: 1 year
recipients:
  - id: google
    name: Google LLC
  - id: hotjar
    name: Hotjar Ltd
"""

APP_JS = """
document.cookie = "_ga=GA1.1.12345.67890; max-age=" + (60 * 60 * 24 * 390) + "; path=/";
localStorage.setItem("theme", "dark");
sessionStorage.setItem("cart_draft", "[]");
function loadTags() {
  var tags = document.getElementById("tags").dataset;
  var script = document.createElement("script");
  script.src = tags.hotjar;
  document.head.appendChild(script);
  var pixel = new Image();
  pixel.src = tags.pixel;
}
var button = document.getElementById("accept-all");
if (button) {
  button.addEventListener("click", function () {
    document.cookie = "cookie_consent=all; max-age=" + (60 * 60 * 24 * 180) + "; path=/";
    document.getElementById("consent").remove();
    loadTags();
  });
}
"""

HOTJAR_JS = """
document.cookie = "_hjSessionUser_123=eyJpZCI6IjEifQ; max-age=" + (60 * 60 * 24 * 365) + "; path=/";
document.cookie = "_hjSession_123=eyJpZCI6IjIifQ; max-age=1800; path=/";
fetch("/collect", {method: "POST", body: "{}", mode: "no-cors"});
"""


@dataclass
class Site:
    ports: dict[str, int]
    pages: int
    hits: dict[str, int] = field(default_factory=dict)

    def url(self, path: str = "/", host: str = SITE_HOST) -> str:
        return f"http://{host}:{self.ports[host]}{path}"

    @property
    def resolve(self) -> dict[str, str]:
        return dict(ADDRESSES)

    @property
    def resolve_options(self) -> list[str]:
        return [f"--resolve={host}={address}" for host, address in ADDRESSES.items()]


def _page(site: Site, number: int, consented: bool) -> str:
    links = "".join(f'<li><a href="/page/{n}">Page {n}</a></li>' for n in range(1, site.pages))
    hotjar = site.url("/hotjar.js", HOTJAR_HOST)
    pixel = site.url("/px.gif", ADS_HOST)
    tags = (
        f'<script src="{hotjar}"></script><img src="{pixel}" alt="">'
        if consented
        else '<div id="consent"><p>We use cookies.</p>'
        '<button id="accept-all">Accept all</button></div>'
    )
    return (
        "<!DOCTYPE html><html><head><title>Shop</title></head><body>"
        f"<h1>Shop page {number}</h1>{tags}"
        f'<div id="tags" data-hotjar="{hotjar}" data-pixel="{pixel}"></div>'
        f'<iframe src="{site.url("/embed", VIDEO_HOST)}" title="Video"></iframe>'
        f"<ul>{links}</ul>"
        f'<a href="{site.url("/", ELSEWHERE_HOST)}">Partner</a>'
        '<a href="mailto:hello@shop.test">Mail</a><a href="/files/terms.pdf">Terms</a>'
        '<a href="#top">Top</a>'
        '<script src="/static/app.js"></script></body></html>'
    )


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            host = self.headers.get("Host", "").split(":")[0]
            site.hits[host] = site.hits.get(host, 0) + 1
            if host == HOTJAR_HOST:
                self._send(200, "application/javascript", HOTJAR_JS.encode())
            elif host == ADS_HOST:
                self._send(
                    200,
                    "image/gif",
                    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
                    cookies=["uid=ad-42; Max-Age=7776000; Path=/; SameSite=None; Secure"],
                )
            elif host == VIDEO_HOST:
                ping = site.url("/ping.gif", VIDEO_STATS_HOST)
                self._send(200, "text/html", f'<img src="{ping}" alt="">'.encode())
            elif host == VIDEO_STATS_HOST:
                self._send(200, "image/gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
            elif host != SITE_HOST:
                self._send(200, "text/html", b"<p>elsewhere</p>")
            else:
                self._site()

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(min(length, 65536))
            self._send(204, "text/plain", b"")

        def _site(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/static/app.js":
                self._send(200, "application/javascript", APP_JS.encode())
            elif path == "/loop":
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/hang":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(b"<p>loading")
                self.wfile.flush()
                time.sleep(HANG_SECONDS)  # bounded: the server thread ends by itself
            elif path == "/boom":
                self._send(500, "text/html", b"<p>server error</p>")
            elif path == "/" or (path.startswith("/page/") and path[6:].isdigit()):
                number = int(path[6:]) if path != "/" else 0
                if number >= max(site.pages, 1):
                    self._send(404, "text/html", b"<p>no such page</p>")
                    return
                consented = "cookie_consent=" in self.headers.get("Cookie", "")
                body = _page(site, number, consented).encode()
                self._send(
                    200,
                    "text/html; charset=utf-8",
                    body,
                    cookies=[
                        "sid=s3ss10n; HttpOnly; Path=/",
                        f"csrftoken=t0k3n; Max-Age={365 * 86400}; Path=/",
                        f"ab_test=B; Max-Age={30 * 86400}; Path=/",
                    ],
                )
            elif path == "/favicon.ico":
                self._send(204, "image/x-icon", b"")
            else:
                self._send(404, "text/html", b"<p>no such page</p>")

        def _send(
            self, status: int, kind: str, body: bytes, cookies: list[str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for cookie in cookies or []:
                self.send_header("Set-Cookie", cookie)
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser that hangs up mid-answer (the /hang page) is expected


@contextmanager
def serve_site(pages: int = 6) -> Iterator[Site]:
    """The shop and its third parties, each on its own loopback address, until the block ends."""
    site = Site(ports={}, pages=pages)
    servers: list[BaseServer] = []
    try:
        for host, address in ADDRESSES.items():
            server = _Server((address, 0), _handler(site))
            site.ports[host] = server.server_address[1]
            servers.append(server)
            threading.Thread(target=server.serve_forever, daemon=True).start()
        yield site
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def write_repository(root: object, policy: str = POLICY_YAML) -> None:
    """A reviewed repository with the shop's policy (no git needed to scan)."""
    from pathlib import Path

    base = Path(str(root))
    (base / "policies" / "shop").mkdir(parents=True, exist_ok=True)
    (base / "policies" / "shop" / "cookies.yaml").write_text(policy, encoding="utf-8")


def dump(data: object) -> str:
    return json.dumps(data, indent=2)

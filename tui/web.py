"""``govern review --web``: the review app served to a browser with textual-serve.

Each browser session starts its own ``govern review`` process, always as the identity the server
was started with: the command is fixed here, and nothing a browser sends can change it. Every
request needs the server's token (from the URL govern prints, then a same-site cookie), the
websocket refuses other origins, and on loopback the Host header must name loopback (so a page
elsewhere cannot reach the server through DNS rebinding). The page is govern's own template,
which loads nothing from a third party (textual-serve's default links a web font from Google);
its font comes from the server itself.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import secrets
import shlex
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from governance.errors import InputError

log = logging.getLogger("govern.review.web")
PAGE_DIR = Path(__file__).resolve().parent / "web_page"
MAX_SESSIONS = 8  # each session is a process; a forgotten tab should not exhaust the machine

# What the page may load: only this server (the websocket included) and its own inline code.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'{nonce}; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY.format(nonce=""),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """Whether ``host`` can only be reached from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def session_command(
    repo: Path, identity: str, base: str | None = None, head: str | None = None
) -> str:
    """The shell command textual-serve runs for each browser session."""
    arguments = [sys.executable, "-m", "governance", "review", "--web-session"]
    arguments += ["--as", identity, "--repo", str(repo)]
    if base is not None:
        arguments += ["--base", base]
    if head is not None:
        arguments += ["--head", head]
    return shlex.join(arguments)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: a free port chosen by the system)."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except socket.gaierror as error:
        raise InputError(f"cannot resolve {host!r}: {error.strerror}", field="--host") from None
    listener = socket.socket(family, kind, protocol)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(64)
    except OSError as error:
        listener.close()
        raise InputError(
            f"cannot listen on {host}:{port}: {error.strerror}", field="--port"
        ) from None
    listener.setblocking(False)
    return listener


class ReviewServer(Server):
    """textual-serve's server with govern's page, a token, and origin and host checks."""

    def __init__(self, command: str, listener: socket.socket, token: str, title: str) -> None:
        host, port = listener.getsockname()[:2]
        self.listener = listener
        self.token = token
        self.cookie_name = f"govern_review_{port}"  # cookies ignore ports: one per server
        self.loopback = is_loopback(host)
        url_host = f"[{host}]" if ":" in host else host
        super().__init__(
            command,
            host=host,
            port=port,
            title=title,
            public_url=f"http://{url_host}:{port}",
            templates_path=PAGE_DIR,
        )
        self.allowed_hosts = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}
        self.sessions: set[web.WebSocketResponse] = set()

    @property
    def url(self) -> str:
        """The address to open: on a wildcard address, the loopback name of this machine."""
        base = self.public_url
        if self.host in ("0.0.0.0", "::"):
            base = f"http://{'127.0.0.1' if self.host == '0.0.0.0' else '[::1]'}:{self.port}"
        return f"{base}/?token={self.token}"

    # -- the aiohttp application -----------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_get("/favicon.ico", _no_content)
        app.middlewares.append(self._guard)
        app.on_shutdown.append(self._close_sessions)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a banner here; govern prints its own line when listening."""

    def _token_matches(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(
            candidate.encode("utf-8"), self.token.encode("utf-8")
        )

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.loopback and request.host not in self.allowed_hosts:
            return _refusal(421, "This review server answers only to its loopback address.")
        from_query = self._token_matches(request.query.get("token"))
        if not (from_query or self._token_matches(request.cookies.get(self.cookie_name))):
            return _refusal(
                403,
                "This review server needs its token: open the address `govern review --web` "
                "printed, with ?token=… at its end.",
            )
        if request.path == "/ws":
            origin = request.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc != request.host:
                return _refusal(403, "The review app refuses connections from other sites.")
            if len(self.sessions) >= MAX_SESSIONS:
                return _refusal(503, f"At most {MAX_SESSIONS} review sessions run at once.")
            return await handler(request)
        if from_query and request.path == "/":
            # keep the token in a cookie the browser sends only to this server, and out of
            # the address bar and the history
            response: web.StreamResponse = web.HTTPSeeOther("/")
            response.set_cookie(
                self.cookie_name, self.token, httponly=True, samesite="Strict", path="/"
            )
        else:
            response = await handler(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        font_size = request.query.get("fontsize", "16")
        nonce = secrets.token_urlsafe(16)
        context = {
            "font_size": min(max(int(font_size), 8), 48) if font_size.isdigit() else 16,
            "static_url": "/static/",
            "title": self.title,
            "nonce": nonce,
        }
        response = aiohttp_jinja2.render_template("index.html", request, context)
        policy = CONTENT_SECURITY_POLICY.format(nonce=f" 'nonce-{nonce}'")
        response.headers["Content-Security-Policy"] = policy
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's session, with the websocket kept so shutdown can close it."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _cells(request.query.get("width"), 80)
        height = _cells(request.query.get("height"), 24)
        self.sessions.add(websocket)
        app_service: AppService | None = None

        async def close() -> None:
            await websocket.close()

        try:
            await websocket.prepare(request)
            app_service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except (ValueError, AssertionError, KeyError, TypeError) as error:
            log.warning("closing a session after a malformed message: %s", error)
        finally:
            self.sessions.discard(websocket)
            if app_service is not None:
                await app_service.stop()
        return websocket

    async def _close_sessions(self, app: web.Application) -> None:
        for websocket in list(self.sessions):
            if websocket.prepared:
                await websocket.close()

    # -- running -----------------------------------------------------------------------------

    def serve(self, debug: bool = False, *, announce: Callable[[str], None] = print) -> None:
        """Serve until SIGINT or SIGTERM; ``announce`` receives the address to open."""
        self.debug = debug
        asyncio.run(self._serve(announce))

    async def _serve(self, announce: Callable[[str], None]) -> None:
        app = await self._make_app()
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=5)
        await runner.setup()
        await web.SockSite(runner, self.listener).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        announce(self.url)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()


def _cells(value: str | None, default: int) -> int:
    """A terminal dimension from the query string, within reason."""
    if value is None or not value.isdigit():
        return default
    return max(10, min(int(value), 1000))


async def _no_content(request: web.Request) -> web.Response:
    return web.Response(status=204)


def _refusal(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text + "\n", headers=SECURITY_HEADERS)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def serve_review(
    repo: Path,
    identity: str,
    *,
    host: str,
    port: int,
    token: str | None,
    base: str | None = None,
    head: str | None = None,
    say: Callable[[str], Any] = print,
    intro: str = "",
) -> None:
    """Serve the review app for ``identity`` until interrupted, telling ``say`` (after ``intro``,
    once listening) the address to open."""
    if token is not None and len(token) < 16:
        raise InputError("a token must have at least 16 characters", field="--token")
    if not is_loopback(host) and token is None:
        say(
            f"--host {host} can be reached from other machines, and whoever opens the review "
            f"app acts as {identity}: a token was generated (choose one with --token). "
            "Serve it behind HTTPS so the token is not sent in the clear."
        )
    listener = bind(host, port)
    command = session_command(repo, identity, base, head)
    server = ReviewServer(command, listener, token or new_token(), title=f"govern review: {repo}")
    prefix = f"{intro}\n" if intro else ""
    server.serve(announce=lambda url: say(f"{prefix}Open {url}\nctrl+c stops the server."))

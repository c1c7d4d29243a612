"""`govern review --web`: the real server (textual-serve) on 127.0.0.1, its token, origin and host
checks, and a reviewer in headless Chromium who approves a finding with the keyboard."""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from browser_helpers import PROJECT_ROOT, browser_test, chromium, third_party_requests

from governance.commands.demo import create_demo_repository
from tui.web import PAGE_DIR, is_loopback, session_command

LEGAL = "counsel@mitpo.example"
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[A-Za-z~]|\x1b[()][A-Z0-9]|\x1b[=>]")


@dataclass
class RunningServer:
    process: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        assert parts.hostname and parts.port
        return parts.hostname, parts.port

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (read from /proc), so a test can see that none outlives it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextmanager
def review_server(repo: Path, *arguments: str, timeout: float = 30) -> Iterator[RunningServer]:
    """`govern review --web` in a process of its own; stopped (SIGTERM) on the way out."""
    process = subprocess.Popen(
        [sys.executable, "-m", "governance", "review", "--web", "--repo", str(repo), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=PROJECT_ROOT,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    url = None
    deadline = time.monotonic() + timeout
    try:
        while url is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no address printed in {timeout}s: {seen}") from None
            if line is None:
                raise AssertionError(f"the server stopped: {''.join(seen)}")
            seen.append(line)
            if match := re.search(r"Open (http://\S+)", line):
                url = match.group(1)
        yield RunningServer(process, url, seen)
    finally:
        below = descendants(process.pid)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pid in below:  # a session still running after the server stopped is a leak
            deadline = time.monotonic() + 10
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
                raise AssertionError(f"process {pid} outlived the review server")


def request(
    server: RunningServer, path: str, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    host, port = server.address
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return create_demo_repository(tmp_path / "demo").root


# --- the server without a browser ----------------------------------------------------------------


def test_requests_without_the_token_are_refused(demo: Path) -> None:
    with review_server(demo, "--as", LEGAL) as server:
        host, port = server.address
        assert host == "127.0.0.1" and port > 0  # loopback and a free port by default
        assert f"as {LEGAL} (legal reviewer)" in "".join(server.lines)

        for path in ("/", "/static/js/textual.js", "/ws", "/download/x", "/?token=wrong"):
            response = request(server, path)
            assert response.status == 403, path
        websocket_headers = {
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        }
        assert request(server, "/ws?width=80&height=24", websocket_headers).status == 403

        # the printed address sets a cookie for this server only, and leaves the address bar
        response = request(server, f"/?token={server.token}")
        assert response.status == 303 and response.getheader("Location") == "/"
        cookie = response.getheader("Set-Cookie") or ""
        assert f"govern_review_{port}={server.token}" in cookie
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        name_value = cookie.split(";", 1)[0]

        page = request(server, "/", {"Cookie": name_value})
        assert page.status == 200
        policy = page.getheader("Content-Security-Policy") or ""
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert request(server, "/static/js/textual.js", {"Cookie": name_value}).status == 200

        # a page on another site cannot open the session, even with the cookie
        hostile = {**websocket_headers, "Cookie": name_value, "Origin": "http://evil.example"}
        assert request(server, "/ws?width=80&height=24", hostile).status == 403
        # nor reach the server under another name (DNS rebinding)
        rebound = {"Cookie": name_value, "Host": f"evil.example:{port}"}
        assert request(server, "/", rebound).status == 421
        assert request(server, "/", {"Authorization": "x", "Cookie": "other=1"}).status == 403


def test_the_page_names_no_third_party() -> None:
    page = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
    assert "googleapis" not in page and "gstatic" not in page
    assert re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page) == []


def test_a_host_other_than_loopback_gets_a_token_and_the_reason(demo: Path) -> None:
    with review_server(demo, "--as", LEGAL, "--host", "0.0.0.0") as server:
        said = "".join(server.lines)
        assert "can be reached from other machines" in said and LEGAL in said
        assert "HTTPS" in said
        assert len(server.token) >= 16
        assert request(server, "/").status == 403


def test_a_chosen_token_is_the_one_required(demo: Path) -> None:
    token = "correct-horse-battery-staple"
    with review_server(demo, "--as", LEGAL, "--token", token) as server:
        assert server.token == token
        assert request(server, f"/?token={token}").status == 303
        assert request(server, "/?token=correct-horse-battery-stapl").status == 403


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--port", "8080"], "--port serves the app to a browser: add --web"),
        (["--web", "--token", "short"], "at least 16 characters"),
        (["--web", "--as", "not-an-email"], "not an email address"),
        (["--web", "--host", "no such host.invalid"], "cannot resolve"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    demo: Path, arguments: list[str], message: str
) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "governance", "review", "--repo", str(demo), *arguments],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2, completed.stderr
    assert message in completed.stderr and "Traceback" not in completed.stderr


def test_each_session_runs_as_the_servers_reviewer() -> None:
    command = session_command(Path("/tmp/a repo; rm -rf x"), LEGAL, base="main")
    assert f"--as {LEGAL}" in command and "--web-session" in command
    assert "'/tmp/a repo; rm -rf x'" in command  # quoted for the shell textual-serve uses
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.com")


# --- a reviewer in a browser ---------------------------------------------------------------------


class Screen:
    """What the app has drawn, read from the websocket frames the browser received."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def receive(self, payload: bytes | str) -> None:
        self.frames.append(payload if isinstance(payload, bytes) else payload.encode())

    def text(self) -> str:
        return ANSI.sub(b"", b"".join(self.frames)).decode("utf-8", "replace")


@browser_test
def test_a_reviewer_approves_a_finding_in_headless_chromium(demo: Path) -> None:
    started = time.monotonic()
    with review_server(demo, "--as", LEGAL) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        screen = Screen()
        page.on("websocket", lambda ws: ws.on("framereceived", screen.receive))

        def wait_for(*texts: str, timeout: float = 30) -> None:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if all(text in screen.text() for text in texts):
                    return
                page.wait_for_timeout(200)  # lets Playwright deliver the frames
            raise AssertionError(f"waited for {texts!r}; drawn: {screen.text()[-2000:]!r}")

        page.goto(server.url)
        page.wait_for_selector("body.-first-byte", timeout=30_000)
        assert urlsplit(page.url).query == ""  # the token left the address bar
        wait_for("Queue", "to decide", LEGAL)

        page.click("#terminal")  # the terminal takes the keyboard, as for a person
        page.keyboard.press("Enter")
        wait_for("Change review", "tracking-item-added")
        page.keyboard.press("a")
        wait_for("Recorded in the ledger")

        deadline = time.monotonic() + 10
        ledger = demo / ".govern-ledger"
        while not list(ledger.glob("*.yaml")) and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        records = [yaml.safe_load(path.read_text()) for path in ledger.glob("*.yaml")]
        assert [(r["decision"], r["reviewer"], r["rule"]) for r in records] == [
            ("approved", LEGAL, "tracking-item-added")
        ]
        assert third_party_requests(requested) == []
        assert errors == []
    assert time.monotonic() - started < 60


@pytest.mark.parametrize(
    "command", [["check", "--format", "json"], ["diff", "main..add-hotjar"], ["validate"]]
)
def test_ci_commands_load_neither_the_web_server_nor_textual(
    demo: Path, command: list[str]
) -> None:
    probe = (
        "import sys\n"
        "from governance.main import main\n"
        f"main({[*command, '--repo', str(demo)]!r})\n"
        "heavy = [m for m in ('textual', 'textual_serve', 'aiohttp', 'jinja2', 'sqlmodel') "
        "if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=60
    )
    assert "HEAVY []" in completed.stdout, completed.stdout + completed.stderr


@browser_test
def test_govern_scan_of_the_review_page_finds_no_third_party(demo: Path) -> None:
    from governance.main import cli

    if "scan" not in cli.commands:
        pytest.skip(
            "govern scan is not part of this build; the Chromium test above checks requests"
        )
    with review_server(demo, "--as", LEGAL) as server:
        completed = subprocess.run(
            [sys.executable, "-m", "governance", "scan", server.url, "--format", "json"]
            + ["--repo", str(demo)],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert completed.returncode in (0, 1), completed.stderr
    report = json.loads(completed.stdout)
    rules = {f["rule"] for policy in report["policies"] for f in policy["findings"]}
    assert "undeclared-third-party" not in rules, completed.stdout

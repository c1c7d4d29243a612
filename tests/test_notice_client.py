"""The in-app notice client (announcements/client/govern-notice.js) in headless Chromium, on a
fixture page served from 127.0.0.1 with a feed published by the real CLI from a test repository
whose vendor's name is hostile markup. axe-core, from npm, checks the page."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from announcements_helpers import LEGAL, POLICY_ID, RELEASE, Cli, add_hotjar_on_branch
from announcements_helpers import make_repo as make_mitpo_repo
from browser_helpers import PROJECT_ROOT, browser_test, chromium, third_party_requests

from governance.commands.client import CLIENT_FILES, client_path
from governance.main import main

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NODE_MODULES = Path(os.environ.get("GOVERN_NODE_MODULES", PROJECT_ROOT / ".node" / "node_modules"))
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
TERSER = NODE_MODULES / "terser" / "bin" / "terser"
NODE = shutil.which("node")
# set GOVERN_SCREENSHOTS=DIR to look at the banner and the modal as a person sees them
SCREENSHOTS = Path(os.environ["GOVERN_SCREENSHOTS"]) if "GOVERN_SCREENSHOTS" in os.environ else None
HOSTILE = 'Hotjar Ltd <img src=x onerror="window.pwned=1">'
needs_axe = pytest.mark.skipif(
    not AXE.is_file(), reason=f"axe-core is not installed at {AXE} (.ci/run installs it from npm)"
)

FIXTURE_PAGE = """<!DOCTYPE html>
<html lang="en">
  <head><meta charset="utf-8"><title>MITPO Creative Studio</title></head>
  <body>
    <main>
      <h1>Creative Studio</h1>
      <p>Make something.</p>
      <p><a href="#start" id="start">Start a project</a></p>
    </main>
  </body>
</html>
"""

# Runs the client in the page, as a site does, and records what it dispatches.
SHOW = """async ({ consented, nowMs, extra }) => {
  const { showNotices } = await import("/govern-notice.js");
  window.reconsent = window.reconsent || [];
  if (!window.listening) {
    document.addEventListener("govern:reconsent", (e) => window.reconsent.push(e.detail));
    window.listening = true;
  }
  const options = { feed: "/feed.json", ...extra };
  if (consented !== null) options.consentedRevision = () => consented;
  if (nowMs !== null) options.now = () => nowMs;
  const result = await showNotices(options);
  return { id: result.shown && result.shown.id, kind: result.kind, reconsent: result.reconsent };
}"""


# --- a real feed and a real server ----------------------------------------------------------------


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """MITPO's policy with a hostile vendor name: reviewed, announced and published by the CLI."""
    root = make_mitpo_repo(tmp_path_factory.mktemp("feed") / "mitpo")
    add_hotjar_on_branch(root, vendor=HOSTILE)
    govern = Cli(root)
    code, out, _ = govern("check", "--format", "json")
    fingerprints = [
        finding["fingerprint"]
        for policy in json.loads(out)["policies"]
        for finding in policy["findings"]
        if finding["level"] == "material"
    ]
    assert govern("approve", *fingerprints, "--as", LEGAL)[0] == 0
    code, out, err = govern("announce", "draft", "--as", LEGAL)
    assert code == 0, err
    announcement_id = out.strip().splitlines()[-1]
    assert govern("announce", "submit", announcement_id, "--as", LEGAL)[0] == 0
    assert govern("announce", "approve", announcement_id, "--as", RELEASE)[0] == 0
    code, _, err = govern("announce", "publish", announcement_id, "--as", RELEASE)
    assert code == 0, err
    document: dict[str, Any] = json.loads((root / "announcements" / "feed.json").read_text())
    [entry] = document["announcements"]
    assert entry["requires_reconsent"] is True and entry["consent_revision"] == 2
    assert "<img src=x" in entry["title"]  # the title holds the markup, as text
    return document


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def site(feed: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture page, the client copied by `govern client --copy` and the feed, on 127.0.0.1."""
    root = tmp_path_factory.mktemp("site")
    completed = subprocess.run(
        [sys.executable, "-m", "governance", "client", "--copy", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    (root / "index.html").write_text(FIXTURE_PAGE, encoding="utf-8")
    (root / "feed.json").write_text(json.dumps(feed), encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def open_page(browser: Browser, site: str, requested: list[str] | None = None) -> Page:
    """A page in a fresh context (its own localStorage), with the fixture loaded."""
    context = browser.new_context()
    page = context.new_page()
    if requested is not None:
        page.on("request", lambda request: requested.append(request.url))
    page.goto(site + "/index.html")
    return page


def show(
    page: Page, *, consented: int | None = None, now: datetime | None = None, **extra: Any
) -> dict[str, Any]:
    now_ms = int(now.timestamp() * 1000) if now else None
    result: dict[str, Any] = page.evaluate(
        SHOW, {"consented": consented, "nowMs": now_ms, "extra": extra}
    )
    return result


def after_effect(feed: dict[str, Any]) -> datetime:
    effective = feed["announcements"][0]["effective_at"].replace("Z", "+00:00")
    return datetime.fromisoformat(effective) + timedelta(days=1)


def run_axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.html) }))"
    )
    return violations


# --- in the browser -------------------------------------------------------------------------------


@browser_test
def test_the_banner_is_shown_once_dismissed_by_keyboard_and_not_shown_again(
    browser: Browser, site: str, feed: dict[str, Any]
) -> None:
    requested: list[str] = []
    page = open_page(browser, site, requested)
    entry = feed["announcements"][0]
    result = show(page)  # before the change takes effect: a banner announcing it
    assert result == {"id": entry["id"], "kind": "banner", "reconsent": []}

    banner = page.locator("aside.govern-banner")
    assert banner.get_attribute("aria-label") == "Policy update"
    status = banner.locator("[role=status]")
    assert status.locator("strong").first.text_content() == entry["title"]
    assert "Takes effect on" in (status.text_content() or "")
    assert page.locator("[role=dialog]").count() == 0

    # keyboard only: the banner comes first in the tab order, its text (which may scroll), then
    # its button
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "status"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Dismiss"
    page.keyboard.press("Enter")
    assert banner.count() == 0
    stored = page.evaluate("JSON.parse(localStorage.getItem('govern-notice:dismissed'))")
    assert stored == [entry["id"]]

    page.reload()
    assert show(page) == {"id": None, "kind": None, "reconsent": []}
    assert page.locator(".govern-notice").count() == 0
    assert third_party_requests(requested) == []


@browser_test
def test_a_new_consent_revision_opens_a_modal_and_fires_reconsent(
    browser: Browser, site: str, feed: dict[str, Any]
) -> None:
    page = open_page(browser, site)
    entry = feed["announcements"][0]
    expected = {"policy": POLICY_ID, "revision": 2, "previous": 1, "announcement": entry["id"]}
    page.focus("#start")
    result = show(page, consented=1, now=after_effect(feed))
    assert result == {"id": entry["id"], "kind": "modal", "reconsent": [expected]}

    dialog = page.locator("[role=dialog]")
    assert dialog.get_attribute("aria-modal") == "true"
    title_id = dialog.get_attribute("aria-labelledby")
    assert page.locator(f"#{title_id}").text_content() == entry["title"]
    assert page.evaluate("document.activeElement.getAttribute('role')") == "dialog"
    assert page.evaluate("document.querySelector('main').inert") is True

    # the focus stays in the dialog, both ways round
    for key in ("Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"):
        page.keyboard.press(key)
        assert page.evaluate("!!document.activeElement.closest('[role=dialog]')"), key

    # the consent manager is asked once the person has read the notice
    assert page.evaluate("window.reconsent") == []
    page.keyboard.press("Escape")
    assert dialog.count() == 0
    assert page.evaluate("window.reconsent") == [expected]
    assert page.evaluate("document.activeElement.id") == "start"  # focus given back
    assert page.evaluate("document.querySelector('main').inert") is False

    # dismissed: no modal again, but the consent manager is still asked until consent is given
    page.reload()
    again = show(page, consented=1, now=after_effect(feed))
    assert again["kind"] is None and again["reconsent"] == [expected]
    page.reload()
    assert show(page, consented=2, now=after_effect(feed))["reconsent"] == []


@browser_test
def test_no_reconsent_for_a_user_who_never_consented_or_before_the_change_applies(
    browser: Browser, site: str, feed: dict[str, Any]
) -> None:
    page = open_page(browser, site)
    assert show(page, now=after_effect(feed))["reconsent"] == []  # unknown: the CMP asks anyway
    page = open_page(browser, site)
    before = show(page, consented=1)  # published, not yet in effect
    assert before["kind"] == "banner" and before["reconsent"] == []
    # the default consent store is what recordConsent writes
    page = open_page(browser, site)
    page.evaluate(
        f"async () => (await import('/govern-notice.js')).recordConsent({json.dumps(POLICY_ID)}, 1)"
    )
    stored = page.evaluate(
        """async (nowMs) => (await (await import('/govern-notice.js')).showNotices(
            { feed: '/feed.json', now: () => nowMs })).reconsent.length""",
        int(after_effect(feed).timestamp() * 1000),
    )
    assert stored == 1


@browser_test
def test_the_sites_own_banner_and_hooks(browser: Browser, site: str, feed: dict[str, Any]) -> None:
    page = open_page(browser, site)
    result = page.evaluate(
        """async (nowMs) => {
          const { showNotices } = await import("/govern-notice.js");
          const seen = { rendered: [], hooked: [] };
          const result = await showNotices({
            feed: "/feed.json",
            now: () => nowMs,
            consentedRevision: () => 1,
            render: (announcement, controls) => {
              seen.rendered.push([announcement.id, controls.kind]);
              controls.dismiss();
              return true;
            },
            onReconsent: (detail) => seen.hooked.push(detail.revision),
          });
          const drawn = document.querySelectorAll(".govern-notice").length;
          const dismissed = JSON.parse(localStorage.getItem("govern-notice:dismissed"));
          return { kind: result.kind, seen, drawn, dismissed };
        }""",
        int(after_effect(feed).timestamp() * 1000),
    )
    entry = feed["announcements"][0]
    assert result == {
        "kind": "modal",
        "seen": {"rendered": [[entry["id"], "modal"]], "hooked": [2]},
        "drawn": 0,
        "dismissed": [entry["id"]],
    }


@browser_test
def test_a_hostile_title_is_text_and_no_script_runs(
    browser: Browser, site: str, feed: dict[str, Any]
) -> None:
    page = open_page(browser, site)
    # a positive control: in this page, an injected image's onerror does run
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.control=1\">')"
    )
    page.wait_for_function("window.control === 1")

    show(page, consented=1, now=after_effect(feed))
    page.wait_for_timeout(300)  # time for an image error to fire, were there an image
    title = page.locator("[role=dialog] h2")
    assert title.text_content() == feed["announcements"][0]["title"]
    assert '<img src=x onerror="window.pwned=1">' in (title.text_content() or "")
    assert page.locator(".govern-notice img, .govern-notice script").count() == 0
    assert page.evaluate("window.pwned") is None


@browser_test
def test_body_html_goes_through_the_allow_list(browser: Browser, site: str) -> None:
    hostile = {
        "schema": "govern.feed/1",
        "announcements": [
            {
                "id": "x1",
                "policy": "p",
                "published_at": "2026-01-01T00:00:00Z",
                "effective_at": "2099-01-01T00:00:00Z",
                "title": "T",
                "body_html": (
                    '<p onclick="window.pwned=1" style="color:red">Hello <strong>there</strong>'
                    '<img src=x onerror="window.pwned=2"></p><script>window.pwned=3</script>'
                    '<a href="javascript:window.pwned=4">js</a> <a href="https://mitpo.example/p">ok</a>'
                    '<iframe srcdoc="<script>parent.pwned=5</script>"></iframe><h1>Heading</h1>'
                    '<svg><a href="javascript:x">svg</a></svg><form><input></form>'
                ),
                "links": [
                    {"rel": "policy", "title": "The policy", "href": "https://mitpo.example/p"},
                    {"rel": "x", "title": "Bad", "href": "javascript:window.pwned=6"},
                ],
                "requires_reconsent": False,
                "consent_revision": 1,
            }
        ],
    }
    page = open_page(browser, site)
    assert show(page, feed=hostile)["kind"] == "banner"
    page.wait_for_timeout(300)
    body = page.locator(".govern-body")
    html = body.evaluate("node => node.outerHTML")
    tags = set(re.findall(r"<([a-z0-9]+)", html))
    assert tags <= {"div", "p", "strong", "a"}, html
    attributes = set(re.findall(r"\s([a-z-]+)=", html))
    assert attributes <= {"class", "href", "rel"}, html
    hrefs = body.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == [None, "https://mitpo.example/p", "https://mitpo.example/p"]
    assert "Heading" in (body.text_content() or "") and "Hello there" in html.replace(
        "<strong>", ""
    ).replace("</strong>", "")
    assert page.evaluate("window.pwned") is None


@browser_test
@needs_axe
def test_axe_finds_no_violation_in_the_banner_or_the_modal(
    browser: Browser, site: str, feed: dict[str, Any]
) -> None:
    page = open_page(browser, site)
    show(page)
    assert page.locator("aside.govern-banner [role=status] > p > strong").count() == 1
    assert run_axe(page) == []
    if SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "banner.png"))

    page = open_page(browser, site)
    show(page, consented=1, now=after_effect(feed))
    assert page.locator("[role=dialog]").count() == 1
    assert run_axe(page) == []
    if SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "modal.png"))

    # a positive control: axe does report what it should
    page = open_page(browser, site)
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in {violation["id"] for violation in run_axe(page)}


@browser_test
def test_motion_only_for_those_who_have_not_asked_for_less(browser: Browser, site: str) -> None:
    animations = {}
    for preference in ("reduce", "no-preference"):
        page = open_page(browser, site)
        page.emulate_media(reduced_motion=preference)  # type: ignore[arg-type]
        show(page)
        animations[preference] = page.locator("aside.govern-banner").evaluate(
            "node => getComputedStyle(node).animationName"
        )
    assert animations == {"reduce": "none", "no-preference": "govern-in"}


# --- the module itself ----------------------------------------------------------------------------


def test_the_client_never_parses_strings_as_html() -> None:
    lines = client_path().read_text(encoding="utf-8").splitlines()
    source = "\n".join(line for line in lines if not line.strip().startswith("//"))
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, sink
    assert "new Function" not in source and 'setAttribute("on' not in source
    assert "import " not in source.replace("import(", "")  # no dependencies


@pytest.mark.skipif(
    NODE is None or not TERSER.is_file(),
    reason=f"node and terser are needed to minify (.ci/run installs terser into {NODE_MODULES})",
)
def test_the_client_is_under_6_kb_minified() -> None:
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(TERSER), str(client_path()), "--module", "--compress", "--mangle"],
        capture_output=True,
        check=True,
    )
    assert 1000 < len(completed.stdout) < 6 * 1024, len(completed.stdout)


def test_govern_client_path_and_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def govern(*arguments: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["client", *arguments])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, out, _ = govern("--path")
    assert code == 0 and Path(out.strip()) == client_path()
    assert client_path().is_file()

    target = tmp_path / "static" / "js"
    code, _, err = govern("--copy", str(target))
    assert code == 0, err
    for name in CLIENT_FILES:
        assert (target / name).read_bytes() == (client_path().parent / name).read_bytes()

    code, _, err = govern()
    assert code == 2 and "--copy DIR" in err
    (tmp_path / "file").write_text("x")
    code, _, err = govern("--copy", str(tmp_path / "file"))
    assert code == 2 and "Traceback" not in err

    code, out, _ = govern("--help")
    assert "showNotices" in out and "govern:reconsent" in out

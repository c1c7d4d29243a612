"""``govern scan`` against the fixture shop in real headless Chromium, and from a HAR of it.

One browser scan, one HAR recording and a few CLI runs are shared by the assertions (module-scoped
fixtures), so the module takes about half a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from scan_site import (
    ADDRESSES,
    ADS_HOST,
    ELSEWHERE_HOST,
    SITE_HOST,
    VIDEO_HOST,
    VIDEO_STATS_HOST,
    Site,
    serve_site,
)
from scan_site import write_repository as write_shop

from governance.catalog import import_catalog
from governance.config import load_config
from governance.findings import Finding
from governance.scan.observations import Phase, StorageKind
from governance.scan.observe import BrowserOptions
from governance.scan.result import ScanResult
from governance.scan.scanner import ScanRequest, scan

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    import playwright  # noqa: F401

    PLAYWRIGHT = True
except ImportError:
    PLAYWRIGHT = False

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless Chromium is not installed (apt-get install -y chromium; .ci/run does it)",
    ),
    pytest.mark.skipif(
        not PLAYWRIGHT, reason="Playwright is not installed (pip install -e '.[scan]')"
    ),
]

# The Open Cookie Database format, with the Domain column the domain → company map reads.
ADS_CATALOGUE = (
    "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,"
    "Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n"
    "x1,AdsCo,Marketing,uid,px.ads.test,Ad click identifier,90 days,AdsCo Inc.,,0\n"
)
PAGES = 6


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serve_site(pages=PAGES) as served:
        yield served


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shop")
    write_shop(root)
    csv = root / "ads.csv"
    csv.write_text(ADS_CATALOGUE, encoding="utf-8")
    import_catalog(csv, root)
    return root


@pytest.fixture(scope="module")
def browser_scan(site: Site, repo: Path) -> ScanResult:
    options = BrowserOptions(accept="#accept-all", resolve=site.resolve, pages=PAGES)
    request = ScanRequest(urls=[site.url("/")], browser=options, suggest=True)
    return scan(load_config(repo), request)


@pytest.fixture(scope="module")
def har_file(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What an end-to-end test records: two pages, a click on "Accept all", one more page."""
    from playwright.sync_api import sync_playwright

    har = tmp_path_factory.mktemp("har") / "e2e.har"
    rules = ", ".join(f"MAP {host} {address}" for host, address in ADDRESSES.items())
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=[f"--host-resolver-rules={rules}"]
        )
        context = browser.new_context(record_har_path=str(har))
        page = context.new_page()
        page.goto(site.url("/"))
        page.goto(site.url("/page/1"))
        page.click("#accept-all")
        page.wait_for_load_state("networkidle")
        page.goto(site.url("/page/2"))
        context.close()
        browser.close()
    return har


@pytest.fixture(scope="module")
def har_scan(har_file: Path, repo: Path) -> ScanResult:
    request = ScanRequest(hars=[har_file], consent_cookie="cookie_consent")
    return scan(load_config(repo), request)


def by_rule(result: ScanResult) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}
    for finding in result.findings:
        found.setdefault(finding.rule, []).append(finding)
    return found


def paths(result: ScanResult, rule: str) -> set[str]:
    return {finding.path for finding in by_rule(result).get(rule, [])}


def govern(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "governance", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=os.environ.copy(),
    )


# --- the browser scan: before and after consent -------------------------------------------------


def test_it_sees_cookies_storage_and_other_sites_before_and_after_consent(
    browser_scan: ScanResult,
) -> None:
    seen = browser_scan.observations
    assert seen.consented and not seen.partial
    before = {c.name for c in seen.cookies if c.phase is Phase.before}
    after = {c.name for c in seen.cookies if c.phase is Phase.after}
    assert {"sid", "csrftoken", "ab_test", "_ga"} <= before
    assert not before & {"cookie_consent", "_hjSessionUser_123", "_hjSession_123", "uid"}
    assert {"cookie_consent", "_hjSessionUser_123", "_hjSession_123", "uid"} <= after
    cookies = {(c.name, c.phase): c for c in seen.cookies}
    assert cookies[("sid", Phase.before)].set_by == "header"
    assert cookies[("sid", Phase.before)].duration_days == 0
    assert cookies[("_ga", Phase.before)].set_by == "script"
    assert cookies[("csrftoken", Phase.before)].first_party
    uid = cookies[("uid", Phase.after)]
    assert not uid.first_party and uid.domain == ADS_HOST and uid.set_by == "header"
    storage = {(s.kind, s.key) for s in seen.storage}
    assert (StorageKind.local_storage, "theme") in storage
    assert (StorageKind.session_storage, "cart_draft") in storage
    hosts = {(r.host, r.phase) for r in seen.requests}
    assert ("tags.hotjar.test", Phase.after) in hosts and (ADS_HOST, Phase.after) in hosts
    # before consent only the video player, whose iframe pings its statistics host
    assert {host for host, phase in hosts if phase is Phase.before} == {
        VIDEO_HOST,
        VIDEO_STATS_HOST,
    }
    pixel = next(r for r in seen.requests if r.host == ADS_HOST)
    assert pixel.resource_type == "image" and pixel.initiator
    ping = next(r for r in seen.requests if r.host == VIDEO_STATS_HOST)
    assert ping.initiator is not None and VIDEO_HOST in ping.initiator


def test_it_follows_same_site_links_only(browser_scan: ScanResult, site: Site) -> None:
    pages = {page.url for page in browser_scan.observations.pages if page.phase is Phase.before}
    assert pages == {site.url("/")} | {site.url(f"/page/{n}") for n in range(1, PAGES)}
    assert browser_scan.pages(Phase.after) == PAGES
    # the partner link, the mailto: link and the PDF were never requested
    assert site.hits.get(ELSEWHERE_HOST, 0) == 0
    assert set(site.hits) <= {SITE_HOST, "tags.hotjar.test", ADS_HOST, VIDEO_HOST, VIDEO_STATS_HOST}


def test_every_finding_kind_from_the_browser(browser_scan: ScanResult) -> None:
    assert paths(browser_scan, "undeclared-cookie") == {"items/ab_test", "items/uid"}
    assert paths(browser_scan, "undeclared-storage") == {"items/cart_draft"}
    assert paths(browser_scan, "undeclared-third-party") == {
        "recipients/adsco",
        "recipients/video-test",
        "recipients/videostats-test",
    }
    assert paths(browser_scan, "set-before-consent") == {"items/google-analytics/consent"}
    assert paths(browser_scan, "duration-exceeds-declared") == {"items/csrf/retention"}
    assert paths(browser_scan, "declared-not-observed") == {
        "items/language",
        "items/newsletter-popup",
    }
    # declared and behaving: no finding
    everything = " ".join(f.path for f in browser_scan.findings)
    for quiet in ("items/session", "items/consent", "items/theme", "items/hotjar"):
        assert quiet not in everything
    assert browser_scan.verdict == "fail" and browser_scan.exit_code == 1


def test_findings_say_what_where_and_who(browser_scan: ScanResult) -> None:
    found = {f.path: f for f in browser_scan.findings}
    third = found["recipients/adsco"]
    assert third.level.value == "material"
    assert "AdsCo (controller AdsCo Inc.)" in third.message and ADS_HOST in third.message
    assert "after consent" in third.message
    assert third.after == {"company": "AdsCo", "controller": "AdsCo Inc."}
    duration = found["items/csrf/retention"]
    assert (duration.before, duration.after) == ("1 day", "365 days")
    early = found["items/google-analytics/consent"]
    assert '"_ga"' in early.message and "opt-in" in early.message
    assert early.line is not None  # the declared item's line, for annotations
    uid = found["items/uid"]
    assert "third-party" in uid.message and "AdsCo" in uid.message
    assert found["items/language"].level.value == "minor"


def test_the_suggestion_declares_what_is_missing(browser_scan: ScanResult) -> None:
    import yaml

    from governance.model import Item, Recipient

    text = browser_scan.suggestion or ""
    data = yaml.safe_load(text)
    items = {item["id"]: Item.model_validate(item) for item in data["items"]}
    recipients = {r["id"]: Recipient.model_validate(r) for r in data["recipients"]}
    assert set(items) == {"ab_test", "uid", "cart_draft"}
    assert {r.name for r in recipients.values()} == {"AdsCo Inc.", "video.test", "videostats.test"}
    uid = items["uid"]
    assert uid.category.value == "marketing" and uid.consent.value == "opt-in"
    assert uid.party.value == "third" and uid.retention == "90 days"
    assert uid.provider in recipients and recipients[uid.provider].name == "AdsCo Inc."
    assert items["cart_draft"].storage.value == "sessionStorage"
    assert "items/csrf is kept 365 days" in text
    assert "items/google-analytics is set before consent" in text


# --- the same site from a HAR recorded by an end-to-end test ------------------------------------


def test_a_har_of_the_same_site_gives_the_same_findings(
    browser_scan: ScanResult, har_scan: ScanResult
) -> None:
    from_browser = {
        (f.rule, f.path, f.fingerprint)
        for f in browser_scan.findings
        # web storage is not in a HAR, and the recording visited three pages, not all six
        if f.rule not in {"undeclared-storage", "declared-not-observed"}
    }
    from_har = {
        (f.rule, f.path, f.fingerprint)
        for f in har_scan.findings
        if f.rule != "declared-not-observed"
    }
    assert from_har == from_browser
    assert paths(har_scan, "declared-not-observed") == {"items/language"}
    assert har_scan.observations.consented
    assert any("web storage is not recorded" in note for note in har_scan.observations.notes)


def test_without_a_consent_marker_a_har_does_not_judge_consent(har_file: Path, repo: Path) -> None:
    result = scan(load_config(repo), ScanRequest(hars=[har_file]))
    assert not paths(result, "set-before-consent")
    assert paths(result, "undeclared-cookie") == {"items/ab_test", "items/uid"}
    assert any("--consent-cookie" in note for note in result.observations.notes)


# --- the command line ---------------------------------------------------------------------------


def test_the_cli_writes_sarif_that_fails_on_undeclared_tracking(
    site: Site, repo: Path, tmp_path: Path
) -> None:
    from sarif import loader

    output = tmp_path / "scan.sarif"
    done = govern(
        "scan",
        site.url("/"),
        *site.resolve_options,
        "--accept",
        "#accept-all",
        "--pages",
        "2",
        "--format",
        "sarif",
        "-o",
        str(output),
        cwd=repo,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "sarif report written" in done.stderr
    document = json.loads(output.read_text(encoding="utf-8"))
    [run] = document["runs"]
    rules = {result["ruleId"] for result in run["results"]}
    assert {"undeclared-cookie", "undeclared-third-party", "set-before-consent"} <= rules
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} >= rules
    first = run["results"][0]
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "policies/shop/cookies.yaml"
    assert len(first["partialFingerprints"]["govern/v1"]) == 12
    assert run["properties"]["scan"]["pages"]
    sarif_file = loader.load_sarif_file(str(output))
    assert sarif_file.get_records()
    check = [sys.executable, "-m", "sarif", "--check", "error", "summary", str(output)]
    assert subprocess.run(check, capture_output=True, check=False).returncode != 0


def test_bad_urls_are_named_and_the_result_is_partial_never_a_pass(site: Site, repo: Path) -> None:
    port = site.ports[SITE_HOST]
    closed = _closed_port()
    bad = {
        f"http://{SITE_HOST}:{closed}/": "connection refused",
        site.url("/loop"): "too many redirects",
        site.url("/hang"): "did not finish loading within 2 s",
        f"https://{SITE_HOST}:{port}/": "TLS error",
        site.url("/boom"): "HTTP 500",
    }
    done = govern(
        "scan",
        site.url("/"),
        *bad,
        *site.resolve_options,
        "--pages",
        "1",  # the start URLs only
        "--timeout",
        "2",
        "--format",
        "json",
        cwd=repo,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    for url, words in bad.items():
        assert f"{url}: " in done.stderr and words in done.stderr, (url, done.stderr)
    report = json.loads(done.stdout)
    assert report["verdict"] == "incomplete" and report["scan"]["partial"] is True
    assert {problem["where"] for problem in report["scan"]["problems"]} == set(bad)
    assert report["policies"][0]["findings"]  # what was scanned is still reported
    sid = next(c for c in report["scan"]["cookies"] if c["name"] == "sid")
    assert sid["set_by"] == "header" and sid["duration"] == "session" and sid["party"] == "first"


def test_an_unreachable_site_alone_is_bad_input(site: Site, repo: Path) -> None:
    url = f"http://{SITE_HOST}:{_closed_port()}/"
    done = govern("scan", url, *site.resolve_options, cwd=repo)
    assert done.returncode == 2
    assert done.stderr.startswith(f"govern: error: {url}: connection refused")
    assert "Traceback" not in done.stderr and not done.stdout


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

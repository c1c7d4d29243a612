"""``govern scan`` without a browser: Set-Cookie lines, HAR files, matching, levels, settings, the
command line's bad input, and technical names in the policy (rendered and classified)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from diff_helpers import entry, findings_of, only
from scan_site import write_repository

from governance.catalog import Catalog
from governance.config import Config
from governance.main import main
from governance.model import Policy
from governance.render import render_html, render_markdown
from governance.rules.registry import load_rules
from governance.scan.match import Matcher, candidate_names, duration_words, name_pattern
from governance.scan.observations import (
    CookieSeen,
    Observations,
    PageSeen,
    Phase,
    RequestSeen,
    StorageKind,
    StorageSeen,
)
from governance.scan.scanner import match
from governance.scan.settings import load_scan_config
from governance.scan.sites import crawlable, parse_set_cookie, site_of

NOW = 1_800_000_000.0
SCAN_RULES = {
    "undeclared-cookie": "material",
    "undeclared-storage": "material",
    "undeclared-third-party": "material",
    "set-before-consent": "material",
    "duration-exceeds-declared": "material",
    "declared-not-observed": "minor",
}


def cookie(
    name: str,
    *,
    days: float | None = 30,
    phase: Phase = Phase.before,
    domain: str = "www.shop.example",
    first_party: bool = True,
    set_by: str = "header",
) -> CookieSeen:
    return CookieSeen(
        name=name,
        domain=domain,
        path="/",
        expires=None if days is None else NOW + days * 86400,
        seen_at=NOW,
        first_party=first_party,
        set_by=set_by,
        page="https://www.shop.example/",
        phase=phase,
    )


def observed(**kinds: Any) -> Observations:
    seen = Observations(site="shop.example", sources=["https://www.shop.example/"])
    seen.pages = [PageSeen("https://www.shop.example/", Phase.before, 200)]
    seen.consented = kinds.pop("consented", True)
    for key, values in kinds.items():
        setattr(seen, key, list(values))
    return seen


POLICY = {
    "title": "Shop",
    "items": [
        {"id": "session", "name": "Session cookie", "names": ["sid"], "retention": "session"},
        {
            "id": "hotjar",
            "name": "Hotjar",
            "names": ["_hjSessionUser_*", "_hjSession_<site-id>"],
            "provider": "hotjar",
            "category": "analytics",
            "consent": "opt-in",
            "retention": "1 year",
        },
        {"id": "legacy", "name": "_legacy_id, _old_id", "category": "functional"},
        {"id": "cart", "name": "Cart", "names": ["cart"], "storage": "localStorage"},
    ],
    "recipients": [{"id": "hotjar", "name": "Hotjar Ltd"}],
}


def run_match(seen: Observations, overrides: dict[str, str] | None = None) -> dict[str, Any]:
    from governance.model import PolicyDocument

    document = PolicyDocument(
        policy_id="shop/cookies",
        source="policies/shop/cookies.yaml",
        format="yaml",
        policy=Policy.model_validate(POLICY),
    )
    config = Config(rules=overrides or {})
    result = match(config, document, seen, suggest=True)
    return {f.path: f for f in result.findings} | {"_result": result}


# --- the rules ----------------------------------------------------------------------------------


def test_the_scan_rules_exist_with_their_levels_in_area_scan() -> None:
    registry = load_rules()
    for rule_id, level in SCAN_RULES.items():
        rule = registry.rules[rule_id]
        assert rule.level.value == level and rule.area == "scan", rule_id


def test_govern_rules_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    listed = {rule["id"]: rule for rule in json.loads(capsys.readouterr().out)["rules"]}
    assert set(SCAN_RULES) <= set(listed)
    assert listed["declared-not-observed"]["area"] == "scan"


# --- web facts ----------------------------------------------------------------------------------


def test_set_cookie_lines() -> None:
    line = (
        "id=1; Max-Age=3600; Domain=.Shop.example; Path=/app; Expires=Wed, 21-Oct-2099 07:28:00 GMT"
    )
    parsed = parse_set_cookie(line, "https://www.shop.example/x", NOW)
    assert parsed is not None
    assert (parsed.name, parsed.domain, parsed.path) == ("id", ".shop.example", "/app")
    assert parsed.expires == NOW + 3600  # Max-Age wins
    session = parse_set_cookie("sid=abc; HttpOnly", "https://www.shop.example/", NOW)
    assert session is not None and session.expires is None and session.domain == "www.shop.example"
    dated = parse_set_cookie("d=1; expires=Thu, 01 Jan 2037 00:00:00 GMT", "http://a.example/", NOW)
    assert dated is not None and dated.expires == 2114380800.0
    assert parse_set_cookie("no-equals-sign", "http://a.example/", NOW) is None


def test_sites_and_links() -> None:
    assert site_of("https://www.shop.example/a") == "shop.example"
    assert site_of("http://127.0.0.1:8000/") == "127.0.0.1"
    assert site_of("http://localhost:3000/") == "localhost"
    assert crawlable("https://shop.example/p#top", "shop.example", "https") == (
        "https://shop.example/p"
    )
    assert crawlable("https://other.example/", "shop.example", "https") is None
    assert crawlable("http://shop.example/", "shop.example", "https") is None
    assert crawlable("https://shop.example/terms.pdf", "shop.example", "https") is None
    assert crawlable("mailto:hi@shop.example", "shop.example", "https") is None


def test_names_and_patterns() -> None:
    item = Policy.model_validate(POLICY).items
    assert candidate_names(item[0]) == ["sid"]
    assert candidate_names(item[2]) == ["_legacy_id", "_old_id"]  # a technical-looking name
    assert name_pattern("_hjSession_<site-id>").fullmatch("_hjSession_123")
    assert name_pattern("_ga_*").fullmatch("_ga_ABC123")
    assert not name_pattern("_ga_*").fullmatch("_gat")
    assert duration_words(0) == "session"
    assert duration_words(1800 / 86400) == "30 minutes"
    assert duration_words(365.0) == "365 days"


# --- matching -----------------------------------------------------------------------------------


def test_declared_names_patterns_and_storage_kinds() -> None:
    policy = Policy.model_validate(POLICY)
    matcher = Matcher(policy, Catalog(), observed())
    assert matcher.item_for("sid", StorageKind.cookie) is policy.items[0]
    assert matcher.item_for("_hjSession_42", StorageKind.cookie) is policy.items[1]
    assert matcher.item_for("_old_id", StorageKind.cookie) is policy.items[2]
    assert matcher.item_for("cart", StorageKind.local_storage) is policy.items[3]
    assert matcher.item_for("cart", StorageKind.cookie) is None  # declared as localStorage
    assert matcher.item_for("sid", StorageKind.session_storage) is None


def test_each_finding_from_observations() -> None:
    seen = observed(
        cookies=[
            cookie("sid", days=None),
            cookie("_hjSessionUser_1", days=400, phase=Phase.before, set_by="script"),
            cookie("_hjSessionUser_1", days=400, phase=Phase.after, set_by="script"),
            cookie("promo", days=10),
            cookie("IDE", days=390, domain=".doubleclick.net", first_party=False),
        ],
        storage=[
            StorageSeen(
                StorageKind.session_storage,
                "https://www.shop.example",
                "draft",
                True,
                "https://www.shop.example/",
                Phase.before,
            )
        ],
        requests=[
            RequestSeen(
                "https://stats.g.doubleclick.net/x",
                "stats.g.doubleclick.net",
                "image",
                "https://www.shop.example/app.js",
                "https://www.shop.example/",
                Phase.after,
            ),
            RequestSeen(
                "https://script.hotjar.com/h.js",
                "script.hotjar.com",
                "script",
                None,
                "https://www.shop.example/",
                Phase.after,
            ),
        ],
    )
    found = run_match(seen)
    rules = {path: f.rule for path, f in found.items() if path != "_result"}
    assert rules == {
        "items/promo": "undeclared-cookie",
        "items/IDE": "undeclared-cookie",
        "items/draft": "undeclared-storage",
        "recipients/google-ads-doubleclick": "undeclared-third-party",
        "items/hotjar/consent": "set-before-consent",
        "items/IDE/consent": "set-before-consent",  # the catalogue: marketing
        "items/hotjar/retention": "duration-exceeds-declared",
        "items/legacy": "declared-not-observed",
        "items/cart": "declared-not-observed",
    }
    google = found["recipients/google-ads-doubleclick"]
    assert "Google LLC" in google.message and "stats.g.doubleclick.net" in google.message
    assert (found["items/hotjar/retention"].before, found["items/hotjar/retention"].after) == (
        "1 year",
        "400 days",
    )
    assert found["items/legacy"].level.value == "minor"
    result = found["_result"]
    assert result.verdict == "fail" and result.exit_code == 1


def test_fingerprints_do_not_depend_on_pages_hosts_or_timing() -> None:
    one = run_match(observed(cookies=[cookie("promo", days=10)]))["items/promo"]
    later = CookieSeen(
        name="promo",
        domain="staging.shop.example",
        path="/x",
        expires=NOW + 500 + 10 * 86400,
        seen_at=NOW + 500,
        first_party=True,
        set_by="script",
        page="https://staging.shop.example/other",
        phase=Phase.after,
    )
    two = run_match(observed(cookies=[later]))["items/promo"]
    assert one.fingerprint == two.fingerprint and one.message != two.message


def test_level_overrides_and_off() -> None:
    seen = observed(cookies=[cookie("promo", days=10)])
    found = run_match(seen, {"undeclared-cookie": "minor", "declared-not-observed": "off"})
    assert found["items/promo"].level.value == "minor"
    assert not any(f.rule == "declared-not-observed" for f in found["_result"].findings)
    assert found["_result"].exit_code == 0 and found["_result"].verdict == "pass"


def test_no_consent_given_leaves_opt_in_items_unjudged() -> None:
    found = run_match(observed(cookies=[cookie("sid", days=None)], consented=False))
    assert "items/hotjar" not in found  # only set after consent, which was not given
    assert "items/legacy" in found


def test_a_partial_scan_is_never_a_pass() -> None:
    from governance.scan.observations import Problem

    seen = observed(cookies=[cookie("sid", days=None)])
    seen.problems = [Problem("https://www.shop.example/x", "connection refused")]
    result = run_match(seen, {"declared-not-observed": "off"})["_result"]
    assert not result.report.material
    assert result.verdict == "incomplete" and result.exit_code == 2


def test_every_format_renders(tmp_path: Path) -> None:
    from governance.scan.formats import FORMATS, format_result

    seen = observed(cookies=[cookie("promo", days=10)])
    result = run_match(seen)["_result"]
    for fmt in FORMATS:
        text = format_result(result, fmt)
        assert "promo" in text, fmt
    data = json.loads(format_result(result, "json"))
    assert data["schema"] == "govern.report/1" and data["verdict"] == "fail"
    assert data["scan"]["site"] == "shop.example" and data["suggestion"].startswith("# govern")
    assert format_result(result, "github").startswith("::error file=policies/shop/cookies.yaml")
    import junitparser

    path = tmp_path / "scan.xml"
    path.write_text(format_result(result, "junit"), encoding="utf-8")
    suite = next(iter(junitparser.JUnitXml.fromfile(str(path))))
    assert suite.failures >= 1


# --- HAR files ----------------------------------------------------------------------------------


def har(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"log": {"version": "1.2", "creator": {"name": "test"}, "entries": entries}}


def har_entry(
    url: str,
    *,
    at: float = 0,
    kind: str = "document",
    set_cookies: list[str] = (),  # type: ignore[assignment]
    sent: str = "",
) -> dict[str, Any]:
    started = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(NOW + at)) + ".000Z"
    return {
        "startedDateTime": started,
        "_resourceType": kind,
        "request": {
            "method": "GET",
            "url": url,
            "headers": [{"name": "Cookie", "value": sent}] if sent else [],
            "cookies": [],
        },
        "response": {
            "status": 200,
            "headers": [{"name": "Set-Cookie", "value": line} for line in set_cookies],
            "content": {"mimeType": "text/html"},
        },
    }


def test_a_har_gives_cookies_requests_and_phases(tmp_path: Path) -> None:
    from governance.scan.har import observe_har

    path = tmp_path / "site.har"
    entries = [
        har_entry("https://www.shop.example/", set_cookies=["sid=1", "promo=1; Max-Age=864000"]),
        har_entry("https://www.shop.example/2", at=1, sent="sid=1; _ga=x"),
        har_entry("https://px.ads.example/p.gif", at=2, kind="image"),
        har_entry("https://www.shop.example/3", at=3, sent="sid=1; consent=yes"),
        har_entry("https://px.ads.example/q.gif", at=4, kind="image"),
    ]
    path.write_text(json.dumps(har(entries)), encoding="utf-8")
    seen = observe_har([path], consent_cookie="consent")
    assert seen.site == "shop.example" and seen.consented and not seen.storage_observed
    phases = {(c.name, c.phase) for c in seen.cookies}
    assert {("sid", Phase.before), ("promo", Phase.before), ("_ga", Phase.before)} <= phases
    ga = next(c for c in seen.cookies if c.name == "_ga")
    assert ga.set_by == "script" and ga.duration_days is None
    promo = next(c for c in seen.cookies if c.name == "promo")
    assert promo.duration_days == pytest.approx(10)
    requests = [(r.host, r.phase) for r in seen.requests]
    # between the last page without the marker and the first with it: could be either
    assert requests == [("px.ads.example", Phase.unknown), ("px.ads.example", Phase.after)]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"not json at all", "not a HAR file: not JSON"),
        (b'{"log": {"pages": []}}', "without a log.entries list"),
        (b"[1, 2]", "without a log.entries list"),
        (b'{"log": {"entries": [{"request": {}}]}}', "an entry without request.url"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_a_file_that_is_not_a_har_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, words: str
) -> None:
    write_repository(tmp_path)
    path = tmp_path / "broken.har"
    path.write_bytes(content)
    assert main(["scan", "--har", str(path), "--repo", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and words in err and "Traceback" not in err


def test_a_missing_har_and_no_input_are_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_repository(tmp_path)
    missing = tmp_path / "nope.har"
    assert main(["scan", "--har", str(missing), "--repo", str(tmp_path)]) == 2
    assert f"{missing}: no such file" in capsys.readouterr().err
    assert main(["scan", "--repo", str(tmp_path)]) == 2
    assert "nothing to scan" in capsys.readouterr().err
    assert main(["scan", "ftp://shop.example/", "--repo", str(tmp_path)]) == 2
    assert "not an http(s) URL: ftp://shop.example/" in capsys.readouterr().err


def test_without_playwright_the_one_install_command_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_repository(tmp_path)
    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    monkeypatch.setenv("GOVERN_CHROMIUM", sys.executable)  # any file: not started
    assert main(["scan", "http://localhost:9/", "--repo", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "pip install 'govern[scan]'" in err and "Traceback" not in err


def test_check_diff_and_validate_do_not_import_playwright(tmp_path: Path) -> None:
    import subprocess

    code = (
        "import sys; from governance.main import main; "
        "main(['validate', '--repo', sys.argv[1]]); "
        "assert not [m for m in sys.modules if m.startswith(('playwright', 'governance.scan'))]"
    )
    write_repository(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_several_policies_need_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_repository(tmp_path)
    (tmp_path / "policies" / "other.yaml").write_text("title: Other\n", encoding="utf-8")
    path = tmp_path / "e.har"
    path.write_text(json.dumps(har([har_entry("https://www.shop.example/")])), encoding="utf-8")
    assert main(["scan", "--har", str(path), "--repo", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--policy" in err and "shop/cookies" in err and "other" in err
    code = main(["scan", "--har", str(path), "--repo", str(tmp_path), "--policy", "shop/cookies"])
    assert code == 0  # the HAR shows none of the declared cookies: minor findings only
    assert "declared-not-observed" in capsys.readouterr().out


# --- settings -----------------------------------------------------------------------------------


def test_scan_settings_are_read_and_leave_the_others_valid(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.govern]\npolicies = "pol"\n[tool.govern.rules]\n"undeclared-cookie" = "minor"\n'
        '[tool.govern.scan]\naccept = "#ok"\npages = 5\nresolve = {"a.test" = "127.0.0.1"}\n',
        encoding="utf-8",
    )
    config, settings = load_scan_config(tmp_path)
    assert config.policies == "pol" and config.rules == {"undeclared-cookie": "minor"}
    assert settings.accept == "#ok" and settings.pages == 5
    assert settings.resolve == {"a.test": "127.0.0.1"}


def test_a_bad_scan_setting_names_its_field(tmp_path: Path) -> None:
    from governance.errors import ConfigError

    (tmp_path / "govern.toml").write_text("[scan]\npages = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_scan_config(tmp_path)
    assert "scan.pages" in str(error.value)


# --- technical names in the policy --------------------------------------------------------------


def with_names(data: dict[str, Any], names: list[str]) -> None:
    entry(data, "items", "session")["names"] = names


def test_adding_a_technical_name_is_minor() -> None:
    findings = findings_of(lambda data: with_names(data, ["sid"]))
    [finding] = only(findings, "technical-names-changed")
    assert finding.level.value == "minor" and finding.path == "items/session/names"
    assert "`sid`" in finding.message
    assert all(f.level.value != "material" for f in findings)


def test_a_catalogued_third_party_name_on_a_first_party_item_is_material() -> None:
    findings = findings_of(lambda data: with_names(data, ["sid", "_ga"]))
    assert only(findings, "technical-names-changed")
    [third] = only(findings, "third-party-added")
    assert third.level.value == "material" and "Google" in third.message


def test_moving_a_cookie_to_another_companys_host_is_material() -> None:
    def move(data: dict[str, Any]) -> None:
        entry(data, "items", "session")["domain"] = ".doubleclick.net"

    [finding] = only(findings_of(move), "item-domain-changed")
    assert finding.level.value == "material" and "Google" in finding.message

    def same_site(data: dict[str, Any]) -> None:
        entry(data, "items", "session")["domain"] = "app.mitpo.example"

    [finding] = only(findings_of(same_site), "item-domain-changed")
    assert finding.level.value == "minor"


def test_technical_names_are_rendered_as_code_or_hidden() -> None:
    data = {
        "title": "Shop",
        "sections": [{"id": "s", "title": "Cookies"}],
        "items": [{"id": "session", "name": "Session cookie", "names": ["sid", "sid_*"],
                   "section": "s", "purpose": "Keeps you signed in"}],
    }  # fmt: skip
    policy = Policy.model_validate(data)
    markdown = render_markdown(policy, front_matter=False)
    assert "- **Session cookie** (`sid`, `sid_*`) — Keeps you signed in" in markdown
    assert "(<code>sid</code>, <code>sid_*</code>)" in render_html(policy)
    hidden = Policy.model_validate({**data, "show_technical_names": False})
    assert "`sid`" not in render_markdown(hidden, front_matter=False)
    assert "<code>" not in render_html(hidden)
    # the structured front matter keeps them, for the scanner
    assert "names:" in render_markdown(hidden)


def test_the_ci_example_in_the_docs_is_a_valid_scan_command(tmp_path: Path) -> None:
    import re
    import shlex

    import yaml

    from governance.main import cli

    text = (Path(__file__).resolve().parent.parent / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    [workflow] = [b for b in blocks if isinstance(b, dict) and "govern scan" in str(b)]
    [job] = workflow["jobs"].values()
    [run] = [step["run"] for step in job["steps"] if "govern scan" in step.get("run", "")]
    arguments = shlex.split(run)
    assert arguments[:2] == ["govern", "scan"] and "sarif" in arguments
    context = cli.commands["scan"].make_context("scan", arguments[2:])
    assert context.params["fmt"] == "sarif" and context.params["urls"]

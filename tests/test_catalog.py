"""The known-cookie catalogue: lookups, imports in the Open Cookie Database format, the CLI and
the detector that questions a first-party declaration of a vendor's cookie."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from governance.catalog import (
    Catalog,
    CatalogEntry,
    bundled_entries,
    hosts_in,
    parse_open_cookie_database,
    registrable_domain,
)
from governance.compare import classify
from governance.config import Config, load_config
from governance.errors import InputError
from governance.findings import Level
from governance.formats import parse_policy
from governance.main import main

HEADER = (
    "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,"
    "Data Controller,User Privacy & GDPR Rights Portals,Wildcard match"
)
ROWS = [
    "1,Zylo Insights,Analytics,_zy_id,zylo.example,Visitor id,1 year,Zylo Insights Ltd,"
    "https://zylo.example/privacy,0",
    "2,Zylo Insights,Marketing,_zy_ses_,zylo.example,Session of a visit,30 minutes,"
    "Zylo Insights Ltd,,1",
    '3,Quillbase,Functional,qb_pref,,"Remembers the editor layout, per site",Session,'
    "Quillbase Inc,,0",
    "4,Laravel,Security,XSRF-TOKEN,,CSRF protection,2 hours,Laravel,,0",
    "5,Google Analytics,Analytics,_ga,,Override attempt,5 years,Someone Else,,0",
]


def write_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def govern(*args: str) -> int:
    return main(list(args))


# --- the bundled catalogue ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "platform", "category"),
    [
        ("_ga", "Google Analytics", "analytics"),
        ("_ga_5XQ2ZR1ABC", "Google Analytics", "analytics"),
        ("_gat_UA-12345-1", "Google Analytics", "analytics"),
        ("_gcl_au", "Google Ads", "marketing"),
        ("_fbp", "Meta Pixel", "marketing"),
        ("_hjSessionUser_3028375", "Hotjar", "analytics"),
        ("ajs_anonymous_id", "Segment", "analytics"),
        ("mp_0123abcd_mixpanel", "Mixpanel", "analytics"),
        ("AMP_4a1b2c3d4e", "Amplitude", "analytics"),
        ("AMP_MKTG_4a1b2c3d4e", "Amplitude", "marketing"),
        ("AMP_TOKEN", "Google Analytics", "analytics"),
        ("__hstc", "HubSpot", "analytics"),
        ("intercom-session-abc123", "Intercom", "functional"),
        ("__stripe_mid", "Stripe", "strictly_necessary"),
        ("li_fat_id", "LinkedIn Insight Tag", "marketing"),
        ("_ttp", "TikTok Pixel", "marketing"),
        ("_clck", "Microsoft Clarity", "analytics"),
        ("__cf_bm", "Cloudflare Bot Management", "strictly_necessary"),
    ],
)
def test_bundled_lookup(name: str, platform: str, category: str) -> None:
    entry = Catalog.load().lookup(name)
    assert entry is not None
    assert (entry.platform, entry.category) == (platform, category)
    assert entry.source == "the govern catalogue"


def test_exact_names_win_over_patterns_and_unknown_names_miss() -> None:
    catalog = Catalog.of(
        [
            CatalogEntry("AMP_*", "Amplitude", "Amplitude Inc.", "analytics"),
            CatalogEntry("AMP_TOKEN", "Google Analytics", "Google LLC", "analytics"),
            CatalogEntry("mp_*_mixpanel", "Mixpanel", "Mixpanel Inc.", "analytics"),
        ]
    )
    assert catalog.lookup("AMP_TOKEN").platform == "Google Analytics"  # type: ignore[union-attr]
    assert catalog.lookup("AMP_x").platform == "Amplitude"  # type: ignore[union-attr]
    assert catalog.lookup("mp_abc_mixpanel").platform == "Mixpanel"  # type: ignore[union-attr]
    assert catalog.lookup("mp_abc_other") is None
    assert catalog.lookup("") is None


def test_every_bundled_entry_is_complete() -> None:
    entries = bundled_entries()
    assert len(entries) >= 100
    for entry in entries:
        assert entry.controller and entry.platform, entry
        assert entry.category in {"strictly_necessary", "functional", "analytics", "marketing"}
        assert entry.retention, entry


def test_describe_names_pattern_and_controller() -> None:
    entry = Catalog.load().lookup("_ga_ABC")
    assert entry is not None
    assert entry.describe("_ga_ABC") == (
        "_ga_ABC (matching _ga_*) is set by Google Analytics (controller Google LLC)"
    )


# --- importing the Open Cookie Database format ---------------------------------------------------


def test_parse_rows_patterns_categories_and_self_hosted_software() -> None:
    result = parse_open_cookie_database("\n".join([HEADER, *ROWS]), "fixture.csv")
    assert result.problems == []
    by_name = {entry.name: entry for entry in result.entries}
    assert by_name["_zy_ses_*"].category == "marketing"  # wildcard 1 = a prefix
    assert by_name["qb_pref"].description == "Remembers the editor layout, per site"
    assert by_name["XSRF-TOKEN"].category == "strictly_necessary"  # Security
    assert by_name["XSRF-TOKEN"].first_party  # a framework the site runs itself
    assert not by_name["_zy_id"].first_party


def test_import_through_the_cli(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = write_csv(tmp_path / "cookies.csv", ROWS)
    assert govern("catalog", "import", str(csv_file), "--repo", str(repo)) == 0
    out = capsys.readouterr().out
    assert "imported 5 of 5 rows" in out
    stored = repo / ".git" / "govern" / "catalog" / "cookies.json"
    assert json.loads(stored.read_text())["schema"] == "govern.catalog/1"

    assert govern("catalog", "lookup", "_zy_ses_1234", "--repo", str(repo)) == 0
    out = capsys.readouterr().out
    assert (
        "_zy_ses_1234 (matching _zy_ses_*) is set by Zylo Insights (controller Zylo Insights Ltd)"
        in out
    )
    assert "source: the Open Cookie Database (cookies.csv)" in out

    # the curated catalogue keeps its word over an import on the same name
    assert govern("catalog", "lookup", "_ga", "--repo", str(repo), "--format", "json") == 0
    match = json.loads(capsys.readouterr().out)["match"]
    assert (match["controller"], match["source"]) == ("Google LLC", "the govern catalogue")


def test_lookup_of_an_unknown_name(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert govern("catalog", "lookup", "no_such_cookie", "--repo", str(repo)) == 0
    assert "not in the catalogue" in capsys.readouterr().out


def test_bad_rows_are_skipped_with_their_line_numbers(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ROWS[0],
        "6,Acme,Weird,acme_id,,x,1 year,Acme,,0",  # line 3: unknown category
        "7,Acme,Analytics,,,x,1 year,Acme,,0",  # line 4: no name
        "8,Acme,Analytics,acme_short",  # line 5: too few columns
        "9,Acme,Analytics,acme_wild,,x,1 year,Acme,,maybe",  # line 6: bad wildcard flag
    ]
    csv_file = write_csv(tmp_path / "mixed.csv", rows)
    assert govern("catalog", "import", str(csv_file), "--repo", str(repo)) == 0
    captured = capsys.readouterr()
    assert "imported 1 of 5 rows" in captured.out
    for line in (3, 4, 5, 6):
        assert f"mixed.csv:{line}: skipped" in captured.err


def test_nothing_usable_exits_2_naming_the_row(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = write_csv(tmp_path / "bad.csv", ["1,Acme,Weird,acme_id,,x,1 year,Acme,,0"])
    assert govern("catalog", "import", str(csv_file), "--repo", str(repo)) == 2
    err = capsys.readouterr().err
    assert "bad.csv:2:" in err and "unknown category 'Weird'" in err
    assert "Traceback" not in err
    assert not (repo / ".git" / "govern" / "catalog" / "bad.json").exists()


def test_wrong_header_and_unreadable_files_exit_2(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = write_csv(tmp_path / "wrong.csv", ["1,2"], header="a,b")
    assert govern("catalog", "import", str(wrong), "--repo", str(repo)) == 2
    assert "wrong.csv:1: missing columns" in capsys.readouterr().err
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\n1,Caf\xe9,Analytics,x,,d,1 year,Caf\xe9,,0\n").encode("latin-1"))
    assert govern("catalog", "import", str(latin), "--repo", str(repo)) == 2
    assert "not valid UTF-8" in capsys.readouterr().err
    assert govern("catalog", "import", str(tmp_path / "missing.csv"), "--repo", str(repo)) == 2
    assert "no such file" in capsys.readouterr().err


def test_configured_catalogue_overrides_and_a_missing_one_is_a_config_error(
    repo: Path, tmp_path: Path
) -> None:
    write_csv(repo / "ours.csv", ["1,Our CDN,Security,_ga,,Ours,1 day,Our CDN Ltd,,0"])
    (repo / "govern.toml").write_text('catalog = "ours.csv"\n')
    entry = Catalog.load(load_config(repo)).lookup("_ga")
    assert entry is not None and entry.controller == "Our CDN Ltd"
    (repo / "govern.toml").write_text('catalog = "gone.csv"\n')
    with pytest.raises(InputError, match="does not exist"):
        Catalog.load(load_config(repo))


# --- the catalogue detector ----------------------------------------------------------------------

GA_ITEM = """
  - id: ga
    name: _ga
    section: analytics
    storage: cookie
    party: first
    category: analytics
    data_uses: [analytics.reporting]
    purpose: distinguishes visitors.
    retention: 2 years
    consent: opt-in
"""


def _with_item(policy_text: str, item: str) -> str:
    return policy_text.replace("\nrecipients:\n", item + "\nrecipients:\n", 1)


def _classify(old_text: str, new_text: str, root: Path | None = None) -> list:  # type: ignore[type-arg]
    old = parse_policy(old_text, "old.yaml")
    new = parse_policy(new_text, "new.yaml")
    return classify("mitpo/cookies-and-tracking", old, new, Config(root=root or Path("."))).findings


def test_first_party_declaration_of_a_vendor_cookie(mitpo_policy_text: str) -> None:
    found = _classify(mitpo_policy_text, _with_item(mitpo_policy_text, GA_ITEM))
    catalogue = [f for f in found if f.rule == "third-party-added"]
    assert len(catalogue) == 1
    assert catalogue[0].level is Level.material
    assert catalogue[0].path == "items/ga/provider"
    assert catalogue[0].message.startswith(
        "_ga is set by Google Analytics (controller Google LLC) according to the govern catalogue"
    )
    assert "first-party" in catalogue[0].message


def test_declared_with_its_vendor_is_fine(mitpo_policy_text: str) -> None:
    with_vendor = GA_ITEM.replace("party: first", "party: third\n    provider: google")
    google = (
        "recipients:\n  - id: google\n    name: Google LLC\n    role: processor\n"
        "    data_uses: [analytics.reporting]\n"
    )
    new = _with_item(mitpo_policy_text, with_vendor).replace("recipients:\n", google, 1)
    found = _classify(mitpo_policy_text, new)
    assert not [f for f in found if "catalogue" in f.message]


def test_unchanged_items_are_not_questioned_again(mitpo_policy_text: str) -> None:
    old = _with_item(mitpo_policy_text, GA_ITEM)
    new = old.replace("retention: 2 years", "retention: 1 year")
    found = _classify(old, new)
    assert not [f for f in found if "catalogue" in f.message]


def test_the_detector_uses_imported_catalogues(
    mitpo_policy_text: str, repo: Path, tmp_path: Path
) -> None:
    item = GA_ITEM.replace("id: ga", "id: zy").replace("name: _ga", "name: _zy_id")
    assert not [
        f
        for f in _classify(mitpo_policy_text, _with_item(mitpo_policy_text, item), repo)
        if "catalogue" in f.message or "Cookie Database" in f.message
    ]
    csv_file = write_csv(tmp_path / "cookies.csv", ROWS)
    assert govern("catalog", "import", str(csv_file), "--repo", str(repo)) == 0
    found = _classify(mitpo_policy_text, _with_item(mitpo_policy_text, item), repo)
    matched = [f for f in found if f.rule == "third-party-added" and "_zy_id" in f.message]
    assert len(matched) == 1
    assert "according to the Open Cookie Database (cookies.csv)" in matched[0].message


def test_strictly_necessary_vendor_cookie_is_minor(mitpo_policy_text: str) -> None:
    item = (
        GA_ITEM.replace("id: ga", "id: bot")
        .replace("name: _ga", "name: __cf_bm")
        .replace("category: analytics", "category: strictly_necessary")
        .replace("data_uses: [analytics.reporting]", "data_uses: [essential.service.security]")
        .replace("consent: opt-in", "consent: none")
    )
    found = _classify(mitpo_policy_text, _with_item(mitpo_policy_text, item))
    catalogue = [f for f in found if "catalogue" in f.message]
    assert [(f.rule, f.level) for f in catalogue] == [("third-party-added", Level.minor)]


# --- the domain → company map ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "platform"),
    [
        (".doubleclick.net", "Google Ads (DoubleClick)"),
        ("stats.g.doubleclick.net", "Google Ads (DoubleClick)"),
        ("https://px.ads.linkedin.com/collect?v=2", "LinkedIn"),
        ("analytics.google.com", "Google Analytics"),  # the longest known suffix wins
        ("www.google.com", "Google"),
        (".criteo.com", "Criteo"),
        ("pixel.quantserve.com:443", "Quantcast"),
        ("x.com", "X (Twitter)"),
    ],
)
def test_a_host_names_its_company(host: str, platform: str) -> None:
    entry = Catalog.load().company_for_host(host)
    assert entry is not None and entry.platform == platform


@pytest.mark.parametrize(
    "host", ["example.com", "localhost", "", "not a host", "doubleclick.net.evil"]
)
def test_an_unknown_host_names_nobody(host: str) -> None:
    assert Catalog.load().company_for_host(host) is None


def test_registrable_domains_and_hosts_in_text() -> None:
    assert registrable_domain("stats.g.doubleclick.net") == "doubleclick.net"
    assert registrable_domain("shop.example.co.uk") == "example.co.uk"
    assert registrable_domain("d111.cloudfront.net") == "d111.cloudfront.net"  # a CDN's customer
    assert hosts_in(".bing.com (3rd party) or .microsoft.com (3rd party)") == [
        "bing.com",
        "microsoft.com",
    ]


def test_an_import_adds_the_domains_its_rows_name(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        "11,Zylo Insights,Marketing,_zy_px,.px.zylo-insights.test (3rd party),x,1 year,"
        "Zylo Insights Ltd,,0",
        "12,WordPress,Functional,wp-settings,example.test,x,1 year,WordPress,,0",  # self-hosted
    ]
    csv_file = write_csv(tmp_path / "domains.csv", rows)
    assert govern("catalog", "import", str(csv_file), "--repo", str(repo)) == 0
    assert "and 1 domains" in capsys.readouterr().out
    assert govern("catalog", "lookup", "cdn.zylo-insights.test", "--repo", str(repo)) == 0
    out = capsys.readouterr().out
    assert "cdn.zylo-insights.test belongs to Zylo Insights (controller Zylo Insights Ltd)" in out
    assert govern("catalog", "lookup", "www.example.test", "--repo", str(repo)) == 0
    assert "not in the catalogue" in capsys.readouterr().out

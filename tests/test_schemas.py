"""`govern schema report|feed`: the JSON Schemas in the package, checked against what the real CLI
prints and publishes (diff of two files, diff of two revisions, check before and after review,
a stale record, a published feed with links), and against documents they must refuse."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from announcements_helpers import (
    GOVERN_TOML,
    LEGAL,
    POLICY_PATH,
    RELEASE,
    Cli,
    add_hotjar_on_branch,
    git,
    make_repo,
    mitpo_text,
    with_hotjar,
)
from jsonschema import Draft202012Validator, FormatChecker

from governance.commands.schema import packaged_schema, policy_schema
from governance.main import main


def validator(kind: str) -> Draft202012Validator:
    schema = packaged_schema(kind)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def errors(kind: str, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(kind).iter_errors(document)
    ]


def as_json(result: tuple[int, str, str], *codes: int) -> dict[str, Any]:
    code, out, err = result
    assert code in codes, err or out
    document: dict[str, Any] = json.loads(out)
    return document


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every kind of report and a feed, from one repository taken through review and publishing."""
    found: dict[str, dict[str, Any]] = {}
    folder = tmp_path_factory.mktemp("outputs")
    old, new = folder / "old.yaml", folder / "new.yaml"
    old.write_text(mitpo_text(), encoding="utf-8")
    new.write_text(with_hotjar(mitpo_text()), encoding="utf-8")

    config = GOVERN_TOML.replace(
        "notice_days = 30", 'notice_days = 30\npolicy_url = "https://mitpo.example/{policy}"'
    )
    root = make_repo(folder / "mitpo", config)
    add_hotjar_on_branch(root)
    govern = Cli(root)
    found["diff of two files"] = as_json(govern("diff", str(old), str(new), "--format", "json"), 0)
    found["diff of two revisions"] = as_json(
        govern("diff", "main..add-hotjar", "--format", "json"), 0
    )
    unreviewed = found["check, unreviewed"] = as_json(govern("check", "--format", "json"), 1)
    fingerprints = [
        finding["fingerprint"]
        for policy in unreviewed["policies"]
        for finding in policy["findings"]
        if finding["level"] == "material"
    ]
    assert govern("approve", *fingerprints, "--as", LEGAL)[0] == 0
    found["check, approved"] = as_json(govern("check", "--format", "json"), 1)
    code, out, err = govern("announce", "draft", "--as", LEGAL)
    assert code == 0, err
    announcement = out.strip().splitlines()[-1]
    assert govern("announce", "submit", announcement, "--as", LEGAL)[0] == 0
    assert govern("announce", "approve", announcement, "--as", RELEASE)[0] == 0
    assert govern("announce", "publish", announcement, "--as", RELEASE)[0] == 0
    found["feed"] = json.loads((root / "announcements" / "feed.json").read_text())
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Reviewed and announced")
    found["check, passed"] = as_json(govern("check", "--format", "json"), 0)

    # editing the change afterwards leaves the decisions stale
    policy = root / POLICY_PATH
    policy.write_text(
        policy.read_text().replace("so we can fix confusing screens", "to sell insights"),
        encoding="utf-8",
    )
    found["check, stale"] = as_json(govern("check", "--format", "json"), 1)
    return found


REPORTS = [
    "diff of two files",
    "diff of two revisions",
    "check, unreviewed",
    "check, approved",
    "check, passed",
    "check, stale",
]


@pytest.mark.parametrize("name", REPORTS)
def test_every_real_report_matches_the_report_schema(
    outputs: dict[str, dict[str, Any]], name: str
) -> None:
    assert errors("report", outputs[name]) == []


def test_the_outputs_cover_what_the_schema_describes(outputs: dict[str, dict[str, Any]]) -> None:
    """So that the schema tests above check something: each optional part occurs for real."""
    assert outputs["diff of two files"]["base"] is None
    passed = outputs["check, passed"]
    reviews = [f["review"] for p in passed["policies"] for f in p["findings"] if f["review"]]
    assert reviews and all(review["announcement"] for review in reviews)
    assert passed["verdict"] == "pass" and outputs["check, stale"]["stale"]
    [entry] = outputs["feed"]["announcements"]
    assert entry["links"] and entry["links"][0]["href"].startswith("https://mitpo.example/")


def test_the_published_feed_matches_the_feed_schema(outputs: dict[str, dict[str, Any]]) -> None:
    assert errors("feed", outputs["feed"]) == []


def test_the_schemas_refuse_what_apps_could_not_read(outputs: dict[str, dict[str, Any]]) -> None:
    report = copy.deepcopy(outputs["check, approved"])
    finding = report["policies"][0]["findings"][0]
    finding["level"] = "severe"
    del finding["fingerprint"]
    assert len(errors("report", report)) == 2
    report = copy.deepcopy(outputs["check, approved"])
    del report["policies"][0]["findings"][0]["review"]  # check always says whether it is reviewed
    assert errors("report", report) != []
    assert errors("report", {**outputs["diff of two files"], "schema": "govern.report/2"}) != []

    feed = copy.deepcopy(outputs["feed"])
    del feed["announcements"][0]["title"]
    feed["announcements"][0]["consent_revision"] = "2"
    assert len(errors("feed", feed)) == 2
    link = {"rel": "policy", "title": "x", "href": "javascript:alert(1)"}
    feed = copy.deepcopy(outputs["feed"])
    feed["announcements"][0]["links"] = [link]
    assert errors("feed", feed) != []


def test_new_fields_are_allowed_where_the_formats_grow(outputs: dict[str, dict[str, Any]]) -> None:
    """Reports and feeds gain fields within version 1; a reader of the schema must accept them."""
    report = copy.deepcopy(outputs["check, passed"])
    report["trust"] = [{"warning": "a future field"}]
    finding = report["policies"][0]["findings"][0]
    finding["review"]["base_blob"] = "0" * 40
    finding["review"]["announcement"]["anchor"] = "a future field"
    finding["new"] = True
    assert errors("report", report) == []
    feed = copy.deepcopy(outputs["feed"])
    feed["announcements"][0]["locale"] = "en"
    feed["generator"] = "govern"
    assert errors("feed", feed) == []


def test_govern_schema_prints_the_policy_format_by_default_and_the_others_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def govern_schema(*arguments: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["schema", *arguments])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, out, _ = govern_schema()
    assert code == 0 and json.loads(out) == policy_schema()
    assert json.loads(govern_schema("policy")[1]) == policy_schema()
    for kind in ("report", "feed"):
        code, out, _ = govern_schema(kind)
        assert code == 0 and json.loads(out) == packaged_schema(kind)
    code, out, _ = govern_schema("feed", "-o", str(tmp_path / "feed.schema.json"))
    assert code == 0 and out == ""
    assert json.loads((tmp_path / "feed.schema.json").read_text()) == packaged_schema("feed")
    code, _, err = govern_schema("ledger")
    assert code == 2 and "'ledger' is not one of" in err

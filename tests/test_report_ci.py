"""check's CI formats, read back by real consumers: junitparser, sarif-tools, the Actions syntax."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from review_helpers import COUNSEL, POLICY_PATH, Repo, govern, make_change, only_fingerprint

from governance.report.github import command


@pytest.fixture
def reviewed_and_not(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Repo, str, str]:
    """One material finding approved, then an edit that makes it a new, unreviewed one."""
    repo = make_change(tmp_path)
    old = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", old, "--as", COUNSEL)[0] == 0
    repo.commit_all("approve", COUNSEL)
    repo.add_hotjar(purpose="Session recordings, heatmaps, surveys.")
    repo.commit_all("edit", "author@acme.example")
    new = only_fingerprint(capsys, repo)
    return repo, old, new


def test_github_annotations(
    reviewed_and_not: tuple[Repo, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, old, new = reviewed_and_not
    code, out, _ = govern(capsys, repo, "check", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    [error] = [line for line in lines if line.startswith("::error ")]
    match = re.match(r"::error file=([^,]+),line=(\d+),title=([^:]+)::(.*)$", error)
    assert match, error
    assert match.group(1) == POLICY_PATH
    text = (repo.root / POLICY_PATH).read_text().splitlines()
    assert "hotjar" in text[int(match.group(2)) - 1]  # points at the new recipient
    assert new in match.group(3) and "material%3A" in match.group(3)
    assert "%0A" in match.group(4) and "\n" not in match.group(4)
    warnings = [line for line in lines if line.startswith("::warning ")]
    [stale] = [line for line in warnings if ".govern-ledger/" in line]
    assert f".govern-ledger/{old}-approved-" in stale
    assert any("reviews are not signed" in line for line in warnings)
    assert lines[-1].startswith("govern check: FAIL")


def test_workflow_command_escaping() -> None:
    line = command("error", "50% done\nnext", file="a,b:c.yaml", line=None, title="t: x")
    assert line == "::error file=a%2Cb%3Ac.yaml,line=1,title=t%3A x::50%25 done%0Anext"


def test_junit_parses_with_junitparser(
    reviewed_and_not: tuple[Repo, str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from junitparser import Failure, JUnitXml

    repo, _old, new = reviewed_and_not
    code, out, _ = govern(capsys, repo, "check", "--format", "junit")
    assert code == 1
    report = tmp_path / "govern.xml"
    report.write_text(out)
    xml = JUnitXml.fromfile(str(report))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == 1
    [case] = cases
    assert case.classname == "acme/cookies" and new in case.name
    [failure] = [result for result in case.result if isinstance(result, Failure)]
    assert failure.type == "unreviewed" and "legal reviewer must decide" in failure.message
    suite = next(iter(xml))
    assert suite.tests == 1 and suite.failures == 1

    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", new, "--as", COUNSEL)[0] == 0
    code, out, _ = govern(capsys, repo, "check", "--format", "junit")
    assert code == 0
    report.write_text(out)
    [case] = [case for suite in JUnitXml.fromfile(str(report)) for case in suite]
    assert case.is_passed


def _sarif(repo: Repo, capsys: pytest.CaptureFixture[str], path: Path) -> int:
    code, _, err = govern(capsys, repo, "check", "--format", "sarif", "--output", str(path))
    assert "sarif report written" in err
    return code


def test_sarif_is_read_by_sarif_tools(
    reviewed_and_not: tuple[Repo, str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from sarif import loader

    repo, _old, new = reviewed_and_not
    output = tmp_path / "out" / "govern.sarif"
    assert _sarif(repo, capsys, output) == 1
    sarif_file = loader.load_sarif_file(str(output))
    [run] = sarif_file.runs
    assert run.get_tool_name() == "govern"
    records = sarif_file.get_records()
    assert len(records) == 1
    assert records[0]["Severity"] == "error" and records[0]["Location"] == POLICY_PATH
    # the consumer's own gate agrees with check's verdict
    cli = [sys.executable, "-m", "sarif", "--check", "error", "summary", str(output)]
    assert subprocess.run(cli, capture_output=True, check=False).returncode == 1

    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", new, "--as", COUNSEL)[0] == 0
    assert _sarif(repo, capsys, output) == 0
    assert subprocess.run(cli, capture_output=True, check=False).returncode == 0
    document = json.loads(output.read_text())
    [result] = document["runs"][0]["results"]
    assert result["level"] == "note"
    assert result["suppressions"][0]["kind"] == "external"
    assert COUNSEL in result["suppressions"][0]["justification"]


# The parts of the SARIF 2.1.0 schema this output relies on, written from the specification
# (OASIS SARIF v2.1.0, §3.13-3.27, 3.49); the full official schema is checked by
# bench/validate_sarif.py when the shared copy is present.
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "shortDescription": {"$ref": "#/$defs/message"},
                                                "fullDescription": {"$ref": "#/$defs/message"},
                                                "help": {"$ref": "#/$defs/message"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {"$ref": "#/$defs/level"}
                                                    },
                                                },
                                            },
                                        },
                                    }
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"$ref": "#/$defs/level"},
                                "message": {"$ref": "#/$defs/message"},
                                "partialFingerprints": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "properties": {"uri": {"type": "string"}},
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            }
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                                "suppressions": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["kind"],
                                        "properties": {
                                            "kind": {"enum": ["inSource", "external"]},
                                            "status": {
                                                "enum": ["accepted", "underReview", "rejected"]
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "$defs": {
        "level": {"enum": ["none", "note", "warning", "error"]},
        "message": {
            "type": "object",
            "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
            "properties": {"text": {"type": "string"}, "markdown": {"type": "string"}},
        },
    },
}


def test_sarif_structure_and_rule_metadata(
    reviewed_and_not: tuple[Repo, str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import jsonschema

    from governance.rules.registry import load_rules

    repo, _old, new = reviewed_and_not
    output = tmp_path / "govern.sarif"
    _sarif(repo, capsys, output)
    document = json.loads(output.read_text())
    jsonschema.validate(document, SARIF_SUBSET)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    registry = {rule.id: rule for rule in load_rules()}
    assert {rule["id"] for rule in rules} == set(registry)
    third_party = next(rule for rule in rules if rule["id"] == "third-party-added")
    assert third_party["defaultConfiguration"]["level"] == "error"
    assert third_party["fullDescription"]["text"] == registry["third-party-added"].rationale
    editorial = next(rule for rule in rules if rule["id"] == "text-changed")
    assert editorial["defaultConfiguration"]["level"] == "note"
    [result] = run["results"]
    assert result["ruleId"] == "third-party-added" and result["level"] == "error"
    assert rules[result["ruleIndex"]]["id"] == "third-party-added"
    assert result["partialFingerprints"] == {"govern/v1": new}
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == POLICY_PATH
    assert location["region"]["startLine"] > 1
    assert run["properties"]["verdict"] == "fail"


def test_markdown_is_a_pr_comment(
    reviewed_and_not: tuple[Repo, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, old, new = reviewed_and_not
    code, out, _ = govern(capsys, repo, "check", "--format", "markdown")
    assert code == 1
    assert out.startswith("### :x: FAIL")
    assert "| :x: | material | `third-party-added` | `acme/cookies` |" in out
    assert f"`{new}`" in out and "**Warnings**" in out and old in out

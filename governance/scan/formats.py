"""A scan result in the formats of ``check``: text, json, markdown, github, junit, sarif.

Levels map the way ``check`` maps them: a material finding is an error (it fails the gate), a
minor one a warning, an editorial one a note. Every finding points at the policy file, at the
declared item's line when there is one, so annotations land next to what needs changing.
"""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ElementTree
from typing import Any

from governance import __version__
from governance.findings import Finding, Level
from governance.report.github import command
from governance.scan.result import ScanResult

FORMATS = ("text", "json", "markdown", "github", "junit", "sarif")
_SARIF_LEVEL = {Level.material: "error", Level.minor: "warning", Level.editorial: "note"}
_NEXT_STEP = (
    "Declare what is missing in the policy (`govern scan --suggest` prints it as YAML, with the "
    "catalogue's facts) or change the site; a policy change is then reviewed like any other."
)


def format_result(result: ScanResult, fmt: str, *, color: bool = False) -> str:
    formatter = {
        "text": lambda r: format_text(r, color=color),
        "json": format_json,
        "markdown": format_markdown,
        "github": format_github,
        "junit": format_junit,
        "sarif": format_sarif,
    }.get(fmt)
    if formatter is None:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return formatter(result)


def _where(result: ScanResult, finding: Finding) -> str:
    file = result.policy_file or result.policy_id
    return f"{file}:{finding.line}" if finding.line else file


# --- text ---------------------------------------------------------------------------------------

_COLOURS = {Level.material: "\x1b[1;31m", Level.minor: "\x1b[33m", Level.editorial: "\x1b[2m"}


def format_text(result: ScanResult, *, color: bool = False) -> str:
    lines = [result.headline(), f"  {result.scope()}", f"  against {result.policy_id}"]
    explained: set[str] = set()
    for finding in result.findings:
        label = f"{finding.level.value.upper():<9}"
        if color:
            label = f"{_COLOURS[finding.level]}{label}\x1b[0m"
        lines.append("")
        lines += textwrap.wrap(
            f"{label} {finding.message}", width=100, subsequent_indent=" " * 10
        ) or [label]
        lines.append(f"{' ' * 10}{finding.rule} at {finding.path}  ({_where(result, finding)})")
        if finding.reason not in explained:
            explained.add(finding.reason)
            lines += textwrap.wrap(
                f"Why: {finding.reason}",
                width=100,
                initial_indent=" " * 10,
                subsequent_indent=" " * 15,
            )
        lines.append(f"{' ' * 10}fingerprint {finding.fingerprint}")
    seen = result.observations
    if seen.problems:
        lines += ["", "Not scanned (the result is partial):"]
        lines += [f"  - {problem}" for problem in seen.problems]
    if seen.notes:
        lines += ["", "Notes:"]
        lines += [f"  - {note}" for note in seen.notes]
    if result.report.material:
        lines += ["", *textwrap.wrap(_NEXT_STEP, width=100)]
    return "\n".join(lines) + "\n"


# --- json ---------------------------------------------------------------------------------------


def format_json(result: ScanResult) -> str:
    return json.dumps(result.to_json_data(), indent=2, ensure_ascii=False) + "\n"


# --- markdown -----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(result: ScanResult) -> str:
    icon = {"pass": ":white_check_mark:", "fail": ":x:", "incomplete": ":warning:"}[result.verdict]
    lines = [f"### {icon} {result.headline().removeprefix('govern scan: ')}", ""]
    lines.append(f"{_cell(result.scope())}, against `{result.policy_id}`.")
    if result.findings:
        lines += [
            "",
            "| Level | Rule | Where | Finding | Fingerprint |",
            "| --- | --- | --- | --- | --- |",
        ]
        for finding in result.findings:
            lines.append(
                f"| {finding.level.value} | `{finding.rule}` | `{_cell(finding.path)}` "
                f"| {_cell(finding.message)} | `{finding.fingerprint}` |"
            )
    seen = result.observations
    if seen.problems:
        lines += ["", "**Not scanned (the result is partial)**", ""]
        lines += [f"- {_cell(str(problem))}" for problem in seen.problems]
    if seen.notes:
        lines += ["", "**Notes**", ""]
        lines += [f"- {_cell(note)}" for note in seen.notes]
    if result.report.material:
        lines += ["", _NEXT_STEP]
    return "\n".join(lines) + "\n"


# --- github -------------------------------------------------------------------------------------


def format_github(result: ScanResult) -> str:
    lines = []
    kinds = {Level.material: "error", Level.minor: "warning", Level.editorial: "notice"}
    for finding in result.findings:
        lines.append(
            command(
                kinds[finding.level],
                f"{finding.message}\n{finding.rule} at {finding.path}",
                file=result.policy_file,
                line=finding.line,
                title=f"{finding.level.value}: {finding.rule} ({finding.fingerprint})",
            )
        )
    for problem in result.observations.problems:
        lines.append(command("error", f"not scanned: {problem}", title="govern scan: partial"))
    lines.append(f"{result.headline()} ({result.scope()})")
    return "\n".join(lines) + "\n"


# --- junit --------------------------------------------------------------------------------------


def format_junit(result: ScanResult) -> str:
    suites = ElementTree.Element("testsuites", {"name": "govern scan"})
    suite = ElementTree.SubElement(suites, "testsuite", {"name": result.policy_id, "time": "0"})
    failures = 0
    for finding in result.findings:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            {
                "classname": result.policy_id,
                "name": f"{finding.rule} {finding.path} [{finding.fingerprint}]",
                "time": "0",
            },
        )
        if result.policy_file:
            case.set("file", result.policy_file)
            if finding.line:
                case.set("line", str(finding.line))
        detail = f"{finding.level.value}: {finding.message}\nwhy: {finding.reason}"
        if finding.level is Level.material:
            failures += 1
            ElementTree.SubElement(
                case, "failure", {"message": finding.message, "type": finding.rule}
            ).text = detail
        else:
            ElementTree.SubElement(case, "system-out").text = detail
    errors = 0
    for problem in result.observations.problems:
        errors += 1
        case = ElementTree.SubElement(
            suite, "testcase", {"classname": result.policy_id, "name": f"scan {problem.where}"}
        )
        ElementTree.SubElement(case, "error", {"message": problem.message}).text = str(problem)
    if not len(suite):
        ElementTree.SubElement(
            suite, "testcase", {"classname": result.policy_id, "name": "scan", "time": "0"}
        )
    tests = str(len(suite))
    for element in (suite, suites):
        element.set("tests", tests)
        element.set("failures", str(failures))
        element.set("errors", str(errors))
    suite.set("skipped", "0")
    if result.observations.notes:
        ElementTree.SubElement(suite, "system-err").text = "\n".join(result.observations.notes)
    ElementTree.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(suites, encoding="unicode")
        + "\n"
    )


# --- sarif --------------------------------------------------------------------------------------


def sarif_document(result: ScanResult) -> dict[str, Any]:
    from governance.report.sarif import INFORMATION_URI, SARIF_SCHEMA, rule_descriptor
    from governance.rules.registry import load_rules

    rules = [rule for rule in load_rules() if rule.area == "scan"]
    index = {rule.id: position for position, rule in enumerate(rules)}
    results = []
    for finding in result.findings:
        entry: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": _SARIF_LEVEL[finding.level],
            "message": {"text": f"{finding.message} ({result.policy_id}: {finding.path})."},
            "partialFingerprints": {"govern/v1": finding.fingerprint},
            "properties": {
                "policy": result.policy_id,
                "path": finding.path,
                "govern-level": finding.level.value,
                "reason": finding.reason,
            },
        }
        if finding.rule in index:
            entry["ruleIndex"] = index[finding.rule]
        if result.policy_file:
            entry["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": result.policy_file},
                        "region": {"startLine": finding.line or 1},
                    },
                    "logicalLocations": [
                        {
                            "fullyQualifiedName": f"{result.policy_id}/{finding.path}",
                            "kind": "member",
                        }
                    ],
                }
            ]
        results.append(entry)
    seen = result.observations
    notifications = [
        {"level": "error", "message": {"text": f"not scanned: {problem}"}}
        for problem in seen.problems
    ] + [{"level": "note", "message": {"text": note}} for note in seen.notes]
    run = {
        "tool": {
            "driver": {
                "name": "govern",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(rule_descriptor(rule)) for rule in rules],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not result.partial,
                "exitCode": result.exit_code,
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": results,
        "properties": {"verdict": result.verdict, "scan": result.scan_json()},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _descriptor(descriptor: dict[str, Any]) -> dict[str, Any]:
    text = descriptor["shortDescription"]["text"]
    why = descriptor["fullDescription"]["text"]
    descriptor["help"] = {
        "text": f"{text}\n\nWhy: {why}\n\n{_NEXT_STEP}",
        "markdown": f"**{text}**\n\n{why}\n\n{_NEXT_STEP}",
    }
    return descriptor


def format_sarif(result: ScanResult) -> str:
    return json.dumps(sarif_document(result), indent=2, ensure_ascii=False) + "\n"

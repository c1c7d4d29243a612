"""``govern check --format junit``: one test case per finding, a failure for each blocking one.

CI systems that show test reports (GitLab, Jenkins, Azure) then list the unreviewed material
changes next to the failing tests. One test suite per policy; a change with no findings gives one
passing case so that readers which refuse an empty report still show the gate ran.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from governance.check import CheckResult, FindingCheck


def _case(item: FindingCheck) -> ElementTree.Element:
    finding = item.finding
    case = ElementTree.Element(
        "testcase",
        {
            "classname": item.policy.policy,
            "name": f"{finding.rule} {finding.path} [{finding.fingerprint}]",
            "time": "0",
        },
    )
    if item.policy.file:
        case.set("file", item.policy.file)
        if finding.line:
            case.set("line", str(finding.line))
    detail = (
        f"{finding.level.value}: {finding.message}\nwhy: {finding.reason}\n"
        f"review: {item.explanation()}"
    )
    if item.blocking:
        failure = ElementTree.SubElement(
            case, "failure", {"message": item.explanation(), "type": item.status.value}
        )
        failure.text = detail
    else:
        out = ElementTree.SubElement(case, "system-out")
        out.text = detail
    return case


def format_check(result: CheckResult) -> str:
    suites = ElementTree.Element("testsuites", {"name": "govern check"})
    total_failures = 0
    total_tests = 0
    for policy in result.report.policies:
        items = [item for item in result.findings if item.policy is policy]
        if not items:
            continue
        failures = sum(1 for item in items if item.blocking)
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            {
                "name": policy.policy,
                "tests": str(len(items)),
                "failures": str(failures),
                "errors": "0",
                "skipped": "0",
                "time": "0",
            },
        )
        for item in items:
            suite.append(_case(item))
        total_failures += failures
        total_tests += len(items)
    if result.integrity:
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            {
                "name": "integrity",
                "tests": str(len(result.integrity)),
                "failures": str(len(result.integrity)),
                "errors": "0",
                "skipped": "0",
                "time": "0",
            },
        )
        for tampered in result.integrity:
            case = ElementTree.SubElement(
                suite,
                "testcase",
                {"classname": "integrity", "name": tampered.file, "time": "0"},
            )
            failure = ElementTree.SubElement(
                case, "failure", {"message": tampered.describe(), "type": "integrity"}
            )
            failure.text = tampered.describe()
        total_failures += len(result.integrity)
        total_tests += len(result.integrity)
    if total_tests == 0:
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            {
                "name": "govern",
                "tests": "1",
                "failures": "0",
                "errors": "0",
                "skipped": "0",
                "time": "0",
            },
        )
        ElementTree.SubElement(
            suite, "testcase", {"classname": "govern", "name": "no policy changes", "time": "0"}
        )
        total_tests = 1
    first_suite = suites.find("testsuite")
    if result.warnings and first_suite is not None:
        ElementTree.SubElement(first_suite, "system-err").text = "\n".join(result.warnings)
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", "0")
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(
        suites, encoding="unicode"
    )

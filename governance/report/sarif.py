"""``govern check --format sarif``: SARIF 2.1.0 for code-scanning dashboards.

The rule metadata comes from the rule registry (id, descriptions, default level). A result's level
follows the gate rather than the rule alone, so that a SARIF consumer's own gate
(``sarif --check error``, a code-scanning "fail on error" setting) agrees with ``govern check``:

- ``error``: the finding blocks the change (material without a valid decision, rejected, or
  approved without the announcement that is required);
- ``warning``: a minor finding;
- ``note``: an editorial finding, or a material one a legal reviewer has decided on — those also
  carry a SARIF ``suppressions`` entry (kind ``external``) naming the reviewer and the record,
  which is how SARIF says "reviewed and accepted".

``partialFingerprints["govern/v1"]`` is the finding's stable fingerprint, so dashboards track one
change across pushes and rebases.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from governance import __version__
from governance.findings import Level

if TYPE_CHECKING:
    from governance.check import CheckResult, FindingCheck, IntegrityProblem
    from governance.rules.registry import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/mitpo/govern"
_DEFAULT_LEVEL = {Level.material: "error", Level.minor: "warning", Level.editorial: "note"}


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.rationale},
        "help": {
            "text": f"{rule.description}\n\nWhy: {rule.rationale}\n\nA material finding needs a "
            "legal reviewer's decision: govern approve|downgrade|reject FINGERPRINT --as EMAIL.",
            "markdown": f"**{rule.description}**\n\n{rule.rationale}\n\nA material finding needs "
            "a legal reviewer's decision: "
            "`govern approve|downgrade|reject FINGERPRINT --as EMAIL`.",
        },
        "defaultConfiguration": {"level": _DEFAULT_LEVEL[rule.level]},
        "properties": {"govern-level": rule.level.value, "area": rule.area},
    }


def _level(item: FindingCheck) -> str:
    if item.blocking:
        return "error"
    if item.finding.level is Level.minor:
        return "warning"
    return "note"


def _result(item: FindingCheck, rule_index: dict[str, int]) -> dict[str, Any]:
    finding = item.finding
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _level(item),
        "message": {
            "text": f"{finding.message} ({item.policy.policy}: {finding.path}). "
            f"Review: {item.explanation()}."
        },
        "partialFingerprints": {"govern/v1": finding.fingerprint},
        "properties": {
            "policy": item.policy.policy,
            "path": finding.path,
            "govern-level": finding.level.value,
            "reviewStatus": item.status.value,
            "reason": finding.reason,
        },
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    if item.policy.file:
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": item.policy.file},
                "region": {"startLine": finding.line or 1},
            },
            "logicalLocations": [
                {"fullyQualifiedName": f"{item.policy.policy}/{finding.path}", "kind": "member"}
            ],
        }
        result["locations"] = [location]
    if item.record is not None and not item.blocking:
        result["suppressions"] = [
            {
                # no "status"/"state": the two published 2.1.0 schemas name it differently, and
                # absent means the suppression is in effect
                "kind": "external",
                "justification": item.explanation(),
                "location": {
                    "physicalLocation": {"artifactLocation": {"uri": item.record.file or ""}}
                },
            }
        ]
    return result


def _ledger_result(tampered: IntegrityProblem) -> dict[str, Any]:
    return {
        "ruleId": "govern/integrity",
        "level": "error",
        "message": {"text": tampered.describe()},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": tampered.file},
                    "region": {"startLine": 1},
                }
            }
        ],
    }


def sarif_document(result: CheckResult) -> dict[str, Any]:
    from governance.rules.registry import load_rules

    registry = load_rules()
    rules = list(registry)
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    scope = result.scope
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "govern",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "exitCode": result.exit_code,
                "toolExecutionNotifications": [
                    {"level": "warning", "message": {"text": warning}}
                    for warning in result.warnings
                ],
            }
        ],
        "results": [
            *(_ledger_result(item) for item in result.integrity),
            *(_result(item, rule_index) for item in result.findings),
        ],
        "properties": {
            "verdict": result.verdict,
            "base": {"ref": scope.base_ref, "commit": scope.base},
            "head": {"ref": scope.head_ref, "commit": scope.head},
            "stale": [record.file for record in result.stale],
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def format_check(result: CheckResult) -> str:
    return json.dumps(sarif_document(result), indent=2, ensure_ascii=False)


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A registry rule as a SARIF ``reportingDescriptor`` (shared with ``govern scan``)."""
    return _rule(rule)

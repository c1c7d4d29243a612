"""``govern check`` as text (a terminal or a CI log), markdown (a PR comment) and JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from governance.check import CheckResult, FindingCheck

_MARK = {True: "BLOCKING", False: "ok"}


def _sides(result: CheckResult) -> str:
    scope = result.scope
    head = scope.head_ref if scope.head is None else f"{scope.head_ref} ({scope.head[:12]})"
    return f"{scope.base_ref} ({scope.base[:12]}) .. {head}"


def headline(result: CheckResult) -> str:
    blocking = len(result.blocking)
    total = len(result.findings)
    if result.integrity:
        count = len(result.integrity)
        return (
            f"govern check: FAIL: {count} record{'s' if count != 1 else ''} of reviews or "
            "announcements altered in this change"
        )
    if blocking:
        return (
            f"govern check: FAIL: {blocking} of {total} finding{'s' if total != 1 else ''} "
            "block the change"
        )
    if not total:
        return "govern check: PASS: no policy changes to review"
    return f"govern check: PASS: {total} finding{'s' if total != 1 else ''}, none blocking"


def format_json(result: CheckResult) -> str:
    return json.dumps(result.to_json_data(), indent=2, ensure_ascii=False)


def format_text(result: CheckResult) -> str:
    lines = [headline(result), f"  comparing {_sides(result)}"]
    if result.integrity:
        lines += ["", "integrity:"]
        lines += [f"  [BLOCKING] {item.describe()}" for item in result.integrity]
    for policy in result.report.policies:
        items = [item for item in result.findings if item.policy is policy]
        if not items:
            continue
        lines.append("")
        lines.append(f"{policy.policy} ({policy.status_text}, {policy.file or 'no file'})")
        for item in items:
            lines.extend(_finding_lines(item))
    if result.warnings:
        lines.append("")
        lines.append("warnings:")
        lines.extend(f"  - {warning}" for warning in result.warnings)
    if result.blocking:
        lines.append("")
        lines.append(
            "A legal reviewer decides with `govern approve|downgrade|reject FINGERPRINT... --as "
            "EMAIL`, then commits the .govern-ledger record with the change."
        )
    return "\n".join(lines)


def _finding_lines(item: FindingCheck) -> list[str]:
    finding = item.finding
    where = f":{finding.line}" if finding.line else ""
    return [
        f"  [{_MARK[item.blocking]}] {finding.level.value:<9} {finding.rule} "
        f"{finding.path}{where}  {finding.fingerprint}",
        f"      {finding.message}",
        f"      review: {item.explanation()}",
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(result: CheckResult) -> str:
    icon = ":x:" if result.verdict == "fail" else ":white_check_mark:"
    lines = [f"### {icon} {headline(result).removeprefix('govern check: ')}", ""]
    lines.append(f"Comparing `{_cell(_sides(result))}`.")
    if result.integrity:
        lines += ["", "**Records that no review can approve**", ""]
        lines += [f"- :x: {_cell(item.describe())}" for item in result.integrity]
    if result.findings:
        lines += [
            "",
            "| | Level | Rule | Policy | Where | Change | Review | Fingerprint |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for item in result.findings:
            finding = item.finding
            lines.append(
                f"| {':x:' if item.blocking else ':heavy_check_mark:'} | {finding.level.value} "
                f"| `{finding.rule}` | `{item.policy.policy}` | `{_cell(finding.path)}` "
                f"| {_cell(finding.message)} | {_cell(item.explanation())} "
                f"| `{finding.fingerprint}` |"
            )
    if result.warnings:
        lines += ["", "**Warnings**", ""]
        lines += [f"- {_cell(warning)}" for warning in result.warnings]
    if result.blocking:
        lines += [
            "",
            "A legal reviewer decides with `govern approve|downgrade|reject FINGERPRINT... "
            "--as EMAIL` and commits the record under `.govern-ledger/` with the change.",
        ]
    return "\n".join(lines) + "\n"

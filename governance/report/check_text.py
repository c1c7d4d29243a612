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


def next_steps(result: CheckResult) -> list[str]:
    """What to do about what blocks the change, one sentence per kind of problem."""
    from governance.check import ReviewStatus

    statuses = {item.status for item in result.blocking}
    steps = []
    if result.integrity:
        steps.append(
            "Restore the review records and the feed as they were committed (git restore), and "
            "change a decision with a new decision."
        )
    if ReviewStatus.unreviewed in statuses:
        steps.append(
            "A legal reviewer decides on each material finding (govern approve, downgrade or "
            "reject FINGERPRINT --as EMAIL, or govern review), and the record is committed with "
            "the change."
        )
    if ReviewStatus.rejected in statuses:
        steps.append(
            "A legal reviewer sent the change back: change it as the reason says, then ask for a "
            "new decision."
        )
    if ReviewStatus.needs_announcement in statuses:
        steps.append(
            "The approved changes need an announcement to users: govern announce draft, submit, "
            "and a release manager approves it."
        )
    if ReviewStatus.announcement_rejected in statuses:
        steps.append(
            "A release manager rejected the announcement: edit it (govern announce edit ID) and "
            "submit it again."
        )
    return steps


_RED, _GREEN, _BOLD, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m"


def format_text(result: CheckResult, *, color: bool = False) -> str:
    """The check as text; ``color`` adds ANSI colours (for a terminal only)."""
    first = headline(result)
    if color:
        first = f"{_BOLD}{_RED if result.verdict == 'fail' else _GREEN}{first}{_RESET}"
    lines = [first, f"  comparing {_sides(result)}"]
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
            lines.extend(_finding_lines(item, color))
    if result.warnings:
        lines.append("")
        lines.append("warnings:")
        lines.extend(f"  - {warning}" for warning in result.warnings)
    steps = next_steps(result)
    if steps:
        lines.append("")
        lines.append("next:")
        lines.extend(f"  - {step}" for step in steps)
    return "\n".join(lines)


def _finding_lines(item: FindingCheck, color: bool = False) -> list[str]:
    finding = item.finding
    where = f":{finding.line}" if finding.line else ""
    mark = f"[{_MARK[item.blocking]}]"
    level = f"{finding.level.value:<9}"
    if color:
        from governance.report.text import paint

        mark = f"{_BOLD}{_RED}{mark}{_RESET}" if item.blocking else mark
        level = paint(level, finding.level, color)
    return [
        f"  {mark} {level} {finding.rule} {finding.path}{where}  {finding.fingerprint}",
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
    steps = next_steps(result)
    if steps:
        lines += ["", "**Next**", ""]
        lines += [f"- {step}" for step in steps]
    return "\n".join(lines) + "\n"

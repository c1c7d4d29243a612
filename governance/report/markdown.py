"""A report as a pull-request comment: a summary table, material first, collapsible details."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from governance.findings import Finding, Level, PolicyReport, Report

_ICONS = {Level.material: "🔴", Level.minor: "🟡", Level.editorial: "⚪"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _cell(text: str) -> str:
    """Text safe inside a table cell or a Markdown line (no injected links, HTML or pipes)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _fence(body: str, language: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{body}\n{fence}"


def _value_block(value: Any) -> str:
    if value is None:
        return "_(none)_"
    if isinstance(value, str):
        return _fence(value, "text")
    return _fence(json.dumps(value, indent=2, ensure_ascii=False), "json")


def _counts(findings: list[Finding]) -> dict[Level, int]:
    counts = dict.fromkeys(Level, 0)
    for finding in findings:
        counts[finding.level] += 1
    return counts


def _finding(finding: Finding, policy: PolicyReport) -> list[str]:
    where = html.escape(finding.path)
    if policy.file and finding.line:
        where += f" ({html.escape(policy.file)}:{finding.line})"
    summary = (
        f"{_ICONS[finding.level]} <b>{html.escape(finding.message)}</b> "
        f"<code>{html.escape(finding.rule)}</code>"
    )
    return [
        "<details>",
        f"<summary>{summary}</summary>",
        "",
        f"**Level:** {finding.level.value} · **Where:** <code>{where}</code> · "
        f"**Fingerprint:** `{finding.fingerprint}`",
        "",
        f"**Why:** {_cell(finding.reason)}",
        "",
        "**Before**",
        "",
        _value_block(finding.before),
        "",
        "**After**",
        "",
        _value_block(finding.after),
        "",
        "</details>",
        "",
    ]


def _headline(report: Report) -> str:
    counts = _counts(report.findings)
    parts = [f"{counts[level]} {level.value}" for level in Level if counts[level]]
    return "## Policy changes: " + (", ".join(parts) if parts else "no findings")


def format_report(report: Report) -> str:
    lines = [_headline(report), ""]
    if report.base is not None or report.head is not None:
        base = report.base.ref if report.base else "(nothing)"
        head = report.head.ref if report.head else "(nothing)"
        commits = [s.commit[:12] for s in (report.base, report.head) if s and s.commit]
        suffix = f" ({' .. '.join(commits)})" if commits else ""
        lines += [f"Comparing `{_cell(base)}` .. `{_cell(head)}`{suffix}.", ""]
    if report.material:
        lines += [
            "> [!IMPORTANT]",
            "> This change contains **material** policy changes: a legal reviewer must approve "
            "each one before merge, and users are told in-app.",
            "",
        ]
    changed = [policy for policy in report.policies if policy.status != "unchanged"]
    if not changed:
        lines.append("No policy changed.")
        return "\n".join(lines) + "\n"
    lines += [
        "| Policy | Status | Material | Minor | Editorial |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for policy in changed:
        counts = _counts(policy.findings)
        lines.append(
            f"| `{_cell(policy.policy)}` | {policy.status_text} | {counts[Level.material]} | "
            f"{counts[Level.minor]} | {counts[Level.editorial]} |"
        )
    lines.append("")
    for level in Level:
        entries = [
            (finding, policy)
            for policy in changed
            for finding in policy.findings
            if finding.level is level
        ]
        if not entries:
            continue
        lines += [f"### {level.value.capitalize()} ({len(entries)})", ""]
        many = len(changed) > 1
        current: str | None = None
        for finding, policy in entries:
            if many and policy.policy != current:
                current = policy.policy
                lines += [f"**`{_cell(policy.policy)}`**", ""]
            lines += _finding(finding, policy)
    return "\n".join(lines).rstrip("\n") + "\n"

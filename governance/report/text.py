"""A report as text for a terminal or CI log: by policy, material first, levels in words."""

from __future__ import annotations

import textwrap

from governance.findings import Finding, Level, PolicyReport, Report

_COLOURS = {Level.material: "\x1b[1;31m", Level.minor: "\x1b[33m", Level.editorial: "\x1b[2m"}
_RESET = "\x1b[0m"
_WIDTH = 100
_INDENT = " " * 4


def counts_words(counts: dict[str, int]) -> str:
    parts = [f"{counts[level.value]} {level.value}" for level in Level if counts.get(level.value)]
    return ", ".join(parts) if parts else "no findings"


def _sides(report: Report) -> str | None:
    if report.base is None and report.head is None:
        return None

    def side(ref: str, commit: str | None) -> str:
        return f"{ref} ({commit[:12]})" if commit and commit != ref else ref

    base = side(report.base.ref, report.base.commit) if report.base else "(nothing)"
    head = side(report.head.ref, report.head.commit) if report.head else "(nothing)"
    return f"comparing {base} .. {head}"


def paint(text: str, level: Level, color: bool) -> str:
    return f"{_COLOURS[level]}{text}{_RESET}" if color else text


def _finding_lines(finding: Finding, file: str | None, color: bool, why: bool) -> list[str]:
    label = paint(f"{finding.level.value.upper():<9}", finding.level, color)
    lines = [f"  {label} {finding.message}"]
    where = finding.path
    if file and finding.line:
        where += f"  ({file}:{finding.line})"
    lines.append(f"{_INDENT}{' ' * 7}{finding.rule} at {where}")
    if why:
        lines.extend(
            textwrap.wrap(
                f"Why: {finding.reason}",
                width=_WIDTH,
                initial_indent=_INDENT + " " * 7,
                subsequent_indent=_INDENT + " " * 12,
            )
        )
    lines.append(f"{_INDENT}{' ' * 7}fingerprint {finding.fingerprint}")
    return lines


def _policy_lines(policy: PolicyReport, color: bool) -> list[str]:
    counts = {level.value: 0 for level in Level}
    for finding in policy.findings:
        counts[finding.level.value] += 1
    header = f"{policy.policy} ({policy.status_text}): {counts_words(counts)}"
    lines = [header]
    ordered = sorted(policy.findings, key=lambda f: (-f.level.rank, f.path, f.rule))
    explained: set[str] = set()
    for finding in ordered:
        # a rule's reason is long: say it once per policy, unless a finding has its own
        why = finding.reason not in explained
        explained.add(finding.reason)
        lines.extend(_finding_lines(finding, policy.file, color, why))
    return lines


def format_report(report: Report, *, color: bool = False) -> str:
    """The report as text; ``color`` adds ANSI colours (for a terminal only)."""
    lines: list[str] = []
    sides = _sides(report)
    if sides:
        lines.append(sides)
    changed = [policy for policy in report.policies if policy.status != "unchanged"]
    unchanged = len(report.policies) - len(changed)
    if not changed:
        lines.append("No policy changed." if not report.policies or unchanged else "No changes.")
        return "\n".join(lines) + "\n"
    for policy in changed:
        if lines:
            lines.append("")
        lines.extend(_policy_lines(policy, color))
    lines.append("")
    summary = f"{len(changed)} polic{'y' if len(changed) == 1 else 'ies'} changed"
    if unchanged:
        summary += f", {unchanged} unchanged"
    summary += f": {counts_words(report.summary)}."
    if report.material:
        summary += " Material changes need a legal review (`govern check`)."
    lines.append(summary)
    return "\n".join(lines) + "\n"

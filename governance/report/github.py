"""``govern check --format github``: GitHub Actions workflow commands that annotate the PR.

``::error`` for each finding that blocks the change, ``::warning`` for minor findings, stale
records and records that do not count, ``::notice`` for reviewed material findings. Each points at
the policy file and line (or the record file).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from governance.findings import Level

if TYPE_CHECKING:
    from governance.check import CheckResult


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    kind: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command line, escaped the way the Actions runner unescapes it."""
    properties = []
    if file:
        properties.append(f"file={_property(file)}")
        properties.append(f"line={line or 1}")
    if title:
        properties.append(f"title={_property(title)}")
    head = f"::{kind}" + (" " + ",".join(properties) if properties else "")
    return f"{head}::{_data(message)}"


def format_check(result: CheckResult) -> str:
    lines = [
        command("error", item.describe(), file=item.file, line=1, title="govern: integrity")
        for item in result.integrity
    ]
    for item in result.findings:
        finding = item.finding
        title = f"{finding.level.value}: {finding.rule} ({finding.fingerprint})"
        message = f"{item.policy.policy} {finding.path}: {finding.message}\n{item.explanation()}"
        if item.blocking:
            kind = "error"
        elif finding.level is Level.material:
            kind = "notice"
        elif finding.level is Level.minor:
            kind = "warning"
        else:
            continue  # editorial: nothing to annotate
        lines.append(command(kind, message, file=item.policy.file, line=finding.line, title=title))
    for record in result.stale:
        lines.append(
            command(
                "warning",
                f"stale review record: {record.decision.value} by {record.reviewer} matches no "
                "finding of this change (the change was edited after the decision?)",
                file=record.file,
                line=1,
                title="govern: stale review record",
            )
        )
    for entry in result.ignored:
        lines.append(
            command(
                "warning",
                f"review record not counted: {entry.reason}",
                file=entry.record.file,
                line=1,
                title="govern: review record not counted",
            )
        )
    shown = {entry.record.file for entry in result.ignored} | {r.file for r in result.stale}
    for warning in result.warnings:
        if not any(name and name in warning for name in shown):
            lines.append(command("warning", warning, title="govern"))
    from governance.report.check_text import headline

    summary = headline(result)
    if result.stale:
        count = len(result.stale)
        summary += (
            f"; {count} review record{'s' if count != 1 else ''} no longer "
            f"match{'es' if count == 1 else ''} the change (it was edited after the decision)"
        )
    lines.append(summary)
    return "\n".join(lines)

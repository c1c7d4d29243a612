"""Report formatters: each module turns a report (or a check result) into one output format.

``text``, ``json`` and ``markdown`` format a :class:`~governance.findings.Report` with
``format_report(report) -> str``; the check formatters (``github``, ``junit``, ``sarif``,
``check_text``) format a check result.
"""

from __future__ import annotations

from governance.findings import Report

REPORT_FORMATS = ("text", "json", "markdown")


def format_report(report: Report, fmt: str = "text", *, color: bool = False) -> str:
    """The report in one of :data:`REPORT_FORMATS` (``color`` only applies to text)."""
    if fmt == "text":
        from governance.report.text import format_report as text

        return text(report, color=color)
    if fmt == "json":
        from governance.report.json import format_report as as_json

        return as_json(report)
    if fmt == "markdown":
        from governance.report.markdown import format_report as markdown

        return markdown(report)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(REPORT_FORMATS)}")

"""A report as the public JSON object ``govern.report/1`` (docs/report.md)."""

from __future__ import annotations

import json

from governance.findings import Report


def format_report(report: Report) -> str:
    return json.dumps(report.to_json_data(), indent=2, ensure_ascii=False) + "\n"

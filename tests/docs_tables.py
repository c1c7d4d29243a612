"""The parts of docs/ that are generated from the code, so they cannot drift from it.

``docs/rules.md`` holds the rule catalogue between two markers, written from
``govern rules --format json`` (the registry of a repository with no plugins). tests/test_docs.py
fails when it is out of date; rewrite it with:

    python tests/docs_tables.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RULES_DOC = PROJECT_ROOT / "docs" / "rules.md"
BEGIN = "<!-- rules: generated from `govern rules --format json` by tests/docs_tables.py -->"
END = "<!-- rules: end -->"
AREAS = {
    "recipients": "Recipients and sharing",
    "purposes": "Purposes",
    "items": "Cookies and other storage",
    "retention": "Retention",
    "consent": "Consent and user controls",
    "commitments": "Promises to users",
    "prose": "What the text says",
    "metadata": "Wording and contact details",
}


def registered_rules() -> list[dict[str, Any]]:
    """Every rule of the registry, as `govern rules --format json` lists it."""
    with tempfile.TemporaryDirectory() as empty:
        completed = subprocess.run(
            [sys.executable, "-m", "governance", "rules", "--format", "json", "--repo", empty],
            capture_output=True,
            text=True,
            check=True,
        )
    rules: list[dict[str, Any]] = json.loads(completed.stdout)["rules"]
    return rules


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def rules_block(rules: list[dict[str, Any]]) -> str:
    """The catalogue as Markdown: one table per area, most consequential areas first."""
    order = list(AREAS)
    areas = sorted(
        {rule["area"] for rule in rules},
        key=lambda area: (order.index(area) if area in order else len(order), area),
    )
    lines = [BEGIN, ""]
    for area in areas:
        lines += [f"### {AREAS.get(area, area.title())}", ""]
        lines += ["| rule | default level | fires when | why (source) |"]
        lines += ["| --- | --- | --- | --- |"]
        for rule in sorted(
            (r for r in rules if r["area"] == area),
            key=lambda r: (
                {"material": 0, "minor": 1, "editorial": 2}[r["default_level"]],
                r["id"],
            ),
        ):
            lines.append(
                f"| `{rule['id']}` | {rule['default_level']} | {_cell(rule['description'])} "
                f"| {_cell(rule['rationale'])} |"
            )
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def current_block(text: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[start:end]


def main() -> None:
    text = RULES_DOC.read_text(encoding="utf-8")
    updated = text.replace(current_block(text), rules_block(registered_rules()))
    RULES_DOC.write_text(updated, encoding="utf-8")
    print(f"wrote {RULES_DOC.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()

"""The report formats: text (by policy, material first), CONTRACT JSON, Markdown PR comment."""

from __future__ import annotations

import json
import re

import pytest
from diff_helpers import HOTJAR, Data, drop, edited, entry, mitpo_data

from governance.compare import classify
from governance.config import Config
from governance.findings import Report, Side
from governance.model import Policy
from governance.report import format_report


def change(data: Data) -> None:
    data["recipients"].append(dict(HOTJAR))
    drop(data, "items", "theme")
    data["last_updated"] = "2026-06-01"


def report_of(edit=change, **sides: Side) -> Report:  # noqa: ANN001
    old, new = edited(edit)
    policy = classify(
        "mitpo/cookies-and-tracking",
        Policy.model_validate(old),
        Policy.model_validate(new),
        Config(),
        file="policies/mitpo/cookies-and-tracking.yaml",
    )
    unchanged = classify("other", Policy.model_validate(old), Policy.model_validate(old), Config())
    return Report(policies=[policy, unchanged], **sides)


def test_json_is_the_contract_shape() -> None:
    report = report_of(
        base=Side(ref="main", commit="a" * 40), head=Side(ref="HEAD", commit="b" * 40)
    )
    data = json.loads(format_report(report, "json"))
    assert set(data) == {"schema", "base", "head", "policies", "summary", "material"}
    assert data["schema"] == "govern.report/1"
    assert data["base"] == {"ref": "main", "commit": "a" * 40}
    assert data["summary"] == {"material": 1, "minor": 1, "editorial": 1}
    assert data["material"] is True
    policy = data["policies"][0]
    assert set(policy) == {"policy", "status", "findings"}
    finding = policy["findings"][0]
    assert set(finding) == {
        "rule",
        "level",
        "path",
        "message",
        "reason",
        "before",
        "after",
        "fingerprint",
    }
    assert finding["rule"] == "third-party-added" and finding["level"] == "material"
    assert finding["before"] is None and finding["after"]["name"] == "Hotjar"
    assert len(finding["fingerprint"]) == 12
    assert data["policies"][1] == {"policy": "other", "status": "unchanged", "findings": []}


def test_json_for_two_plain_files_has_null_sides() -> None:
    data = json.loads(format_report(report_of(), "json"))
    assert data["base"] is None and data["head"] is None


def test_text_groups_by_policy_material_first_levels_in_words() -> None:
    text = format_report(report_of(), "text")
    assert "\x1b[" not in text
    assert text.index("MATERIAL") < text.index("MINOR") < text.index("EDITORIAL")
    assert "mitpo/cookies-and-tracking (modified): 1 material, 1 minor, 1 editorial" in text
    assert "New third party Hotjar receives browsing history" in text
    assert "1 policy changed, 1 unchanged" in text
    assert "Material changes need a legal review" in text


def test_text_colour_only_when_asked() -> None:
    coloured = format_report(report_of(), "text", color=True)
    assert "\x1b[1;31mMATERIAL" in coloured


def test_text_without_changes() -> None:
    report = Report(policies=[])
    assert format_report(report, "text").strip() == "No policy changed."


def test_markdown_is_a_pr_comment() -> None:
    markdown = format_report(report_of(), "markdown")
    assert markdown.startswith("## Policy changes: 1 material, 1 minor, 1 editorial")
    assert "| `mitpo/cookies-and-tracking` | modified | 1 | 1 | 1 |" in markdown
    assert "`other`" not in markdown  # unchanged policies stay out of the table
    assert (
        markdown.index("### Material")
        < markdown.index("### Minor")
        < markdown.index("### Editorial")
    )
    assert markdown.count("<details>") == 3 == markdown.count("</details>")
    assert "[!IMPORTANT]" in markdown
    assert '"name": "Hotjar"' in markdown  # the after value, as JSON


def test_markdown_escapes_what_policy_authors_wrote() -> None:
    def hostile(data: Data) -> None:
        data["recipients"].append(
            {**HOTJAR, "id": "evil", "name": "<img src=x onerror=alert(1)> ```"}
        )

    markdown = format_report(report_of(hostile), "markdown")
    outside_fences = re.sub(r"(`{3,})json\n.*?\n\1", "", markdown, flags=re.S)
    assert "<img" not in outside_fences
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown
    # the before/after fence is longer than any backtick run inside it
    assert "````json" in markdown


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        format_report(report_of(), "yaml")


def test_minor_only_report_is_not_material() -> None:
    def minor(data: Data) -> None:
        entry(data, "items", "theme")["name"] = "Colour theme"

    report = report_of(minor)
    assert report.material is False
    assert "[!IMPORTANT]" not in format_report(report, "markdown")
    assert json.loads(format_report(report, "json"))["material"] is False
    assert mitpo_data()  # the fixture policy is untouched

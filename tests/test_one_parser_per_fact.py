"""One reader per fact: every part of govern reads a duration or a date the same way."""

from __future__ import annotations

from datetime import date

import pytest

from governance.formats._md_facts import normalise_retention
from governance.formats.markdown_format import parse_date, parse_markdown
from governance.model import retention_days
from governance.prose.claims import analyse_sentence

YEAR = 365.25


@pytest.mark.parametrize(
    ("written", "days"),
    [
        ("1,5 years", 1.5 * YEAR),
        ("1.5 years", 1.5 * YEAR),
        ("13 months", 13 * 30.4375),
        ("two weeks", 14.0),
        ("1,000 days", 1000.0),
        ("1 to 30 days", 30.0),
        ("13 mois", 13 * 30.4375),
    ],
)
def test_a_duration_reads_the_same_in_a_cell_a_value_and_a_sentence(
    written: str, days: float
) -> None:
    cell = normalise_retention(written)
    assert cell is not None and retention_days(cell) == pytest.approx(days)
    [claimed] = analyse_sentence(f"We keep this data for {written}.").retention
    assert claimed.days == pytest.approx(days)


def test_a_stated_retention_with_a_decimal_comma_validates() -> None:
    assert retention_days("1,5 years") == pytest.approx(1.5 * YEAR)


def test_numeric_dates_on_a_european_page_put_the_day_first() -> None:
    assert parse_date("11/04/2024") == date(2024, 11, 4)  # a page that does not tell
    assert parse_date("11/04/2024", day_first=True) == date(2024, 4, 11)
    european = "# Cookie policy\n\nLast updated: 11/04/2024\n\nWe follow the GDPR.\n"
    assert parse_markdown(european, "eu.md").last_updated == date(2024, 4, 11)
    american = "# Cookie policy\n\nLast updated: 11/04/2024\n\nCalifornia residents: see below.\n"
    assert parse_markdown(american, "us.md").last_updated == date(2024, 11, 4)


def test_french_month_names() -> None:
    assert parse_date("20 septembre 2021") == date(2021, 9, 20)


# ---- references ------------------------------------------------------------------------------

REFERENCING = """\
title: Cookies
owner: Quillbank
sections:
  - id: analytics
    title: Analytics
items:
  - id: qb-metrics
    name: qb_metrics
    section: analytics
    provider: Quillbank
    category: analytics
    consent: opt-in
  - id: ga
    name: _ga
    section: {section}
    provider: {provider}
    category: analytics
    consent: opt-in
"""


@pytest.mark.parametrize(
    ("section", "provider", "field", "line", "words"),
    [
        ("analytics", "google", "items[ga].provider", 16, "provider 'google' is neither"),
        ("stats", "Quillbank", "items[ga].section", 15, "section 'stats' is not a section"),
    ],
)
def test_validate_checks_references(
    section: str, provider: str, field: str, line: int, words: str
) -> None:
    from governance.errors import PolicyError
    from governance.formats.yaml_format import parse_yaml

    with pytest.raises(PolicyError) as caught:
        parse_yaml(REFERENCING.format(section=section, provider=provider), "p.yaml")
    error = caught.value
    assert words in str(error)
    assert (error.field, error.line) == (field, line)

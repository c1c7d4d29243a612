"""Findings quote the policy as it is written: characters and parentheses are not altered."""

from __future__ import annotations

from governance.compare import classify
from governance.config import Config
from governance.findings import Level
from governance.formats.markdown_format import parse_markdown

PAGE = "# Cookies at Quillbank\n\n## Sharing\n\nWe use cookies to keep you signed in.\n"


def test_a_quoted_sentence_keeps_its_typographic_characters_and_parentheses() -> None:
    sentence = (
        "We share your browsing data with Zentrack Ltd (our “measurement partner”) — "
        "for ad attribution."
    )
    new = PAGE + f"\n{sentence}\n"
    report = classify("q", parse_markdown(PAGE, "a.md"), parse_markdown(new, "b.md"), Config())
    quoted = [f.message for f in report.findings if f.level is Level.material]
    assert quoted and any(sentence in message for message in quoted), quoted


def test_quote_styles_alone_are_not_a_change_of_wording() -> None:
    old = PAGE + '\nWe never sell your "browsing data".\n'
    new = PAGE + "\nWe never sell your “browsing data”.\n"
    report = classify("q", parse_markdown(old, "a.md"), parse_markdown(new, "b.md"), Config())
    assert {f.level for f in report.findings} <= {Level.editorial}

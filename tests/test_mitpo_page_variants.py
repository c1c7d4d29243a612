"""MITPO's published page, edited the way a product team would, classified by meaning.

Each case is an edit of the page as legal publishes it (plain text with "•" bullets, read by the
Markdown reader) and the rules that must — and must not — fire. This is the promise of the seed
page: material changes, "especially anything that would share data with a third party", are caught;
rewording is not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from governance.compare import classify
from governance.config import Config
from governance.findings import Level
from governance.formats.markdown_format import parse_markdown

SEED = (Path(__file__).parent / "data" / "mitpo_seed_page.txt").read_text(encoding="utf-8")

ANALYTICS_SENTENCE = "and are not shared with advertising networks."
TELEMETRY = "  • Anonymized event telemetry (which buttons are clicked, where funnels drop off)."
PAGE_VIEWS = "  • Page views and route transitions (no ad-network fan-out)."
SESSION = "  • Session cookie — keeps you logged in across pages."
CSRF = "  • CSRF token — protects form submissions against cross-site request forgery."

CASES: dict[str, tuple[list[tuple[str, str]], set[str]]] = {
    # edits (old → new), and the rules of the material findings
    "a session-replay vendor in analytics": (
        [
            (
                TELEMETRY,
                TELEMETRY + "\n  • Session recordings by Hotjar, so we see where people stall.",
            )
        ],
        {"tracking-item-added"},
    ),
    "analytics shared with advertising partners": (
        [
            (
                ANALYTICS_SENTENCE,
                "and are shared with our advertising partners to measure campaigns.",
            )
        ],
        {"commitment-removed", "sharing-expanded"},
    ),
    "usage data may be sold": (
        [
            (
                "We measure product usage so we can improve it.",
                "We measure product usage so we can improve it, and we may sell aggregated usage "
                "data to partners.",
            )
        ],
        {"sharing-expanded"},
    ),
    "Do Not Track no longer respected": (
        [
            (
                ' Browser-level "Do Not Track" signals are respected where analytics toggles '
                "support them.",
                "",
            )
        ],
        {"consent-weakened"},
    ),
    "preferences synced to servers": (
        [("and never leave your device.", "and are synced to our servers so they follow you.")],
        {"commitment-removed", "data-leaves-device"},
    ),
    "a support-chat vendor": (
        [
            (
                "Billing\n",
                "Support Chat\n\nWe use Intercom to provide in-app support chat. Intercom sets "
                "cookies to recognise returning visitors.\n\nBilling\n",
            )
        ],
        {"third-party-added"},
    ),
    "no more in-app announcement": (
        [(" and, for material changes, we announce the update in-app.", ".")],
        {"commitment-removed"},
    ),
    "an ad network after all": (
        [("we do not run an ad network", "we run an ad network")],
        {"commitment-removed"},
    ),
    "Google Analytics for page views": (
        [
            (
                PAGE_VIEWS,
                "  • Page views and route transitions, measured with Google Analytics (_ga).",
            )
        ],
        {"third-party-added"},
    ),
    "the session cookie becomes persistent": (
        [(SESSION, "  • Session cookie — keeps you logged in across pages for 90 days.")],
        {"retention-extended"},
    ),
    "a typo, a reworded sentence and a new date": (
        [
            ("so we can improve it.", "so that we can improve it."),
            ("Last updated: April 20, 2026", "Last updated: May 3, 2026"),
        ],
        set(),
    ),
    "bullets reordered": (
        [(SESSION + "\n" + CSRF, CSRF + "\n" + SESSION)],
        set(),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_page_edited(case: str) -> None:
    edits, expected = CASES[case]
    edited = SEED
    for old, new in edits:
        assert old in edited, f"the fixture page no longer says {old!r}"
        edited = edited.replace(old, new)
    report = classify(
        "mitpo/cookies-and-tracking",
        parse_markdown(SEED, "before.md"),
        parse_markdown(edited, "after.md"),
        Config(),
    )
    material = {f.rule for f in report.findings if f.level is Level.material}
    if expected:
        assert expected <= material, [f.message for f in report.findings]
    else:
        assert material == set(), [f.message for f in report.findings if f.level is Level.material]


def test_sharing_words_in_a_section_do_not_make_its_items_third_party() -> None:
    edited = SEED.replace(
        ANALYTICS_SENTENCE, "and are shared with our advertising partners to measure campaigns."
    )
    report = classify(
        "mitpo/cookies-and-tracking",
        parse_markdown(SEED, "before.md"),
        parse_markdown(edited, "after.md"),
        Config(),
    )
    assert [f.path for f in report.findings if f.path.endswith("/party")] == []

"""Prose changes in Markdown policies, classified end to end (parse → diff → rules).

Every row of DESIGN.md's materiality table as a Markdown edit of the MITPO page, the editorial
edits (typos, reordering, quotes, spaces, links, dates, heading levels) that must stay
editorial, and rewordings of the MITPO sentences that must not read as new meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from prose_helpers import MITPO_MARKDOWN, describe, edited, findings, material, rules

from governance.compare import classify
from governance.config import Config
from governance.findings import Finding, Level
from governance.formats import parse_policy

ANALYTICS_START = "We measure product usage so we can improve it."
METRICS_ROW = (
    "| mitpo_metrics | MITPO | Analytics | Counts page views for product decisions | 13 months |"
)


@dataclass(frozen=True)
class Row:
    name: str
    old: str
    new: str
    rule: str
    level: Level
    mentions: str = ""  # a word the finding's message must contain
    base: tuple[str, str] | None = None  # an edit made to both versions first


def _add(sentence: str, after: str = ANALYTICS_START) -> tuple[str, str]:
    return after, f"{after} {sentence}"


MATERIALITY_TABLE = [
    Row(
        "new third party receives data",
        *_add("We use Hotjar to record sessions."),
        "third-party-added",
        Level.material,
        "Hotjar",
    ),
    Row(
        "new third party named in prose with a telling verb",
        *_add("Page views are also shared with Zylo Insights."),
        "third-party-added",
        Level.material,
        "Zylo",
    ),
    Row(
        "existing recipient starts advertising",
        "only Stripe’s customer ID.",
        "only Stripe’s customer ID. Stripe also uses this data for personalised advertising.",
        "sharing-expanded",
        Level.material,
        "Stripe",
    ),
    Row(
        "recipients start receiving data for ads",
        *_add("We share analytics events with advertising partners."),
        "sharing-expanded",
        Level.material,
        "advertisers",
    ),
    Row(
        "data is sold",
        *_add("We may sell aggregated usage data."),
        "sharing-expanded",
        Level.material,
        "sold",
    ),
    Row(
        "new purpose: AI training",
        *_add("We also use analytics events to train our AI models."),
        "purpose-added",
        Level.material,
        "AI training",
    ),
    Row(
        "new purpose: profiling",
        *_add("We build interest profiles from the pages you view."),
        "purpose-added",
        Level.material,
        "profiling",
    ),
    Row(
        "new analytics cookie",
        METRICS_ROW,
        METRICS_ROW
        + "\n| mitpo_ab | MITPO | Analytics | Assigns you to A/B experiments | 1 year |",
        "tracking-item-added",
        Level.material,
        "mitpo_ab",
    ),
    Row(
        "item moved into strictly necessary",
        METRICS_ROW,
        METRICS_ROW.replace("| Analytics |", "| Strictly necessary |"),
        "consent-weakened",
        Level.material,
        "strictly necessary",
    ),
    Row(
        "vendor swap for the same purpose",
        "monitoring is provided by Sentry, which",
        "monitoring is provided by Bugsnag, which",
        "third-party-added",
        Level.material,
        "Bugsnag",
    ),
    Row(
        "new transfer to a third country",
        *_add("Analytics events are stored on servers in the United States."),
        "transfer-added",
        Level.material,
        "United States",
    ),
    Row(
        "Do Not Track dropped",
        ' Browser-level\n"Do Not Track" signals are respected where analytics toggles support '
        "them.",
        "",
        "consent-weakened",
        Level.material,
        "Do Not Track",
    ),
    Row(
        "Do Not Track no longer honoured",
        'Browser-level\n"Do Not Track" signals are respected where analytics toggles support them.',
        'We do not respond to browser-level "Do Not Track" signals.',
        "consent-weakened",
        Level.material,
        "Do Not Track",
    ),
    Row(
        "Global Privacy Control dropped",
        " We honour the Global Privacy Control.",
        "",
        "consent-weakened",
        Level.material,
        "Global Privacy Control",
        base=("site-data controls.", "site-data controls. We honour the Global Privacy Control."),
    ),
    Row(
        "default flipped to on",
        "Analytics is off by default.",
        "Analytics is on by default.",
        "consent-weakened",
        Level.material,
        "default",
    ),
    Row(
        "opt-out path changed",
        "in Settings > Privacy > Analytics.",
        "by writing to privacy@mitpo.example.",
        "consent-weakened",
        Level.material,
        "opt out",
        base=(
            "You can clear cookies and localStorage",
            "You can opt out of analytics in Settings > Privacy > Analytics. You can clear "
            "cookies and localStorage",
        ),
    ),
    Row(
        "new data category collected",
        *_add("We also collect your precise location."),
        "data-category-added",
        Level.material,
        "precise location",
    ),
    Row(
        "retention lengthened in prose",
        "Analytics cookies are kept for 13 months.",
        "Analytics cookies are kept for 25 months.",
        "retention-extended",
        Level.material,
        "25 months",
    ),
    Row(
        "session becomes persistent in a table",
        "| Keeps you logged in | Session |",
        "| Keeps you logged in | Persistent |",
        "retention-extended",
        Level.material,
        "mitpo_session",
    ),
    Row(
        "a promise removed: never leaves the device",
        " and never leave your device.",
        ".",
        "commitment-removed",
        Level.material,
        "device",
    ),
    Row(
        "a promise negated: not shared with advertising networks",
        "are not shared with\nadvertising networks.",
        "are shared with\nadvertising partners.",
        "sharing-expanded",
        Level.material,
        "advertisers",
    ),
    Row(
        "a promise removed: we announce changes in-app",
        "this page is updated and, for material changes,\nwe announce the update in-app.",
        "this page is updated.",
        "commitment-removed",
        Level.material,
        "",
    ),
    Row(
        "data now leaves the device",
        "and never leave your device.",
        "and are synced to our servers.",
        "data-leaves-device",
        Level.material,
        "",
    ),
    Row(
        "scope widened to apps and partner sites",
        "protect the service from abuse on our website.",
        "protect the service from abuse on our website, mobile apps and partner sites.",
        "scope-widened",
        Level.material,
        "mobile apps",
    ),
    Row(
        "item moved from necessary to consent-gated",
        "| mitpo_csrf | MITPO | Strictly necessary |",
        "| mitpo_csrf | MITPO | Functional |",
        "consent-strengthened",
        Level.minor,
        "",
    ),
    Row(
        "item removed",
        "\n| mitpo_csrf | MITPO | Strictly necessary | Protects form submissions | Session |",
        "",
        "tracking-item-removed",
        Level.minor,
        "mitpo_csrf",
    ),
    Row(
        "retention shortened in prose",
        "Analytics cookies are kept for 13 months.",
        "Analytics cookies are kept for 6 months.",
        "retention-shortened",
        Level.minor,
        "6 months",
    ),
    Row(
        "contact details changed",
        "privacy@mitpo.example",
        "dpo@mitpo.example",
        "contact-changed",
        Level.minor,
        "dpo@mitpo.example",
    ),
    Row(
        "item renamed, same provider and purpose",
        "| mitpo_csrf |",
        "| mitpo_xsrf |",
        "tracking-item-renamed",
        Level.minor,
        "",
    ),
]


def _name(row: object) -> str:
    return row.name if isinstance(row, Row) else str(row)


@pytest.mark.parametrize("row", MATERIALITY_TABLE, ids=_name)
def test_materiality_table_in_markdown(row: Row) -> None:
    page = edited(*row.base) if row.base else MITPO_MARKDOWN
    found = findings(page, edited(row.old, row.new, page))
    matching = [f for f in found if f.rule == row.rule and f.level is row.level]
    assert matching, f"expected {row.level.value} {row.rule}, got:\n{describe(found)}"
    if row.mentions:
        assert any(row.mentions.casefold() in f.message.casefold() for f in matching), describe(
            found
        )
    if row.level is Level.minor:
        assert not material(found), describe(found)


def test_hotjar_is_named_once_not_twice() -> None:
    found = findings(MITPO_MARKDOWN, edited(*_add("We use Hotjar to record sessions.")))
    hotjar = [f for f in found if f.rule == "third-party-added" and "Hotjar" in f.message]
    assert len(hotjar) == 1, describe(found)
    # what the sentence says besides (session recordings) is not a finding of its own
    assert len(material(found)) == 1, describe(found)


def test_negated_promise_is_material_twice_over() -> None:
    """Reversing "not shared with advertising networks" removes a promise and adds sharing."""
    found = findings(
        MITPO_MARKDOWN,
        edited(
            "are not shared with\nadvertising networks.", "are shared with\nadvertising partners."
        ),
    )
    assert {"commitment-removed", "sharing-expanded"} <= rules(found, Level.material), describe(
        found
    )


CLOUDFLARE_ROW = (
    "| __cf_bm | Cloudflare | Strictly necessary | Distinguishes bots from people | 30 minutes |"
)


@pytest.mark.parametrize("category", ["Functional", "Analytics"])
def test_third_party_item_moved_to_consent_gated_is_minor(category: str) -> None:
    """The recipient's data uses, read from its item's category, follow the move too."""
    page = edited(METRICS_ROW, f"{METRICS_ROW}\n{CLOUDFLARE_ROW}")
    found = findings(
        page, edited("| Cloudflare | Strictly necessary |", f"| Cloudflare | {category} |", page)
    )
    assert "consent-strengthened" in rules(found, Level.minor), describe(found)
    assert not material(found), describe(found)


def test_third_party_item_moved_to_advertising_is_still_more_sharing() -> None:
    page = edited(METRICS_ROW, f"{METRICS_ROW}\n{CLOUDFLARE_ROW}")
    found = findings(
        page, edited("| Cloudflare | Strictly necessary |", "| Cloudflare | Marketing |", page)
    )
    assert [(f.rule, f.path) for f in material(found)] == [
        ("sharing-expanded", "recipients/cloudflare/data_uses")
    ], describe(found)


def test_telling_users_in_the_app_is_not_tracking_in_apps() -> None:
    """Where an announcement is shown is no new scope of tracking; a new app still is."""
    announce = "we announce the update in-app."
    found = findings(MITPO_MARKDOWN, edited(announce, "we tell you about the update in the app."))
    assert not material(found), describe(found)
    found = findings(
        MITPO_MARKDOWN,
        edited(announce, "we tell you in the app. We now also use cookies in our mobile apps."),
    )
    assert "scope-widened" in rules(found, Level.material), describe(found)


# --- editorial edits ----------------------------------------------------------------------------

EDITORIAL = {
    "typo fixed": ("We measure product usage", "We measure prodcut usage"),
    "sentences reordered": (
        "We measure product usage so we can improve it. Analytics is off by default.",
        "Analytics is off by default. We measure product usage so we can improve it.",
    ),
    "curly quotes to straight": ("Stripe’s own cookie policy", "Stripe's own cookie policy"),
    "non-breaking space": ("We measure product usage", "We measure product\u00a0usage"),
    "link target changed": (
        "Questions about this page: privacy@mitpo.example.",
        "Questions about this [page](https://mitpo.example/legal/cookies): privacy@mitpo.example.",
    ),
    "date changed": ("_Last updated: April 20, 2026_", "_Last updated: 20 April 2026_"),
    "heading level changed": ("## Analytics", "### Analytics"),
    "emphasis added": ("Analytics is off by default.", "Analytics is **off by default**."),
    "line wrapping changed": (
        "These cookies are required for the site to work. Disabling them will break "
        "authentication and core\nfunctionality.",
        "These cookies are required for the site to work.\nDisabling them will break "
        "authentication and core functionality.",
    ),
    "British to American spelling": ("events are minimized", "events are minimised"),
    "rewording without new meaning": (
        "We measure product usage so we can improve it.",
        "We look at how the product is used so that we can make it better.",
    ),
}


@pytest.mark.parametrize(("old", "new"), EDITORIAL.values(), ids=EDITORIAL.keys())
def test_editorial_edits_stay_editorial(old: str, new: str) -> None:
    found = findings(MITPO_MARKDOWN, edited(old, new))
    assert all(f.level is Level.editorial for f in found), describe(found)
    assert rules(found) <= {"text-changed"}, describe(found)


def test_a_changed_section_gets_one_editorial_finding_with_the_word_diff() -> None:
    found = findings(MITPO_MARKDOWN, edited("We measure product usage", "We measure prodcut usage"))
    assert [(f.rule, f.path) for f in found] == [("text-changed", "sections/analytics")]
    assert "removed \u201cproduct\u201d, added \u201cprodcut\u201d" in found[0].message
    assert "[-" not in found[0].message and "{+" not in found[0].message  # no git jargon
    assert "product" in found[0].before and "prodcut" in found[0].after


def test_editorial_fingerprint_is_stable_and_follows_the_change() -> None:
    first = findings(MITPO_MARKDOWN, edited("We measure product usage", "We measure prodcut usage"))
    again = findings(MITPO_MARKDOWN, edited("We measure product usage", "We measure prodcut usage"))
    other = findings(MITPO_MARKDOWN, edited("We measure product usage", "We measure produtc usage"))
    assert first[0].fingerprint == again[0].fingerprint != other[0].fingerprint


# --- rewordings of the MITPO sentences ----------------------------------------------------------

PARAPHRASES = {
    "no ad network, contracted": (
        "we do not run an ad network on top of\ncustomer visits.",
        "we don't operate an ad network on top of\ncustomer visits.",
    ),
    "device: stays instead of never leaves": (
        "and never leave your device.",
        "and stay on your device; they are never sent to our servers.",
    ),
    "not shared → never shared with ad networks": (
        "are not shared with\nadvertising networks.",
        "are never shared with\nad networks.",
    ),
    "announce → tell you in the app": (
        "we announce the update in-app.",
        "we tell you about the update in the app.",
    ),
    "Do Not Track in active voice": (
        'Browser-level\n"Do Not Track" signals are respected where analytics toggles support them.',
        'We honour browser-level\n"Do Not Track" signals where analytics toggles support them.',
    ),
    "card data: do not → never": (
        "We do not receive card data from\nthose cookies",
        "We never receive card data from\nthose cookies",
    ),
    "Sentry in the passive": (
        "Error and performance monitoring is provided by Sentry, which receives device data to "
        "report\ncrashes.",
        "Sentry provides our error and performance monitoring and receives device data to report "
        "crashes.",
    ),
}


@pytest.mark.parametrize(("old", "new"), PARAPHRASES.values(), ids=PARAPHRASES.keys())
def test_rewording_a_promise_is_not_material(old: str, new: str) -> None:
    found = findings(MITPO_MARKDOWN, edited(old, new))
    assert not material(found), describe(found)


# --- the structured (YAML) form: prose fields of the bundled policy -----------------------------


def _yaml_findings(mitpo_policy_text: str, old: str, new: str) -> list[Finding]:
    assert old in mitpo_policy_text
    before = parse_policy(mitpo_policy_text, "old.yaml")
    after = parse_policy(mitpo_policy_text.replace(old, new, 1), "new.yaml")
    return classify("mitpo/cookies-and-tracking", before, after, Config()).findings


def test_yaml_section_prose_is_read_too(mitpo_policy_text: str) -> None:
    found = _yaml_findings(
        mitpo_policy_text,
        "We measure product usage so we can improve it.",
        "We measure product usage so we can improve it. We use Hotjar to record sessions.",
    )
    assert [(f.rule, f.path) for f in material(found)] == [
        ("third-party-added", "sections/analytics")
    ], describe(found)


def test_yaml_commitment_text_negated(mitpo_policy_text: str) -> None:
    found = _yaml_findings(
        mitpo_policy_text,
        "text: Analytics data is not shared with advertising networks.",
        "text: Analytics data is shared with advertising partners.",
    )
    negated = [f for f in found if f.path == "commitments/analytics-not-shared-with-ad-networks"]
    assert [(f.rule, f.level) for f in negated] == [("commitment-removed", Level.material)]


def test_yaml_commitment_text_reworded(mitpo_policy_text: str) -> None:
    found = _yaml_findings(
        mitpo_policy_text,
        "text: Analytics data is not shared with advertising networks.",
        "text: Analytics data is never shared with ad networks.",
    )
    assert [(f.rule, f.level) for f in found] == [("text-changed", Level.editorial)]


def test_yaml_prose_does_not_repeat_a_structured_recipient(mitpo_policy_text: str) -> None:
    hotjar = (
        "recipients:\n  - id: hotjar\n    name: Hotjar\n    role: processor\n"
        "    purpose: Session recordings.\n    data_uses: [analytics.reporting]\n"
    )
    text = mitpo_policy_text.replace(
        "We measure product usage so we can improve it.",
        "We measure product usage so we can improve it. We use Hotjar to record sessions.",
    ).replace("recipients:\n", hotjar, 1)
    before = parse_policy(mitpo_policy_text, "old.yaml")
    after = parse_policy(text, "new.yaml")
    found = classify("mitpo/cookies-and-tracking", before, after, Config()).findings
    third = [f for f in found if f.rule == "third-party-added"]
    assert [f.path for f in third] == ["recipients/hotjar"], describe(found)

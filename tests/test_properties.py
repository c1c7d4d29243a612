"""Properties of the formats: YAML and Markdown round trips, and readers that never crash.

The strategies write text the way policies are written: sentences of words (with accents,
curly quotes, dashes, "&", "*", "_", "#", "<b>" and brackets among them), names, slugs,
durations and fideslang keys. Prose fields are single-line paragraphs of sentences ending in a
full stop; a paragraph of Markdown that starts with "- ", "#" or ">" would be read back as a list,
heading or quote, which is what Markdown means, so the round trip does not try those. The crash
tests at the end use arbitrary Unicode instead.
"""

from __future__ import annotations

import html
import string
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.formats.markdown_format import parse_markdown
from governance.formats.yaml_format import dump_yaml, parse_yaml
from governance.model import (
    Category,
    Commitment,
    Consent,
    Control,
    Item,
    Party,
    Policy,
    Recipient,
    Role,
    Section,
    Signal,
    Storage,
)
from governance.render import render_html, render_markdown
from governance.taxonomy import DATA_CATEGORIES, DATA_USES

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = str.split(
    "we use cookies and similar storage to keep you logged in remember preferences measure "
    "visits share data with partners never sell your information device browser session "
    "consent analytics advertising Stripe Google café naïve Zürich déjà-vu e-mail 13 months "
    "it’s “quoted” — – & * _ # <b> [link] (optional) 50% €5 x/y ad-network in-app"
)
CAPITALS = ["We", "Our", "These", "Cookies", "Partners", "Analytics", "Stripe", "Éclair", "If"]

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=10)
sentence = st.builds(
    lambda first, rest, end: " ".join([first, *rest]) + end,
    st.sampled_from(CAPITALS),
    words,
    st.sampled_from([".", "!", "?"]),
)
paragraph = st.lists(sentence, min_size=1, max_size=3).map(" ".join)
prose = st.lists(paragraph, max_size=3).map("\n\n".join)
name = st.builds(
    lambda first, rest: " ".join([first, *rest]),
    st.sampled_from(["Session", "_ga", "__Host-id", "csrf_token", "Theme", "Ünïcode", "lv-pod-"]),
    st.lists(st.sampled_from(WORDS), max_size=4),
)
title = st.builds(lambda first, rest: " ".join([first, *rest]), st.sampled_from(CAPITALS), words)
slug = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,30}", fullmatch=True)
retention = st.one_of(
    st.none(),
    st.sampled_from(["session", "persistent"]),
    st.builds(
        lambda n, unit: f"{n} {unit}{'' if n == 1 else 's'}",
        st.integers(1, 36),
        st.sampled_from(["day", "week", "month", "year", "hour"]),
    ),
)
uses = st.lists(st.sampled_from(sorted(DATA_USES)), max_size=3, unique=True)
categories = st.lists(st.sampled_from(sorted(DATA_CATEGORIES)), max_size=3, unique=True)
countries = st.lists(
    st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2), max_size=3, unique=True
)


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    section_ids = draw(st.lists(slug, max_size=5, unique=True))
    sections = [Section(id=i, title=draw(title), body=draw(prose)) for i in section_ids]
    where = st.one_of(st.none(), st.sampled_from(section_ids)) if section_ids else st.none()
    recipients = [
        Recipient(
            id=recipient_id,
            name=draw(title),
            role=draw(st.sampled_from(list(Role))),
            purpose=draw(st.one_of(st.just(""), sentence)),
            data_uses=draw(uses),
            data_shared=draw(categories),
            countries=draw(countries),
            privacy_policy=draw(st.one_of(st.none(), st.just("https://example.com/privacy"))),
        )
        for recipient_id in draw(st.lists(slug, max_size=4, unique=True))
    ]
    # an item's provider is one of the declared recipients (or none)
    providers = (
        st.one_of(st.none(), st.sampled_from([r.id for r in recipients]))
        if recipients
        else st.none()
    )
    items = []
    for item_id in draw(st.lists(slug, max_size=6, unique=True)):
        category = draw(st.sampled_from(list(Category)))
        allowed = list(Consent)
        if category in (Category.analytics, Category.marketing):
            allowed.remove(Consent.none)
        items.append(
            Item(
                id=item_id,
                name=draw(name),
                section=draw(where),
                storage=draw(st.sampled_from(list(Storage))),
                party=draw(st.sampled_from(list(Party))),
                provider=draw(providers),
                category=category,
                data_uses=draw(uses),
                purpose=draw(st.one_of(st.just(""), sentence, sentence.map(lambda s: f"({s})"))),
                retention=draw(retention),
                consent=draw(st.sampled_from(allowed)),
                leaves_device=draw(st.booleans()),
            )
        )
    commitments = [
        Commitment(id=i, text=draw(sentence), section=draw(where))
        for i in draw(st.lists(slug, max_size=4, unique=True))
    ]
    controls = [
        Control(
            id=i,
            text=draw(sentence),
            section=draw(where),
            signal=draw(st.one_of(st.none(), st.sampled_from(list(Signal)))),
        )
        for i in draw(st.lists(slug, max_size=3, unique=True))
    ]
    return Policy(
        title=draw(title),
        owner=draw(st.one_of(st.none(), title, st.just("Acme_Legal Inc."))),
        last_updated=draw(st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2099, 12, 31)))),
        consent_revision=draw(st.integers(1, 20)),
        summary=draw(prose),
        sections=sections,
        items=items,
        recipients=recipients,
        commitments=commitments,
        controls=controls,
    )


@SETTINGS
@given(policies())
def test_yaml_round_trip_is_the_identity(policy: Policy) -> None:
    assert parse_yaml(dump_yaml(policy), "p.yaml") == policy


@SETTINGS
@given(policies())
def test_markdown_round_trip_keeps_every_fact(policy: Policy) -> None:
    back = parse_markdown(render_markdown(policy), "p.md")
    assert back.items == policy.items
    assert back.recipients == policy.recipients
    assert back.commitments == policy.commitments
    assert back.controls == policy.controls
    assert (back.title, back.owner, back.last_updated, back.consent_revision) == (
        policy.title,
        policy.owner,
        policy.last_updated,
        policy.consent_revision,
    )
    assert back.summary == policy.summary
    assert back.sections == policy.sections


@SETTINGS
@given(policies())
def test_html_shows_every_item_name_as_text(policy: Policy) -> None:
    page = render_html(policy)
    assert "<script" not in page and "<b>" not in page
    for item in policy.items:
        assert html.escape(item.name) in page


# ---- readers never crash on what they do not understand --------------------------------------

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
markdownish = st.lists(
    st.one_of(
        any_text,
        st.sampled_from(
            [
                "# H",
                "## Cookies",
                "- a — b",
                "* **x** y",
                "| a | b |",
                "|---|---|",
                "| c | d |",
                "Name",
                "Description",
                "Controller",
                "“q” cookies (retained for 2 months)",
                "**Bold**",
                "**Label:** v",
                "Last updated: 3 May 2024",
                "    code",
                "> quote",
                "1. one",
                "<div>",
                "---",
                "===",
                "Stripe sets cookies.",
                "We do not sell data.",
                "You can opt out.",
                "Purpose: x",
                "Duration: 2 years",
                "[a](javascript:x)",
                "•",
            ]
        ),
    ),
    max_size=30,
).map("\n\n".join)


@settings(max_examples=150, deadline=None)
@given(markdownish)
def test_markdown_reader_never_fails_on_a_page_without_front_matter(text: str) -> None:
    policy = parse_markdown("# Page\n\n" + text, "fuzz.md")
    assert policy.title
    render_html(policy)
    assert parse_markdown(render_markdown(policy), "again.md").items == policy.items

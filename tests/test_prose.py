"""The pure prose functions: noise filtering, the word diff, sentences and claims."""

from __future__ import annotations

import math

import pytest

from governance.prose import (
    CatalogMatch,
    compact_diff,
    compare_prose,
    extract_claims,
    flat,
    normalise,
    readable,
    same_meaning_text,
    same_promise,
    sentences,
    word_diff,
)
from governance.prose.text import mask_dates


def claims_of(text: str):  # type: ignore[no-untyped-def]
    found = extract_claims(text)
    assert len(found) == 1, [c.text for c in found]
    return found[0]


# --- normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("We   keep you\nlogged in.", "We keep you logged in."),
        ("Stripe\u2019s own \u201ccookie policy\u201d", 'Stripe\'s own "cookie policy"'),
        ("product\u00a0usage", "product usage"),
        (
            "See the [X Rules](https://help.twitter.com/rules).",
            "See the [X Rules](https://help.x.com/rules).",
        ),
        ("Read <https://a.example/p> now", "Read now"),
        ("Visit https://a.example/privacy?x=1 for more.", "Visit for more."),
        ("**Cookies** are _small_ files.", "Cookies are small files."),
        ("## Analytics", "### Analytics"),
        ("* first\n* second", "- first\n- second"),
        ("1. first\n2. second", "first\nsecond"),
        ("Last updated: April 20, 2026", "Last updated: 20 April 2026"),
        ("Effective date: 2026-04-20. We use cookies.", "We use cookies."),
        ("We minimise data", "We minimize data"),
        ("Our behaviour", "Our behavior"),
        ("e-mail", "email"),
        ("COOKIES", "cookies"),
        ("we do not run an ad network \u2014 ever", "we do not run an ad network - ever"),
        ("Cookies\u00ad policy\u200b", "Cookies policy"),
    ],
)
def test_noise_normalises_away(old: str, new: str) -> None:
    assert normalise(old) == normalise(new)
    assert same_meaning_text(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("We do not share data.", "We do now share data."),
        ("kept for 13 months", "kept for 25 months"),
        ("We use Stripe.", "We use Hotjar."),
        ("Analytics is off by default.", "Analytics is on by default."),
    ],
)
def test_words_that_carry_meaning_survive(old: str, new: str) -> None:
    assert normalise(old) != normalise(new)


def test_readable_keeps_cookie_names_and_code() -> None:
    assert (
        readable(r"The \_ga cookie and `_gat_UA-1` and __utma")
        == "The _ga cookie and _gat_UA-1 and __utma"
    )


def test_readable_keeps_link_text_and_optionally_urls() -> None:
    text = "Akamai ([https://www.akamai.com/](https://www.akamai.com/))"
    assert readable(text) == "Akamai"
    assert "https://www.akamai.com/" in readable(text, keep_urls=True)


def test_unclosed_bold_of_scraped_pages_is_dropped() -> None:
    assert flat("**Authentication and security  \n**Authenticate your access.") == (
        "Authentication and security Authenticate your access."
    )


def test_dates_are_masked_in_every_common_form() -> None:
    for written in ("April 20, 2026", "20 April 2026", "2026-04-20", "20/04/2026", "Apr 20 2026"):
        assert mask_dates(f"on {written}.") == "on <date>."


# --- sentences ----------------------------------------------------------------------------------


def test_sentences_split_on_ends_and_lines_but_not_abbreviations() -> None:
    text = "We use cookies, e.g. for login. We also use Stripe Inc. for payments.\n* A list item"
    assert sentences(text) == [
        "We use cookies, e.g. for login.",
        "We also use Stripe Inc. for payments.",
        "A list item",
    ]


# --- word diff ----------------------------------------------------------------------------------


def test_word_diff_types_segments_and_ignores_noise() -> None:
    segments = word_diff(
        "We keep you **signed** in and remember preferences.",
        "We keep you logged in and remember your preferences.",
    )
    kinds = [(s.kind, s.text.strip()) for s in segments if s.kind != "equal"]
    assert kinds == [("delete", "signed"), ("insert", "logged"), ("insert", "your")]
    assert "".join(s.text for s in segments if s.kind != "delete") == (
        "We keep you logged in and remember your preferences."
    )


def test_word_diff_of_equal_text_is_one_equal_segment() -> None:
    segments = word_diff("Same   text.", "Same text.")
    assert [s.kind for s in segments] == ["equal"]


def test_the_changed_words_in_plain_language_whole() -> None:
    old = " ".join(f"w{i}" for i in range(40)) + " old tail, and a long removed clause " * 3
    new = " ".join(f"w{i}" for i in range(40)) + " new tail"
    rendered = compact_diff(word_diff(old, new))
    assert rendered.startswith("removed \u201c") and "added \u201cnew\u201d" in rendered
    assert "\u2026" not in rendered and "[-" not in rendered  # nothing cut, no jargon
    assert compact_diff(word_diff("keep you signed in", "keep you logged in")) == (
        "removed \u201csigned\u201d, added \u201clogged\u201d"
    )


# --- claims -------------------------------------------------------------------------------------


def test_negated_sharing_is_a_promise_not_a_claim() -> None:
    claims = claims_of("Analytics data is not shared with advertising networks.")
    assert [p.kind for p in claims.promises] == ["negative"]
    assert not claims.sharing


def test_positive_sharing_names_the_recipient_class() -> None:
    claims = claims_of("We share analytics with advertising partners and data brokers.")
    assert claims.sharing == {("share", "advertisers"), ("share", "data brokers")}
    assert not claims.promises


def test_recipients_that_act_on_data_are_sharing() -> None:
    claims = claims_of("Our advertising partners may collect information about your visits.")
    assert ("share", "advertisers") in claims.sharing


def test_explanations_are_not_sharing() -> None:
    claims = claims_of("Third-party tracking technologies (set by our partners):")
    assert not claims.sharing


@pytest.mark.parametrize(
    "text",
    [
        "These tracking technologies cannot be declined.",
        "This Cookies Policy does not apply to our other services.",
        "If you do not accept cookies, some features may not work.",
        "You cannot opt out of strictly necessary cookies.",
    ],
)
def test_negations_that_promise_nothing(text: str) -> None:
    assert not [p for p in claims_of(text).promises if p.kind == "negative"]


def test_do_not_track_is_a_signal_not_a_negation() -> None:
    claims = claims_of('Browser-level "Do Not Track" signals are respected.')
    assert claims.controls == {"Do Not Track"}
    assert not claims.promises
    denied = claims_of("We do not respond to Do Not Track signals.")
    assert "Do Not Track" in denied.controls_denied


def test_we_do_not_track_you_is_a_promise() -> None:
    claims = claims_of("We do not track you across other websites.")
    assert [p.kind for p in claims.promises] == ["negative"]
    assert not claims.controls


def test_device_local_statements() -> None:
    assert claims_of("Preferences never leave your device.").device_local
    assert claims_of("Preferences stay on your device.").device_local
    assert not claims_of(
        "Cookies are stored on your browser by the websites you visit."
    ).device_local
    assert claims_of("Preferences are synced to our servers.").device_remote


def test_announce_promise() -> None:
    claims = claims_of("For material changes, we announce the update in-app.")
    assert [p.kind for p in claims.promises] == ["announce"]
    assert not claims_of("We may share information with partners.").promises


def test_parties_known_vendors_and_named_in_context() -> None:
    assert claims_of("We use Hotjar to record sessions.").parties == ("Hotjar",)
    named = claims_of("We share data with partners such as Acme Metrics, Foo Corp and BarAds Inc.")
    assert set(named.parties) == {"Acme Metrics", "Foo", "BarAds"}
    assert claims_of("Cookies are set by Zylo Insights on checkout.").parties == ("Zylo Insights",)
    # capitalised words that are not organisations
    assert claims_of("Settings and Privacy apply to Cookies and Websites.").parties == ()
    # a vendor name that is also a word needs context
    assert claims_of("Segment your audience carefully.").parties == ()


def test_retention_durations_session_and_persistent() -> None:
    assert [r.days for r in claims_of("Analytics cookies are kept for 13 months.").retention] == [
        pytest.approx(13 * 30.4375)
    ]
    assert [r.days for r in claims_of("Duration: Session").retention] == [0.0]
    assert math.isinf(claims_of("The cookie is persistent.").retention[0].days)
    assert claims_of("We have 13 offices.").retention == ()


def test_consent_defaults() -> None:
    assert claims_of("Analytics is off by default.").consent_strong == {"off by default"}
    assert claims_of("Analytics is on by default.").consent_weak == {"on by default"}
    assert "unless you opt out" in claims_of("We track visits unless you opt out.").consent_weak
    assert not claims_of("We never serve personalised ads without your consent.").consent_weak
    assert not claims_of("Most browsers accept cookies by default.").consent_weak


def test_purposes_scope_data_and_transfers() -> None:
    claims = claims_of("We use analytics events to train our AI models.")
    assert "AI training" in claims.purposes
    scope = claims_of("We use cookies on our website, mobile apps and partner sites.")
    assert scope.scopes == {"mobile apps", "partner and third-party sites"}
    assert "precise location" in claims_of("We collect your precise location.").data
    assert (
        "the United States"
        in claims_of("Events are stored on servers in the United States.").destinations
    )
    assert not claims_of("We do not use your data to train AI models.").purposes


def test_same_promise_tells_rewording_from_reversal() -> None:
    assert same_promise(
        "These are stored in localStorage and never leave your device.",
        "These are stored in localStorage and stay on your device.",
    )
    assert same_promise(
        "Analytics data is not shared with advertising networks.",
        "We never pass analytics data to ad networks.",
    )
    assert not same_promise(
        "Analytics data is not shared with advertising networks.",
        "Analytics data is shared with advertising partners.",
    )
    assert not same_promise(
        "Analytics data is not shared with advertising networks.",
        "We do not receive card data from Stripe.",
    )


# --- comparing two versions -----------------------------------------------------------------------


def changes(old: str, new: str) -> set[str]:
    return {change.rule for change in compare_prose(old, new)}


def test_compare_negated_sharing_promise() -> None:
    found = compare_prose(
        "We do not share analytics with advertising networks.",
        "We share analytics with advertising partners.",
    )
    assert {c.rule for c in found} == {"commitment-removed", "sharing-expanded"}
    reversed_promise = next(c for c in found if c.rule == "commitment-removed")
    assert reversed_promise.kind == "commitment-negated"
    assert reversed_promise.after == "We share analytics with advertising partners."


def test_compare_each_kind_of_change() -> None:
    assert changes("We measure usage.", "We measure usage. We use Hotjar to record sessions.") == {
        "third-party-added"
    }
    assert changes("Kept for 13 months.", "Kept for 25 months.") == {"retention-extended"}
    assert changes("Duration: session", "Duration: persistent") == {"retention-extended"}
    assert changes("Kept for 13 months.", "Kept for 6 months.") == {"retention-shortened"}
    assert changes("Analytics is off by default.", "Analytics is on by default.") == {
        "consent-weakened"
    }
    assert changes("We measure usage. We honour Do Not Track.", "We measure usage.") == {
        "consent-weakened"
    }
    assert changes("Preferences never leave your device.", "Preferences are kept.") == {
        "commitment-removed"
    }
    assert changes(
        "Preferences never leave your device.", "Preferences are synced to our servers."
    ) == {"data-leaves-device"}
    assert changes(
        "We use cookies on our website.",
        "We use cookies on our website, mobile apps and partner sites.",
    ) == {"scope-widened"}
    assert changes("We use cookies.", "We use cookies. We collect your precise location.") == {
        "data-category-added"
    }
    assert changes("We use cookies.", "We use cookies to train AI models.") == {"purpose-added"}
    assert changes(
        "For material changes we announce the update in-app.", "We may update this."
    ) == {"commitment-removed"}
    assert changes(
        "You can opt out in Settings > Privacy > Analytics.",
        "You can opt out in Settings > Account > Data.",
    ) == {"consent-weakened"}
    assert changes("Write to privacy@mitpo.example.", "Write to dpo@mitpo.example.") == {
        "contact-changed"
    }


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "We do not sell your data. We keep you signed in.",
            "We keep you logged in. We don't sell your data.",
        ),
        (
            "Analytics data is not shared with advertising networks.",
            "We never pass analytics data to ad networks.",
        ),
        ("Preferences never leave your device.", "Preferences stay on your device."),
        ("We honour Do Not Track signals.", 'Browser "Do Not Track" signals are respected.'),
        ("Stripe sets cookies on checkout.", "Cookies are set by Stripe on checkout."),
        ("Kept for 13 months.", "Kept for thirteen months."),
        ("See [our partners](https://a.example/p).", "See [our partners](https://b.example/q)."),
    ],
)
def test_compare_rewording_changes_nothing(old: str, new: str) -> None:
    assert compare_prose(old, new) == []


def test_compare_names_already_mentioned_are_not_new() -> None:
    old = "We use Google Analytics to measure usage."
    assert changes(old, old + " Google Analytics cookies are kept for 2 years.") == set()
    assert changes(old, old + " Our owner MITPO sets a session cookie.") == set()


def test_compare_cookie_names_through_the_catalogue() -> None:
    def lookup(name: str) -> CatalogMatch | None:
        return (
            CatalogMatch("Cloudflare", "Cloudflare Inc.", "a test catalogue")
            if name == "__cf_bm"
            else None
        )

    found = compare_prose(
        "We set mitpo_session.", "We set mitpo_session and __cf_bm.", lookup=lookup
    )
    assert [(c.rule, c.subject) for c in found] == [("third-party-added", "Cloudflare")]
    assert "according to a test catalogue" in found[0].message

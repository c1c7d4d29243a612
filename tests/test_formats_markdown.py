"""The Markdown reader: MITPO's published page, and the shapes real cookie pages take.

The page fixtures below are written for these tests; they imitate how real pages are exported
(flattened tables, bold sub-headings, "•" bullets, partner lists, cookies named in running text).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from governance.errors import PolicyError
from governance.formats import parse_policy
from governance.formats.markdown_format import line_of_text, parse_date, parse_markdown
from governance.model import Category, Consent, Party, Policy, Signal, Storage

SEED = Path(__file__).parent / "data" / "mitpo_seed_page.txt"


@pytest.fixture(scope="module")
def seed() -> Policy:
    return parse_markdown(SEED.read_text(encoding="utf-8"), "mitpo_seed_page.txt")


# ---- MITPO's page (plain text, "•" bullets, title-like lines as headings) ---------------------


def test_seed_page_metadata(seed: Policy) -> None:
    assert seed.title == "Cookies & Tracking"
    assert seed.last_updated == date(2026, 4, 20)
    assert seed.owner == "MITPO"
    assert seed.summary.startswith("What cookies and storage MITPO uses")
    assert [s.id for s in seed.sections] == [
        "overview",
        "essential-cookies",
        "preference-storage",
        "analytics",
        "billing",
        "your-controls",
        "changes",
    ]
    essential = next(s for s in seed.sections if s.id == "essential-cookies")
    assert "Session cookie" not in essential.body  # the bullets became items


def test_seed_page_items(seed: Policy) -> None:
    items = {item.id: item for item in seed.items}
    assert list(items)[:4] == [
        "session-cookie",
        "csrf-token",
        "oauth-state",
        "rate-limit-identifiers",
    ]
    session = items["session-cookie"]
    assert (session.name, session.purpose) == (
        "Session cookie",
        "keeps you logged in across pages.",
    )
    assert session.category is Category.strictly_necessary
    assert session.consent is Consent.none
    assert session.data_uses == ["essential.service.authentication"]
    theme = items["theme-preference"]
    assert theme.purpose == "(light / dark / system)."
    assert theme.storage is Storage.local_storage
    assert theme.category is Category.functional
    assert theme.leaves_device is False
    last = items["last-used-ai-model-per-mode"]
    assert last.purpose == "so the picker defaults to what you chose last."
    telemetry = items["anonymized-event-telemetry"]
    assert telemetry.category is Category.analytics and telemetry.consent is Consent.opt_in
    assert telemetry.leaves_device is True
    assert items["error-and-performance-monitoring"].data_uses == [
        "analytics.reporting.system.performance"
    ]
    stripe = items["stripe-cookies"]
    assert stripe.party is Party.third and stripe.provider == "stripe"
    assert stripe.section == "billing"
    assert stripe.data_uses == ["essential.service.payment_processing"]


def test_seed_page_recipients_commitments_controls(seed: Policy) -> None:
    assert [(r.id, r.name, r.role.value) for r in seed.recipients] == [
        ("stripe", "Stripe", "controller")
    ]
    commitments = {c.id: c for c in seed.commitments}
    assert commitments["never-leave-device"].section == "preference-storage"
    assert commitments["not-shared-advertising-networks"].section == "analytics"
    assert "we announce the update in-app" in commitments["announce-update-in-app"].text
    assert commitments["not-receive-card-data-cookies"].section == "billing"
    assert commitments["no-ad-network-tracking-customer-visits"].section is None  # the summary
    controls = {c.id: c for c in seed.controls}
    assert controls["do-not-track"].signal is Signal.do_not_track
    assert controls["clear-cookies-localstorage-mitpo"].section == "your-controls"


def test_commitment_ids_survive_small_rewording() -> None:
    before = parse_markdown(
        "# P\n\n## Analytics\n\nEvents are not shared with advertising networks.\n", "a.md"
    )
    after = parse_markdown(
        "# P\n\n## Analytics\n\nOur events are never shared with any advertising networks!\n",
        "b.md",
    )
    assert before.commitments[0].id == "not-shared-advertising-networks"
    assert after.commitments[0].id == "not-shared-advertising-networks"
    dont = parse_markdown("# P\n\n## Ads\n\nWe don't sell your data.\n", "c.md")
    do_not = parse_markdown("# P\n\n## Ads\n\nWe do not sell your data.\n", "d.md")
    assert dont.commitments[0].id == do_not.commitments[0].id == "not-sell-data"


# ---- tables ----------------------------------------------------------------------------------

TABLE_PAGE = """\
# Acme cookie notice

Last updated: 3 August 2025

Acme uses cookies on acme.example.

## Analytics cookies

| Cookie | What it does | Set by | Expires |
| --- | --- | --- | --- |
| `_ga` | Distinguishes visitors | Google | 2 years |
| `_ga` | Same name, other domain | Google | 24 months |
| acme_visit | Counts our own visits | Acme | Session |

## Other cookies

| Name | Purpose | Provider | Duration | Category | Type |
| --- | --- | --- | --- | --- | --- |
| li_sugr | Builds audiences | LinkedIn | 90 days | Targeting | Pixel |
| consent | Remembers your choice | Acme | 1 yr | Strictly necessary | Local storage |
| odd | Lasts a while | Acme | a long time | Preferences | cookie |
"""


def test_table_rows_become_items_with_columns_mapped_by_meaning() -> None:
    policy = parse_markdown(TABLE_PAGE, "acme.md")
    assert policy.owner == "Acme"
    assert policy.last_updated == date(2025, 8, 3)
    items = {item.id: item for item in policy.items}
    assert list(items) == ["ga", "ga-2", "acme-visit", "li-sugr", "consent", "odd"]
    ga = items["ga"]
    assert ga.name == "_ga"
    assert (ga.party, ga.provider, ga.category) == (Party.third, "google", Category.analytics)
    assert (ga.retention, ga.consent) == ("2 years", Consent.opt_in)
    assert items["ga-2"].retention == "24 months"
    visit = items["acme-visit"]
    assert (visit.party, visit.provider, visit.retention) == (Party.first, None, "session")
    sugr = items["li-sugr"]
    assert (sugr.category, sugr.storage, sugr.retention) == (
        Category.marketing,
        Storage.pixel,
        "90 days",
    )
    assert sugr.data_uses == ["marketing.advertising.third_party.targeted"]
    consent = items["consent"]
    assert (consent.category, consent.storage, consent.retention, consent.consent) == (
        Category.strictly_necessary,
        Storage.local_storage,
        "1 year",
        Consent.none,
    )
    assert items["odd"].retention is None  # unreadable durations are left out, not guessed
    assert [r.id for r in policy.recipients] == ["google", "linkedin"]
    assert all(r.role.value == "controller" for r in policy.recipients)
    assert "| Cookie |" not in policy.sections[0].body  # the table became items


def test_recipient_table() -> None:
    page = (
        "# Notice\n\n## Who receives data\n\n| Company | Purpose | Data shared | Country |\n"
        "| --- | --- | --- | --- |\n"
        "| Hotjar Ltd | Session recordings | Clicks and page views | MT |\n"
    )
    policy = parse_markdown(page, "n.md")
    assert [(r.id, r.name, r.purpose) for r in policy.recipients] == [
        ("hotjar", "Hotjar", "Session recordings")
    ]
    assert policy.recipients[0].data_shared == ["user.behavior"]
    assert policy.items == []


FLAT_TABLE_PAGE = """\
How cookies are used on Example
===============================

Example uses these technologies to keep you logged in.

### More options

The cookies you encounter depend on the features you use.

Name

Description

Controller

Learn More (Privacy Policy URL)

Web Domain

Name

auth\\_token

Description

This cookie is for authentication

Controller

Example Inc.

Learn More (Privacy Policy URL)

[https://example.com/privacy](https://example.com/privacy)

Web Domain

.example.com

Name

\\_gat

Description

This cookie is for Google Analytics

Controller

Google

Learn More (Privacy Policy URL)

[https://policies.google.com/privacy](https://policies.google.com/privacy)

Web Domain

.example.com

Name

\\_\\_cf\\_bm

Description

This cookie is for Cloudflare to monitor traffic

Controller

Learn More (Privacy Policy URL)

https://www.cloudflare.com/privacypolicy

Web Domain

Any Example Domain
"""


def test_flattened_table_of_label_and_value_paragraphs() -> None:
    policy = parse_markdown(FLAT_TABLE_PAGE, "flat.md")
    assert policy.title == "How cookies are used on Example"
    assert policy.owner == "Example"
    assert [i.name for i in policy.items] == ["auth_token", "_gat", "__cf_bm"]
    auth, gat, bm = policy.items
    assert (auth.party, auth.category, auth.provider) == (
        Party.first,
        Category.strictly_necessary,
        None,
    )
    assert (gat.party, gat.category, gat.provider) == (Party.third, Category.analytics, "google")
    assert bm.provider == "cloudflare"  # empty controller: the privacy policy's domain says who
    assert [r.id for r in policy.recipients] == ["google", "cloudflare"]
    assert policy.recipients[0].privacy_policy == "https://policies.google.com/privacy"
    assert [s.title for s in policy.sections] == ["More options"]
    assert "Name" not in policy.sections[0].body.split()


# ---- lists, records and running text ---------------------------------------------------------

PARTNER_PAGE = """\
**Example Platform Cookies Policy**
===================================

_Last Updated: 5 November 2020_

**Cookie Partner List**
-----------------------

This page lists the companies that use cookies on our Platform.

### **Advertising measurement**

**Adjust**

**Categories of Data:** IDFA / GAID, IP address, User Agent

**Privacy Policy:** [https://www.adjust.com/terms/privacy-policy/](https://www.adjust.com/terms/privacy-policy/)

**Moat by Oracle**

**Categories of Data:** IP address, User Agent, Cookie

**Privacy Policy:** [https://www.oracle.com/legal/privacy/](https://www.oracle.com/legal/privacy/)

### **Others**

**Apple Pay**

**Categories of Data/Purpose:** Payment processing.

We will not store or collect your card details.

**Privacy Policy:** [https://support.apple.com/en-us/HT210665](https://support.apple.com/en-us/HT210665)
"""


def test_bold_partner_records_become_recipients() -> None:
    policy = parse_markdown(PARTNER_PAGE, "partners.md")
    assert policy.title == "Example Platform Cookies Policy"
    assert policy.owner == "Example"
    assert policy.last_updated == date(2020, 11, 5)
    recipients = {r.id: r for r in policy.recipients}
    assert list(recipients) == ["adjust", "oracle", "apple"]
    adjust = recipients["adjust"]
    assert adjust.privacy_policy == "https://www.adjust.com/terms/privacy-policy/"
    assert adjust.data_shared == ["user.device.ip_address", "user.device.device_id", "user.device"]
    assert adjust.data_uses == ["marketing.advertising.third_party"]
    assert recipients["apple"].data_uses == ["essential.service.payment_processing"]
    assert [c.text for c in policy.commitments] == [
        "We will not store or collect your card details."
    ]
    assert policy.items == []


ATTRIBUTE_PAGE = """\
# Web Cookies Policy

## (iv) Advertising and marketing

_Third-party tracking technologies (set by our partners):_

We also deploy tracking technologies from the following third parties:

*   Facebook Pixel ([https://www.facebook.com/policy](https://www.facebook.com/policy))

*   Purpose: Track ad conversions and build targeted audiences.

*   Duration: 24 months

*   Akamai ([https://www.akamai.com/](https://www.akamai.com/))

*   Purpose: content delivery, bot management

*   Duration: Session
"""


def test_bullets_with_purpose_and_duration_attributes() -> None:
    policy = parse_markdown(ATTRIBUTE_PAGE, "attrs.md")
    pixel, akamai = policy.items
    assert (pixel.name, pixel.storage, pixel.provider, pixel.retention) == (
        "Facebook Pixel",
        Storage.pixel,
        "facebook",
        "24 months",
    )
    assert pixel.category is Category.marketing
    assert pixel.purpose == "Track ad conversions and build targeted audiences."
    assert (akamai.provider, akamai.retention, akamai.party) == ("akamai", "session", Party.third)
    assert [r.id for r in policy.recipients] == ["facebook", "akamai"]
    assert policy.sections[0].id == "advertising-and-marketing"  # numbering is not part of ids


QUOTED_PAGE = """\
Example Cookies Policy

Last updated: 11/04/2024

### Types of cookies

**Functionality and customisation**

* These cookies remember your login status, for example, “sid\\_tt” cookies (retained for 2 months).
* Some cookies record your language, like “lang” cookies (retained for 1 year).

**Advertising and measurement**

For example, we use the “ttp” first-party cookie for ads and it has a retention period of 1 year.
The “fbp” third-party cookie has a retention period of 3 months.
These are referred to as “first-party” cookies.
"""


def test_cookies_named_in_running_text() -> None:
    policy = parse_markdown(QUOTED_PAGE, "quoted.md")
    assert policy.title == "Example Cookies Policy"
    assert policy.last_updated == date(2024, 11, 4)
    items = {item.name: item for item in policy.items}
    assert list(items) == ["sid_tt", "lang", "ttp", "fbp"]  # not "first-party"
    assert (items["sid_tt"].retention, items["sid_tt"].category) == (
        "2 months",
        Category.functional,
    )
    assert items["sid_tt"].section == "functionality-and-customisation"
    assert (items["ttp"].party, items["ttp"].category, items["ttp"].retention) == (
        Party.first,
        Category.marketing,
        "1 year",
    )
    assert (items["fbp"].party, items["fbp"].retention) == (Party.third, "3 months")


PURPOSE_LISTS = """\
# How cookies are used on Example

Specifically, Example uses these technologies to:

* Keep you logged in to Example.
* Show you more relevant ads.

## Why do our services use these technologies?

They're used across the following categories:

* Authentication and security
* Advertising

**Advertising**

* Deliver ads, measure their performance (we may use Google Analytics to help us with this).
* Work with third-party advertising partners, including Google, to market our services.

## What are my privacy options?

* **Personalized ads setting**
    Adjust your setting by going to Settings > Privacy.
* **Do Not Track**
    We honour Do Not Track and Global Privacy Control signals.
"""


def test_lists_of_purposes_and_controls_stay_prose() -> None:
    policy = parse_markdown(PURPOSE_LISTS, "purposes.md")
    assert policy.items == []
    assert "* Keep you logged in to Example." in policy.summary
    assert [s.id for s in policy.sections] == [
        "why-do-our-services-use-these-technologies",
        "advertising",
        "what-are-my-privacy-options",
    ]
    assert [r.name for r in policy.recipients] == ["Google"]
    assert policy.recipients[0].data_uses == ["marketing.advertising.third_party"]
    controls = {c.id: c for c in policy.controls}
    assert controls["personalized-ads-setting"].text.startswith("Personalized ads setting: Adjust")
    assert controls["do-not-track"].signal is Signal.do_not_track


def test_gpc_signal_and_opt_out_default() -> None:
    page = (
        "# P\n\n## Analytics\n\nThese are on by default.\n\n- Visits — counts visits\n\n"
        "You can opt out at any time.\n\n"
        "## Signals\n\nWe honour the Global Privacy Control (GPC).\n"
    )
    policy = parse_markdown(page, "p.md")
    assert policy.items[0].consent is Consent.opt_out
    signals = {c.signal for c in policy.controls}
    assert Signal.global_privacy_control in signals


def test_duplicate_names_and_headings_get_unique_ids() -> None:
    page = (
        "# P\n\n## Cookies\n\n- Session — one\n- Session — two\n- _ga — three\n- __ga — four\n\n"
        "## Cookies\n\n- Session — again\n"
    )
    policy = parse_markdown(page, "p.md")
    assert [s.id for s in policy.sections] == ["cookies", "cookies-2"]
    assert [i.id for i in policy.items] == ["session", "session-2", "ga", "ga-2", "session-3"]
    assert [i.name for i in policy.items][2:4] == ["_ga", "__ga"]


def test_unknown_content_stays_prose() -> None:
    page = (
        "# Notes\n\nSome words.\n\n```\ncode | not | a table\n```\n\n> A quote.\n\n"
        "| Browser | Link |\n| --- | --- |\n| Firefox | https://support.mozilla.org |\n\n"
        "<script>alert(1)</script>\n"
    )
    policy = parse_markdown(page, "n.md")
    assert policy.items == [] and policy.recipients == []
    assert "```" in policy.summary and "> A quote." in policy.summary
    assert "| Firefox |" in policy.summary


# ---- front matter ----------------------------------------------------------------------------

FRONT = """\
---
title: Cookie policy
owner: Acme Legal
last_updated: 2026-01-31
consent_revision: 3
items:
  - id: sid
    name: Session
    section: essentials
    consent: none
---

# Cookie policy

## Essentials {#essentials}

These keep you logged in.

- **Session** — keeps you logged in.

Other things we store:

- Not declared — stays prose
"""


def test_front_matter_fields_and_explicit_items_win() -> None:
    policy = parse_markdown(FRONT, "front.md")
    assert (policy.title, policy.owner, policy.last_updated, policy.consent_revision) == (
        "Cookie policy",
        "Acme Legal",
        date(2026, 1, 31),
        3,
    )
    assert [i.id for i in policy.items] == ["sid"]
    assert policy.sections[0].id == "essentials"
    body = policy.sections[0].body
    assert "**Session**" not in body  # restates the declared item
    assert "Not declared" in body  # not an item in front matter: stays prose


def test_front_matter_dates_in_words_and_setext_rule_without_front_matter() -> None:
    policy = parse_markdown("---\ntitle: T\nlast_updated: April 20, 2026\n---\n\nBody.\n", "d.md")
    assert policy.last_updated == date(2026, 4, 20)
    rule_then_heading = parse_markdown("---\nJust a heading\n---\n\nText.\n", "r.md")
    assert rule_then_heading.title == "Just a heading"


def test_markdown_through_parse_policy_by_extension() -> None:
    policy = parse_policy(b"# Title\n\nWe never sell data.\n", "policies/acme/p.md")
    assert policy.title == "Title"
    assert policy.commitments[0].id == "not-sell-data"  # as "we do not sell data"
    with pytest.raises(PolicyError) as raised:
        parse_policy(b"---\ntitle: [x\n---\n", "policies/acme/p.md")
    assert raised.value.line == 2


def test_title_falls_back_to_the_file_name() -> None:
    policy = parse_markdown(
        "We use cookies to remember you and that is all there is to say.\n",
        "policies/acme/cookie-notice.md",
    )
    assert policy.title == "Cookie notice"


# ---- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("April 20, 2026", date(2026, 4, 20)),
        ("20 April 2026", date(2026, 4, 20)),
        ("3rd Aug 2020", date(2020, 8, 3)),
        ("2026-04-20", date(2026, 4, 20)),
        ("11/04/2024", date(2024, 11, 4)),
        ("25/04/2024", date(2024, 4, 25)),
        ("February 30, 2024", None),
        ("soon", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_line_of_text() -> None:
    text = "# Title\n\nWe **never** sell\nyour data.\n\n- “Quoted” name\n"
    assert line_of_text(text, "# Title") == 1
    assert line_of_text(text, "We never sell your data.") == 3
    assert line_of_text(text, '"quoted" NAME') == 6
    assert line_of_text(text, "absent") is None
    assert line_of_text(text, "") is None
    assert line_of_text("a\nb\na\n", "a", start_line=2) == 3


def test_line_of_text_finds_seed_items() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert line_of_text(text, "Rate-limit identifiers") == 24
    assert line_of_text(text, 'Browser-level "Do Not Track" signals') == 49

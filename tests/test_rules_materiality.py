"""Every row of DESIGN.md's materiality table, in the structured (YAML) form of a policy."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
from diff_helpers import (
    HOTJAR,
    Data,
    Edit,
    drop,
    entry,
    findings_of,
    material,
    only,
    summary,
)
from pydantic import ValidationError

from governance.findings import Level


@dataclass(frozen=True)
class Row:
    name: str
    edit: Edit
    rule: str
    level: str
    path: str
    others_material: bool = True  # False: the change must not be material in any other way


def add_hotjar(data: Data) -> None:
    data["recipients"].append(copy.deepcopy(HOTJAR))


def stripe_advertising(data: Data) -> None:
    entry(data, "recipients", "stripe")["data_uses"].append("marketing.advertising.third_party")


def telemetry_for_ai(data: Data) -> None:
    entry(data, "items", "event-telemetry")["data_uses"].append("train_ai_system")


def new_analytics_cookie(data: Data) -> None:
    data["items"].append(
        {
            "id": "ga",
            "name": "_ga",
            "party": "third",
            "provider": "error-monitoring-provider",
            "category": "analytics",
            "data_uses": ["analytics.reporting"],
            "purpose": "distinguishes users",
            "retention": "13 months",
            "consent": "opt-in",
        }
    )


def new_necessary_cookie(data: Data) -> None:
    data["items"].append(
        {
            "id": "load-balancer",
            "name": "Load balancer affinity",
            "party": "first",
            "category": "strictly_necessary",
            "data_uses": ["essential.service.operations"],
            "purpose": "routes your requests to the same server",
            "retention": "session",
            "consent": "none",
        }
    )


def telemetry_into_necessary(data: Data) -> None:
    item = entry(data, "items", "event-telemetry")
    item["category"] = "strictly_necessary"
    item["consent"] = "none"


def swap_monitoring_vendor(data: Data) -> None:
    old = entry(data, "recipients", "error-monitoring-provider")
    drop(data, "recipients", "error-monitoring-provider")
    data["recipients"].append({**old, "id": "sentry", "name": "Sentry"})
    entry(data, "items", "error-monitoring")["provider"] = "sentry"


def stripe_to_us(data: Data) -> None:
    entry(data, "recipients", "stripe")["countries"] = ["IE", "US"]


def telemetry_opt_out(data: Data) -> None:
    entry(data, "items", "event-telemetry")["consent"] = "opt-out"


def drop_dnt(data: Data) -> None:
    drop(data, "controls", "do-not-track")


def dnt_signal_removed(data: Data) -> None:
    del entry(data, "controls", "do-not-track")["signal"]


def stripe_gets_email(data: Data) -> None:
    entry(data, "recipients", "stripe")["data_shared"].append("user.contact.email")


def drop_promise(data: Data) -> None:
    drop(data, "commitments", "analytics-not-shared-with-ad-networks")


def theme_leaves_device(data: Data) -> None:
    entry(data, "items", "theme")["leaves_device"] = True


def second_monitoring_processor(data: Data) -> None:
    data["recipients"].append(
        {
            "id": "datadog",
            "name": "Datadog",
            "role": "processor",
            "purpose": "Performance monitoring",
            "data_uses": ["analytics.reporting.system.performance"],
            "data_shared": ["user.device"],
        }
    )


def rate_limit_to_consent(data: Data) -> None:
    item = entry(data, "items", "rate-limit")
    item["category"] = "functional"
    item["consent"] = "opt-in"


def drop_stripe(data: Data) -> None:
    drop(data, "recipients", "stripe")
    drop(data, "items", "stripe-payment")


def drop_theme(data: Data) -> None:
    drop(data, "items", "theme")


def retention_shortened(data: Data) -> None:
    entry(data, "items", "page-views")["retention"] = "6 months"


def owner_changed(data: Data) -> None:
    data["owner"] = "MITPO Privacy Office (dpo@mitpo.example)"


def rename_theme(data: Data) -> None:
    item = entry(data, "items", "theme")
    item["id"] = "colour-scheme"
    item["name"] = "Colour scheme preference"


def date_changed(data: Data) -> None:
    data["last_updated"] = "2026-06-01"


ROWS = [
    Row("new third party", add_hotjar, "third-party-added", "material", "recipients/hotjar"),
    Row(
        "recipient starts ads",
        stripe_advertising,
        "sharing-expanded",
        "material",
        "recipients/stripe/data_uses",
    ),
    Row(
        "new purpose (AI training)",
        telemetry_for_ai,
        "purpose-added",
        "material",
        "items/event-telemetry/data_uses",
    ),
    Row(
        "new analytics cookie", new_analytics_cookie, "tracking-item-added", "material", "items/ga"
    ),
    Row(
        "item moved into strictly necessary",
        telemetry_into_necessary,
        "consent-weakened",
        "material",
        "items/event-telemetry/category",
    ),
    Row(
        "vendor swap, same purpose",
        swap_monitoring_vendor,
        "third-party-added",
        "material",
        "recipients/sentry",
    ),
    Row(
        "new transfer to a third country",
        stripe_to_us,
        "transfer-added",
        "material",
        "recipients/stripe/countries",
    ),
    Row(
        "default flipped on",
        telemetry_opt_out,
        "consent-weakened",
        "material",
        "items/event-telemetry/consent",
    ),
    Row("DNT control dropped", drop_dnt, "consent-weakened", "material", "controls/do-not-track"),
    Row(
        "DNT signal no longer honoured",
        dnt_signal_removed,
        "consent-weakened",
        "material",
        "controls/do-not-track/signal",
    ),
    Row(
        "new data category",
        stripe_gets_email,
        "sharing-expanded",
        "material",
        "recipients/stripe/data_shared",
    ),
    Row(
        "promise removed",
        drop_promise,
        "commitment-removed",
        "material",
        "commitments/analytics-not-shared-with-ad-networks",
    ),
    Row(
        "data leaves the device",
        theme_leaves_device,
        "data-leaves-device",
        "material",
        "items/theme/leaves_device",
    ),
    Row(
        "new processor in a disclosed category",
        second_monitoring_processor,
        "processor-added-in-category",
        "minor",
        "recipients/datadog",
        others_material=False,
    ),
    Row(
        "necessary to consent-gated",
        rate_limit_to_consent,
        "consent-strengthened",
        "minor",
        "items/rate-limit/category",
        others_material=False,
    ),
    Row(
        "recipient removed",
        drop_stripe,
        "recipient-removed",
        "minor",
        "recipients/stripe",
        others_material=False,
    ),
    Row(
        "item removed",
        drop_theme,
        "tracking-item-removed",
        "minor",
        "items/theme",
        others_material=False,
    ),
    Row(
        "contact details changed",
        owner_changed,
        "contact-changed",
        "minor",
        "owner",
        others_material=False,
    ),
    Row(
        "item renamed, same provider and purpose",
        rename_theme,
        "tracking-item-renamed",
        "minor",
        "items/colour-scheme/name",
        others_material=False,
    ),
    Row(
        "date changed",
        date_changed,
        "text-changed",
        "editorial",
        "last_updated",
        others_material=False,
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_materiality_row(row: Row) -> None:
    findings = findings_of(row.edit)
    assert (row.rule, row.level, row.path) in summary(findings), summary(findings)
    if not row.others_material:
        assert material(findings) == [], summary(findings)


def test_session_becoming_persistent_is_retention_extended() -> None:
    def edit(data: Data) -> None:
        entry(data, "items", "session")["retention"] = "persistent"

    def base_edit(data: Data) -> None:
        entry(data, "items", "session")["retention"] = "session"

    from diff_helpers import findings_between, mitpo_data

    old = mitpo_data()
    base_edit(old)
    new = copy.deepcopy(old)
    edit(new)
    findings = findings_between(old, new)
    extended = only(findings, "retention-extended")
    assert [f.path for f in extended] == ["items/session/retention"]
    assert extended[0].level is Level.material
    assert "persists after the browser closes" in extended[0].message
    assert (extended[0].before, extended[0].after) == ("session", "persistent")


def test_retention_lengthened_and_shortened() -> None:
    from diff_helpers import findings_between, mitpo_data

    old = mitpo_data()
    entry(old, "items", "page-views")["retention"] = "13 months"
    longer = copy.deepcopy(old)
    entry(longer, "items", "page-views")["retention"] = "2 years"
    shorter = copy.deepcopy(old)
    entry(shorter, "items", "page-views")["retention"] = "30 days"
    assert summary(findings_between(old, longer)) == {
        ("retention-extended", "material", "items/page-views/retention")
    }
    assert summary(findings_between(old, shorter)) == {
        ("retention-shortened", "minor", "items/page-views/retention")
    }


def test_new_strictly_necessary_first_party_item_is_minor() -> None:
    findings = findings_of(new_necessary_cookie)
    assert summary(findings) == {("tracking-item-added", "minor", "items/load-balancer")}
    assert "exempt" in findings[0].reason


def test_third_party_necessary_item_is_still_material() -> None:
    def edit(data: Data) -> None:
        new_necessary_cookie(data)
        item = entry(data, "items", "load-balancer")
        item["party"] = "third"
        item["provider"] = "stripe"

    assert ("tracking-item-added", "material", "items/load-balancer") in summary(findings_of(edit))


def test_recipient_starting_ads_cites_ccpa() -> None:
    [finding] = only(findings_of(stripe_advertising), "sharing-expanded")
    assert "§1798.140" in finding.reason
    assert finding.message == "Stripe now also uses data for third-party advertising"


def test_new_third_party_message_names_it_and_what_it_receives() -> None:
    [finding] = only(findings_of(add_hotjar), "third-party-added")
    assert finding.message.startswith("New third party Hotjar receives browsing history")
    assert "session recordings" in finding.message
    assert "Art. 13(1)(e)" in finding.reason
    assert finding.before is None
    assert finding.after["name"] == "Hotjar"


def test_vendor_swap_names_the_replaced_vendor_and_reports_the_removal() -> None:
    findings = findings_of(swap_monitoring_vendor)
    [added] = only(findings, "third-party-added")
    assert "replacing Error and performance monitoring provider" in added.message
    assert ("recipient-removed", "minor", "recipients/error-monitoring-provider") in summary(
        findings
    )
    # the item's provider now points at the new recipient, already reported once
    assert not [
        f
        for f in findings
        if f.path == "items/error-monitoring/provider" and f.level is Level.material
    ]


def test_first_party_item_pointing_at_a_new_third_party() -> None:
    def edit(data: Data) -> None:
        entry(data, "items", "event-telemetry")["provider"] = "Segment"
        data["recipients"].append({"id": "segment", "name": "Segment"})

    findings = findings_of(edit)
    [finding] = only(findings, "third-party-added")
    assert finding.path == "recipients/segment"
    assert finding.message.startswith("New third party Segment receives")


def test_new_item_of_a_new_third_party_provider() -> None:
    """An undeclared provider no longer loads (``govern validate`` names the field); declared as
    a recipient, the new third party is reported by name."""

    def add_fbp(data: Data) -> None:
        data["items"].append(
            {
                "id": "fbp",
                "name": "_fbp",
                "party": "third",
                "provider": "Meta",
                "category": "marketing",
                "data_uses": ["marketing.advertising.third_party.targeted"],
                "consent": "opt-in",
            }
        )

    with pytest.raises(ValidationError, match="provider 'Meta' is neither"):
        findings_of(add_fbp)

    def edit(data: Data) -> None:
        add_fbp(data)
        data["recipients"].append({"id": "meta", "name": "Meta", "role": "controller"})

    findings = findings_of(edit)
    assert summary(findings) == {
        ("tracking-item-added", "material", "items/fbp"),
        ("third-party-added", "material", "recipients/meta"),
    }
    [added] = only(findings, "third-party-added")
    assert added.message.startswith("New third party Meta receives")


def test_item_sent_to_an_existing_recipient_is_sharing_expanded() -> None:
    def edit(data: Data) -> None:
        entry(data, "items", "page-views")["provider"] = "stripe"

    findings = findings_of(edit)
    assert summary(findings) == {("sharing-expanded", "material", "items/page-views/provider")}
    assert findings[0].message.startswith("Stripe now also receives the data of")


def test_item_becoming_third_party_without_a_provider() -> None:
    def edit(data: Data) -> None:
        entry(data, "items", "page-views")["party"] = "third"

    assert ("third-party-added", "material", "items/page-views/party") in summary(findings_of(edit))


def test_recipient_becoming_controller_is_sharing_expanded() -> None:
    def edit(data: Data) -> None:
        entry(data, "recipients", "error-monitoring-provider")["role"] = "controller"

    assert summary(findings_of(edit)) == {
        ("sharing-expanded", "material", "recipients/error-monitoring-provider/role")
    }


def test_recipient_renamed_to_another_organisation_is_a_new_third_party() -> None:
    def edit(data: Data) -> None:
        entry(data, "recipients", "error-monitoring-provider")["name"] = "Sentry"

    assert summary(findings_of(edit)) == {
        ("third-party-added", "material", "recipients/error-monitoring-provider/name")
    }


def test_recipient_name_spelled_differently_is_minor() -> None:
    def edit(data: Data) -> None:
        entry(data, "recipients", "stripe")["name"] = "Stripe, Inc."

    assert summary(findings_of(edit)) == {
        ("recipient-details-changed", "minor", "recipients/stripe/name")
    }


def test_less_sharing_and_fewer_purposes_are_minor() -> None:
    def edit(data: Data) -> None:
        entry(data, "items", "rate-limit")["data_uses"] = ["essential.service.security"]
        entry(data, "recipients", "stripe")["data_shared"] = ["user.financial.bank_account"]

    assert summary(findings_of(edit)) == {
        ("purpose-narrowed", "minor", "items/rate-limit/data_uses"),
        ("sharing-reduced", "minor", "recipients/stripe/data_shared"),
    }


def test_category_moves_between_purposes() -> None:
    def to_marketing(data: Data) -> None:
        entry(data, "items", "page-views")["category"] = "marketing"

    def to_functional(data: Data) -> None:
        entry(data, "items", "page-views")["category"] = "functional"

    assert summary(findings_of(to_marketing)) == {
        ("purpose-added", "material", "items/page-views/category")
    }
    assert summary(findings_of(to_functional)) == {
        ("purpose-narrowed", "minor", "items/page-views/category")
    }


def test_gpc_control_dropped_names_the_signal() -> None:
    from diff_helpers import findings_between, mitpo_data

    old = mitpo_data()
    old["controls"].append(
        {"id": "gpc", "text": "We honour Global Privacy Control.", "signal": "gpc"}
    )
    new = copy.deepcopy(old)
    drop(new, "controls", "gpc")
    [finding] = findings_between(old, new)
    assert finding.rule == "consent-weakened"
    assert finding.message == "Global Privacy Control (GPC) signals are no longer honoured"


def test_more_protection_is_minor() -> None:
    def edit(data: Data) -> None:
        data["controls"].append({"id": "gpc", "text": "We honour GPC.", "signal": "gpc"})
        data["commitments"].append({"id": "no-sale", "text": "We never sell your data."})
        entry(data, "items", "event-telemetry")["leaves_device"] = False

    assert summary(findings_of(edit)) == {
        ("control-added", "minor", "controls/gpc"),
        ("commitment-added", "minor", "commitments/no-sale"),
        ("item-details-changed", "minor", "items/event-telemetry/leaves_device"),
    }


def test_links_and_sections_are_editorial() -> None:
    def edit(data: Data) -> None:
        entry(data, "recipients", "stripe")["privacy_policy"] = "https://stripe.com/privacy"
        entry(data, "items", "theme")["section"] = "essential-cookies"

    findings = findings_of(edit)
    assert {f.level for f in findings} == {Level.editorial}
    assert {f.path for f in findings} == {
        "recipients/stripe/privacy_policy",
        "items/theme/section",
    }


def test_reordering_everything_is_no_change() -> None:
    def edit(data: Data) -> None:
        for collection in ("items", "recipients", "commitments", "controls", "sections"):
            data[collection].reverse()
        entry(data, "items", "rate-limit")["data_uses"].reverse()

    assert findings_of(edit) == []


def test_rename_is_not_a_removal_plus_an_addition() -> None:
    findings = findings_of(rename_theme)
    assert [f.rule for f in findings] == ["tracking-item-renamed"]
    assert (findings[0].before, findings[0].after) == (
        "Theme preference",
        "Colour scheme preference",
    )


def test_rename_with_a_longer_retention_reports_both() -> None:
    def edit(data: Data) -> None:
        rename_theme(data)
        entry(data, "items", "colour-scheme")["leaves_device"] = True

    assert summary(findings_of(edit)) == {
        ("tracking-item-renamed", "minor", "items/colour-scheme/name"),
        ("data-leaves-device", "material", "items/colour-scheme/leaves_device"),
    }


def test_local_storage_becoming_a_cookie_leaves_the_device() -> None:
    def edit(data: Data) -> None:
        entry(data, "items", "theme")["storage"] = "cookie"

    def session_storage(data: Data) -> None:
        entry(data, "items", "theme")["storage"] = "sessionStorage"

    assert summary(findings_of(edit)) == {("data-leaves-device", "material", "items/theme/storage")}
    assert summary(findings_of(session_storage)) == {
        ("item-details-changed", "minor", "items/theme/storage")
    }


def test_consent_gating_with_the_new_category_uses_is_minor() -> None:
    """Moving out of strictly necessary, data uses restating the new category add no purpose."""

    def edit(data: Data) -> None:
        rate_limit_to_consent(data)
        entry(data, "items", "rate-limit")["data_uses"] = ["functional.service"]

    found = findings_of(edit)
    assert not material(found), summary(found)
    assert only(found, "purpose-added") == []


def test_consent_gating_with_a_use_beyond_the_new_category_is_a_new_purpose() -> None:
    def edit(data: Data) -> None:
        rate_limit_to_consent(data)
        entry(data, "items", "rate-limit")["data_uses"] = ["marketing.advertising.first_party"]

    assert ("purpose-added", "material", "items/rate-limit/data_uses") in summary(findings_of(edit))


def test_a_new_data_use_without_a_category_move_is_a_new_purpose() -> None:
    def edit(data: Data) -> None:
        entry(data, "items", "rate-limit")["data_uses"].append("functional.service")

    assert ("purpose-added", "material", "items/rate-limit/data_uses") in summary(findings_of(edit))


def test_an_item_listed_twice_discloses_nothing_new() -> None:
    def relist(data: dict) -> None:
        twin = copy.deepcopy(entry(data, "items", "page-views"))
        twin["id"] = "page-views-2"
        data["items"].append(twin)

    findings = findings_of(relist)
    assert summary(findings) == {("tracking-item-added", "editorial", "items/page-views-2")}

    def twin_kept_longer(data: dict) -> None:
        twin = copy.deepcopy(entry(data, "items", "page-views"))
        twin.update(id="page-views-2", retention="2 years")
        data["items"].append(twin)

    assert material(findings_of(twin_kept_longer))

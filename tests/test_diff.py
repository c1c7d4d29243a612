"""The semantic diff: identity matching, renames, field changes, prose fields, whole policies."""

from __future__ import annotations

import copy

from diff_helpers import HOTJAR, Data, drop, entry, mitpo_data

from governance.diff import FieldChange, diff_policies, normalise_text
from governance.model import Policy


def diff_of(old: Data | None, new: Data | None):  # noqa: ANN201 - PolicyDiff
    return diff_policies(
        Policy.model_validate(old) if old is not None else None,
        Policy.model_validate(new) if new is not None else None,
        policy_id="mitpo/cookies-and-tracking",
    )


def test_identical_policies_have_an_empty_diff() -> None:
    diff = diff_of(mitpo_data(), mitpo_data())
    assert diff.is_empty
    assert diff.texts == ()
    assert len(diff.items.matched) == len(mitpo_data()["items"])
    assert diff.items.modified == ()


def test_reordering_is_no_change() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    for collection in ("items", "recipients", "commitments", "controls", "sections"):
        new[collection].reverse()
    entry(new, "items", "rate-limit")["data_uses"].reverse()
    assert diff_of(old, new).is_empty


def test_added_removed_and_changed_items() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    drop(new, "items", "theme")
    new["items"].append({"id": "new-one", "name": "New one", "purpose": "x"})
    entry(new, "items", "page-views")["retention"] = "13 months"
    diff = diff_of(old, new)
    assert [item.id for item in diff.items.added] == ["new-one"]
    assert [item.id for item in diff.items.removed] == ["theme"]
    [change] = diff.items.changed
    assert change.key == "page-views"
    assert change.fields == {"retention": FieldChange("retention", None, "13 months")}
    assert change.changed("retention") and not change.changed("name")


def test_item_matched_by_name_and_provider_when_the_id_changes() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    entry(new, "items", "stripe-payment")["id"] = "stripe-cookies"
    diff = diff_of(old, new)
    assert diff.is_empty  # the id is not a disclosed fact
    assert any(pair.key == "stripe-cookies" for pair in diff.items.matched)


def test_rename_matched_by_provider_purpose_and_category() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    item = entry(new, "items", "theme")
    item["id"], item["name"] = "colour-scheme", "Colour scheme"
    diff = diff_of(old, new)
    assert diff.items.added == () and diff.items.removed == ()
    [rename] = diff.items.renamed
    assert (rename.old.id, rename.new.id, rename.renamed) == ("theme", "colour-scheme", True)
    assert set(rename.fields) == {"name"}
    assert diff.items.changed == ()


def test_rename_needs_a_unique_match() -> None:
    """Two items with the same provider, purpose and category cannot be told apart by them."""
    old = mitpo_data()
    twin = {**entry(old, "items", "theme"), "id": "theme-twin", "name": "Theme twin"}
    old["items"].append(twin)
    new = copy.deepcopy(old)
    for item_id, name in (("theme", "A"), ("theme-twin", "B")):
        item = entry(new, "items", item_id)
        item["id"], item["name"] = f"{item_id}-renamed", name
    diff = diff_of(old, new)
    assert diff.items.renamed == ()
    assert {i.id for i in diff.items.removed} == {"theme", "theme-twin"}


def _move_section(data: Data, old: str, new: str | None) -> None:
    """What an author does with a section's entries when renaming or deleting it."""
    for collection in ("items", "commitments", "controls"):
        for listed in data.get(collection, []):
            if listed.get("section") == old:
                listed["section"] = new


def test_a_different_provider_is_not_a_rename() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    item = entry(new, "items", "stripe-payment")
    item["id"], item["name"], item["provider"] = "adyen-payment", "Adyen cookies", "adyen"
    new["recipients"].append({"id": "adyen", "name": "Adyen"})
    diff = diff_of(old, new)
    assert [i.id for i in diff.items.added] == ["adyen-payment"]
    assert [i.id for i in diff.items.removed] == ["stripe-payment"]


def test_recipients_commitments_controls_sections_matching() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    new["recipients"].append(HOTJAR)
    entry(new, "recipients", "stripe")["id"] = "stripe-inc"  # same name: matched by name
    entry(new, "commitments", "short-list")["id"] = "keep-it-short"  # same text
    entry(new, "sections", "billing")["id"] = "payments"  # same title
    _move_section(new, "billing", "payments")
    entry(new, "controls", "do-not-track")["signal"] = "gpc"
    diff = diff_of(old, new)
    assert [r.id for r in diff.recipients.added] == ["hotjar"]
    assert diff.recipients.removed == () and diff.commitments.is_empty and diff.sections.is_empty
    [control] = diff.controls.changed
    assert control.field("signal") == FieldChange("signal", "dnt", "gpc")


def test_set_fields_compare_as_sets_and_report_additions() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    entry(new, "recipients", "stripe")["countries"] = ["US", "IE"]
    entry(old, "recipients", "stripe")["countries"] = ["IE"]
    [change] = diff_of(old, new).recipients.changed
    countries = change.field("countries")
    assert countries is not None
    assert (countries.added, countries.removed) == (("US",), ())


def test_metadata_changes() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    new["title"] = "Cookies and tracking"
    new["last_updated"] = "2026-06-01"
    new["consent_revision"] = 2
    diff = diff_of(old, new)
    assert diff.meta("title") == FieldChange("title", "Cookies & Tracking", "Cookies and tracking")
    assert diff.meta("last_updated") == FieldChange("last_updated", "2026-04-20", "2026-06-01")
    assert diff.meta("consent_revision") == FieldChange("consent_revision", 1, 2)
    assert diff.meta("owner") is None


def test_prose_fields_are_listed_for_the_prose_detectors() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    entry(new, "sections", "analytics")["body"] += " We may also share data with partners."
    entry(new, "sections", "billing")["title"] = "Payments"
    new["sections"].append({"id": "ai", "title": "AI", "body": "We train models."})
    drop(new, "sections", "changes")
    _move_section(new, "changes", None)
    entry(new, "items", "theme")["purpose"] = "(light or dark)."
    entry(new, "commitments", "no-card-data")["text"] = "We receive card data from Stripe."
    new["summary"] = "Shorter."
    texts = {text.path: text for text in diff_of(old, new).texts}
    assert set(texts) == {
        "summary",
        "sections/analytics",
        "sections/billing/title",
        "sections/ai",
        "sections/changes",
        "items/theme/purpose",
        "commitments/no-card-data",
    }
    assert texts["sections/ai"].old is None and texts["sections/ai"].new == "We train models."
    assert texts["sections/changes"].new is None
    assert texts["commitments/no-card-data"].kind == "commitment"
    assert texts["items/theme/purpose"].entry_id == "theme"


def test_whole_policy_added_and_removed() -> None:
    added = diff_of(None, mitpo_data())
    assert added.policy_added and not added.policy_removed and not added.is_empty
    assert len(added.items.added) == len(mitpo_data()["items"])
    assert added.metadata == ()
    removed = diff_of(mitpo_data(), None)
    assert removed.policy_removed
    assert len(removed.commitments.removed) == len(mitpo_data()["commitments"])
    assert diff_of(None, None).is_empty


def test_normalise_text_folds_case_quotes_and_spaces() -> None:
    assert normalise_text("We don’t  sell\u00a0data.") == normalise_text("we don't sell data")
    assert normalise_text(None) == ""

"""Pairing what identity alone cannot: reworded promises, repeated headings, renumbered sections.

Markdown ids are derived (a promise's id from its key words, a section's from its title, with
``-2`` for a repeated heading), so the diff pairs what is left by meaning and by content; YAML ids
are written by hand and keep deciding first.
"""

from __future__ import annotations

import copy

import pytest
from diff_helpers import Data, drop, entry, findings_between, mitpo_data, summary
from prose_helpers import MITPO_MARKDOWN, describe, edited, findings

from governance.diff import diff_policies, pair_repeated_sections, pair_same_promises
from governance.findings import Level
from governance.model import Commitment, Control, Policy, Section


def _policy(**collections: list) -> Policy:  # type: ignore[type-arg]
    return Policy(title="Cookies", **collections)


# --- promises: a rewording is paired, a reversal is not -----------------------------------------


def test_a_reworded_commitment_with_a_new_id_is_paired() -> None:
    old = _policy(commitments=[Commitment(id="no-ads", text="We do not run an ad network.")])
    new = _policy(commitments=[Commitment(id="no-ad-net", text="We don't operate an ad network.")])
    diff = diff_policies(old, new)
    assert diff.commitments.added == () and diff.commitments.removed == ()
    [pair] = diff.commitments.modified
    assert (pair.old.id, pair.key) == ("no-ads", "no-ad-net")
    assert [text.path for text in diff.texts] == ["commitments/no-ad-net"]


def test_a_reversed_commitment_with_a_new_id_stays_removed() -> None:
    old = _policy(
        commitments=[Commitment(id="no-sharing", text="Data is not shared with ad networks.")]
    )
    new = _policy(commitments=[Commitment(id="sharing", text="Data is shared with ad partners.")])
    diff = diff_policies(old, new)
    assert [c.id for c in diff.commitments.removed] == ["no-sharing"]
    assert [c.id for c in diff.commitments.added] == ["sharing"]
    assert diff.commitments.matched == ()


def test_promises_are_paired_one_to_one_closest_wording_first() -> None:
    device = "Preferences never leave your device."
    ads = "Analytics data is not shared with advertising networks."
    old = _policy(
        commitments=[Commitment(id="a", text=device), Commitment(id="b", text=ads)],
    )
    new = _policy(
        commitments=[
            Commitment(id="c", text="Analytics data is never shared with ad networks."),
            Commitment(id="d", text="Preferences stay on your device."),
            Commitment(id="e", text="We never sell your data."),
        ]
    )
    diff = diff_policies(old, new)
    assert {(pair.old.id, pair.new.id) for pair in diff.commitments.matched} == {
        ("a", "d"),
        ("b", "c"),
    }
    assert [c.id for c in diff.commitments.added] == ["e"]
    assert diff.commitments.removed == ()


def test_pairing_leaves_unrelated_promises_alone() -> None:
    old = [Commitment(id="a", text="We never sell your data.")]
    new = [Commitment(id="b", text="We announce material changes in the app.")]
    assert pair_same_promises(old, new, [0], [0]) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "We do not share analytics data with advertising networks.",
            "We do not sell analytics data to advertising networks.",
        ),
        ("We do not use cookies for advertising.", "We do not use cookies for profiling."),
    ],
    ids=["another act", "another purpose"],
)
def test_another_promise_in_similar_words_is_not_paired(old: str, new: str) -> None:
    """Sharing is not selling, advertising is not profiling: the old promise is gone."""
    diff = diff_policies(
        _policy(commitments=[Commitment(id="old", text=old)]),
        _policy(commitments=[Commitment(id="new", text=new)]),
    )
    assert diff.commitments.matched == ()


def test_a_reworded_control_with_a_new_id_is_paired() -> None:
    old = _policy(
        controls=[Control(id="dnt", text="Do Not Track signals are respected.", signal="dnt")]
    )
    new = _policy(
        controls=[Control(id="honour-dnt", text="We honour Do Not Track signals.", signal="dnt")]
    )
    diff = diff_policies(old, new)
    assert diff.controls.added == () and diff.controls.removed == ()
    assert [pair.key for pair in diff.controls.modified] == ["honour-dnt"]


def _yaml_commitment(data: Data, text: str) -> None:
    drop(data, "commitments", "analytics-not-shared-with-ad-networks")
    data["commitments"].append({"id": "ads-promise", "section": "analytics", "text": text})


def test_yaml_commitment_reworded_under_a_new_id_is_editorial() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    _yaml_commitment(new, "Analytics data is never shared with ad networks.")
    assert summary(findings_between(old, new)) == {
        ("text-changed", "editorial", "commitments/ads-promise")
    }


def test_yaml_commitment_reversed_under_a_new_id_is_material() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    _yaml_commitment(new, "Analytics data is shared with advertising partners.")
    found = summary(findings_between(old, new))
    assert (
        "commitment-removed",
        "material",
        "commitments/analytics-not-shared-with-ad-networks",
    ) in found


def test_yaml_commitment_reversed_under_its_own_id_is_material() -> None:
    """The id decides first: the pairing by meaning never reaches a YAML entry that kept it."""
    old = mitpo_data()
    new = copy.deepcopy(old)
    promise = entry(new, "commitments", "analytics-not-shared-with-ad-networks")
    promise["text"] = "Analytics data is shared with advertising partners."
    found = findings_between(old, new)
    reversed_promise = [
        f for f in found if f.path == "commitments/analytics-not-shared-with-ad-networks"
    ]
    assert [(f.rule, f.level) for f in reversed_promise] == [("commitment-removed", Level.material)]


# --- sections under repeated headings ------------------------------------------------------------


def test_repeated_headings_are_paired_by_content_not_by_positional_id() -> None:
    """A table of contents made of the page's own headings shifts every id to ``-2``."""
    body = "Where you can opt out of interest-based ads and clear site data."
    old = [Section(id="options", title="Privacy options", body=body)]
    new = [
        Section(id="options", title="Privacy options", body=""),
        Section(id="options-2", title="Privacy options", body=body + " Also in Settings."),
    ]
    assert pair_repeated_sections(old, new, [0], [0, 1]) == [(0, 1)]
    diff = diff_policies(_policy(sections=old), _policy(sections=new))
    [pair] = diff.sections.matched
    assert (pair.old.id, pair.new.id) == ("options", "options-2")
    assert [s.id for s in diff.sections.added] == ["options"]


def test_repeated_headings_with_the_same_content_keep_their_order() -> None:
    old = [Section(id="faq", title="FAQ"), Section(id="faq-2", title="FAQ")]
    new = [Section(id="faq", title="FAQ"), Section(id="faq-2", title="FAQ")]
    assert sorted(pair_repeated_sections(old, new, [0, 1], [0, 1])) == [(0, 0), (1, 1)]


def test_hand_written_ids_of_repeated_headings_are_trusted() -> None:
    old = [
        Section(id="web", title="Details", body="About the website."),
        Section(id="app", title="Details", body="About the app."),
    ]
    new = [
        Section(id="web", title="Details", body="About the app."),
        Section(id="app", title="Details", body="About the website."),
    ]
    assert sorted(pair_repeated_sections(old, new, [0, 1], [0, 1])) == [(0, 0), (1, 1)]


def test_a_table_of_contents_of_headings_is_editorial_and_moves_nothing() -> None:
    contents = "## Analytics\n\n## Cookies we set\n\n## Overview\n\n"
    found = findings(MITPO_MARKDOWN, edited("## Overview\n", contents + "## Overview\n"))
    assert all(f.level is Level.editorial for f in found), describe(found)
    assert not [f for f in found if "moved" in f.message.casefold()], describe(found)
    headings = sorted(f.path for f in found if f.message.startswith("New heading"))
    assert headings == [
        "sections/analytics/title",
        "sections/cookies-we-set/title",
        "sections/overview/title",
    ], describe(found)
    assert len(found) == 3, describe(found)


def test_removing_a_table_of_contents_moves_nothing_either() -> None:
    contents = "## Analytics\n\n## Cookies we set\n\n"
    with_contents = edited("## Overview\n", contents + "## Overview\n")
    found = findings(with_contents, MITPO_MARKDOWN)
    assert sorted(f.message for f in found) == [
        "Heading removed: \u201cAnalytics\u201d, no text under it",
        "Heading removed: \u201cCookies we set\u201d, no text under it",
    ], describe(found)


# --- entries moved between sections --------------------------------------------------------------


def test_items_moved_to_another_section_are_one_finding_per_section_pair() -> None:
    table_start = "| Name | Provider |"
    table = MITPO_MARKDOWN[MITPO_MARKDOWN.index(table_start) : MITPO_MARKDOWN.index("## Error")]
    page = MITPO_MARKDOWN.replace(table, "").replace(
        "## Preference Storage\n", table + "## Preference Storage\n"
    )
    found = findings(MITPO_MARKDOWN, page)
    moves = [f for f in found if "moved" in f.message.casefold()]
    assert [(f.rule, f.level, f.path) for f in moves] == [
        ("text-changed", Level.editorial, "sections/essential-cookies/moved-from/cookies-we-set")
    ], describe(found)
    assert "3 entries" in moves[0].message and "mitpo-csrf" in moves[0].message
    assert moves[0].before == {
        "section": "cookies-we-set",
        "entries": ["items/mitpo-csrf", "items/mitpo-metrics", "items/mitpo-session"],
    }


def test_one_item_moved_keeps_its_own_path() -> None:
    def edit(data: Data) -> None:
        entry(data, "items", "theme")["section"] = "essential-cookies"

    old = mitpo_data()
    new = copy.deepcopy(old)
    edit(new)
    assert summary(findings_between(old, new)) == {
        ("text-changed", "editorial", "items/theme/section")
    }


# --- an exception carved out of a promise narrows it --------------------------------------------

NO_SALE = "customer visits. We never sell your data.\n"


def test_a_promise_narrowed_by_an_exception_is_not_a_rewording() -> None:
    page = edited("customer visits.\n", NO_SALE)
    narrowed = "customer visits. We never sell your data to brokers, except to our partners.\n"
    found = findings(page, edited(NO_SALE, narrowed, page))
    assert ("commitment-removed", "commitments/not-sell-data") in {
        (f.rule, f.path) for f in found if f.level is Level.material
    }, describe(found)


def test_a_promise_losing_its_exception_is_a_rewording() -> None:
    with_exception = "customer visits. We never sell your data, except to our partners.\n"
    page = edited("customer visits.\n", with_exception)
    found = findings(page, edited(with_exception, NO_SALE, page))
    assert all(f.level is not Level.material for f in found), describe(found)


def test_yaml_promise_narrowed_under_its_own_id_is_material() -> None:
    old = mitpo_data()
    new = copy.deepcopy(old)
    promise = entry(new, "commitments", "analytics-not-shared-with-ad-networks")
    promise["text"] = "Analytics data is not shared with advertising networks, except Google."
    [finding] = [f for f in findings_between(old, new) if f.path.startswith("commitments/")]
    assert (finding.rule, finding.level) == ("commitment-removed", Level.material)
    assert finding.message.startswith("Promise narrowed by an exception")

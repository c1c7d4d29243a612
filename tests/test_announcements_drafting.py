"""Drafting announcements from the real findings of real policy pairs (classify, not hand-made)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from announcements_helpers import (
    POLICY_ID,
    POLICY_PATH,
    edited_policy,
    entry,
    mitpo_policy,
    mitpo_text,
    with_hotjar,
)

from announcements.drafting import (
    RECONSENT_RULES,
    draft_announcement,
    effective_at,
    next_consent_revision,
    split_path,
)
from governance.compare import classify
from governance.config import Config
from governance.errors import AnnouncementError
from governance.findings import Finding, Level
from governance.formats import parse_policy
from governance.model import Policy


def findings_between(base: Policy, head: Policy, config: Config | None = None) -> list[Finding]:
    return classify(POLICY_ID, base, head, config or Config()).findings


def material(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.level is Level.material]


@pytest.fixture
def hotjar_head() -> Policy:
    return parse_policy(with_hotjar(mitpo_text()), POLICY_PATH)


def test_a_new_session_replay_vendor_is_named_and_asks_for_consent_again(
    hotjar_head: Policy,
) -> None:
    base = mitpo_policy()
    findings = findings_between(base, hotjar_head)
    rules = {finding.rule for finding in material(findings)}
    assert {"third-party-added", "tracking-item-added"} <= rules

    draft = draft_announcement(
        findings, hotjar_head, Config(), policy_id=POLICY_ID, base=base, today=date(2026, 6, 2)
    )

    assert "Hotjar Ltd" in draft.title
    assert "**Hotjar Ltd** now receives data from us" in draft.body_markdown
    assert "Records how the Creative Studio is used" in draft.body_markdown
    assert "processed in Malta" in draft.body_markdown
    assert "processes it on our behalf" in draft.body_markdown  # role: processor
    assert "\\_hjSessionUser\\_\\*" in draft.body_markdown  # the cookie, Markdown-escaped
    assert "It stays off unless you agree" in draft.body_markdown  # opt-in
    assert "We will ask for your consent again" in draft.body_markdown
    assert "Do Not Track" in draft.body_markdown  # the head policy's controls
    # the vendor's cookie is told with the vendor, not a second time on its own
    assert draft.body_markdown.count("\\_hjSessionUser\\_\\*") == 1
    assert draft.requires_reconsent is True
    assert draft.consent_revision == 2  # MITPO is at revision 1 (the default)
    assert sorted(draft.fingerprints) == sorted(f.fingerprint for f in material(findings))
    assert draft.severity == "material"
    assert draft.effective_at == datetime(2026, 7, 2, tzinfo=UTC)


def test_only_material_findings_are_announced(hotjar_head: Policy) -> None:
    base = mitpo_policy()
    head = edited_policy(
        lambda data: data.update(last_updated="2026-05-01"), with_hotjar(mitpo_text())
    )
    findings = findings_between(base, head)
    editorial = [finding for finding in findings if finding.level is not Level.material]
    assert editorial, "the new date gives an editorial finding"
    draft = draft_announcement(findings, head, Config(), policy_id=POLICY_ID, base=base)
    assert not set(draft.fingerprints) & {finding.fingerprint for finding in editorial}


def test_nothing_material_is_refused() -> None:
    base = mitpo_policy()
    head = edited_policy(lambda data: data.update(last_updated="2026-05-01"))
    findings = findings_between(base, head)
    assert findings and not material(findings)
    with pytest.raises(AnnouncementError, match="nothing to announce"):
        draft_announcement(findings, head, Config(), policy_id=POLICY_ID, base=base)


def _edits() -> dict[str, Any]:
    def retention(data: dict[str, Any]) -> None:
        entry(data, "items", "event-telemetry")["retention"] = "2 years"

    def consent(data: dict[str, Any]) -> None:
        entry(data, "items", "page-views")["consent"] = "opt-out"

    def promise(data: dict[str, Any]) -> None:
        data["commitments"] = [
            c for c in data["commitments"] if c["id"] != "analytics-not-shared-with-ad-networks"
        ]

    def device(data: dict[str, Any]) -> None:
        entry(data, "items", "theme")["leaves_device"] = True

    def sharing(data: dict[str, Any]) -> None:
        entry(data, "recipients", "stripe")["data_shared"].append("user.contact.email")

    def purpose(data: dict[str, Any]) -> None:
        entry(data, "items", "event-telemetry")["data_uses"].append("personalize.content")

    def signal(data: dict[str, Any]) -> None:
        data["controls"] = [c for c in data["controls"] if c["id"] != "do-not-track"]

    return {
        "consent-weakened/item": (
            consent,
            "consent-weakened",
            "**Page views and route transitions** is now on unless you turn "
            "it off (until now: off unless you agree)",
            True,
        ),
        "commitment-removed": (
            promise,
            "commitment-removed",
            "We no longer make this promise: “Analytics data is not shared "
            "with advertising networks.”",
            False,
        ),
        "data-leaves-device": (
            device,
            "data-leaves-device",
            "**Theme preference** (stored in your browser) no longer stays on "
            "your device: it is now sent to our servers",
            True,
        ),
        "sharing-expanded": (
            sharing,
            "sharing-expanded",
            "**Stripe** now also receives your email address",
            True,
        ),
        "purpose-added": (
            purpose,
            "purpose-added",
            "Data from **Anonymized event telemetry** is now also used for "
            "personalising what you see",
            True,
        ),
        "consent-weakened/signal": (
            signal,
            "consent-weakened",
            'We no longer offer this choice: Browser-level "Do Not Track" signals are respected',
            True,
        ),
        "retention-extended": (retention, None, None, None),
    }


@pytest.mark.parametrize("case", sorted(_edits()))
def test_each_rule_is_phrased_for_users(case: str) -> None:
    edit, rule, phrase, reconsent = _edits()[case]
    base = mitpo_policy()
    head = edited_policy(edit)
    findings = material(findings_between(base, head))
    if rule is None:  # retention: first a disclosed retention, then a longer one
        base = edited_policy(
            lambda d: entry(d, "items", "event-telemetry").update(retention="13 months")
        )
        findings = material(findings_between(base, head))
        rule, phrase, reconsent = (
            "retention-extended",
            "We now keep **Anonymized event telemetry** longer: for 2 years (until now: for 13 "
            "months)",
            False,
        )
    assert [finding.rule for finding in findings] == [rule]
    draft = draft_announcement(findings, head, Config(), policy_id=POLICY_ID, base=base)
    assert phrase in draft.body_markdown
    assert draft.requires_reconsent is reconsent
    assert (draft.consent_revision == 2) is reconsent
    assert draft.title == "An update to our Cookies & Tracking policy"


def test_reconsent_rules_are_the_ones_the_brief_names() -> None:
    named = {
        "third-party-added",
        "purpose-added",
        "consent-weakened",
        "sharing-expanded",
        "data-leaves-device",
    }
    assert named == RECONSENT_RULES


def test_consent_revision_is_not_bumped_twice() -> None:
    base = mitpo_policy()
    already = edited_policy(lambda data: data.update(consent_revision=2))
    assert next_consent_revision(already, base, requires_reconsent=True) == 2
    assert next_consent_revision(base, base, requires_reconsent=True) == 2
    assert next_consent_revision(base, base, requires_reconsent=False) == 1


def test_effective_date_is_publication_day_plus_notice_at_midnight_utc() -> None:
    published = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    assert effective_at(published, 30) == datetime(2026, 7, 2, tzinfo=UTC)
    assert effective_at(published, 0) == datetime(2026, 6, 2, tzinfo=UTC)


def test_notice_period_comes_from_config(hotjar_head: Policy) -> None:
    base = mitpo_policy()
    findings = findings_between(base, hotjar_head)
    draft = draft_announcement(
        findings,
        hotjar_head,
        Config(notice_days=14),
        policy_id=POLICY_ID,
        base=base,
        today=date(2026, 6, 2),
    )
    assert draft.effective_at == datetime(2026, 6, 16, tzinfo=UTC)


def test_a_repository_rewords_one_rule_with_its_own_template(
    tmp_path: Path, hotjar_head: Policy
) -> None:
    folder = tmp_path / "announce-templates" / "changes"
    folder.mkdir(parents=True)
    (folder / "third-party-added.md").write_text(
        "We now work with {{ change.recipient.name|md }} (custom wording).\n", encoding="utf-8"
    )
    config = Config(root=tmp_path, templates="announce-templates")
    base = mitpo_policy()
    draft = draft_announcement(
        findings_between(base, hotjar_head), hotjar_head, config, policy_id=POLICY_ID, base=base
    )
    assert "- We now work with Hotjar Ltd (custom wording)." in draft.body_markdown
    # the other templates still come from the bundled folder
    assert "We will ask for your consent again" in draft.body_markdown


def test_a_rule_without_its_own_template_uses_the_finding_message() -> None:
    head = mitpo_policy()
    finding = Finding(
        rule="plugin-rule",
        level=Level.material,
        path="items/session",
        message="the session cookie now carries a *marketing* id",
        reason="a plugin's reason",
    )
    draft = draft_announcement([finding], head, Config(), policy_id=POLICY_ID)
    assert "- The session cookie now carries a \\*marketing\\* id" in draft.body_markdown
    assert draft.requires_reconsent is False


def test_paths_split_into_collection_entry_and_field() -> None:
    assert split_path("items/_ga/retention") == ("items", "_ga", "retention")
    assert split_path("recipients/hotjar") == ("recipients", "hotjar", None)
    assert split_path("summary") == (None, None, None)

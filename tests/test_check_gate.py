"""The CI gate end to end on real repositories: fail → approve → pass → edit → fail again."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from review_helpers import (
    AUTHOR,
    BASE_POLICY,
    COUNSEL,
    MAINTAINER,
    POLICY_ID,
    POLICY_PATH,
    RELEASES,
    SECOND_COUNSEL,
    govern,
    make_change,
    make_repo,
    only_fingerprint,
)

from governance.check import ReviewStatus, run_check
from governance.config import load_config
from governance.gitrepo import GitRepository
from governance.ledger import (
    AnnouncementEvent,
    AnnouncementRecord,
    utc_now,
    write_record,
)


def test_material_change_fails_until_approved_and_again_after_an_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)

    code, out, _ = govern(capsys, repo, "check")
    assert code == 1
    assert "FAIL" in out and "third-party-added" in out and "Hotjar" in out
    fingerprint = only_fingerprint(capsys, repo)
    assert fingerprint in out

    repo.set_user(COUNSEL)  # the reviewer's own checkout
    code, out, err = govern(
        capsys, repo, "approve", fingerprint, "--as", COUNSEL, "--note", "DPA signed"
    )
    assert code == 0, err
    [record] = repo.records()
    assert record.name.startswith(f"{fingerprint}-approved-")

    code, out, _ = govern(capsys, repo, "check")  # uncommitted record: the working tree counts
    assert code == 0, out
    assert f"approved by {COUNSEL}" in out and "working tree" in out

    repo.commit_all("Approve Hotjar", COUNSEL)
    code, out, _ = govern(capsys, repo, "check", "--base", "main", "--head", "change")
    assert code == 0, out

    # The author rewords the approved recipient: a new change, a new fingerprint.
    repo.add_hotjar(purpose="Session recordings and heatmaps.")
    repo.commit_all("Hotjar also does heatmaps", AUTHOR)
    code, out, _ = govern(capsys, repo, "check", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["verdict"] == "fail"
    [finding] = report["policies"][0]["findings"]
    assert finding["fingerprint"] != fingerprint
    assert finding["review"] is None and finding["review_status"] == "unreviewed"
    [stale] = report["stale"]
    assert stale["fingerprint"] == fingerprint and stale["file"].endswith(record.name)
    assert any("matches no finding of this change" in warning for warning in report["warnings"])


def test_json_report_carries_the_review_and_the_sides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)[0] == 0
    repo.commit_all("approve", COUNSEL)

    code, out, _ = govern(capsys, repo, "check", "--format", "json", "--base", "main")
    assert code == 0
    report = json.loads(out)
    assert report["schema"] == "govern.report/1"
    assert report["base"]["ref"] == "main" and len(report["base"]["commit"]) == 40
    assert report["head"]["ref"] == "HEAD" and report["head"]["commit"] == repo.git(
        "rev-parse", "HEAD"
    )
    review = report["policies"][0]["findings"][0]["review"]
    assert review["decision"] == "approved" and review["reviewer"] == COUNSEL
    assert review["role"] == "legal" and review["decided_at"].endswith("Z")
    assert review["file"].startswith(".govern-ledger/") and review["signed"] is False
    assert report["verdict"] == "pass" and report["material"] is True


def test_downgrade_passes_and_reject_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)

    code, _, err = govern(
        capsys,
        repo,
        "downgrade",
        fingerprint,
        "--as",
        COUNSEL,
        "--reason",
        "Hotjar is already disclosed as a sub-processor",
    )
    assert code == 0, err
    code, out, _ = govern(capsys, repo, "check")
    assert code == 0 and "downgraded to not material" in out

    code, _, err = govern(
        capsys, repo, "reject", fingerprint, "--as", SECOND_COUNSEL, "--reason", "needs a DPA first"
    )
    assert code == 0, err
    code, out, _ = govern(capsys, repo, "check")
    assert code == 1
    assert f"rejected by {SECOND_COUNSEL}: needs a DPA first" in out


def test_announcement_required_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path, require_announcement=True)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)[0] == 0

    code, out, _ = govern(capsys, repo, "check")
    assert code == 1 and "no approved announcement covers it" in out

    config = load_config(repo.root)
    an_hour_ago = utc_now() - timedelta(hours=1)
    write_record(
        config,
        AnnouncementRecord(
            announcement="ann-1",
            policy=POLICY_ID,
            fingerprints=[fingerprint],
            decision=AnnouncementEvent.rejected,
            reviewer=RELEASES,
            role="release",
            decided_at=an_hour_ago,
            reason="the title is misleading",
        ),
    )
    code, out, _ = govern(capsys, repo, "check", "--format", "json")
    assert code == 1
    finding = json.loads(out)["policies"][0]["findings"][0]
    assert finding["review_status"] == "announcement-rejected"
    assert finding["review"]["announcement"]["reason"] == "the title is misleading"

    write_record(
        config,
        AnnouncementRecord(
            announcement="ann-2",
            policy=POLICY_ID,
            fingerprints=[fingerprint],
            event=AnnouncementEvent.approved,
            reviewer=RELEASES,
            role="release",
            decided_at=utc_now(),
        ),
    )
    result = run_check(GitRepository.open(repo.root))
    [item] = result.findings
    assert item.status is ReviewStatus.approved and result.verdict == "pass"
    assert item.announcement is not None and item.announcement.announcement == "ann-2"


def test_announcement_records_are_checked_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:

    repo = make_change(tmp_path, require_announcement=True)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)[0] == 0
    config = load_config(repo.root)
    # a hand-written announcement approval by a legal reviewer does not count
    write_record(
        config,
        AnnouncementRecord(
            announcement="sneaky",
            policy=POLICY_ID,
            fingerprints=[fingerprint],
            decision=AnnouncementEvent.approved,
            reviewer=SECOND_COUNSEL,
            role="legal",
            decided_at=utc_now(),
        ),
    )
    code, out, _ = govern(capsys, repo, "check")
    assert code == 1
    assert "listed as legal, and this decision needs a release manager" in out


def test_records_that_do_not_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Hand-written records from an unknown reviewer, a release manager and the author."""
    from governance.ledger import Decision, ReviewRecord

    repo = make_change(tmp_path, extra_reviewers={AUTHOR: "legal"})
    fingerprint = only_fingerprint(capsys, repo)
    config = load_config(repo.root)
    for reviewer, role in (
        ("mallory@acme.example", "legal"),
        (RELEASES, "release"),
        (AUTHOR, "legal"),
    ):
        write_record(
            config,
            ReviewRecord(
                policy=POLICY_ID,
                fingerprint=fingerprint,
                rule="third-party-added",
                path="recipients/hotjar",
                decision=Decision.approved,
                reviewer=reviewer,
                role=role,
                decided_at=utc_now(),
            ),
        )
    code, out, _ = govern(capsys, repo, "check", "--format", "json")
    assert code == 1
    report = json.loads(out)
    reasons = {entry["reviewer"]: entry["reason"] for entry in report["ignored"]}
    assert "not a reviewer of this repository" in reasons["mallory@acme.example"]
    assert "listed as release" in reasons[RELEASES]
    assert "needs a legal reviewer" in reasons[RELEASES]
    assert "self-approval" in reasons[AUTHOR]
    finding = report["policies"][0]["findings"][0]
    assert finding["review"] is None and len(finding["ignored_reviews"]) == 3


def test_a_change_cannot_appoint_its_own_reviewer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from review_helpers import config_text

    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.write("pyproject.toml", config_text(extra_reviewers={"friend@acme.example": "legal"}))
    repo.commit_all("add a reviewer", AUTHOR)
    repo.set_user("friend@acme.example")
    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", "friend@acme.example")
    assert code == 2 and "friend@acme.example is not a reviewer" in err
    code, out, _ = govern(capsys, repo, "check", "--format", "json")
    assert code == 1
    [settings] = [p for p in json.loads(out)["policies"] if p.get("kind") == "settings"]
    [finding] = settings["findings"]
    assert finding["path"] == "settings/reviewers/friend@acme.example"
    assert (finding["before"], finding["after"], finding["level"]) == (None, "legal", "material")


def test_self_approval_is_refused_for_committed_and_uncommitted_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path)
    repo.git("checkout", "-q", "-b", "change")
    repo.add_hotjar()
    repo.set_user(COUNSEL)  # counsel edits the policy herself, not yet committed
    fingerprint = only_fingerprint(capsys, repo)
    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)
    assert code == 2
    assert f"{COUNSEL} authored this change to {POLICY_ID}" in err
    assert repo.records() == []

    repo.commit_all("counsel adds Hotjar", COUNSEL)
    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)
    assert code == 2 and "may not decide on it" in err
    # another legal reviewer may
    repo.set_user(SECOND_COUNSEL)
    assert govern(capsys, repo, "approve", fingerprint, "--as", SECOND_COUNSEL)[0] == 0
    assert govern(capsys, repo, "check")[0] == 0


def test_shallow_clone_without_the_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    origin = make_change(tmp_path)
    clone = tmp_path / "ci"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "change",
            f"file://{origin.root}",
            str(clone),
        ],
        check=True,
    )
    from review_helpers import Repo

    shallow = Repo(clone)
    code, _, err = govern(capsys, shallow, "check", "--base", "origin/main")
    assert code == 2
    assert "unknown revision 'origin/main'" in err and "fetch-depth: 0" in err
    assert "Traceback" not in err

    shallow.git("fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    code, _, err = govern(capsys, shallow, "check", "--base", "origin/main")
    assert code == 2 and "shallow" in err  # the base is there, the history joining them is not

    shallow.git("fetch", "-q", "--unshallow", "origin")
    code, out, _ = govern(capsys, shallow, "check", "--base", "origin/main")
    assert code == 1 and "third-party-added" in out


def test_malformed_record_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.write(
        f".govern-ledger/{fingerprint}-approved-0000.yaml",
        f"kind: finding\nschema: govern.ledger/1\npolicy: {POLICY_ID}\n"
        f"fingerprint: {fingerprint}\nrule: third-party-added\npath: recipients/hotjar\n"
        f"decision: maybe\nreviewer: {COUNSEL}\nrole: legal\n"
        "decided_at: '2026-05-01T10:00:00Z'\n",
    )
    code, out, err = govern(capsys, repo, "check")
    assert code == 2
    assert f".govern-ledger/{fingerprint}-approved-0000.yaml:7: decision:" in err
    assert "Traceback" not in err and out == ""


def test_check_outside_a_repository_and_with_a_bad_ref(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    code, _, err = govern(capsys, repo, "check", "--base", "no-such-branch")
    assert code == 2 and "unknown revision 'no-such-branch'" in err
    plain = tmp_path / "plain"
    plain.mkdir()
    code = pytest.importorskip("governance.main").main(["check", "--repo", str(plain)])
    assert code == 2
    assert "not a git repository" in capsys.readouterr().err


def test_minor_and_editorial_changes_need_no_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path)
    repo.git("checkout", "-q", "-b", "change")
    text = repo.read(POLICY_PATH)
    # removing a recipient is minor; rewording a section is editorial
    without_stripe = text.split("recipients:")[0]
    repo.write(POLICY_PATH, without_stripe.replace("usage of the product", "product usage"))
    repo.commit_all("drop Stripe, reword", AUTHOR)
    code, out, _ = govern(capsys, repo, "check", "--format", "json")
    report = json.loads(out)
    levels = {f["level"] for p in report["policies"] for f in p["findings"]}
    assert "material" not in levels and levels
    assert code == 0 and report["verdict"] == "pass"
    assert {f["review_status"] for p in report["policies"] for f in p["findings"]} == {
        "not-required"
    }


def test_no_change_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path)
    code, out, _ = govern(capsys, repo, "check")
    assert code == 0 and "no policy changes" in out


def test_a_decision_merged_earlier_does_not_cover_the_same_change_made_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hotjar is approved and merged, removed, then added again: a new change, a new review."""
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)[0] == 0
    repo.commit_all("approve", COUNSEL)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "change", email=MAINTAINER)
    assert govern(capsys, repo, "check")[0] == 0  # main against itself: nothing to review

    repo.write(POLICY_PATH, BASE_POLICY)  # Hotjar removed (minor) and merged
    repo.commit_all("drop Hotjar", MAINTAINER)
    repo.git("checkout", "-q", "-b", "again")
    repo.add_hotjar()
    repo.commit_all("Hotjar is back", AUTHOR)
    repo.set_user(AUTHOR)
    assert only_fingerprint(capsys, repo) == fingerprint  # the very same change
    code, out, _ = govern(capsys, repo, "check")
    assert code == 1
    assert "decided on an earlier change" in out


def test_the_latest_decision_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from governance.ledger import Decision, ReviewRecord

    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    config = load_config(repo.root)

    def decision(reviewer: str, chosen: Decision, hours_ago: int) -> None:
        write_record(
            config,
            ReviewRecord(
                policy=POLICY_ID,
                fingerprint=fingerprint,
                rule="third-party-added",
                path="recipients/hotjar",
                decision=chosen,
                reviewer=reviewer,
                role="legal",
                decided_at=utc_now() - timedelta(hours=hours_ago),
                reason=None if chosen is Decision.approved else "because",
            ),
        )

    decision(COUNSEL, Decision.rejected, 2)
    decision(SECOND_COUNSEL, Decision.approved, 1)
    assert govern(capsys, repo, "check")[0] == 0
    decision(COUNSEL, Decision.rejected, 0)
    code, out, _ = govern(capsys, repo, "check")
    assert code == 1 and f"rejected by {COUNSEL}" in out


def test_committing_the_published_date_bump_does_not_make_the_reviewer_an_author(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)
    assert code == 0, err
    repo.commit_all("Approve Hotjar", COUNSEL)

    # Publishing bumps last_updated; the reviewer commits that bookkeeping edit.
    bumped = repo.read(POLICY_PATH).replace("last_updated: 2026-01-10", "last_updated: 2026-02-01")
    repo.write(POLICY_PATH, bumped)
    repo.commit_all("Publish: bump last_updated", COUNSEL)
    code, out, _ = govern(capsys, repo, "check", "--base", "main", "--head", "change")
    assert code == 0, out

    # Any other edit by the reviewer makes them an author: their approval no longer counts.
    repo.write(POLICY_PATH, bumped.replace("We measure usage", "We measure the usage"))
    repo.commit_all("Reword", COUNSEL)
    code, out, _ = govern(capsys, repo, "check", "--base", "main", "--head", "change")
    assert code == 1, out

"""Taking decisions: who may, on what, with which justification, and the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import (
    AUTHOR,
    COUNSEL,
    POLICY_ID,
    RELEASES,
    govern,
    make_change,
    only_fingerprint,
)

from governance.config import load_config
from governance.errors import ReviewError, StoreError
from governance.gitrepo import GitRepository
from governance.identity import current_identity
from governance.ledger import Decision, load_ledger, parse_record
from governance.review import decide


def _decide(
    repo_root: Path, fingerprints: list[str], decision: str, identity: str, **options: str | None
) -> list:
    return decide(GitRepository.open(repo_root), fingerprints, decision, identity, **options)


def test_unknown_reviewer_and_wrong_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", "mallory@acme.example")
    assert code == 2
    assert "mallory@acme.example is not a reviewer of this repository" in err
    assert "pyproject.toml" in err and "tool.govern.reviewers" in err

    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", RELEASES)
    assert code == 2
    assert "is a release reviewer" in err and "govern announce approve" in err
    assert repo.records() == []


def test_unknown_fingerprint_lists_the_valid_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    code, _, err = govern(capsys, repo, "approve", "deadbeef0000", "--as", COUNSEL)
    assert code == 2
    assert "no finding of this change has the fingerprint deadbeef0000" in err
    assert fingerprint in err and "third-party-added" in err and POLICY_ID in err


def test_a_unique_prefix_names_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    [record] = _decide(repo.root, [fingerprint[:7]], "approved", COUNSEL)
    assert record.fingerprint == fingerprint
    with pytest.raises(ReviewError, match="no finding"):
        _decide(repo.root, [fingerprint[:4]], "approved", COUNSEL)  # too short to guess


def test_downgrade_and_reject_need_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    with pytest.raises(ReviewError, match="needs a written justification"):
        _decide(repo.root, [fingerprint], "not-material", COUNSEL)
    with pytest.raises(ReviewError, match="needs a written justification"):
        _decide(repo.root, [fingerprint], "rejected", COUNSEL, reason="   ")
    code, _, err = govern(capsys, repo, "reject", fingerprint, "--as", COUNSEL)
    assert code == 2 and "--reason" in err
    assert repo.records() == []


def test_deciding_twice_writes_one_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    first = _decide(repo.root, [fingerprint], "approved", COUNSEL, note="fine")
    second = _decide(repo.root, [fingerprint], "approved", COUNSEL.upper().lower(), note="fine")
    assert [r.file for r in first] == [r.file for r in second]
    assert len(repo.records()) == 1
    [record] = load_ledger(load_config(repo.root))
    assert record.decision is Decision.approved and record.note == "fine"
    assert record.reviewer == COUNSEL and record.role.value == "legal"
    # another note is another decision: it is recorded, never dropped
    third = _decide(repo.root, [fingerprint], "approved", COUNSEL, note="DPA signed 2026-05-02")
    assert third[0].file != first[0].file and len(repo.records()) == 2


def test_decision_is_appended_to_the_audit_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from governance.store import open_store

    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    code, _, err = govern(
        capsys, repo, "downgrade", fingerprint, "--as", COUNSEL, "--reason", "already disclosed"
    )
    assert code == 0, err
    store = open_store(load_config(repo.root))
    try:
        events = store.audit_events()
        assert store.verify_audit() == []
    finally:
        store.close()
    [event] = [e for e in events if e.action.startswith("review.")]
    assert event.action == "review.not-material" and event.actor == COUNSEL
    assert event.subject == f"{POLICY_ID}#{fingerprint}"
    assert event.detail["reason"] == "already disclosed"
    assert event.detail["message"]  # the finding as the reviewer read it, whole
    [record] = repo.records()
    anchored = parse_record(record.read_bytes(), record.name)
    assert anchored.audit is not None
    assert (anchored.audit.seq, anchored.audit.hash) == (event.seq, event.hash)
    status = repo.git("status", "--porcelain", "--untracked-files=all", "--", ".")
    assert [line for line in status.splitlines() if ".govern-ledger/" not in line] == []


def test_unreachable_audit_store_records_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    # a port nothing listens on: the database is unreachable
    monkeypatch.setenv("GOVERN_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:9/none")
    with pytest.raises(StoreError):
        _decide(repo.root, [fingerprint], "approved", COUNSEL)
    assert repo.records() == []
    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)
    assert code == 2 and "Traceback" not in err
    assert repo.records() == []


def test_identity_defaults_to_git_user_email(tmp_path: Path) -> None:
    repo = make_change(tmp_path)
    assert current_identity(repo.root, None) == AUTHOR
    assert current_identity(repo.root, " counsel@acme.example ") == COUNSEL
    with pytest.raises(ReviewError, match="not an email"):
        current_identity(repo.root, "counsel")
    repo.git("config", "--unset", "user.email")
    home = tmp_path / "empty-home"
    home.mkdir()
    (home / ".gitconfig").write_text("")
    import os

    saved = os.environ.get("GIT_CONFIG_GLOBAL")
    os.environ["GIT_CONFIG_GLOBAL"] = str(home / ".gitconfig")
    try:
        with pytest.raises(ReviewError, match="pass --as EMAIL"):
            current_identity(repo.root, None)
    finally:
        if saved is not None:
            os.environ["GIT_CONFIG_GLOBAL"] = saved


def test_one_call_decides_several_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    repo = make_change(tmp_path)
    text = (
        repo.read("policies/acme/cookies.yaml")
        .replace(
            "    consent: none\n",
            "    consent: none\n"
            "  - id: ga\n    name: _ga\n    storage: cookie\n    party: third\n"
            "    provider: google\n"
            "    category: analytics\n    data_uses: [analytics.reporting]\n"
            "    purpose: usage statistics.\n    retention: 13 months\n    consent: opt-in\n",
            1,
        )
        .replace(
            "recipients:\n",
            "recipients:\n  - id: google\n    name: Google\n    role: controller\n",
            1,
        )
    )
    repo.write("policies/acme/cookies.yaml", text)
    repo.commit_all("add _ga", AUTHOR)
    code, out, _ = govern(capsys, repo, "check", "--format", "json")
    material = [
        f["fingerprint"]
        for p in json.loads(out)["policies"]
        for f in p["findings"]
        if f["level"] == "material"
    ]
    assert code == 1 and len(material) >= 2
    repo.set_user(COUNSEL)
    code, out, err = govern(capsys, repo, "approve", *material, "--as", COUNSEL)
    assert code == 0, err
    assert len(repo.records()) == len(material)
    assert govern(capsys, repo, "check")[0] == 0


def test_a_later_decision_changes_the_earlier_one_and_the_history_keeps_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Approve, reject with a reason, approve again: each is recorded, the newest decides."""
    import time

    from governance.check import ReviewStatus, run_check

    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    steps = [
        ("approved", None),
        ("rejected", "Restore the retention limit of 13 months before this ships."),
        ("approved", None),
    ]
    for decision, reason in steps:
        _decide(repo.root, [fingerprint], decision, COUNSEL, reason=reason)
        time.sleep(1.05)  # decisions carry whole seconds
        [item] = run_check(GitRepository.open(repo.root)).findings
        expected = ReviewStatus.approved if decision == "approved" else ReviewStatus.rejected
        assert item.status is expected
    [item] = run_check(GitRepository.open(repo.root)).findings
    assert [entry.record.decision.value for entry in item.history] == [
        "approved",
        "rejected",
        "approved",
    ]
    assert item.history[1].record.reason == steps[1][1]  # the whole justification, uncut


def test_an_uncommitted_decision_can_be_withdrawn_a_committed_one_cannot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from governance.errors import ReviewError
    from governance.review import withdraw

    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    [record] = _decide(repo.root, [fingerprint], "approved", COUNSEL)
    withdrawn = withdraw(GitRepository.open(repo.root), COUNSEL, POLICY_ID, fingerprint)
    assert withdrawn.file == record.file and repo.records() == []
    _decide(repo.root, [fingerprint], "approved", COUNSEL)
    repo.commit_all("approved", COUNSEL)
    with pytest.raises(ReviewError, match="committed"):
        withdraw(GitRepository.open(repo.root), COUNSEL, POLICY_ID, fingerprint)
    assert len(repo.records()) == 1

"""SSH-signed reviews with real keys: valid, forged, tampered, wrong signer, unsigned."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from review_helpers import (
    AUTHOR,
    COUNSEL,
    Keys,
    Repo,
    allowed_signers,
    govern,
    make_change,
    make_keys,
    only_fingerprint,
)

from governance.config import load_config
from governance.errors import ReviewError
from governance.ledger import Decision, ReviewRecord, parse_record, utc_now, write_record
from governance.signing import KEY_ENVIRONMENT, sign, signing_key, verify

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    return make_keys(tmp_path)


def test_sign_and_verify(keys: Keys) -> None:
    signers = allowed_signers(keys).encode()
    payload = b'{"decision":"approved"}'
    signature = sign(payload, keys.counsel)
    assert signature.startswith("-----BEGIN SSH SIGNATURE-----")
    assert verify(payload, signature, COUNSEL, signers, "allowed_signers").valid

    changed = verify(payload.replace(b"approved", b"rejected"), signature, COUNSEL, signers, "a")
    assert not changed.valid and "changed after it was signed" in changed.reason

    by_author = verify(payload, sign(payload, keys.author), COUNSEL, signers, "a")
    assert not by_author.valid and f"lists for {AUTHOR}, not {COUNSEL}" in by_author.reason

    stranger = verify(payload, sign(payload, keys.stranger), COUNSEL, signers, "a")
    assert not stranger.valid and "does not list for" in stranger.reason

    unsigned = verify(payload, None, COUNSEL, signers, "a")
    assert not unsigned.valid and "unsigned" in unsigned.reason
    missing = verify(payload, signature, COUNSEL, None, "allowed_signers")
    assert not missing.valid and "no allowed-signers file" in missing.reason


def test_signing_key_sources(tmp_path: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_change(tmp_path)
    monkeypatch.delenv(KEY_ENVIRONMENT, raising=False)
    assert signing_key(repo.root, None) is None
    repo.git("config", "user.signingkey", str(keys.author))
    assert signing_key(repo.root, None) == keys.author
    monkeypatch.setenv(KEY_ENVIRONMENT, str(keys.stranger))
    assert signing_key(repo.root, None) == keys.stranger
    assert signing_key(repo.root, keys.counsel) == keys.counsel
    with pytest.raises(ReviewError, match="does not exist"):
        signing_key(repo.root, tmp_path / "nope")


def _signed_repo(tmp_path: Path, keys: Keys):  # type: ignore[no-untyped-def]
    """require_signatures on main, with the allowed-signers file committed there."""
    from review_helpers import MAINTAINER, make_repo

    repo = make_repo(tmp_path, require_signatures=True)
    repo.write(".govern-ledger/allowed_signers", allowed_signers(keys))
    repo.commit_all("allowed signers", MAINTAINER)
    repo.git("checkout", "-q", "-b", "change")
    repo.add_hotjar()
    repo.commit_all("Add Hotjar", AUTHOR)
    return repo


def test_signed_approval_passes_and_unsigned_is_refused(
    tmp_path: Path,
    keys: Keys,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(KEY_ENVIRONMENT, raising=False)
    repo = _signed_repo(tmp_path, keys)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)
    assert code == 2 and "requires signed reviews" in err and "--key" in err
    assert repo.records() == []

    code, out, err = govern(
        capsys, repo, "approve", fingerprint, "--as", COUNSEL, "--key", str(keys.counsel)
    )
    assert code == 0 and ", signed:" in out
    code, out, _ = govern(capsys, repo, "check", "--format", "json")
    assert code == 0, out
    assert json.loads(out)["policies"][0]["findings"][0]["review"]["signed"] is True


def test_forged_tampered_and_unsigned_records_count_as_absent(
    tmp_path: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _signed_repo(tmp_path, keys)
    fingerprint = only_fingerprint(capsys, repo)
    config = load_config(repo.root)
    versions = _versions(capsys, repo)

    def record(note: str) -> ReviewRecord:
        return ReviewRecord(
            policy="acme/cookies",
            fingerprint=fingerprint,
            rule="third-party-added",
            path="recipients/hotjar",
            **versions,
            decision=Decision.approved,
            reviewer=COUNSEL,
            role="legal",
            decided_at=utc_now(),
            note=note,
        )

    # forged: the author signs an approval in counsel's name with the author's own key
    write_record(config, record("forged"), keys.author)
    # unsigned: written by hand
    unsigned = record("unsigned")
    (repo.root / ".govern-ledger" / unsigned.file_name()).write_text(unsigned.to_yaml())
    # tampered: a genuine signature on another decision, the note and fingerprint edited after
    genuine = record("genuine")
    genuine_path = write_record(config, genuine, keys.counsel)
    tampered = genuine_path.read_text().replace("note: genuine", "note: tampered")
    genuine_path.write_text(tampered)
    assert parse_record(tampered.encode(), "x.yaml").signature == genuine.signature

    code, out, _ = govern(capsys, repo, "check", "--format", "json")
    assert code == 1
    reasons = sorted(entry["reason"] for entry in json.loads(out)["ignored"])
    assert len(reasons) == 3
    assert any("changed after it was signed" in reason for reason in reasons)
    assert any(f"lists for {AUTHOR}, not {COUNSEL}" in reason for reason in reasons)
    assert any("unsigned" in reason for reason in reasons)


def test_signers_are_trusted_from_the_base(
    tmp_path: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    """The change adds the author's key under counsel's name: the base's file still decides."""
    repo = _signed_repo(tmp_path, keys)
    fingerprint = only_fingerprint(capsys, repo)
    public = keys.author.with_suffix(".pub").read_text().split()[:2]
    with (repo.root / ".govern-ledger/allowed_signers").open("a") as handle:
        handle.write(f'{COUNSEL} namespaces="govern-review" {" ".join(public)}\n')
    repo.commit_all("trust me", AUTHOR)
    config = load_config(repo.root)
    write_record(
        config,
        ReviewRecord(
            policy="acme/cookies",
            fingerprint=fingerprint,
            rule="third-party-added",
            path="recipients/hotjar",
            **_versions(capsys, repo),
            decision=Decision.approved,
            reviewer=COUNSEL,
            role="legal",
            decided_at=utc_now(),
        ),
        keys.author,
    )
    code, out, _ = govern(capsys, repo, "check", "--format", "json")
    assert code == 1
    report = json.loads(out)
    [signers] = [p for p in report["policies"] if p["policy"] == ".govern-ledger/allowed_signers"]
    [edit] = signers["findings"]
    assert edit["rule"] == "governance-config-changed" and edit["level"] == "material"
    assert f"keys added for {COUNSEL}" not in edit["message"]  # counsel was listed already
    assert edit["review"] is None
    reasons = [entry["reason"] for entry in report["ignored"]]
    assert any(f"lists for {AUTHOR}, not {COUNSEL}" in reason for reason in reasons), reasons


def _versions(capsys: pytest.CaptureFixture[str], repo: Repo) -> dict[str, str]:
    """The blob ids a record binds to: the policy's at the base and the head of the change."""
    _, out, _ = govern(capsys, repo, "check", "--format", "json")
    [policy] = [p for p in json.loads(out)["policies"] if p["policy"] == "acme/cookies"]
    return {"base_blob": policy["base_blob"], "head_blob": policy["head_blob"]}

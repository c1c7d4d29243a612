"""`govern init`: a starter configuration that never overwrites, and SSH signing for the reviewer
that the gate then verifies."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from review_helpers import Repo, govern

from governance.config import load_config


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repository = Repo(tmp_path / "site")
    repository.root.mkdir()
    repository.git("init", "-q", "-b", "main")
    return repository


def test_a_starter_configuration_that_loads_and_is_never_overwritten(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = govern(capsys, repo, "init")
    assert code == 0 and "govern.toml" in out and "change of their own" in out
    config = load_config(repo.root)
    assert config.policies == "policies" and config.require_signatures is False
    repo.write("govern.toml", 'policies = "legal"\n')
    code, out, _ = govern(capsys, repo, "init")
    assert code == 0 and "kept the existing settings" in out
    assert repo.read("govern.toml") == 'policies = "legal"\n'


def test_signing_adds_the_reviewers_key_and_the_gate_verifies_it(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "counsel"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    repo.git("config", "user.signingkey", str(key) + ".pub")
    code, out, err = govern(capsys, repo, "init", "--signing", "--as", "counsel@acme.example")
    assert code == 0, err
    assert load_config(repo.root).require_signatures is True
    signers = repo.read(".govern-ledger/allowed_signers")
    public = " ".join((tmp_path / "counsel.pub").read_text().split()[:2])
    assert signers == f'counsel@acme.example namespaces="govern-review" {public}\n'
    # twice: nothing added
    assert govern(capsys, repo, "init", "--signing", "--as", "counsel@acme.example")[0] == 0
    assert repo.read(".govern-ledger/allowed_signers") == signers


def test_signing_without_a_key_says_how_to_make_one_and_writes_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = govern(capsys, repo, "init", "--signing", "--as", "counsel@acme.example")
    assert code == 2 and "user.signingkey is not set" in err and "ssh-keygen" in err
    assert not (repo.root / "govern.toml").exists()

"""Real git repositories for the review, ledger and check tests.

Each repository has a small policy on ``main`` committed by a maintainer, and a ``change`` branch on
which an author adds a third-party recipient (a material change). Commits carry explicit author
identities, so self-approval can be tested the way git records it.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from governance.main import main

MAINTAINER = "maint@acme.example"
AUTHOR = "author@acme.example"
COUNSEL = "counsel@acme.example"
SECOND_COUNSEL = "counsel2@acme.example"
RELEASES = "releases@acme.example"
POLICY_PATH = "policies/acme/cookies.yaml"
POLICY_ID = "acme/cookies"

BASE_POLICY = """\
title: Cookies
owner: Acme Legal
last_updated: 2026-01-10
summary: What we store, and why.
sections:
  - id: analytics
    title: Analytics
    body: We measure usage of the product.
items:
  - id: session
    name: Session cookie
    storage: cookie
    party: first
    category: strictly_necessary
    data_uses: [essential.service.authentication]
    purpose: keeps you logged in.
    consent: none
recipients:
  - id: stripe
    name: Stripe
    role: controller
    purpose: Payment processing.
    data_uses: [essential.service.payment_processing]
    data_shared: [user.financial]
"""

HOTJAR = """\
  - id: hotjar
    name: Hotjar
    role: processor
    purpose: Session recordings.
    data_uses: [analytics.reporting]
    data_shared: [user.behavior]
"""


def config_text(
    *,
    require_announcement: bool = False,
    require_signatures: bool = False,
    extra_reviewers: dict[str, str] | None = None,
) -> str:
    reviewers = {COUNSEL: "legal", SECOND_COUNSEL: "legal", RELEASES: "release"}
    reviewers.update(extra_reviewers or {})
    lines = [
        "[project]",
        'name = "acme-site"',
        "",
        "[tool.govern]",
        f"require_announcement = {str(require_announcement).lower()}",
        f"require_signatures = {str(require_signatures).lower()}",
        "",
        "[tool.govern.reviewers]",
    ]
    lines += [f'"{email}" = "{role}"' for email, role in reviewers.items()]
    return "\n".join(lines) + "\n"


@dataclass
class Repo:
    root: Path

    def git(self, *args: str, email: str | None = None, check: bool = True) -> str:
        environment = dict(os.environ)
        if email is not None:
            name = email.split("@")[0].title()
            environment.update(
                GIT_AUTHOR_EMAIL=email,
                GIT_AUTHOR_NAME=name,
                GIT_COMMITTER_EMAIL=email,
                GIT_COMMITTER_NAME=name,
            )
        completed = subprocess.run(
            ["git", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )
        if check and completed.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {completed.stderr}")
        return completed.stdout.strip()

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def read(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")

    def commit_all(self, message: str, email: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, email=email)
        return self.git("rev-parse", "HEAD")

    def set_user(self, email: str) -> None:
        """The local ``git config user.email``: who sits at this checkout."""
        self.git("config", "user.email", email)

    def add_hotjar(self, purpose: str = "Session recordings.") -> None:
        self.write(POLICY_PATH, BASE_POLICY + HOTJAR.replace("Session recordings.", purpose))

    def records(self) -> list[Path]:
        directory = self.root / ".govern-ledger"
        return sorted(directory.glob("*.yaml")) if directory.is_dir() else []


def make_repo(tmp_path: Path, **config: Any) -> Repo:
    """``main`` with the policy and the reviewers table (by the maintainer); nothing else."""
    repo = Repo(tmp_path / "site")
    repo.root.mkdir()
    repo.git("init", "-q", "-b", "main")
    repo.write("pyproject.toml", config_text(**config))
    repo.write(POLICY_PATH, BASE_POLICY)
    repo.commit_all("Policy as published", MAINTAINER)
    return repo


def make_change(tmp_path: Path, **config: Any) -> Repo:
    """``make_repo`` plus a ``change`` branch where the author adds Hotjar (committed)."""
    repo = make_repo(tmp_path, **config)
    repo.git("checkout", "-q", "-b", "change")
    repo.add_hotjar()
    repo.commit_all("Add Hotjar session recordings", AUTHOR)
    repo.set_user(AUTHOR)
    return repo


def govern(capsys: pytest.CaptureFixture[str], repo: Repo, *args: str) -> tuple[int, str, str]:
    """Run the real CLI in-process (``--repo`` the test repository): exit code, stdout, stderr."""
    capsys.readouterr()
    code = main([*args, "--repo", str(repo.root)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def only_fingerprint(capsys: pytest.CaptureFixture[str], repo: Repo) -> str:
    import json

    code, out, _ = govern(capsys, repo, "check", "--format", "json")
    assert code in (0, 1), out
    findings = [f for policy in json.loads(out)["policies"] for f in policy["findings"]]
    assert len(findings) == 1, findings
    return str(findings[0]["fingerprint"])


@dataclass
class Keys:
    counsel: Path
    author: Path
    stranger: Path


def make_keys(tmp_path: Path) -> Keys:
    directory = tmp_path / "keys"
    directory.mkdir()
    paths = {}
    for name in ("counsel", "author", "stranger"):
        key = directory / name
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
        )
        paths[name] = key
    return Keys(**paths)


def allowed_signers(keys: Keys) -> str:
    def public(key: Path) -> str:
        kind, blob = key.with_suffix(".pub").read_text().split()[:2]
        return f"{kind} {blob}"

    return (
        f'{COUNSEL} namespaces="govern-review" {public(keys.counsel)}\n'
        f'{AUTHOR} namespaces="govern-review" {public(keys.author)}\n'
    )

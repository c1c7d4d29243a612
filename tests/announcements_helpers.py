"""Fixtures for the announcement tests: MITPO's policy with a session-replay vendor added, real git
repositories holding it, and the real CLI."""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from governance.formats import parse_policy
from governance.model import Policy

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MITPO_POLICY = PROJECT_ROOT / "policies" / "mitpo" / "cookies-and-tracking.yaml"
POLICY_ID = "mitpo/cookies-and-tracking"
POLICY_PATH = "policies/mitpo/cookies-and-tracking.yaml"
AUTHOR = "author@mitpo.example"  # the global git identity of the test session (tests/conftest.py)
LEGAL = "counsel@mitpo.example"
RELEASE = "releases@mitpo.example"
SECOND_RELEASE = "release-two@mitpo.example"
XSS = "<img src=x onerror=alert(1)>"
SCRIPT_PAYLOAD = "<script>document.title='pwned'</script>"

HOTJAR_RECIPIENT = """\
  - id: hotjar
    name: Hotjar Ltd
    role: processor
    purpose: records how the Creative Studio is used, so we can fix confusing screens.
    data_uses: [analytics.reporting]
    data_shared: [user.behavior, user.device.ip_address]
    countries: [MT]
"""

HOTJAR_ITEM = """\
  # Session replay in the Creative Studio, only with consent.
  - id: hotjar-session-replay
    name: {name}
    section: analytics
    storage: cookie
    party: third
    provider: hotjar
    category: analytics
    data_uses: [analytics.reporting]
    purpose: session recordings of the Creative Studio.
    retention: 30 minutes
    consent: opt-in

"""

GOVERN_TOML = f"""\
notice_days = 30

[reviewers]
"{LEGAL}" = "legal"
"{RELEASE}" = "release"
"{SECOND_RELEASE}" = "release"
"""


def mitpo_text() -> str:
    return MITPO_POLICY.read_text(encoding="utf-8")


def with_hotjar(
    text: str, cookie_name: str = "_hjSessionUser_*", vendor: str = "Hotjar Ltd"
) -> str:
    """MITPO's policy text with Hotjar's session replay added (layout and comments kept)."""
    recipient = HOTJAR_RECIPIENT.replace("Hotjar Ltd", yaml_quoted(vendor))
    item = HOTJAR_ITEM.format(name=yaml_quoted(cookie_name))
    assert "\nrecipients:\n" in text
    text = text.replace("\nrecipients:\n", "\n" + item + "recipients:\n" + recipient, 1)
    return text


def yaml_quoted(value: str) -> str:
    return yaml.safe_dump(value, default_style='"', width=1000).strip()


def mitpo_policy() -> Policy:
    return parse_policy(mitpo_text(), POLICY_PATH)


def edited_policy(edit: Callable[[dict[str, Any]], None], text: str | None = None) -> Policy:
    """MITPO's policy with ``edit`` applied to its data."""
    data = copy.deepcopy(yaml.safe_load(text or mitpo_text()))
    edit(data)
    return parse_policy(yaml.safe_dump(data, sort_keys=False), POLICY_PATH)


def entry(data: dict[str, Any], collection: str, entry_id: str) -> dict[str, Any]:
    return next(e for e in data[collection] if e["id"] == entry_id)


def git(root: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(root), *arguments], capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


def make_repo(root: Path, config: str = GOVERN_TOML) -> Path:
    """A git repository holding MITPO's policy on ``main`` with reviewers configured."""
    (root / "policies" / "mitpo").mkdir(parents=True)
    (root / POLICY_PATH).write_text(mitpo_text(), encoding="utf-8")
    (root / "govern.toml").write_text(config, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "MITPO's cookie policy")
    return root


def add_hotjar_on_branch(
    root: Path, cookie_name: str = "_hjSessionUser_*", vendor: str = "Hotjar Ltd"
) -> None:
    git(root, "checkout", "-q", "-b", "add-hotjar")
    policy = root / POLICY_PATH
    policy.write_text(
        with_hotjar(policy.read_text(encoding="utf-8"), cookie_name, vendor), encoding="utf-8"
    )
    git(root, "commit", "-q", "-am", "Add Hotjar session replay to the Creative Studio")


class Cli:
    """The real ``govern`` command line, run in-process against one repository."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *arguments: str, input: str | None = None) -> tuple[int, str, str]:
        from governance.main import main

        result = self.runner.invoke(
            _Main(main), [*arguments, "--repo", str(self.root)], input=input, catch_exceptions=False
        )
        return result.exit_code, result.stdout, result.stderr


class _Main:
    """Adapts ``governance.main.main`` (which maps errors to exit codes) to CliRunner."""

    def __init__(self, main: Callable[[list[str]], int]) -> None:
        self.main_function = main
        self.name = "govern"

    def main(self, args: list[str], **_: Any) -> None:
        raise SystemExit(self.main_function(list(args)))


def legal_approves_all(root: Path) -> list[str]:
    """The legal reviewer approves every material finding of the change (the library call
    `govern approve` makes); returns their fingerprints."""
    from governance.check import run_check
    from governance.gitrepo import GitRepository
    from governance.review import decide

    repository = GitRepository.open(root)
    material = [
        item.finding.fingerprint
        for item in run_check(repository).findings
        if item.finding.level.value == "material"
    ]
    decide(repository, material, "approved", LEGAL)
    return material


def ready_for_announcement(root: Path) -> Path:
    """MITPO's repository with Hotjar added on a branch and approved by legal."""
    make_repo(root)
    add_hotjar_on_branch(root)
    legal_approves_all(root)
    return root

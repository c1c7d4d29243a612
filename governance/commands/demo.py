"""``govern demo``: a newcomer's first run.

Builds a scratch git repository from the bundled MITPO cookie policy: an initial commit on
``main``, then a branch ``add-hotjar`` where a growth engineer adds Hotjar session recordings (a
new third-party vendor with its ``_hjSessionUser_*`` cookie) — a material change. Then it opens
the review app as the legal reviewer, or, when standard output is not a terminal, prints the
classified report and how to open it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

import click

from governance.errors import InputError

POLICY_PATH = "policies/mitpo/cookies-and-tracking.yaml"
BRANCH = "add-hotjar"
LEGAL_REVIEWER = "counsel@mitpo.example"
RELEASE_MANAGER = "releases@mitpo.example"
POLICY_OWNER = ("MITPO Legal", "legal-team@mitpo.example")
PROPOSER = ("Growth Engineer", "growth@mitpo.example")

CONFIG = f"""\
# govern settings of this demo repository (the same keys as [tool.govern] in pyproject.toml).
policies = "policies"

[reviewers]
"{LEGAL_REVIEWER}" = "legal"
"{RELEASE_MANAGER}" = "release"
"""

HOTJAR_ITEM = """\

  # Session recordings (proposed): Hotjar's visitor cookie.
  - id: hotjar-session-user
    name: _hjSessionUser_*
    section: analytics
    storage: cookie
    party: third
    provider: hotjar
    category: analytics
    data_uses: [analytics.reporting.content_performance]
    purpose: recognises a returning visitor across Hotjar session recordings and heatmaps.
    retention: 365 days
    consent: opt-in
"""

HOTJAR_RECIPIENT = """\
  - id: hotjar
    name: Hotjar
    role: processor
    purpose: Session recordings and heatmaps of how visitors move through the product.
    data_uses: [analytics.reporting.content_performance]
    data_shared: [user.behavior.browsing_history, user.device.cookie_id]
    countries: [MT]
    privacy_policy: https://www.hotjar.com/legal/policies/privacy/
"""

ANALYTICS_SENTENCE_BEFORE = "networks.\n  - id: billing"
ANALYTICS_SENTENCE_AFTER = (
    "networks. Where analytics is enabled, Hotjar also records sessions (clicks, scrolls and\n"
    "      page movements) so we can see where the product confuses people.\n  - id: billing"
)


@dataclass(frozen=True)
class DemoRepository:
    root: Path
    base: str  # "main"
    head: str  # the proposal branch
    legal_reviewer: str
    release_manager: str


def bundled_policy() -> str:
    """The MITPO policy shipped with govern (package data, so it works after `pip install .`)."""
    return (
        resources.files("governance")
        .joinpath("data/demo/cookies-and-tracking.yaml")
        .read_text(encoding="utf-8")
    )


def proposed_policy(text: str) -> str:
    """The bundled policy with Hotjar added: an item, a recipient and a sentence of prose."""
    for marker in ("\nrecipients:\n", "\ncommitments:\n", ANALYTICS_SENTENCE_BEFORE):
        if marker not in text:
            raise InputError(f"the bundled demo policy has changed: {marker.strip()!r} not found")
    text = text.replace("\nrecipients:\n", HOTJAR_ITEM + "\nrecipients:\n", 1)
    text = text.replace("\ncommitments:\n", HOTJAR_RECIPIENT + "\ncommitments:\n", 1)
    return text.replace(ANALYTICS_SENTENCE_BEFORE, ANALYTICS_SENTENCE_AFTER, 1)


def create_demo_repository(directory: Path, *, when: datetime | None = None) -> DemoRepository:
    """Build the demo repository in ``directory`` (created; it must be empty if it exists).

    ``when`` fixes the commit dates (tests use it so commit ids are the same on every run).
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise InputError("the demo needs an empty directory", file=directory, field="--dir")
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (when or datetime.now().astimezone()).replace(microsecond=0).isoformat()

    def git(*arguments: str, author: tuple[str, str] = POLICY_OWNER) -> None:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_COMMITTER_NAME": author[0],
            "GIT_COMMITTER_EMAIL": author[1],
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        completed = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *arguments],
            cwd=directory,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise InputError(
                f"git {arguments[0]} failed in the demo repository: {completed.stderr.strip()}",
                file=directory,
            )

    policy = bundled_policy()
    git("init", "--quiet", "--initial-branch=main")
    (directory / "govern.toml").write_text(CONFIG, encoding="utf-8")
    policy_file = directory / POLICY_PATH
    policy_file.parent.mkdir(parents=True, exist_ok=True)
    policy_file.write_text(policy, encoding="utf-8")
    git("add", "govern.toml", POLICY_PATH)
    git("commit", "--quiet", "-m", "Cookies & Tracking policy as published")
    git("checkout", "--quiet", "-b", BRANCH)
    policy_file.write_text(proposed_policy(policy), encoding="utf-8")
    git("add", POLICY_PATH)
    git(
        "commit",
        "--quiet",
        "-m",
        "Add Hotjar session recordings to analytics",
        author=PROPOSER,
    )
    return DemoRepository(directory.resolve(), "main", BRANCH, LEGAL_REVIEWER, RELEASE_MANAGER)


def report_text(demo: DemoRepository, color: bool = False) -> str:
    from governance.compare import compare_revisions
    from governance.config import load_config
    from governance.gitrepo import GitRepository
    from governance.report import format_report

    config = load_config(demo.root)
    with GitRepository.open(demo.root) as repository:
        report = compare_revisions(repository, config, demo.base, demo.head)
    return format_report(report, "text", color=color)


def how_to_open(demo: DemoRepository) -> str:
    return (
        f"The demo repository is {demo.root}\n"
        f"Open it for review as the legal reviewer:\n"
        f"    govern review --repo {demo.root} --as {demo.legal_reviewer}\n"
        f"Or look at the gate CI would run:\n"
        f"    govern check --repo {demo.root}\n"
        f"And check that a running site does what the policy says (cookies, storage and\n"
        f"third parties seen in headless Chromium before and after consent;\n"
        f"pip install 'govern[scan]'):\n"
        f"    govern scan http://localhost:8080/ --repo {demo.root} --accept '#accept-all'\n"
    )


def run(directory: Path | None, no_open: bool) -> int:
    root = directory or Path(tempfile.mkdtemp(prefix="govern-demo-"))
    demo = create_demo_repository(root)
    interactive = sys.stdout.isatty() and sys.stdin.isatty()
    if interactive and not no_open:
        from tui.app import GovernApp
        from tui.services import Services

        GovernApp(Services(demo.root, demo.legal_reviewer)).run()
        click.echo(how_to_open(demo), nl=False)
        return 0
    click.echo(
        f"A proposed change to the MITPO cookie policy ({demo.base}..{demo.head}), classified:\n"
    )
    click.echo(report_text(demo, color=interactive), nl=False)
    click.echo("")
    click.echo(how_to_open(demo), nl=False)
    return 0

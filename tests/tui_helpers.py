"""Shared by the review-app tests: the demo repository with fixed dates, a fixed clock, and
readers of what the app wrote (ledger files, the store)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from governance.commands.demo import DemoRepository, create_demo_repository

FIXED_COMMIT_TIME = datetime(2026, 5, 4, 10, 0, 0, tzinfo=UTC)
FIXED_NOW = datetime(2026, 6, 2, 9, 0, 0, tzinfo=UTC)
LEGAL = "counsel@mitpo.example"
RELEASE = "releases@mitpo.example"
PROPOSER = "growth@mitpo.example"
SIZES = {"narrow": (80, 24), "wide": (160, 48)}


def fixed_clock() -> datetime:
    return FIXED_NOW


def make_demo(tmp_path: Path) -> DemoRepository:
    """The `govern demo` repository; the directory name is fixed, so screens show no temp path."""
    return create_demo_repository(tmp_path / "mitpo-demo", when=FIXED_COMMIT_TIME)


def add_editorial_branch(demo: DemoRepository, name: str = "new-date") -> None:
    """A second open change beside the demo's: ``name`` from main bumps ``last_updated`` (an
    editorial finding). The demo's branch stays checked out."""
    import os
    import subprocess

    from governance.commands.demo import POLICY_PATH

    stamp = FIXED_COMMIT_TIME.isoformat()  # fixed dates: the same commit id on every run
    environment = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}

    def git(*arguments: str) -> None:
        subprocess.run(
            ["git", "-C", str(demo.root), *arguments],
            capture_output=True,
            check=True,
            env=environment,
        )

    git("switch", "-q", "-c", name, "main")
    policy = demo.root / POLICY_PATH
    text = policy.read_text(encoding="utf-8")
    policy.write_text(
        text.replace("last_updated: 2026-04-20", "last_updated: 2026-05-01"), encoding="utf-8"
    )
    git("commit", "-q", "-am", "New date")
    git("switch", "-q", demo.head)


def count_announcement_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Announcement ids are random (secrets.token_hex); snapshots need them stable."""
    import announcements.workflow as workflow

    counter = iter(range(1, 1000))
    monkeypatch.setattr(workflow.secrets, "token_hex", lambda n: f"{next(counter):0{2 * n}x}")


def services_for(demo: DemoRepository, identity: str):  # -> tui.services.Services
    from tui.services import Services

    return Services(demo.root, identity, clock=fixed_clock)


def app_for(demo: DemoRepository, identity: str, start: str = "queue"):  # -> GovernApp
    from tui.app import GovernApp

    return GovernApp(services_for(demo, identity), start=start)


def ledger_records(root: Path) -> list[dict]:
    folder = root / ".govern-ledger"
    if not folder.is_dir():
        return []
    return [yaml.safe_load(path.read_text()) for path in sorted(folder.glob("*.yaml"))]


def audit_actions(root: Path) -> list[tuple[str, str]]:
    """(actor, action) of every audit event in the repository's store."""
    from sqlmodel import select

    from governance.config import load_config
    from governance.store import AuditEvent, open_store

    with open_store(load_config(root)) as store, store.read_session() as session:
        events = session.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
        return [(event.actor, event.action) for event in events]


def stored_announcements(root: Path) -> list:
    from announcements.workflow import list_announcements
    from governance.config import load_config

    return list_announcements(load_config(root))


def material_fingerprints(demo: DemoRepository) -> list[str]:
    from governance.check import run_check
    from governance.findings import Level
    from governance.gitrepo import GitRepository

    with GitRepository.open(demo.root) as repo:
        result = run_check(repo)
        return [
            item.finding.fingerprint
            for item in result.findings
            if item.finding.level is Level.material
        ]


def approve_all_material(demo: DemoRepository) -> list[str]:
    """What a legal reviewer does first (through the library, as `govern approve` would)."""
    from governance.gitrepo import GitRepository
    from governance.review import decide

    fingerprints = material_fingerprints(demo)
    with GitRepository.open(demo.root) as repo:
        decide(repo, fingerprints, "approved", LEGAL)
    return fingerprints


def drafted_and_submitted(demo: DemoRepository) -> str:
    """Approve the findings, draft the announcement and submit it (as `govern announce` would)."""
    from announcements.workflow import draft_from_change, submit
    from governance.config import load_config
    from governance.gitrepo import GitRepository
    from governance.store import open_store

    approve_all_material(demo)
    config = load_config(demo.root)
    with GitRepository.open(demo.root) as repo, open_store(config) as store:
        outcome = draft_from_change(repo, store, LEGAL)[0]
        submit(repo, store, outcome.announcement.id, LEGAL)
        return outcome.announcement.id

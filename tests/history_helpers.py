"""Real git repositories for the history, store and log tests (helper C's fixtures)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
GOVERN = [sys.executable, "-m", "governance"]


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    completed = subprocess.run(
        ["git", *args], cwd=repo, input=stdin, capture_output=True, check=False
    )
    if completed.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {completed.stderr.decode()}")
    return completed.stdout.decode().strip()


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def commit(
    repo: Path,
    files: dict[str, str | None],
    message: str,
    *,
    author: str | None = None,
    date: str | None = None,
) -> str:
    """Write (or, for None, delete) files, commit them all, return the commit sha."""
    for name, content in files.items():
        target = repo / name
        if content is None:
            git(repo, "rm", "-q", "--", name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        git(repo, "add", "--", name)
    args = ["commit", "-q", "--allow-empty", "-m", message]
    if author:
        args += ["--author", author]
    env_date = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
    completed = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, env={**os.environ, **env_date}, check=False
    )
    assert completed.returncode == 0, completed.stderr.decode()
    return git(repo, "rev-parse", "HEAD")


def item_yaml(identifier: str, *, category: str = "strictly_necessary", purpose: str = "") -> str:
    consent = "none" if category in ("strictly_necessary", "functional") else "opt-in"
    use = {
        "strictly_necessary": "essential.service.authentication",
        "functional": "functional.storage",
        "analytics": "analytics.reporting",
        "marketing": "marketing.advertising",
    }[category]
    return (
        f"  - id: {identifier}\n"
        f"    name: {identifier} cookie\n"
        f"    storage: cookie\n"
        f"    party: first\n"
        f"    category: {category}\n"
        f"    data_uses: [{use}]\n"
        f"    purpose: {purpose or 'keeps the ' + identifier + ' feature working across pages.'}\n"
        f"    consent: {consent}\n"
    )


def policy_yaml(
    title: str = "Cookies",
    items: Sequence[str] = ("session",),
    *,
    analytics: Sequence[str] = (),
    summary: str = "What we store on your device and why.",
    padding: int = 6,
) -> str:
    """A valid policy. ``padding`` sections of prose make files big enough for git's rename
    detection to pair an edited, moved file with its old self."""
    sections = "".join(
        f"  - id: part-{n}\n    title: Part {n}\n    body: >-\n"
        f"      Paragraph {n} explains in plain words how this part of the service uses the\n"
        f"      storage listed below and what you can do about it at any time you like.\n"
        for n in range(padding)
    )
    body = "".join(item_yaml(name) for name in items)
    body += "".join(item_yaml(name, category="analytics") for name in analytics)
    sections_block = f"sections:\n{sections}" if sections else ""
    return f"title: {title}\nsummary: {summary}\n{sections_block}items:\n{body}"


def fast_import_history(
    repo: Path, commits: int, policies: int, *, policies_dir: str = "policies"
) -> int:
    """Build a linear history with ``git fast-import``: each commit edits one policy (adding an
    item), the first ``policies`` commits create them. Returns the number of policy versions."""
    stream: list[bytes] = []
    mark = 0
    items: dict[int, list[str]] = {p: ["session"] for p in range(policies)}
    previous_commit: int | None = None
    for number in range(commits):
        target = number % policies
        if number >= policies:
            items[target].append(f"item-{number}")
        content = policy_yaml(f"Policy {target}", items[target]).encode()
        mark += 1
        blob_mark = mark
        stream.append(b"blob\nmark :%d\ndata %d\n%s\n" % (blob_mark, len(content), content))
        mark += 1
        message = f"edit policy {target} ({number})".encode()
        stamp = 1_700_000_000 + number * 60
        header = (
            b"commit refs/heads/main\nmark :%d\n"
            b"author Author <author@example.test> %d +0000\n"
            b"committer Author <author@example.test> %d +0000\n"
            b"data %d\n%s\n" % (mark, stamp, stamp, len(message), message)
        )
        stream.append(header)
        if previous_commit is not None:
            stream.append(b"from :%d\n" % previous_commit)
        stream.append(
            b"M 100644 :%d %s/team/policy-%02d.yaml\n\n"
            % (blob_mark, policies_dir.encode(), target)
        )
        previous_commit = mark
    git(repo, "fast-import", "--quiet", stdin=b"".join(stream))
    git(repo, "reset", "-q", "--hard", "main")
    return commits


def run_govern(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check_exit: int | None = None,
) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [*GOVERN, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if check_exit is not None:
        assert completed.returncode == check_exit, (completed.stdout, completed.stderr)
    return completed


def postgres_reachable() -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg
    except ImportError as error:  # pragma: no cover
        return f"psycopg is not installed: {error}"
    try:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3):
            return None
    except Exception as error:  # noqa: BLE001 - any failure means: skip with the reason
        return f"PostgreSQL at 127.0.0.1:5432 is unreachable: {error}"


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema for one test; yields the store URL that puts it first on the search path."""
    import psycopg

    schema = f"govern_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """ "sqlite" (the default store in the repo) or "postgres" (GOVERN_DATABASE_URL set to a
    schema of its own on the real server)."""
    if request.param == "sqlite":
        monkeypatch.delenv("GOVERN_DATABASE_URL", raising=False)
        yield "sqlite"
        return
    reason = postgres_reachable()
    if reason:
        pytest.skip(reason)
    with postgres_schema() as url:
        monkeypatch.setenv("GOVERN_DATABASE_URL", url)
        yield "postgres"

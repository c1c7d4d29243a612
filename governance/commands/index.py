"""``govern index``: fill the store with the versions of every policy, incrementally."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from governance.commands._history import progress_bar
from governance.config import load_config
from governance.gitrepo import GitRepository
from governance.history import IndexResult, index_history


def run(repo: Path, rev: str, fmt: str) -> int:
    config = load_config(repo)
    git_repo = GitRepository.open(repo)
    from governance.store import open_store

    with open_store(config) as store, progress_bar("Indexing commits") as on_start:
        result = index_history(
            git_repo, store, str(config.policies_dir), rev=rev, on_start=on_start, parallel=True
        )
    if fmt == "json":
        data = dataclasses.asdict(result)
        click.echo(json.dumps({"schema": "govern.index/1", **data}, indent=2))
    else:
        click.echo(describe(result))
    return 0


def describe(result: IndexResult) -> str:
    if result.head is None:
        return "; ".join(result.notes) or "nothing to index"
    head = result.head[:12]
    if not result.commits_indexed:
        return f"the store is up to date (HEAD {head})"
    invalid = f", {result.blobs_invalid} not valid" if result.blobs_invalid else ""
    return (
        f"indexed {result.commits_indexed} commit{'s' * (result.commits_indexed != 1)}: "
        f"{result.versions_added} version{'s' * (result.versions_added != 1)}, "
        f"{result.blobs_parsed} blob{'s' * (result.blobs_parsed != 1)} parsed{invalid} "
        f"in {result.seconds:.2f}s (up to {head})"
    )

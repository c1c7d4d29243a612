"""``govern log [POLICY]``: the versions of each policy, with whether each change was material."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from governance.commands._history import policy_id_from_argument, progress_bar
from governance.config import load_config
from governance.errors import PolicyError
from governance.gitrepo import GitRepository
from governance.history import LoggedVersion, index_history, logged_versions


def run(policy: str | None, repo: Path, fmt: str) -> int:
    config = load_config(repo)
    git_repo = GitRepository.open(repo)
    from governance.store import open_store

    policy_id = policy_id_from_argument(policy, config, git_repo) if policy else None
    with open_store(config) as store:
        with progress_bar("Indexing commits") as on_start:
            result = index_history(
                git_repo, store, str(config.policies_dir), on_start=on_start, parallel=True
            )
        versions = logged_versions(git_repo, store, config, policy_id)
    if policy_id is not None and not versions:
        raise PolicyError(
            f"no version of policy {policy_id!r} in the history of HEAD",
            field="POLICY",
            hint="`govern log` lists every policy with its versions",
        )
    if fmt == "json":
        click.echo(json.dumps(as_json(versions, result.head), indent=2))
    else:
        click.echo(as_text(versions, result.head))
    return 0


def _level_label(version: LoggedVersion) -> str:
    if version.error:
        return "unparsable"
    if version.material:
        return "material"
    if version.level:
        return f"{version.level}"
    return "removed" if version.status == "deleted" else "no findings"


def grouped(versions: Sequence[LoggedVersion]) -> dict[str, list[LoggedVersion]]:
    """Versions by policy (policies in name order, versions newest first)."""
    groups: dict[str, list[LoggedVersion]] = {}
    for version in versions:
        groups.setdefault(version.policy_id, []).append(version)
    return dict(sorted(groups.items()))


def as_text(versions: Sequence[LoggedVersion], head: str | None) -> str:
    if head is None:
        return "no commits yet: nothing to show"
    if not versions:
        return "no policy versions in the history of HEAD"
    lines: list[str] = []
    for policy_id, own in grouped(versions).items():
        if lines:
            lines.append("")
        lines.append(policy_id)
        for version in own:
            material = _level_label(version)
            if version.findings:
                material += f" ({version.findings} finding{'s' * (version.findings != 1)})"
            status = version.status
            if version.previous_policy_id and version.previous_policy_id != version.policy_id:
                status += f" from {version.previous_policy_id}"
            tags = f"  [{', '.join(version.tags)}]" if version.tags else ""
            lines.append(
                f"  {version.commit[:12]}  {version.committed_at:%Y-%m-%d}  "
                f"{version.author:<24}  {status:<10}  {material:<24}  {version.subject}{tags}"
            )
    return "\n".join(lines)


def as_json(versions: Sequence[LoggedVersion], head: str | None) -> dict[str, Any]:
    return {
        "schema": "govern.log/1",
        "head": head,
        "policies": [
            {"policy": policy_id, "versions": [_version_json(v) for v in own]}
            for policy_id, own in grouped(versions).items()
        ],
    }


def _version_json(version: LoggedVersion) -> dict[str, Any]:
    return {
        "commit": version.commit,
        "date": version.committed_at.isoformat(),
        "author": version.author,
        "author_name": version.author_name,
        "status": version.status,
        "path": version.path,
        "blob": version.blob_sha,
        "previous_policy": version.previous_policy_id,
        "material": version.material,
        "level": version.level,
        "findings": version.findings,
        "subject": version.subject,
        "tags": list(version.tags),
        "error": version.error,
    }

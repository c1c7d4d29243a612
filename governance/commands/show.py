"""``govern show POLICY[@REV]``: one version of a policy, with where it came from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from governance.commands._history import policy_id_from_argument
from governance.config import Config, load_config
from governance.errors import PolicyError
from governance.gitrepo import GitRepository, PolicyFile, Version


def run(spec: str, repo: Path, fmt: str) -> int:
    config = load_config(repo)
    git_repo = GitRepository.open(repo)
    argument, _, rev = spec.partition("@")
    rev = rev or "HEAD"
    policy_id = policy_id_from_argument(argument, config, git_repo)
    commit = git_repo.resolve(rev)
    policies = str(config.policies_dir)
    files = git_repo.policy_files(commit, policies)
    policy_file = files.get(policy_id) or _under_an_earlier_name(
        git_repo, config, policy_id, commit
    )
    if policy_file is None:
        raise _missing(git_repo, config, policy_id, rev, sorted(files))
    change = git_repo.last_change(commit, policy_file.path)
    if fmt == "json":
        click.echo(json.dumps(as_json(git_repo, policy_file, rev, commit, change), indent=2))
    else:
        click.echo(as_text(policy_file, rev, commit, change), nl=False)
    return 0


def as_text(policy_file: PolicyFile, rev: str, commit: str, change: Version | None) -> str:
    lines = [
        f"policy:   {policy_file.policy_id}",
        f"path:     {policy_file.path}",
        f"revision: {rev} ({commit[:12]})",
    ]
    if change is not None:
        lines += [
            f"changed:  {change.commit[:12]} {change.committed_at:%Y-%m-%d %H:%M %z} by "
            f"{change.author_name} <{change.author_email}>",
            f"          {change.subject}",
        ]
    lines += [f"blob:     {policy_file.blob_sha}", "---"]
    text = policy_file.data.decode("utf-8-sig", errors="replace")
    return "\n".join(lines) + "\n" + text + ("" if text.endswith("\n") else "\n")


def as_json(
    git_repo: GitRepository, policy_file: PolicyFile, rev: str, commit: str, change: Version | None
) -> dict[str, Any]:
    from governance.blobcache import parse_policy_file

    model: Any = None
    error: str | None = None
    try:
        model = parse_policy_file(policy_file, git_repo.root).model_dump(mode="json")
    except PolicyError as problem:
        error = str(problem)
    return {
        "schema": "govern.show/1",
        "policy": policy_file.policy_id,
        "path": policy_file.path,
        "rev": rev,
        "commit": commit,
        "blob": policy_file.blob_sha,
        "changed_in": None
        if change is None
        else {
            "commit": change.commit,
            "date": change.committed_at.isoformat(),
            "author": change.author_email,
            "author_name": change.author_name,
            "subject": change.subject,
        },
        "content": policy_file.data.decode("utf-8-sig", errors="replace"),
        "model": model,
        "error": error,
    }


def _under_an_earlier_name(
    git_repo: GitRepository, config: Config, policy_id: str, commit: str
) -> PolicyFile | None:
    """The policy at ``commit`` when it had another file name then (renames followed, as
    ``govern log`` lists its versions under its current id)."""
    current = git_repo.policy_files("HEAD", str(config.policies_dir)).get(policy_id)
    if current is None:
        return None
    for version in git_repo.versions(current.path):
        if version.blob_sha is None:
            continue
        if git_repo.is_ancestor(version.commit, commit):
            found = git_repo.file_at(commit, version.path, str(config.policies_dir))
            if found is not None:
                return PolicyFile(policy_id, found.path, found.blob_sha, found.data)
            return None
    return None


def _missing(
    git_repo: GitRepository, config: Config, policy_id: str, rev: str, known: list[str]
) -> PolicyError:
    hint = f"policies at {rev}: {', '.join(known)}" if known else f"no policies at {rev}"
    for candidate in (".yaml", ".yml", ".md", ".markdown"):
        path = f"{git_repo.relative(config.policies_dir)}/{policy_id}{candidate}".lstrip("/")
        versions = git_repo.versions(path)
        gone = next((v for v in versions if v.status == "deleted"), None)
        if gone is not None:
            hint = (
                f"it was deleted in {gone.commit[:12]} ({gone.committed_at:%Y-%m-%d}); "
                f"show an earlier version with {policy_id}@{gone.commit[:12]}~1"
            )
            break
    return PolicyError(f"no policy {policy_id!r} at {rev}", field="POLICY", hint=hint)

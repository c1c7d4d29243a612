"""``govern validate``: parse and validate policies, reporting every bad file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from governance.config import load_config
from governance.errors import EXIT_BAD_INPUT, PolicyError
from governance.formats import discover, read_policy_file


def run(paths: tuple[Path, ...], repo: Path, fmt: str) -> int:
    config = load_config(repo)
    files = _expand(paths, config.policies_dir) if paths else list(discover(config.policies_dir))
    if not files:
        raise PolicyError(
            "no policies found (looked for *.yaml, *.yml and *.md files)",
            file=config.policies_dir,
            hint="create the folder, or set `policies` in [tool.govern]",
        )
    results = []
    failed = 0
    for path in files:
        inside = config.policies_dir if _is_within(path, config.policies_dir) else None
        try:
            document = read_policy_file(path, inside)
        except PolicyError as error:
            failed += 1
            problems = [error, *error.more]
            results.append(
                {
                    "file": str(path),
                    "valid": False,
                    "error": str(error),
                    "line": error.line,
                    "field": error.field,
                    "errors": [
                        {"error": str(each), "line": each.line, "field": each.field}
                        for each in problems
                    ],
                }
            )
            if fmt == "text":
                for each in problems:
                    click.echo(f"govern: error: {each}", err=True)
            continue
        policy = document.policy
        results.append({"file": str(path), "policy": document.policy_id, "valid": True})
        if fmt == "text":
            click.echo(
                f"ok  {document.policy_id}  ({len(policy.items)} items, {len(policy.recipients)} "
                f"recipients, {len(policy.commitments)} commitments)"
            )
    if fmt == "json":
        click.echo(json.dumps({"schema": "govern.validate/1", "results": results}, indent=2))
    return EXIT_BAD_INPUT if failed else 0


def _expand(paths: tuple[Path, ...], policies_dir: Path) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(discover(path))
        else:
            files.append(path)
    return files


def _is_within(path: Path, directory: Path) -> bool:
    """True when the path is lexically under the policies directory (containment checked later)."""
    try:
        path.absolute().relative_to(directory.absolute())
    except ValueError:
        return False
    return True

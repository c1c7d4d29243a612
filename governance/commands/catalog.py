"""``govern catalog import FILE`` and ``govern catalog lookup NAME``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from governance.catalog import Catalog, import_catalog
from governance.config import load_config

MAX_LISTED_PROBLEMS = 20


def run(
    action: str,
    repo: Path,
    file: Path | None = None,
    catalog_name: str | None = None,
    cookie: str = "",
    fmt: str = "text",
) -> int:
    if action == "import":
        assert file is not None
        return _import(file, repo, catalog_name)
    return _lookup(cookie, fmt, repo)


def _import(file: Path, repo: Path, name: str | None) -> int:
    config = load_config(repo)
    target, result = import_catalog(file, config.root, name)
    for line, problem in result.problems[:MAX_LISTED_PROBLEMS]:
        click.echo(f"govern: warning: {file}:{line}: skipped: {problem}", err=True)
    hidden = len(result.problems) - MAX_LISTED_PROBLEMS
    if hidden > 0:
        click.echo(f"govern: warning: … and {hidden} more rows skipped", err=True)
    click.echo(
        f"imported {len(result.entries)} of {result.rows} rows and {len(result.domains)} domains "
        f"from {file} into {target}"
        + (f" ({len(result.problems)} skipped)" if result.problems else "")
    )
    return 0


def _lookup(name: str, fmt: str, repo: Path) -> int:
    config = load_config(repo)
    catalog = Catalog.load(config)
    entry = catalog.lookup(name)
    domain = catalog.company_for_host(name) if entry is None and "." in name else None
    if fmt == "json":
        match = asdict(entry) if entry else asdict(domain) if domain else None
        click.echo(json.dumps({"name": name, "match": match}, indent=2))
        return 0
    if domain is not None:
        click.echo(domain.describe(name))
        click.echo(f"  category: {domain.category or 'unknown'}")
        click.echo(f"  source: {domain.source}")
        return 0
    if entry is None:
        click.echo(f"{name}: not in the catalogue ({len(catalog)} names and patterns searched)")
        return 0
    click.echo(entry.describe(name))
    details = [
        f"category: {entry.category or 'unknown'}",
        f"retention: {entry.retention or 'unknown'}",
        f"storage: {entry.storage}",
    ]
    click.echo("  " + ", ".join(details))
    if entry.description:
        click.echo(f"  {entry.description}")
    click.echo(f"  source: {entry.source}")
    return 0

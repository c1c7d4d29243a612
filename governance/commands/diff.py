"""``govern diff``: classified changes between two policy files or two revisions (exit 0)."""

from __future__ import annotations

from pathlib import Path

import click

from governance.commands._options import colour_wanted
from governance.compare import compare_files, compare_revisions
from governance.config import Config, load_config
from governance.errors import GitError, InputError, PolicyError
from governance.findings import Report
from governance.report import format_report


def run(revisions: tuple[str, ...], repo: Path, fmt: str) -> int:
    config = load_config(repo)
    report = _report(revisions, repo, config)
    color = fmt == "text" and colour_wanted()
    click.echo(format_report(report, fmt, color=color), nl=False)
    return 0  # diff reports; `govern check` is the gate


def _report(revisions: tuple[str, ...], repo: Path, config: Config) -> Report:
    if len(revisions) > 2:
        raise InputError(
            "expected OLD_FILE NEW_FILE, or one revision range BASE[..HEAD]",
            hint="e.g. `govern diff main..HEAD` or `govern diff old.yaml new.yaml`",
        )
    if len(revisions) == 2 and all(Path(arg).is_file() for arg in revisions):
        return compare_files(Path(revisions[0]), Path(revisions[1]), config)
    if len(revisions) == 2 and any(_looks_like_file(arg) for arg in revisions):
        missing = next(arg for arg in revisions if not Path(arg).is_file())
        raise PolicyError("no such file", file=missing)
    if len(revisions) == 1 and Path(revisions[0]).is_file():
        raise PolicyError(
            "one file is not enough to compare",
            file=revisions[0],
            hint="compare two files (govern diff OLD_FILE NEW_FILE) or two revisions "
            "(govern diff main..HEAD)",
        )
    base, head = _revision_range(revisions)
    from governance.gitrepo import GitRepository

    with GitRepository.open(repo) as repository:
        if base == "HEAD" and not revisions and not repository.has_commits():
            raise GitError(
                "the repository has no commits yet, so there is nothing to compare with",
                file=repository.root,
                hint="commit your policies, or compare two files: govern diff OLD_FILE NEW_FILE",
            )
        if "..." in (revisions[0] if revisions else ""):
            base = repository.merge_base(base, head or "HEAD")
        return compare_revisions(repository, config, base, head)


def _looks_like_file(argument: str) -> bool:
    return Path(argument).suffix.lower() in (".yaml", ".yml", ".md", ".markdown")


def _revision_range(revisions: tuple[str, ...]) -> tuple[str, str | None]:
    """``()`` → HEAD vs the working tree; ``BASE`` → BASE vs the working tree; ``A..B``, ``A B``."""
    if not revisions:
        return "HEAD", None
    if len(revisions) == 2:
        return revisions[0], revisions[1]
    spec = revisions[0]
    separator = "..." if "..." in spec else ".." if ".." in spec else None
    if separator is None:
        return spec, None
    base, _, head = spec.partition(separator)
    return base or "HEAD", head or "HEAD"

"""``govern check``: the CI gate (exit 0 pass, 1 fail, 2 bad input)."""

from __future__ import annotations

from pathlib import Path

import click

from governance.check import CheckResult, run_check
from governance.commands._options import colour_wanted, emit


def render(result: CheckResult, fmt: str, *, color: bool = False) -> str:
    if fmt == "json":
        from governance.report.check_text import format_json

        return format_json(result)
    if fmt == "markdown":
        from governance.report.check_text import format_markdown

        return format_markdown(result)
    if fmt == "github":
        from governance.report.github import format_check

        return format_check(result)
    if fmt == "junit":
        from governance.report.junit import format_check as format_junit

        return format_junit(result)
    if fmt == "sarif":
        from governance.report.sarif import format_check as format_sarif

        return format_sarif(result)
    from governance.report.check_text import format_text

    return format_text(result, color=color)


def run(repo: Path, base: str | None, head: str | None, fmt: str, output: Path | None) -> int:
    from governance.gitrepo import GitRepository

    git_repository = GitRepository.open(repo)
    result = run_check(git_repository, base, head)
    text = render(result, fmt, color=fmt == "text" and colour_wanted(output))
    emit(text, output)
    if output is not None:
        click.echo(
            f"govern check: {result.verdict} ({len(result.blocking)} blocking of "
            f"{len(result.findings)} findings); {fmt} report written to {output}",
            err=True,
        )
    return result.exit_code

"""``govern scan URL... [--har FILE...]``: the site against the declared policy.

Exit 0 pass, 1 a material finding, 2 bad input or a partial scan (the report still shows what was
scanned, marked partial, and standard error names each URL or file that was not).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from governance.commands._options import emit
from governance.errors import InputError
from governance.scan.observations import Phase
from governance.scan.observe import BrowserOptions, Progress
from governance.scan.scanner import ScanRequest, scan
from governance.scan.settings import ScanSettings, load_scan_config


def run(
    urls: list[str],
    hars: list[Path],
    policy: str | None,
    pages: int | None,
    accept: str | None,
    consent_cookie: str | None,
    resolve: tuple[str, ...],
    timeout: float | None,
    budget: float | None,
    suggest: bool,
    fmt: str,
    output: Path | None,
    repo: Path,
) -> int:
    config, settings = load_scan_config(repo)
    request = ScanRequest(
        urls=urls,
        hars=hars,
        policy=policy or settings.policy,
        consent_cookie=consent_cookie or settings.consent_cookie,
        suggest=suggest,
        browser=_browser_options(settings, pages, accept, resolve, timeout, budget),
    )
    try:
        result = scan(config, request)
    finally:
        if request.browser.progress is not None:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
    if suggest and fmt != "json":
        nothing = "# nothing to declare: the policy matches what was observed\n"
        emit(result.suggestion or nothing, output)
        click.echo(f"{result.headline()}\n  {result.scope()}", err=True)
    else:
        from governance.scan.formats import format_result

        color = fmt == "text" and output is None and sys.stdout.isatty()
        emit(format_result(result, fmt, color=color), output)
        if output is not None:
            click.echo(f"{result.headline()}; {fmt} report written to {output}", err=True)
    for problem in result.observations.problems:
        click.echo(f"govern: error: {problem}", err=True)
    return result.exit_code


def _browser_options(
    settings: ScanSettings,
    pages: int | None,
    accept: str | None,
    resolve: tuple[str, ...],
    timeout: float | None,
    budget: float | None,
) -> BrowserOptions:
    options = BrowserOptions(
        chromium=settings.chromium,
        pages=pages or settings.pages or 20,
        page_timeout=timeout or settings.timeout or 30.0,
        budget=budget or settings.budget or 300.0,
        accept=accept or settings.accept,
        resolve={**settings.resolve, **_resolve_pairs(resolve)},
    )
    if sys.stderr.isatty():
        options.progress = _progress_bar
    return options


def _resolve_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        host, _, address = pair.partition("=")
        if not host.strip() or not address.strip():
            raise InputError(f"expected HOST=ADDRESS, not {pair!r}", field="--resolve")
        mapping[host.strip()] = address.strip()
    return mapping


_PHASES = {Phase.before: "before consent", Phase.after: "after consent"}


def _progress_bar(progress: Progress) -> None:
    """One line on a terminal's standard error: [####......] 3/20 before consent  URL."""
    width = 20
    filled = width * progress.done // max(progress.total, 1)
    columns = shutil.get_terminal_size((100, 20)).columns
    line = (
        f"[{'#' * filled}{'.' * (width - filled)}] {progress.done + 1}/{progress.total} "
        f"{_PHASES.get(progress.phase, '')}  {progress.url}"
    )
    sys.stderr.write("\r\x1b[2K" + line[: columns - 1])
    sys.stderr.flush()

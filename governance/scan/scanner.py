"""The scan as one library call: observe (browser and/or HAR files), match, report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from governance.catalog import catalog_for
from governance.config import Config
from governance.errors import InputError
from governance.findings import PolicyReport, Report
from governance.formats import POLICY_SUFFIXES, discover, policy_id, read_policy_file
from governance.locate import Locator
from governance.model import PolicyDocument
from governance.rules.registry import registry_for
from governance.scan.match import FindingMaker, Levels, Matcher, findings_of
from governance.scan.observations import Observations
from governance.scan.observe import BrowserOptions
from governance.scan.result import ScanResult
from governance.scan.sites import site_of


@dataclass
class ScanRequest:
    urls: list[str] = field(default_factory=list)
    hars: list[Path] = field(default_factory=list)
    policy: str | None = None
    consent_cookie: str | None = None
    suggest: bool = False
    browser: BrowserOptions = field(default_factory=BrowserOptions)


def choose_policy(config: Config, wanted: str | None) -> PolicyDocument:
    """The policy to scan against: the one named (id or file), or the only one there is."""
    if wanted:
        return _named_policy(config, wanted)
    paths = list(discover(config.policies_dir)) if config.policies_dir.is_dir() else []
    if len(paths) == 1:
        return read_policy_file(paths[0], config.policies_dir)
    if not paths:
        raise InputError(
            f"no policy to scan against under {config.policies}/",
            file=config.policies_dir,
            hint="write one there, or name a policy file with --policy",
        )
    known = ", ".join(policy_id(path, config.policies_dir) for path in paths)
    raise InputError(
        f"there are {len(paths)} policies; name the one the site follows with --policy",
        field="--policy",
        hint=f"known policies: {known}",
    )


def _named_policy(config: Config, wanted: str) -> PolicyDocument:
    candidate = Path(wanted)
    for path in (candidate, config.root / candidate):
        if path.is_file():
            inside = _within(path, config.policies_dir)
            return read_policy_file(path, config.policies_dir if inside else None)
    for suffix in POLICY_SUFFIXES:
        path = config.policies_dir / f"{wanted}{suffix}"
        if path.is_file():
            return read_policy_file(path, config.policies_dir)
    known = [policy_id(path, config.policies_dir) for path in discover(config.policies_dir)]
    raise InputError(
        f"no policy {wanted!r} (looked for a file and for an id under {config.policies})",
        field="--policy",
        hint=f"known policies: {', '.join(known)}" if known else "the policies folder is empty",
    )


def _within(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def observe(request: ScanRequest) -> Observations:
    if not request.urls and not request.hars:
        raise InputError("nothing to scan: give a URL or --har FILE", field="URL")
    observations: Observations | None = None
    if request.hars:
        from governance.scan.har import observe_har

        site = site_of(request.urls[0]) if request.urls else None
        observations = observe_har(request.hars, site=site, consent_cookie=request.consent_cookie)
    if request.urls:
        from governance.scan.observe import observe_site

        seen = observe_site(request.urls, request.browser)
        if observations is not None:
            seen.merge(observations)
        observations = seen
    assert observations is not None
    if not observations.pages and observations.problems:
        first = observations.problems[0]
        raise InputError(first.message, file=first.where)
    return observations


def scan(config: Config, request: ScanRequest) -> ScanResult:
    document = choose_policy(config, request.policy)
    observations = observe(request)
    return match(config, document, observations, suggest=request.suggest)


def match(
    config: Config, document: PolicyDocument, observations: Observations, *, suggest: bool = False
) -> ScanResult:
    registry = registry_for(config)
    catalog = catalog_for(config)
    matched = Matcher(document.policy, catalog, observations).match()
    text = _policy_text(document)
    locator = Locator(text, document.format, document.policy)
    maker = FindingMaker(document.policy, Levels(registry, config.rules), locator.line)
    findings = findings_of(matched, observations, maker)
    file = _relative(document.source, config.root)
    report = Report(
        policies=[
            PolicyReport(
                policy=document.policy_id, status="unchanged", findings=findings, file=file
            )
        ]
    )
    suggestion = None
    if suggest:
        from governance.scan.suggest import suggest as make_suggestion

        suggestion = make_suggestion(matched, document.policy, observations.site)
    return ScanResult(report, document.policy_id, file, observations, matched, suggestion)


def _policy_text(document: PolicyDocument) -> str | None:
    try:
        return Path(document.source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _relative(source: str, root: Path) -> str | None:
    path = Path(source)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix() if path.exists() else None

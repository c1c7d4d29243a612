"""Comparing policy versions: the one way through for diff, check, announce and the review app.

``classify`` turns two versions of one policy into a :class:`PolicyReport` (diff, then every
rule's detectors, with the user's level overrides); ``compare_files`` and ``compare_revisions``
read the versions from two files or from two git revisions and gather one :class:`Report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from governance.config import Config
from governance.diff import diff_policies
from governance.errors import PolicyError
from governance.findings import Level, PolicyReport, PolicyStatus, Report, Side
from governance.formats import format_of, parse_policy, policy_id, read_policy_file
from governance.ledger import ABSENT
from governance.locate import Locator
from governance.model import Policy, PolicyDocument
from governance.rules.registry import registry_for

if TYPE_CHECKING:
    from governance.gitrepo import GitRepository, PolicyFile
    from governance.scope import ChangeScope

WORKING_TREE = "working tree"


def classify(
    policy_id: str,
    old: Policy | None,
    new: Policy | None,
    config: Config,
    *,
    head_text: str | None = None,
    head_format: str = "yaml",
    file: str | None = None,
) -> PolicyReport:
    """The findings between two versions of one policy (None on a side: added or removed).

    A policy added or removed as a whole is compared with an empty policy of the same title, so
    every claim on a new page is read like an added section, and a deleted page like every entry
    removed. ``head_text`` (the new file's text) lets findings carry the line they point at.
    """
    diff = diff_policies(
        old if old is not None else _nothing_like(new),
        new if new is not None else _nothing_like(old),
        policy_id=policy_id,
        config=config,
        whole="added" if old is None else "removed" if new is None else None,
    )
    status = _status(old, new, diff.is_empty)
    if status == "unchanged":
        return PolicyReport(policy=policy_id, status=status, file=file)
    findings = registry_for(config).evaluate(diff, config.rules)
    if head_text is not None and new is not None:
        locator = Locator(head_text, head_format, new)
        for finding in findings:
            if finding.line is None:
                quote = finding.after if isinstance(finding.after, str) else None
                finding.line = locator.line(finding.path, quote)
    return PolicyReport(policy=policy_id, status=status, findings=findings, file=file)


def _nothing_like(policy: Policy | None) -> Policy:
    """An empty policy with the other side's metadata: only the content differs."""
    if policy is None:
        return Policy(title="")
    return Policy(
        title=policy.title,
        owner=policy.owner,
        last_updated=policy.last_updated,
        consent_revision=policy.consent_revision,
    )


def _status(old: Policy | None, new: Policy | None, empty: bool) -> PolicyStatus:
    if old is None and new is not None:
        return "added"
    if new is None and old is not None:
        return "removed"
    return "unchanged" if empty else "modified"


def compare_files(old_path: Path, new_path: Path, config: Config) -> Report:
    """Two plain policy files (no git): ``base`` and ``head`` are null in the report."""
    old_document = read_policy_file(old_path)
    new_text, new_document = _read_with_text(new_path)
    report = classify(
        _file_policy_id(new_path, config),
        old_document.policy,
        new_document.policy,
        config,
        head_text=new_text,
        head_format=new_document.format,
        file=str(new_path),
    )
    return Report(base=None, head=None, policies=[report])


def _read_with_text(path: Path) -> tuple[str | None, PolicyDocument]:
    document = read_policy_file(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        text = None
    return text, document


def _file_policy_id(path: Path, config: Config) -> str:
    try:
        return policy_id(path, config.policies_dir)
    except PolicyError:
        return path.with_suffix("").name


def compare_revisions(
    repo: GitRepository, config: Config, base: str, head: str | None = None
) -> Report:
    """Every policy that differs between two revisions (``head`` None: the working tree)."""
    base_commit = repo.resolve(base)
    head_commit = repo.resolve(head) if head is not None else None
    old_files = repo.policy_files(base_commit, config.policies)
    new_files = repo.policy_files(head_commit, config.policies)
    base_label = f"@{base}"
    head_label = f"@{head}" if head is not None else ""
    renames = _renamed_policies(repo, old_files, new_files, base_label, head_label)
    reports: list[PolicyReport] = []
    for identifier in sorted(old_files.keys() | new_files.keys()):
        if identifier in renames.values():
            continue  # reported under its new id
        old_file = old_files.get(renames.get(identifier, identifier))
        new_file = new_files.get(identifier)
        if old_file and new_file and old_file.blob_sha == new_file.blob_sha:
            reports.append(
                PolicyReport(
                    policy=identifier,
                    status="unchanged",
                    file=new_file.path,
                    renamed_from=renames.get(identifier),
                    base_blob=old_file.blob_sha,
                    head_blob=new_file.blob_sha,
                )
            )
            continue
        old = _parse(repo, old_file, base_label) if old_file else None
        new = _parse(repo, new_file, head_label) if new_file else None
        shown = new_file or old_file
        assert shown is not None
        report = classify(
            identifier,
            old,
            new,
            config,
            head_text=_text(new_file),
            head_format=format_of(new_file.path) if new_file else "yaml",
            file=shown.path,
        )
        report.renamed_from = renames.get(identifier)
        report.base_blob = old_file.blob_sha if old_file else ABSENT
        report.head_blob = new_file.blob_sha if new_file else ABSENT
        report.base_file = old_file.path if old_file else None
        reports.append(report)
    return Report(
        base=Side(ref=base, commit=base_commit),
        head=Side(ref=head if head is not None else WORKING_TREE, commit=head_commit),
        policies=reports,
    )


def _renamed_policies(
    repo: GitRepository,
    old_files: dict[str, PolicyFile],
    new_files: dict[str, PolicyFile],
    base_label: str,
    head_label: str,
) -> dict[str, str]:
    """New id → old id for policies moved or renamed (and maybe edited) between the revisions.

    A moved policy is one policy, not a removal plus an addition that would flag every item as
    new. Pairs are made one-to-one from policies present on one side only: the same content, or
    the same title and at least half of the entry ids in common.
    """
    removed = {key: old_files[key] for key in old_files.keys() - new_files.keys()}
    added = {key: new_files[key] for key in new_files.keys() - old_files.keys()}
    if not removed or not added:
        return {}
    by_blob = {policy_file.blob_sha: key for key, policy_file in removed.items()}
    renames: dict[str, str] = {}
    for key, policy_file in sorted(added.items()):
        old_key = by_blob.get(policy_file.blob_sha)
        if old_key is not None and old_key not in renames.values():
            renames[key] = old_key
    candidates = []
    for new_key in sorted(added.keys() - renames.keys()):
        new = _parse(repo, added[new_key], head_label)
        for old_key in sorted(removed.keys() - set(renames.values())):
            old = _parse(repo, removed[old_key], base_label)
            score = _likeness(old, new)
            if score >= 0.5:
                candidates.append((score, new_key, old_key))
    for _, new_key, old_key in sorted(candidates, key=lambda c: -c[0]):
        if new_key not in renames and old_key not in renames.values():
            renames[new_key] = old_key
    return renames


def _likeness(old: Policy, new: Policy) -> float:
    """Share of entry ids in common (0..1), or 0 when the titles differ."""
    if old.title.casefold().strip() != new.title.casefold().strip():
        return 0.0

    def entries(policy: Policy) -> set[str]:
        return (
            {f"i:{e.id}" for e in policy.items}
            | {f"r:{e.id}" for e in policy.recipients}
            | {f"s:{e.id}" for e in policy.sections}
        )

    before, after = entries(old), entries(new)
    if not before and not after:
        return 1.0
    return len(before & after) / len(before | after)


def _parse(repo: GitRepository, policy_file: PolicyFile, label: str) -> Policy:
    """Parse one side, naming ``path@rev`` in any error (as `validate` names the file)."""
    try:
        try:
            from governance.blobcache import parse_policy_file
        except ImportError:  # pragma: no cover - the cache is optional
            return parse_policy(policy_file.data, policy_file.path + label)
        return parse_policy_file(policy_file, repo.root)
    except PolicyError as error:
        if error.file == policy_file.path and label:
            error.file = policy_file.path + label
        raise


def _text(policy_file: PolicyFile | None) -> str | None:
    if policy_file is None:
        return None
    try:
        return policy_file.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def compare_change(repo: GitRepository, scope: ChangeScope) -> Report:
    """Everything a change must answer for, judged by the base's settings: its policies (each
    also against its last published version), and its edits of govern's own settings."""
    from governance.baseline import published_baseline
    from governance.settings_diff import settings_reports

    settings = scope.settings
    report = compare_revisions(repo, settings, scope.base, scope.head)
    for policy in report.policies:
        if policy.status != "modified" or policy.base_file is None:
            continue
        baseline = published_baseline(repo, policy.base_file, scope.base)
        if baseline is None or baseline.blob == policy.base_blob:
            continue
        head_files = repo.policy_files(scope.head, settings.policies)
        head_file = next((f for f in head_files.values() if f.path == policy.file), None)
        if head_file is None:
            continue
        old = _parse(repo, _at(policy.base_file, baseline.blob, repo), f"@{baseline.commit[:12]}")
        since = classify(policy.policy, old, _parse(repo, head_file, ""), settings)
        known = {finding.fingerprint for finding in policy.findings}
        for finding in since.findings:
            if finding.level is Level.material and finding.fingerprint not in known:
                finding.since = baseline
                finding.message = f"Since the last published version: {finding.message}"
                policy.findings.append(finding)
    report.policies.extend(settings_reports(settings, scope.head_settings))
    return report


def _at(path: str, blob_sha: str, repo: GitRepository) -> PolicyFile:
    from governance.gitrepo import PolicyFile

    return PolicyFile(path, path, blob_sha, repo.read_blobs([blob_sha])[blob_sha])

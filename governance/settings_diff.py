"""Findings for a change to govern's own settings (rule ``governance-config-changed``).

The gate judges a change with the base revision's settings. A change that edits them — a setting
in ``govern.toml`` / ``[tool.govern]``, or a file a setting names (the allowed signers, the
catalogue, a template) — gets one material finding per edit, naming the setting with its value
before and after, which a legal reviewer must approve like any other. The head's settings take
effect for later changes once merged.

Each file gets its own entry in the report (``kind: "settings"``), so the authors of exactly that
file are the ones who may not approve it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from governance.config import Config
from governance.findings import Finding, Level, PolicyReport, PolicyStatus
from governance.gitfiles import blob_sha_of
from governance.ledger import ABSENT
from governance.rules.registry import registry_for
from governance.rules.settings import GOVERNANCE_CONFIG_CHANGED

RULE = GOVERNANCE_CONFIG_CHANGED.id
_FIELDS = [name for name in Config.model_fields if name not in {"root", "source", "revision"}]
_NOT_SET = "(not set)"


def settings_reports(base: Config, head: Config) -> list[PolicyReport]:
    """One report entry per settings file the change edits (empty when nothing changed)."""
    level = _level(base)
    if level is None:
        return []
    reports: list[PolicyReport] = []
    findings = [_finding(level, *change) for change in _setting_changes(base, head)]
    if findings:
        file = _source_file(head) or _source_file(base) or "govern.toml"
        if base.source is None:
            for finding in findings:
                finding.message += (
                    " (the repository's first govern settings: the base has none, so built-in "
                    "defaults judge this change; land the settings in a change of their own)"
                )
        status: PolicyStatus = "modified"
        if base.source is None:
            status = "added"
        elif head.source is None:
            status = "removed"
        reports.append(_report(base, head, file, status, findings))
    for file, changes in _named_file_changes(base, head).items():
        changed = [_finding(level, *change) for change in changes]
        reports.append(_report(base, head, file, "modified", changed))
    return reports


def _report(
    base: Config, head: Config, file: str, status: PolicyStatus, findings: list[Finding]
) -> PolicyReport:
    """A settings file's entry, with the blob ids a review record of it binds to."""
    return PolicyReport(
        policy=file,
        status=status,
        findings=findings,
        file=file,
        kind="settings",
        base_blob=_blob_of(base, file),
        head_blob=_blob_of(head, file),
    )


def _blob_of(config: Config, path: str) -> str:
    data = config.read_file(path)
    return ABSENT if data is None else blob_sha_of(data)


def _level(base: Config) -> Level | None:
    wanted = base.rules.get(RULE)
    if wanted == "off":
        return None
    if wanted:
        return Level(wanted)
    registry_for(base)  # the base's own overrides must be valid
    return GOVERNANCE_CONFIG_CHANGED.level


Change = tuple[str, str, Any, Any]  # path, message, before, after


def _setting_changes(base: Config, head: Config) -> list[Change]:
    changes: list[Change] = []
    for name in _FIELDS:
        before, after = getattr(base, name), getattr(head, name)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            for key in sorted(set(before) | set(after), key=str):
                old, new = _plain(before.get(key)), _plain(after.get(key))
                if old != new:
                    changes.append(
                        (
                            f"settings/{name}/{key}",
                            f"The setting {name}.{key} changes from {_shown(old)} to {_shown(new)}",
                            old,
                            new,
                        )
                    )
            continue
        old, new = _plain(before), _plain(after)
        changes.append(
            (
                f"settings/{name}",
                f"The setting {name} changes from {_shown(old)} to {_shown(new)}",
                old,
                new,
            )
        )
    return changes


def _named_file_changes(base: Config, head: Config) -> dict[str, list[Change]]:
    """Edits of the files the base's settings name: the allowed signers, the catalogue and the
    templates (read from the base revision and from the head)."""
    found: dict[str, list[Change]] = {}
    single = [("allowed_signers", base.allowed_signers), ("catalog", base.catalog)]
    for setting, path in single:
        if path is None:
            continue
        before, after = base.read_file(path), head.read_file(path)
        if before != after:
            found.setdefault(path, []).append(
                (
                    f"settings/{setting}/content",
                    _file_message(setting, path, before, after),
                    _digest(before),
                    _digest(after),
                )
            )
    if base.templates:
        old_tree, new_tree = base.read_tree(base.templates), head.read_tree(base.templates)
        for name in sorted(old_tree.keys() | new_tree.keys()):
            before, after = old_tree.get(name), new_tree.get(name)
            if before != after:
                path = f"{base.templates}/{name}"
                found.setdefault(path, []).append(
                    (
                        f"settings/templates/{name}",
                        _file_message("templates", path, before, after),
                        _digest(before),
                        _digest(after),
                    )
                )
    return found


def _file_message(setting: str, path: str, before: bytes | None, after: bytes | None) -> str:
    what = {
        "allowed_signers": "The allowed-signers file (the keys that may sign reviews)",
        "catalog": "The known-cookie catalogue",
        "templates": "The announcement template",
    }[setting]
    if before is None:
        return f"{what} {path} is added"
    if after is None:
        return f"{what} {path} is removed"
    message = f"{what} {path} changes"
    if setting == "allowed_signers":
        old, new = _principals(before), _principals(after)
        added, removed = sorted(new - old), sorted(old - new)
        if added:
            message += "; keys added for " + ", ".join(added)
        if removed:
            message += "; keys removed for " + ", ".join(removed)
    return message


def _principals(data: bytes) -> set[str]:
    lines = data.decode("utf-8", "replace").splitlines()
    return {line.split()[0] for line in lines if line.strip() and not line.lstrip().startswith("#")}


def _digest(data: bytes | None) -> str | None:
    return None if data is None else "sha256:" + hashlib.sha256(data).hexdigest()


def _plain(value: Any) -> Any:
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _shown(value: Any) -> str:
    return _NOT_SET if value is None else repr(value)


def _source_file(config: Config) -> str | None:
    if config.source is None:
        return None
    return config.source.split("@", 1)[0].rsplit("/", 1)[-1]


def _finding(level: Level, path: str, message: str, before: Any, after: Any) -> Finding:
    return Finding(
        rule=RULE,
        level=level,
        path=path,
        message=message,
        reason=GOVERNANCE_CONFIG_CHANGED.rationale,
        before=before,
        after=after,
    )

"""Helpers for the diff, rules and compare tests: policies as plain data, edited and classified."""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from governance.compare import classify
from governance.config import Config
from governance.findings import Finding, Level
from governance.model import Policy

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MITPO_FILE = PROJECT_ROOT / "policies" / "mitpo" / "cookies-and-tracking.yaml"

Data = dict[str, Any]
Edit = Callable[[Data], None]


def mitpo_data() -> Data:
    data: Data = yaml.safe_load(MITPO_FILE.read_text(encoding="utf-8"))
    data["last_updated"] = str(data["last_updated"])
    return data


def entry(data: Data, collection: str, entry_id: str) -> Data:
    for candidate in data[collection]:
        if candidate["id"] == entry_id:
            found: Data = candidate
            return found
    raise KeyError(f"{collection}/{entry_id}")


def drop(data: Data, collection: str, entry_id: str) -> None:
    data[collection] = [e for e in data[collection] if e["id"] != entry_id]


def edited(edit: Edit, base: Data | None = None) -> tuple[Data, Data]:
    old = base if base is not None else mitpo_data()
    new = copy.deepcopy(old)
    edit(new)
    return old, new


def findings_between(
    old: Data | None, new: Data | None, config: Config | None = None
) -> list[Finding]:
    report = classify(
        "mitpo/cookies-and-tracking",
        Policy.model_validate(old) if old is not None else None,
        Policy.model_validate(new) if new is not None else None,
        config or Config(),
    )
    return report.findings


def findings_of(edit: Edit, config: Config | None = None) -> list[Finding]:
    old, new = edited(edit)
    return findings_between(old, new, config)


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [finding for finding in findings if finding.rule == rule]


def material(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.level is Level.material]


def summary(findings: list[Finding]) -> set[tuple[str, str, str]]:
    return {(f.rule, f.level.value, f.path) for f in findings}


def write_yaml(path: Path, data: Data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def git(root: Path, *args: str) -> str:
    completed = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return completed.stdout.strip()


def init_repo(root: Path, policy: Data | None = None) -> Path:
    """A real git repository with the MITPO policy committed on ``main``."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_yaml(root / "policies" / "mitpo" / "cookies-and-tracking.yaml", policy or mitpo_data())
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "policy")
    return root


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


HOTJAR: Data = {
    "id": "hotjar",
    "name": "Hotjar",
    "role": "processor",
    "purpose": "Session recordings and heatmaps",
    "data_uses": ["analytics.reporting"],
    "data_shared": ["user.behavior.browsing_history"],
    "countries": ["MT"],
}

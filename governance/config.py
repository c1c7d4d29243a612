"""Settings of a reviewed repository: ``[tool.govern]`` in pyproject.toml or a ``govern.toml``.

Every setting has a default, so a repository with only a ``policies/`` folder works.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from governance.errors import ConfigError


class ReviewerRole(StrEnum):
    legal = "legal"
    release = "release"


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root: Path = Field(Path("."), exclude=True, description="The reviewed repository")
    source: str | None = Field(None, exclude=True, description="File the settings came from")

    policies: str = "policies"
    feed: str = "announcements/feed.json"
    changelog: str = "announcements/CHANGELOG.md"
    ledger: str = ".govern-ledger"
    templates: str | None = Field(
        None, description="Folder of templates overriding the bundled ones"
    )
    default_branch: str | None = Field(
        None, description="Base for check; default: origin/HEAD, main, master"
    )
    notice_days: int = Field(30, ge=0, description="Days between publication and effect")
    policy_url: str | None = Field(None, description="Policy page URL to link; {policy} = its id")
    reviewers: dict[str, ReviewerRole] = Field(default_factory=dict)
    rules: dict[str, str] = Field(
        default_factory=dict,
        description='Per-rule level override: "material", "minor", "editorial" or "off"',
    )
    plugins: list[str] = Field(
        default_factory=list, description="Python modules that register rules"
    )
    require_signatures: bool = False
    require_announcement: bool = Field(
        True, description="check: an approved material finding also needs an approved announcement"
    )
    allowed_signers: str = ".govern-ledger/allowed_signers"
    catalog: str | None = Field(None, description="Extra known-cookie catalogue (CSV or YAML)")

    @property
    def policies_dir(self) -> Path:
        return self.root / self.policies

    @property
    def ledger_dir(self) -> Path:
        return self.root / self.ledger

    @property
    def feed_path(self) -> Path:
        return self.root / self.feed

    @property
    def changelog_path(self) -> Path:
        return self.root / self.changelog

    def role_of(self, email: str) -> ReviewerRole | None:
        folded = email.strip().casefold()
        for reviewer, role in self.reviewers.items():
            if reviewer.casefold() == folded:
                return role
        return None


def load_config(root: Path) -> Config:
    """Read the settings of the repository at ``root`` (govern.toml wins over pyproject.toml)."""
    root = root.resolve()
    data: dict[str, Any] = {}
    source: Path | None = None
    govern_toml = root / "govern.toml"
    pyproject = root / "pyproject.toml"
    if govern_toml.is_file():
        source = govern_toml
        data = _read_toml(govern_toml)
    elif pyproject.is_file():
        section = _read_toml(pyproject).get("tool", {}).get("govern")
        if section is not None:
            source = pyproject
            data = section
    try:
        return Config(root=root, source=str(source) if source else None, **data)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        prefix = "tool.govern." if source and source.name == "pyproject.toml" else ""
        field = prefix + ".".join(str(part) for part in detail["loc"])
        message = "unknown setting" if detail["type"] == "extra_forbidden" else detail["msg"]
        raise ConfigError(message, file=source, field=field) from None
    except TypeError as error:  # e.g. "root" given twice
        raise ConfigError(str(error), file=source) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        raise ConfigError(
            f"malformed TOML: {error.msg if hasattr(error, 'msg') else error}", file=path, line=line
        ) from None
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8", file=path) from None

"""Settings of a reviewed repository: ``[tool.govern]`` in pyproject.toml or a ``govern.toml``.

Every setting has a default, so a repository with only a ``policies/`` folder works.

Settings are read from one place: the work tree (:func:`load_config`), for commands that only show
things, or a commit (:func:`load_config_at`), for everything that decides a verdict. The gate reads
the *base* revision's settings, and with them every file they name (the catalogue, the allowed
signers, the templates) through :meth:`Config.read_file`, so a change cannot edit what judges it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from governance.errors import ConfigError

SETTINGS_FILES = ("govern.toml", "pyproject.toml")  # the first one present wins
MAX_SETTINGS_BYTES = 1024 * 1024
_PLUGIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")


class ReviewerRole(StrEnum):
    legal = "legal"
    release = "release"


class ScanSettings(BaseModel):
    """``[tool.govern.scan]``: what ``govern scan`` needs to know about the site."""

    model_config = ConfigDict(extra="forbid")

    accept: str | None = Field(None, description="The consent banner's accept button (CSS)")
    consent_cookie: str | None = Field(None, description="HAR files: the cookie of consent")
    policy: str | None = Field(None, description="The policy to scan against, among several")
    pages: int | None = Field(None, ge=1, le=10_000, description="Most pages per phase")
    timeout: float | None = Field(None, gt=0, le=3600, description="Seconds for a page to load")
    budget: float | None = Field(None, gt=0, le=86_400, description="Seconds for finding pages")
    chromium: str | None = Field(None, description="The Chromium program")
    resolve: dict[str, str] = Field(default_factory=dict, description="Host → address")


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root: Path = Field(Path("."), exclude=True, description="The reviewed repository")
    source: str | None = Field(None, exclude=True, description="File the settings came from")
    revision: str | None = Field(
        None, exclude=True, description="Commit the settings were read from (None: work tree)"
    )

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
    notice_days: int = Field(30, ge=0, le=3650, description="Days between publication and effect")
    policy_url: str | None = Field(None, description="Policy page URL to link; {policy} = its id")
    reviewers: dict[str, ReviewerRole] = Field(default_factory=dict)
    rules: dict[str, str] = Field(
        default_factory=dict,
        description='Per-rule level override: "material", "minor", "editorial" or "off"',
    )
    plugins: list[str] = Field(
        default_factory=list,
        description='Installed rule plugins to enable, by entry-point name (group "govern.rules")',
    )
    require_signatures: bool = False
    require_announcement: bool = Field(
        True, description="check: an approved material finding also needs an approved announcement"
    )
    allowed_signers: str = ".govern-ledger/allowed_signers"
    catalog: str | None = Field(None, description="Extra known-cookie catalogue (CSV or YAML)")
    scan: ScanSettings = Field(default_factory=ScanSettings, description="govern scan")

    @field_validator(
        "policies", "feed", "changelog", "ledger", "templates", "allowed_signers", "catalog"
    )
    @classmethod
    def _inside_the_repository(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return repository_path(value)

    @field_validator("plugins")
    @classmethod
    def _plugin_names(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _PLUGIN_NAME.match(value):
                raise ValueError(
                    f"{value!r} is not a plugin name: plugins are installed packages that declare "
                    'an entry point in the "govern.rules" group, named here by that entry point'
                )
        return values

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

    def read_file(self, path: str) -> bytes | None:
        """A repository file, from where the settings came from: the commit they were read at,
        or the work tree. None when it is not there."""
        if self.revision is not None:
            from governance.gitfiles import file_at_revision

            return file_at_revision(self.root, self.revision, path)
        target = self.root / path
        if target.is_symlink() or not target.is_file():
            return None
        return target.read_bytes()

    def read_tree(self, directory: str) -> dict[str, bytes]:
        """Every file under a repository folder (path relative to it → bytes), from the same
        place as :meth:`read_file`. Symbolic links are never followed."""
        if self.revision is not None:
            from governance.gitfiles import files_at_revision

            prefix = directory.rstrip("/") + "/"
            return {
                name.removeprefix(prefix): data
                for name, data in files_at_revision(self.root, self.revision, directory).items()
            }
        folder = self.root / directory
        if folder.is_symlink() or not folder.is_dir():
            return {}
        files: dict[str, bytes] = {}
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            if any(part.is_symlink() for part in path.relative_to(folder).parents if part.name):
                continue
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
        return files


def repository_path(value: str) -> str:
    """A setting naming a path: relative, inside the repository (no ``..``, not absolute)."""
    text = value.strip().replace("\\", "/")
    if not text:
        raise ValueError("a path cannot be empty")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        raise ValueError(f"{value!r} is an absolute path; name a path inside the repository")
    parts = [part for part in PurePosixPath(text).parts if part not in ("", ".")]
    if ".." in parts:
        raise ValueError(f"{value!r} leaves the repository ('..'); name a path inside it")
    if not parts:
        raise ValueError(f"{value!r} names the repository itself; name a path inside it")
    return "/".join(parts)


def load_config(root: Path) -> Config:
    """Read the settings of the work tree at ``root`` (govern.toml wins over pyproject.toml)."""
    root = root.resolve()

    def read(name: str) -> bytes | None:
        path = root / name
        return path.read_bytes() if path.is_file() else None

    return _load(root, read, revision=None)


def load_config_at(root: Path, revision: str) -> Config:
    """The settings committed at ``revision``: built-in defaults when it has none."""
    from governance.gitfiles import file_at_revision

    root = root.resolve()
    return _load(root, lambda name: file_at_revision(root, revision, name), revision=revision)


def settings_source(
    read: Callable[[str], bytes | None], label: Callable[[str], str] = str
) -> tuple[str, dict[str, Any]] | None:
    """Which file holds the settings and its ``[tool.govern]`` table, or None (defaults).
    ``label`` names a file in error messages."""
    for name in SETTINGS_FILES:
        data = read(name)
        if data is None:
            continue
        table = _read_toml(data, label(name))
        if name == "pyproject.toml":
            tool = table.get("tool", {})
            section = tool.get("govern") if isinstance(tool, dict) else None
            if section is None:
                continue
            if not isinstance(section, dict):
                raise ConfigError(
                    "[tool.govern] must be a table", file=label(name), field="tool.govern"
                )
            return name, section
        return name, table
    return None


def _load(root: Path, read: Callable[[str], bytes | None], revision: str | None) -> Config:
    def label(name: str) -> str:
        return f"{name}@{revision[:12]}" if revision else str(root / name)

    found = settings_source(read, label)
    if found is None:
        return Config(root=root, revision=revision)
    name, data = found
    source = label(name)
    try:
        return Config(root=root, source=source, revision=revision, **data)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        prefix = "tool.govern." if name == "pyproject.toml" else ""
        field = prefix + ".".join(str(part) for part in detail["loc"])
        message = "unknown setting" if detail["type"] == "extra_forbidden" else detail["msg"]
        message = message.removeprefix("Value error, ")
        raise ConfigError(message, file=source, field=field) from None
    except TypeError as error:  # e.g. "root" given twice
        raise ConfigError(str(error), file=source) from None


def _read_toml(data: bytes, name: str) -> dict[str, Any]:
    if len(data) > MAX_SETTINGS_BYTES:
        raise ConfigError(f"larger than {MAX_SETTINGS_BYTES:,} bytes", file=name)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        message = getattr(error, "msg", str(error))
        raise ConfigError(f"malformed TOML: {message}", file=name, line=line) from None
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8", file=name) from None
    except RecursionError:
        raise ConfigError("malformed TOML: nested too deeply", file=name) from None

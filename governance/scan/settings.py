"""``[tool.govern.scan]`` (or ``[scan]`` in a ``govern.toml``): the scan's settings.

```toml
[tool.govern.scan]
accept = "#accept-all"            # the consent banner's accept button (CSS selector)
consent_cookie = "cookie_consent" # HAR files: the cookie that says consent was given
policy = "shop/cookies"           # the policy to scan against, when there are several
pages = 20                        # most pages per phase
timeout = 30                      # seconds for one page to load
budget = 300                      # seconds for finding pages
chromium = "/usr/bin/chromium"    # default: $GOVERN_CHROMIUM, then chromium on PATH
resolve = {"www.shop.example" = "127.0.0.1"}  # host → address, like curl --resolve
```

The table is read here, and taken out before the rest of the settings are validated, so that a
repository using it still works with every other command.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from governance.config import Config, load_config
from governance.errors import ConfigError


class ScanSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accept: str | None = None
    consent_cookie: str | None = None
    policy: str | None = None
    pages: int | None = Field(None, ge=1, le=10_000)
    timeout: float | None = Field(None, gt=0)
    budget: float | None = Field(None, gt=0)
    chromium: str | None = None
    resolve: dict[str, str] = Field(default_factory=dict)


def load_scan_config(root: Path) -> tuple[Config, ScanSettings]:
    """The repository's settings and its scan settings."""
    root = root.resolve()
    source, data, prefix = _raw_settings(root)
    if source is None or "scan" not in data:
        return load_config(root), ScanSettings()
    rest = {key: value for key, value in data.items() if key != "scan"}
    try:
        settings = ScanSettings.model_validate(data["scan"])
    except ValidationError as error:
        raise _config_error(error, source, prefix + "scan.") from None
    try:
        config = Config(root=root, source=str(source), **rest)
    except ValidationError as error:
        raise _config_error(error, source, prefix) from None
    return config, settings


def _raw_settings(root: Path) -> tuple[Path | None, dict[str, Any], str]:
    govern_toml, pyproject = root / "govern.toml", root / "pyproject.toml"
    try:
        if govern_toml.is_file():
            return govern_toml, tomllib.loads(govern_toml.read_text(encoding="utf-8")), ""
        if pyproject.is_file():
            section = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
            if isinstance(section.get("govern"), dict):
                return pyproject, section["govern"], "tool.govern."
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None, {}, ""  # load_config reports it, with the line
    return None, {}, ""


def _config_error(error: ValidationError, source: Path, prefix: str) -> ConfigError:
    detail = error.errors(include_url=False)[0]
    field = prefix + ".".join(str(part) for part in detail["loc"])
    message = "unknown setting" if detail["type"] == "extra_forbidden" else detail["msg"]
    return ConfigError(message, file=source, field=field)

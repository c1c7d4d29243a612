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

They are part of the settings (:class:`governance.config.ScanSettings`), validated with them.
"""

from __future__ import annotations

from pathlib import Path

from governance.config import Config, ScanSettings, load_config

__all__ = ["ScanSettings", "load_scan_config"]


def load_scan_config(root: Path) -> tuple[Config, ScanSettings]:
    """The repository's settings and its scan settings."""
    config = load_config(root)
    return config, config.scan

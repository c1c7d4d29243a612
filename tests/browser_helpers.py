"""Headless Chromium for the browser tests: the distribution's own build, driven by Playwright.

Playwright never downloads a browser here: it launches /usr/bin/chromium (``executable_path``).
Tests that need it are marked slow and skip with the reason when Chromium or Playwright is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

F = TypeVar("F", bound=Callable[..., Any])
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

try:
    import playwright.sync_api  # noqa: F401

    HAVE_PLAYWRIGHT = True
except ImportError:  # pragma: no cover - the test extra installs it
    HAVE_PLAYWRIGHT = False

_BROWSER_MARKS = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless Chromium is not installed (apt-get install -y chromium; .ci/run does it)",
    ),
    pytest.mark.skipif(
        not HAVE_PLAYWRIGHT,
        reason="Playwright for Python is not installed (pip install -e '.[test]')",
    ),
]


def browser_test(function: F) -> F:
    """Marks a test slow, and skips it with the reason when Chromium or Playwright is missing."""
    for mark in _BROWSER_MARKS:
        function = mark(function)
    return function


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium with a fresh profile (Playwright makes a temporary one for each
    launch), closed on the way out whatever happens."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        try:
            yield browser
        finally:
            browser.close()


def third_party_requests(urls: list[str], *, allowed_host: str = "127.0.0.1") -> list[str]:
    """The requests that went anywhere but ``allowed_host`` (data: and blob: are local)."""
    from urllib.parse import urlsplit

    return [
        url
        for url in urls
        if urlsplit(url).scheme not in ("data", "blob", "about")
        and urlsplit(url).hostname != allowed_host
    ]

"""Fixtures shared by every test: an isolated git configuration and the project's paths.

Tests run real git. So that they behave the same on a developer's machine and in CI (where no
global git identity exists), every test session gets its own global git config.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MITPO_POLICY = PROJECT_ROOT / "policies" / "mitpo" / "cookies-and-tracking.yaml"
AUTHOR_EMAIL = "author@mitpo.example"


@pytest.fixture(scope="session", autouse=True)
def isolated_git_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("git-home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n"
        "\tname = Policy Author\n"
        f"\temail = {AUTHOR_EMAIL}\n"
        "[init]\n"
        "\tdefaultBranch = main\n"
        "[commit]\n"
        "\tgpgsign = false\n"
        "[tag]\n"
        "\tgpgsign = false\n"
        '[protocol "file"]\n'
        "\tallow = always\n"
    )
    saved = {key: os.environ.get(key) for key in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")}
    os.environ["GIT_CONFIG_GLOBAL"] = str(gitconfig)
    os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
    os.environ.pop("GOVERN_DATABASE_URL", None)
    yield gitconfig
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def mitpo_policy_text() -> str:
    return MITPO_POLICY.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _unknown_rule_ids_are_errors() -> Iterator[None]:
    """In tests a finding naming a rule the registry does not know is an error, not material."""
    from governance.rules.registry import REGISTRY

    REGISTRY.strict = True
    yield
    REGISTRY.strict = False

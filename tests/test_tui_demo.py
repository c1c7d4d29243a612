"""`govern demo` and `govern review` as commands: the scratch repository, the printed report when
standard output is not a terminal, bad input, and the package data a non-editable install needs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from governance.commands.demo import bundled_policy, create_demo_repository, proposed_policy
from governance.config import load_config

PROJECT = Path(__file__).resolve().parent.parent


def govern(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "governance", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def git(root: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *arguments], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_demo_without_a_terminal_prints_the_classified_report(tmp_path: Path) -> None:
    repo = tmp_path / "demo"
    result = govern("demo", "--dir", str(repo))
    assert result.returncode == 0, result.stderr
    assert "main..add-hotjar" in result.stdout
    assert "MATERIAL" in result.stdout and "Hotjar" in result.stdout
    assert "third-party-added" in result.stdout
    assert f"govern review --repo {repo.resolve()} --as counsel@mitpo.example" in result.stdout
    # the repository it describes
    assert git(repo, "branch", "--show-current") == "add-hotjar"
    assert git(repo, "log", "-1", "--format=%ae", "main") == "legal-team@mitpo.example"
    assert git(repo, "log", "-1", "--format=%ae", "add-hotjar") == "growth@mitpo.example"
    assert git(repo, "status", "--porcelain") == ""
    config = load_config(repo)
    assert config.role_of("counsel@mitpo.example") == "legal"
    assert config.role_of("releases@mitpo.example") == "release"


def test_demo_no_open_is_the_same_report(tmp_path: Path) -> None:
    result = govern("demo", "--dir", str(tmp_path / "d"), "--no-open")
    assert result.returncode == 0, result.stderr
    assert "2 material" in result.stdout or "material" in result.stdout


def test_demo_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = govern("demo", "--dir", str(tmp_path))
    assert result.returncode == 2
    assert str(tmp_path) in result.stderr and "--dir" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_the_bundled_policy_is_a_link_to_the_projects_policy_not_a_copy() -> None:
    bundled = PROJECT / "governance/data/demo/cookies-and-tracking.yaml"
    project = PROJECT / "policies/mitpo/cookies-and-tracking.yaml"
    assert bundled.is_symlink(), "a copy would drift from policies/mitpo"
    assert bundled.resolve() == project.resolve()
    assert bundled_policy() == project.read_text(encoding="utf-8")


def test_the_proposal_adds_hotjar_and_only_that(tmp_path: Path) -> None:
    demo = create_demo_repository(tmp_path / "r")
    changed = git(demo.root, "diff", "--stat", "main", "add-hotjar")
    assert "policies/mitpo/cookies-and-tracking.yaml" in changed
    text = proposed_policy(bundled_policy())
    assert "_hjSessionUser_*" in text and "- id: hotjar\n" in text


def test_review_needs_a_terminal(tmp_path: Path) -> None:
    demo = create_demo_repository(tmp_path / "r")
    result = govern("review", "--repo", str(demo.root), "--as", "counsel@mitpo.example")
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr


def test_review_help_names_the_quit_key() -> None:
    result = govern("review", "--help")
    assert result.returncode == 0
    assert "ctrl+q" in result.stdout and "--as" in result.stdout and "--base" in result.stdout


def test_review_and_diff_do_not_load_textual_for_ci_commands(tmp_path: Path) -> None:
    demo = create_demo_repository(tmp_path / "r")
    probe = (
        "import sys; from governance.main import main; "
        f"main(['diff', 'main..add-hotjar', '--repo', {str(demo.root)!r}]); "
        "print('textual' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.slow
def test_a_built_wheel_carries_the_demo_policy_and_the_styles(tmp_path: Path) -> None:
    """What `pip install .` from a fresh clone installs (built from a copy, so the work tree
    gets no build/ folder)."""
    source = tmp_path / "source"
    listed = (
        subprocess.run(
            ["git", "-C", str(PROJECT), "ls-files", "-co", "--exclude-standard", "-z"],
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        if (PROJECT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 and any(
        sign in result.stderr
        for sign in ("No module named pip", "Failed to establish", "No matching distribution")
    ):
        pytest.skip(f"cannot build a wheel here: {result.stderr.strip().splitlines()[-1]}")
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("govern-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "governance/data/demo/cookies-and-tracking.yaml" in names
    styles = {
        Path(name).name for name in names if name.startswith("tui/") and name.endswith(".tcss")
    }
    assert {"app.tcss", "change.tcss", "queue.tcss", "diff_view.tcss"} <= styles
    assert "tui/screens/change.py" in names and "governance/commands/demo.py" in names

"""What the command line says when something is wrong or blocks: one error style, every problem
of a file at once with the field it probably meant, the next step for what blocks a change, and
colour only for a person at a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_helpers import COUNSEL, govern, make_change, only_fingerprint

from governance.main import main

BAD = """\
title: Cookies
items:
  - id: a
    name: A
    retension: 13 months
  - id: b
    name: B
    storage: cooky
recipients:
  - id: x
    nam: X
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_validate_reports_every_problem_of_a_file_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    code, _, err = run(capsys, "validate", str(path), "--repo", str(tmp_path))
    assert code == 2 and "Traceback" not in err
    assert f"{path}:5: items[a].retension: unknown field\n  hint: did you mean 'retention'?" in err
    assert f"{path}:8: items[b].storage: 'cooky' is not one of" in err
    assert f"{path}:11: recipients[x].nam: unknown field\n  hint: did you mean 'name'?" in err
    code, out, _ = run(capsys, "validate", str(path), "--repo", str(tmp_path), "--format", "json")
    [result] = json.loads(out)["results"]
    assert [problem["line"] for problem in result["errors"]] == [5, 8, 10, 11]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["approve"], "govern: error: Missing argument 'FINGERPRINTS...'."),
        (["check", "--format", "nope"], "govern: error: Invalid value for '--format'"),
        (["frobnicate"], "govern: error: No such command 'frobnicate'."),
    ],
)
def test_usage_errors_speak_like_every_other_error(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and err.startswith(expected)
    assert "--help` shows what it takes" in err and "Error:" not in err


def test_the_next_step_names_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path, require_announcement=True)
    code, out, _ = govern(capsys, repo, "check")
    assert code == 1 and "A legal reviewer decides on each material finding" in out
    assert "need an announcement" not in out
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)[0] == 0
    code, out, _ = govern(capsys, repo, "check")
    assert code == 1 and "need an announcement to users: govern announce draft" in out
    assert "A legal reviewer decides" not in out
    code, out, _ = govern(capsys, repo, "check", "--format", "github")
    assert "stale" not in out.splitlines()[-1]


def test_colour_only_for_a_person_at_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from governance.commands._options import colour_wanted

    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert colour_wanted() is True
    assert colour_wanted(tmp_path / "report.txt") is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert colour_wanted() is False

    from governance.check import run_check
    from governance.gitrepo import GitRepository
    from governance.report.check_text import format_text

    (tmp_path / "r").mkdir()
    repo = make_change(tmp_path / "r")
    result = run_check(GitRepository.open(repo.root))
    painted = format_text(result, color=True)
    assert painted.startswith("\x1b[1m\x1b[31mgovern check: FAIL") and "\x1b[0m" in painted
    assert "\x1b[" not in format_text(result)

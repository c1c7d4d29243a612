"""Bad policy files through the real CLI: exit 2, one message naming file:line and field.

Each file under ``tests/data/bad/`` is a mistake a policy author (or an attacker) can make. The
table below says what the one error message must contain: the line, the field and the gist.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from governance.formats import MAX_POLICY_BYTES
from governance.main import main

BAD = Path(__file__).parent / "data" / "bad"
PROJECT = Path(__file__).resolve().parent.parent

# file → (line, field, gist); None where the problem has no line (the whole file) or no field
EXPECTED: dict[str, tuple[int | None, str | None, str]] = {
    "malformed-bracket.yaml": (4, "sections", "malformed YAML"),
    "tab-indentation.yaml": (4, None, "indent YAML with spaces"),
    "bad-indentation.yaml": (5, "name", "malformed YAML"),
    "top-level-list.yaml": (1, None, "must be a mapping of fields, not a list"),
    "top-level-scalar.yaml": (1, None, "must be a mapping of fields, not a str"),
    "missing-title.yaml": (1, "title", "required field is missing"),
    "title-is-a-list.yaml": (1, "title", "valid string"),
    "unknown-top-field.yaml": (3, "colour", "unknown field"),
    "unknown-item-field.yaml": (7, "items[session].expiry", "unknown field"),
    "duplicate-item-ids.yaml": (7, "items[session].id", "duplicate id 'session'"),
    "duplicate-section-ids.yaml": (6, "sections[overview].id", "duplicate id 'overview'"),
    "duplicate-key.yaml": (3, "title", "appears twice"),
    "unknown-data-use.yaml": (8, "items[ga].data_uses", "did you mean 'analytics.reporting'"),
    "unknown-data-category.yaml": (6, "recipients[acme].data_shared", "did you mean 'user.device'"),
    "data-uses-not-a-list.yaml": (8, "items[ga].data_uses", "valid list"),
    "bad-storage.yaml": (7, "items[session].storage", "'flash' is not one of"),
    "bad-category.yaml": (6, "items[session].category", "'tracking' is not one of"),
    "bad-consent.yaml": (7, "items[session].consent", "'maybe' is not one of"),
    "analytics-without-consent.yaml": (4, "items[ga]", "cannot be set without consent"),
    "unreadable-retention.yaml": (7, "items[session].retention", "cannot read retention"),
    "impossible-date.yaml": (3, "last_updated", "not a valid date"),
    "date-is-text.yaml": (3, "last_updated", "valid date"),
    "consent-revision-zero.yaml": (3, "consent_revision", "greater than or equal to 1"),
    "bad-id.yaml": (4, "items[Session Cookie].id", "is not a valid id"),
    "items-is-a-mapping.yaml": (3, "items", "valid list"),
    "item-is-a-string.yaml": (4, "items[0]", "valid dictionary"),
    "leaves-device-not-bool.yaml": (7, "items[session].leaves_device", "valid boolean"),
    "bad-party.yaml": (7, "items[session].party", "'second' is not one of"),
    "bad-signal.yaml": (6, "controls[dnt].signal", "'dnt-please' is not one of"),
    "alias-bomb.yaml": (1, "a", "anchors and aliases are not allowed"),
    "anchor-and-alias.yaml": (6, "data_uses", "anchors and aliases are not allowed"),
    "control-character.yaml": (3, "summary", "U+0007 is not allowed"),
    "empty.yaml": (1, None, "the policy is empty"),
    "whitespace-only.yaml": (1, None, "the policy is empty"),
    "comments-only.yaml": (1, None, "the policy is empty"),
    "deep-nesting.yaml": (2, "summary", "nesting depth"),
    "binary.yaml": (1, None, "binary file"),
    "latin-1.yaml": (2, None, "not valid UTF-8 (byte 0xe9"),
    "utf-16.yaml": (1, None, "UTF-16"),
    "front-matter-broken.md": (3, "owner", "malformed YAML in the front matter"),
    "front-matter-unclosed.md": (1, "front matter", "not closed"),
    "front-matter-unknown-field.md": (3, "author", "unknown field in the front matter"),
    "front-matter-title-list.md": (2, "title", "valid string"),
    "front-matter-not-mapping.md": (2, "front matter", "must be a mapping of fields"),
    "front-matter-bad-item.md": (8, "items[ga].data_uses", "did you mean 'analytics.reporting'"),
    "front-matter-duplicate-items.md": (6, "items[ga].id", "duplicate id 'ga'"),
    "front-matter-alias.md": (2, "title", "anchors and aliases are not allowed"),
    "front-matter-bad-date.md": (3, "last_updated", "valid date"),
    "empty.md": (1, None, "the policy is empty"),
    "not-a-policy.txt": (None, None, "not a policy file"),
}


def run_validate(path: Path, capsys: pytest.CaptureFixture[str], repo: Path) -> tuple[int, str]:
    code = main(["validate", str(path), "--repo", str(repo)])
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err


def assert_one_message(stderr: str) -> str:
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("govern: error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def test_the_corpus_is_complete() -> None:
    files = sorted(path.name for path in BAD.iterdir())
    assert len(files) >= 30
    assert sorted(EXPECTED) == files


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_exits_2_with_one_located_message(
    name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    line, field, gist = EXPECTED[name]
    path = BAD / name
    code, stderr = run_validate(path, capsys, tmp_path)
    assert code == 2
    message = assert_one_message(stderr)
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    assert where in message
    if field is not None:
        assert f"{field}:" in message
    assert gist in message


def test_cli_in_a_subprocess_never_shows_a_traceback(tmp_path: Path) -> None:
    files = [BAD / "alias-bomb.yaml", BAD / "binary.yaml", BAD / "front-matter-broken.md"]
    completed = subprocess.run(
        [sys.executable, "-m", "governance", "validate", *map(str, files), "--repo", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env={k: v for k, v in os.environ.items() if k != "GOVERN_DEBUG"},
        check=False,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith("govern: error: ") for line in lines)
    for path in files:
        assert str(path) in completed.stderr


def test_file_over_the_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.write(b"title: Cookies\nsummary: ")
        handle.truncate(MAX_POLICY_BYTES + 1)  # sparse: cheap to make, still over the limit
    code, stderr = run_validate(big, capsys, tmp_path)
    assert code == 2
    message = assert_one_message(stderr)
    assert str(big) in message
    assert "over the" in message and "limit" in message


def _repo_with_outside_file(tmp_path: Path) -> Path:
    (tmp_path / "policies").mkdir()
    (tmp_path / "outside.yaml").write_text("title: Outside\n", encoding="utf-8")
    return tmp_path


def test_path_escaping_the_policies_dir_with_dotdot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo_with_outside_file(tmp_path)
    sneaky = repo / "policies" / ".." / "outside.yaml"
    code, stderr = run_validate(sneaky, capsys, repo)
    assert code == 2
    message = assert_one_message(stderr)
    assert str(sneaky) in message
    assert "outside the policies directory" in message


def test_path_escaping_the_policies_dir_with_a_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo_with_outside_file(tmp_path)
    link = repo / "policies" / "link.yaml"
    link.symlink_to(repo / "outside.yaml")
    code, stderr = run_validate(link, capsys, repo)
    assert code == 2
    message = assert_one_message(stderr)
    assert "outside the policies directory" in message
    # validating the whole folder reports it too, instead of reading the target
    code, stderr = run_validate(repo / "policies", capsys, repo)
    assert code == 2
    assert "outside the policies directory" in assert_one_message(stderr)


def test_render_of_a_bad_file_is_the_same_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["render", str(BAD / "unknown-data-use.yaml"), "--repo", str(tmp_path)])
    stderr = capsys.readouterr().err
    assert code == 2
    message = assert_one_message(stderr)
    assert "unknown-data-use.yaml:8:" in message and "analytics.reporting" in message

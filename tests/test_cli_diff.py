"""``govern diff`` and ``govern rules`` through the real command line entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from diff_helpers import HOTJAR, commit_all, entry, git, init_repo, mitpo_data, write_yaml

from governance.main import main

POLICY_PATH = Path("policies/mitpo/cookies-and-tracking.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def with_hotjar() -> dict:
    data = mitpo_data()
    data["recipients"].append(dict(HOTJAR))
    return data


def test_diff_two_files_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write_yaml(tmp_path / "old.yaml", mitpo_data())
    new = write_yaml(tmp_path / "new.yaml", with_hotjar())
    code, out, err = run(
        capsys, "diff", str(old), str(new), "--format", "json", "--repo", str(tmp_path)
    )
    assert code == 0, err  # diff reports; only check gates
    data = json.loads(out)
    assert data["base"] is None and data["material"] is True
    [finding] = data["policies"][0]["findings"]
    assert (finding["rule"], finding["path"]) == ("third-party-added", "recipients/hotjar")


def test_diff_two_files_text_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write_yaml(tmp_path / "old.yaml", mitpo_data())
    new = write_yaml(tmp_path / "new.yaml", with_hotjar())
    code, out, _ = run(capsys, "diff", str(old), str(new), "--repo", str(tmp_path))
    assert code == 0
    assert "MATERIAL  New third party Hotjar" in out and "\x1b[" not in out
    code, out, _ = run(
        capsys, "diff", str(old), str(new), "--format", "markdown", "--repo", str(tmp_path)
    )
    assert code == 0 and "<details>" in out


def test_diff_invalid_file_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write_yaml(tmp_path / "old.yaml", mitpo_data())
    broken = mitpo_data()
    entry(broken, "recipients", "stripe")["data_uses"] = ["marketing.advertisng"]
    new = write_yaml(tmp_path / "new.yaml", broken)
    code, out, err = run(capsys, "diff", str(old), str(new), "--repo", str(tmp_path))
    assert code == 2
    assert str(new) in err and "data_uses" in err and "Traceback" not in err
    code, _, err = run(capsys, "diff", str(old), "--repo", str(tmp_path))
    assert code == 2 and "one file is not enough" in err
    missing = tmp_path / "missing.yaml"
    code, _, err = run(capsys, "diff", str(old), str(missing), "--repo", str(tmp_path))
    assert code == 2 and "missing.yaml" in err


def test_diff_head_vs_working_tree_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = init_repo(tmp_path / "repo")
    code, out, _ = run(capsys, "diff", "--repo", str(root))
    assert code == 0 and "No policy changed." in out
    write_yaml(root / POLICY_PATH, with_hotjar())
    code, out, _ = run(capsys, "diff", "--repo", str(root), "--format", "json")
    data = json.loads(out)
    assert data["base"]["ref"] == "HEAD" and data["head"] == {"ref": "working tree", "commit": None}
    assert data["summary"]["material"] == 1


def test_diff_revision_ranges(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = init_repo(tmp_path / "repo")
    git(root, "checkout", "-q", "-b", "feature")
    write_yaml(root / POLICY_PATH, with_hotjar())
    head = commit_all(root, "hotjar")
    for spec in (["main..feature"], ["main...feature"], ["main", "feature"], ["main.."]):
        code, out, err = run(capsys, "diff", *spec, "--repo", str(root), "--format", "json")
        assert code == 0, (spec, err)
        data = json.loads(out)
        assert data["head"]["commit"] == head, spec
        assert [f["rule"] for f in data["policies"][0]["findings"]] == ["third-party-added"]
    code, out, _ = run(capsys, "diff", "main", "--repo", str(root), "--format", "json")
    assert json.loads(out)["head"]["commit"] is None  # main vs the working tree


def test_diff_unknown_revision_and_not_a_repo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = init_repo(tmp_path / "repo")
    code, _, err = run(capsys, "diff", "nope..HEAD", "--repo", str(root))
    assert code == 2 and "nope" in err and "Traceback" not in err
    plain = tmp_path / "plain"
    plain.mkdir()
    code, _, err = run(capsys, "diff", "--repo", str(plain))
    assert code == 2 and "not a git repository" in err


def test_diff_rejects_a_bad_rule_override(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "govern.toml").write_text('rules = {"no-such-rule" = "off"}\n')
    old = write_yaml(tmp_path / "old.yaml", mitpo_data())
    new = write_yaml(tmp_path / "new.yaml", with_hotjar())
    code, _, err = run(capsys, "diff", str(old), str(new), "--repo", str(tmp_path))
    assert code == 2 and "no-such-rule" in err and "govern.toml" in err


def test_rules_lists_the_catalogue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "govern.toml").write_text('rules = {"text-changed" = "off"}\n')
    code, out, _ = run(capsys, "rules", "--format", "json", "--repo", str(tmp_path))
    assert code == 0
    rules = {rule["id"]: rule for rule in json.loads(out)["rules"]}
    assert rules["third-party-added"]["default_level"] == "material"
    assert "Art. 13(1)(e)" in rules["third-party-added"]["rationale"]
    assert rules["text-changed"]["level"] == "off"
    code, out, _ = run(capsys, "rules", "--repo", str(tmp_path))
    assert code == 0
    assert "third-party-added" in out and "editorial (here: off)" in out


def test_console_script_subprocess(tmp_path: Path) -> None:
    old = write_yaml(tmp_path / "old.yaml", mitpo_data())
    new = write_yaml(tmp_path / "new.yaml", with_hotjar())
    completed = subprocess.run(
        [sys.executable, "-m", "governance", "diff", str(old), str(new), "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["material"] is True


def test_diff_does_not_import_heavy_modules(tmp_path: Path) -> None:
    old = write_yaml(tmp_path / "old.yaml", mitpo_data())
    new = write_yaml(tmp_path / "new.yaml", with_hotjar())
    code = (
        "import sys\n"
        "from governance.main import main\n"
        f"main(['diff', {str(old)!r}, {str(new)!r}, '--format', 'json'])\n"
        "heavy = [m for m in ('textual', 'sqlmodel', 'sqlalchemy', 'alembic', 'jinja2', "
        "'fideslang', 'git') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in completed.stdout

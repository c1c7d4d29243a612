"""`govern log`, `govern show` and `govern index` as users run them (real processes, real repos)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from history_helpers import commit, git, init_repo, policy_yaml, run_govern

from governance.config import Config
from governance.store import open_store


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A policy added, given an analytics cookie (material), reworded, renamed, and a second
    policy deleted."""
    path = init_repo(tmp_path / "repo")
    commit(
        path,
        {
            "policies/web/cookies.yaml": policy_yaml("Cookies"),
            "policies/old.yaml": policy_yaml("Old", ["legacy"], padding=1),
        },
        "Add the cookie policy",
        date="2026-01-05T10:00:00+00:00",
    )
    git(path, "tag", "v1")
    commit(
        path,
        {"policies/web/cookies.yaml": policy_yaml("Cookies", analytics=["stats"])},
        "Add an analytics cookie",
        author="Dev <dev@mitpo.example>",
        date="2026-02-01T10:00:00+00:00",
    )
    commit(
        path,
        {
            "policies/web/cookies.yaml": policy_yaml(
                "Cookies", analytics=["stats"], summary="What we keep, and why."
            )
        },
        "Reword the summary",
        date="2026-03-01T10:00:00+00:00",
    )
    commit(
        path, {"policies/old.yaml": None}, "Retire the old policy", date="2026-03-02T10:00:00+00:00"
    )
    git(path, "mv", "policies/web/cookies.yaml", "policies/web/cookies-and-tracking.yaml")
    commit(path, {}, "Rename the cookie policy", date="2026-04-01T10:00:00+00:00")
    return path


def _log_json(repo: Path, *args: str) -> dict:  # type: ignore[type-arg]
    completed = run_govern("log", *args, "--repo", str(repo), "--format", "json", check_exit=0)
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


def test_log_lists_every_policy_with_materiality(repo: Path) -> None:
    data = _log_json(repo)
    assert data["schema"] == "govern.log/1"
    assert data["head"] == git(repo, "rev-parse", "HEAD")
    policies = {entry["policy"]: entry["versions"] for entry in data["policies"]}
    assert sorted(policies) == ["old", "web/cookies", "web/cookies-and-tracking"]
    cookies = policies["web/cookies"]
    assert [v["subject"] for v in cookies] == [
        "Reword the summary",
        "Add an analytics cookie",
        "Add the cookie policy",
    ]
    analytics = cookies[1]
    assert analytics["material"] is True and analytics["level"] == "material"
    assert analytics["author"] == "dev@mitpo.example"
    assert analytics["date"].startswith("2026-02-01")
    assert cookies[0]["material"] is False
    assert cookies[2]["tags"] == ["v1"]
    assert [v["status"] for v in policies["old"]] == ["deleted", "added"]
    renamed = policies["web/cookies-and-tracking"]
    assert renamed[0]["status"] == "renamed" and renamed[0]["previous_policy"] == "web/cookies"
    assert renamed[0]["findings"] == 0


def test_log_of_one_policy_follows_its_rename(repo: Path) -> None:
    data = _log_json(repo, "web/cookies-and-tracking")
    # The versions keep the id they had at each commit; the lineage crosses the rename.
    all_versions = [
        (group["policy"], v["subject"]) for group in data["policies"] for v in group["versions"]
    ]
    assert sorted(all_versions) == sorted(
        [
            ("web/cookies-and-tracking", "Rename the cookie policy"),
            ("web/cookies", "Reword the summary"),
            ("web/cookies", "Add an analytics cookie"),
            ("web/cookies", "Add the cookie policy"),
        ]
    )
    # A file path names the same policy.
    by_path = _log_json(repo, "policies/web/cookies-and-tracking.yaml")
    assert by_path == data


def test_log_text(repo: Path) -> None:
    completed = run_govern("log", "--repo", str(repo), check_exit=0)
    text = completed.stdout
    assert "web/cookies-and-tracking\n" in text
    analytics = next(line for line in text.splitlines() if "Add an analytics cookie" in line)
    assert (
        "material" in analytics and "2026-02-01" in analytics and "dev@mitpo.example" in analytics
    )
    assert "renamed from web/cookies" in text
    assert "[v1]" in text
    assert completed.stderr == ""  # no progress bar when stderr is not a terminal


def test_log_of_an_unknown_policy_is_bad_input(repo: Path) -> None:
    completed = run_govern("log", "nope/none", "--repo", str(repo), check_exit=2)
    assert "no version of policy 'nope/none'" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_log_in_an_empty_repository_and_outside_one(tmp_path: Path) -> None:
    empty = init_repo(tmp_path / "empty")
    assert "no commits yet" in run_govern("log", "--repo", str(empty), check_exit=0).stdout
    outside = tmp_path / "plain"
    outside.mkdir()
    completed = run_govern("log", "--repo", str(outside), check_exit=2)
    assert "not a git repository" in completed.stderr


def test_show_a_version_as_text_and_json(repo: Path) -> None:
    completed = run_govern("show", "web/cookies@v1", "--repo", str(repo), check_exit=0)
    header, _, body = completed.stdout.partition("---\n")
    assert body == policy_yaml("Cookies")
    assert "policy:   web/cookies" in header
    assert "path:     policies/web/cookies.yaml" in header
    assert f"revision: v1 ({git(repo, 'rev-parse', 'v1')[:12]})" in header
    assert "Add the cookie policy" in header and "author@mitpo.example" in header

    data = json.loads(
        run_govern(
            "show",
            "web/cookies-and-tracking",
            "--repo",
            str(repo),
            "--format",
            "json",
            check_exit=0,
        ).stdout
    )
    assert data["schema"] == "govern.show/1"
    assert data["commit"] == git(repo, "rev-parse", "HEAD")
    assert data["blob"] == git(repo, "rev-parse", "HEAD:policies/web/cookies-and-tracking.yaml")
    assert data["changed_in"]["subject"] == "Rename the cookie policy"
    assert data["model"]["title"] == "Cookies" and data["error"] is None
    assert [item["id"] for item in data["model"]["items"]] == ["session", "stats"]


def test_show_explains_what_is_missing(repo: Path, tmp_path: Path) -> None:
    gone = run_govern("show", "old", "--repo", str(repo), check_exit=2)
    assert "no policy 'old' at HEAD" in gone.stderr and "it was deleted in" in gone.stderr
    assert run_govern("show", "old@HEAD~2", "--repo", str(repo), check_exit=0).stdout
    unknown = run_govern("show", "old@no-such-tag", "--repo", str(repo), check_exit=2)
    assert "unknown revision 'no-such-tag'" in unknown.stderr
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    missing = run_govern("show", "web/cookies@HEAD~3", "--repo", str(shallow), check_exit=2)
    assert "git fetch --unshallow" in missing.stderr and "fetch-depth: 0" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_index_command_reports_its_work(repo: Path) -> None:
    first = json.loads(
        run_govern("index", "--repo", str(repo), "--format", "json", check_exit=0).stdout
    )
    assert first["commits_indexed"] == 5 and first["versions_added"] == 6
    assert first["blobs_parsed"] == 4  # the rename reuses the reworded blob
    again = run_govern("index", "--repo", str(repo), check_exit=0)
    assert "up to date" in again.stdout
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("command", [["index"], ["log"]])
def test_a_corrupt_or_newer_store_stops_the_command_and_stays_as_it_was(
    repo: Path, command: list[str]
) -> None:
    open_store(Config(root=repo)).close()
    path = repo / ".git" / "govern" / "govern.db"
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '0042_next_release'")
    connection.commit()
    connection.close()
    for content in (None, b"\x00garbage\x00" * 64):
        if content is not None:
            path.write_bytes(content)
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        completed = run_govern(*command, "--repo", str(repo), check_exit=2)
        assert "left untouched" in completed.stderr and "Traceback" not in completed.stderr
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_show_follows_a_rename_as_log_does(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commit(repo, {"policies/old-name.yaml": policy_yaml("First")}, "first")
    git(repo, "mv", "policies/old-name.yaml", "policies/cookies.yaml")
    commit(repo, {"policies/cookies.yaml": policy_yaml("Renamed")}, "renamed and edited")
    from governance.main import main

    capsys.readouterr()
    assert main(["show", "cookies@HEAD~1", "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "path:     policies/old-name.yaml" in out and "title: First" in out

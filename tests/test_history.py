"""`govern index`: incremental, parse-once, crash-safe and concurrent (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from history_helpers import (  # noqa: F401 - database is a fixture
    GOVERN,
    commit,
    database,
    fast_import_history,
    git,
    init_repo,
    policy_yaml,
    run_govern,
)

from governance.config import Config
from governance.gitrepo import GitRepository
from governance.history import index_history, logged_versions, policy_lineage
from governance.store import IndexedCommit, PolicyVersion, Store, connect, open_store, store_url


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo")


def _index(repo: Path) -> tuple[Store, object]:
    store = open_store(Config(root=repo))
    result = index_history(GitRepository.open(repo), store, "policies")
    return store, result


def _rows(store: Store) -> list[tuple[str, str, str]]:
    return [(v.policy_id, v.commit, v.status) for v in store.policy_versions()]


def test_index_records_adds_edits_renames_deletions_and_format_switches(
    repo: Path,
    database: str,  # noqa: F811
) -> None:
    added = commit(
        repo,
        {
            "policies/old.yaml": policy_yaml("Cookies"),
            "policies/a.yml": policy_yaml("A", ["one"], padding=0),
            "policies/gone.yaml": policy_yaml("Gone", ["g"], padding=1),
        },
        "add",
    )
    edited = commit(
        repo, {"policies/old.yaml": policy_yaml("Cookies", ["session", "csrf"])}, "edit"
    )
    (repo / "policies/team").mkdir()
    git(repo, "mv", "policies/old.yaml", "policies/team/new.yaml")
    (repo / "policies/team/new.yaml").write_text(policy_yaml("Cookies!", ["session", "csrf", "p"]))
    git(repo, "add", "-A")
    renamed = commit(repo, {}, "rename with an edit")
    switched = commit(
        repo,
        {"policies/a.yml": None, "policies/a.yaml": "title: A again\nsummary: all new words\n"},
        "switch a to .yaml with new content",
    )
    deleted = commit(repo, {"policies/gone.yaml": None}, "delete")
    broken = commit(repo, {"policies/team/new.yaml": "title: [unclosed\n"}, "break it")

    store, result = _index(repo)
    assert result.commits_indexed == 6 and result.versions_added == 8
    assert result.blobs_invalid == 1
    assert sorted(_rows(store)) == sorted(
        [
            ("old", added, "added"),
            ("a", added, "added"),
            ("gone", added, "added"),
            ("old", edited, "modified"),
            ("team/new", renamed, "renamed"),
            ("a", switched, "modified"),
            ("gone", deleted, "deleted"),
            ("team/new", broken, "modified"),
        ]
    )
    by_key = {(v.policy_id, v.commit): v for v in store.policy_versions()}
    rename = by_key[("team/new", renamed)]
    assert rename.previous_policy_id == "old"
    assert rename.previous_path == "policies/old.yaml"
    assert rename.previous_blob_sha == by_key[("old", edited)].blob_sha
    switch = by_key[("a", switched)]
    assert switch.previous_path == "policies/a.yml" and switch.path == "policies/a.yaml"
    assert switch.previous_blob_sha == by_key[("a", added)].blob_sha
    assert by_key[("gone", deleted)].blob_sha is None
    bad = store.parsed_blob(by_key[("team/new", broken)].blob_sha or "")
    assert (
        bad is not None and bad.model_json is None and "policies/team/new.yaml" in (bad.error or "")
    )

    lineage = policy_lineage(store.policy_versions(), "team/new")
    assert [v.commit for v in lineage] == [added, edited, renamed, broken]
    store.close()


def test_index_is_incremental_and_parses_each_blob_once(repo: Path, database: str) -> None:  # noqa: F811
    commit(repo, {"policies/a.yaml": policy_yaml("A"), "policies/b.yaml": policy_yaml("B")}, "one")
    commit(repo, {"policies/a.yaml": policy_yaml("A", ["session", "x"])}, "two")
    store, first = _index(repo)
    assert (first.commits_indexed, first.versions_added, first.blobs_parsed) == (2, 3, 3)

    _, again = _index(repo)
    assert (again.commits_in_range, again.commits_indexed, again.blobs_parsed) == (0, 0, 0)

    # A new commit: only it is read, only its new blob parsed.
    commit(repo, {"policies/b.yaml": policy_yaml("B", ["session", "y"])}, "three")
    _, third = _index(repo)
    assert (third.commits_in_range, third.commits_indexed, third.blobs_parsed) == (1, 1, 1)

    # Content seen before (a revert, a copy under another id) is not parsed again.
    commit(repo, {"policies/a.yaml": policy_yaml("A"), "policies/c.yaml": policy_yaml("B")}, "four")
    _, fourth = _index(repo)
    assert (fourth.versions_added, fourth.blobs_parsed) == (2, 0)
    assert store.count(PolicyVersion) == 6
    store.close()


def test_index_follows_branch_switches_and_survives_lost_tips(repo: Path) -> None:
    commit(repo, {"policies/a.yaml": policy_yaml("A")}, "main")
    store, _ = _index(repo)
    git(repo, "checkout", "-q", "-b", "feature")
    feature = commit(repo, {"policies/a.yaml": policy_yaml("A", ["session", "f"])}, "feature")
    _, result = _index(repo)
    assert result.commits_indexed == 1 and store.indexed_commits([feature]) == {feature}
    # A tip that no longer exists (rebased away and collected) is ignored, not an error.
    store.set_index_tips("policies", ["f" * 40, feature])
    _, after = _index(repo)
    assert after.commits_indexed == 0
    store.close()


def test_index_in_ci_checkouts(repo: Path, tmp_path: Path) -> None:
    commit(repo, {"policies/a.yaml": policy_yaml("A")}, "one")
    second = commit(repo, {"policies/a.yaml": policy_yaml("A", ["session", "x"])}, "two")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    store, result = _index(shallow)
    assert _rows(store) == [("a", second, "added")]  # history starts at the shallow boundary
    store.close()

    git(repo, "checkout", "-q", "--detach", "HEAD~1")
    store, result = _index(repo)
    assert result.commits_indexed == 1
    store.close()


def test_index_of_an_empty_repository(repo: Path) -> None:
    store, result = _index(repo)
    assert result.head is None and result.commits_indexed == 0
    store.close()
    completed = run_govern("index", "--repo", str(repo), check_exit=0)
    assert "no commits yet" in completed.stdout


def test_logged_versions_classify_each_change(repo: Path) -> None:
    commit(repo, {"policies/a.yaml": policy_yaml("A")}, "add")
    commit(repo, {"policies/a.yaml": policy_yaml("A", analytics=["stats"])}, "analytics cookie")
    commit(
        repo,
        {"policies/a.yaml": policy_yaml("A", analytics=["stats"], summary="Reworded.")},
        "reword",
    )
    store, _ = _index(repo)
    config = Config(root=repo)
    versions = logged_versions(GitRepository.open(repo), store, config, "a")
    assert [v.subject for v in versions] == ["reword", "analytics cookie", "add"]
    assert versions[1].material is True and versions[1].level == "material"
    assert versions[0].material is False
    store.close()


# -- interruptions and concurrency -----------------------------------------------------------


def _store_for(repo: Path) -> Store:
    return connect(store_url(Config(root=repo)), migrate=False)


def _wait_for_progress(repo: Path, process: subprocess.Popen[bytes], total: int) -> int:
    """Poll the store until the indexer has committed part of the work; return how much."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the indexer finished before it could be interrupted"
        try:
            store = _store_for(repo)
            done = store.count(IndexedCommit)
            store.close()
        except Exception:  # noqa: BLE001 - the store may not exist yet
            done = 0
        if 0 < done < total:
            return done
        time.sleep(0.02)
    raise AssertionError("the indexer made no progress")


def _assert_no_process_left(repo: Path) -> None:
    """Parser workers of a killed indexer exit too (none may linger holding the store)."""
    deadline = time.monotonic() + 10
    while True:
        left = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if "governance index" in text and str(repo) in text:
                left.append(cmdline.parent.name)
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for pid in left:  # clean up before failing, so no test leaves processes behind
        os.kill(int(pid), signal.SIGKILL)
    assert not left, f"indexer processes left behind: {left}"


def test_an_indexer_killed_mid_run_is_completed_by_the_next_run(
    repo: Path,
    database: str,  # noqa: F811
) -> None:
    total = fast_import_history(repo, 900, 20)
    open_store(Config(root=repo)).close()  # migrations done, so the kill lands in the indexing
    process = subprocess.Popen(
        [*GOVERN, "index", "--repo", str(repo)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    done_before_kill = _wait_for_progress(repo, process, total)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    _assert_no_process_left(repo)

    store = _store_for(repo)
    interrupted = store.count(PolicyVersion)
    assert store.count(IndexedCommit) == interrupted >= done_before_kill  # whole commits only
    assert interrupted < total
    store.close()

    rerun = run_govern("index", "--repo", str(repo), "--format", "json", check_exit=0)
    assert f'"commits_indexed": {total - interrupted}' in rerun.stdout
    store = _store_for(repo)
    versions = store.policy_versions()
    assert len(versions) == total
    assert len({(v.policy_id, v.commit) for v in versions}) == total
    expected = {c.sha for c in GitRepository.open(repo).history("policies")}
    assert {v.commit for v in versions} == expected
    store.close()


def test_two_indexers_at_once_store_each_version_once(repo: Path, database: str) -> None:  # noqa: F811
    total = fast_import_history(repo, 400, 20)
    # Both start on a store that does not exist yet: they race through the migrations too.
    processes = [
        subprocess.Popen(
            [*GOVERN, "index", "--repo", str(repo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    store = _store_for(repo)
    versions = store.policy_versions()
    assert len(versions) == total
    assert len({(v.policy_id, v.commit) for v in versions}) == total
    assert store.count(IndexedCommit) == total
    store.close()

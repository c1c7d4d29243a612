"""The git adapter against real repositories: renames, deletions, shallow and detached checkouts."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from history_helpers import commit, git, init_repo, policy_yaml

from governance import blobcache
from governance.errors import GitError, PolicyError
from governance.gitrepo import GitRepository, PolicyFile, blob_sha_of


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo")


def test_blob_sha_is_what_git_hash_object_gives(repo: Path) -> None:
    data = "title: x\nsummary: ünïcode\n".encode()
    (repo / "f.yaml").write_bytes(data)
    assert blob_sha_of(data) == git(repo, "hash-object", "f.yaml")
    assert blob_sha_of(b"") == git(repo, "hash-object", "--stdin", stdin=b"")


def test_open_refuses_a_directory_that_is_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not a git repository") as caught:
        GitRepository.open(tmp_path)
    assert caught.value.exit_code == 2
    with pytest.raises(GitError, match="no such directory"):
        GitRepository.open(tmp_path / "missing")


def test_open_finds_the_root_from_a_subdirectory(repo: Path) -> None:
    (repo / "policies" / "a").mkdir(parents=True)
    assert GitRepository.open(repo / "policies" / "a").root == repo.resolve()


def test_policy_files_at_a_revision_and_in_the_working_tree(repo: Path) -> None:
    first = commit(
        repo,
        {
            "policies/mitpo/cookies.yaml": policy_yaml("Cookies"),
            "policies/mitpo/privacy.yml": policy_yaml("Privacy"),
            "policies/.drafts/hidden.yaml": policy_yaml("Hidden"),
            "policies/notes.txt": "not a policy",
            "README.md": "outside the policies dir",
        },
        "first",
    )
    repository = GitRepository.open(repo)
    files = repository.policy_files(first, "policies")
    assert sorted(files) == ["mitpo/cookies", "mitpo/privacy"]
    cookies = files["mitpo/cookies"]
    assert cookies.path == "policies/mitpo/cookies.yaml"
    assert cookies.data == policy_yaml("Cookies").encode()
    assert cookies.blob_sha == git(repo, "rev-parse", f"{first}:policies/mitpo/cookies.yaml")

    # The working tree includes uncommitted edits and untracked policies.
    (repo / "policies/mitpo/cookies.yaml").write_text(policy_yaml("Cookies", ["session", "x"]))
    (repo / "policies/new.yaml").write_text(policy_yaml("New"))
    working = repository.policy_files(None, "policies")
    assert sorted(working) == ["mitpo/cookies", "mitpo/privacy", "new"]
    assert working["mitpo/cookies"].blob_sha == git(
        repo, "hash-object", "policies/mitpo/cookies.yaml"
    )
    assert working["mitpo/cookies"].blob_sha != cookies.blob_sha
    # Committed content is unaffected by the edit.
    assert repository.policy_files("HEAD", "policies")["mitpo/cookies"] == cookies
    # An absolute policies dir works as well as a relative one.
    assert repository.policy_files("HEAD", str(repo / "policies")) == files


def test_a_repository_without_a_policies_dir_has_no_policies(repo: Path) -> None:
    commit(repo, {"README.md": "hello"}, "readme")
    repository = GitRepository.open(repo)
    assert repository.policy_files("HEAD", "policies") == {}
    assert repository.policy_files(None, "policies") == {}


def test_two_formats_of_one_policy_are_refused(repo: Path) -> None:
    commit(repo, {"policies/a.yaml": policy_yaml(), "policies/a.md": "# A\n"}, "both")
    with pytest.raises(PolicyError, match="two files define the policy 'a'"):
        GitRepository.open(repo).policy_files("HEAD", "policies")


def test_symlinks_in_the_tree_are_not_policies(repo: Path) -> None:
    (repo / "policies").mkdir()
    (repo / "policies/real.yaml").write_text(policy_yaml())
    (repo / "policies/link.yaml").symlink_to("/etc/hostname")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "link")
    assert sorted(GitRepository.open(repo).policy_files("HEAD", "policies")) == ["real"]


def test_unknown_revisions_are_named(repo: Path) -> None:
    commit(repo, {"policies/a.yaml": policy_yaml()}, "first")
    repository = GitRepository.open(repo)
    with pytest.raises(GitError, match="unknown revision 'no-such-branch'"):
        repository.resolve("no-such-branch")
    with pytest.raises(GitError, match="git fetch origin main"):
        repository.resolve("origin/main")
    with pytest.raises(GitError, match="not a valid revision"):
        repository.resolve("--output=/tmp/x")
    with pytest.raises(GitError, match="unknown revision 'nope'"):
        repository.policy_files("nope", "policies")


def test_an_empty_repository(repo: Path) -> None:
    repository = GitRepository.open(repo)
    assert repository.head() is None
    assert repository.versions("policies/a.yaml") == []
    assert list(repository.history("policies")) == []
    assert repository.policy_files(None, "policies") == {}
    with pytest.raises(GitError, match="no commits yet"):
        repository.resolve("HEAD")
    with pytest.raises(GitError, match="no commits yet"):
        repository.policy_files("HEAD", "policies")


def test_a_shallow_clone_says_how_to_get_the_missing_base(repo: Path, tmp_path: Path) -> None:
    first = commit(repo, {"policies/a.yaml": policy_yaml()}, "first")
    commit(repo, {"policies/a.yaml": policy_yaml(items=["session", "x"])}, "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    repository = GitRepository.open(clone)
    assert repository.is_shallow()
    for rev in ("HEAD~1", first):
        with pytest.raises(GitError) as caught:
            repository.resolve(rev)
        message = str(caught.value)
        assert rev in message
        assert "git fetch --unshallow" in message and "fetch-depth: 0" in message
    with pytest.raises(GitError, match="fetch-depth: 0"):
        repository.merge_base("HEAD", first)
    # What is there still works: the boundary commit shows the policy as added.
    assert [v.status for v in repository.versions("policies/a.yaml")] == ["added"]
    assert sorted(repository.policy_files("HEAD", "policies")) == ["a"]


def test_a_detached_head(repo: Path) -> None:
    first = commit(repo, {"policies/a.yaml": policy_yaml()}, "first")
    commit(repo, {"policies/a.yaml": policy_yaml(items=["session", "x"])}, "second")
    git(repo, "checkout", "-q", "--detach", first)
    repository = GitRepository.open(repo)
    assert repository.current_branch() is None
    assert repository.head() == first
    assert repository.resolve("HEAD") == first
    assert repository.policy_files("HEAD", "policies")["a"].data == policy_yaml().encode()
    assert [v.commit for v in repository.versions("policies/a.yaml")] == [first]
    assert repository.default_branch() == "main"


def test_versions_follow_a_rename_made_with_an_edit(repo: Path) -> None:
    first = commit(repo, {"policies/old-name.yaml": policy_yaml("Cookies")}, "add")
    second = commit(
        repo, {"policies/old-name.yaml": policy_yaml("Cookies", ["session", "csrf"])}, "edit"
    )
    (repo / "policies/team").mkdir()
    git(repo, "mv", "policies/old-name.yaml", "policies/team/new-name.yaml")
    (repo / "policies/team/new-name.yaml").write_text(
        policy_yaml("Cookies and tracking", ["session", "csrf", "prefs"])
    )
    git(repo, "add", "-A")
    third = commit(repo, {}, "rename and edit")
    versions = GitRepository.open(repo).versions("policies/team/new-name.yaml")
    assert [v.commit for v in versions] == [third, second, first]
    renamed = versions[0]
    assert renamed.status == "renamed"
    assert renamed.previous_path == "policies/old-name.yaml"
    assert renamed.path == "policies/team/new-name.yaml"
    assert renamed.previous_blob_sha == versions[1].blob_sha
    assert versions[1].status == "modified" and versions[2].status == "added"
    assert versions[2].previous_blob_sha is None
    assert renamed.author_email == "author@mitpo.example"
    assert renamed.committed_at.tzinfo is not None


def test_versions_of_a_deleted_policy(repo: Path) -> None:
    added = commit(
        repo, {"policies/gone.yaml": policy_yaml(), "policies/kept.yaml": policy_yaml()}, "add"
    )
    deleted = commit(repo, {"policies/gone.yaml": None}, "delete")
    repository = GitRepository.open(repo)
    versions = repository.versions("policies/gone.yaml")
    assert [(v.commit, v.status) for v in versions] == [(deleted, "deleted"), (added, "added")]
    assert versions[0].blob_sha is None
    assert versions[0].previous_blob_sha == versions[1].blob_sha
    assert sorted(repository.policy_files("HEAD", "policies")) == ["kept"]
    assert sorted(repository.policy_files(added, "policies")) == ["gone", "kept"]
    assert repository.last_change("HEAD", "policies/kept.yaml").commit == added  # type: ignore[union-attr]


def test_history_lists_policy_changes_oldest_first_and_skips_excluded(repo: Path) -> None:
    first = commit(repo, {"policies/a.yaml": policy_yaml("A")}, "one")
    commit(repo, {"docs/readme.md": "not a policy change"}, "docs")
    unlike_a = policy_yaml("B", ["other", "cookies"], padding=0)
    second = commit(repo, {"policies/b.yaml": unlike_a, "policies/a.yaml": None}, "two")
    (repo / "archive").mkdir()
    git(repo, "mv", "policies/b.yaml", "archive/b.yaml")
    third = commit(repo, {}, "move out of the policies dir")
    repository = GitRepository.open(repo)
    commits = list(repository.history("policies"))
    assert [c.sha for c in commits] == [first, second, third]
    assert [(c.status, c.path) for c in commits[1].changes] == [
        ("D", "policies/a.yaml"),
        ("A", "policies/b.yaml"),
    ]
    assert [(c.status, c.path) for c in commits[2].changes] == [("D", "policies/b.yaml")]
    assert [c.sha for c in repository.history("policies", exclude=[second])] == [third]


def test_default_branch(repo: Path, tmp_path: Path) -> None:
    commit(repo, {"policies/a.yaml": policy_yaml()}, "first")
    assert GitRepository.open(repo).default_branch() == "main"
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{repo}", str(clone))
    assert GitRepository.open(clone).default_branch() == "origin/main"
    git(repo, "branch", "-q", "-m", "main", "trunk")
    with pytest.raises(GitError, match="default branch"):
        GitRepository.open(repo).default_branch()
    git(repo, "branch", "-q", "-m", "trunk", "master")
    assert GitRepository.open(repo).default_branch() == "master"


def test_authors_and_identity(repo: Path) -> None:
    base = commit(repo, {"policies/a.yaml": policy_yaml()}, "base")
    commit(
        repo,
        {"policies/a.yaml": policy_yaml(items=["session", "x"])},
        "edit\n\nCo-authored-by: Pair Programmer <Pair@Example.test>",
        author="Someone Else <Someone@Example.test>",
    )
    commit(repo, {"other.txt": "x"}, "unrelated", author="Third <third@example.test>")
    repository = GitRepository.open(repo)
    assert repository.author_email("HEAD~1") == "Someone@Example.test"
    [touch] = repository.touches(base, "HEAD", "policies/a.yaml")
    # the author, the co-author and the committer (the session's git identity)
    assert touch.emails == {"someone@example.test", "pair@example.test", "author@mitpo.example"}
    assert repository.touches(base, "HEAD", "other.txt")[0].emails == {
        "third@example.test",
        "author@mitpo.example",
    }
    assert repository.user_email() == "author@mitpo.example"


def test_a_merge_counts_as_a_change_only_when_it_differs_from_every_parent(repo: Path) -> None:
    base = commit(repo, {"policies/a.yaml": policy_yaml()}, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"notes.txt": "x"}, "feature work", author="Dev <dev@example.test>")
    git(repo, "checkout", "-q", "main")
    commit(repo, {"policies/a.yaml": policy_yaml(items=["session", "y"])}, "on main")
    git(repo, "checkout", "-q", "feature")
    git(repo, "merge", "-q", "--no-edit", "main")  # takes main's file as it is
    repository = GitRepository.open(repo)
    assert [t for t in repository.touches(base, "HEAD", "policies/a.yaml") if t.is_merge] == []

    git(repo, "checkout", "-q", "main")
    commit(repo, {"policies/a.yaml": policy_yaml(items=["session", "z"])}, "main again")
    git(repo, "checkout", "-q", "feature")
    git(repo, "merge", "-q", "--no-commit", "main")
    (repo / "policies" / "a.yaml").write_text(policy_yaml(items=["session", "evil"]))
    git(repo, "add", "-A")
    git(repo, "-c", "user.email=merger@example.test", "commit", "-q", "--no-edit")
    [merge] = [t for t in repository.touches(base, "HEAD", "policies/a.yaml") if t.is_merge]
    assert "merger@example.test" in merge.emails


def test_tags_mark_versions(repo: Path) -> None:
    first = commit(repo, {"policies/a.yaml": policy_yaml()}, "first")
    git(repo, "tag", "v1")
    git(repo, "tag", "-a", "v1.0", "-m", "annotated")
    assert sorted(GitRepository.open(repo).tags()[first]) == ["v1", "v1.0"]


def test_read_blobs_reads_many_in_one_go(repo: Path) -> None:
    contents = {f"policies/p{n}.yaml": policy_yaml(f"P{n}") + "#" * n for n in range(30)}
    commit(repo, contents, "many")
    repository = GitRepository.open(repo)
    files = repository.policy_files("HEAD", "policies")
    assert len(files) == 30
    for identifier, policy_file in files.items():
        assert policy_file.data.decode() == contents[f"policies/{identifier}.yaml"]


# -- the blob cache -----------------------------------------------------------------------------


def _policy_file(data: bytes, path: str = "policies/a.yaml") -> PolicyFile:
    return PolicyFile("a", path, blob_sha_of(data), data)


def test_blob_cache_parses_each_blob_once(repo: Path) -> None:
    policy_file = _policy_file(policy_yaml().encode())
    before = dict(blobcache.stats)
    first = blobcache.parse_policy_file(policy_file, repo)
    second = blobcache.parse_policy_file(policy_file, repo)
    assert first == second and first.title == "Cookies"
    assert blobcache.stats["parsed"] - before["parsed"] == 1
    assert blobcache.stats["cached"] - before["cached"] == 1
    entry = json.loads(blobcache.cache_path(repo, policy_file.blob_sha).read_text())
    assert entry["blob"] == policy_file.blob_sha and entry["govern"]
    assert blobcache.cache_path(repo, policy_file.blob_sha).is_relative_to(repo / ".git")
    assert git(repo, "status", "--porcelain") == ""


def test_blob_cache_ignores_and_rewrites_a_corrupt_or_foreign_entry(repo: Path) -> None:
    policy_file = _policy_file(policy_yaml().encode())
    path = blobcache.cache_path(repo, policy_file.blob_sha)
    path.parent.mkdir(parents=True)
    for bad in (
        "{not json",
        json.dumps(
            {
                "schema": "govern.blob/1",
                "govern": "0.0.0-old",
                "blob": policy_file.blob_sha,
                "format": "yaml",
                "model": "{}",
            }
        ),
    ):
        path.write_text(bad)
        before = blobcache.stats["parsed"]
        assert blobcache.parse_policy_file(policy_file, repo).title == "Cookies"
        assert blobcache.stats["parsed"] == before + 1
        assert json.loads(path.read_text())["model"].startswith("{")


def test_blob_cache_falls_back_to_a_plain_parse_when_it_cannot_write(repo: Path) -> None:
    (repo / ".git" / "govern").write_text("a file where the cache folder should be")
    policy_file = _policy_file(policy_yaml("Read only").encode())
    assert blobcache.parse_policy_file(policy_file, repo).title == "Read only"


def test_blob_cache_reports_a_bad_policy_with_its_path(repo: Path) -> None:
    with pytest.raises(PolicyError, match="policies/a.yaml"):
        blobcache.parse_policy_file(_policy_file(b"title: [unclosed\n"), repo)


def test_the_ci_path_imports_no_database_layer() -> None:
    code = (
        "import sys, governance.blobcache, governance.gitrepo;"
        "bad = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_hash_rule_matches_sha1_of_header_and_data() -> None:
    data = b"abc"
    assert blob_sha_of(data) == hashlib.sha1(b"blob 3\0abc").hexdigest()

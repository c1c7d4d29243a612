"""The review queue's library: the open branches of a real repository and the changes they make,
judged by the same ``run_check`` CI runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import (
    AUTHOR,
    BASE_POLICY,
    COUNSEL,
    MAINTAINER,
    POLICY_ID,
    POLICY_PATH,
    Repo,
    make_repo,
)

from governance.check import ReviewStatus, run_check
from governance.config import load_config
from governance.errors import GitError
from governance.findings import Level
from governance.gitrepo import GitRepository
from governance.queue import ChangeSummary, open_changes
from governance.review import decide

EDITORIAL_POLICY = BASE_POLICY.replace("last_updated: 2026-01-10", "last_updated: 2026-02-01")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """main, and beside it:

    - ``vendor``: adds Hotjar (material), by the author;
    - ``wording``: bumps ``last_updated`` (editorial only);
    - ``readme``: not merged, but touches no policy;
    - ``notes``: not merged, adds a file that is not a policy to the policies folder;
    - ``merged``: a policy edit already merged into main;
    - ``origin/shared``: a remote-tracking branch with no local twin, adding Hotjar;
    - ``origin/vendor``: the remote twin of ``vendor`` (listed once, as the local branch).

    main is checked out, clean.
    """
    repo = make_repo(tmp_path)
    repo.git("checkout", "-q", "-b", "vendor")
    repo.add_hotjar()
    repo.commit_all("Add Hotjar", AUTHOR)
    repo.git("checkout", "-q", "-b", "wording", "main")
    repo.write(POLICY_PATH, EDITORIAL_POLICY)
    repo.commit_all("Bump the date", AUTHOR)
    repo.git("checkout", "-q", "-b", "readme", "main")
    repo.write("README.md", "# Acme\n")
    repo.commit_all("A readme", AUTHOR)
    repo.git("checkout", "-q", "-b", "notes", "main")
    repo.write("policies/acme/NOTES.txt", "Not a policy.\n")
    repo.commit_all("Notes beside the policies", AUTHOR)
    repo.git("checkout", "-q", "-b", "merged", "main")
    repo.write(POLICY_PATH, BASE_POLICY.replace("What we store", "What we keep"))
    repo.commit_all("Reword the summary", MAINTAINER)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "merged")
    repo.git("checkout", "-q", "-b", "shared", "main")
    repo.add_hotjar("Heatmaps.")
    repo.commit_all("Add Hotjar heatmaps", AUTHOR)
    repo.git("checkout", "-q", "main")
    remote = tmp_path / "origin.git"
    repo.git("init", "-q", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main", "vendor", "shared")
    repo.git("branch", "-q", "-D", "shared")
    repo.git("fetch", "-q", "origin")
    repo.set_user(COUNSEL)
    return repo


def changes_of(repo: Repo) -> list[ChangeSummary]:
    with GitRepository.open(repo.root) as repository:
        return open_changes(load_config(repo.root), repository)


def by_name(changes: list[ChangeSummary]) -> dict[str, ChangeSummary]:
    return {change.name: change for change in changes}


def test_open_branches_are_the_unmerged_ones_each_with_its_merge_base(repo: Repo) -> None:
    with GitRepository.open(repo.root) as repository:
        branches = repository.open_branches("main")
    assert [(b.name, b.is_remote, b.is_current) for b in branches] == [
        ("notes", False, False),
        ("readme", False, False),
        ("vendor", False, False),
        ("wording", False, False),
        ("origin/shared", True, False),
    ]
    fork = repo.git("rev-parse", "main~1")  # where vendor, wording and readme left main
    main = repo.git("rev-parse", "main")  # shared left after `merged` was merged
    assert {b.name: b.merge_base for b in branches} == {
        "notes": fork,
        "readme": fork,
        "vendor": fork,
        "wording": fork,
        "origin/shared": main,
    }
    assert {b.name: b.commit for b in branches}["origin/shared"] == repo.git(
        "rev-parse", "origin/shared"
    )
    repo.git("checkout", "-q", "vendor")
    with GitRepository.open(repo.root) as repository:
        assert [b.name for b in repository.open_branches("main") if b.is_current] == ["vendor"]
        # measured against the remote default branch, local main is its twin: not listed
        assert "main" not in {b.name for b in repository.open_branches("origin/main")}


def test_tree_ids_tell_an_unchanged_folder_in_one_go(repo: Repo) -> None:
    with GitRepository.open(repo.root) as repository:
        ids = repository.tree_ids(["main", "readme", "notes", "vendor"], "policies")
        assert ids["readme"] == repo.git("rev-parse", "readme~1:policies")
        assert ids["notes"] != ids["readme"] and ids["vendor"] != ids["readme"]
        assert repository.tree_ids(["main"], "no-such-folder") == {"main": None}
        assert repository.tree_ids(["main"], "") == {"main": repo.git("rev-parse", "main^{tree}")}


def test_every_open_change_that_touches_a_policy_is_listed_with_its_counts(repo: Repo) -> None:
    changes = changes_of(repo)
    # main is checked out and clean: nothing of its own; readme, notes and merged change no policy
    assert [(c.name, c.checked_out) for c in changes] == [
        ("vendor", False),
        ("wording", False),
        ("origin/shared", False),
    ]
    named = by_name(changes)
    vendor, wording, shared = named["vendor"], named["wording"], named["origin/shared"]
    (vendor_policy,) = vendor.policies
    assert vendor_policy.policy == POLICY_ID
    assert vendor_policy.counts[Level.material] >= 1
    assert vendor_policy.to_decide == vendor_policy.counts[Level.material]
    assert vendor.to_decide == vendor_policy.to_decide
    (wording_policy,) = wording.policies
    assert wording_policy.counts == {Level.material: 0, Level.minor: 0, Level.editorial: 1}
    assert wording_policy.review == {ReviewStatus.not_required: 1}
    assert wording.to_decide == 0
    assert (shared.is_remote, shared.switch_name, shared.check_head) == (
        True,
        "shared",
        "origin/shared",
    )
    # each is what `govern check --head BRANCH` reports: the same function, the same findings
    with GitRepository.open(repo.root) as repository:
        for change in changes:
            direct = run_check(repository, None, change.check_head)
            assert change.result is not None
            assert [f.finding.fingerprint for f in change.result.findings] == [
                f.finding.fingerprint for f in direct.findings
            ]
            assert change.base == direct.scope.base == repository.merge_base("main", change.name)
            assert change.head == direct.scope.head == repository.resolve(change.name)
            assert change.result.verdict == direct.verdict


def test_uncommitted_policy_edits_are_the_checked_out_change(repo: Repo) -> None:
    repo.write(POLICY_PATH, repo.read(POLICY_PATH).replace("Payment processing.", "Payments."))
    changes = changes_of(repo)
    first = changes[0]
    assert (first.name, first.checked_out, first.uncommitted, first.head) == (
        "main",
        True,
        True,
        None,
    )
    assert first.check_head is None
    assert [p.policy for p in first.policies] == [POLICY_ID]
    assert [c.name for c in changes[1:]] == ["vendor", "wording", "origin/shared"]


def test_the_checked_out_branch_shows_decisions_not_yet_committed(repo: Repo) -> None:
    repo.git("checkout", "-q", "vendor")
    before = by_name(changes_of(repo))["vendor"]
    assert before.checked_out and not before.uncommitted
    assert [c.name for c in changes_of(repo)] == ["vendor", "wording", "origin/shared"]
    assert before.result is not None
    fingerprints = [
        item.finding.fingerprint
        for item in before.result.findings
        if item.finding.level is Level.material
    ]
    with GitRepository.open(repo.root) as repository:
        decide(repository, fingerprints, "approved", COUNSEL)
    after = by_name(changes_of(repo))["vendor"]
    # the records sit in the work tree, uncommitted: the change is the working tree, as for check
    assert after.checked_out and after.uncommitted
    (policy,) = after.policies
    assert policy.to_decide == 0
    assert policy.review[ReviewStatus.approved] == len(fingerprints)


def test_a_detached_head_at_an_open_branch_is_that_change_checked_out(repo: Repo) -> None:
    repo.git("checkout", "-q", "--detach", "origin/shared")
    changes = changes_of(repo)
    assert [(c.name, c.checked_out) for c in changes] == [
        ("origin/shared", True),
        ("vendor", False),
        ("wording", False),
    ]


def test_a_branch_that_cannot_be_judged_is_listed_with_its_error(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "broken", "main")
    repo.write(POLICY_PATH, "title: [unclosed\n")
    repo.commit_all("Break the policy", AUTHOR)
    repo.git("checkout", "-q", "main")
    named = by_name(changes_of(repo))
    broken = named["broken"]
    assert broken.result is None and broken.policies == ()
    assert broken.error is not None and POLICY_PATH in broken.error
    assert named["vendor"].result is not None  # the others are still judged


def test_a_repository_without_commits_has_no_open_change(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    Repo(root).git("init", "-q", "-b", "main")
    (root / "pyproject.toml").write_text("[tool.govern]\n")
    with GitRepository.open(root) as repository:
        assert repository.head() is None
        config = load_config(root)
        with pytest.raises(GitError, match="no commits yet"):
            open_changes(config, repository)

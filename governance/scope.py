"""Which change are we looking at: the base commit, the head (a commit or the working tree), and
who authored it. ``check`` and the review commands share this, so a reviewer decides on exactly the
findings CI will see.

Defaults:

- head: the commit ``--head`` names; without it, the working tree when policies or ledger records
  have uncommitted edits (a developer checking before committing sees them), else ``HEAD`` (a CI
  checkout is clean, so CI always checks a commit).
- base: ``--base``; without it, the merge-base of the head commit with the default branch
  (``default_branch`` in [tool.govern], else origin/HEAD, main or master).

Authors of a change: the authors and co-authors of the commits in base..head that touched the
policy file (except commits that only bump ``last_updated``/``consent_revision``, which
publishing an announcement does), plus — when the file has uncommitted edits in the working
tree — the local ``git config user.email``, who will commit them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from governance.config import Config
from governance.identity import git_user_email
from governance.ledger import committed_files, working_tree_files

if TYPE_CHECKING:
    from governance.gitrepo import GitRepository

WORKING_TREE = "working tree"

# Publishing an announcement bumps these fields; whoever commits that did not author the change.
PUBLICATION_BOOKKEEPING = re.compile(r"^\s*(last_updated|consent_revision)\s*:")


@dataclass
class ChangeScope:
    base_ref: str
    base: str  # commit sha
    head_ref: str  # what the user named ("HEAD", a branch, "working tree")
    head: str | None  # commit sha, None for the working tree
    head_commit: str  # the commit the head builds on (HEAD for the working tree)
    uncommitted: set[str] = field(default_factory=set)  # paths edited in the working tree
    _authors: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @property
    def is_working_tree(self) -> bool:
        return self.head is None

    def authors_of(self, repo: GitRepository, path: str | None) -> set[str]:
        """Casefolded emails of everyone who authored this change to ``path``."""
        key = path or ""
        if key not in self._authors:
            authors = set(
                repo.authors_between(
                    self.base, self.head_commit, path, ignore_lines=PUBLICATION_BOOKKEEPING
                )
            )
            if self.is_working_tree and path in self.uncommitted:
                local = git_user_email(repo.root)
                if local:
                    authors.add(local.casefold())
            self._authors[key] = authors
        return self._authors[key]


def resolve_scope(
    config: Config, repo: GitRepository, base: str | None = None, head: str | None = None
) -> ChangeScope:
    """The change between ``base`` and ``head`` with the defaults described above."""
    head_sha: str | None
    uncommitted: set[str] = set()
    if head is not None:
        head_sha = repo.resolve(head)
        head_ref, head_commit = head, head_sha
    else:
        head_commit = repo.resolve("HEAD")
        uncommitted = uncommitted_paths(config, repo, head_commit)
        head_sha = None if uncommitted else head_commit
        head_ref = WORKING_TREE if uncommitted else "HEAD"
    if base is not None:
        base_ref, base_sha = base, repo.resolve(base)
        if repo.is_shallow():
            # The authors of the change are read from base..head; a cut history would hide some.
            repo.merge_base(base_sha, head_commit)
    else:
        base_ref = config.default_branch or repo.default_branch()
        base_sha = repo.merge_base(base_ref, head_commit)
    return ChangeScope(base_ref, base_sha, head_ref, head_sha, head_commit, uncommitted)


def uncommitted_paths(config: Config, repo: GitRepository, head_commit: str) -> set[str]:
    """Repository paths of policies and ledger records that differ from ``head_commit``."""
    working = {pf.path: pf.blob_sha for pf in repo.policy_files(None, config.policies).values()}
    committed = {
        pf.path: pf.blob_sha for pf in repo.policy_files(head_commit, config.policies).values()
    }
    changed = {
        path
        for path in working.keys() | committed.keys()
        if working.get(path) != committed.get(path)
    }
    records_now = working_tree_files(config.root, config.ledger)
    records_then = committed_files(repo.root, head_commit, config.ledger)
    changed |= {
        path
        for path in records_now.keys() | records_then.keys()
        if records_now.get(path) != records_then.get(path)
    }
    return changed

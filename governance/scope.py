"""Which change are we looking at, and what judges it: the base commit, the head (a commit or the
working tree), the settings that apply, and who authored the change. ``check``, the review
commands, announcements and the review app share this, so a reviewer decides on exactly the
findings CI will see.

Defaults:

- head: the commit ``--head`` names; without it, the working tree when policies, ledger records or
  settings have uncommitted edits (a developer checking before committing sees them), else
  ``HEAD`` (a CI checkout is clean, so CI always checks a commit).
- base: ``--base``; without it, the merge-base of the head commit with the default branch: the
  ``default_branch`` setting *as committed on the repository's default branch* (origin/HEAD, else
  main or master), never the one in the change or the work tree.

Settings: those committed at the **base** (``settings``) judge the change; the head's
(``head_settings``) are only compared with them (a change to them is a finding).

Authors of a change to a file: everyone who authored, committed or co-authored a commit in
base..head that changed it, merges included (see
:meth:`~governance.gitrepo.GitRepository.touches`), except commits whose only effect on the parsed
policy is publishing bookkeeping (``last_updated``, ``consent_revision``), recognised in the model,
never by the text of a line; plus, when the file has uncommitted edits, the local
``git config user.email``, who will commit them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from governance.config import SETTINGS_FILES, Config, load_config, load_config_at
from governance.errors import GitError, PolicyError
from governance.identity import git_user_email
from governance.ledger import committed_files, working_tree_files

if TYPE_CHECKING:
    from governance.gitrepo import GitRepository

WORKING_TREE = "working tree"
PUBLICATION_FIELDS = frozenset({"last_updated", "consent_revision"})


@dataclass
class ChangeScope:
    base_ref: str
    base: str  # commit sha
    head_ref: str  # what the user named ("HEAD", a branch, "working tree")
    head: str | None  # commit sha, None for the working tree
    head_commit: str  # the commit the head builds on (HEAD for the working tree)
    settings: Config  # as committed at the base: these judge the change
    head_settings: Config  # as in the head: compared with the base's, never obeyed
    uncommitted: set[str] = field(default_factory=set)  # paths edited in the working tree
    _authors: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @property
    def is_working_tree(self) -> bool:
        return self.head is None

    def authors_of(
        self, repo: GitRepository, path: str | None, since: str | None = None
    ) -> set[str]:
        """Casefolded emails of everyone who authored this change to ``path`` (from ``since``,
        a commit before the base such as the published baseline, when given)."""
        key = f"{since or self.base}:{path or ''}"
        if key not in self._authors:
            authors: set[str] = set()
            if path:
                for touch in repo.touches(since or self.base, self.head_commit, path):
                    if not same_but_bookkeeping(repo, path, touch.before, touch.after):
                        authors |= touch.emails
            if self.is_working_tree and path in self.uncommitted:
                local = git_user_email(repo.root)
                if local:
                    authors.add(local.casefold())
            self._authors[key] = authors
        return self._authors[key]


def resolve_scope(
    repo: GitRepository, base: str | None = None, head: str | None = None
) -> ChangeScope:
    """The change between ``base`` and ``head`` with the defaults described above."""
    head_commit = repo.resolve(head) if head is not None else repo.resolve("HEAD")
    if base is not None:
        base_ref, base_sha = base, repo.resolve(base)
        if repo.is_shallow():
            # The authors of the change are read from base..head; a cut history would hide some.
            repo.merge_base(base_sha, head_commit)
    else:
        base_ref = trusted_default_branch(repo)
        base_sha = repo.merge_base(base_ref, head_commit)
    settings = load_config_at(repo.root, base_sha)
    uncommitted: set[str] = set()
    if head is not None:
        head_sha: str | None = head_commit
        head_ref = head
    else:
        uncommitted = uncommitted_paths(settings, repo, head_commit)
        head_sha = None if uncommitted else head_commit
        head_ref = WORKING_TREE if uncommitted else "HEAD"
    head_settings = (
        load_config(repo.root) if head_sha is None else load_config_at(repo.root, head_sha)
    )
    return ChangeScope(
        base_ref, base_sha, head_ref, head_sha, head_commit, settings, head_settings, uncommitted
    )


def trusted_default_branch(repo: GitRepository) -> str:
    """The branch changes are measured against, as the repository's default branch says.

    The ``default_branch`` setting is read from the tip of the default branch git knows
    (origin/HEAD, main, master): a change cannot move its own base by editing it.
    """
    known = repo.default_branch()
    configured = load_config_at(repo.root, repo.resolve(known)).default_branch
    if configured and configured != known:
        try:
            repo.resolve(configured)
        except GitError as error:
            raise GitError(
                f"default_branch = {configured!r} (set on {known}) is not a revision here: "
                f"{error.message}",
                field="default_branch",
                hint=error.hint or "pass --base",
            ) from None
        return configured
    return known


def uncommitted_paths(config: Config, repo: GitRepository, head_commit: str) -> set[str]:
    """Repository paths of policies, ledger records and settings files that differ from
    ``head_commit`` in the working tree."""
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
    from governance.gitfiles import file_at_revision

    for name in SETTINGS_FILES:
        path = config.root / name
        now = path.read_bytes() if path.is_file() else None
        if now != file_at_revision(repo.root, head_commit, name):
            changed.add(name)
    return changed


def same_but_bookkeeping(
    repo: GitRepository,
    path: str,
    before: str | None,
    after: str | None,
    *,
    after_data: bytes | None = None,
) -> bool:
    """True when two versions of a policy file differ, in the parsed policy, only by the
    publication fields (``after_data``: the after side's bytes when they are not in git yet)."""
    from governance.gitrepo import PolicyFile, is_policy_name

    if before is None or after is None or not is_policy_name(path):
        return False
    from governance.blobcache import parse_policy_file

    try:
        blobs = repo.read_blobs([before] if after_data is not None else [before, after])
    except GitError:
        return False  # a version that was never committed
    if after_data is not None:
        blobs[after] = after_data
    try:
        old, new = (
            parse_policy_file(PolicyFile(path, path, sha, blobs[sha]), repo.root)
            for sha in (before, after)
        )
    except PolicyError:
        return False
    compared = set(type(old).model_fields) - PUBLICATION_FIELDS
    return old.model_dump(include=compared) == new.model_dump(include=compared)

"""The one git adapter: every other part asks git through :class:`GitRepository`.

This is the only module that imports GitPython. Reads that touch many objects run one ``git``
process each (``ls-tree -r`` plus one ``cat-file --batch``, ``log --raw``) instead of one process
per file, so a history of thousands of commits stays fast. Every failure becomes a
:class:`~governance.errors.GitError` that says what to do (CI checkouts are shallow and detached
more often than not), never a GitPython traceback.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import git

from governance.errors import GitError, PolicyError
from governance.formats import POLICY_SUFFIXES, discover
from governance.gitfiles import blob_sha_of

SHALLOW_HINT = (
    "this clone is shallow, so older commits are missing: run `git fetch --unshallow` "
    "(or fetch the base, e.g. `git fetch origin main`), or set `fetch-depth: 0` in "
    "actions/checkout"
)
ZERO_SHA = "0" * 40
_SYMLINK_MODE = "120000"
_GITLINK_MODE = "160000"
_FIELD = "\x1f"
_RECORD = "\x1e"
_LOG_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s"


@dataclass(frozen=True)
class PolicyFile:
    policy_id: str  # "mitpo/cookies-and-tracking"
    path: str  # repo-relative posix path "policies/mitpo/cookies-and-tracking.yaml"
    blob_sha: str  # git blob sha1 (hash-object rule for the work tree)
    data: bytes


@dataclass(frozen=True)
class Branch:
    """A branch that is not merged into the default branch (see ``open_branches``)."""

    name: str  # short name: "add-hotjar", or "origin/add-hotjar" for a remote-tracking branch
    commit: str  # the sha its tip points to
    merge_base: str  # its best common ancestor with the default branch
    is_current: bool  # the branch checked out in this work tree
    is_remote: bool = False  # a remote-tracking branch under origin/ (no local branch of the name)


@dataclass(frozen=True)
class Version:
    """One commit that touched a policy file, as ``git log --follow`` sees it."""

    commit: str
    path: str  # the file's path at this commit (repo-relative posix)
    status: str  # "added" | "modified" | "renamed" | "copied" | "deleted" | "type-changed"
    blob_sha: str | None  # None when this commit deleted the file
    previous_path: str | None  # the path before a rename or copy (else None; same path for M)
    previous_blob_sha: str | None  # the content at the first parent (None when added)
    author_name: str
    author_email: str
    authored_at: datetime
    committed_at: datetime
    subject: str
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Touch:
    """One commit that changed a file, and everyone who made it (see ``touches``)."""

    commit: str
    emails: frozenset[str]  # casefolded: author, committer, co-authors
    before: str | None  # the file's blob id in the first parent (None: added)
    after: str | None  # its blob id in the commit (None: deleted)
    is_merge: bool = False


@dataclass(frozen=True)
class FileChange:
    """One policy file changed by one commit (a line of ``git log --raw``)."""

    status: str  # one letter: A M D R C T
    path: str  # the path after the change (for D: the deleted path)
    previous_path: str | None  # before a rename/copy, else None
    blob_sha: str | None  # None for a deletion
    previous_blob_sha: str | None  # None for an addition
    mode: str


@dataclass(frozen=True)
class Commit:
    """A commit of ``git log`` with the policy files it changed."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored_at: datetime
    committed_at: datetime
    subject: str
    changes: tuple[FileChange, ...]


_STATUS_NAMES = {
    "A": "added",
    "M": "modified",
    "D": "deleted",
    "R": "renamed",
    "C": "copied",
    "T": "type-changed",
}


def is_policy_name(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.lower().endswith(POLICY_SUFFIXES) and not name.startswith(".")


class GitRepository:
    """A git work tree and its history, seen the way govern needs it."""

    root: Path

    def __init__(self, repo: git.Repo) -> None:
        self._repo = repo
        if repo.working_tree_dir is None:
            raise GitError("a bare repository has no work tree", file=str(repo.git_dir))
        self.root = Path(repo.working_tree_dir).resolve()
        self._git_dir = Path(repo.git_dir).resolve()
        self._common_dir = Path(getattr(repo, "common_dir", repo.git_dir)).resolve()

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> GitRepository:
        """The repository containing ``path`` (GitError, exit 2, when there is none)."""
        path = Path(path)
        if not path.exists():
            raise GitError("no such directory", file=path)
        try:
            repo = git.Repo(path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise GitError(
                "not a git repository (or any of its parents)",
                file=path,
                hint="run `git init`, or pass --repo with the path of your repository",
            ) from None
        except git.GitError as error:
            raise GitError(f"git cannot open this repository: {error}", file=path) from None
        return cls(repo)

    def close(self) -> None:
        self._repo.close()

    def __enter__(self) -> GitRepository:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- running git ---------------------------------------------------------------------------

    def _run(self, *args: str, stdin: bytes | None = None, check: bool = True) -> bytes:
        try:
            completed = subprocess.run(
                ["git", *args],
                cwd=self.root,
                input=stdin,
                capture_output=True,
                env=_git_environment(),
                check=False,
            )
        except FileNotFoundError:
            raise GitError("the `git` program is not installed or not on PATH") from None
        if check and completed.returncode != 0:
            message = completed.stderr.decode("utf-8", "replace").strip()
            raise GitError(
                f"git {args[0]} failed: {message or 'exit ' + str(completed.returncode)}"
            )
        return completed.stdout

    def _try(self, *args: str) -> tuple[int, str, str]:
        completed = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, env=_git_environment(), check=False
        )
        return (
            completed.returncode,
            completed.stdout.decode("utf-8", "replace").strip(),
            completed.stderr.decode("utf-8", "replace").strip(),
        )

    # -- state of the repository ---------------------------------------------------------------

    def is_shallow(self) -> bool:
        return (self._common_dir / "shallow").is_file() or (self._git_dir / "shallow").is_file()

    def has_commits(self) -> bool:
        code, _, _ = self._try("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        return code == 0

    def head(self) -> str | None:
        """The commit HEAD points to, or None in an empty repository."""
        code, out, _ = self._try("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        return out if code == 0 else None

    def current_branch(self) -> str | None:
        """The checked-out branch, or None when HEAD is detached (as in most CI checkouts)."""
        code, out, _ = self._try("symbolic-ref", "--quiet", "--short", "HEAD")
        return out if code == 0 else None

    def relative(self, path: str | Path) -> str:
        """A path as a repo-relative posix string ("" for the root)."""
        candidate = Path(path)
        if candidate.is_absolute():
            try:
                candidate = candidate.resolve().relative_to(self.root)
            except ValueError:
                raise GitError("the path is outside the repository", file=path) from None
        text = candidate.as_posix().strip("/")
        parts = [part for part in text.split("/") if part not in ("", ".")]
        if ".." in parts:
            raise GitError("the path leaves the repository ('..')", file=path)
        return "/".join(parts)

    def info_exclude(self) -> Path:
        """``.git/info/exclude`` (shared by all work trees of the repository)."""
        return self._common_dir / "info" / "exclude"

    # -- revisions -----------------------------------------------------------------------------

    def resolve(self, rev: str) -> str:
        """The full sha of the commit ``rev`` names; GitError naming the rev (with a fix hint)."""
        if not rev or rev.startswith("-") or "\x00" in rev:
            raise GitError(f"not a valid revision: {rev!r}")
        code, out, _ = self._try(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
        )
        if code == 0 and out:
            return out
        if not self.has_commits():
            raise GitError(
                f"unknown revision {rev!r}: the repository has no commits yet",
                hint="commit your policies first (`git add policies && git commit`)",
            )
        code, out, _ = self._try("rev-parse", "--verify", "--quiet", "--end-of-options", rev)
        if code == 0 and out:
            # The name exists but its object is not here: typical of a shallow clone.
            raise GitError(
                f"revision {rev!r} ({out[:12]}) is not available in this clone",
                hint=SHALLOW_HINT if self.is_shallow() else "run `git fetch` to get it",
            )
        hint = None
        if self.is_shallow():
            hint = SHALLOW_HINT
        elif "/" in rev and not rev.startswith("refs/"):
            remote, _, branch = rev.partition("/")
            hint = f"fetch it first: `git fetch {remote} {branch}`"
        raise GitError(f"unknown revision {rev!r}", hint=hint or "check the branch, tag or sha")

    def merge_base(self, a: str, b: str) -> str:
        """The best common ancestor of two revisions."""
        first, second = self.resolve(a), self.resolve(b)
        code, out, err = self._try("merge-base", first, second)
        if code == 0 and out:
            return out.splitlines()[0]
        if self.is_shallow():
            raise GitError(
                f"no common ancestor of {a!r} and {b!r} in this shallow clone", hint=SHALLOW_HINT
            )
        if code == 1:
            raise GitError(f"{a!r} and {b!r} have no common ancestor (unrelated histories)")
        raise GitError(f"git merge-base failed for {a!r} and {b!r}: {err}")

    def default_branch(self) -> str:
        """The branch changes are measured against: origin/HEAD, else main, else master."""
        code, out, _ = self._try("symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
        if code == 0 and out:
            return out
        for candidate in ("main", "master", "origin/main", "origin/master"):
            ref = f"refs/heads/{candidate}" if "/" not in candidate else f"refs/remotes/{candidate}"
            code, _, _ = self._try("show-ref", "--verify", "--quiet", ref)
            if code == 0:
                return candidate
        raise GitError(
            "cannot tell the default branch: no origin/HEAD, main or master",
            hint="pass --base, or set `default_branch` in [tool.govern]",
        )

    def open_branches(self, default: str) -> list[Branch]:
        """Local branches, and remote-tracking branches under ``origin/`` that have no local
        branch of the same name, that are not merged into ``default`` — each with its merge-base.

        ``default`` itself and its local or remote twin ("main" and "origin/main") are left out,
        and so is a branch whose history is unrelated to the default branch's (it has no
        merge-base to measure a change from). Local branches come first, each group by name.
        """
        default_sha = self.resolve(default)
        twins = {default, default.removeprefix("origin/"), "origin/" + default}
        every = self._refs()
        local_names = {name for name, _, _, refname in every if refname.startswith("refs/heads/")}
        unmerged = {
            refname: (name, commit, current)
            for name, commit, current, refname in self._refs(f"--no-merged={default_sha}")
        }
        branches: list[Branch] = []
        for refname, (name, commit, current) in unmerged.items():
            is_remote = refname.startswith("refs/remotes/")
            if name in twins or (is_remote and name.removeprefix("origin/") in local_names):
                continue
            code, out, _ = self._try("merge-base", default_sha, commit)
            if code != 0 or not out:
                continue  # unrelated histories (or a shallow clone that lacks the fork point)
            branches.append(Branch(name, commit, out.splitlines()[0], current, is_remote))
        branches.sort(key=lambda branch: (branch.is_remote, branch.name))
        return branches

    def _refs(self, *filters: str) -> list[tuple[str, str, bool, str]]:
        """(short name, commit, is checked out, full refname) of the local branches and those of
        origin, symbolic refs (origin/HEAD) left out."""
        output = self._run(
            "for-each-ref",
            f"--format=%(refname:short){_FIELD}%(objectname){_FIELD}%(HEAD){_FIELD}%(symref)"
            f"{_FIELD}%(refname){_FIELD}%(objecttype)",
            *filters,
            "refs/heads",
            "refs/remotes/origin",
        ).decode("utf-8", "surrogateescape")
        refs: list[tuple[str, str, bool, str]] = []
        for line in output.splitlines():
            name, commit, head_mark, symref, refname, kind = line.split(_FIELD)
            if symref or kind != "commit":
                continue
            refs.append((name, commit, head_mark == "*", refname))
        return refs

    def tree_ids(self, revisions: Iterable[str], path: str) -> dict[str, str | None]:
        """The object id of ``path`` at each revision (None where it does not exist), with one
        ``git cat-file --batch-check``: equal ids mean identical content below ``path``."""
        relative = self.relative(path)
        wanted = list(dict.fromkeys(revisions))
        if not wanted:
            return {}
        specs = "".join(
            (f"{rev}:{relative}" if relative else f"{rev}^{{tree}}") + "\n" for rev in wanted
        )
        lines = self._run("cat-file", "--batch-check", stdin=specs.encode()).decode().splitlines()
        ids: dict[str, str | None] = {}
        for rev, line in zip(wanted, lines, strict=True):
            parts = line.split(" ")
            ids[rev] = parts[0] if len(parts) == 3 else None  # "<spec> missing" otherwise
        return ids

    def policy_blobs(self, rev: str | None, policies_dir: str) -> dict[str, str]:
        """Path → blob sha of every policy file at ``rev`` (None: the working tree): enough to
        tell whether two revisions differ in their policies without reading any content."""
        if rev is None:
            return {pf.path: pf.blob_sha for pf in self.policy_files(None, policies_dir).values()}
        return dict(self._policy_tree(self.resolve(rev), self.relative(policies_dir)))

    def author_email(self, rev: str) -> str:
        sha = self.resolve(rev)
        return self._run("log", "-1", "--format=%ae", sha).decode("utf-8", "replace").strip()

    def touches(self, base: str, head: str, path: str) -> list[Touch]:
        """Every commit in base..head, merges included, that changed the file at ``path``, with
        everyone who made it: authors, committers and co-authors.

        A merge changed the file when its content differs from the file in *every* parent: a
        merge that takes one side's file as it was (bringing in the default branch) authored
        nothing, while a conflict resolution or a change slipped into a merge did.
        """
        base_sha, head_sha = self.resolve(base), self.resolve(head)
        relative = self.relative(path)
        output = self._run(
            "log",
            "--full-history",
            f"--format={_RECORD}%H{_FIELD}%P{_FIELD}%ae{_FIELD}%ce{_FIELD}"
            "%(trailers:key=Co-authored-by,valueonly,separator=%x1d)",
            f"{base_sha}..{head_sha}",
            "--",
            relative,
        ).decode("utf-8", "replace")
        commits: list[tuple[str, tuple[str, ...], frozenset[str]]] = []
        for record in output.split(_RECORD)[1:]:
            sha, parent_list, author, committer, trailers = record.rstrip("\n").split(_FIELD, 4)
            people = [author, committer, *trailers.split("\x1d")]
            emails = frozenset(email for email in map(_email_of, people) if email)
            commits.append((sha, tuple(parent_list.split()), emails))
        revisions = {rev for sha, parents, _ in commits for rev in (sha, *parents)}
        blobs = self._blob_ids_of(revisions, relative)
        result: list[Touch] = []
        for sha, parents, emails in commits:
            after = blobs.get(sha)
            before_each = [blobs.get(parent) for parent in parents] or [None]
            if any(after == before for before in before_each):
                continue  # the file in one parent, taken as it was
            result.append(Touch(sha, emails, before_each[0], after, len(parents) > 1))
        return result

    def _blob_ids_of(self, revisions: Iterable[str], path: str) -> dict[str, str]:
        """Commit -> blob id of ``path`` in it (commits without the file are left out)."""
        wanted = sorted(revisions)
        if not wanted:
            return {}
        query = "".join(f"{revision}:{path}\n" for revision in wanted).encode()
        output = self._run("cat-file", "--batch-check=%(objectname) %(objecttype)", stdin=query)
        found: dict[str, str] = {}
        for revision, line in zip(wanted, output.decode().splitlines(), strict=False):
            parts = line.split()
            if len(parts) == 2 and parts[1] == "blob":
                found[revision] = parts[0]
        return found

    def user_email(self) -> str | None:
        code, out, _ = self._try("config", "--get", "user.email")
        return out or None if code == 0 else None

    def tags(self) -> dict[str, list[str]]:
        """Tags by the commit they point to (tags mark published versions)."""
        code, out, _ = self._try(
            "for-each-ref",
            "--format=%(refname:short)%1f%(objectname)%1f%(*objectname)",
            "refs/tags",
        )
        tags: dict[str, list[str]] = {}
        if code != 0:
            return tags
        for line in out.splitlines():
            name, target, peeled = (line.split(_FIELD) + ["", ""])[:3]
            tags.setdefault(peeled or target, []).append(name)
        return tags

    # -- content -------------------------------------------------------------------------------

    def policy_files(self, rev: str | None, policies_dir: str) -> dict[str, PolicyFile]:
        """Every policy at ``rev`` by policy id (rev None: the working tree, edits included)."""
        prefix = self.relative(policies_dir)
        if rev is None:
            return self._working_tree_policies(prefix)
        sha = self.resolve(rev)
        entries = self._policy_tree(sha, prefix)
        blobs = self.read_blobs(entry[1] for entry in entries)
        files: dict[str, PolicyFile] = {}
        for path, blob_sha in entries:
            identifier = policy_id_of(path, prefix)
            _refuse_duplicate(files, identifier, path, rev)
            files[identifier] = PolicyFile(identifier, path, blob_sha, blobs[blob_sha])
        return files

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """True when ``ancestor`` is ``descendant`` or one of its ancestors."""
        code, _, _ = self._try("merge-base", "--is-ancestor", ancestor, descendant)
        return code == 0

    def file_at(self, rev: str, path: str, policies_dir: str = "") -> PolicyFile | None:
        """One file at a revision (None when it does not exist there)."""
        sha = self.resolve(rev)
        relative = self.relative(path)
        code, out, _ = self._try("rev-parse", "--verify", "--quiet", f"{sha}:{relative}")
        if code != 0 or not out:
            return None
        prefix = self.relative(policies_dir)
        inside = not prefix or relative.startswith(prefix + "/")
        identifier = policy_id_of(
            relative, prefix if inside else str(PurePosixPath(relative).parent)
        )
        return PolicyFile(identifier, relative, out, self.read_blobs([out])[out])

    def _policy_tree(self, commit: str, prefix: str) -> list[tuple[str, str]]:
        """(path, blob sha) of the policy files under ``prefix`` in a commit's tree."""
        args = ["ls-tree", "-r", "-z", "--full-tree", commit]
        if prefix:
            args += ["--", prefix + "/"]
        output = self._run(*args).decode("utf-8", "surrogateescape")
        entries: list[tuple[str, str]] = []
        for record in output.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            mode, kind, blob_sha = meta.split(" ")
            if kind != "blob" or mode in (_SYMLINK_MODE, _GITLINK_MODE):
                continue
            if is_policy_name(path) and not _hidden_below(path, prefix):
                entries.append((path, blob_sha))
        entries.sort()
        return entries

    def read_blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The bytes of many blobs with one ``git cat-file --batch``."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        output = self._run("cat-file", "--batch", stdin="".join(s + "\n" for s in wanted).encode())
        blobs: dict[str, bytes] = {}
        position = 0
        for sha in wanted:
            header_end = output.index(b"\n", position)
            header = output[position:header_end].decode("ascii", "replace").split(" ")
            if len(header) < 3 or header[1] == "missing":
                raise GitError(
                    f"object {sha} is missing from the repository",
                    hint=SHALLOW_HINT if self.is_shallow() else None,
                )
            size = int(header[2])
            start = header_end + 1
            blobs[sha] = output[start : start + size]
            position = start + size + 1
        return blobs

    def _working_tree_policies(self, prefix: str) -> dict[str, PolicyFile]:
        directory = self.root / prefix if prefix else self.root
        files: dict[str, PolicyFile] = {}
        for file_path in discover(directory):
            if not prefix and ".git" in file_path.relative_to(self.root).parts:
                continue
            if file_path.is_symlink() and not _inside(file_path.resolve(), directory.resolve()):
                continue
            try:
                data = file_path.read_bytes()
            except OSError as error:
                raise PolicyError(
                    f"cannot read the file: {error.strerror}", file=file_path
                ) from None
            path = file_path.relative_to(self.root).as_posix()
            identifier = policy_id_of(path, prefix)
            _refuse_duplicate(files, identifier, path, None)
            files[identifier] = PolicyFile(identifier, path, blob_sha_of(data), data)
        return files

    # -- history -------------------------------------------------------------------------------

    def versions(
        self, path: str, rev: str = "HEAD", *, first_parent: bool = False
    ) -> list[Version]:
        """The commits that touched a policy file, newest first, following renames (with
        ``first_parent``: only those on the first-parent line of ``rev``, as a branch saw them)."""
        relative = self.relative(path)
        if not self.has_commits():
            return []
        output = self._run(
            "log",
            "--follow",
            *(["--first-parent"] if first_parent else []),
            "-z",
            "--raw",
            "--no-abbrev",
            "-M",
            f"--format={_LOG_FORMAT}",
            self.resolve(rev),
            "--",
            relative,
        )
        versions: list[Version] = []
        for commit in _parse_log(output):
            for change in commit.changes:
                versions.append(_version_of(commit, change))
        return versions

    def commits_changing_lines(self, rev: str, path: str, pattern: str) -> set[str]:
        """Commits on the first-parent line of ``rev`` whose diff of the file ``path`` (followed
        through renames) adds or removes a line matching ``pattern`` (case-insensitive ERE)."""
        output = self._run(
            "log",
            "--first-parent",
            "--follow",
            "--format=%H",
            "--regexp-ignore-case",
            "-G",
            pattern,
            self.resolve(rev),
            "--",
            self.relative(path),
        )
        return set(output.decode().split())

    def last_change(self, rev: str, path: str) -> Version | None:
        """The commit at or before ``rev`` that last changed ``path`` (following renames)."""
        sha = self.resolve(rev)
        output = self._run(
            "log",
            "-1",
            "--follow",
            "-z",
            "--raw",
            "--no-abbrev",
            "-M",
            f"--format={_LOG_FORMAT}",
            sha,
            "--",
            self.relative(path),
        )
        for commit in _parse_log(output):
            for change in commit.changes:
                return _version_of(commit, change)
        return None

    def history(
        self,
        policies_dir: str,
        *,
        exclude: Iterable[str] = (),
        rev: str = "HEAD",
    ) -> Iterator[Commit]:
        """Commits reachable from ``rev`` and not from ``exclude`` that changed a policy file,
        oldest first (parents before children), each with its policy file changes."""
        if not self.has_commits():
            return iter(())
        head = self.resolve(rev)
        prefix = self.relative(policies_dir)
        args = [
            "log",
            "-z",
            "--raw",
            "--no-abbrev",
            "-M",
            "--reverse",
            "--topo-order",
            f"--format={_LOG_FORMAT}",
            "--ignore-missing",
            head,
        ]
        excluded = [sha for sha in exclude if sha]
        if excluded:
            args += ["--not", *excluded]
        args += ["--", (prefix + "/") if prefix else "."]
        output = self._run(*args)
        return (_only_policies(commit, prefix) for commit in _parse_log(output))

    def independent(self, shas: Iterable[str]) -> list[str]:
        """The commits among ``shas`` that are not ancestors of another one (and still exist)."""
        present = [sha for sha in dict.fromkeys(shas) if self._exists(sha)]
        if len(present) <= 1:
            return present
        return self._run("merge-base", "--independent", *present).decode().split()

    def _exists(self, sha: str) -> bool:
        code, _, _ = self._try("cat-file", "-e", f"{sha}^{{commit}}")
        return code == 0


# -- helpers ------------------------------------------------------------------------------------


def policy_id_of(path: str, prefix: str) -> str:
    """``policies/mitpo/cookies.yaml`` under ``policies`` → ``mitpo/cookies``."""
    relative = PurePosixPath(path)
    if prefix:
        relative = relative.relative_to(prefix)
    return relative.with_suffix("").as_posix()


def _refuse_duplicate(
    files: dict[str, PolicyFile], identifier: str, path: str, rev: str | None
) -> None:
    if identifier in files:
        where = f" at {rev}" if rev else ""
        raise PolicyError(
            f"two files define the policy {identifier!r}{where}: "
            f"{files[identifier].path} and {path}",
            file=path,
            hint="keep one format per policy (YAML or Markdown)",
        )


def _hidden_below(path: str, prefix: str) -> bool:
    """True when a folder under the policies dir starts with "." (discover() skips those)."""
    parts = PurePosixPath(path).parts
    below = parts[len(PurePosixPath(prefix).parts) : -1] if prefix else parts[:-1]
    return any(part.startswith(".") for part in below)


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory)
    except ValueError:
        return False
    return True


def _email_of(field: str) -> str | None:
    text = field.strip()
    if "<" in text and ">" in text:
        text = text[text.index("<") + 1 : text.rindex(">")]
    text = text.strip().casefold()
    return text if "@" in text else None


def _git_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0"}
    )
    return environment


def _parse_log(output: bytes) -> Iterator[Commit]:
    """Commits of ``git log -z --raw --format=_LOG_FORMAT``."""
    text = output.decode("utf-8", "surrogateescape")
    for record in text.split(_RECORD):
        if not record:
            continue
        header, _, raw = record.partition("\0")
        sha, parents, name, email, authored, committed, subject = header.split(_FIELD, 6)
        yield Commit(
            sha=sha,
            parents=tuple(parents.split()),
            author_name=name,
            author_email=email,
            authored_at=datetime.fromisoformat(authored),
            committed_at=datetime.fromisoformat(committed),
            subject=subject,
            changes=tuple(_parse_raw(raw)),
        )


def _parse_raw(raw: str) -> Iterator[FileChange]:
    tokens = raw.lstrip("\n").split("\0")
    index = 0
    while index < len(tokens):
        meta = tokens[index]
        if not meta.startswith(":"):
            index += 1
            continue
        old_mode, new_mode, old_sha, new_sha, status = meta[1:].split(" ")[:5]
        letter = status[:1]
        if letter in ("R", "C"):
            previous, path = tokens[index + 1], tokens[index + 2]
            index += 3
        else:
            previous, path = None, tokens[index + 1]
            index += 2
        yield FileChange(
            status=letter,
            path=path,
            previous_path=previous,
            blob_sha=None if new_sha == ZERO_SHA or letter == "D" else new_sha,
            previous_blob_sha=None if old_sha == ZERO_SHA or letter == "A" else old_sha,
            mode=new_mode if letter != "D" else old_mode,
        )


def _only_policies(commit: Commit, prefix: str) -> Commit:
    """Keep the changes to policy files (a rename out of the policies dir is a deletion)."""
    kept: list[FileChange] = []
    for change in commit.changes:
        if change.mode in (_SYMLINK_MODE, _GITLINK_MODE):
            continue
        inside_now = _under(change.path, prefix) and is_policy_name(change.path)
        inside_before = (
            change.previous_path is not None
            and _under(change.previous_path, prefix)
            and is_policy_name(change.previous_path)
        )
        if inside_now and (change.previous_path is None or inside_before):
            kept.append(change)
        elif inside_now:  # moved in from outside: an addition
            kept.append(FileChange("A", change.path, None, change.blob_sha, None, change.mode))
        elif inside_before and change.previous_path is not None:  # moved out: a deletion
            kept.append(
                FileChange(
                    "D", change.previous_path, None, None, change.previous_blob_sha, change.mode
                )
            )
    return Commit(
        commit.sha,
        commit.parents,
        commit.author_name,
        commit.author_email,
        commit.authored_at,
        commit.committed_at,
        commit.subject,
        tuple(kept),
    )


def _under(path: str, prefix: str) -> bool:
    return (not prefix or path.startswith(prefix + "/")) and not _hidden_below(path, prefix)


def _version_of(commit: Commit, change: FileChange) -> Version:
    return Version(
        commit=commit.sha,
        path=change.path,
        status=_STATUS_NAMES.get(change.status, "modified"),
        blob_sha=change.blob_sha,
        previous_path=change.previous_path,
        previous_blob_sha=change.previous_blob_sha,
        author_name=commit.author_name,
        author_email=commit.author_email,
        authored_at=commit.authored_at,
        committed_at=commit.committed_at,
        subject=commit.subject,
        parents=commit.parents,
    )

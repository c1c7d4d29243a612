"""govern's own local folder: the SQLite store, the blob cache and imported catalogues.

It lives inside the git directory (``$GIT_DIR/govern/``, shared by every work tree of the
repository), where nothing can ever be committed: a change under review cannot bring a cache or a
store that decides its own verdict. Outside a git repository it is ``<root>/.govern/``.

Releases before 0.2 kept it in ``<root>/.govern/`` (hidden from git through
``.git/info/exclude``); an untracked folder of that kind is moved on first use. A ``.govern/``
that is committed in the repository is never read.

No GitPython here: the CI path (blob cache) uses it too, and must start fast.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

GOVERN_DIR = ".govern"  # outside git, and the old place inside a work tree
GIT_SUBDIR = "govern"
_MOVABLE = ("govern.db", "govern.db-wal", "govern.db-shm", "catalog")
_moved: set[Path] = set()


def govern_dir(root: Path) -> Path:
    """The folder for ``root``'s store and caches (created on first write by its users)."""
    common = git_common_dir(root)
    if common is None:
        return Path(root) / GOVERN_DIR
    target = common / GIT_SUBDIR
    _move_old_folder(Path(root), target)
    return target


def git_common_dir(root: Path) -> Path | None:
    """The repository's shared git directory (``.git``, or the one a work tree's file names)."""
    for directory in (Path(root).resolve(), *Path(root).resolve().parents):
        dot_git = directory / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            try:
                text = dot_git.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if not text.startswith("gitdir:"):
                return None
            git_dir = (directory / text.removeprefix("gitdir:").strip()).resolve()
            common = git_dir / "commondir"
            if common.is_file():
                return (git_dir / common.read_text(encoding="utf-8").strip()).resolve()
            return git_dir
    return None


def _move_old_folder(root: Path, target: Path) -> None:
    """Move a pre-0.2 ``<root>/.govern/`` store and catalogues under the git directory, once,
    when git does not track that folder (a committed one belongs to the change, not to us)."""
    old = root.resolve() / GOVERN_DIR
    if old in _moved:
        return
    _moved.add(old)
    if not old.is_dir() or old.is_symlink() or _tracked(root, GOVERN_DIR):
        return
    target.mkdir(parents=True, exist_ok=True)
    for name in _MOVABLE:
        source, destination = old / name, target / name
        if source.exists() and not source.is_symlink() and not destination.exists():
            shutil.move(str(source), str(destination))


def _tracked(root: Path, path: str) -> bool:
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "--", path],
            capture_output=True,
            check=False,
        )
    except OSError:
        return True  # cannot tell: leave it alone
    return completed.returncode != 0 or bool(completed.stdout.strip())

"""govern's own folder inside a reviewed repository (``.govern/``), kept out of git.

No GitPython here: the CI path (blob cache) uses it too, and must start fast.
"""

from __future__ import annotations

from pathlib import Path

GOVERN_DIR = ".govern"


def govern_dir(root: Path) -> Path:
    return Path(root) / GOVERN_DIR


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


def ensure_excluded(root: Path) -> bool:
    """List ``/.govern/`` in ``.git/info/exclude`` once, so the store never shows as a change.

    Returns True when the entry is there (added now or before), False when there is no git
    repository or the file cannot be written (the caller carries on: it is a convenience).
    """
    from governance.atomic import write_atomic

    common = git_common_dir(root)
    if common is None:
        return False
    work_tree = common.parent if common.name == ".git" else Path(root).resolve()
    try:
        relative = Path(root).resolve().relative_to(work_tree).as_posix()
    except ValueError:
        relative = "."
    entry = f"/{GOVERN_DIR}/" if relative in ("", ".") else f"/{relative}/{GOVERN_DIR}/"
    exclude = common / "info" / "exclude"
    try:
        current = exclude.read_text(encoding="utf-8") if exclude.is_file() else ""
        if entry in (line.strip() for line in current.splitlines()):
            return True
        separator = "" if not current or current.endswith("\n") else "\n"
        write_atomic(exclude, f"{current}{separator}# govern's local store and caches\n{entry}\n")
    except OSError:
        return False
    return True

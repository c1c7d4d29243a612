"""Writing files so that a crash never leaves one half-written (temp file, fsync, rename), and a
lock for read-modify-write of files several processes update.

Inside a git work tree the temp file is made in the git directory (``$GIT_DIR/govern/tmp``), so a
write killed half-way leaves nothing that ``git add -A`` would pick up; what such a crash leaves
there is removed by the next write.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

STALE_SECONDS = 3600


def write_atomic(path: Path, content: str | bytes) -> None:
    """Replace ``path`` with ``content`` in one step; the directory is created if missing.

    A path that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a pipe) is
    written to, never replaced: renaming over a device would turn it into a file.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.exists() and not path.is_file() and not path.is_dir():
        with path.open("wb") as handle:
            handle.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in _temp_folders(path):
        try:
            descriptor, temporary = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".tmp", dir=folder
            )
        except OSError:
            continue
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
            os.chmod(temporary, mode)
            os.replace(temporary, path)
            return
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            if error.errno == errno.EXDEV and folder != path.parent:  # another file system
                continue
            raise
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _temp_folders(path: Path) -> list[Path]:
    """Where to make the temp file: the git directory's scratch folder, else beside the file."""
    from governance.workdir import git_common_dir

    common = git_common_dir(path.parent)
    if common is None or inside(path, common):
        return [path.parent]
    scratch = common / "govern" / "tmp"
    try:
        scratch.mkdir(parents=True, exist_ok=True)
        _remove_stale(scratch)
    except OSError:
        return [path.parent]
    return [scratch, path.parent]


def _remove_stale(scratch: Path) -> None:
    """Temp files left by a write that was killed (older than an hour: never one in progress)."""
    limit = time.time() - STALE_SECONDS
    for leftover in scratch.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < limit:
                leftover.unlink()


def inside(path: Path, folder: Path) -> bool:
    """True when ``path``, with every symbolic link resolved, is within ``folder``."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


@contextlib.contextmanager
def exclusive_lock(root: Path, name: str, timeout: float = 120.0) -> Iterator[None]:
    """Hold the repository-wide lock ``name`` (a file in the git directory, or in ``root``
    outside git) while the block runs; other processes wait for it."""
    from filelock import FileLock, Timeout

    from governance.errors import InputError
    from governance.workdir import govern_dir

    folder = govern_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / f"{name}.lock"))
    try:
        with lock.acquire(timeout=timeout):
            yield
    except Timeout:
        raise InputError(
            f"another govern process has held the {name} lock for {timeout:.0f} s",
            file=folder / f"{name}.lock",
            hint="wait for it to finish; if none is running, remove the lock file",
        ) from None

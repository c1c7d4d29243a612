"""Reading files from git objects with plain ``git`` subprocesses (no GitPython: the CI path uses
this and must start fast).

Everything that decides a verdict is read this way, from the base revision, never from the work
tree: a change under review cannot edit what judges it.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from governance.errors import GitError


def blob_sha_of(data: bytes) -> str:
    """The sha git gives these bytes as a blob (``git hash-object``, no filters)."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def files_at_revision(root: Path, revision: str, directory: str) -> dict[str, bytes]:
    """Every file under ``directory`` (or the file ``directory`` names) at ``revision``:
    repository path -> bytes. Symbolic links are left out: their target is not the content."""
    listing = git(root, "ls-tree", "-r", "-z", "--full-tree", revision, "--", directory)
    entries: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_name = entry.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        if kind == "blob" and mode != "120000":
            entries.append((raw_name.decode("utf-8", "surrogateescape"), sha))
    if not entries:
        return {}
    contents = read_blobs(root, [sha for _, sha in entries])
    return {name: contents[sha] for name, sha in entries}


def file_at_revision(root: Path, revision: str, path: str) -> bytes | None:
    """One file at ``revision``, or None when it is not there."""
    return files_at_revision(root, revision, path).get(path)


def blob_ids_at_revision(root: Path, revision: str, directory: str) -> dict[str, str]:
    """Repository path -> blob id of every file under ``directory`` at ``revision``."""
    listing = git(root, "ls-tree", "-r", "-z", "--full-tree", revision, "--", directory)
    found: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        if entry:
            meta, _, raw_name = entry.partition(b"\t")
            _mode, kind, sha = meta.decode().split()
            if kind == "blob":
                found[raw_name.decode("utf-8", "surrogateescape")] = sha
    return found


def read_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """The content of each blob id (one ``git cat-file --batch`` for all)."""
    if not shas:
        return {}
    unique = list(dict.fromkeys(shas))
    output = git(root, "cat-file", "--batch", stdin="".join(f"{sha}\n" for sha in unique).encode())
    contents: dict[str, bytes] = {}
    offset = 0
    for sha in unique:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].split()
        if len(header) < 3 or header[1] == b"missing":
            offset = header_end + 1
            continue
        size = int(header[2])
        start = header_end + 1
        contents[sha] = output[start : start + size]
        offset = start + size + 1
    return contents


def git(root: Path, *arguments: str, stdin: bytes | None = None) -> bytes:
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *arguments], input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("the `git` program is not installed or not on PATH") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {arguments[0]} failed: {message}")
    return completed.stdout

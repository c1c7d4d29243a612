"""Parsing a policy version once: a JSON cache of parsed models keyed by git blob sha.

A blob's bytes never change, so its parse never does either — for one release of govern, whose
model may change between releases (each entry is tagged with the version that wrote it). The cache
lives in ``$GIT_DIR/govern/blobs/<blob_sha>.json`` (see :mod:`governance.workdir`: nothing a change
commits can fill it); it is plain files (no database import: the CI
path stays light). A corrupt entry is ignored and rewritten; an unwritable cache falls back to a
plain parse.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from pydantic import ValidationError

from governance import __version__
from governance.atomic import write_atomic
from governance.formats import format_of, parse_policy
from governance.gitrepo import PolicyFile
from governance.model import Policy
from governance.workdir import govern_dir

CACHE_SCHEMA = "govern.blob/1"

# Counters for benchmarks and tests: how many blobs were really parsed, how many came from cache.
stats = {"parsed": 0, "cached": 0}


def cache_path(root: Path, blob_sha: str) -> Path:
    return govern_dir(root) / "blobs" / f"{blob_sha}.json"


def parse_policy_file(pf: PolicyFile, root: Path) -> Policy:
    """The parsed model of one policy file, from the cache when this blob was parsed before."""
    fmt = format_of(pf.path)
    path = cache_path(root, pf.blob_sha)
    cached = _read(path, pf.blob_sha, fmt)
    if cached is not None:
        stats["cached"] += 1
        return cached
    policy = parse_policy(pf.data, pf.path, fmt=fmt)
    stats["parsed"] += 1
    _write(root, path, pf.blob_sha, fmt, policy)
    return policy


def _read(path: Path, blob_sha: str, fmt: str) -> Policy | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("schema") != CACHE_SCHEMA:
        return None
    if entry.get("govern") != __version__ or entry.get("blob") != blob_sha:
        return None
    if entry.get("format") != fmt or not isinstance(entry.get("model"), str):
        return None
    try:
        return Policy.model_validate_json(entry["model"])
    except ValidationError:
        return None


def _write(root: Path, path: Path, blob_sha: str, fmt: str, policy: Policy) -> None:
    entry = {
        "schema": CACHE_SCHEMA,
        "govern": __version__,
        "blob": blob_sha,
        "format": fmt,
        "model": policy.model_dump_json(),
    }
    with contextlib.suppress(OSError):  # read-only: the parse stands, only the caching is lost
        write_atomic(path, json.dumps(entry))

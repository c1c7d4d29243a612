"""The versions of each policy, from git history into the store (``govern index``, ``govern log``).

Indexing is incremental and crash-safe:
- only commits not seen before are read: ``git log`` stops at the tips of the last complete run,
  and a commit stored by an interrupted or concurrent run is skipped;
- a blob is parsed once: parsed models are kept by blob sha;
- a commit's versions and its "indexed" mark are written in one transaction, so a run killed at
  any point leaves a consistent store and the next run completes it, each version exactly once.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_all_start_methods, get_context
from typing import TYPE_CHECKING

from governance import __version__
from governance.errors import GovernError, PolicyError
from governance.formats import format_of, parse_policy
from governance.gitrepo import Commit, FileChange, GitRepository, policy_id_of
from governance.model import Policy

if TYPE_CHECKING:
    from governance.config import Config
    from governance.store import BlobRecord, CommitRecord, PolicyVersion, Store

BATCH_COMMITS = 50  # commits stored per transaction
PARALLEL_FROM = 64  # blobs: below this, parsing in worker processes costs more than it saves
MAX_WORKERS = 4
WORKERS_VARIABLE = "GOVERN_INDEX_WORKERS"


@dataclass
class IndexResult:
    commits_in_range: int = 0  # commits of the range that touched policies
    commits_indexed: int = 0  # of those, stored by this run
    versions_added: int = 0
    blobs_parsed: int = 0
    blobs_invalid: int = 0
    seconds: float = 0.0
    head: str | None = None
    notes: list[str] = field(default_factory=list)


ProgressCallback = Callable[[int], None]


def index_history(
    repo: GitRepository,
    store: Store,
    policies_dir: str,
    *,
    rev: str = "HEAD",
    on_start: Callable[[int], ProgressCallback | None] | None = None,
    parallel: bool = False,
) -> IndexResult:
    """Store the versions of every policy reachable from ``rev`` that are not stored yet.

    ``on_start(n)`` is called with the number of commits to do and may return a callback that
    receives the number of commits done since the last call (for a progress bar).
    ``parallel`` lets a long first run parse in forked worker processes (the CLI asks for it;
    a process running threads, such as the review app, should not fork).
    """
    started = time.perf_counter()
    result = IndexResult()
    head = repo.head() if rev == "HEAD" else repo.resolve(rev)
    if head is None:
        result.notes.append("the repository has no commits yet: nothing to index")
        return result
    result.head = head
    prefix = repo.relative(policies_dir)
    tips = repo.independent(store.index_tips(prefix))
    commits = list(repo.history(prefix, exclude=tips, rev=head))
    result.commits_in_range = len(commits)
    done = store.indexed_commits(commit.sha for commit in commits)
    todo = [commit for commit in commits if commit.sha not in done]
    advance = on_start(len(todo)) if on_start else None
    parsed = store.parsed_blobs(_blob_shas(todo), __version__)

    with _Parser(_blob_count(todo, parsed) if parallel else 0) as parser:
        for start in range(0, len(todo), BATCH_COMMITS):
            batch = todo[start : start + BATCH_COMMITS]
            _store_batch(repo, store, prefix, batch, parsed, parser, result)
            if advance:
                advance(len(batch))
    store.set_index_tips(prefix, repo.independent([*tips, head]))
    result.seconds = time.perf_counter() - started
    return result


def _blob_count(commits: Iterable[Commit], parsed: set[str]) -> int:
    return len(set(_blob_shas(commits)) - parsed)


class _Parser:
    """Parses blobs, in worker processes when there are many (the first index of a long
    history is dominated by parsing; git and the store are cheap next to it)."""

    def __init__(self, blobs: int) -> None:
        self._pool: ProcessPoolExecutor | None = None
        workers = _workers()
        if blobs >= PARALLEL_FROM and workers > 1 and "fork" in get_all_start_methods():
            self._pool = ProcessPoolExecutor(
                workers,
                mp_context=get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )
            self._workers = workers

    def __enter__(self) -> _Parser:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def parse(
        self, items: list[tuple[str, str, bytes]]
    ) -> list[tuple[str, str, str | None, str | None]]:
        if self._pool is None or len(items) < 2:
            return [_parse_blob(item) for item in items]
        chunk = max(1, len(items) // (self._workers * 2))
        return list(self._pool.map(_parse_blob, items, chunksize=chunk))


def _die_with_parent(parent: int) -> None:
    """A worker whose indexer is killed (even with SIGKILL) exits instead of lingering."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _workers() -> int:
    configured = os.environ.get(WORKERS_VARIABLE, "").strip()
    if configured.isdigit():
        return max(1, int(configured))
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def _parse_blob(item: tuple[str, str, bytes]) -> tuple[str, str, str | None, str | None]:
    """(blob sha, format, model JSON or None, error or None) of one blob."""
    blob_sha, path, data = item
    fmt = format_of(path)
    try:
        policy = parse_policy(data, path, fmt=fmt)
    except GovernError as error:
        return blob_sha, fmt, None, str(error)
    except Exception as error:  # noqa: BLE001 - one odd old version must not stop the index
        return blob_sha, fmt, None, f"internal parser error: {type(error).__name__}: {error}"
    return blob_sha, fmt, policy.model_dump_json(), None


def _blob_shas(commits: Iterable[Commit]) -> list[str]:
    return [
        change.blob_sha
        for commit in commits
        for change in commit.changes
        if change.blob_sha is not None
    ]


def _store_batch(
    repo: GitRepository,
    store: Store,
    prefix: str,
    batch: Sequence[Commit],
    parsed: set[str],
    parser: _Parser,
    result: IndexResult,
) -> None:
    from governance.store import CommitRecord

    blobs = _parse_new_blobs(repo, batch, parsed, parser, result)
    records: list[CommitRecord] = [
        CommitRecord(commit.sha, tuple(_versions_of(commit, prefix))) for commit in batch
    ]
    result.versions_added += store.record_index_batch(blobs, records)
    result.commits_indexed += len(batch)


def _parse_new_blobs(
    repo: GitRepository,
    batch: Sequence[Commit],
    parsed: set[str],
    parser: _Parser,
    result: IndexResult,
) -> list[BlobRecord]:
    from governance.store import BlobRecord

    wanted: dict[str, str] = {}  # blob sha -> a path it was found at (for its format)
    for commit in batch:
        for change in commit.changes:
            if change.blob_sha and change.blob_sha not in parsed:
                wanted.setdefault(change.blob_sha, change.path)
    if not wanted:
        return []
    contents = repo.read_blobs(wanted)
    items = [(blob_sha, path, contents[blob_sha]) for blob_sha, path in wanted.items()]
    records: list[BlobRecord] = []
    for blob_sha, fmt, model_json, error in parser.parse(items):
        records.append(BlobRecord(blob_sha, fmt, model_json, error, __version__))
        result.blobs_parsed += 1
        result.blobs_invalid += error is not None
        parsed.add(blob_sha)
    return records


def _versions_of(commit: Commit, prefix: str) -> list[PolicyVersion]:
    """The versions a commit made, one per policy id (a format switch in one commit, such as
    ``a.md`` deleted and ``a.yaml`` added, is one modification of policy ``a``)."""
    from governance.store import PolicyVersion

    by_policy: dict[str, FileChange] = {}
    removed_paths: dict[str, FileChange] = {}
    for change in commit.changes:
        identifier = policy_id_of(change.path, prefix)
        if change.status == "D":
            removed_paths[identifier] = change
            continue
        by_policy[identifier] = change
    versions: list[PolicyVersion] = []
    for identifier, gone in removed_paths.items():
        if identifier not in by_policy:
            by_policy[identifier] = gone
    for identifier, change in sorted(by_policy.items()):
        status = _STATUS.get(change.status, "modified")
        previous_path = change.previous_path
        previous_blob = change.previous_blob_sha
        if change.status == "A" and identifier in removed_paths:
            status = "modified"
            previous_path = removed_paths[identifier].path
            previous_blob = removed_paths[identifier].previous_blob_sha
        previous_id = policy_id_of(previous_path, prefix) if previous_path else None
        versions.append(
            PolicyVersion(
                policy_id=identifier,
                commit=commit.sha,
                path=change.path,
                status=status,
                blob_sha=change.blob_sha,
                previous_path=previous_path,
                previous_policy_id=previous_id,
                previous_blob_sha=previous_blob,
                author=commit.author_email,
                author_name=commit.author_name,
                subject=commit.subject,
                committed_at=commit.committed_at,
            )
        )
    return versions


_STATUS = {"A": "added", "M": "modified", "T": "modified", "D": "deleted", "R": "renamed"}


# -- reading the history back -------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedVersion:
    """One version of one policy as ``govern log`` shows it."""

    policy_id: str
    commit: str
    path: str
    status: str  # added | modified | renamed | deleted
    blob_sha: str | None
    previous_policy_id: str | None
    author: str
    author_name: str
    committed_at: datetime
    subject: str
    level: str | None  # material | minor | editorial | None (no finding)
    material: bool | None  # None when a side could not be parsed
    findings: int
    error: str | None = None
    tags: tuple[str, ...] = ()


def policy_lineage(versions: Sequence[PolicyVersion], policy_id: str) -> list[PolicyVersion]:
    """The versions of a policy, oldest first, following renames back to its earlier ids."""
    by_policy: dict[str, list[PolicyVersion]] = {}
    for version in versions:
        by_policy.setdefault(version.policy_id, []).append(version)
    lineage: list[PolicyVersion] = []
    current: str | None = policy_id
    cutoff: tuple[datetime, int] | None = None
    seen: set[str] = set()
    while current is not None and current not in seen:
        seen.add(current)
        own = by_policy.get(current, [])
        if cutoff is not None:
            own = [version for version in own if _order(version) < cutoff]
        lineage[:0] = own
        arrival = next(
            (version for version in own if version.previous_policy_id not in (None, current)),
            None,
        )
        if arrival is None:
            break
        current, cutoff = arrival.previous_policy_id, _order(arrival)
    return lineage


def _order(version: PolicyVersion) -> tuple[datetime, int]:
    return (version.committed_at, version.id or 0)


class ModelLoader:
    """Parsed models from the store's blob cache (each blob read at most once per run)."""

    def __init__(self, store: Store, repo: GitRepository) -> None:
        self._store = store
        self._repo = repo
        self._models: dict[str, Policy | PolicyError] = {}

    def get(self, blob_sha: str | None, path: str) -> Policy | None:
        if blob_sha is None:
            return None
        if blob_sha not in self._models:
            self._models[blob_sha] = self._load(blob_sha, path)
        model = self._models[blob_sha]
        if isinstance(model, PolicyError):
            raise model
        return model

    def _load(self, blob_sha: str, path: str) -> Policy | PolicyError:
        row = self._store.parsed_blob(blob_sha)
        if row is not None and row.govern_version == __version__:
            if row.model_json is not None:
                return Policy.model_validate_json(row.model_json)
            return PolicyError(row.error or "could not be parsed", file=f"{path}@{blob_sha[:12]}")
        data = self._repo.read_blobs([blob_sha])[blob_sha]
        try:
            return parse_policy(data, path, fmt=format_of(path))
        except PolicyError as error:
            return error


def logged_versions(
    repo: GitRepository,
    store: Store,
    config: Config,
    policy_id: str | None = None,
) -> list[LoggedVersion]:
    """The versions of one policy (following renames) or of every policy, newest first, each
    classified against the version before it."""
    from governance.compare import classify

    everything = store.policy_versions()
    chosen = policy_lineage(everything, policy_id) if policy_id is not None else list(everything)
    tags = repo.tags()
    loader = ModelLoader(store, repo)
    logged: list[LoggedVersion] = []
    for version in chosen:
        level, material, count, error = None, None, 0, None
        try:
            old = loader.get(version.previous_blob_sha, version.previous_path or version.path)
            new = loader.get(version.blob_sha, version.path)
            report = classify(version.policy_id, old, new, config)
            count = len(report.findings)
            material = report.material
            if report.findings:
                level = max(report.findings, key=lambda f: f.level.rank).level.value
        except PolicyError as problem:
            error = str(problem)
        logged.append(
            LoggedVersion(
                policy_id=version.policy_id,
                commit=version.commit,
                path=version.path,
                status=version.status,
                blob_sha=version.blob_sha,
                previous_policy_id=version.previous_policy_id,
                author=version.author,
                author_name=version.author_name,
                committed_at=version.committed_at,
                subject=version.subject,
                level=level,
                material=material,
                findings=count,
                error=error,
                tags=tuple(tags.get(version.commit, ())),
            )
        )
    logged.reverse()
    return logged

"""The working store: SQLite in ``$GIT_DIR/govern/govern.db`` by default, PostgreSQL by URL.

This is the only module that imports sqlmodel/sqlalchemy (the Alembic migrations aside). Git stays
the source of truth for policy content; the store holds what is costly to recompute or has no
place in git: the versions of each policy found by ``govern index``, parsed models cached by blob
sha, mirrors of review decisions, announcement drafts, and an append-only, hash-chained audit log.

Opening a store never changes a file it cannot vouch for: a file that is not SQLite, or whose
schema revision comes from a newer release of govern, is refused with a :class:`StoreError` and
left byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Index,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    inspect,
    text,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Session, SQLModel, col, select

from governance.config import Config
from governance.errors import StoreError
from governance.workdir import govern_dir

DATABASE_URL_VARIABLE = "GOVERN_DATABASE_URL"
STORE_FILE = "govern.db"
# The newest schema revision this release knows (tests check it against the migrations folder).
HEAD_REVISION = "0003_no_truncate"
KNOWN_REVISIONS = ("0001_initial", "0002_index_watermark", "0003_no_truncate")
GENESIS_HASH = "0" * 64
SQLITE_BUSY_SECONDS = 60.0
_AUDIT_LOCK_KEY = 0x60FE4A0D17  # pg_advisory_xact_lock key serialising audit appends
_MIGRATION_LOCK_KEY = 0x60FE4A0D18


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware (UTC) datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# -- tables --------------------------------------------------------------------------------------


class PolicyVersion(SQLModel, table=True):
    """One commit that changed one policy (added, modified, renamed or deleted it)."""

    __tablename__ = "policy_version"
    __table_args__ = (
        UniqueConstraint("policy_id", "commit", name="uq_policy_version_policy_commit"),
        Index("ix_policy_version_commit", "commit"),
        Index("ix_policy_version_blob_sha", "blob_sha"),
    )

    id: int | None = Field(default=None, primary_key=True)
    policy_id: str = Field(index=True, max_length=400)
    commit: str = Field(max_length=64)
    path: str = Field(max_length=1000)
    status: str = Field(default="modified", max_length=16)
    blob_sha: str | None = Field(default=None, max_length=64)
    previous_path: str | None = Field(default=None, max_length=1000)
    previous_policy_id: str | None = Field(default=None, max_length=400)
    previous_blob_sha: str | None = Field(default=None, max_length=64)
    author: str = Field(default="", max_length=320)
    author_name: str = Field(default="", max_length=320)
    subject: str = Field(default="")
    committed_at: datetime = Field(sa_type=UTCDateTime)


class ParsedBlob(SQLModel, table=True):
    """A policy version parsed once: the model as JSON (or the error), keyed by blob sha."""

    __tablename__ = "parsed_blob"

    blob_sha: str = Field(primary_key=True, max_length=64)
    format: str = Field(max_length=16)
    model_json: str | None = Field(default=None)
    error: str | None = Field(default=None)
    govern_version: str = Field(default="", max_length=32)
    parsed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IndexedCommit(SQLModel, table=True):
    """A commit whose policy changes are all in ``policy_version`` (written in the same
    transaction), so an interrupted or concurrent ``govern index`` never does a commit twice."""

    __tablename__ = "indexed_commit"

    commit: str = Field(primary_key=True, max_length=64)
    indexed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IndexTip(SQLModel, table=True):
    """Where the last complete ``govern index`` stopped: history behind these is done."""

    __tablename__ = "index_tip"

    policies_dir: str = Field(primary_key=True, max_length=400)
    commit: str = Field(primary_key=True, max_length=64)


class ReviewEvent(SQLModel, table=True):
    """A mirror of a review decision from the ledger (the ledger in git stays authoritative)."""

    __tablename__ = "review_event"

    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(index=True, max_length=64)
    policy_id: str = Field(max_length=400)
    rule: str = Field(max_length=120)
    decision: str = Field(max_length=32)
    reviewer: str = Field(max_length=320)
    role: str = Field(default="", max_length=32)
    note: str | None = Field(default=None)
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Announcement(SQLModel, table=True):
    """An in-app announcement, from draft to published."""

    __tablename__ = "announcement"

    id: str = Field(primary_key=True, max_length=64)
    policy_id: str = Field(index=True, max_length=400)
    base_commit: str | None = Field(default=None, max_length=64)
    head_commit: str | None = Field(default=None, max_length=64)
    # draft | submitted | approved | rejected | published
    status: str = Field(default="draft", max_length=16)
    title: str = Field(default="")
    body_markdown: str = Field(default="")
    fingerprints: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    requires_reconsent: bool = Field(default=False)
    consent_revision: int | None = Field(default=None)
    drafted_by: str | None = Field(default=None, max_length=320)
    decided_by: str | None = Field(default=None, max_length=320)
    reason: str | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    effective_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """One entry of the append-only audit log; ``hash`` chains it to the entry before."""

    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=320)
    action: str = Field(max_length=120)
    subject: str = Field(default="")
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


# -- records that the indexer hands over ---------------------------------------------------------


@dataclass(frozen=True)
class BlobRecord:
    blob_sha: str
    format: str
    model_json: str | None
    error: str | None
    govern_version: str


@dataclass(frozen=True)
class CommitRecord:
    """One commit and the policy versions it made; stored together or not at all."""

    commit: str
    versions: tuple[PolicyVersion, ...]


# -- hashing the audit log -----------------------------------------------------------------------


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def audit_hash(
    seq: int, at: datetime, actor: str, action: str, subject: str, detail: Any, prev_hash: str
) -> str:
    body = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "subject": subject,
        "detail": detail,
    }
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return audit_hash(
        event.seq, event.at, event.actor, event.action, event.subject, event.detail, event.prev_hash
    )


def _original_seq(event: AuditEvent, highest: int) -> int | None:
    """The seq an event was written with, when only its position changed."""
    for seq in range(1, highest + 1):
        if (
            seq != event.seq
            and audit_hash(
                seq,
                event.at,
                event.actor,
                event.action,
                event.subject,
                event.detail,
                event.prev_hash,
            )
            == event.hash
        ):
            return seq
    return None


# -- the store -----------------------------------------------------------------------------------


class Store:
    """A connection to the working store. Use :func:`open_store` to get one."""

    def __init__(self, engine: Engine, url: str, display_url: str, location: str = "") -> None:
        self.engine = engine
        self.url = url
        self.display_url = display_url
        # Where this store is, for the audit anchors records carry: the same for everyone who
        # shares it (a PostgreSQL database), per machine for a SQLite file.
        self.location = location or display_url
        self.dialect = engine.dialect.name
        self._read_engine = engine.execution_options(govern_deferred=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back when it raises.

        On SQLite the transaction takes the write lock at its start (``BEGIN IMMEDIATE``), so two
        processes never deadlock upgrading a read to a write; keep these blocks short. For long
        reads (a screen that stays open) use :meth:`read_session`.
        """
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reading only: it never blocks writers (its changes are discarded)."""
        with Session(self._read_engine, expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.close()  # ends the transaction, keeps loaded objects usable

    # -- audit log -------------------------------------------------------------------------------

    def record_audit(
        self,
        actor: str,
        action: str,
        subject: str,
        detail: dict[str, Any] | None = None,
        *,
        session: Session | None = None,
    ) -> AuditEvent:
        """Append one event to the audit log (serialised across processes; retried on conflict).

        Pass the ``session`` of a :meth:`session` block to append in the same transaction as the
        change it records (both are committed, or neither); conflicts then surface to the caller.
        """
        payload = json.loads(canonical_json(detail or {}))
        if session is not None:
            return self._append_audit(session, actor, action, subject, payload)
        for attempt in range(50):
            try:
                with self.session() as own:
                    entry = self._append_audit(own, actor, action, subject, payload)
                return entry
            except (IntegrityError, OperationalError) as error:
                if isinstance(error, OperationalError) and not _is_busy(error):
                    raise _store_error(error, self.display_url) from None
                time.sleep(min(0.01 * (attempt + 1), 0.2))
        raise StoreError(
            "could not append to the audit log: too much contention", file=self.display_url
        )

    def _append_audit(
        self, session: Session, actor: str, action: str, subject: str, payload: Any
    ) -> AuditEvent:
        if self.dialect == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK_KEY})
        last = session.exec(
            select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(1)
        ).first()
        seq = last.seq + 1 if last else 1
        prev_hash = last.hash if last else GENESIS_HASH
        at = utcnow()
        entry = AuditEvent(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            subject=subject,
            detail=payload,
            prev_hash=prev_hash,
            hash=audit_hash(seq, at, actor, action, subject, payload, prev_hash),
        )
        session.add(entry)
        session.flush()
        return entry

    def restore_audit(self, events: Sequence[AuditEvent]) -> None:
        """Write events exactly as they were (``govern audit rebuild``), in one transaction."""
        with self.session() as session:
            for event in events:
                session.add(event)

    def audit_events(self) -> list[AuditEvent]:
        with self.read_session() as session:
            return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all())

    def verify_audit(self) -> list[str]:
        """Problems in the audit log's hash chain, each naming the event by its seq (empty: intact).

        Detects edited events (content no longer matches its hash), deleted events (a gap, or a
        chain that skips), and reordered events (an event chained to another than its predecessor).
        Cutting events off the end leaves no trace inside the log itself.
        """
        events = self.audit_events()
        problems: list[str] = []
        by_hash = {entry.hash: entry.seq for entry in events}
        previous: AuditEvent | None = None
        for entry in events:
            expected_seq = previous.seq + 1 if previous else 1
            expected_prev = previous.hash if previous else GENESIS_HASH
            if _hash_of(entry) != entry.hash:
                written_as = _original_seq(entry, len(events) + 1)
                if written_as is not None:
                    problems.append(
                        f"event {entry.seq} is out of order: it was written as event {written_as} "
                        "(events were reordered)"
                    )
                else:
                    problems.append(
                        f"event {entry.seq} was edited: its content no longer matches its hash"
                    )
            if entry.seq != expected_seq:
                missing = (
                    f"event {expected_seq}"
                    if entry.seq == expected_seq + 1
                    else f"events {expected_seq}-{entry.seq - 1}"
                )
                problems.append(f"{missing} deleted: the log jumps to event {entry.seq}")
            elif entry.prev_hash != expected_prev:
                origin = by_hash.get(entry.prev_hash)
                if origin is not None:
                    problems.append(
                        f"event {entry.seq} is out of order: it was written after event {origin}, "
                        f"not after event {expected_seq - 1}"
                    )
                elif previous is not None and _hash_of(previous) != previous.hash:
                    pass  # already reported: the previous event was edited
                else:
                    problems.append(
                        f"event {entry.seq} does not follow event {expected_seq - 1}: "
                        "the chain is broken (an event was replaced or removed)"
                    )
            previous = entry
        return problems

    # -- the index -------------------------------------------------------------------------------

    def index_tips(self, policies_dir: str) -> list[str]:
        with self.read_session() as session:
            rows = session.exec(
                select(IndexTip.commit).where(IndexTip.policies_dir == policies_dir)
            ).all()
        return list(rows)

    def set_index_tips(self, policies_dir: str, tips: Sequence[str]) -> None:
        """Record where history is done (replacing the previous tips for this policies dir)."""
        for attempt in range(50):
            try:
                with self.session() as session:
                    session.execute(
                        delete(IndexTip).where(col(IndexTip.policies_dir) == policies_dir)
                    )
                    for commit in dict.fromkeys(tips):
                        session.execute(
                            self._insert(IndexTip)
                            .values(policies_dir=policies_dir, commit=commit)
                            .on_conflict_do_nothing()
                        )
                return
            except OperationalError as error:
                if not _is_busy(error):
                    raise _store_error(error, self.display_url) from None
                time.sleep(min(0.05 * (attempt + 1), 0.5))

    def indexed_commits(self, commits: Iterable[str]) -> set[str]:
        """Which of these commits are already in the store."""
        return self._existing(IndexedCommit.commit, commits)

    def parsed_blobs(self, blob_shas: Iterable[str], govern_version: str) -> set[str]:
        """Which of these blobs were parsed by this release of govern."""
        wanted = list(dict.fromkeys(blob_shas))
        found: set[str] = set()
        with self.read_session() as session:
            for chunk in _chunks(wanted, 500):
                rows = session.exec(
                    select(ParsedBlob.blob_sha).where(
                        col(ParsedBlob.blob_sha).in_(chunk),
                        ParsedBlob.govern_version == govern_version,
                    )
                ).all()
                found.update(rows)
        return found

    def _existing(self, column: Any, values: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(values))
        found: set[str] = set()
        with self.read_session() as session:
            for chunk in _chunks(wanted, 500):
                found.update(session.exec(select(column).where(column.in_(chunk))).all())
        return found

    def record_index_batch(
        self, blobs: Sequence[BlobRecord], commits: Sequence[CommitRecord]
    ) -> int:
        """Store parsed blobs and commits with their versions in ONE transaction.

        A commit is claimed by inserting its ``indexed_commit`` row; one another indexer wrote
        first is skipped with all its versions (``ON CONFLICT DO NOTHING``), so concurrent or
        resumed runs never duplicate a version. Returns the number of versions inserted.
        """
        for attempt in range(50):
            try:
                with self.session() as session:
                    connection = session.connection()
                    if blobs:
                        self._upsert_blobs(connection, blobs)
                    claimed: set[str] = set()
                    stamp = utcnow()
                    for chunk in _chunks([record.commit for record in commits], 500):
                        statement = (
                            self._insert(IndexedCommit)
                            .values([{"commit": sha, "indexed_at": stamp} for sha in chunk])
                            .on_conflict_do_nothing()
                            .returning(IndexedCommit.__table__.c.commit)  # type: ignore[attr-defined]
                        )
                        claimed.update(row[0] for row in connection.execute(statement))
                    rows = [
                        version.model_dump(exclude={"id"})
                        for record in commits
                        if record.commit in claimed
                        for version in record.versions
                    ]
                    inserted = 0
                    for part in _chunks(rows, 500):
                        statement = (
                            self._insert(PolicyVersion)
                            .values(part)
                            .on_conflict_do_nothing()
                            .returning(PolicyVersion.__table__.c.id)  # type: ignore[attr-defined]
                        )
                        inserted += len(connection.execute(statement).all())
                return inserted
            except OperationalError as error:
                if not _is_busy(error):
                    raise _store_error(error, self.display_url) from None
                time.sleep(min(0.05 * (attempt + 1), 0.5))
        raise StoreError("the store stayed locked by another process", file=self.display_url)

    def _upsert_blobs(self, connection: Any, blobs: Sequence[BlobRecord]) -> None:
        stamp = utcnow()
        rows = [
            {
                "blob_sha": blob.blob_sha,
                "format": blob.format,
                "model_json": blob.model_json,
                "error": blob.error,
                "govern_version": blob.govern_version,
                "parsed_at": stamp,
            }
            for blob in {blob.blob_sha: blob for blob in blobs}.values()
        ]
        for part in _chunks(rows, 500):
            statement = self._insert(ParsedBlob).values(part)
            replaced = {
                name: statement.excluded[name]
                for name in ("format", "model_json", "error", "govern_version", "parsed_at")
            }
            connection.execute(
                statement.on_conflict_do_update(index_elements=["blob_sha"], set_=replaced)
            )

    def _insert(self, table: type[SQLModel]) -> Any:
        insert = postgresql_insert if self.dialect == "postgresql" else sqlite_insert
        return insert(table.__table__)  # type: ignore[attr-defined]

    def policy_versions(self, policy_id: str | None = None) -> list[PolicyVersion]:
        """Stored versions (of one policy, or all), oldest first."""
        with self.read_session() as session:
            query = select(PolicyVersion)
            if policy_id is not None:
                query = query.where(PolicyVersion.policy_id == policy_id)
            query = query.order_by(col(PolicyVersion.committed_at), col(PolicyVersion.id))
            return list(session.exec(query).all())

    def parsed_blob(self, blob_sha: str) -> ParsedBlob | None:
        with self.read_session() as session:
            return session.get(ParsedBlob, blob_sha)

    def count(self, table: type[SQLModel]) -> int:
        with self.read_session() as session:
            return int(session.exec(select(func.count()).select_from(table)).one())


# -- opening -------------------------------------------------------------------------------------


def store_url(config: Config) -> str:
    """The store's URL: ``GOVERN_DATABASE_URL`` when set, else ``$GIT_DIR/govern/govern.db``."""
    url = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    if url:
        return url
    return f"sqlite:///{govern_dir(config.root) / STORE_FILE}"


def open_store(config: Config, *, migrate: bool = True) -> Store:
    """Open (creating or upgrading as needed) the store of a repository."""
    return connect(store_url(config), migrate=migrate)


def connect(url: str, *, migrate: bool = True) -> Store:
    """Open the store at a SQLAlchemy URL, after checking it is one this release can use."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - sqlalchemy raises ArgumentError or ValueError
        raise StoreError(
            "not a database URL",
            field=DATABASE_URL_VARIABLE,
            hint="e.g. postgresql+psycopg://user@host:5432/dbname",
        ) from None
    display = parsed.render_as_string(hide_password=True)
    location = (
        f"postgresql://{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"
    )
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        location = f"sqlite://{socket.gethostname()}/{Path(database).resolve() if database else ''}"
        if database and database != ":memory:":
            path = Path(database)
            display = str(path)
            _check_revision(_probe_sqlite_file(path), display)
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = _sqlite_engine(url)
    elif parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
    else:
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL",
            field=DATABASE_URL_VARIABLE,
        )
    store = Store(engine, url, display, location)
    try:
        found = _current_revision(store)
        revision = _check_revision(found, display)
        if migrate and revision != HEAD_REVISION:
            _migrate(store)
        if engine.dialect.name == "sqlite" and parsed.database not in (None, "", ":memory:"):
            _remember_probed(Path(parsed.database or ""), found)
    except StoreError:
        engine.dispose()
        raise
    except SQLAlchemyError as error:
        engine.dispose()
        raise _store_error(error, display) from None
    return store


def _check_revision(found: tuple[set[str], str | None], display: str) -> str | None:
    """The store's schema revision, refusing foreign databases and newer releases' stores."""
    tables, revision = found
    if "alembic_version" not in tables:
        ours = {table.name for table in SQLModel.metadata.sorted_tables}
        if tables and not (tables & ours):
            raise StoreError(
                "this database holds other tables and is not a govern store; it was left untouched",
                file=display,
                hint=f"point {DATABASE_URL_VARIABLE} at an empty database or schema",
            )
        return None
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StoreError(
            f"the store was written by a newer release of govern (schema revision {revision!r}; "
            f"this release knows up to {HEAD_REVISION!r}); it was left untouched",
            file=display,
            hint="upgrade govern (pip install -U govern), or use another store",
        )
    return revision


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below); pysqlite's own transaction handling is off.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_SECONDS * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        deferred = connection.get_execution_options().get("govern_deferred")
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine


_PROBED: dict[tuple[Path, int], tuple[set[str], str | None]] = {}


def _probe_sqlite_file(path: Path) -> tuple[set[str], str | None]:
    """Refuse a file that is not SQLite, without writing to it (read-only, immutable open).

    Probed once per process: closing any descriptor of a database file drops every POSIX lock
    this process holds on it, so probing again while a store is open here would let another
    process checkpoint and delete the write-ahead log under a live connection.
    """
    try:
        key = (path.resolve(), path.stat().st_ino)
    except OSError:
        return _probe_once(path)
    if key in _PROBED:
        return _PROBED[key]
    found = _probe_once(path)
    if found[0]:
        _PROBED[key] = found
    return found


def _remember_probed(path: Path, found: tuple[set[str], str | None]) -> None:
    """A file this process has a connection to is never probed (opened and closed) again."""
    with suppress(OSError):
        _PROBED[(path.resolve(), path.stat().st_ino)] = found


def _probe_once(path: Path) -> tuple[set[str], str | None]:
    if not path.exists() or path.stat().st_size == 0:
        return set(), None
    if path.is_dir():
        raise StoreError("the store path is a directory", file=path)
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise StoreError(f"cannot read the store: {error.strerror}", file=path) from None
    if header != b"SQLite format 3\x00":
        raise StoreError(
            "the store is not a SQLite database (corrupt or overwritten); it was left untouched",
            file=path,
            hint=f"move it aside (e.g. `mv {path} {path}.broken`) and run the command again",
        )
    try:
        # Without a write-ahead log beside it, the file alone is the database: open it immutable,
        # which creates no -wal/-shm files and takes no locks.
        wal = path.with_name(path.name + "-wal")
        flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True)
        try:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {row[0] for row in rows.fetchall()}
            revision = None
            if "alembic_version" in tables:
                found = connection.execute("SELECT version_num FROM alembic_version").fetchall()
                revision = found[0][0] if found else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StoreError(
            f"the store is corrupt ({error}); it was left untouched",
            file=path,
            hint=f"move it aside (e.g. `mv {path} {path}.broken`) and run the command again",
        ) from None
    return tables, revision


def _current_revision(store: Store) -> tuple[set[str], str | None]:
    """The tables of the store and its recorded schema revision (None for an empty one)."""
    with store._read_engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        revision = None
        if "alembic_version" in tables:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
            revision = rows[0][0] if rows else None
        connection.rollback()
    return tables, revision


def _migrate(store: Store) -> None:
    """Bring the schema to this release's head with Alembic (no alembic.ini needed)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    configuration = AlembicConfig()
    configuration.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with store.engine.begin() as connection:
        if store.dialect == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")
        configuration.attributes["connection"] = connection
        command.upgrade(configuration, "head")


def migrate_to(store: Store, revision: str) -> None:
    """Upgrade to a given revision (tests build a store as an older release left it)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    configuration = AlembicConfig()
    configuration.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with store.engine.begin() as connection:
        configuration.attributes["connection"] = connection
        command.upgrade(configuration, revision)


def _is_busy(error: OperationalError) -> bool:
    message = str(error.orig).lower() if error.orig is not None else str(error).lower()
    return any(word in message for word in ("locked", "busy", "deadlock", "could not serialize"))


def _store_error(error: SQLAlchemyError, display: str) -> StoreError:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    message = lines[0] if lines else type(error).__name__
    if isinstance(error, DBAPIError) and "connect" in message.lower():
        return StoreError(
            f"cannot reach the store: {message}",
            file=display,
            hint=f"check {DATABASE_URL_VARIABLE} and that the server is running",
        )
    return StoreError(f"the store failed: {message}", file=display)


def _chunks(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]

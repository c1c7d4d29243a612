"""The store on SQLite and on the real PostgreSQL: migrations, refusals, the audit log."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from history_helpers import (  # noqa: F401 - database is a fixture
    database,
    init_repo,
    postgres_reachable,
    postgres_schema,
    run_govern,
)
from sqlalchemy import text

from governance.config import Config
from governance.errors import StoreError
from governance.store import (
    HEAD_REVISION,
    KNOWN_REVISIONS,
    Announcement,
    AuditEvent,
    IndexedCommit,
    PolicyVersion,
    Store,
    connect,
    migrate_to,
    open_store,
    store_url,
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo")


@pytest.fixture
def store(repo: Path, database: str) -> Store:  # noqa: F811
    opened = open_store(Config(root=repo))
    yield opened  # type: ignore[misc]
    opened.close()


def _execute(store: Store, sql: str, **params: object) -> None:
    with store.engine.begin() as connection:
        connection.execute(text(sql), params)


def _drop_append_only_guard(store: Store) -> None:
    """What someone editing the database by hand would do first."""
    if store.dialect == "postgresql":
        _execute(store, "DROP TRIGGER audit_event_append_only ON audit_event")
    else:
        _execute(store, "DROP TRIGGER audit_event_no_update")
        _execute(store, "DROP TRIGGER audit_event_no_delete")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- opening and migrating --------------------------------------------------------------------


def test_head_revision_matches_the_migrations_folder() -> None:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    import governance.store

    configuration = AlembicConfig()
    folder = Path(governance.store.__file__).parent / "migrations"
    configuration.set_main_option("script_location", str(folder))
    scripts = ScriptDirectory.from_config(configuration)
    assert scripts.get_current_head() == HEAD_REVISION
    assert sorted(r.revision for r in scripts.walk_revisions()) == sorted(KNOWN_REVISIONS)


def test_a_new_store_is_at_head_and_matches_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            HEAD_REVISION
        )
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_the_sqlite_store_lives_in_the_git_directory_where_nothing_is_committed(
    repo: Path,
) -> None:
    config = Config(root=repo)
    assert store_url(config) == f"sqlite:///{repo.resolve() / '.git' / 'govern' / 'govern.db'}"
    open_store(config).close()
    open_store(config).close()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""


def test_rows_survive_an_upgrade_from_the_first_release(repo: Path, database: str) -> None:  # noqa: F811
    url = store_url(Config(root=repo))
    if database == "sqlite":
        (repo / ".git" / "govern").mkdir()
    old = connect(url, migrate=False)
    migrate_to(old, "0001_initial")
    stamp = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    _execute(
        old,
        'INSERT INTO policy_version (policy_id, "commit", path, status, blob_sha, author, '
        "author_name, subject, committed_at) VALUES ('mitpo/cookies', :commit, "
        "'policies/mitpo/cookies.yaml', 'added', :blob, 'a@x.test', 'A', 'add', :at)",
        commit="c" * 40,
        blob="b" * 40,
        at=stamp,
    )
    _execute(
        old,
        "INSERT INTO announcement (id, policy_id, status, title, body_markdown, fingerprints, "
        "requires_reconsent, created_at, updated_at) VALUES ('ann-1', 'mitpo/cookies', 'draft', "
        "'New cookie', 'We added one.', '[\"3f9a0c1d2e4b\"]', :yes, :at, :at)",
        yes=True,
        at=stamp,
    )
    with old.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            "0001_initial"
        )
    old.close()

    upgraded = open_store(Config(root=repo))
    versions = upgraded.policy_versions("mitpo/cookies")
    assert [(v.commit, v.blob_sha, v.previous_blob_sha) for v in versions] == [
        ("c" * 40, "b" * 40, None)
    ]
    assert versions[0].committed_at == stamp
    assert upgraded.indexed_commits(["c" * 40, "d" * 40]) == {"c" * 40}  # back-filled by 0002
    with upgraded.session() as session:
        announcement = session.get(Announcement, "ann-1")
        assert announcement is not None
        assert announcement.fingerprints == ["3f9a0c1d2e4b"]
        assert announcement.requires_reconsent is True
    upgraded.close()


def test_a_corrupt_store_file_is_refused_and_left_untouched(repo: Path) -> None:
    path = repo / ".git" / "govern" / "govern.db"
    path.parent.mkdir()
    path.write_bytes(b"this is not a database\n" * 100)
    before = _digest(path)
    with pytest.raises(StoreError, match="not a SQLite database") as caught:
        open_store(Config(root=repo))
    assert caught.value.exit_code == 2
    assert _digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["govern.db"]

    # A SQLite header over garbage pages: still refused, still untouched.
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = _digest(path)
    with pytest.raises(StoreError, match="corrupt"):
        open_store(Config(root=repo))
    assert _digest(path) == before


def test_a_store_from_a_newer_release_is_refused_and_left_untouched(repo: Path) -> None:
    open_store(Config(root=repo)).close()
    path = repo / ".git" / "govern" / "govern.db"
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    connection.commit()
    connection.close()
    before = _digest(path)
    siblings = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(StoreError, match="newer release of govern.*0099_from_the_future"):
        open_store(Config(root=repo))
    assert _digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == siblings


@pytest.mark.postgres
def test_a_postgres_store_from_a_newer_release_is_refused(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = postgres_reachable()
    if reason:
        pytest.skip(reason)
    with postgres_schema() as url:
        monkeypatch.setenv("GOVERN_DATABASE_URL", url)
        store = open_store(Config(root=repo))
        _execute(store, "UPDATE alembic_version SET version_num = '0099_from_the_future'")
        store.close()
        with pytest.raises(StoreError, match="newer release"):
            open_store(Config(root=repo))
        from sqlalchemy import create_engine

        engine = create_engine(url)
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert version.scalar() == "0099_from_the_future"
        engine.dispose()


def test_a_database_of_something_else_is_refused(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="not a govern store"):
        connect(f"sqlite:///{path}")
    assert _digest(path) == before


def test_an_unreachable_server_is_a_clear_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVERN_DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/x")
    with pytest.raises(StoreError) as caught:
        open_store(Config(root=repo))
    message = str(caught.value)
    assert "cannot reach the store" in message and "secret" not in message
    monkeypatch.setenv("GOVERN_DATABASE_URL", "mysql://127.0.0.1/x")
    with pytest.raises(StoreError, match="unsupported database"):
        open_store(Config(root=repo))


# -- the audit log --------------------------------------------------------------------------------


def _fill(store: Store, count: int = 5) -> list[AuditEvent]:
    return [
        store.record_audit(
            f"reviewer{n}@mitpo.example", "review.approve", f"fp{n}", {"policy": "p", "n": n}
        )
        for n in range(1, count + 1)
    ]


def test_audit_events_chain_and_verify(store: Store) -> None:
    events = _fill(store)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert store.verify_audit() == []
    assert [e.detail for e in store.audit_events()] == [
        {"policy": "p", "n": n} for n in range(1, 6)
    ]


def test_the_audit_log_refuses_updates_and_deletes(store: Store) -> None:
    _fill(store, 2)
    for statement in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"):
            _execute(store, statement)
    assert store.verify_audit() == []


def test_verify_names_an_edited_event(store: Store) -> None:
    _fill(store)
    _drop_append_only_guard(store)
    _execute(store, "UPDATE audit_event SET actor = 'mallory@evil.test' WHERE seq = 3")
    assert store.verify_audit() == ["event 3 was edited: its content no longer matches its hash"]


def test_verify_names_a_deleted_event(store: Store) -> None:
    _fill(store)
    _drop_append_only_guard(store)
    _execute(store, "DELETE FROM audit_event WHERE seq = 2")
    assert store.verify_audit() == ["event 2 deleted: the log jumps to event 3"]


def test_verify_names_reordered_events(store: Store) -> None:
    _fill(store)
    _drop_append_only_guard(store)
    _execute(store, "UPDATE audit_event SET seq = 100 WHERE seq = 2")
    _execute(store, "UPDATE audit_event SET seq = 2 WHERE seq = 4")
    _execute(store, "UPDATE audit_event SET seq = 4 WHERE seq = 100")
    problems = store.verify_audit()
    assert "event 2 is out of order: it was written as event 4 (events were reordered)" in problems
    assert "event 4 is out of order: it was written as event 2 (events were reordered)" in problems


def test_verify_names_a_replaced_event(store: Store) -> None:
    _fill(store)
    _drop_append_only_guard(store)
    # A forger recomputes the hash of an edited event but cannot fix the next one's link.
    from governance.store import audit_hash

    with store.session() as session:
        event = session.get(AuditEvent, 3)
        assert event is not None
        forged = audit_hash(
            3,
            event.at,
            "mallory@evil.test",
            event.action,
            event.subject,
            event.detail,
            event.prev_hash,
        )
    _execute(
        store,
        "UPDATE audit_event SET actor = 'mallory@evil.test', hash = :h WHERE seq = 3",
        h=forged,
    )
    assert store.verify_audit() == [
        "event 4 does not follow event 3: the chain is broken (an event was replaced or removed)"
    ]


def test_concurrent_audit_appends_keep_one_chain(repo: Path, database: str) -> None:  # noqa: F811
    open_store(Config(root=repo)).close()
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from governance.config import Config
        from governance.store import open_store
        store = open_store(Config(root=Path({str(repo)!r})))
        for n in range(15):
            store.record_audit("writer@x.test", "test.append", str(n), {{"n": n}})
        """
    )
    workers = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(4)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0, 0]
    store = open_store(Config(root=repo))
    assert [e.seq for e in store.audit_events()] == list(range(1, 61))
    assert store.verify_audit() == []
    store.close()


def test_audit_verify_command(repo: Path, database: str) -> None:  # noqa: F811
    store = open_store(Config(root=repo))
    _fill(store, 3)
    intact = run_govern("audit", "verify", "--repo", str(repo), check_exit=0)
    assert "audit log intact: 3 events" in intact.stdout
    _drop_append_only_guard(store)
    _execute(store, "UPDATE audit_event SET subject = 'other' WHERE seq = 2")
    store.close()
    tampered = run_govern("audit", "verify", "--repo", str(repo), check_exit=1)
    assert "event 2 was edited" in tampered.stderr
    as_json = run_govern("audit", "verify", "--repo", str(repo), "--format", "json", check_exit=1)
    assert '"intact": false' in as_json.stdout


def test_audit_verify_on_a_corrupt_store_exits_2(repo: Path) -> None:
    path = repo / ".git" / "govern" / "govern.db"
    path.parent.mkdir()
    path.write_bytes(b"garbage" * 50)
    before = _digest(path)
    result = run_govern("audit", "verify", "--repo", str(repo), check_exit=2)
    assert "not a SQLite database" in result.stderr and "Traceback" not in result.stderr
    assert _digest(path) == before


# -- indexing rows ------------------------------------------------------------------------------


def test_index_batches_skip_rows_already_stored(store: Store) -> None:
    from governance.store import BlobRecord, CommitRecord

    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    version = PolicyVersion(
        policy_id="p",
        commit="a" * 40,
        path="policies/p.yaml",
        status="added",
        blob_sha="b" * 40,
        committed_at=stamp,
    )
    blob = BlobRecord("b" * 40, "yaml", '{"title": "x"}', None, "test")
    record = CommitRecord("a" * 40, (version,))
    assert store.record_index_batch([blob], [record]) == 1
    assert store.record_index_batch([blob], [record]) == 0
    assert store.count(PolicyVersion) == 1 and store.count(IndexedCommit) == 1
    assert store.parsed_blobs(["b" * 40, "c" * 40], "test") == {"b" * 40}
    assert store.parsed_blobs(["b" * 40], "other-release") == set()
    store.set_index_tips("policies", ["a" * 40, "a" * 40])
    store.set_index_tips("policies", ["d" * 40])
    assert store.index_tips("policies") == ["d" * 40]


def test_an_audit_event_can_share_the_transaction_of_its_change(store: Store) -> None:
    stamp = datetime(2026, 6, 1, tzinfo=UTC)
    with store.session() as session:
        session.add(Announcement(id="a1", policy_id="p", title="t", created_at=stamp))
        store.record_audit("rm@x.test", "announcement.draft", "a1", {"n": 1}, session=session)
    with pytest.raises(RuntimeError), store.session() as session:
        session.add(Announcement(id="a2", policy_id="p", title="t", created_at=stamp))
        store.record_audit("rm@x.test", "announcement.draft", "a2", {"n": 2}, session=session)
        raise RuntimeError("the change failed after the event was staged")
    assert [(e.seq, e.subject) for e in store.audit_events()] == [(1, "a1")]
    with store.read_session() as session:
        assert session.get(Announcement, "a2") is None
    assert store.verify_audit() == []


def test_writing_to_a_device_writes_through_it_and_never_replaces_it(tmp_path: Path) -> None:
    import os
    import stat

    from governance.atomic import write_atomic

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(fifo, "through the pipe\n")
        assert os.read(reader, 100) == b"through the pipe\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a pipe, not a regular file


def test_a_store_from_before_0_2_moves_under_the_git_directory_unless_it_is_committed(
    repo: Path,
) -> None:
    from governance import workdir

    old = repo / ".govern"
    old.mkdir()
    connection = sqlite3.connect(old / "govern.db")
    connection.execute("CREATE TABLE marker (x)")
    connection.commit()
    connection.close()
    workdir._moved.clear()
    assert workdir.govern_dir(repo) == repo / ".git" / "govern"
    assert (repo / ".git" / "govern" / "govern.db").is_file()
    assert not (old / "govern.db").exists()

    # a .govern/ that the repository tracks belongs to a change: never read, never moved
    other = repo / "tracked"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    (other / ".govern").mkdir()
    (other / ".govern" / "govern.db").write_bytes(b"a committed store")
    subprocess.run(["git", "-C", str(other), "add", ".govern"], check=True)
    workdir._moved.clear()
    assert workdir.govern_dir(other) == other / ".git" / "govern"
    assert (other / ".govern" / "govern.db").read_bytes() == b"a committed store"
    assert not (other / ".git" / "govern" / "govern.db").exists()


def test_a_second_store_in_one_process_keeps_the_first_ones_wal_alive(repo: Path) -> None:
    """The review app holds a store open while it opens others (and the CLI writes from another
    process): the write-ahead log is never deleted under a live connection, and no write is lost.
    """

    config = Config(root=repo)
    held = open_store(config)
    held.record_audit("app@example.test", "test.first", "s")
    for _ in range(3):  # the app opens (and closes) more stores, as decide() and screens do
        open_store(config).close()
    script = (
        "import sys; from pathlib import Path; from governance.config import Config; "
        "from governance.store import open_store; "
        "store = open_store(Config(root=Path(sys.argv[1]))); "
        "[store.record_audit('cli@example.test', f'test.cli{i}', 's') for i in range(20)]; "
        "store.close()"
    )
    subprocess.run([sys.executable, "-c", script, str(repo)], check=True)
    held.record_audit("app@example.test", "test.last", "s")
    assert [
        target for target in _open_files() if "govern.db" in target and "(deleted)" in target
    ] == []
    actions = [event.action for event in held.audit_events()]
    assert actions[0] == "test.first" and actions[-1] == "test.last" and len(actions) == 22
    assert held.verify_audit() == []
    held.close()


def _open_files() -> list[str]:
    import os

    targets = []
    for fd in Path(f"/proc/{os.getpid()}/fd").iterdir():
        try:
            targets.append(os.readlink(fd))
        except OSError:
            continue  # the descriptor of the listing itself
    return targets

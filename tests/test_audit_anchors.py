"""The audit log against git: a store whose log was edited (with its chain recomputed), cut,
emptied, deleted or truncated is reported, naming the first event that disagrees, and a lost log
is rebuilt from the records in git. On SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from history_helpers import database  # noqa: F401 - the sqlite/postgres fixture
from review_helpers import COUNSEL, Repo, govern, make_change, only_fingerprint
from sqlalchemy import text

from governance.config import load_config
from governance.store import Store, audit_hash, open_store


@pytest.fixture
def repo(tmp_path: Path, database: str, capsys: pytest.CaptureFixture[str]) -> Repo:  # noqa: F811
    """A change with two decisions recorded: each record anchored in the store's log."""
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)[0] == 0
    assert (
        govern(capsys, repo, "reject", fingerprint, "--as", COUNSEL, "--reason", "no DPA")[0] == 0
    )
    return repo


@pytest.fixture
def store(repo: Repo) -> Iterator[Store]:
    opened = open_store(load_config(repo.root))
    yield opened
    opened.close()


def verify(capsys: pytest.CaptureFixture[str], repo: Repo) -> tuple[int, dict]:
    code, out, _ = govern(capsys, repo, "audit", "verify", "--format", "json")
    return code, json.loads(out)


def without_guards(store: Store) -> None:
    """What an attacker with the database's owner rights does first: drop the triggers."""
    with store.engine.begin() as connection:
        if store.dialect == "postgresql":
            connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        else:
            for name in ("audit_event_no_update", "audit_event_no_delete"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def test_an_intact_log_matches_the_records_in_git(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = verify(capsys, repo)
    assert code == 0 and report["intact"] and report["anchored_records"] == 2


def test_an_edited_event_with_its_chain_recomputed_is_found(
    repo: Repo, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    without_guards(store)
    events = store.audit_events()
    previous = events[0].prev_hash
    with store.engine.begin() as connection:
        for event in events:
            detail = dict(event.detail)
            if event.seq == 1:
                detail["note"] = "approved without reservation"  # the forgery
            new_hash = audit_hash(
                event.seq, event.at, event.actor, event.action, event.subject, detail, previous
            )
            connection.execute(
                text(
                    "UPDATE audit_event SET detail = :d, prev_hash = :p, hash = :h WHERE seq = :s"
                ),
                {"d": json.dumps(detail), "p": previous, "h": new_hash, "s": event.seq},
            )
            previous = new_hash
    assert store.verify_audit() == []  # the chain alone looks intact
    code, report = verify(capsys, repo)
    assert code == 1
    assert report["problems"][0].startswith("event 1 is not the event .govern-ledger/")


def test_events_cut_from_the_end_or_all_rows_deleted_are_found(
    repo: Repo, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    without_guards(store)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    code, report = verify(capsys, repo)
    assert code == 1 and report["problems"][0].startswith("event 2 is missing")
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event"))
    code, report = verify(capsys, repo)
    assert code == 1 and report["problems"][0].startswith("event 1 is missing")


def test_truncate_is_refused_on_postgresql(repo: Repo, store: Store) -> None:
    if store.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_event"))
    assert len(store.audit_events()) == 2


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_a_deleted_or_emptied_sqlite_store_is_found_and_rebuilt_from_git(
    repo: Repo, store: Store, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    if store.dialect != "sqlite":
        pytest.skip("a store file is SQLite's")
    before = [(e.seq, e.hash) for e in store.audit_events()]
    store.close()
    path = repo.root / ".git" / "govern" / "govern.db"
    for leftover in path.parent.glob("govern.db*"):
        leftover.unlink()
    if how == "emptied":
        path.write_bytes(b"")
    code, report = verify(capsys, repo)
    assert code == 1 and report["problems"][0].startswith("event 1 is missing")

    code, out, err = govern(capsys, repo, "audit", "rebuild")
    assert code == 0, err
    assert "restored 2 events" in out
    code, report = verify(capsys, repo)
    assert code == 0 and report["intact"]
    with open_store(load_config(repo.root)) as rebuilt:
        assert [(e.seq, e.hash) for e in rebuilt.audit_events()] == before


def test_rebuild_refuses_a_store_that_has_a_log(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = govern(capsys, repo, "audit", "rebuild")
    assert code == 2 and "not empty" in err

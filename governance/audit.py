"""The audit log, checked against git: every review and announcement record carries the place of
its event in the store's hash chain (its audit anchor), so ``govern audit verify`` can tell a
store that was edited, cut, emptied, deleted or replaced from one that is intact, and
``govern audit rebuild`` can restore a lost log from what is committed.

The hash chain alone shows edits inside the log; the anchors show what a rewrite of the chain, a
cut at its end or an empty store would otherwise hide. Only records anchored in *this* store are
checked: a SQLite store is per clone, so records made on another machine name another store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from governance.errors import StoreError
from governance.ledger import LedgerRecord, committed_files, parse_record, working_tree_files

if TYPE_CHECKING:
    from governance.config import Config
    from governance.store import Store


@dataclass
class AuditReport:
    store: str
    events: int
    anchored: int  # records anchored in this store
    elsewhere: int  # records anchored in other stores (other clones' SQLite files)
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def anchored_records(config: Config) -> list[LedgerRecord]:
    """Every record of the ledger with an audit anchor: committed at HEAD, and in the work tree."""
    files = {}
    try:
        files.update(committed_files(config.root, "HEAD", config.ledger))
    except Exception:  # noqa: BLE001 - no commits yet: the work tree alone
        files = {}
    files.update(working_tree_files(config.root, config.ledger))
    records = []
    for name, data in sorted(files.items()):
        try:
            record = parse_record(data, name)
        except Exception:  # noqa: BLE001 - a malformed record is check's to report
            continue
        if record.audit is not None:
            records.append(record)
    return records


def verify(config: Config, store: Store) -> AuditReport:
    """The store's chain, and every anchored record's event in it (problems in seq order)."""
    events = {event.seq: event for event in store.audit_events()}
    records = anchored_records(config)
    here = [r for r in records if r.audit is not None and r.audit.store == store.location]
    report = AuditReport(
        store=store.display_url,
        events=len(events),
        anchored=len(here),
        elsewhere=len(records) - len(here),
        problems=store.verify_audit(),
    )
    for record in sorted(here, key=lambda r: r.audit.seq if r.audit else 0):
        anchor = record.audit
        assert anchor is not None
        event = events.get(anchor.seq)
        if event is None:
            report.problems.append(
                f"event {anchor.seq} is missing from the store, and {record.file} was recorded "
                "as it: the log was cut, emptied, deleted or replaced"
            )
        elif event.hash != anchor.hash:
            report.problems.append(
                f"event {anchor.seq} is not the event {record.file} was recorded as: the log "
                "was edited or its chain rewritten"
            )
    report.problems.sort(key=_seq_of)
    return report


def rebuild(config: Config, store: Store) -> int:
    """Fill an empty store's audit log from the anchored records; returns the events restored.
    Each event is checked against its anchor's hash before it is written."""
    from governance.store import AuditEvent, audit_hash

    if store.audit_events():
        raise StoreError(
            "the audit log of this store is not empty: rebuild only fills a new, empty store",
            file=store.display_url,
        )
    restored: list[AuditEvent] = []
    for record in anchored_records(config):
        anchor = record.audit
        if anchor is None or anchor.store != store.location:
            continue
        at = datetime.fromisoformat(anchor.at)
        detail = record.audit_detail()
        action, subject = record.audit_action(), record.audit_subject()
        if audit_hash(anchor.seq, at, record.reviewer, action, subject, detail, anchor.prev) != (
            anchor.hash
        ):
            raise StoreError(
                f"{record.file} does not match its own audit anchor (the record was edited): "
                "nothing was restored"
            )
        restored.append(
            AuditEvent(
                seq=anchor.seq,
                at=at,
                actor=record.reviewer,
                action=action,
                subject=subject,
                detail=detail,
                prev_hash=anchor.prev,
                hash=anchor.hash,
            )
        )
    store.restore_audit(sorted(restored, key=lambda event: event.seq))
    return len(restored)


def _seq_of(problem: str) -> int:
    words = problem.split()
    for index, word in enumerate(words[:-1]):
        if word in ("event", "events") and words[index + 1].split("-")[0].isdigit():
            return int(words[index + 1].split("-")[0].rstrip(":,"))
    return 0

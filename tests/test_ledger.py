"""The ledger's files: names, round trips, reading at a revision, and malformed records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from review_helpers import AUTHOR, COUNSEL, POLICY_ID, RELEASES, SECOND_COUNSEL, make_repo

from governance.config import load_config
from governance.errors import LedgerError
from governance.ledger import (
    AnnouncementRecord,
    Decision,
    ReviewRecord,
    parse_record,
    read_ledger,
    read_ledger_at,
    write_record,
)

FINGERPRINT = "3f9a0c1d2e4b"


def _record(**changes: object) -> ReviewRecord:
    fields: dict[str, object] = {
        "policy": POLICY_ID,
        "fingerprint": FINGERPRINT,
        "rule": "third-party-added",
        "path": "recipients/hotjar",
        "decision": Decision.approved,
        "reviewer": COUNSEL,
        "role": "legal",
        "decided_at": datetime(2026, 5, 1, 10, 0, 0, tzinfo=UTC),
        "note": "DPA signed\nsecond line",
    }
    fields.update(changes)
    return ReviewRecord.model_validate(fields)


def test_written_record_reads_back_identically(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    config = load_config(repo.root)
    record = _record()
    path = write_record(config, record)
    assert path.parent == repo.root / ".govern-ledger"
    assert path.name == f"{FINGERPRINT}-approved-{record.content_hash()}.yaml"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind
    text = path.read_text()
    assert "decided_at: '2026-05-01T10:00:00Z'" in text and "note: |-" in text
    again = parse_record(path.read_bytes(), ".govern-ledger/" + path.name)
    assert again.canonical_payload() == record.canonical_payload()
    assert again.file == ".govern-ledger/" + path.name
    assert json.loads(record.canonical_payload())["decided_at"] == "2026-05-01T10:00:00Z"


def test_the_canonical_payload_ignores_layout_but_not_content() -> None:
    record = _record()
    yaml_text = record.to_yaml().replace("kind: finding\n", "") + "kind: finding\n"
    reordered = parse_record(yaml_text.encode(), "x.yaml")
    assert reordered.canonical_payload() == record.canonical_payload()
    assert _record(note="other").canonical_payload() != record.canonical_payload()
    assert _record(decided_at="2026-05-01T12:00:00+02:00").canonical_payload() == (
        record.canonical_payload()
    )


def test_parallel_decisions_never_share_a_file_and_merge_cleanly(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    config = load_config(repo.root)
    repo.git("checkout", "-q", "-b", "one")
    write_record(config, _record())
    repo.commit_all("one", COUNSEL)
    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "two")
    write_record(config, _record(reviewer=SECOND_COUNSEL, decision=Decision.rejected, reason="no"))
    repo.commit_all("two", SECOND_COUNSEL)
    repo.git("merge", "-q", "--no-edit", "one", email=AUTHOR)
    ledger = read_ledger(repo.root)
    assert sorted(r.reviewer for r in ledger.findings) == sorted([COUNSEL, SECOND_COUNSEL])


def test_reading_at_a_revision(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    config = load_config(repo.root)
    write_record(config, _record())
    repo.write(".govern-ledger/allowed_signers", "not a record\n")
    repo.write(".govern-ledger/README.md", "not a record either\n")
    first = repo.commit_all("record", COUNSEL)
    write_record(config, _record(fingerprint="aaaaaaaaaaaa"))
    at_first = read_ledger_at(repo.root, first)
    assert [r.fingerprint for r in at_first.findings] == [FINGERPRINT]
    assert sorted(r.fingerprint for r in read_ledger(repo.root).findings) == [
        FINGERPRINT,
        "aaaaaaaaaaaa",
    ]
    assert all(name.endswith(".yaml") for name in at_first.files)


def test_announcement_record(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    config = load_config(repo.root)
    record = AnnouncementRecord(
        announcement="2026-06-cookies",
        policy=POLICY_ID,
        fingerprints=[FINGERPRINT],
        event="approved",
        reviewer=RELEASES,
        role="release",
        decided_at=datetime(2026, 5, 1, 10, 0, 0, tzinfo=UTC),
    )
    write_record(config, record)
    assert record.role.value == "release"
    [path] = (repo.root / ".govern-ledger").glob("announcement-2026-06-cookies-approved-*.yaml")
    again = parse_record(path.read_bytes(), str(path))
    assert isinstance(again, AnnouncementRecord) and again.announcement == "2026-06-cookies"
    assert read_ledger(repo.root).announcements[0].event.value == "approved"
    # a record written before 0.2 said "decision:"; it still reads
    legacy = path.read_text().replace("event: approved", "decision: approved")
    assert parse_record(legacy.encode(), "old.yaml").event.value == "approved"


RECORD = (
    "kind: finding\nschema: govern.ledger/1\npolicy: acme/cookies\nfingerprint: 3f9a0c1d2e4b\n"
    "rule: third-party-added\npath: recipients/hotjar\ndecision: approved\n"
    "reviewer: counsel@acme.example\nrole: legal\ndecided_at: '2026-05-01T10:00:00Z'\n"
)


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (RECORD.replace("decision: approved", "decision: maybe"), 7, "decision", "approved"),
        (RECORD.replace("role: legal", "role: judge"), 9, "role", "legal"),
        (RECORD + "approved_by: me\n", 11, "approved_by", "unknown field"),
        (
            RECORD.replace("fingerprint: 3f9a0c1d2e4b", "fingerprint: XYZ"),
            4,
            "fingerprint",
            "pattern",
        ),
        (RECORD.replace("reviewer: counsel@acme.example\n", ""), None, "reviewer", "missing field"),
        (RECORD.replace("kind: finding", "kind: vote"), 1, "kind", "'finding' or"),
        (
            RECORD.replace("decided_at: '2026-05-01T10:00:00Z'", "decided_at: yesterday"),
            10,
            "decided_at",
            "datetime",
        ),
        (RECORD.replace("path: recipients/hotjar", "path: [unclosed"), 7, None, "malformed YAML"),
        ("- just\n- a list\n", 1, None, "mapping"),
    ],
)
def test_malformed_records_name_file_line_and_field(
    text: str, line: int | None, field: str | None, words: str
) -> None:
    with pytest.raises(LedgerError) as caught:
        parse_record(text.encode(), ".govern-ledger/bad.yaml")
    error = caught.value
    assert error.file == ".govern-ledger/bad.yaml"
    assert error.line == line
    assert error.field == field
    assert words in str(error)
    assert error.exit_code == 2


def test_binary_and_json_records() -> None:
    with pytest.raises(LedgerError, match="UTF-8") as caught:
        parse_record(b"kind: finding\n\xff\xfe", ".govern-ledger/x.yaml")
    assert caught.value.line == 2
    data = json.loads(json.dumps({**_record().fields()}))
    record = parse_record(json.dumps(data, indent=1).encode(), ".govern-ledger/x.json")
    assert record.canonical_payload() == _record().canonical_payload()
    with pytest.raises(LedgerError, match="malformed JSON") as caught:
        parse_record(b'{\n"kind": "finding",\n}', ".govern-ledger/x.json")
    assert caught.value.line == 3


def test_a_malformed_file_in_the_tree_fails_loading(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write(".govern-ledger/broken.yaml", "kind: finding\npolicy: [\n")
    with pytest.raises(LedgerError) as caught:
        read_ledger(repo.root)
    assert caught.value.file == ".govern-ledger/broken.yaml"
    # temp files of an interrupted atomic write are not records
    (repo.root / ".govern-ledger/broken.yaml").unlink()
    repo.write(".govern-ledger/.x.yaml.123.tmp", "garbage")
    assert read_ledger(repo.root).findings == []

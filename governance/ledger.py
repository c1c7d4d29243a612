"""The review ledger: one small YAML file per decision, committed in the reviewed repository.

Like a towncrier fragment or a changeset, a record travels with the change it decides on, so
``govern check`` works on a fresh clone with no database and no network. Each file holds one
decision; its name is ``<fingerprint>-<decision>-<hash>.yaml`` (the hash is of its content), so two
reviewers deciding in parallel branches never write the same file and merges never conflict.

Two kinds of records:

- ``finding``: a legal reviewer's decision on one finding (``approved``, ``not-material``,
  ``rejected``), bound to the finding's fingerprint, so editing the change voids it;
- ``announcement``: a release manager's decision on an announcement covering approved findings.

A record may carry an SSH signature over :meth:`LedgerRecord.canonical_payload` (see
:mod:`governance.signing`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal, Protocol

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from governance.atomic import write_atomic
from governance.config import Config, ReviewerRole
from governance.errors import LedgerError, ReviewError
from governance.gitfiles import files_at_revision

if TYPE_CHECKING:
    from governance.gitrepo import GitRepository

LEDGER_SCHEMA = "govern.ledger/2"  # /1: records before they were bound to blob ids
ABSENT = "0" * 40  # the blob id of a file that does not exist on that side (git's convention)
_BLOB_ID = r"^[0-9a-f]{40}$|^[0-9a-f]{64}$"
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_CLOCK_SKEW = timedelta(days=1)
RECORD_SUFFIXES = (".yaml", ".yml", ".json")
MAX_RECORD_BYTES = 64 * 1024
_HEADER = "# govern review record: one decision, committed with the change. See `govern check`.\n"

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class Decision(StrEnum):
    approved = "approved"  # material; the change may ship once announced
    not_material = "not-material"  # downgraded by a legal reviewer, with a written justification
    rejected = "rejected"  # sent back to the author

    @property
    def needs_reason(self) -> bool:
        return self is not Decision.approved


class AnnouncementEvent(StrEnum):
    """A step in an announcement's life (see :mod:`announcements.lifecycle`)."""

    drafted = "drafted"
    edited = "edited"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    published = "published"

    @property
    def is_decision(self) -> bool:
        """A release manager's decision, which ``check`` reads."""
        return self in (AnnouncementEvent.approved, AnnouncementEvent.rejected)


class AuditAnchor(BaseModel):
    """Where a record's event sits in the audit log: the store, its place in the hash chain and
    the hashes, so the log can be checked against git (and rebuilt from it)."""

    model_config = ConfigDict(extra="forbid")

    store: str = Field(min_length=1, max_length=500, description="The store's location")
    seq: int = Field(ge=1, le=2**62)
    at: str = Field(max_length=40, description="The event's time, as hashed")
    prev: str = Field(pattern=r"^[0-9a-f]{64}$")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def format_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: Literal["govern.ledger/1", "govern.ledger/2"] = Field(
        "govern.ledger/2", alias="schema"
    )
    policy: str = Field(min_length=1, max_length=500)
    base_blob: str | None = Field(
        None, pattern=_BLOB_ID, description="The judged file's blob id at the base of the change"
    )
    head_blob: str | None = Field(
        None, pattern=_BLOB_ID, description="The judged file's blob id at the head of the change"
    )
    reviewer: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    role: ReviewerRole
    decided_at: datetime
    reason: str | None = None
    audit: AuditAnchor | None = Field(
        None, description="The audit-log event this record was appended as (see audit verify)"
    )
    signature: str | None = None
    file: str | None = Field(None, exclude=True, description="Repository path it was read from")

    @field_validator("decided_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        try:
            value = value.astimezone(UTC).replace(microsecond=0)
        except OverflowError:
            raise ValueError("the time is out of range") from None
        if value < _EARLIEST or value > datetime.now(UTC) + _CLOCK_SKEW:
            raise ValueError(f"{format_time(value)} is not a plausible time for a decision")
        return value

    @model_validator(mode="before")
    @classmethod
    def _schema_by_binding(cls, data: Any) -> Any:
        """A record that names the versions it judged is /2; one that does not can only be /1."""
        if isinstance(data, dict) and "schema" not in data and "schema_" not in data:
            bound = data.get("base_blob") is not None and data.get("head_blob") is not None
            data = {**data, "schema": "govern.ledger/2" if bound else "govern.ledger/1"}
        return data

    @model_validator(mode="after")
    def _bound_in_schema_2(self) -> _Record:
        if self.schema_ == "govern.ledger/2" and (self.base_blob is None or self.head_blob is None):
            raise ValueError("a govern.ledger/2 record names base_blob and head_blob")
        return self

    @property
    def is_bound(self) -> bool:
        """True when the record names the blob ids of the change it judged (schema /2)."""
        return self.base_blob is not None and self.head_blob is not None

    @field_serializer("decided_at")
    def _iso(self, value: datetime) -> str:
        return format_time(value)

    def fields(self) -> dict[str, Any]:
        """The record's fields in file order, without the signature."""
        data = self.model_dump(mode="json", by_alias=True, exclude={"signature"})
        return {key: value for key, value in data.items() if value is not None}

    def audit_detail(self) -> dict[str, Any]:
        """What the audit log stores of this record: every field but the anchor and signature."""
        return {key: value for key, value in self.fields().items() if key != "audit"}

    def audit_action(self) -> str:
        raise NotImplementedError

    def audit_subject(self) -> str:
        raise NotImplementedError

    def canonical_payload(self) -> bytes:
        """What a signature covers: every field but the signature, as canonical JSON."""
        return json.dumps(
            self.fields(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")

    def content_hash(self, length: int = 8) -> str:
        """A hash of the canonical payload (the file name carries its first 8 digits)."""
        return hashlib.sha256(self.canonical_payload()).hexdigest()[:length]

    def file_name(self) -> str:
        raise NotImplementedError

    def to_yaml(self) -> str:
        data = self.fields()
        if self.signature:
            data["signature"] = self.signature
        return _HEADER + yaml.dump(
            data, Dumper=_RecordDumper, sort_keys=False, allow_unicode=True, width=100
        )


class ReviewRecord(_Record):
    """A legal reviewer's decision on one finding."""

    kind: Literal["finding"] = "finding"
    fingerprint: str = Field(pattern=r"^[0-9a-f]{6,64}$")
    rule: str = Field(min_length=1)
    path: str = Field("", description="Where in the policy the finding is (informative)")
    message: str | None = Field(None, description="The finding as the reviewer read it")
    decision: Decision
    note: str | None = None

    def fields(self) -> dict[str, Any]:
        data = super().fields()
        order = [
            "kind",
            "schema",
            "policy",
            "fingerprint",
            "rule",
            "path",
            "message",
            "base_blob",
            "head_blob",
            "decision",
            "reviewer",
            "role",
            "decided_at",
            "note",
            "reason",
            "audit",
        ]
        return {key: data[key] for key in order if key in data}

    def audit_action(self) -> str:
        return f"review.{self.decision.value}"

    def audit_subject(self) -> str:
        return f"{self.policy}#{self.fingerprint}"

    def file_name(self) -> str:
        return f"{self.fingerprint}-{self.decision.value}-{self.content_hash()}.yaml"


class AnnouncementContent(BaseModel):
    """What an announcement says: drafted, edited, approved and published as one unit."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    body_markdown: str = Field(min_length=1, max_length=50_000)
    severity: Literal["material"] = "material"
    requires_reconsent: bool = False
    consent_revision: int = Field(1, ge=1, le=1_000_000)
    notice_days: int = Field(30, ge=0, le=3650, description="Effect: publication + this")

    def sha256(self, policy: str, body_html: str) -> str:
        """The hash of exactly what is published (the HTML body is derived from the Markdown
        by govern's sanitiser, and hashed too, so a change of either shows)."""
        data = {**self.model_dump(mode="json"), "policy": policy, "body_html": body_html}
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AnnouncementRecord(_Record):
    """One step in an announcement's life: drafted or edited (with its content), submitted,
    approved or rejected by a release manager, published. ``check`` reads the decisions; the
    feed's entries must match an approved, published content."""

    kind: Literal["announcement"] = "announcement"
    announcement: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    fingerprints: list[str] = Field(min_length=1, max_length=10_000)
    event: AnnouncementEvent
    step: int | None = Field(None, ge=1, le=100_000, description="Order within the announcement")
    base_commit: str | None = Field(None, pattern=r"^[0-9a-f]{40,64}$")
    head_commit: str | None = Field(None, pattern=r"^[0-9a-f]{40,64}$")
    content: AnnouncementContent | None = Field(None, description="drafted and edited only")
    content_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    published_at: datetime | None = None
    effective_at: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _legacy_decision(cls, data: Any) -> Any:
        """Records before 0.2 held only a release manager's ``decision``."""
        if isinstance(data, dict) and "decision" in data and "event" not in data:
            data = {**data, "event": data["decision"]}
            del data["decision"]
        return data

    @field_validator("fingerprints")
    @classmethod
    def _hex(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(r"[0-9a-f]{6,64}", value):
                raise ValueError(f"{value!r} is not a finding fingerprint")
        return values

    @field_validator("published_at", "effective_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC).replace(microsecond=0)
        except OverflowError:
            raise ValueError("the time is out of range") from None

    @field_serializer("published_at", "effective_at")
    def _iso_times(self, value: datetime | None) -> str | None:
        return format_time(value) if value is not None else None

    @property
    def decision(self) -> AnnouncementEvent:
        return self.event

    def fields(self) -> dict[str, Any]:
        data = super().fields()
        order = [
            "kind",
            "schema",
            "announcement",
            "step",
            "event",
            "policy",
            "fingerprints",
            "base_blob",
            "head_blob",
            "base_commit",
            "head_commit",
            "content",
            "content_sha256",
            "reviewer",
            "role",
            "decided_at",
            "reason",
            "published_at",
            "effective_at",
            "audit",
        ]
        return {key: data[key] for key in order if key in data}

    def audit_action(self) -> str:
        return f"announcement.{self.event.value}"

    def audit_subject(self) -> str:
        return f"announcement:{self.announcement}"

    def file_name(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", self.announcement).strip("-.")[:60] or "x"
        return f"announcement-{slug}-{self.event.value}-{self.content_hash()}.yaml"


LedgerRecord = ReviewRecord | AnnouncementRecord


class _RecordDumper(yaml.SafeDumper):
    """Multi-line strings (signatures, long notes) as literal blocks, the rest as usual."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_RecordDumper.add_representer(str, _represent_str)


@dataclass
class Ledger:
    """Every record of one side of a change, and the raw files they came from."""

    findings: list[ReviewRecord] = field(default_factory=list)
    announcements: list[AnnouncementRecord] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # repository path -> content

    def is_unchanged_in(self, record: _Record, other: Ledger) -> bool:
        """True when ``record``'s file exists with the same bytes in ``other`` (e.g. the base)."""
        return record.file is not None and other.files.get(record.file) == self.files.get(
            record.file
        )


# --- reading -----------------------------------------------------------------------------------


def parse_record(data: bytes, source: str) -> LedgerRecord:
    """One record file's content → a record; LedgerError naming file, line and field otherwise."""
    if len(data) > MAX_RECORD_BYTES:
        raise LedgerError(f"a review record is at most {MAX_RECORD_BYTES:,} bytes", file=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LedgerError(
            "not valid UTF-8", file=source, line=data[: error.start].count(b"\n") + 1
        ) from None
    try:
        content = json.loads(text) if source.endswith(".json") else _load_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise LedgerError(
            f"malformed YAML: {error.problem or error.context}",
            file=source,
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as error:
        raise LedgerError(f"malformed YAML: {error}", file=source) from None
    except json.JSONDecodeError as error:
        raise LedgerError(f"malformed JSON: {error.msg}", file=source, line=error.lineno) from None
    if not isinstance(content, dict):
        raise LedgerError("a review record must be a mapping of fields", file=source, line=1)
    kind = content.get("kind")
    model: type[_Record]
    if kind == "finding":
        model = ReviewRecord
    elif kind == "announcement":
        model = AnnouncementRecord
    else:
        raise LedgerError(
            f"kind must be 'finding' or 'announcement', not {kind!r}",
            file=source,
            line=_line_of(text, "kind"),
            field="kind",
        )
    try:
        record = model.model_validate(content)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        location = [str(part) for part in detail["loc"]]
        name = location[0] if location else None
        message = "unknown field" if detail["type"] == "extra_forbidden" else detail["msg"]
        if detail["type"] == "missing":
            message = "missing field"
        raise LedgerError(
            message,
            file=source,
            line=_line_of(text, name) if name and detail["type"] != "missing" else None,
            field=".".join(location) or None,
        ) from None
    record.file = source
    return record  # type: ignore[return-value]


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - the C *safe* loader


def _line_of(text: str, key: str | None) -> int | None:
    if not key:
        return None
    pattern = re.compile(rf"^[\"']?{re.escape(key)}[\"']?\s*:", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _ledger_from_files(files: dict[str, bytes]) -> Ledger:
    ledger = Ledger(files=files)
    for name in sorted(files):
        record = parse_record(files[name], name)
        if isinstance(record, ReviewRecord):
            ledger.findings.append(record)
        else:
            ledger.announcements.append(record)
    return ledger


def _is_record_name(name: str) -> bool:
    base = PurePosixPath(name).name
    return base.endswith(RECORD_SUFFIXES) and not base.startswith(".")


def working_tree_files(root: Path, ledger: str = ".govern-ledger") -> dict[str, bytes]:
    """The record files in the working tree: repository path -> bytes (not parsed)."""
    directory = root / ledger
    files: dict[str, bytes] = {}
    if directory.is_dir():
        for path in directory.rglob("*"):
            if path.is_file() and _is_record_name(path.name):
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def committed_files(root: Path, revision: str, ledger: str = ".govern-ledger") -> dict[str, bytes]:
    """The record files at ``revision``: repository path -> bytes (not parsed)."""
    return {
        name: data
        for name, data in files_at_revision(root, revision, ledger).items()
        if _is_record_name(name)
    }


def read_ledger(root: Path, ledger: str = ".govern-ledger") -> Ledger:
    """The ledger as it is in the working tree at ``root``."""
    return _ledger_from_files(working_tree_files(root, ledger))


def read_ledger_at(
    repo: GitRepository | Path, revision: str, ledger: str = ".govern-ledger"
) -> Ledger:
    """The ledger as committed at ``revision`` (for CI, where the head is a commit)."""
    root = repo if isinstance(repo, Path) else repo.root
    return _ledger_from_files(committed_files(root, revision, ledger))


def _read(source: Path | Config, revision: str | None) -> Ledger:
    root, directory = (
        (source.root, source.ledger) if isinstance(source, Config) else (source, ".govern-ledger")
    )
    if revision is None:
        return read_ledger(root, directory)
    return read_ledger_at(root, revision, directory)


def load_ledger(source: Path | Config, revision: str | None = None) -> list[ReviewRecord]:
    """The finding records of the working tree (``revision`` None) or of a commit."""
    return _read(source, revision).findings


def load_announcement_records(
    source: Path | Config, revision: str | None = None
) -> list[AnnouncementRecord]:
    """The announcement records of the working tree (``revision`` None) or of a commit."""
    return _read(source, revision).announcements


# --- the ledger's integrity over a change -----------------------------------------------------


@dataclass(frozen=True)
class Tampering:
    """A committed record deleted or modified within a change (the ledger is append-only)."""

    file: str
    what: str  # "deleted" | "modified" | "renamed"
    where: str  # a commit sha, or "working tree"

    def describe(self) -> str:
        at = self.where if self.where == "working tree" else f"commit {self.where[:12]}"
        return (
            f"the review record {self.file} is {self.what} in {at}: records are append-only "
            "(a decision is changed by a newer record, never by editing or removing one)"
        )


def tampering(
    root: Path, base: str, head_commit: str, ledger: str, *, working_tree: bool
) -> list[Tampering]:
    """Records that existed at the base or were committed in base..head, then were deleted,
    modified or renamed before the head (the head's work tree included when it is the head)."""
    from governance.gitfiles import git

    found: list[Tampering] = []
    output = git(
        root,
        "log",
        "--diff-merges=first-parent",
        "--format=%x1e%H",
        "--name-status",
        "--no-renames",
        "--diff-filter=DMT",
        f"{base}..{head_commit}",
        "--",
        ledger,
    ).decode("utf-8", "surrogateescape")
    for record in output.split("\x1e")[1:]:
        sha, *lines = record.strip().splitlines()
        for line in lines:
            status, _, name = line.partition("\t")
            if name and _is_record_name(name):
                what = "deleted" if status.startswith("D") else "modified"
                found.append(Tampering(name, what, sha))
    if working_tree:
        committed = committed_files(root, head_commit, ledger)
        current = working_tree_files(root, ledger)
        for name, data in committed.items():
            if name not in current:
                found.append(Tampering(name, "deleted", "working tree"))
            elif current[name] != data:
                found.append(Tampering(name, "modified", "working tree"))
    return found


def earlier_payloads(root: Path, base: str, ledger: str) -> dict[str, str]:
    """The content hash of every record that was ever in the ledger in the base's history →
    the file it was in: a record the change brings with the same content was decided on an
    earlier change (copied, or renamed), whatever its file name now."""
    from governance.gitfiles import git, read_blobs

    output = git(
        root, "log", "--format=", "--raw", "--no-abbrev", "--no-renames", "-z", base, "--", ledger
    ).decode("utf-8", "surrogateescape")
    blobs: dict[str, str] = {}
    tokens = output.split("\0")
    for index, token in enumerate(tokens[:-1]):
        parts = token.strip().split()
        name = tokens[index + 1]
        is_entry = token.strip().startswith(":") and len(parts) >= 5
        if is_entry and parts[3] != ABSENT and _is_record_name(name):
            blobs.setdefault(parts[3], name)
    for name, sha in _blob_ids(root, base, ledger).items():
        blobs.setdefault(sha, name)
    contents = read_blobs(root, list(blobs))
    payloads: dict[str, str] = {}
    for sha, name in blobs.items():
        data = contents.get(sha)
        if data is None:
            continue
        try:
            record = parse_record(data, name)
        except LedgerError:
            continue
        payloads.setdefault(record.content_hash(64), name)
    return payloads


def _blob_ids(root: Path, revision: str, ledger: str) -> dict[str, str]:
    from governance.gitfiles import blob_ids_at_revision

    return {
        name: sha
        for name, sha in blob_ids_at_revision(root, revision, ledger).items()
        if _is_record_name(name)
    }


# --- writing -----------------------------------------------------------------------------------


def record_path(config: Config, record: LedgerRecord) -> Path:
    return config.ledger_dir / record.file_name()


def sign_record(record: LedgerRecord, key: Path) -> LedgerRecord:
    from governance.signing import sign

    record.signature = sign(record.canonical_payload(), key)
    return record


class AuditLog(Protocol):
    """The store's audit log, as the ledger needs it (no database import on the CI path)."""

    location: str

    def record_audit(
        self, actor: str, action: str, subject: str, detail: dict[str, Any] | None = None
    ) -> Any: ...


def write_record(
    config: Config,
    record: LedgerRecord,
    key: Path | None = None,
    *,
    audit: AuditLog | None = None,
) -> Path:
    """Write one record atomically; returns its path.

    With ``audit``, the record is first appended to the audit log as an event, and the record
    carries that event's place in the hash chain (``audit``), so the log can be checked against
    what is committed. With ``key``, the record is then signed over its whole content.
    """
    if key is None and config.require_signatures and not record.signature:
        raise ReviewError(
            "this repository requires signed reviews (require_signatures = true)",
            field="--key",
            hint="pass --key PATH (or set GOVERN_SIGNING_KEY or git config user.signingkey)",
        )
    if audit is not None:
        event = audit.record_audit(
            record.reviewer, record.audit_action(), record.audit_subject(), record.audit_detail()
        )
        record.audit = AuditAnchor(
            store=audit.location,
            seq=event.seq,
            at=event_time(event.at),
            prev=event.prev_hash,
            hash=event.hash,
        )
    if key is not None:
        sign_record(record, key)
    path = record_path(config, record)
    write_atomic(path, record.to_yaml())
    record.file = path.relative_to(config.root).as_posix()
    return path


def event_time(moment: datetime) -> str:
    """An audit event's time exactly as its hash covers it."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")

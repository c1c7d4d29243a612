"""A legal reviewer's decision on findings: approve, downgrade to not-material, or reject.

``decide`` is the one way a decision is taken — the shell commands and the TUI both call it. It
checks what can be checked before anything is written:

- the reviewer is listed in ``[tool.govern.reviewers]`` with the role ``legal`` (release managers
  decide on announcements, not on findings);
- a downgrade or a rejection says why (``--reason``);
- every fingerprint names a finding of the current change (the same change ``govern check`` sees);
- the reviewer did not author the change: not among the authors and co-authors of the commits in
  base..head that touched the policy, nor — when the policy has uncommitted edits — the local
  ``git config user.email`` who is about to commit them. ``--as`` is a claim; signatures
  (``require_signatures``) make it verifiable;
- when signatures are required, a signing key is at hand;
- the audit log can be written. The decision is appended to the store's audit log first, and the
  ledger file then carries that event's place in the hash chain (its audit anchor); if the log
  cannot be written, nothing is (exit 2): a decision never exists without its audit event.
  ``check`` never needs the store, so CI does not either.

A decision changes a decision: the newest valid record on a finding decides, earlier ones stay in
the ledger as its history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from governance.config import Config, ReviewerRole
from governance.errors import GovernError, ReviewError, StoreError
from governance.findings import Finding, PolicyReport, Report
from governance.identity import same_identity
from governance.ledger import (
    ABSENT,
    Decision,
    ReviewRecord,
    read_ledger,
    utc_now,
    write_record,
)
from governance.scope import ChangeScope, resolve_scope

if TYPE_CHECKING:
    from governance.gitrepo import GitRepository

MIN_PREFIX = 6


@dataclass(frozen=True)
class Target:
    policy: PolicyReport
    finding: Finding


def check_reviewer(config: Config, identity: str) -> ReviewerRole:
    """The reviewer's role, which must be ``legal``; ReviewError saying what to do otherwise."""
    role = config.role_of(identity)
    where = config.source or "pyproject.toml [tool.govern.reviewers]"
    if role is None:
        raise ReviewError(
            f"{identity} is not a reviewer of this repository",
            file=config.source,
            field="tool.govern.reviewers",
            hint=f'a maintainer adds  "{identity}" = "legal"  under [tool.govern.reviewers] '
            f"in {where}",
        )
    if role is not ReviewerRole.legal:
        raise ReviewError(
            f"{identity} is a {role.value} reviewer: findings are decided by legal reviewers "
            "(release managers approve announcements: `govern announce approve`)",
            file=config.source,
            field=f"tool.govern.reviewers.{identity}",
        )
    return role


def find_targets(report: Report, fingerprints: Sequence[str]) -> list[Target]:
    """The findings the fingerprints (or unique prefixes of 6+ digits) name, in the given order."""
    every = [Target(policy, finding) for policy in report.policies for finding in policy.findings]
    chosen: list[Target] = []
    unknown: list[str] = []
    for wanted in fingerprints:
        key = wanted.strip().lower()
        exact = [t for t in every if t.finding.fingerprint == key]
        matches = exact or (
            [t for t in every if t.finding.fingerprint.startswith(key)]
            if len(key) >= MIN_PREFIX
            else []
        )
        distinct = {t.finding.fingerprint for t in matches}
        if len(distinct) > 1:
            raise ReviewError(
                f"{wanted} is ambiguous: it starts {', '.join(sorted(distinct))}",
                field="FINGERPRINT",
            )
        if not matches:
            unknown.append(wanted)
        for target in matches:  # one fingerprint may occur in several policies
            if target not in chosen:
                chosen.append(target)
    if unknown:
        raise ReviewError(
            f"no finding of this change has the fingerprint {', '.join(unknown)}",
            field="FINGERPRINT",
            hint=_valid_list(every),
        )
    return chosen


def _valid_list(every: list[Target]) -> str:
    if not every:
        return "this change has no findings at all; pass --base/--head if the change is elsewhere"
    lines = ["the findings of this change are:"]
    for target in every:
        finding = target.finding
        lines.append(
            f"    {finding.fingerprint}  {finding.level.value:<9} {finding.rule:<20} "
            f"{target.policy.policy}: {finding.path}"
        )
    return "\n".join(lines)


def refuse_self_approval(
    repo: GitRepository, scope: ChangeScope, targets: list[Target], identity: str
) -> None:
    for target in targets:
        path = target.policy.file
        authors = scope.authors_of(repo, path)
        if any(same_identity(identity, author) for author in authors):
            raise ReviewError(
                f"{identity} authored this change to {target.policy.policy} "
                f"({path or 'the policy'}, {scope.base[:12]}..{scope.head_ref}), and the author "
                "of a change may not decide on it",
                field="--as",
                hint="ask another legal reviewer listed in [tool.govern.reviewers]",
            )


def decide(
    repo: GitRepository,
    fingerprints: Sequence[str],
    decision: str | Decision,
    identity: str,
    note: str | None = None,
    reason: str | None = None,
    base: str | None = None,
    head: str | None = None,
    key: str | Path | None = None,
) -> list[ReviewRecord]:
    """Record ``decision`` on the findings ``fingerprints`` name; returns the records written
    (or, when the newest decision on a finding already is exactly this one, that record)."""
    chosen = Decision(decision)
    if not fingerprints:
        raise ReviewError("name at least one finding by its fingerprint", field="FINGERPRINT")
    if chosen.needs_reason and not (reason and reason.strip()):
        verb = "a downgrade to not-material" if chosen is Decision.not_material else "a rejection"
        raise ReviewError(f"{verb} needs a written justification", field="--reason")

    from governance.compare import compare_change
    from governance.signing import signing_key

    scope = resolve_scope(repo, base, head)
    settings = scope.settings
    role = check_reviewer(settings, identity)
    report = compare_change(repo, scope)
    targets = find_targets(report, fingerprints)
    refuse_self_approval(repo, scope, targets, identity)
    signing = signing_key(settings.root, key)
    if settings.require_signatures and signing is None:
        raise ReviewError(
            "this repository requires signed reviews (require_signatures = true)",
            field="--key",
            hint="pass --key ~/.ssh/id_ed25519 (or set GOVERN_SIGNING_KEY or "
            "git config user.signingkey) and list its public key in "
            f"{settings.allowed_signers}",
        )

    current = read_ledger(settings.root, settings.ledger)
    records: list[ReviewRecord] = []
    with _open_audit_store(settings) as store:
        for target in targets:
            since = target.finding.since
            record = ReviewRecord(
                policy=target.policy.policy,
                fingerprint=target.finding.fingerprint,
                rule=target.finding.rule,
                path=target.finding.path,
                message=target.finding.message,
                base_blob=since.blob if since else target.policy.base_blob or ABSENT,
                head_blob=target.policy.head_blob or ABSENT,
                decision=chosen,
                reviewer=identity,
                role=role,
                decided_at=utc_now(),
                note=note.strip() if note and note.strip() else None,
                reason=reason.strip() if reason and reason.strip() else None,
            )
            newest = _newest_decision(current.findings, record)
            if newest is not None and _same_decision(newest, record, signed=signing is not None):
                records.append(newest)
                continue
            try:
                write_record(settings, record, signing, audit=store)
            except GovernError:
                raise
            except Exception as error:  # noqa: BLE001 - a driver error is a setting to fix
                raise StoreError(
                    f"the decision was not recorded: writing the audit log failed ({error})",
                    hint="check GOVERN_DATABASE_URL and try again",
                ) from None
            records.append(record)
    return records


def _newest_decision(records: list[ReviewRecord], wanted: ReviewRecord) -> ReviewRecord | None:
    """The newest record on the same finding of the same version of the change."""
    same = [
        record
        for record in records
        if record.policy == wanted.policy
        and record.fingerprint == wanted.fingerprint
        and record.base_blob == wanted.base_blob
        and record.head_blob == wanted.head_blob
    ]
    return max(same, key=lambda record: record.decided_at) if same else None


def _same_decision(existing: ReviewRecord, wanted: ReviewRecord, *, signed: bool) -> bool:
    """Deciding again what the newest record already says (same reviewer, decision, note and
    reason) writes nothing new; anything else is a new decision and gets its own record."""
    return (
        existing.decision is wanted.decision
        and same_identity(existing.reviewer, wanted.reviewer)
        and existing.note == wanted.note
        and existing.reason == wanted.reason
        and (existing.signature is not None or not signed)
    )


def _open_audit_store(config: Config) -> Any:
    """The store whose audit log receives the decision; StoreError (exit 2) when unreachable."""
    from governance.store import open_store

    try:
        return open_store(config)
    except GovernError:
        raise
    except Exception as error:  # noqa: BLE001 - a driver error is a user-fixable setting here
        raise StoreError(
            f"cannot open the store for the audit log: {error}",
            hint="decisions are only recorded together with their audit event; fix "
            "GOVERN_DATABASE_URL (or unset it to use the SQLite store) and try again",
        ) from None


def withdraw(repo: GitRepository, identity: str, policy_id: str, fingerprint: str) -> ReviewRecord:
    """Undo ``identity``'s newest decision on a finding, while it is not committed yet: its
    record is removed from the work tree and the withdrawal is appended to the audit log. A
    committed decision is changed by a newer one, never withdrawn (the ledger is append-only)."""
    from governance.gitfiles import blob_ids_at_revision

    scope = resolve_scope(repo)
    settings = scope.settings
    ledger = read_ledger(settings.root, settings.ledger)
    mine = [
        record
        for record in ledger.findings
        if record.policy == policy_id
        and record.fingerprint == fingerprint
        and same_identity(record.reviewer, identity)
    ]
    if not mine:
        raise ReviewError(
            f"{identity} has no decision on {fingerprint} of {policy_id} to undo", field="--as"
        )
    newest = max(mine, key=lambda record: (record.decided_at, record.file or ""))
    committed = blob_ids_at_revision(settings.root, scope.head_commit, settings.ledger)
    if newest.file in committed:
        raise ReviewError(
            f"the decision in {newest.file} is committed: it can no longer be undone, only "
            "changed by a new decision",
            field="FINGERPRINT",
        )
    with _open_audit_store(settings) as store:
        store.record_audit(
            identity,
            "review.withdrawn",
            newest.audit_subject(),
            {"file": newest.file, "withdrawn": newest.audit_detail()},
        )
    (settings.root / (newest.file or "")).unlink(missing_ok=True)
    return newest

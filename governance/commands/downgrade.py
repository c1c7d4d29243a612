"""``govern downgrade FINGERPRINT... --as EMAIL --reason TEXT``: not material, and why."""

from __future__ import annotations

from pathlib import Path

from governance.commands._decision import run_decision


def run(
    repo: Path,
    fingerprints: tuple[str, ...],
    identity: str | None,
    reason: str,
    note: str | None,
    base: str | None,
    head: str | None,
    key: Path | None,
) -> int:
    return run_decision(
        repo=repo,
        fingerprints=fingerprints,
        decision="not-material",
        identity=identity,
        reason=reason,
        note=note,
        base=base,
        head=head,
        key=key,
    )

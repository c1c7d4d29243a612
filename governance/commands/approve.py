"""``govern approve FINGERPRINT... --as EMAIL [--note TEXT]``: a legal reviewer approves."""

from __future__ import annotations

from pathlib import Path

from governance.commands._decision import run_decision


def run(
    repo: Path,
    fingerprints: tuple[str, ...],
    identity: str | None,
    note: str | None,
    base: str | None,
    head: str | None,
    key: Path | None,
) -> int:
    return run_decision(
        repo=repo,
        fingerprints=fingerprints,
        decision="approved",
        identity=identity,
        note=note,
        base=base,
        head=head,
        key=key,
    )

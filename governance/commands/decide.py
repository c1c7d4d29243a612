"""``govern approve|downgrade|reject FINGERPRINT... --as EMAIL``: a legal reviewer's decision."""

from __future__ import annotations

from pathlib import Path

import click

from governance.identity import current_identity


def run(
    *,
    repo: Path,
    fingerprints: tuple[str, ...],
    decision: str,
    identity: str | None,
    note: str | None = None,
    reason: str | None = None,
    base: str | None = None,
    head: str | None = None,
    key: Path | None = None,
) -> int:
    from governance.commands._options import text_or_editor
    from governance.gitrepo import GitRepository
    from governance.review import decide

    note = text_or_editor(note, "--note", "A note for the record")
    reason = text_or_editor(reason, "--reason", "Why (the justification kept with the decision)")
    git_repository = GitRepository.open(repo)
    reviewer = current_identity(git_repository, identity)
    records = decide(
        git_repository,
        list(fingerprints),
        decision,
        reviewer,
        note=note,
        reason=reason,
        base=base,
        head=head,
        key=key,
    )
    for record in records:
        signed = ", signed" if record.signature else ""
        click.echo(
            f"{record.decision.value} {record.fingerprint} ({record.rule} {record.path} in "
            f"{record.policy}) by {record.reviewer}{signed}: {record.file}"
        )
    folders = sorted({Path(record.file).parent.as_posix() for record in records if record.file})
    click.echo(
        f"Commit the record{'s' if len(records) != 1 else ''} with the change: "
        f"git add {' '.join(folders) or '.'} && git commit",
        err=True,
    )
    return 0

"""``govern audit verify`` and ``govern audit rebuild``: the audit log against git."""

from __future__ import annotations

import json
from pathlib import Path

import click

from governance.config import load_config
from governance.errors import EXIT_GATE_FAILED


def run(repo: Path, fmt: str, action: str = "verify") -> int:
    from governance import audit
    from governance.store import open_store

    config = load_config(repo)
    with open_store(config) as store:
        if action == "rebuild":
            restored = audit.rebuild(config, store)
            click.echo(f"restored {restored} event{'s' * (restored != 1)} from the ledger in git")
            report = audit.verify(config, store)
        else:
            report = audit.verify(config, store)
    if fmt == "json":
        data = {
            "schema": "govern.audit-verify/1",
            "store": report.store,
            "events": report.events,
            "anchored_records": report.anchored,
            "records_of_other_stores": report.elsewhere,
            "intact": report.intact,
            "problems": report.problems,
        }
        click.echo(json.dumps(data, indent=2))
    elif report.problems:
        click.echo(f"the audit log of {report.store} does not match what is committed:", err=True)
        for problem in report.problems:
            click.echo(f"  - {problem}", err=True)
    else:
        click.echo(
            f"audit log intact: {report.events} event{'s' * (report.events != 1)}, hash chain "
            f"verified, {report.anchored} record{'s' * (report.anchored != 1)} in git found in it"
            + (
                f" ({report.elsewhere} anchored in other stores, not checkable here)"
                if report.elsewhere
                else ""
            )
        )
    return EXIT_GATE_FAILED if report.problems else 0

"""``govern audit verify``: check the audit log's hash chain."""

from __future__ import annotations

import json
from pathlib import Path

import click

from governance.config import load_config
from governance.errors import EXIT_GATE_FAILED


def run(repo: Path, fmt: str) -> int:
    from governance.store import AuditEvent, open_store

    config = load_config(repo)
    with open_store(config) as store:
        problems = store.verify_audit()
        events = store.count(AuditEvent)
        where = store.display_url
    if fmt == "json":
        data = {
            "schema": "govern.audit-verify/1",
            "store": where,
            "events": events,
            "intact": not problems,
            "problems": problems,
        }
        click.echo(json.dumps(data, indent=2))
    elif problems:
        click.echo(f"the audit log of {where} has been tampered with:", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
    else:
        click.echo(f"audit log intact: {events} event{'s' * (events != 1)}, hash chain verified")
    return EXIT_GATE_FAILED if problems else 0

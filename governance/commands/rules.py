"""``govern rules``: the rule catalogue (id, default level, description, rationale)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import click

from governance.config import load_config
from governance.rules.registry import registry_for


def run(repo: Path, fmt: str) -> int:
    config = load_config(repo)
    registry = registry_for(config)
    rules = list(registry)
    if fmt == "json":
        data = {
            "schema": "govern.rules/1",
            "rules": [
                {
                    "id": rule.id,
                    "default_level": rule.level.value,
                    "level": config.rules.get(rule.id, rule.level.value),
                    "area": rule.area,
                    "description": rule.description,
                    "rationale": rule.rationale,
                }
                for rule in rules
            ],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    area = None
    for rule in rules:
        if rule.area != area:
            area = rule.area
            click.echo(f"\n{area.upper()}" if area != rules[0].area else area.upper())
        level = rule.level.value
        override = config.rules.get(rule.id)
        if override and override != level:
            level = f"{level} (here: {override})"
        click.echo(f"  {rule.id:<30} {level}")
        for text in (rule.description, f"Why: {rule.rationale}"):
            click.echo(
                textwrap.fill(text, width=100, initial_indent=" " * 4, subsequent_indent=" " * 4)
            )
    return 0

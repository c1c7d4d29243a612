"""``govern schema [policy|report|feed]``: the JSON Schema of the YAML policy format (default), of
the JSON report of ``diff``/``check`` (govern.report/1), or of the announcement feed
(govern.feed/1). The last two are files in the package data; the first comes from the model."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from governance.commands._options import emit

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_ID = "https://govern.dev/schema/policy-1.json"
SCHEMA_KINDS = ("policy", "report", "feed")


def policy_schema() -> dict[str, Any]:
    from governance.model import Policy

    schema = Policy.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "govern policy",
        "description": "A cookie and tracking policy in govern's structured format.",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def packaged_schema(kind: str) -> dict[str, Any]:
    """The schema of the report or the feed, as shipped in governance/data/schemas/."""
    text = files("governance").joinpath("data", "schemas", f"{kind}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_of(kind: str) -> dict[str, Any]:
    return policy_schema() if kind == "policy" else packaged_schema(kind)


def run(output: Path | None, kind: str = "policy") -> int:
    text = json.dumps(schema_of(kind), indent=2) + "\n"
    emit(text, output)
    return 0

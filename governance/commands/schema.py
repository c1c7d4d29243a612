"""``govern schema``: the JSON Schema of the YAML policy format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from governance.commands._options import emit
from governance.model import Policy

SCHEMA_ID = "https://govern.dev/schema/policy-1.json"


def policy_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "govern policy",
        "description": "A cookie and tracking policy in govern's structured format.",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def run(output: Path | None) -> int:
    text = json.dumps(policy_schema(), indent=2) + "\n"
    emit(text, output)
    return 0

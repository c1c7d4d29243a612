"""Validate `govern check --format sarif` against the official SARIF 2.1.0 JSON schema.

The schema is read from the shared data folder when it is there (`../shared/data/sarif/` next to
the project, or $SARIF_SCHEMA); the tests do not need it (they check with sarif-tools and a
structural schema). Builds a scratch repository with a material change, and validates the SARIF of
the failing check, of the approved (passing) one, and of a stale record.

    python bench/validate_sarif.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CANDIDATES = [
    Path(os.environ["SARIF_SCHEMA"]) if os.environ.get("SARIF_SCHEMA") else None,
    PROJECT.parent / "shared" / "data" / "sarif" / "sarif-schema-2.1.0.json",
]
COUNSEL = "counsel@acme.example"
POLICY = """\
title: Cookies
items:
  - id: session
    name: Session cookie
    purpose: keeps you logged in.
recipients:
  - id: stripe
    name: Stripe
    role: controller
    data_uses: [essential.service.payment_processing]
    data_shared: [user.financial]
"""
HOTJAR = """\
  - id: hotjar
    name: Hotjar
    purpose: {purpose}
    data_uses: [analytics.reporting]
    data_shared: [user.behavior]
"""


def git(root: Path, *args: str, email: str = "author@acme.example") -> str:
    environment = dict(
        os.environ,
        GIT_AUTHOR_NAME="A",
        GIT_AUTHOR_EMAIL=email,
        GIT_COMMITTER_NAME="A",
        GIT_COMMITTER_EMAIL=email,
    )
    return subprocess.run(
        ["git", *args], cwd=root, env=environment, capture_output=True, text=True, check=True
    ).stdout.strip()


def sarif(root: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "governance", "check", "--format", "sarif"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode not in (0, 1):
        raise SystemExit(f"govern check failed: {completed.stderr}")
    return json.loads(completed.stdout)


def main() -> int:
    schema_path = next((p for p in CANDIDATES if p is not None and p.is_file()), None)
    if schema_path is None:
        print(
            "SKIPPED: the official SARIF 2.1.0 schema is not here (looked for "
            f"{', '.join(str(p) for p in CANDIDATES if p)}); set SARIF_SCHEMA to its path"
        )
        return 0
    import jsonschema

    schema = json.loads(schema_path.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    with tempfile.TemporaryDirectory(prefix="govern-sarif-") as scratch:
        root = Path(scratch)
        git(root, "init", "-q", "-b", "main")
        (root / "pyproject.toml").write_text(
            "[tool.govern]\nrequire_announcement = false\n"
            f'[tool.govern.reviewers]\n"{COUNSEL}" = "legal"\n'
        )
        (root / "policies").mkdir()
        (root / "policies/cookies.yaml").write_text(POLICY)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "base", email="maint@acme.example")
        git(root, "checkout", "-q", "-b", "change")
        (root / "policies/cookies.yaml").write_text(POLICY + HOTJAR.format(purpose="Recordings."))
        git(root, "commit", "-q", "-am", "hotjar")
        documents = {"failing": sarif(root)}
        fingerprint = documents["failing"]["runs"][0]["results"][0]["partialFingerprints"][
            "govern/v1"
        ]
        git(root, "config", "user.email", COUNSEL)
        subprocess.run(
            [sys.executable, "-m", "governance", "approve", fingerprint, "--as", COUNSEL],
            cwd=root,
            check=True,
            capture_output=True,
        )
        documents["approved"] = sarif(root)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "approve", email=COUNSEL)
        (root / "policies/cookies.yaml").write_text(POLICY + HOTJAR.format(purpose="Heatmaps."))
        documents["stale"] = sarif(root)
    failures = 0
    for name, document in documents.items():
        errors = list(validator.iter_errors(document))
        levels = [result["level"] for result in document["runs"][0]["results"]]
        status = "valid" if not errors else f"{len(errors)} schema errors"
        print(f"{name:9} {status:16} results: {levels}")
        for error in errors[:5]:
            print(f"    {error.json_path}: {error.message}")
        failures += bool(errors)
    print(f"schema: {schema_path}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Start-up cost of the CI path: run with ``python bench/bench_import.py``.

Runs ``python -X importtime -m governance validate <MITPO policy>`` in a subprocess and sums the
cumulative import time of the top-level imports; checks that the heavy layers (textual,
sqlalchemy, sqlmodel, alembic, jinja2, fideslang) are NOT imported on this path; and prints the
ratio against ``python -X importtime -c "import yaml, pydantic"`` measured in the same run (best
of N each, interleaved, since the machine may be busy). Exits 1 if a forbidden module is imported.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policies" / "mitpo" / "cookies-and-tracking.yaml"
FORBIDDEN = ("textual", "sqlalchemy", "sqlmodel", "alembic", "jinja2", "fideslang")
_LINE = re.compile(r"^import time:\s+(?P<self>\d+)\s+\|\s+(?P<cumulative>\d+)\s+\|(?P<name>.*)$")


def import_profile(arguments: list[str]) -> tuple[int, set[str], int]:
    """(total cumulative µs of top-level imports, every module imported, exit code)."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    total = 0
    modules: set[str] = set()
    for line in completed.stderr.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        name = match["name"]
        modules.add(name.strip())
        if not name.startswith("  "):  # a top-level import: its cumulative time includes children
            total += int(match["cumulative"])
    return total, modules, completed.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    command = ["-m", "governance", "validate", str(POLICY)]
    baseline_command = ["-c", "import yaml, pydantic"]
    best_govern = best_baseline = float("inf")
    modules: set[str] = set()
    for _ in range(args.runs):
        total, modules, code = import_profile(command)
        if code != 0:
            print(f"govern validate exited {code}")
            return 1
        best_govern = min(best_govern, total)
        baseline, _, _ = import_profile(baseline_command)
        best_baseline = min(best_baseline, baseline)
    leaked = sorted(
        name
        for name in modules
        if any(name == heavy or name.startswith(heavy + ".") for heavy in FORBIDDEN)
    )
    print(
        f"govern validate (MITPO policy): {best_govern / 1000:8.1f} ms of imports "
        f"(best of {args.runs})"
    )
    print(f"import yaml, pydantic:          {best_baseline / 1000:8.1f} ms (baseline)")
    print(f"ratio:                          {best_govern / best_baseline:8.2f}")
    print(f"modules imported:               {len(modules)}")
    for heavy in FORBIDDEN:
        present = any(name == heavy or name.startswith(heavy + ".") for name in modules)
        print(f"  {heavy:<11} {'IMPORTED (bad)' if present else 'not imported'}")
    if leaked:
        print(f"FAIL: the CI path imports {', '.join(leaked[:10])}")
        return 1
    print("PASS: no heavy layer on the validate path")
    return 0


if __name__ == "__main__":
    sys.exit(main())

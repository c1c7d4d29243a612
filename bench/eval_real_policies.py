"""Evaluation (not a test): how govern classifies real cookie-policy histories.

For each company folder under ``../shared/data/real-cookie-policies/`` (files sorted by name, one
version per file), every consecutive pair is parsed with the Markdown reader and classified with
``governance.compare.classify``. One compact line per pair: the files, the count of findings per
level, then the rule ids and messages of the material findings, for a human to inspect.

    python bench/eval_real_policies.py [DATA_DIR] [--company X] [--all-levels]

Exits 0 and says so when the data folder is absent (it is not part of the project).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from governance.compare import classify
from governance.config import Config
from governance.errors import GovernError
from governance.formats.markdown_format import parse_markdown


def _default_data() -> Path:
    """``shared/data/real-cookie-policies`` beside the repository or in a folder above it."""
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        candidate = folder / "shared" / "data" / "real-cookie-policies"
        if candidate.is_dir():
            return candidate
    return here.parents[1] / "shared" / "data" / "real-cookie-policies"


DEFAULT_DATA = _default_data()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--company", action="append", help="only these folders")
    parser.add_argument("--all-levels", action="store_true", help="also list minor findings")
    parser.add_argument("--width", type=int, default=220, help="cut messages at this width")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no real policies at {args.data}: nothing to evaluate (the folder is absent)")
        return 0
    config = Config(root=Path.cwd())
    totals: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    pairs = material_pairs = 0
    started = time.perf_counter()
    for company in sorted(p for p in args.data.iterdir() if p.is_dir()):
        if args.company and company.name not in args.company:
            continue
        files = sorted(p for p in company.iterdir() if p.suffix in {".md", ".markdown"})
        print(f"\n## {company.name}: {len(files)} versions, {max(len(files) - 1, 0)} pairs")
        for old_file, new_file in zip(files, files[1:], strict=False):
            pairs += 1
            try:
                old = parse_markdown(old_file.read_text(encoding="utf-8"), str(old_file))
                new = parse_markdown(new_file.read_text(encoding="utf-8"), str(new_file))
                report = classify(f"{company.name}/cookies", old, new, config)
            except GovernError as error:
                print(f"{old_file.name} → {new_file.name}: ERROR {error}")
                continue
            counts = Counter(f.level.value for f in report.findings)
            totals.update(counts)
            if counts["material"]:
                material_pairs += 1
            print(
                f"{old_file.name[:14]} → {new_file.name[:14]}  "
                f"material {counts['material']:3d}  minor {counts['minor']:3d}  "
                f"editorial {counts['editorial']:3d}"
            )
            for finding in report.findings:
                rules[f"{finding.level.value} {finding.rule}"] += 1
                if finding.level.value == "material" or (
                    args.all_levels and finding.level.value == "minor"
                ):
                    message = " ".join(finding.message.split())
                    if len(message) > args.width:
                        message = message[: args.width - 1] + "…"
                    print(
                        f"    {finding.level.value[:3]} {finding.rule}  {finding.path}  {message}"
                    )
    elapsed = time.perf_counter() - started
    print(
        f"\n{pairs} pairs, {material_pairs} with material findings; findings: "
        f"{totals['material']} material, {totals['minor']} minor, {totals['editorial']} editorial "
        f"({elapsed:.1f} s)"
    )
    for rule, count in rules.most_common():
        print(f"  {count:5d}  {rule}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

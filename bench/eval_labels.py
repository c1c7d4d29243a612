"""How right govern is on real cookie-policy histories that people labelled by hand.

    python bench/eval_labels.py [--split development|holdout|all] [--data DIR] [-v]
                                [--company NAME]

Each labelled pair (``bench/eval/labels/<Company>.yaml``: two consecutive captured versions, a
``label`` of material, not-material or undecidable, and the ``vendors`` a correct finding must
name) is classified as ``govern diff OLD NEW`` would (:func:`governance.compare.compare_files`).
Per split (``bench/eval/split.yaml``) it prints:

* recall: material pairs with at least one material finding / material pairs;
* false alarms: not-material pairs with at least one material finding / not-material pairs;
* vendors named: labelled vendors that some material finding's message names (case- and
  punctuation-insensitive; the company's aliases and domains known to the catalogue count) /
  labelled vendors;
* errors: pairs that could not be classified; undecidable pairs are counted on their own.

With ``-v``, the misses and false alarms, each with its material findings.

The pages are Open Terms Archive captures (ODbL / ODC-By 1.0; attribute "Open Terms Archive"
when publishing figures measured on them). They are not part of the project: the script looks
for ``shared/data/real-cookie-policies`` next to the repository (or above it), or takes
``--data``; when the folder is absent it says so and exits 0.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from governance.catalog import Catalog, catalog_for  # noqa: E402
from governance.compare import compare_files  # noqa: E402
from governance.config import Config  # noqa: E402
from governance.errors import GovernError  # noqa: E402
from governance.findings import Finding, Level  # noqa: E402
from governance.formats._orgs import KNOWN_ORGANISATIONS  # noqa: E402

HERE = Path(__file__).resolve().parent
LABELS = HERE / "eval" / "labels"
SPLIT = HERE / "eval" / "split.yaml"
DATA_PARTS = ("shared", "data", "real-cookie-policies")


def find_data(start: Path = HERE) -> Path | None:
    """``shared/data/real-cookie-policies`` in the repository's parent or any folder above it."""
    for folder in (start, *start.parents):
        candidate = folder.joinpath(*DATA_PARTS)
        if candidate.is_dir():
            return candidate
    return None


@dataclass
class Pair:
    company: str
    old: str
    new: str
    label: str
    vendors: list[str]
    note: str = ""


@dataclass
class Outcome:
    pair: Pair
    material: list[Finding] = field(default_factory=list)
    named: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def flagged(self) -> bool:
        return bool(self.material)


def load_pairs(companies: Iterable[str]) -> list[Pair]:
    pairs: list[Pair] = []
    for company in companies:
        path = LABELS / f"{company}.yaml"
        if not path.is_file():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for raw in data.get("pairs") or []:
            pairs.append(
                Pair(
                    company=company,
                    old=str(raw["old"]),
                    new=str(raw["new"]),
                    label=str(raw["label"]),
                    vendors=[str(v) for v in raw.get("vendors") or []],
                    note=str(raw.get("note") or ""),
                )
            )
    return pairs


def _fold(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.casefold())) + " "


def aliases(vendor: str, catalog: Catalog) -> set[str]:
    """The vendor's name, and its other names and domains the catalogue and org table know."""
    folded = _fold(vendor).strip()
    found = {vendor}
    for entry in catalog.domains.values():
        names = (_fold(entry.platform).strip(), _fold(entry.controller).strip())
        if any(folded and (folded == name or f" {folded} " in f" {name} ") for name in names):
            found.update({entry.domain, entry.platform})
    for canonical, (names, domains) in KNOWN_ORGANISATIONS.items():
        known = {_fold(canonical).strip(), *(_fold(name).strip() for name in names)}
        if folded in known:
            found.update({canonical, *domains})
            found.update(name for name in names if len(name) > 3)
    return found


def names(vendor: str, messages: str, catalog: Catalog) -> bool:
    text = _fold(messages)
    return any(_fold(alias) in text for alias in aliases(vendor, catalog) if _fold(alias).strip())


def run_pair(pair: Pair, data: Path, config: Config, catalog: Catalog) -> Outcome:
    folder = data / pair.company
    outcome = Outcome(pair)
    started = time.perf_counter()
    try:
        report = compare_files(folder / pair.old, folder / pair.new, config)
    except (GovernError, OSError) as error:
        outcome.error = f"{type(error).__name__}: {error}"
        return outcome
    except Exception as error:  # noqa: BLE001 - an evaluation counts crashes, it does not stop
        outcome.error = f"crash: {type(error).__name__}: {error}"
        return outcome
    finally:
        outcome.seconds = time.perf_counter() - started
    outcome.material = [f for f in report.findings if f.level is Level.material]
    messages = " | ".join(f.message for f in outcome.material)
    outcome.named = [v for v in pair.vendors if names(v, messages, catalog)]
    return outcome


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.0f}%" if whole else f"{part}/0"


def summary(split: str, outcomes: list[Outcome]) -> dict[str, Any]:
    material = [o for o in outcomes if o.pair.label == "material" and not o.error]
    quiet = [o for o in outcomes if o.pair.label == "not-material" and not o.error]
    undecidable = [o for o in outcomes if o.pair.label == "undecidable"]
    errors = [o for o in outcomes if o.error]
    vendors = sum(len(o.pair.vendors) for o in material)
    named = sum(len(o.named) for o in material)
    found = sum(1 for o in material if o.flagged)
    alarms = sum(1 for o in quiet if o.flagged)
    companies = len({o.pair.company for o in outcomes})
    print(f"\n== {split}: {len(outcomes)} pairs of {companies} companies")
    print(f"  recall         {_share(found, len(material))}  (material pairs found)")
    print(f"  false alarms   {_share(alarms, len(quiet))}  (not-material pairs flagged material)")
    print(f"  vendors named  {_share(named, vendors)}")
    print(f"  errors         {len(errors)}")
    flagged_undecidable = sum(1 for o in undecidable if o.flagged)
    print(f"  undecidable    {len(undecidable)} ({flagged_undecidable} flagged material)")
    print(f"  time           {sum(o.seconds for o in outcomes):.1f} s")
    return {"recall": (found, len(material)), "false_alarms": (alarms, len(quiet))}


def details(outcomes: list[Outcome], width: int) -> None:
    for outcome in outcomes:
        pair = outcome.pair
        title = f"{pair.company} {pair.old[:14]} → {pair.new[:14]}"
        if outcome.error:
            print(f"\nERROR {title}: {outcome.error}")
            continue
        missed = pair.label == "material" and not outcome.flagged
        alarm = pair.label == "not-material" and outcome.flagged
        unnamed = [v for v in pair.vendors if v not in outcome.named]
        if not (missed or alarm or (pair.label == "material" and unnamed)):
            continue
        kind = "MISS" if missed else "FALSE ALARM" if alarm else "UNNAMED " + ", ".join(unnamed)
        print(f"\n{kind} {title}\n  label: {pair.note[:width]}")
        for finding in outcome.material:
            message = " ".join(finding.message.split())
            print(f"  - {finding.rule} {finding.path}: {message[:width]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split",
        choices=("development", "holdout", "all"),
        default="development",
        help="which companies (default: development; the holdout is for the final figures)",
    )
    parser.add_argument("--data", type=Path, help="the real-cookie-policies folder")
    parser.add_argument("--company", action="append", help="only these companies")
    parser.add_argument("-v", "--verbose", action="store_true", help="misses and false alarms")
    parser.add_argument("--width", type=int, default=200)
    args = parser.parse_args(argv)
    data = args.data or find_data()
    if data is None or not data.is_dir():
        where = args.data or "/".join(DATA_PARTS)
        print(f"no real cookie policies found ({where} is absent): nothing to evaluate")
        return 0
    split = yaml.safe_load(SPLIT.read_text(encoding="utf-8"))
    wanted = ("development", "holdout") if args.split == "all" else (args.split,)
    config = Config(root=Path.cwd())
    catalog = catalog_for(None)
    print(f"pages: {data} (Open Terms Archive, ODbL / ODC-By 1.0)")
    for name in wanted:
        companies = [c for c in split[name] if not args.company or c in args.company]
        outcomes = [run_pair(pair, data, config, catalog) for pair in load_pairs(companies)]
        if args.verbose:
            details(outcomes, args.width)
        summary(name, outcomes)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the semantic diff and classification (issue 4), one run, ratios printed.

1. diff + classify of two versions of a 5,000-item policy with 1% of the items changed (parse
   excluded), against ``DeepDiff(old_items, new_items, ignore_order=True)`` on the same lists of
   dicts. Target: at least 3x faster.
2. Per-item cost at 500, 1,000, 2,000 and 5,000 items: it should stay flat (linear growth).
3. ``govern diff OLD NEW`` end to end (read, parse, validate, diff, classify, locate lines, format
   JSON) against the floor of parsing both files with PyYAML's C loader. Target: within 1.5x.
   Measured in process (the library path); the subprocess figure, with interpreter start-up, is
   printed too.

Run: ``python bench/bench_diff.py`` (about a minute on a small machine).
"""

from __future__ import annotations

import gc
import io
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import yaml
from deepdiff import DeepDiff

from governance.compare import classify, compare_files
from governance.config import Config
from governance.diff import diff_policies
from governance.model import Policy
from governance.report import format_report
from governance.rules.registry import Registry, load_rules

CATEGORIES = ("strictly_necessary", "functional", "analytics", "marketing")
USES = {
    "strictly_necessary": ["essential.service.authentication", "essential.service.security"],
    "functional": ["functional.storage", "functional.service.improve"],
    "analytics": ["analytics.reporting", "analytics.reporting.content_performance"],
    "marketing": ["marketing.advertising.first_party", "marketing.advertising.third_party"],
}
CONSENT = {
    "strictly_necessary": "none",
    "functional": "none",
    "analytics": "opt-in",
    "marketing": "opt-in",
}
RETENTION = ("session", "1 day", "30 days", "6 months", "13 months", "2 years")


def make_policy(size: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    recipients = [
        {
            "id": f"vendor-{n:03d}",
            "name": f"Vendor {n}",
            "role": "processor",
            "data_uses": ["analytics.reporting"],
            "data_shared": ["user.device"],
            "countries": ["IE"],
        }
        for n in range(40)
    ]
    items = []
    for n in range(size):
        category = CATEGORIES[n % 4]
        third = category in ("analytics", "marketing") and rng.random() < 0.5
        item: dict[str, Any] = {
            "id": f"item-{n:05d}",
            "name": f"_cookie_{n}",
            "storage": "cookie",
            "party": "third" if third else "first",
            "category": category,
            "data_uses": [rng.choice(USES[category])],
            "purpose": f"purpose number {n} of this cookie, described in a sentence",
            "retention": rng.choice(RETENTION),
            "consent": CONSENT[category],
        }
        if third:
            item["provider"] = f"vendor-{rng.randrange(40):03d}"
        items.append(item)
    return {
        "title": "Cookies",
        "owner": "Bench Legal",
        "last_updated": "2026-01-01",
        "summary": "A large policy for benchmarking.",
        "sections": [{"id": "overview", "title": "Overview", "body": "What we use and why."}],
        "items": items,
        "recipients": recipients,
        "commitments": [{"id": "no-sale", "text": "We never sell your data."}],
        "controls": [{"id": "dnt", "text": "We honour Do Not Track.", "signal": "dnt"}],
    }


def change_one_percent(data: dict[str, Any], seed: int = 11) -> dict[str, Any]:
    """A copy with 1% of the items changed (retention, consent, uses, provider, renames)."""
    rng = random.Random(seed)
    new = yaml.safe_load(yaml.safe_dump(data))  # deep copy through plain data
    items = new["items"]
    count = max(1, len(items) // 100)
    for position, index in enumerate(rng.sample(range(len(items)), count)):
        item = items[index]
        kind = position % 5
        if kind == 0:
            item["retention"] = "5 years"
        elif kind == 1 and item["category"] in ("analytics", "marketing"):
            item["consent"] = "opt-out"
        elif kind == 2:
            item["data_uses"] = [*item["data_uses"], "train_ai_system"]
        elif kind == 3:
            item["name"] = item["name"] + "_v2"
        else:
            item["purpose"] = item["purpose"] + " (reworded)"
    rng.shuffle(items)  # reordering must cost nothing and report nothing
    return new


def best_of(function: Callable[[], Any], repeat: int, budget: float = 10.0) -> float:
    """The best of ``repeat`` runs, stopping early once ``budget`` seconds are spent."""
    best = float("inf")
    spent = 0.0
    for _ in range(repeat):
        gc.collect()
        gc.disable()  # as timeit does: a collection landing in one run is noise, not cost
        try:
            start = time.perf_counter()
            function()
            elapsed = time.perf_counter() - start
        finally:
            gc.enable()
        best = min(best, elapsed)
        spent += elapsed
        if spent > budget:
            break
    return best


def structured_only() -> Registry:
    """The registry without the prose detectors, to show what each part costs."""
    registry = load_rules()
    return Registry(
        rules=registry.rules,
        detectors=[d for d in registry.detectors if d[1].__module__ != "governance.rules.prose"],
    )


def classify_structured(old: Policy, new: Policy, registry: Registry) -> int:
    return len(registry.evaluate(diff_policies(old, new, policy_id="bench")))


def bench_against_deepdiff(size: int) -> tuple[float, float, float, int, int]:
    old_data = make_policy(size)
    new_data = change_one_percent(old_data)
    old, new = Policy.model_validate(old_data), Policy.model_validate(new_data)
    config = Config()
    structured = structured_only()
    findings = len(classify("bench", old, new, config).findings)
    structured_findings = classify_structured(old, new, structured)
    full = best_of(lambda: classify("bench", old, new, config), 5)
    ours = best_of(lambda: classify_structured(old, new, structured), 5)
    theirs = best_of(lambda: DeepDiff(old_data["items"], new_data["items"], ignore_order=True), 1)
    return full, ours, theirs, findings, structured_findings


def bench_scaling() -> list[tuple[int, float, float]]:
    rows = []
    config = Config()
    structured = structured_only()
    for size in (500, 1_000, 2_000, 5_000):
        old_data = make_policy(size)
        new_data = change_one_percent(old_data)
        old, new = Policy.model_validate(old_data), Policy.model_validate(new_data)
        full = best_of(lambda o=old, n=new: classify("bench", o, n, config), 5)
        ours = best_of(lambda o=old, n=new: classify_structured(o, n, structured), 7)
        rows.append((size, full, ours))
    return rows


def bench_end_to_end(directory: Path) -> tuple[float, float, float, float]:
    old_data = make_policy(5_000)
    new_data = change_one_percent(old_data)
    old_path, new_path = directory / "old.yaml", directory / "new.yaml"
    old_path.write_text(yaml.safe_dump(old_data, sort_keys=False), encoding="utf-8")
    new_path.write_text(yaml.safe_dump(new_data, sort_keys=False), encoding="utf-8")
    config = Config(root=directory)

    def govern_diff() -> None:
        format_report(compare_files(old_path, new_path, config), "json")

    def floor() -> None:
        for path in (old_path, new_path):
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)  # noqa: S506

    govern_diff()  # warm imports and the rule registry
    ours = best_of(govern_diff, 5)
    parse_floor = best_of(floor, 5)

    def run_cli() -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "governance",
                "diff",
                str(old_path),
                str(new_path),
                "--format",
                "json",
                "--repo",
                str(directory),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def run_floor_process() -> None:
        code = (
            "import sys, yaml\n"
            "for p in sys.argv[1:]:\n"
            "    yaml.load(open(p, encoding='utf-8').read(), Loader=yaml.CSafeLoader)\n"
        )
        subprocess.run([sys.executable, "-c", code, str(old_path), str(new_path)], check=True)

    cli = best_of(run_cli, 3)
    cli_floor = best_of(run_floor_process, 3)
    return ours, parse_floor, cli, cli_floor


def main() -> int:
    print("govern bench_diff: semantic diff + classification (issue 4)\n")
    full, ours, theirs, findings, structured_findings = bench_against_deepdiff(5_000)
    print("1. 5,000 items, 1% changed (and the list shuffled), parse excluded")
    print(
        f"   diff + classify, all rules:              {full * 1000:9.1f} ms ({findings} findings)"
    )
    print(
        f"   diff + structured rules (prose excluded): {ours * 1000:8.1f} ms "
        f"({structured_findings} findings)"
    )
    print(f"   DeepDiff(ignore_order=True), items only: {theirs * 1000:9.1f} ms")
    print(f"   ratio, all rules:        {theirs / full:7.1f}x faster than DeepDiff (target >= 3x)")
    print(f"   ratio, structured rules: {theirs / ours:7.1f}x faster than DeepDiff\n")

    print("2. growth: per-item cost of diff + classify (all rules | structured rules only)")
    rows = bench_scaling()
    for size, all_rules, structured in rows:
        print(
            f"   {size:>6,} items: {all_rules * 1000:9.2f} ms, "
            f"{all_rules / size * 1e6:8.2f} µs/item"
            f"   |  {structured * 1000:7.2f} ms, {structured / size * 1e6:6.2f} µs/item"
        )
    for label, column in (("all rules", 1), ("structured", 2)):
        first = rows[0][column] / rows[0][0]
        last = rows[-1][column] / rows[-1][0]
        print(f"   per-item cost at 5,000 vs 500, {label}: {last / first:4.2f}x (1.0 = linear)")
    print()

    with tempfile.TemporaryDirectory() as scratch, redirect_stdout(io.StringIO()):
        e2e, floor, cli, cli_floor = bench_end_to_end(Path(scratch))
    print("3. govern diff OLD NEW --format json, 5,000 items, end to end (all rules)")
    print(f"   in process (library path):   {e2e * 1000:8.1f} ms")
    print(f"   floor: C YAML load of both:  {floor * 1000:8.1f} ms")
    print(f"   ratio: {e2e / floor:5.2f}x the floor (target <= 1.5x)")
    print(
        f"   subprocess `python -m governance diff`: {cli * 1000:8.1f} ms; "
        f"subprocess floor (python + C load): {cli_floor * 1000:8.1f} ms "
        f"({cli / cli_floor:4.2f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

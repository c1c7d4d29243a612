"""How well the Markdown reader understands real cookie pages: ``python bench/eval_markdown.py``.

Parses every page under ``/work/shared/data/real-cookie-policies`` (X and TikTok, many years;
override with ``--corpus DIR``) and prints, per file, the counts of sections, items, recipients,
commitments and controls, and the recipients found, so a human can judge the quality. With
``-v`` it also lists items, commitments and controls. Exits 0 (and says so) when the corpus is
absent; exits 1 if any page fails to parse, since every real page must parse.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from governance.errors import GovernError  # noqa: E402
from governance.formats.markdown_format import parse_markdown  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/data/real-cookie-policies")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus} (nothing to evaluate)")
        return 0
    files = sorted(p for p in args.corpus.rglob("*") if p.suffix in (".md", ".txt") and p.is_file())
    if not files:
        print(f"no .md/.txt pages under {args.corpus} (nothing to evaluate)")
        return 0
    failures = 0
    totals: Counter[str] = Counter()
    started = time.perf_counter()
    header = (
        f"{'file':<44} {'sect':>4} {'items':>5} {'recip':>5} {'commit':>6} {'ctrl':>4}"
        "  owner / updated"
    )
    print(header)
    print("-" * len(header))
    for path in files:
        name = str(path.relative_to(args.corpus))
        try:
            policy = parse_markdown(path.read_text(encoding="utf-8"), name)
        except GovernError as error:
            failures += 1
            print(f"{name:<44} FAILED: {error}")
            continue
        counts = {
            "sections": len(policy.sections),
            "items": len(policy.items),
            "recipients": len(policy.recipients),
            "commitments": len(policy.commitments),
            "controls": len(policy.controls),
        }
        totals.update(counts)
        print(
            f"{name:<44} {counts['sections']:>4} {counts['items']:>5} {counts['recipients']:>5} "
            f"{counts['commitments']:>6} {counts['controls']:>4}  {policy.owner} / "
            f"{policy.last_updated}"
        )
        print(f"    title: {policy.title}")
        print(f"    recipients: {', '.join(r.name for r in policy.recipients) or '-'}")
        if args.verbose:
            categories = Counter(item.category.value for item in policy.items)
            parties = Counter(item.party.value for item in policy.items)
            print(f"    item categories: {dict(categories)}; parties: {dict(parties)}")
            for item in policy.items:
                print(
                    f"    item {item.id}: {item.name} [{item.category.value}, {item.party.value},"
                    f" {item.storage.value}, retention {item.retention}, by {item.provider}]"
                )
            for commitment in policy.commitments:
                print(f"    commitment {commitment.id}: {commitment.text[:110]}")
            for control in policy.controls:
                print(f"    control {control.id}: {control.text[:110]}")
    elapsed = time.perf_counter() - started
    print("-" * len(header))
    print(f"{len(files)} pages in {elapsed:.2f} s, {failures} failed; totals: {dict(totals)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

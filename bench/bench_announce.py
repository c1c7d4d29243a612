"""What drafting and rendering an announcement costs, against classifying the change it announces.

Two changes of MITPO's policy (``policies/mitpo/cookies-and-tracking.yaml``): the session-replay
vendor of the end-to-end test (1 recipient, 1 cookie), and a large one (100 new vendors, each with
a cookie). For each, in one process:

- baseline: parse both versions and classify the change (``governance.compare.classify``): what
  ``govern diff`` does and what any announcement needs first;
- draft: ``draft_announcement`` (the title and body templates, one per finding);
- outputs: banner, modal, changelog entry, email (text and HTML) and the preview page.

Templates are compiled once per process (Jinja2 caches them): the first call of each, which
compiles them, is reported on its own line; the other figures are medians.

    python bench/bench_announce.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from announcements.drafting import draft_announcement  # noqa: E402
from announcements.outputs import render_outputs, render_preview  # noqa: E402
from announcements.record import AnnouncementData, Status  # noqa: E402
from governance.compare import classify  # noqa: E402
from governance.config import Config  # noqa: E402
from governance.formats import parse_policy  # noqa: E402

POLICY = ROOT / "policies" / "mitpo" / "cookies-and-tracking.yaml"
NOW = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


def vendors(count: int) -> tuple[str, str]:
    recipients, items = "", ""
    for index in range(count):
        recipients += (
            f"  - id: vendor-{index}\n    name: Vendor {index} Ltd\n    role: processor\n"
            "    purpose: records how the Creative Studio is used.\n"
            "    data_uses: [analytics.reporting]\n    data_shared: [user.behavior]\n"
            "    countries: [IE]\n"
        )
        items += (
            f"  - id: vendor-{index}-cookie\n    name: _v{index}_id\n    storage: cookie\n"
            f"    party: third\n    provider: vendor-{index}\n    category: analytics\n"
            "    data_uses: [analytics.reporting]\n    purpose: session recordings.\n"
            "    retention: 30 minutes\n    consent: opt-in\n"
        )
    return recipients, items


def changed(text: str, count: int) -> str:
    recipients, items = vendors(count)
    text = text.replace("\nrecipients:\n", "\n" + items + "\nrecipients:\n" + recipients, 1)
    return text


def median_ms(function: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(label: str, count: int, runs: int) -> None:
    config = Config()
    old_text = POLICY.read_text(encoding="utf-8")
    new_text = changed(old_text, count)

    def baseline() -> object:
        old = parse_policy(old_text, "old.yaml")
        new = parse_policy(new_text, "new.yaml")
        return classify("mitpo/cookies-and-tracking", old, new, config)

    report = baseline()
    old, new = parse_policy(old_text, "old.yaml"), parse_policy(new_text, "new.yaml")
    findings = report.findings  # type: ignore[attr-defined]

    def draft() -> object:
        return draft_announcement(findings, new, config, policy_id="x", base=old)

    first = time.perf_counter()
    drafted = draft()
    first_draft_ms = (time.perf_counter() - first) * 1000
    data = AnnouncementData(
        id="bench",
        policy_id="mitpo/cookies-and-tracking",
        status=Status.approved,
        title=drafted.title,  # type: ignore[attr-defined]
        body_markdown=drafted.body_markdown,  # type: ignore[attr-defined]
        drafted_by="bench@example.com",
        created_at=NOW,
        updated_at=NOW,
    )

    def outputs() -> object:
        render_outputs(config, data, new.title, NOW)
        return render_preview(config, data, new.title, NOW)

    first = time.perf_counter()
    outputs()
    first_outputs_ms = (time.perf_counter() - first) * 1000
    base_ms = median_ms(baseline, runs)
    draft_ms = median_ms(draft, runs)
    outputs_ms = median_ms(outputs, runs)
    print(
        f"{label:<28} {len(findings):>4} findings  baseline {base_ms:8.2f} ms  "
        f"draft {draft_ms:7.2f} ms ({draft_ms / base_ms:4.2f}x)  "
        f"outputs {outputs_ms:7.2f} ms ({outputs_ms / base_ms:4.2f}x)  "
        f"body {len(data.body_markdown):,} chars"
    )
    print(f"{'':<28} first call: draft {first_draft_ms:.1f} ms, outputs {first_outputs_ms:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    measure("1 vendor (session replay)", 1, runs)
    measure("100 vendors", 100, max(3, runs // 4))


if __name__ == "__main__":
    main()

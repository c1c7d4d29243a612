"""How long `govern scan` takes on 20 pages, before and after consent, against simply loading them.

The site is the test shop (`tests/scan_site.py`): real HTTP servers on loopback addresses, each
page setting cookies from headers and script, web storage, a cross-site video iframe, and after
consent a session-recording script and an ad pixel from other "companies".

Both sides use the same Chromium, the same launch switches and a fresh profile, and do the same
40 page loads: the 20 pages before consent, a click on "Accept all", the 20 pages again.

- **scan**: `governance.scan.observe.observe_site` (crawling for links, waiting for the network
  to go quiet, recording cookies, storage and requests after each page), then matching with the
  policy;
- **floor**: `page.goto(url)` to the load event and nothing else (no link discovery, no waiting
  for late requests, no recording) — the least any browser-based scanner pays;
- **floor + quiet**: the same, also waiting for the network to go quiet as the scan does (the
  part of the scan's time that is waiting for the site rather than work).

    python bench/bench_scan.py [--runs 3] [--pages 20]

Prints the median wall time of each, per page (launch included in each total), and the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from scan_site import Site, serve_site, write_repository  # noqa: E402

from governance.config import load_config  # noqa: E402
from governance.scan.observations import Phase  # noqa: E402
from governance.scan.observe import (  # noqa: E402
    BrowserOptions,
    find_chromium,
    launch_args,
    observe_site,
    seed_profile,
)
from governance.scan.scanner import choose_policy, match  # noqa: E402


def run_scan(site: Site, repo: Path, pages: int) -> tuple[float, int, int]:
    started = time.perf_counter()
    options = BrowserOptions(accept="#accept-all", resolve=site.resolve, pages=pages)
    observations = observe_site([site.url("/")], options)
    config = load_config(repo)
    result = match(config, choose_policy(config, None), observations)
    elapsed = time.perf_counter() - started
    assert not observations.partial, observations.problems
    return elapsed, result.pages(Phase.before) + result.pages(Phase.after), len(result.findings)


def run_floor(site: Site, pages: int, *, quiet: bool) -> tuple[float, int]:
    from playwright.sync_api import sync_playwright

    urls = [site.url("/")] + [site.url(f"/page/{n}") for n in range(1, pages)]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        seed_profile(Path(profile))
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=find_chromium(),
            headless=True,
            args=launch_args(site.resolve),
        )
        page = context.pages[0] if context.pages else context.new_page()
        loads = 0
        for phase in ("before", "after"):
            if phase == "after":
                page.click("#accept-all")
            for url in urls:
                page.goto(url, wait_until="load")
                if quiet:
                    with contextlib.suppress(Exception):
                        page.wait_for_load_state("networkidle", timeout=2000)
                loads += 1
        context.close()
    return time.perf_counter() - started, loads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        print("bench_scan: no Chromium on PATH (apt-get install chromium)")
        return 2
    scans: list[float] = []
    floors: list[float] = []
    quiets: list[float] = []
    with serve_site(pages=args.pages) as site, tempfile.TemporaryDirectory() as repo:
        write_repository(repo)
        run_floor(site, 2, quiet=False)  # warm the OS caches once
        for _ in range(args.runs):
            elapsed, loads, findings = run_scan(site, Path(repo), args.pages)
            scans.append(elapsed)
            floor, floor_loads = run_floor(site, args.pages, quiet=False)
            floors.append(floor)
            quiet, _ = run_floor(site, args.pages, quiet=True)
            quiets.append(quiet)
    scan, floor, quiet = (statistics.median(v) for v in (scans, floors, quiets))
    print(f"{args.pages} pages before and after consent ({loads} page loads), {args.runs} runs")
    per_page = scan / loads * 1000
    print(f"  govern scan       {scan:7.2f} s  {per_page:7.0f} ms/page  {findings} findings")
    print(f"  floor (load)      {floor:7.2f} s  {floor / floor_loads * 1000:7.0f} ms/page")
    print(f"  floor + quiet     {quiet:7.2f} s  {quiet / floor_loads * 1000:7.0f} ms/page")
    print(f"  scan / floor          {scan / floor:5.2f}x")
    print(f"  scan / floor+quiet    {scan / quiet:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

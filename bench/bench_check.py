"""How long `govern check` takes on a pull request, against what git and YAML parsing alone cost.

The repository: 20 policies (one of 5,000 items, 19 small ones) and 2,000 commits, written with
`git fast-import`. The pull request changes the big policy: a new third-party recipient (material)
and three longer retentions (material), with the legal reviewer's approval records committed on
the branch, so `check` walks the whole path (diff, rules, ledger, authors) and passes.

Baseline, measured in the same run: `git diff --stat BASE HEAD`, plus reading the two versions of
the changed file (`git cat-file`) and parsing both with PyYAML's C loader — the least any tool
must do to look at this change.

    python bench/bench_check.py [--runs 5] [--keep DIR]

Prints medians and the ratio of `govern check` (the real CLI, one process per run) to the
baseline: cold (empty .git/govern/blobs cache) and warm (cache filled by the previous run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

POLICIES = 20
BIG_ITEMS = 5_000
COMMITS = 2_000
BIG = "policies/acme/big.yaml"
AUTHOR = "author@acme.example"
COUNSEL = "counsel@acme.example"
GOVERN = [str(Path(sys.executable).with_name("govern"))]  # the console script, as CI runs it

PYPROJECT = f"""\
[tool.govern]
require_announcement = false

[tool.govern.reviewers]
"{COUNSEL}" = "legal"
"""


def item(index: int, retention: str = "13 months") -> str:
    return (
        f"  - id: item-{index:05d}\n"
        f"    name: _acme_{index:05d}\n"
        f"    storage: cookie\n"
        f"    party: first\n"
        f"    category: analytics\n"
        f"    data_uses: [analytics.reporting]\n"
        f"    purpose: measures feature {index} usage.\n"
        f"    retention: {retention}\n"
        f"    consent: opt-in\n"
    )


def big_policy(revision: int, *, changed: bool = False) -> str:
    lines = [
        "title: Big policy\n",
        "owner: Acme Legal\n",
        f"summary: Revision {revision} of a large policy.\n",
        "items:\n",
    ]
    for index in range(BIG_ITEMS):
        longer = changed and index in (10, 2000, 4000)
        lines.append(item(index, "25 months" if longer else "13 months"))
    lines.append(
        "recipients:\n  - id: stripe\n    name: Stripe\n    role: controller\n"
        "    data_uses: [essential.service.payment_processing]\n"
        "    data_shared: [user.financial]\n"
    )
    if changed:
        lines.append(
            "  - id: hotjar\n    name: Hotjar\n    role: processor\n"
            "    purpose: Session recordings.\n    data_uses: [analytics.reporting]\n"
            "    data_shared: [user.behavior]\n"
        )
    return "".join(lines)


def small_policy(number: int, revision: int) -> str:
    body = [f"title: Policy {number}\n", f"summary: Revision {revision}.\n", "items:\n"]
    body += [item(index) for index in range(20)]
    return "".join(body)


def _blob(path: str, text: str) -> bytes:
    data = text.encode()
    return f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def build(root: Path) -> tuple[str, str]:
    """The repository, and the base and head commits of the pull request."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream = bytearray()
    when = 1_700_000_000
    for number in range(1, COMMITS + 1):
        when += 600
        who = f"dev{number % 7}@acme.example"
        message = f"commit {number}".encode()
        stream += b"commit refs/heads/main\n"
        stream += f"author Dev <{who}> {when} +0000\ncommitter Dev <{who}> {when} +0000\n".encode()
        stream += f"data {len(message)}\n".encode() + message + b"\n"
        if number == 1:
            stream += _blob("pyproject.toml", PYPROJECT)
            stream += _blob(BIG, big_policy(0))
            for other in range(1, POLICIES):
                stream += _blob(f"policies/acme/policy-{other:02d}.yaml", small_policy(other, 0))
        elif number % 100 == 0:
            stream += _blob(BIG, big_policy(number))
        else:
            other = number % (POLICIES - 1) + 1
            stream += _blob(f"policies/acme/policy-{other:02d}.yaml", small_policy(other, number))
        stream += b"\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=bytes(stream), check=True)
    git(root, "checkout", "-q", "-f", "main")
    base = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "-b", "change")
    (root / BIG).write_text(big_policy(COMMITS, changed=True))
    git(root, "commit", "-q", "-am", "Add Hotjar, keep three cookies longer", author=AUTHOR)
    approve_all(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Legal approval", author=COUNSEL)
    return base, git(root, "rev-parse", "HEAD")


def approve_all(root: Path) -> None:
    """Write the reviewer's records for every material finding (what `govern approve` writes)."""
    from governance.check import run_check
    from governance.config import load_config
    from governance.gitrepo import GitRepository
    from governance.ledger import ABSENT, Decision, ReviewRecord, utc_now, write_record

    config = load_config(root)
    result = run_check(GitRepository.open(root), "main", "HEAD")
    for checked in result.blocking:
        write_record(
            config,
            ReviewRecord(
                policy=checked.policy.policy,
                fingerprint=checked.finding.fingerprint,
                rule=checked.finding.rule,
                path=checked.finding.path,
                base_blob=checked.policy.base_blob or ABSENT,
                head_blob=checked.policy.head_blob or ABSENT,
                decision=Decision.approved,
                reviewer=COUNSEL,
                role="legal",
                decided_at=utc_now(),
            ),
        )
    print(f"  the change has {len(result.findings)} findings, {len(result.blocking)} approved")


def git(root: Path, *args: str, author: str | None = None) -> str:
    environment = dict(os.environ)
    if author:
        environment.update(
            GIT_AUTHOR_EMAIL=author,
            GIT_AUTHOR_NAME="A",
            GIT_COMMITTER_EMAIL=author,
            GIT_COMMITTER_NAME="A",
        )
    completed = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, env=environment, check=True
    )
    return completed.stdout.strip()


def baseline(root: Path, base: str, head: str) -> float:
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        raise SystemExit("PyYAML has no C loader here (libyaml missing): the baseline needs it")
    start = time.perf_counter()
    subprocess.run(["git", "diff", "--stat", base, head], cwd=root, capture_output=True, check=True)
    for revision in (base, head):
        data = subprocess.run(
            ["git", "cat-file", "blob", f"{revision}:{BIG}"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
        yaml.load(data, Loader=loader)  # noqa: S506 - the C safe loader
    return time.perf_counter() - start


def govern_check(root: Path, base: str, head: str, *, cold: bool) -> float:
    if cold:
        shutil.rmtree(root / ".git" / "govern" / "blobs", ignore_errors=True)
    start = time.perf_counter()
    completed = subprocess.run(
        [*GOVERN, "check", "--base", base, "--head", head, "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(
            f"govern check exited {completed.returncode}:\n{completed.stderr}"
            f"{completed.stdout[-2000:]}"
        )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="build the repository here")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="govern-bench-check-"))
    root = options.keep or scratch / "repo"
    try:
        print(f"building {COMMITS} commits, {POLICIES} policies ({BIG_ITEMS:,}-item {BIG}) ...")
        started = time.perf_counter()
        base, head = build(root)
        size = (root / BIG).stat().st_size
        print(f"  built in {time.perf_counter() - started:.1f}s; {BIG} is {size / 1e6:.1f} MB")

        baselines, colds, warms = [], [], []
        for _ in range(options.runs):
            baselines.append(baseline(root, base, head))
            colds.append(govern_check(root, base, head, cold=True))
            warms.append(govern_check(root, base, head, cold=False))
        base_median = statistics.median(baselines)
        cold_median = statistics.median(colds)
        warm_median = statistics.median(warms)
        print(f"runs: {options.runs} (medians)")
        print(f"  baseline  git diff --stat + 2 x C-YAML parse: {base_median * 1000:8.0f} ms")
        print(
            f"  govern check, cold (empty blob cache):       {cold_median * 1000:8.0f} ms"
            f"   ratio {cold_median / base_median:5.2f}x"
        )
        print(
            f"  govern check, warm (blob cache filled):       {warm_median * 1000:8.0f} ms"
            f"   ratio {warm_median / base_median:5.2f}x"
        )
    finally:
        if options.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

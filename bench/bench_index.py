"""Benchmark `govern index`: a generated history of 2,000 commits over 20 policies.

Measures, in one run and against `git log --raw` over the same repository (the baseline: the
least any indexer must read):
- the full index of the history (library call and the `govern index` command),
- an incremental index after one new commit,
and prints the number of blobs parsed by each (the incremental run must parse only the new blob).

    python bench/bench_index.py [--commits 2000] [--policies 20] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from governance.config import Config  # noqa: E402
from governance.gitrepo import GitRepository  # noqa: E402
from governance.history import IndexResult, index_history  # noqa: E402
from governance.store import open_store  # noqa: E402

BASE_ITEMS = 12


def item(identifier: str, number: int) -> str:
    category = ("strictly_necessary", "functional", "analytics")[number % 3]
    consent = {"strictly_necessary": "none", "functional": "none", "analytics": "opt-in"}[category]
    use = {
        "strictly_necessary": "essential.service.authentication",
        "functional": "functional.storage",
        "analytics": "analytics.reporting",
    }[category]
    return (
        f"  - id: {identifier}\n    name: {identifier}\n    storage: cookie\n    party: first\n"
        f"    category: {category}\n    data_uses: [{use}]\n"
        f"    purpose: keeps feature {number} of the service working across visits.\n"
        f"    retention: {1 + number % 24} months\n    consent: {consent}\n"
    )


def policy(number: int, items: int) -> bytes:
    sections = "".join(
        f"  - id: part-{n}\n    title: Part {n}\n    body: >-\n"
        f"      Paragraph {n} of policy {number} explains how this part of the service uses the\n"
        f"      storage listed below, why, and what you can do about it at any time.\n"
        for n in range(6)
    )
    body = "".join(item(f"item-{n}", n) for n in range(items))
    return (
        f"title: Policy {number}\nowner: Legal\nsummary: What policy {number} covers.\n"
        f"sections:\n{sections}items:\n{body}"
    ).encode()


def generate(repo: Path, commits: int, policies: int) -> None:
    """A linear history built with `git fast-import`: every commit edits one policy."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    sizes = {p: BASE_ITEMS for p in range(policies)}
    chunks: list[bytes] = []
    for number in range(commits):
        target = number % policies
        if number >= policies:
            sizes[target] += 1
        content = policy(target, sizes[target])
        stamp = 1_700_000_000 + number * 600
        message = f"policy {target}: change {number}".encode()
        chunks.append(b"blob\nmark :%d\ndata %d\n%s\n" % (2 * number + 1, len(content), content))
        chunks.append(
            b"commit refs/heads/main\nmark :%d\n"
            b"author Bench <bench@example.test> %d +0000\n"
            b"committer Bench <bench@example.test> %d +0000\ndata %d\n%s\n"
            % (2 * number + 2, stamp, stamp, len(message), message)
        )
        if number:
            chunks.append(b"from :%d\n" % (2 * number))
        chunks.append(b"M 100644 :%d policies/policy-%02d.yaml\n\n" % (2 * number + 1, target))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(chunks), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True)


def add_one_commit(repo: Path, policies: int) -> None:
    path = repo / "policies" / "policy-00.yaml"
    path.write_bytes(path.read_bytes() + item("one-more", 999).encode())
    subprocess.run(["git", "commit", "-qam", "one more item"], cwd=repo, check=True)


def git_log_raw_seconds(repo: Path, repeats: int = 5) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(
            ["git", "log", "--raw", "--no-abbrev"], cwd=repo, stdout=subprocess.DEVNULL, check=True
        )
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def library_index(repo: Path) -> tuple[IndexResult, float]:
    store = open_store(Config(root=repo))
    started = time.perf_counter()
    result = index_history(GitRepository.open(repo), store, "policies", parallel=True)
    elapsed = time.perf_counter() - started
    store.close()
    return result, elapsed


def command_index(repo: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "governance", "index", "--repo", str(repo)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--policies", type=int, default=20)
    parser.add_argument("--postgres", metavar="URL", help="index into this store instead")
    arguments = parser.parse_args()
    if arguments.postgres:
        os.environ["GOVERN_DATABASE_URL"] = arguments.postgres
    else:
        os.environ.pop("GOVERN_DATABASE_URL", None)

    with tempfile.TemporaryDirectory(prefix="govern-bench-") as scratch:
        repo = Path(scratch) / "repo"
        started = time.perf_counter()
        generate(repo, arguments.commits, arguments.policies)
        print(
            f"history: {arguments.commits} commits over {arguments.policies} policies "
            f"(generated in {time.perf_counter() - started:.2f}s with git fast-import)"
        )
        store_kind = "PostgreSQL" if arguments.postgres else "SQLite"
        baseline = git_log_raw_seconds(repo)
        print(f"baseline: git log --raw            {baseline * 1000:9.1f} ms")

        full, full_seconds = library_index(repo)
        print(
            f"full index ({store_kind}, library)   {full_seconds * 1000:9.1f} ms  "
            f"= {full_seconds / baseline:7.1f} x git log --raw   "
            f"parses: {full.blobs_parsed}  versions: {full.versions_added}"
        )

        add_one_commit(repo, arguments.policies)
        baseline_after = git_log_raw_seconds(repo)
        incremental, incremental_seconds = library_index(repo)
        print(
            f"incremental, 1 new commit (library) {incremental_seconds * 1000:9.1f} ms  "
            f"= {incremental_seconds / baseline_after:7.1f} x git log --raw   "
            f"parses: {incremental.blobs_parsed}  versions: {incremental.versions_added}"
        )
        up_to_date, noop_seconds = library_index(repo)
        print(
            f"nothing new (library)               {noop_seconds * 1000:9.1f} ms  "
            f"= {noop_seconds / baseline_after:7.1f} x git log --raw   "
            f"parses: {up_to_date.blobs_parsed}"
        )

        add_one_commit(repo, arguments.policies)
        command_seconds = command_index(repo)
        print(
            f"incremental, 1 new commit (govern index command, with interpreter start-up) "
            f"{command_seconds * 1000:.1f} ms = {command_seconds / baseline_after:.1f} x"
        )
        ok = incremental.blobs_parsed == 1 and up_to_date.blobs_parsed == 0
        print("incremental parsed only the new blob:", "yes" if ok else "NO")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

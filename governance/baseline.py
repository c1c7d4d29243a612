"""The published baseline: the version of a policy users were last told about.

A material change must not reach users in harmless-looking steps ("13 months" → removed, a minor
change; later → "10 years", new and compared with nothing). So ``check`` also compares the head
with the version at the last publication on the base's history — the newest version whose
``last_updated`` changed (publishing an announcement sets it), or, before any, the first version —
and what is material against it and was never reviewed fails the gate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from governance.errors import PolicyError
from governance.findings import Baseline

if TYPE_CHECKING:
    from governance.gitrepo import GitRepository
    from governance.model import Policy


# A line that states a page's date: a version whose diff touches none cannot have a new
# last_updated, so it is not parsed (a policy's history can hold thousands of large versions).
DATE_LINES = "updated|effective|modified|revised|date"


def published_baseline(repo: GitRepository, path: str, base: str) -> Baseline | None:
    """The last published version of the policy file at ``path`` as of the commit ``base``
    (None when the policy does not exist there)."""
    versions = [v for v in repo.versions(path, base, first_parent=True) if v.blob_sha]
    if not versions:
        return None
    dated = repo.commits_changing_lines(base, path, DATE_LINES)
    for version in versions:  # newest first
        if version.previous_blob_sha is None:
            return Baseline(
                commit=version.commit, blob=version.blob_sha or "", reason="its first version"
            )
        if version.commit not in dated:
            continue
        before = _parse(repo, version.previous_path or version.path, version.previous_blob_sha)
        after = _parse(repo, version.path, version.blob_sha or "")
        if before is None or after is None:
            continue
        if before.last_updated != after.last_updated:
            date = after.last_updated.isoformat() if after.last_updated else "none"
            return Baseline(
                commit=version.commit,
                blob=version.blob_sha or "",
                reason=f"published: last_updated changed to {date}",
            )
    oldest = versions[-1]
    return Baseline(commit=oldest.commit, blob=oldest.blob_sha or "", reason="its oldest version")


def _parse(repo: GitRepository, path: str, blob_sha: str) -> Policy | None:
    from governance.blobcache import parse_policy_file
    from governance.gitrepo import PolicyFile

    data = repo.read_blobs([blob_sha])[blob_sha]
    try:
        return parse_policy_file(PolicyFile(path, path, blob_sha, data), repo.root)
    except PolicyError:
        return None

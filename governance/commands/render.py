"""``govern render POLICY [--rev REV] [--format markdown|html] [-o FILE]``: the page users read."""

from __future__ import annotations

from pathlib import Path

from governance.commands._options import emit
from governance.config import Config, load_config
from governance.errors import PolicyError
from governance.formats import POLICY_SUFFIXES, discover, parse_policy, policy_id, read_policy_file
from governance.model import Policy


def run(
    policy: str,
    rev: str | None,
    fmt: str,
    output: Path | None,
    repo: Path,
    front_matter: bool = True,
) -> int:
    config = load_config(repo)
    model = load_at_revision(policy, rev, config) if rev else load_from_disk(policy, config)
    from governance.render import render_html, render_markdown

    text = (
        render_html(model) if fmt == "html" else render_markdown(model, front_matter=front_matter)
    )
    emit(text, output)
    return 0


def load_from_disk(argument: str, config: Config) -> Policy:
    """A policy from a file path, or from its id under the policies directory."""
    candidate = Path(argument)
    for path in (candidate, config.root / candidate):
        if path.is_file():
            inside = _within(path, config.policies_dir)
            return read_policy_file(path, config.policies_dir if inside else None).policy
    found = [
        config.policies_dir / f"{argument}{suffix}"
        for suffix in POLICY_SUFFIXES
        if (config.policies_dir / f"{argument}{suffix}").is_file()
    ]
    if len(found) > 1:
        raise PolicyError(
            f"policy {argument!r} is ambiguous: {', '.join(p.name for p in found)}",
            file=config.policies_dir,
            field="POLICY",
            hint="name the file instead of the id",
        )
    if not found:
        known = [policy_id(path, config.policies_dir) for path in discover(config.policies_dir)]
        raise PolicyError(
            f"no policy {argument!r} (looked for a file and for an id under {config.policies})",
            file=config.policies_dir,
            field="POLICY",
            hint=f"known policies: {', '.join(known)}" if known else "the policies folder is empty",
        )
    return read_policy_file(found[0], config.policies_dir).policy


def load_at_revision(argument: str, rev: str, config: Config) -> Policy:
    """A policy as committed at ``rev`` (an id, or a path that names the policy)."""
    from governance.commands._history import policy_id_from_argument
    from governance.gitrepo import GitRepository

    git_repo = GitRepository.open(config.root)
    identifier = policy_id_from_argument(argument, config, git_repo)
    files = git_repo.policy_files(rev, str(config.policies_dir))
    policy_file = files.get(identifier)
    if policy_file is None:
        known = ", ".join(sorted(files)) or "none"
        raise PolicyError(
            f"no policy {identifier!r} at {rev}",
            field="POLICY",
            hint=f"policies at {rev}: {known}",
        )
    return parse_policy(policy_file.data, f"{policy_file.path}@{rev}")


def _within(path: Path, directory: Path) -> bool:
    try:
        path.absolute().relative_to(directory.absolute())
    except ValueError:
        return False
    return True

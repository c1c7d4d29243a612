"""``govern init [--signing]``: a starter configuration, and SSH signing for the reviewer.

Nothing is overwritten: an existing configuration is left as it is (``--signing`` then only adds
the reviewer's key to the allowed signers and says which setting to turn on).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import click

from governance.atomic import write_atomic
from governance.config import SETTINGS_FILES, load_config, settings_source
from governance.errors import ConfigError, ReviewError
from governance.identity import current_identity

STARTER = """\
# govern settings; `govern rules` lists the rule ids, README "Configuration" the keys.
# The gate reads these settings from the base of each change: a change that edits them is
# reported (governance-config-changed) and takes effect once approved and merged.
# Land this file in a change of its own.

policies = "policies"               # where the policies live
feed = "announcements/feed.json"    # the in-app announcement feed
require_announcement = true         # an approved material change also needs an announcement
require_signatures = {signatures}       # review records must carry an SSH signature
# allowed_signers = ".govern-ledger/allowed_signers"

[reviewers]
# "counsel@example.com" = "legal"     # decides on findings
# "releases@example.com" = "release"  # approves and publishes announcements

[rules]
# "text-changed" = "off"
"""


def run(repo: Path, signing: bool, identity: str | None) -> int:
    root = repo.resolve()
    existing = settings_source(lambda name: _read(root / name))
    config = load_config(root)
    signer = f"{current_identity(root, identity)} {_public_key(root)}" if signing else None
    if existing is None:
        target = root / SETTINGS_FILES[0]
        write_atomic(target, STARTER.format(signatures="true" if signing else "false"))
        click.echo(f"wrote {target}")
    else:
        click.echo(f"kept the existing settings in {root / existing[0]}")
    if signer is not None:
        email, key = signer.split(" ", 1)
        line = f'{email} namespaces="govern-review" {key}\n'
        signers = root / config.allowed_signers
        current = signers.read_text(encoding="utf-8") if signers.is_file() else ""
        if line in current:
            click.echo(f"{signers} already lists this key for {email}")
        else:
            separator = "" if not current or current.endswith("\n") else "\n"
            write_atomic(signers, current + separator + line)
            click.echo(f"added the key of {email} to {signers}")
        if existing is not None and not config.require_signatures:
            click.echo(
                "turn signing on with  require_signatures = true  in "
                f"{existing[0]}{' [tool.govern]' if existing[0] == 'pyproject.toml' else ''}"
            )
    click.echo(
        "Next: list your reviewers under [reviewers], then commit these files in a change of "
        "their own; the gate applies them to the changes after it."
    )
    return 0


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _public_key(root: Path) -> str:
    """The reviewer's public key, from ``git config user.signingkey`` (a key file or a literal
    ``key::ssh-…``), as ``type base64``."""
    completed = subprocess.run(
        ["git", "-C", str(root), "config", "--get", "user.signingkey"],
        capture_output=True,
        text=True,
        check=False,
    )
    configured = completed.stdout.strip()
    hint = (
        "create a key and tell git: ssh-keygen -t ed25519 -f ~/.ssh/govern && "
        "git config user.signingkey ~/.ssh/govern.pub"
    )
    if not configured:
        raise ReviewError("git config user.signingkey is not set", hint=hint)
    if configured.startswith("key::"):
        text = configured.removeprefix("key::")
    else:
        path = Path(configured).expanduser()
        public = path if path.suffix == ".pub" else path.with_name(path.name + ".pub")
        if not public.is_file():
            raise ConfigError(
                f"no public key at {public} (from git config user.signingkey)", hint=hint
            )
        text = public.read_text(encoding="utf-8")
    parts = text.split()
    if len(parts) < 2 or not parts[0].startswith(("ssh-", "ecdsa-", "sk-")):
        raise ConfigError("git config user.signingkey does not name an SSH public key", hint=hint)
    return f"{parts[0]} {parts[1]}"

"""Optional SSH signatures on review records, the way git signs commits with an SSH key.

Signing runs ``ssh-keygen -Y sign -n govern-review``; verifying runs ``ssh-keygen -Y verify``
against the allowed-signers file kept in the reviewed repository (``allowed_signers`` in
``[tool.govern]``), with the record's reviewer as the principal. A signature therefore proves two
things: the canonical fields were not edited since signing, and the key belongs to the reviewer the
record names.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from governance.errors import ReviewError

NAMESPACE = "govern-review"
KEY_ENVIRONMENT = "GOVERN_SIGNING_KEY"


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str  # why not, in words for the check report ("" when valid)


def _ssh_keygen() -> str:
    program = shutil.which("ssh-keygen")
    if program is None:
        raise ReviewError(
            "ssh-keygen is not installed, and it is needed to sign or verify review records",
            hint="install OpenSSH 8.2 or newer (Debian/Ubuntu: openssh-client)",
        )
    return program


def signing_key(repo_root: Path, explicit: str | Path | None) -> Path | None:
    """The key to sign with: ``--key``, else ``$GOVERN_SIGNING_KEY``, else git's user.signingkey."""
    candidate: str | None = str(explicit) if explicit else os.environ.get(KEY_ENVIRONMENT)
    source = "--key" if explicit else KEY_ENVIRONMENT
    if not candidate:
        completed = subprocess.run(
            ["git", "-C", str(repo_root), "config", "--get", "user.signingkey"],
            capture_output=True,
            text=True,
            check=False,
        )
        candidate = completed.stdout.strip() or None
        source = "git config user.signingkey"
        if candidate and candidate.startswith(("key::", "ssh-")):
            raise ReviewError(
                "git config user.signingkey holds a literal public key; govern needs a key file",
                field="user.signingkey",
                hint="pass --key ~/.ssh/id_ed25519 (or set GOVERN_SIGNING_KEY)",
            )
    if not candidate:
        return None
    path = Path(candidate).expanduser()
    if not path.is_file():
        raise ReviewError(
            f"signing key {str(path)!r} (from {source}) does not exist", field="--key"
        )
    return path


def sign(payload: bytes, key: Path) -> str:
    """An armored SSH signature (``-----BEGIN SSH SIGNATURE-----``) over ``payload``."""
    completed = subprocess.run(
        [_ssh_keygen(), "-Y", "sign", "-f", str(key), "-n", NAMESPACE],
        input=payload,
        capture_output=True,
        check=False,
    )
    signature = completed.stdout.decode("ascii", "replace")
    if completed.returncode != 0 or "BEGIN SSH SIGNATURE" not in signature:
        message = completed.stderr.decode("utf-8", "replace").strip() or "no signature produced"
        raise ReviewError(
            f"ssh-keygen could not sign with {key}: {message}",
            field="--key",
            hint="use an unencrypted key or load it into ssh-agent",
        )
    return signature.strip() + "\n"


def verify(
    payload: bytes,
    signature: str | None,
    principal: str,
    allowed_signers: bytes | None,
    allowed_signers_name: str,
) -> Verification:
    """Is ``signature`` a valid signature of ``payload`` by a key allowed for ``principal``?"""
    if not signature:
        return Verification(False, "unsigned, and this repository requires signed reviews")
    if allowed_signers is None:
        return Verification(False, f"no allowed-signers file at {allowed_signers_name}")
    with tempfile.TemporaryDirectory(prefix="govern-verify-") as scratch:
        signers = Path(scratch) / "allowed_signers"
        signers.write_bytes(allowed_signers)
        signature_file = Path(scratch) / "record.sig"
        signature_file.write_text(signature, encoding="ascii", errors="replace")
        completed = subprocess.run(
            [
                _ssh_keygen(),
                "-Y",
                "verify",
                "-f",
                str(signers),
                "-I",
                principal,
                "-n",
                NAMESPACE,
                "-s",
                str(signature_file),
            ],
            input=payload,
            capture_output=True,
            check=False,
        )
        if completed.returncode == 0:
            return Verification(True, "")
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        # Tell a changed record from a good signature by the wrong key.
        if not _signature_is_intact(payload, signature_file):
            last = detail[-1] if detail else "verification failed"
            return Verification(
                False, f"bad signature: the record was changed after it was signed ({last})"
            )
        signer = _signer_of(payload, signature_file, signers)
    if signer is not None:
        return Verification(
            False, f"signed with the key {allowed_signers_name} lists for {signer}, not {principal}"
        )
    return Verification(
        False, f"signed with a key that {allowed_signers_name} does not list for {principal}"
    )


def _signer_of(payload: bytes, signature_file: Path, signers: Path) -> str | None:
    completed = subprocess.run(
        [
            _ssh_keygen(),
            "-Y",
            "find-principals",
            "-f",
            str(signers),
            "-s",
            str(signature_file),
            "-n",
            NAMESPACE,
        ],
        input=payload,
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        return None
    principals = completed.stdout.decode("utf-8", "replace").split()
    return principals[0] if principals else None


def _signature_is_intact(payload: bytes, signature_file: Path) -> bool:
    """True when the signature matches the payload for *some* key (``check-novalidate``)."""
    completed = subprocess.run(
        [_ssh_keygen(), "-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(signature_file)],
        input=payload,
        capture_output=True,
        check=False,
    )
    return completed.returncode == 0

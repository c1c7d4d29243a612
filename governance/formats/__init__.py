"""Reading policy files: bytes in, a validated :class:`~governance.model.PolicyDocument` out.

Both formats (YAML, Markdown) parse into the same model. This module owns what is common to
them: the size limit, binary and encoding checks, policy ids from paths, and containment in the
policies directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from governance.errors import PolicyError
from governance.model import Policy, PolicyDocument

MAX_POLICY_BYTES = 10 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
POLICY_SUFFIXES = YAML_SUFFIXES + MARKDOWN_SUFFIXES


def format_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    raise PolicyError(f"not a policy file: expected one of {', '.join(POLICY_SUFFIXES)}", file=name)


def decode(data: bytes, source: str, *, max_bytes: int = MAX_POLICY_BYTES) -> str:
    """Policy bytes as text, refusing what is too large, binary or not UTF-8."""
    if len(data) > max_bytes:
        raise PolicyError(
            f"the file is {len(data):,} bytes, over the {max_bytes:,}-byte limit for a policy",
            file=source,
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise PolicyError("the file is UTF-16 text; save it as UTF-8", file=source, line=1)
    if b"\x00" in data[:8192]:
        raise PolicyError("this is a binary file, not a policy", file=source, line=1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PolicyError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8",
            file=source,
            line=line,
        ) from None
    if not text.strip():
        raise PolicyError("the policy is empty", file=source, line=1)
    return text


def parse_policy(data: bytes | str, source: str, *, fmt: str | None = None) -> Policy:
    """Parse one version of a policy from its bytes (or text)."""
    text = decode(data, source) if isinstance(data, bytes) else data
    if not text.strip():
        raise PolicyError("the policy is empty", file=source, line=1)
    kind = fmt or format_of(source.split("@", 1)[0])
    if kind == "yaml":
        from governance.formats.yaml_format import parse_yaml

        return parse_yaml(text, source)
    from governance.formats.markdown_format import parse_markdown

    return parse_markdown(text, source)


def policy_id(path: Path, policies_dir: Path) -> str:
    """``policies/mitpo/cookies-and-tracking.yaml`` → ``mitpo/cookies-and-tracking``."""
    relative = contained(path, policies_dir)
    return relative.with_suffix("").as_posix()


def contained(path: Path, policies_dir: Path) -> PurePosixPath:
    """The path relative to the policies directory, refusing ``..`` and symlinks out of it."""
    root = policies_dir.resolve()
    absolute = path if path.is_absolute() else Path.cwd() / path
    resolved = absolute.resolve()
    try:
        relative = resolved.relative_to(root)
    except ValueError:
        raise PolicyError(
            f"the policy is outside the policies directory {policies_dir} "
            "(via '..' or a symbolic link)",
            file=path,
        ) from None
    return PurePosixPath(relative.as_posix())


def read_policy_file(path: Path, policies_dir: Path | None = None) -> PolicyDocument:
    """Read and validate one policy file from disk."""
    source = str(path)
    identifier = policy_id(path, policies_dir) if policies_dir else path.with_suffix("").name
    kind = format_of(source)
    try:
        size = path.stat().st_size
        if size > MAX_POLICY_BYTES:
            raise PolicyError(
                f"the file is {size:,} bytes, over the {MAX_POLICY_BYTES:,}-byte limit "
                "for a policy",
                file=source,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError("no such file", file=source) from None
    except IsADirectoryError:
        raise PolicyError("this is a directory, not a policy file", file=source) from None
    except PermissionError:
        raise PolicyError("permission denied", file=source) from None
    policy = parse_policy(data, source, fmt=kind)
    return PolicyDocument(policy_id=identifier, source=source, format=kind, policy=policy)


def discover(policies_dir: Path) -> Iterator[Path]:
    """Every policy file under the policies directory, in a stable order."""
    if not policies_dir.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(policies_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if filename.lower().endswith(POLICY_SUFFIXES) and not filename.startswith("."):
                yield Path(dirpath) / filename

"""The canonical YAML form: read with PyYAML's C loader, written back with ruamel round-trip.

Reading builds plain data with ``CSafeLoader`` and validates it with pydantic. Positions are only
computed when something needs one (an error, an annotation), by composing the YAML once more.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from governance.errors import PolicyError
from governance.model import DuplicateIdError, Policy

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s,\]}]")


def parse_yaml(text: str, source: str) -> Policy:
    """Parse and validate a YAML policy; every failure is a PolicyError naming file:line and field."""
    _refuse_aliases(text, source)
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - CSafeLoader is the safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise PolicyError(
            f"malformed YAML: {error.problem or error.context}",
            file=source,
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as error:
        raise PolicyError(f"malformed YAML: {error}", file=source) from None
    return validate_data(data, text, source)


def validate_data(data: Any, text: str, source: str) -> Policy:
    if data is None:
        raise PolicyError("the policy is empty", file=source, line=1)
    if not isinstance(data, Mapping):
        raise PolicyError(
            f"a policy must be a mapping of fields, not a {type(data).__name__}", file=source, line=1
        )
    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        raise _policy_error(error, data, text, source) from None


def _policy_error(error: ValidationError, data: Any, text: str, source: str) -> PolicyError:
    first = error.errors(include_url=False)[0]
    loc: tuple[Any, ...] = tuple(first["loc"])
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, DuplicateIdError):
        loc = (cause.collection, cause.index, "id")
        message = str(cause)
    else:
        message = _readable(first)
    # pydantic adds the validator's name to the loc of after-validators on lists; drop non-keys
    loc = tuple(part for part in loc if isinstance(part, int) or part in _keys_along(data, loc))
    return PolicyError(message, file=source, line=line_of(text, loc), field=field_name(loc, data))


def _keys_along(data: Any, loc: tuple[Any, ...]) -> set[str]:
    keys: set[str] = set()
    node = data
    for part in loc:
        if isinstance(node, Mapping):
            keys.update(str(k) for k in node)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            keys.add(str(part))
            node = None
    return keys


def _readable(detail: Any) -> str:
    kind = detail["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    message = str(detail["msg"])
    return message.removeprefix("Value error, ")


def field_name(loc: Sequence[Any], data: Any = None) -> str:
    """``("items", 2, "data_uses", 0)`` → ``items[2].data_uses[0]``, with the item id when known."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            label = f"[{part}]"
            if isinstance(node, list) and part < len(node):
                node = node[part]
                if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                    label = f"[{node['id']}]"
            else:
                node = None
            out += label
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return out or "(document)"


def line_of(text: str, loc: Sequence[Any]) -> int | None:
    """1-based line of the node at ``loc`` (keys and list indexes), or of its deepest ancestor."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    line = key.start_mark.line + 1
                    node = value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def line_of_entry(text: str, collection: str, entry_id: str, field: str | None = None) -> int | None:
    """Line of ``collection[id == entry_id].field`` in a YAML policy, for annotations."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506
    except yaml.YAMLError:
        return None
    entries = data.get(collection) if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        return None
    for index, entry in enumerate(entries):
        if isinstance(entry, Mapping) and entry.get("id") == entry_id:
            loc: list[Any] = [collection, index]
            if field:
                loc.append(field)
            return line_of(text, loc)
    return line_of(text, [collection])


def _refuse_aliases(text: str, source: str) -> None:
    """Anchors and aliases hide content from a reader and enable alias bombs: refuse them."""
    if not _MAYBE_ANCHOR.search(text):
        return
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                raise PolicyError(
                    "YAML anchors and aliases are not allowed in a policy; write each value out",
                    file=source,
                    line=token.start_mark.line + 1,
                )
    except yaml.MarkedYAMLError:
        return  # the real parse reports it with its position


def to_data(policy: Policy) -> dict[str, Any]:
    """The policy as plain data in the canonical key order, leaving out defaults."""
    return policy.model_dump(mode="json", exclude_defaults=True)


def dump_yaml(policy: Policy) -> str:
    """A fresh YAML rendering of a policy (for new files; edits go through :func:`update_fields`)."""
    data = to_data(policy)
    if policy.last_updated is not None:
        data["last_updated"] = policy.last_updated
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def update_fields(path: Path, changes: Mapping[str, Any]) -> str:
    """Set top-level fields of a YAML policy file, keeping comments, order and layout.

    Returns the new text; the caller writes it atomically.
    """
    from ruamel.yaml import YAML

    round_trip = YAML(typ="rt")
    round_trip.preserve_quotes = True
    round_trip.width = 4096
    document = round_trip.load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        document[key] = value.isoformat() if isinstance(value, date) else value
    buffer = io.StringIO()
    round_trip.dump(document, buffer)
    return buffer.getvalue()

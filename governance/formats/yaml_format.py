"""The canonical YAML form: read with PyYAML's C loader, written back with ruamel round-trip.

Reading builds plain data with ``CSafeLoader`` and validates it with pydantic. Positions are only
computed when something needs one (an error, an annotation), by composing the YAML once more.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from governance.errors import PolicyError
from governance.model import LocatedError, Policy

try:
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The C safe loader, refusing what would silently lose or garble a disclosure."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"the key {key_node.value!r} appears twice in one mapping; the second "
                        "would silently replace the first",
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a valid date ({error})", node.start_mark
            ) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        if len(node.value) > MAX_NUMBER_DIGITS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a number of {len(node.value):,} digits is not one a policy uses",
                node.start_mark,
            )
        return super().construct_yaml_int(node)


MAX_NUMBER_DIGITS = 30
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)

# "&name" / "*name" where a YAML node can start; a cheap pre-check before a token scan
_MAYBE_ANCHOR = re.compile(r"[&*](?=[^\s,\]}])")
_NODE_START = frozenset(" \t\r\n[{,:-")
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEY_AT = re.compile(r"^(?P<indent>\s*)(?:-\s+)*(?P<key>[A-Za-z_][\w.-]*)\s*:")


def parse_yaml(text: str, source: str) -> Policy:
    """Parse and validate a YAML policy; every failure is a PolicyError naming file:line, field."""
    data = load_yaml(text, source)
    return validate_data(data, text, source)


def load_yaml(text: str, source: str, *, first_line: int = 1, what: str = "YAML") -> Any:
    """Plain data from YAML text that starts on ``first_line`` of ``source``; errors name the line
    and the field they are in."""
    offset = first_line - 1
    try:
        _refuse_aliases(text, source)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a CSafeLoader subclass
    except PolicyError as error:
        line = (error.line or 1) + offset
        raise PolicyError(
            error.message, file=source, line=line, field=field_at(text, error.line)
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        found: int | None = min(mark.line + 1, text.count("\n") + 1) if mark else None
        problem = error.problem or error.context
        lines = text.split("\n")
        if (
            found is not None
            and found <= len(lines)
            and "\t" in lines[found - 1][: mark.column + 1 if mark else 1]
        ):
            problem = "a tab is not allowed here; indent YAML with spaces"
        raise PolicyError(
            f"malformed {what}: {problem}",
            file=source,
            line=found + offset if found else first_line,
            field=field_at(text, found),
        ) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise PolicyError(
            f"malformed {what}: character U+{_code(error.character):04X} is not allowed "
            f"({error.reason})",
            file=source,
            line=line + offset,
            field=field_at(text, line),
        ) from None
    except yaml.YAMLError as error:
        raise PolicyError(f"malformed {what}: {error}", file=source, line=first_line) from None
    except RecursionError:
        raise PolicyError(
            f"malformed {what}: nested too deeply", file=source, line=first_line
        ) from None


def _code(character: int | str) -> int:
    return character if isinstance(character, int) else ord(character[:1] or "\0")


def field_at(text: str, line: int | None) -> str | None:
    """The dotted key path in force at a 1-based line, judged by indentation (for messages about
    text that did not parse)."""
    if not line:
        return None
    lines = text.split("\n")[:line]
    path: list[tuple[int, str]] = []
    for raw in lines:
        match = _KEY_AT.match(raw)
        if match is None:
            continue
        indent = len(raw) - len(raw.lstrip(" -"))
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, match["key"]))
    return ".".join(key for _, key in path) or None


def validate_data(data: Any, text: str, source: str) -> Policy:
    if data is None:
        raise PolicyError("the policy is empty", file=source, line=1)
    if not isinstance(data, Mapping):
        raise PolicyError(
            f"a policy must be a mapping of fields, not a {type(data).__name__}",
            file=source,
            line=1,
        )
    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        raise _policy_error(error, data, text, source) from None


def _policy_error(error: ValidationError, data: Any, text: str, source: str) -> PolicyError:
    """The first problem, carrying every other one of the same file (in ``more``)."""
    problems = [
        _one_problem(detail, data, text, source) for detail in error.errors(include_url=False)
    ]
    first, *rest = problems
    first.more = rest
    return first


def _one_problem(detail: Any, data: Any, text: str, source: str) -> PolicyError:
    loc: tuple[Any, ...] = tuple(detail["loc"])
    cause = (detail.get("ctx") or {}).get("error")
    if isinstance(cause, LocatedError):
        loc = (cause.collection, cause.index, cause.field)
        message = str(cause)
    else:
        message = _readable(detail)
    loc = clean_loc(loc)
    hint = _did_you_mean(loc) if detail["type"] == "extra_forbidden" else None
    return PolicyError(
        message, file=source, line=line_of(text, loc), field=field_name(loc, data), hint=hint
    )


_MODELS_OF = {
    "items": "Item",
    "recipients": "Recipient",
    "sections": "Section",
    "commitments": "Commitment",
    "controls": "Control",
}


def _did_you_mean(loc: tuple[Any, ...]) -> str | None:
    """``retension`` → "did you mean 'retention'?", among the fields allowed where it is."""
    import difflib

    from governance import model

    if not loc or not isinstance(loc[-1], str):
        return None
    name = _MODELS_OF.get(str(loc[0])) if len(loc) > 1 else "Policy"
    fields = list(getattr(model, name or "Policy").model_fields) if name else []
    close = difflib.get_close_matches(loc[-1], fields, n=1, cutoff=0.75)
    return f"did you mean {close[0]!r}?" if close else None


def clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Field names and list indexes only: pydantic may add a validator's name (such as
    ``function-after[...]``) to a location, which is no key of the document."""
    return tuple(part for part in loc if isinstance(part, int) or _FIELD_NAME.match(str(part)))


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
    if kind == "string_pattern_mismatch":
        return (
            f"{detail.get('input')!r} is not a valid id: use lowercase letters, digits, "
            "'.', '_' and '-', starting with a letter or digit"
        )
    if kind == "enum":
        expected = (detail.get("ctx") or {}).get("expected", "")
        return f"{detail.get('input')!r} is not one of {expected}"
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


def line_of_entry(
    text: str, collection: str, entry_id: str, field: str | None = None
) -> int | None:
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


def _may_have_anchor(text: str) -> bool:
    if "&" not in text and "*" not in text:
        return False
    for match in _MAYBE_ANCHOR.finditer(text):
        start = match.start()
        if start == 0 or text[start - 1] in _NODE_START:
            return True
    return False


def _refuse_aliases(text: str, source: str) -> None:
    """Anchors and aliases hide content from a reader and enable alias bombs: refuse them."""
    if not _may_have_anchor(text):
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
    """A fresh YAML rendering of a policy (new files; edits go through :func:`update_fields`)."""
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
    from ruamel.yaml.util import load_yaml_guess_indent

    text = path.read_text(encoding="utf-8")
    _, indent, block_sequence_indent = load_yaml_guess_indent(text)
    round_trip = YAML(typ="rt")
    round_trip.preserve_quotes = True
    round_trip.width = 4096
    # keep the file's own indentation ("  - id: x" stays indented; ruamel's default is "- id")
    offset = block_sequence_indent or 0
    sequence = indent or 2
    round_trip.indent(mapping=max(sequence - offset, 2), sequence=sequence, offset=offset)
    document = round_trip.load(text)
    for key, value in changes.items():
        document[key] = value  # a date stays a plain YAML date (2026-06-02), not a string
    buffer = io.StringIO()
    round_trip.dump(document, buffer)
    return buffer.getvalue()

"""Shapes of exported cookie pages, recognised in a list of Markdown blocks.

CMS exports flatten tables into one paragraph per cell ("Name", "Description", …, "Name",
"_ga", …), list partners as a bold name followed by "**Label:** value" paragraphs, and mark
sub-headings as a bold line or a short line standing alone. These functions turn such runs of
blocks into table, record and heading blocks; they know nothing about cookies.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from governance.formats._md_blocks import Block, Entry, is_heading_like, parse_blocks


def _is_label(block: Block) -> bool:
    text = block.text
    return (
        block.kind == "paragraph"
        and block.single_line
        and not block.link_only
        and 0 < len(text) <= 50
        and len(text.split()) <= 6
        and not text.endswith((".", ",", ";", "!", "?"))
    )


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def flat_tables(blocks: list[Block]) -> list[Block]:
    """A table flattened into one paragraph per cell ("Name", "Description", …, "Name", "_ga")."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        found = _flat_table_at(blocks, index)
        if found is None:
            out.append(blocks[index])
            index += 1
            continue
        table, index = found
        out.append(table)
    return out


def _flat_table_at(blocks: list[Block], start: int) -> tuple[Block, int] | None:
    if not _is_label(blocks[start]):
        return None
    labels = [blocks[start].text]
    cursor = start + 1
    while (
        cursor < len(blocks)
        and len(labels) < 12
        and _is_label(blocks[cursor])
        and _norm(blocks[cursor].text) not in {_norm(label) for label in labels}
    ):
        labels.append(blocks[cursor].text)
        cursor += 1
    keys = [_norm(label) for label in labels]
    if (
        len(keys) < 3
        or cursor >= len(blocks)
        or blocks[cursor].kind != "paragraph"
        or _norm(blocks[cursor].text) != keys[0]
    ):
        return None
    rows: list[list[str]] = []
    entries: list[Entry] = []
    while (
        cursor < len(blocks)
        and blocks[cursor].kind == "paragraph"
        and _norm(blocks[cursor].text) == keys[0]
    ):
        row_line = blocks[cursor].line
        cursor += 1
        position = 0
        values: dict[int, list[Block]] = {0: []}
        while cursor < len(blocks) and blocks[cursor].kind == "paragraph":
            key = _norm(blocks[cursor].text)
            if key in keys[position + 1 :]:
                position = keys.index(key, position + 1)
                values[position] = []
                cursor += 1
                continue
            if key == keys[0] or (position == len(keys) - 1 and values[position]):
                break
            values[position].append(blocks[cursor])
            cursor += 1
        row = [" ".join(_cell(b) for b in values.get(n, [])) for n in range(len(keys))]
        rows.append(row)
        entries.append(Entry(text=" ".join(row), line=row_line, depth=0))
    table = Block(
        kind="table",
        line=blocks[start].line,
        end_line=blocks[cursor - 1].end_line,
        source="\n\n".join(b.source for b in blocks[start:cursor]),
        header=labels,
        rows=rows,
        entries=entries,
    )
    return table, cursor


def _cell(block: Block) -> str:
    if block.links and (not block.text or block.text.startswith(("http://", "https://"))):
        return block.links[0]
    return block.text


def _is_record_name(block: Block) -> bool:
    return (
        block.kind == "paragraph"
        and block.bold
        and block.single_line
        and 0 < len(block.text.split()) <= 8
        and not block.text.rstrip("*_ ").endswith(":")
    )


def _is_field(block: Block) -> bool:
    label = block.bold_label
    return (
        block.kind == "paragraph"
        and label is not None
        and label.rstrip().endswith(":")
        and len(label.split()) <= 6
        and not block.bold
    )


def bold_records(blocks: list[Block]) -> list[Block]:
    """ "**Adjust**" followed by "**Privacy Policy:** …" paragraphs: one record per name."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        if not (
            _is_record_name(blocks[index])
            and index + 1 < len(blocks)
            and _is_field(blocks[index + 1])
        ):
            out.append(blocks[index])
            index += 1
            continue
        start = index
        records: list[list[str]] = []
        entries: list[Entry] = []
        while (
            index + 1 < len(blocks)
            and _is_record_name(blocks[index])
            and _is_field(blocks[index + 1])
        ):
            record = [blocks[index].text.strip("*_ ")]
            index += 1
            while index < len(blocks):
                block = blocks[index]
                if _is_field(block):
                    label = (block.bold_label or "").rstrip(": ")
                    value = block.text[len(block.bold_label or "") :].strip()
                    if not value and block.links:
                        value = block.links[0]
                    record.append(f"{label}\x1f{value}")
                elif (
                    block.kind == "paragraph"
                    and not _is_record_name(block)
                    and index + 1 < len(blocks)
                    and _is_field(blocks[index + 1])
                ):
                    record[-1] = f"{record[-1]} {block.text}"
                else:
                    break
                text = block.text
                if _is_field(block) and block.bold_label:
                    text = text[len(block.bold_label) :].strip()
                entries.append(Entry(text=text, line=block.line, depth=0))
                index += 1
            records.append(record)
        out.append(
            Block(
                kind="records",
                line=blocks[start].line,
                end_line=blocks[index - 1].end_line,
                source="\n\n".join(b.source for b in blocks[start:index]),
                rows=records,
                entries=entries,
            )
        )
    return out


_BOLD_FIRST_LINE = re.compile(r"^\s*(\*\*|__)(?=\S)(?P<title>.+?)(?<=\S)\1\s*$")


def split_bold_leads(blocks: list[Block]) -> list[Block]:
    """ "**Analytics**  \\nWe measure…" is a sub-heading followed by a paragraph."""
    out: list[Block] = []
    for block in blocks:
        lines = block.source.split("\n")
        if block.kind != "paragraph" or len(lines) < 2 or not _BOLD_FIRST_LINE.match(lines[0]):
            out.append(block)
            continue
        head = parse_blocks(lines[0].strip(), block.line)
        tail = parse_blocks("\n".join(lines[1:]), block.line + 1)
        if len(head) == 1 and head[0].bold and is_heading_like(head[0]):
            out.extend(head + tail)
        else:
            out.append(block)
    return out


def promote_headings(blocks: list[Block], is_date: Callable[[str], bool]) -> None:
    """Short title-like lines and bold lines standing alone are headings on exported pages."""
    section_level = 1
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            section_level = block.level
            continue
        if not is_heading_like(block) or is_date(block.text) or index + 1 >= len(blocks):
            continue
        if ". " in block.text:
            continue
        block.kind = "heading"
        block.pseudo = True
        block.text = block.text.strip("*_ ")
        if block.bold:
            block.level = min(section_level + 1, 6)
        else:
            block.level = 2
            section_level = 2


# "Name: _ga" / "Provider: Google" / "Expiry: 2 years": a cookie described field by field.
_FIELD_LINE = re.compile(
    r"^\s*[*_]*(?P<label>[A-Za-z][A-Za-z /]{1,30}?)[*_]*\s*:[*_]*\s*(?P<value>\S.*)$"
)
_NAME_LABELS = frozenset({"name", "cookie", "cookie name", "name of cookie", "key", "identifier"})
_FIELD_LABELS = _NAME_LABELS | frozenset(
    {
        "provider", "vendor", "company", "third party", "domain", "host", "purpose",
        "purposes", "description", "expiry", "expiration", "expires", "duration", "retention",
        "lifespan", "type", "category", "storage", "party", "more information",
        "privacy policy",
    }
)  # fmt: skip


def field_records(blocks: list[Block]) -> list[Block]:
    """Cookies described one field per line ("**Name:** uuid", "**Provider:** …", "**Expiry:**
    …"), in one paragraph or one paragraph per field: consecutive records become one table
    block whose header is the labels, so they are read as a table is."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        records, end = _records_from(blocks, index)
        if len(records) < 1 or not any(len(record) >= 2 for record in records):
            out.append(blocks[index])
            index += 1
            continue
        header: list[str] = []
        for record in records:
            header += [label for label, _ in record if label not in header]
        rows = [[dict(record).get(label, "") for label in header] for record in records]
        first, last = blocks[index], blocks[end - 1]
        out.append(
            Block(
                kind="table",
                line=first.line,
                end_line=last.end_line,
                source="\n".join(block.source for block in blocks[index:end]),
                header=header,
                rows=rows,
            )
        )
        index = end
    return out


def _records_from(blocks: list[Block], start: int) -> tuple[list[list[tuple[str, str]]], int]:
    """The records of field lines from ``start`` on, and the index after them."""
    records: list[list[tuple[str, str]]] = []
    index = start
    while index < len(blocks) and blocks[index].kind == "paragraph":
        fields = _field_lines(blocks[index].source)
        if fields is None:
            break
        for label, value in fields:
            if label in _NAME_LABELS or not records:
                if label not in _NAME_LABELS:
                    return [], start  # a record starts with its name
                records.append([])
            records[-1].append((label, value))
        index += 1
    return records, index


def _field_lines(source: str) -> list[tuple[str, str]] | None:
    """Each line of a paragraph as (label, value), or None when one line is not a field."""
    found = []
    for line in source.splitlines():
        if not line.strip():
            continue
        match = _FIELD_LINE.match(line)
        label = _norm(match["label"]) if match else ""
        if match is None or label not in _FIELD_LABELS:
            return None
        found.append((label, match["value"].strip().strip("* ")))
    return found or None

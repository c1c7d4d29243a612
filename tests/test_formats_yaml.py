"""The canonical YAML form: loading, positions, errors, dumping and comment-keeping edits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import MITPO_POLICY, PROJECT_ROOT

from governance.errors import PolicyError
from governance.formats import (
    decode,
    discover,
    format_of,
    parse_policy,
    policy_id,
    read_policy_file,
)
from governance.formats.yaml_format import (
    dump_yaml,
    field_at,
    line_of,
    line_of_entry,
    parse_yaml,
    update_fields,
)
from governance.model import Category, Consent, Party, Storage


def test_mitpo_policy_loads(mitpo_policy_text: str) -> None:
    policy = parse_yaml(mitpo_policy_text, str(MITPO_POLICY))
    assert policy.title == "Cookies & Tracking"
    assert policy.last_updated == date(2026, 4, 20)
    assert len(policy.items) == 12 and len(policy.recipients) == 2
    theme = next(item for item in policy.items if item.id == "theme")
    assert (theme.storage, theme.leaves_device, theme.consent) == (
        Storage.local_storage,
        False,
        Consent.none,
    )
    stripe = next(item for item in policy.items if item.id == "stripe-payment")
    assert (stripe.party, stripe.provider, stripe.category) == (
        Party.third,
        "stripe",
        Category.strictly_necessary,
    )
    assert policy.recipient("Stripe") is policy.recipient("stripe")


def test_read_policy_file_names_the_policy_by_its_path() -> None:
    document = read_policy_file(MITPO_POLICY, PROJECT_ROOT / "policies")
    assert document.policy_id == "mitpo/cookies-and-tracking"
    assert document.format == "yaml"
    assert policy_id(MITPO_POLICY, PROJECT_ROOT / "policies") == "mitpo/cookies-and-tracking"


def test_positions_of_entries_and_fields(mitpo_policy_text: str) -> None:
    lines = mitpo_policy_text.splitlines()
    line = line_of_entry(mitpo_policy_text, "items", "csrf-token")
    assert line is not None and lines[line - 1].strip() == "- id: csrf-token"
    line = line_of_entry(mitpo_policy_text, "items", "csrf-token", "purpose")
    assert line is not None and lines[line - 1].strip().startswith("purpose: protects form")
    missing = line_of_entry(mitpo_policy_text, "items", "nope")
    assert missing is not None and lines[missing - 1] == "items:"
    assert line_of(mitpo_policy_text, ("title",)) == lines.index("title: Cookies & Tracking") + 1


def test_dump_yaml_round_trips_the_mitpo_policy(mitpo_policy_text: str) -> None:
    policy = parse_yaml(mitpo_policy_text, "mitpo.yaml")
    dumped = dump_yaml(policy)
    assert "last_updated: 2026-04-20" in dumped
    assert parse_yaml(dumped, "dumped.yaml") == policy


def test_update_fields_keeps_comments_and_layout(tmp_path: Path, mitpo_policy_text: str) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(mitpo_policy_text, encoding="utf-8")
    updated = update_fields(path, {"last_updated": date(2026, 6, 2), "consent_revision": 2})
    assert "# Essential cookies: first-party" in updated
    assert "last_updated: 2026-06-02" in updated
    policy = parse_yaml(updated, "updated.yaml")
    assert (policy.last_updated, policy.consent_revision) == (date(2026, 6, 2), 2)
    original = mitpo_policy_text.splitlines()
    changed = [line for line in updated.splitlines() if line not in original]
    assert changed == ["last_updated: 2026-06-02", "consent_revision: 2"]


def test_bytes_with_bom_and_crlf_parse() -> None:
    data = "\ufefftitle: Cookies\r\nowner: Acme\r\n".encode()
    policy = parse_policy(data, "policies/acme.yaml")
    assert (policy.title, policy.owner) == ("Cookies", "Acme")


@pytest.mark.parametrize(
    ("text", "line", "field", "gist"),
    [
        ("title: a\ntitle: b\n", 2, "title", "appears twice"),
        (
            "title: a\nitems:\n  - id: x\n    name: X\n    name: Y\n",
            5,
            "items.name",
            "appears twice",
        ),
        ("title: a\nlast_updated: 2026-02-30\n", 2, "last_updated", "not a valid date"),
        ("title: &t a\nowner: *t\n", 1, "title", "anchors and aliases"),
        ("title: a\nsummary: 'unclosed\n", 3, "summary", "malformed YAML"),
    ],
)
def test_yaml_mistakes_name_line_and_field(text: str, line: int, field: str, gist: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_yaml(text, "p.yaml")
    error = raised.value
    assert (error.line, error.field) == (line, field)
    assert gist in error.message
    assert str(error).startswith(f"p.yaml:{line}: {field}: ")


def test_unknown_data_use_suggests_the_nearest_key() -> None:
    text = (
        "title: a\nitems:\n  - id: ga\n    name: _ga\n    category: marketing\n"
        "    consent: opt-in\n    data_uses: [marketing.advertising.thirdparty]\n"
    )
    with pytest.raises(PolicyError) as raised:
        parse_yaml(text, "p.yaml")
    assert raised.value.line == 7
    assert raised.value.field == "items[ga].data_uses"
    assert "did you mean 'marketing.advertising.third_party'?" in raised.value.message


def test_a_star_or_ampersand_in_text_is_not_an_alias() -> None:
    text = "title: Cookies & Tracking\nsummary: Items marked *optional* need consent &c.\n"
    policy = parse_yaml(text, "p.yaml")
    assert policy.title == "Cookies & Tracking"


def test_field_at_follows_indentation() -> None:
    text = "title: a\nitems:\n  - id: x\n    data_uses: [\n"
    assert field_at(text, 4) == "items.data_uses"
    assert field_at(text, 1) == "title"
    assert field_at(text, None) is None


def test_decode_refuses_what_is_not_a_utf8_policy() -> None:
    with pytest.raises(PolicyError, match="binary"):
        decode(b"title: a\x00", "p.yaml")
    with pytest.raises(PolicyError, match="UTF-16"):
        decode("title: a".encode("utf-16"), "p.yaml")
    with pytest.raises(PolicyError, match="over the 10-byte limit"):
        decode(b"title: abcdefgh", "p.yaml", max_bytes=10)
    with pytest.raises(PolicyError) as raised:
        decode(b"title: a\nowner: \xe9\n", "p.yaml")
    assert raised.value.line == 2


def test_format_of_and_discover(tmp_path: Path) -> None:
    assert format_of("a/b.yml") == "yaml" and format_of("a/b.MD") == "markdown"
    with pytest.raises(PolicyError, match="not a policy file"):
        format_of("notes.txt")
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("a/x.yaml", "a/y.md", "a/z.txt", ".hidden/h.yaml", "a/.swap.yaml"):
        (tmp_path / name).write_text("title: t\n", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)] == [
        "a/x.yaml",
        "a/y.md",
    ]

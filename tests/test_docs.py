"""The documentation for users of the package, held to the code: the rule catalogue is generated
from the registry, every configuration key, report, feed and ledger field is documented, links
stay inside the project, and nothing points at notes outside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docs_tables import RULES_DOC, current_block, registered_rules, rules_block

from governance.commands.schema import packaged_schema
from governance.config import Config
from governance.ledger import AnnouncementRecord, ReviewRecord

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOCS = PROJECT_ROOT / "docs"

# Files owned by work in progress elsewhere that still name an internal note; remove each entry
# when its file is fixed (the test below fails once an entry is no longer needed).
NAMES_AN_INTERNAL_NOTE_FOR_NOW: set[str] = set()
INTERNAL_NOTE = re.compile(r"CONTRACT(\.md|'s|\b)|DESIGN\.md|\.\./shared|design card")


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_the_rule_catalogue_in_the_docs_is_the_registry() -> None:
    rules = registered_rules()
    text = RULES_DOC.read_text(encoding="utf-8")
    assert current_block(text) == rules_block(rules), (
        "docs/rules.md is out of date: run `python tests/docs_tables.py`"
    )
    for rule in rules:
        assert f"| `{rule['id']}` | {rule['default_level']} |" in text


def test_every_configuration_key_is_documented_and_no_other() -> None:
    text = doc("configuration.md")
    keys_table = text.split("## Keys", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", keys_table, flags=re.M))
    settings = {name for name, field in Config.model_fields.items() if not field.exclude}
    assert documented == settings


@pytest.mark.parametrize(
    ("document", "fields"),
    [
        (
            "report.md",
            lambda: [
                *packaged_schema("report")["properties"],
                *packaged_schema("report")["$defs"]["finding"]["properties"],
                *packaged_schema("report")["$defs"]["policy"]["properties"],
            ],
        ),
        (
            "feed.md",
            lambda: [*packaged_schema("feed")["$defs"]["announcement"]["properties"]],
        ),
        (
            "ledger.md",
            lambda: [
                field.alias or name
                for model in (ReviewRecord, AnnouncementRecord)
                for name, field in model.model_fields.items()
                if not field.exclude
            ],
        ),
    ],
)
def test_every_field_of_the_formats_is_documented(document: str, fields: object) -> None:
    text = doc(document)
    assert callable(fields)
    missing = [field for field in fields() if f"`{field}`" not in text and f".{field}`" not in text]
    assert missing == [], f"docs/{document} does not describe {missing}"


def published_files() -> list[Path]:
    """What users get: the packages, their docs, the README and the action."""
    files = [PROJECT_ROOT / "README.md", PROJECT_ROOT / "action.yml"]
    for folder in ("governance", "announcements", "tui", "docs", "action"):
        files += [
            path
            for path in (PROJECT_ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and not path.is_symlink()
        ]
    return files


def test_nothing_users_get_points_at_a_note_outside_the_project() -> None:
    offenders = set()
    for path in published_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if INTERNAL_NOTE.search(text):
            offenders.add(path.relative_to(PROJECT_ROOT).as_posix())
    assert offenders == NAMES_AN_INTERNAL_NOTE_FOR_NOW


def test_links_in_the_docs_stay_in_the_project() -> None:
    for path in [PROJECT_ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            resolved = (path.parent / target.split("#")[0]).resolve()
            assert resolved.is_relative_to(PROJECT_ROOT), f"{path.name}: {target}"
            assert resolved.exists(), f"{path.name}: {target} does not exist"


def test_the_readme_teaches_the_browser_and_the_app() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    browser = readme.split("### Reviewing in a browser", 1)[1].split("\n#", 1)[0]
    assert "govern review --web" in browser and "127.0.0.1" in browser and "token" in browser
    app = readme.split("### In your app", 1)[1].split("\n#", 1)[0]
    [snippet] = re.findall(r"```html\n(.*?)```", app, flags=re.S)
    lines = snippet.strip().splitlines()
    assert len(lines) == 5, "the five lines a site adds"
    assert "import { showNotices }" in snippet and "govern:reconsent" in snippet
    assert "govern client --copy" in app

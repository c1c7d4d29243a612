"""Rule ids the prose comparison names are the registry's; names are compared as they look."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from governance.catalog import Catalog, deceptive, skeleton
from governance.compare import classify
from governance.config import Config
from governance.diff import diff_policies
from governance.findings import Level
from governance.formats.markdown_format import parse_markdown
from governance.model import Policy
from governance.prose.compare import RULE_IDS
from governance.rules.prose import _PROSE_RULES
from governance.rules.registry import REGISTRY, Hit, Registry, Rule, load_rules


def test_every_rule_id_of_the_prose_comparison_is_registered() -> None:
    load_rules()
    assert set(_PROSE_RULES) == RULE_IDS
    assert set(REGISTRY.rules) >= RULE_IDS


def _registry_reporting(rule: str) -> Registry:
    registry = Registry()
    registry.add_rule(Rule("text-changed", Level.editorial, "wording", "why", "metadata"))

    def detect(_: object) -> Iterator[Hit]:
        yield Hit("sections/a", "something new", None, "x", rule=rule)

    registry.detectors.append(("text-changed", detect))
    return registry


def test_an_unknown_rule_id_is_material_at_run_time_and_an_error_in_strict_mode() -> None:
    diff = diff_policies(Policy(title="a"), Policy(title="b"))
    registry = _registry_reporting("rule-nobody-declared")
    [finding] = registry.evaluate(diff)
    assert (finding.rule, finding.level) == ("rule-nobody-declared", Level.material)
    registry.strict = True
    with pytest.raises(ValueError, match="rule-nobody-declared"):
        registry.evaluate(diff)


def test_a_known_rule_id_keeps_its_level() -> None:
    diff = diff_policies(Policy(title="a"), Policy(title="b"))
    [finding] = _registry_reporting("text-changed").evaluate(diff)
    assert finding.level is Level.editorial


@pytest.mark.parametrize("name", ["_g\u0430", "_g\u200ba", "\uff3fga", "_g\u0251"[:2] + "a"])
def test_names_are_looked_up_by_their_skeleton(name: str) -> None:
    entry = Catalog.load().lookup(name)
    assert entry is not None and entry.platform == "Google Analytics"
    assert skeleton(name) == "_ga"


def test_deceptive_names_say_why() -> None:
    assert deceptive("_ga") is None
    assert deceptive("\u0441\u0430\u0444\u0435") is None  # all Cyrillic: one script
    assert "Cyrillic" in (deceptive("_g\u0430") or "")
    assert "U+200B" in (deceptive("_g\u200ba") or "")


PAGE = (
    "# Cookies at Quillbank\n\nQuillbank uses cookies.\n\n## Strictly necessary cookies\n\n"
    "| Cookie | Purpose | Duration |\n| --- | --- | --- |\n"
    "| qb_sid | Keeps you signed in | Session |\n"
)


@pytest.mark.parametrize("name", ["_g\u0430", "_g\u200ba"])
def test_a_look_alike_of_a_third_party_cookie_declared_necessary_is_caught(name: str) -> None:
    new = PAGE + f"| {name} | Keeps you signed in | Session |\n"
    report = classify(
        "quillbank/cookies", parse_markdown(PAGE, "a.md"), parse_markdown(new, "b.md"), Config()
    )
    material = {f.rule: f.message for f in report.findings if f.level is Level.material}
    assert "deceptive-name" in material, material
    assert "third-party-added" in material and "Google" in material["third-party-added"]

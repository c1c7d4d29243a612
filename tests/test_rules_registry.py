"""The rule catalogue: contract ids, levels, rationales, user overrides and plugin rules."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from diff_helpers import HOTJAR, Data, findings_of, only
from plugin_helpers import installed_plugin

from governance.config import Config, load_config
from governance.diff import PolicyDiff, entry_data
from governance.errors import ConfigError, GovernError
from governance.findings import Level
from governance.rules.registry import Hit, load_rules, registry_for

CONTRACT_RULES = {
    "third-party-added": "material",
    "sharing-expanded": "material",
    "purpose-added": "material",
    "tracking-item-added": "material",
    "tracking-item-removed": "minor",
    "retention-extended": "material",
    "consent-weakened": "material",
    "commitment-removed": "material",
    "data-leaves-device": "material",
    "text-changed": "editorial",
}
SOURCE = re.compile(r"GDPR|ePrivacy|WP194|WP260|CCPA|FTC|CJEU|Art\. \d")


def test_every_contract_rule_exists_with_its_default_level() -> None:
    registry = load_rules()
    for rule_id, level in CONTRACT_RULES.items():
        assert rule_id in registry.rules, rule_id
        assert registry.rules[rule_id].level.value == level


def test_every_rule_is_kebab_case_described_and_cites_a_source() -> None:
    registry = load_rules()
    builtin = [rule for rule in registry if rule.id in CONTRACT_RULES or rule.area != "plugin"]
    assert len(builtin) >= len(CONTRACT_RULES)
    for rule in builtin:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id), rule.id
        assert rule.description, rule.id
        assert SOURCE.search(rule.rationale) or rule.level is not Level.material, rule.id


def test_every_contract_rule_has_a_detector() -> None:
    registry = load_rules()
    detected = {rule_id for rule_id, _ in registry.detectors}
    assert set(CONTRACT_RULES) <= detected


def add_hotjar(data: Data) -> None:
    data["recipients"].append(dict(HOTJAR))


def test_level_override_and_off() -> None:
    lowered = findings_of(add_hotjar, Config(rules={"third-party-added": "minor"}))
    assert [f.level for f in only(lowered, "third-party-added")] == [Level.minor]
    silenced = findings_of(add_hotjar, Config(rules={"third-party-added": "off"}))
    assert only(silenced, "third-party-added") == []


def test_override_keeps_the_fingerprint() -> None:
    default = only(findings_of(add_hotjar), "third-party-added")
    lowered = only(
        findings_of(add_hotjar, Config(rules={"third-party-added": "minor"})), "third-party-added"
    )
    assert [f.fingerprint for f in default] == [f.fingerprint for f in lowered]


def test_unknown_rule_or_level_in_config_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.govern]\nrules = {"third-party-addded" = "minor"}\n'
    )
    with pytest.raises(ConfigError) as raised:
        registry_for(load_config(tmp_path))
    assert "third-party-addded" in str(raised.value)
    assert raised.value.field == "tool.govern.rules.third-party-addded"
    assert raised.value.exit_code == 2
    (tmp_path / "pyproject.toml").write_text(
        '[tool.govern]\nrules = {"third-party-added" = "severe"}\n'
    )
    with pytest.raises(ConfigError, match="level must be one of"):
        registry_for(load_config(tmp_path))


@pytest.fixture
def restore_registry() -> Iterator[None]:
    """The registry is process-wide: leave no test rule or detector behind."""
    registry = load_rules()
    rules, detectors = dict(registry.rules), list(registry.detectors)
    yield
    registry.rules.clear()
    registry.rules.update(rules)
    registry.detectors[:] = detectors


PLUGIN = """
from governance.findings import Level
from governance.rules.registry import Hit, rule


@rule(
    "b1-plugin-hotjar-banned",
    Level.material,
    description="Hotjar is banned by our DPO.",
    rationale="Internal policy DPO-7.",
    area="plugin",
)
def banned(diff):
    for recipient in diff.recipients.added:
        if recipient.name == "Hotjar":
            yield Hit(f"recipients/{recipient.id}", "Hotjar is banned here")
"""


def test_rules_from_an_installed_plugin(tmp_path: Path, restore_registry: None) -> None:
    with installed_plugin(tmp_path / "site", "acme-dpo", "b1_plugin_rules", PLUGIN):
        (tmp_path / "pyproject.toml").write_text(
            '[tool.govern]\nplugins = ["acme-dpo"]\nrules = {"b1-plugin-hotjar-banned" = "minor"}\n'
        )
        config = load_config(tmp_path)
        registry = registry_for(config)
        assert "b1-plugin-hotjar-banned" in registry.rules
        findings = only(findings_of(add_hotjar, config), "b1-plugin-hotjar-banned")
        assert [(f.level, f.message, f.reason) for f in findings] == [
            (Level.minor, "Hotjar is banned here", "Internal policy DPO-7.")
        ]
        # a repository that does not enable it does not get its rules, in the same process
        assert "b1-plugin-hotjar-banned" not in registry_for(Config()).rules
        assert only(findings_of(add_hotjar, Config()), "b1-plugin-hotjar-banned") == []


def test_missing_plugin_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "govern.toml").write_text('plugins = ["b1_no_such_plugin_module"]\n')
    with pytest.raises(ConfigError) as raised:
        registry_for(load_config(tmp_path))
    assert raised.value.field == "tool.govern.plugins"
    assert "b1_no_such_plugin_module" in str(raised.value)


def test_a_module_in_the_repository_is_not_a_plugin(tmp_path: Path) -> None:
    (tmp_path / "b1_local_rules.py").write_text(PLUGIN)
    (tmp_path / "govern.toml").write_text('plugins = ["b1_local_rules"]\n')
    with pytest.raises(ConfigError, match="no installed rule plugin is named 'b1_local_rules'"):
        registry_for(load_config(tmp_path))
    assert "b1_local_rules" not in sys.modules


@pytest.mark.parametrize("name", ["../evil", "/abs/path", "a b", ""])
def test_a_plugin_setting_that_is_not_a_name_is_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / "govern.toml").write_text(f"plugins = [{name!r}]\n".replace("'", '"'))
    with pytest.raises(ConfigError, match="is not a plugin name") as raised:
        load_config(tmp_path)
    assert raised.value.field == "plugins"


def test_a_failing_plugin_detector_is_named(tmp_path: Path, restore_registry: None) -> None:
    broken = """
        from governance.findings import Level
        from governance.rules.registry import rule


        @rule("b1-broken-rule", Level.minor, description="d", rationale="r", area="plugin")
        def broken(diff):
            raise KeyError("boom")
        """
    with installed_plugin(tmp_path / "site", "broken", "b1_broken_rules", broken):
        (tmp_path / "govern.toml").write_text('plugins = ["broken"]\n')
        config = load_config(tmp_path)
        registry_for(config)
        with pytest.raises(GovernError, match="b1-broken-rule.*b1_broken_rules.broken"):
            findings_of(add_hotjar, config)


def test_two_detectors_seeing_the_same_change_give_one_finding(
    restore_registry: None,
) -> None:
    registry = load_rules()

    @registry.detector("third-party-added")
    def same_as_structure(diff: PolicyDiff) -> Iterator[Hit]:
        for recipient in diff.recipients.added:
            yield Hit(
                f"recipients/{recipient.id}",
                f"Prose names {recipient.name}",  # other words, same change
                None,
                entry_data(recipient),
            )

    assert len(only(findings_of(add_hotjar), "third-party-added")) == 1

"""The rule registry, in the style of oasdiff's checker: ids, default levels, reasons, detectors.

A *rule* is public metadata users configure by id: its default level, what it fires on and the
legal rationale. A *detector* is a function that looks at a :class:`~governance.diff.PolicyDiff`
and yields :class:`Hit` objects for one rule; several detectors may feed one rule (a third party
can be added as a structured recipient or named in prose). Users add rules from installed
packages (entry points in the ``govern.rules`` group) enabled by name in ``[tool.govern] plugins``;
they register with the same decorators.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from governance.errors import ConfigError, GovernError
from governance.findings import Finding, Level

if TYPE_CHECKING:
    from governance.config import Config
    from governance.diff import PolicyDiff

OFF = "off"


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    description: str
    rationale: str
    area: str
    module: str = field(default="", compare=False)  # where it was declared


@dataclass(frozen=True)
class Hit:
    """One occurrence of a rule; the registry turns it into a Finding."""

    path: str
    message: str
    before: Any = None
    after: Any = None
    # a detector may lower or raise the default, e.g. a first-party strictly necessary item
    level: Level | None = None
    reason: str | None = None  # a more specific reason than the rule's rationale
    line: int | None = None
    # the rule the hit belongs to, when a detector feeds several (the prose detectors)
    rule: str | None = None


Detector = Callable[["PolicyDiff"], Iterable[Hit]]


UNKNOWN_RULE_REASON = (
    "This finding names a rule the registry does not know; an unknown rule is treated as "
    "material so that nothing is waved through unreviewed."
)


@dataclass
class Registry:
    rules: dict[str, Rule] = field(default_factory=dict)
    detectors: list[tuple[str, Detector]] = field(default_factory=list)
    # strict: a hit naming an unknown rule is an error (tests); else it is material (run time)
    strict: bool = False

    def add_rule(self, rule: Rule) -> None:
        if rule.id in self.rules and self.rules[rule.id] != rule:
            raise ValueError(f"rule {rule.id!r} is already registered differently")
        self.rules[rule.id] = rule

    def detector(self, rule_id: str) -> Callable[[Detector], Detector]:
        """Decorator: register a detector feeding ``rule_id`` (which must be registered)."""

        def register(function: Detector) -> Detector:
            if rule_id not in self.rules:
                raise ValueError(f"detector {function.__name__} names unknown rule {rule_id!r}")
            self.detectors.append((rule_id, function))
            return function

        return register

    def evaluate(self, diff: PolicyDiff, overrides: dict[str, str] | None = None) -> list[Finding]:
        """Run every detector on one policy's diff; apply the user's level overrides."""
        overrides = overrides or {}
        findings: dict[str, Finding] = {}
        for rule_id, detect in self.detectors:
            for hit in _run(rule_id, detect, diff):
                named = hit.rule or rule_id
                rule = self.rules.get(named)
                if rule is None:
                    if self.strict:
                        raise ValueError(
                            f"detector for {rule_id!r} reported unknown rule {named!r}"
                        )
                    rule = Rule(named, Level.material, "", UNKNOWN_RULE_REASON, "unknown")
                wanted = overrides.get(named)
                if wanted == OFF:
                    continue
                level = Level(wanted) if wanted else (hit.level or rule.level)
                finding = Finding(
                    rule=named,
                    level=level,
                    path=hit.path,
                    message=hit.message,
                    reason=hit.reason or rule.rationale,
                    before=hit.before,
                    after=hit.after,
                    line=hit.line,
                )
                # two detectors may see the same change (prose and structure): keep one
                findings.setdefault(finding.fingerprint, finding)
        return sorted(findings.values(), key=lambda f: (-f.level.rank, f.path, f.rule))

    def check_overrides(self, overrides: dict[str, str], source: str | None) -> None:
        levels = {level.value for level in Level} | {OFF}
        for rule_id, level in overrides.items():
            if rule_id not in self.rules:
                raise ConfigError(
                    f"unknown rule id {rule_id!r}; `govern rules` lists them",
                    file=source,
                    field=f"tool.govern.rules.{rule_id}",
                )
            if level not in levels:
                raise ConfigError(
                    f"level must be one of {', '.join(sorted(levels))}, not {level!r}",
                    file=source,
                    field=f"tool.govern.rules.{rule_id}",
                )

    def restricted_to(self, modules: tuple[str, ...]) -> Registry:
        """The rules and detectors declared in modules whose names start with ``modules``."""

        def allowed(module: str) -> bool:
            return any(module == name or module.startswith(name + ".") for name in modules)

        return Registry(
            rules={
                key: rule
                for key, rule in self.rules.items()
                if not rule.module or allowed(rule.module)
            },
            detectors=[
                (rule_id, detect)
                for rule_id, detect in self.detectors
                if allowed(getattr(detect, "__module__", ""))
            ],
        )

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self.rules.values(), key=lambda rule: (rule.area, rule.id)))


REGISTRY = Registry()


def rule(
    rule_id: str, level: Level, *, description: str, rationale: str, area: str
) -> Callable[[Detector], Detector]:
    """Declare a rule and register the decorated function as its first detector."""

    def register(function: Detector) -> Detector:
        REGISTRY.add_rule(
            Rule(rule_id, level, description, rationale, area, module=function.__module__)
        )
        return REGISTRY.detector(rule_id)(function)

    return register


def declare(
    rule_id: str, level: Level, *, description: str, rationale: str, area: str, module: str
) -> Rule:
    """Declare a rule whose findings come from elsewhere than a policy diff (settings, scans)."""
    declared = Rule(rule_id, level, description, rationale, area, module=module)
    REGISTRY.add_rule(declared)
    return declared


def detector(rule_id: str) -> Callable[[Detector], Detector]:
    """Register one more detector for an already declared rule."""
    return REGISTRY.detector(rule_id)


def _run(rule_id: str, detect: Detector, diff: PolicyDiff) -> list[Hit]:
    try:
        return list(detect(diff))
    except GovernError:
        raise
    except Exception as error:  # a plugin's bug must name the plugin, not look like govern's
        module = getattr(detect, "__module__", "?")
        name = getattr(detect, "__qualname__", repr(detect))
        raise GovernError(
            f"rule {rule_id!r}: detector {module}.{name} failed: {type(error).__name__}: {error}"
        ) from error


_BUILTIN_MODULES = (
    "recipients",
    "items",
    "purposes",
    "retention",
    "consent",
    "commitments",
    "metadata",
    "prose",
    "catalog",
    "settings",
    "technical_names",
    "scan",
)
PLUGIN_GROUP = "govern.rules"
_BUILTIN_PACKAGE = "governance.rules"
_loaded_plugins: dict[str, str] = {}  # entry-point name -> the module it loaded


def load_rules(plugins: Iterable[str] = (), source: str | None = None) -> Registry:
    """The registry with the built-in rules and the named plugins loaded.

    A plugin is an installed distribution that declares an entry point in the ``govern.rules``
    group (as pytest and flake8 plugins do); its module registers rules with the same decorators
    as the built-in ones. Nothing is ever imported from the reviewed repository: a change under
    review cannot bring code that judges it.
    """
    for name in _BUILTIN_MODULES:
        importlib.import_module(f"governance.rules.{name}")
    wanted = [plugin for plugin in plugins if plugin not in _loaded_plugins]
    if wanted:
        available = {entry.name: entry for entry in entry_points(group=PLUGIN_GROUP)}
        for plugin in wanted:
            entry = available.get(plugin)
            if entry is None:
                listed = ", ".join(sorted(available)) or "none is installed"
                raise ConfigError(
                    f"no installed rule plugin is named {plugin!r} (installed: {listed})",
                    file=source,
                    field="tool.govern.plugins",
                    hint="install the package that provides it; plugins declare an entry point "
                    f'in the "{PLUGIN_GROUP}" group',
                )
            try:
                entry.load()
            except Exception as error:  # noqa: BLE001 - a broken plugin is a setting to fix
                raise ConfigError(
                    f"rule plugin {plugin!r} failed to load: {type(error).__name__}: {error}",
                    file=source,
                    field="tool.govern.plugins",
                ) from None
            _loaded_plugins[plugin] = entry.module
    return REGISTRY


def registry_for(config: Config) -> Registry:
    """The rules one repository's settings enable: the built-in ones and its listed plugins (a
    plugin another repository enabled in this process does not count), overrides checked."""
    load_rules(config.plugins, config.source)
    modules = tuple(_loaded_plugins[plugin] for plugin in config.plugins)
    registry = REGISTRY.restricted_to((_BUILTIN_PACKAGE, *modules))
    registry.check_overrides(config.rules, config.source)
    return registry

"""The rule registry, in the style of oasdiff's checker: ids, default levels, reasons, detectors.

A *rule* is public metadata users configure by id: its default level, what it fires on and the
legal rationale. A *detector* is a function that looks at a :class:`~governance.diff.PolicyDiff`
and yields :class:`Hit` objects for one rule; several detectors may feed one rule (a third party
can be added as a structured recipient or named in prose). Users add rules from Python modules
listed in ``[tool.govern] plugins``; they register with the same decorators.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
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

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self.rules.values(), key=lambda rule: (rule.area, rule.id)))


REGISTRY = Registry()


def rule(
    rule_id: str, level: Level, *, description: str, rationale: str, area: str
) -> Callable[[Detector], Detector]:
    """Declare a rule and register the decorated function as its first detector."""
    REGISTRY.add_rule(Rule(rule_id, level, description, rationale, area))
    return REGISTRY.detector(rule_id)


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
)
_loaded_plugins: set[str] = set()


def load_rules(
    plugins: Iterable[str] = (), source: str | None = None, root: Path | None = None
) -> Registry:
    """The registry with the built-in rules and the user's plugin modules imported.

    Plugins are imported with the reviewed repository's root first on ``sys.path``, so a
    ``myrules.py`` next to its ``pyproject.toml`` is found.
    """
    for name in _BUILTIN_MODULES:
        module = f"governance.rules.{name}"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise
    for plugin in plugins:
        if plugin in _loaded_plugins:
            continue
        added = root is not None and str(root) not in sys.path
        if added:
            sys.path.insert(0, str(root))
        try:
            importlib.import_module(plugin)
        except ImportError as error:
            raise ConfigError(
                f"cannot import rule plugin {plugin!r}: {error}",
                file=source,
                field="tool.govern.plugins",
            ) from None
        except ValueError as error:  # a plugin redefining a rule differently, or a bad detector
            raise ConfigError(
                f"rule plugin {plugin!r}: {error}", file=source, field="tool.govern.plugins"
            ) from None
        finally:
            if added:
                sys.path.remove(str(root))
        _loaded_plugins.add(plugin)
    return REGISTRY


def registry_for(config: Config) -> Registry:
    """The registry for one repository: built-ins, its plugins, its overrides checked."""
    registry = load_rules(config.plugins, config.source, config.root)
    registry.check_overrides(config.rules, config.source)
    return registry

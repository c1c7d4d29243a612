"""Findings and the report: the public JSON shape "govern.report/1" (docs/report.md).

A finding's fingerprint hashes the rule id, the path and the normalised before/after values, and
nothing else: not the message wording, commit ids or line numbers. The same change keeps its
fingerprint across commits and rebases; editing the change gives it a new one.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

REPORT_SCHEMA = "govern.report/1"


class Level(StrEnum):
    material = "material"
    minor = "minor"
    editorial = "editorial"

    @property
    def rank(self) -> int:
        return {"material": 3, "minor": 2, "editorial": 1}[self.value]


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFKC", value).split())
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    return value


def fingerprint(rule: str, path: str, before: Any, after: Any) -> str:
    """12 hex digits identifying one change, stable across commits and rebases."""
    canonical = json.dumps(
        [rule, path, _normalise(before), _normalise(after)],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


class Baseline(BaseModel):
    """The version users were last told about: its commit, and why it counts as published."""

    commit: str
    blob: str = Field(exclude=True)
    reason: str


class Finding(BaseModel):
    rule: str
    level: Level
    path: str = Field(
        description='Where in the policy, e.g. "recipients/hotjar" or "items/_ga/retention"'
    )
    message: str = Field(description="What changed, in words a lawyer can read")
    reason: str = Field(description="Why this level, citing the source")
    before: Any = None
    after: Any = None
    fingerprint: str = ""
    line: int | None = Field(
        None, exclude=True, description="Line in the head file, for annotations"
    )
    review: Any = Field(None, exclude=True, description="Set by check: the record covering it")
    since: Baseline | None = Field(
        None,
        description="Set when the finding compares the head with the last published version "
        "rather than with the base (a change split into harmless-looking steps)",
    )

    def model_post_init(self, context: Any) -> None:
        if not self.fingerprint:
            self.fingerprint = fingerprint(self.rule, self.path, self.before, self.after)


class Side(BaseModel):
    ref: str
    commit: str | None = None


PolicyStatus = Literal["added", "removed", "modified", "unchanged"]
ReportKind = Literal["policy", "settings"]


class PolicyReport(BaseModel):
    policy: str
    status: PolicyStatus
    findings: list[Finding] = Field(default_factory=list)
    file: str | None = Field(
        None, description="Path of the head (or removed) file in the repository"
    )
    renamed_from: str | None = Field(
        None, description="The policy's id at the base, when it was moved or renamed"
    )
    kind: ReportKind = Field(
        "policy", description='"settings" for govern\'s own settings files, else "policy"'
    )
    base_file: str | None = Field(None, exclude=True, description="The file's path at the base")
    base_blob: str | None = Field(None, description="The file's blob id at the base")
    head_blob: str | None = Field(None, description="The file's blob id at the head")

    @property
    def material(self) -> bool:
        return any(f.level is Level.material for f in self.findings)

    @property
    def status_text(self) -> str:
        """The status in words, with the old id of a moved policy."""
        if self.renamed_from:
            return f"{self.status}, moved from {self.renamed_from}"
        return self.status


class Report(BaseModel):
    schema_: str = Field(REPORT_SCHEMA, alias="schema")
    base: Side | None = None
    head: Side | None = None
    policies: list[PolicyReport] = Field(default_factory=list)

    model_config = {"populate_by_name": True}

    @property
    def findings(self) -> list[Finding]:
        return [finding for policy in self.policies for finding in policy.findings]

    @property
    def summary(self) -> dict[str, int]:
        counts = {level.value: 0 for level in Level}
        for finding in self.findings:
            counts[finding.level.value] += 1
        return counts

    @property
    def material(self) -> bool:
        return any(f.level is Level.material for f in self.findings)

    def to_json_data(self) -> dict[str, Any]:
        """The govern.report/1 JSON object (``check`` adds ``review`` and ``verdict`` on top)."""
        return {
            "schema": self.schema_,
            "base": self.base.model_dump() if self.base else None,
            "head": self.head.model_dump() if self.head else None,
            "policies": [
                {
                    "policy": policy.policy,
                    "status": policy.status,
                    **({"renamed_from": policy.renamed_from} if policy.renamed_from else {}),
                    **({"kind": policy.kind} if policy.kind != "policy" else {}),
                    **(
                        {"base_blob": policy.base_blob, "head_blob": policy.head_blob}
                        if policy.base_blob or policy.head_blob
                        else {}
                    ),
                    "findings": [
                        finding.model_dump(
                            mode="json", exclude=None if finding.since else {"since"}
                        )
                        for finding in policy.findings
                    ],
                }
                for policy in self.policies
            ],
            "summary": self.summary,
            "material": self.material,
        }

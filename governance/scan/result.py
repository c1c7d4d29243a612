"""A scan's result: the findings in the report shape ``check`` uses, plus what was scanned.

Verdict and exit code: ``pass`` (0) when nothing material was found on a complete scan, ``fail``
(1) when a material finding was, and ``incomplete`` (2) when a URL or page could not be scanned —
a partial scan is never a pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from governance.errors import EXIT_BAD_INPUT, EXIT_GATE_FAILED, EXIT_OK
from governance.findings import Finding, Report
from governance.scan.match import Matched, duration_words
from governance.scan.observations import Observations, Phase

SCAN_SCHEMA = "govern.scan/1"


@dataclass
class ScanResult:
    report: Report
    policy_id: str
    policy_file: str | None
    observations: Observations
    matched: Matched
    suggestion: str | None = None

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings

    @property
    def partial(self) -> bool:
        return self.observations.partial

    @property
    def verdict(self) -> str:
        if self.partial:
            return "incomplete"
        return "fail" if self.report.material else "pass"

    @property
    def exit_code(self) -> int:
        if self.partial:
            return EXIT_BAD_INPUT
        return EXIT_GATE_FAILED if self.report.material else EXIT_OK

    def pages(self, phase: Phase) -> int:
        return len({page.url for page in self.observations.pages if page.phase is phase})

    def headline(self) -> str:
        total = len(self.findings)
        material = sum(1 for finding in self.findings if finding.level.value == "material")
        counted = f"{total} finding{'s' if total != 1 else ''}"
        if self.verdict == "incomplete":
            return f"govern scan: INCOMPLETE: the scan is partial ({counted} on what was scanned)"
        if self.verdict == "fail":
            return f"govern scan: FAIL: {material} material of {counted}"
        return f"govern scan: PASS: {counted}, none material" if total else "govern scan: PASS"

    def scope(self) -> str:
        """What was scanned, in one line."""
        seen = self.observations
        before, after = self.pages(Phase.before), self.pages(Phase.after)
        parts = []
        if before or after:
            parts.append(f"{before} page{'s' if before != 1 else ''} before consent")
            parts.append(f"{after} after" if seen.consented else "no consent given")
        unknown = self.pages(Phase.unknown)
        if unknown:
            parts.append(f"{unknown} page{'s' if unknown != 1 else ''} from HAR files")
        counts = (
            f"{len({c.name for c in seen.cookies})} cookies, "
            f"{len({(s.kind, s.key) for s in seen.storage})} storage keys, "
            f"{len({r.host for r in seen.requests})} hosts of other sites"
        )
        return f"{seen.site}: {', '.join(parts)}; {counts}" if parts else f"{seen.site}: {counts}"

    def scan_json(self) -> dict[str, Any]:
        seen = self.observations
        return {
            "schema": SCAN_SCHEMA,
            "site": seen.site,
            "sources": seen.sources,
            "policy": self.policy_id,
            "partial": self.partial,
            "consented": seen.consented,
            "pages": [
                {"url": page.url, "phase": page.phase.value, "status": page.status}
                for page in seen.pages
            ],
            "cookies": [
                {
                    "name": c.name,
                    "domain": c.domain,
                    "path": c.path,
                    "party": "first" if c.first_party else "third",
                    "duration": duration_words(c.duration_days),
                    "set_by": c.set_by,
                    "phase": c.phase.value,
                    "page": c.page,
                    "blocked": c.blocked,
                }
                for c in seen.cookies
            ],
            "storage": [
                {
                    "kind": s.kind.value,
                    "origin": s.origin,
                    "key": s.key,
                    "party": "first" if s.first_party else "third",
                    "phase": s.phase.value,
                    "page": s.page,
                }
                for s in seen.storage
            ],
            "requests": [
                {
                    "host": r.host,
                    "url": r.url,
                    "type": r.resource_type,
                    "initiator": r.initiator,
                    "phase": r.phase.value,
                    "page": r.page,
                }
                for r in seen.requests
            ],
            "problems": [{"where": p.where, "message": p.message} for p in seen.problems],
            "notes": seen.notes,
        }

    def to_json_data(self) -> dict[str, Any]:
        """The report of ``check`` (``govern.report/1``) with the verdict and a ``scan`` section."""
        data = self.report.to_json_data()
        data["verdict"] = self.verdict
        data["scan"] = self.scan_json()
        if self.suggestion is not None:
            data["suggestion"] = self.suggestion
        return data

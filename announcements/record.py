"""An announcement as the rest of the code sees it: its records in the ledger, folded.

The ledger in git holds every step of an announcement's life (see :mod:`announcements.lifecycle`
and :mod:`announcements.workflow`); this is the state they add up to, which commands, the review
app, rendering and publishing work on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from announcements.lifecycle import Status
from announcements.safe_markdown import markdown_to_html

__all__ = ["AnnouncementData", "Status", "Step", "format_time", "utc_now"]


class Step(BaseModel):
    """One event of an announcement's history, for people to read."""

    event: str
    actor: str
    at: datetime
    reason: str | None = None
    file: str | None = None


class AnnouncementData(BaseModel):
    id: str
    policy_id: str
    base_commit: str | None = None
    head_commit: str | None = None
    status: Status = Status.draft
    title: str
    body_markdown: str
    fingerprints: list[str] = Field(default_factory=list)
    requires_reconsent: bool = False
    consent_revision: int = 1
    drafted_by: str
    decided_by: str | None = None
    reason: str | None = None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    effective_at: datetime | None = None
    severity: str = "material"
    notice_days: int = 30
    editors: list[str] = Field(default_factory=list, description="Who drafted or edited it")
    base_blob: str | None = None
    head_blob: str | None = None
    content_sha256: str | None = Field(None, description="Of what it says now")
    approved_sha256: str | None = Field(None, description="Of what the release manager approved")
    steps: int = 0
    history: list[Step] = Field(default_factory=list)

    @field_validator("created_at", "updated_at", "published_at", "effective_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        # SQLite hands datetimes back without a time zone; every time we store is UTC.
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    @property
    def body_html(self) -> str:
        return markdown_to_html(self.body_markdown)

    def to_json_data(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["body_html"] = self.body_html
        return data


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def format_time(moment: datetime) -> str:
    """``2026-06-02T09:00:00Z``, the feed's form."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

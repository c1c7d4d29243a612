"""An announcement as the rest of the code sees it: a plain snapshot of its row in the store.

The store's SQLModel row lives only inside a session; everything outside (commands, the TUI,
rendering, publishing) works on this detached, validated copy.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, field_validator

from announcements.safe_markdown import markdown_to_html


class Status(StrEnum):
    draft = "draft"  # drafted or edited, not yet submitted
    submitted = "submitted"  # waiting for a release manager
    approved = "approved"
    rejected = "rejected"  # back to the drafter: edit and submit again
    published = "published"  # in the feed; final


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

"""``govern announce preview``: the banner and the modal on one static HTML page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from announcements import workflow
from announcements.outputs import render_preview
from announcements.record import AnnouncementData
from governance.atomic import write_atomic
from governance.config import Config


def preview_html(config: Config, data: AnnouncementData, now: datetime | None = None) -> str:
    """The page: everything from the policy is escaped; the page runs no script at all."""
    return render_preview(config, data, workflow.policy_title(config, data.policy_id), now)


def write_preview(config: Config, announcement_id: str, output: Path) -> Path:
    data = workflow.get(config, announcement_id)
    write_atomic(output, preview_html(config, data))
    return output

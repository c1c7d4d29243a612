"""Everything users see of an announcement, rendered from its templates.

- ``banner.txt``: the short in-app banner (plain text);
- ``modal.md``: the full in-app modal (Markdown; its HTML comes from the safe Markdown renderer);
- ``changelog.md``: the changelog entry;
- ``email.txt`` and ``email.html``: the email (HTML autoescaped);
- ``preview.html``: banner and modal on one static page, as the app would show them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from pydantic import BaseModel

from announcements.drafting import effective_at
from announcements.record import AnnouncementData, format_time, utc_now
from announcements.rendering import render
from announcements.safe_markdown import markdown_to_html, markdown_to_text
from governance.config import Config
from governance.errors import ConfigError

_URL_SAFE = ":/?#@!$&'*+,;=%~-._"


class Rendered(BaseModel):
    banner: str
    modal_markdown: str
    modal_html: str
    changelog: str
    email_subject: str
    email_text: str
    email_html: str


def links(config: Config, policy_id: str, policy_title: str) -> list[dict[str, str]]:
    """Links the app shows with the announcement (the policy page, when configured)."""
    if not config.policy_url:
        return []
    url = config.policy_url.replace("{policy}", policy_id)
    if not url.startswith(("https://", "http://")):
        raise ConfigError(
            "policy_url must be an http(s) URL", file=config.source, field="tool.govern.policy_url"
        )
    return [{"rel": "policy", "title": policy_title, "href": quote(url, safe=_URL_SAFE)}]


def dates_of(
    data: AnnouncementData, config: Config, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """When it is (or would be, if published now) published, and when it takes effect."""
    published = data.published_at or now or utc_now()
    effective = data.effective_at if data.published_at else None
    return published, effective or effective_at(published, data.notice_days)


def announcement_context(
    config: Config, data: AnnouncementData, policy_title: str, now: datetime | None = None
) -> dict[str, Any]:
    published, effective = dates_of(data, config, now)
    body_html = markdown_to_html(data.body_markdown)
    return {
        "announcement": {
            "id": data.id,
            "policy": data.policy_id,
            "policy_title": policy_title,
            "commit": data.head_commit,
            "status": data.status.value,
            "title": data.title,
            "body_markdown": data.body_markdown,
            # markdown-it with raw HTML off: the only markup in it is what Markdown creates.
            "body_html": Markup(body_html),  # noqa: S704
            "body_text": markdown_to_text(data.body_markdown),
            "severity": data.severity,
            "requires_reconsent": data.requires_reconsent,
            "consent_revision": data.consent_revision,
            "published_at": format_time(published),
            "effective_at": format_time(effective),
            "notice_days": data.notice_days,
            "links": links(config, data.policy_id, policy_title),
        }
    }


def render_outputs(
    config: Config, data: AnnouncementData, policy_title: str, now: datetime | None = None
) -> Rendered:
    context = announcement_context(config, data, policy_title, now)
    modal = render(config, "modal.md", context)
    return Rendered(
        banner=" ".join(render(config, "banner.txt", context).split()),
        modal_markdown=modal,
        modal_html=markdown_to_html(modal),
        changelog=render(config, "changelog.md", context),
        email_subject=" ".join(render(config, "email_subject.txt", context).split()),
        email_text=render(config, "email.txt", context),
        email_html=render(config, "email.html", context),
    )


def render_preview(
    config: Config, data: AnnouncementData, policy_title: str, now: datetime | None = None
) -> str:
    """One static HTML page with the banner and the modal, as a person would see them."""
    context = announcement_context(config, data, policy_title, now)
    context["banner"] = " ".join(render(config, "banner.txt", context).split())
    modal_html = markdown_to_html(render(config, "modal.md", context))
    context["modal_html"] = Markup(modal_html)  # noqa: S704 - the safe Markdown renderer's output
    return render(config, "preview.html", context)

"""Templates: they render, the sandbox holds, errors name template, line and variable, and
untrusted names come out inert in every HTML output."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from announcements_helpers import (
    POLICY_ID,
    POLICY_PATH,
    SCRIPT_PAYLOAD,
    XSS,
    mitpo_policy,
    mitpo_text,
    with_hotjar,
)

from announcements.drafting import draft_announcement
from announcements.outputs import render_outputs, render_preview
from announcements.record import AnnouncementData, Status
from announcements.rendering import build_environment, render
from announcements.safe_markdown import escape_markdown, markdown_to_html, markdown_to_text
from governance.compare import classify
from governance.config import Config
from governance.errors import TemplateError
from governance.formats import parse_policy

NOW = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


def announcement_of(config: Config, cookie: str = XSS, vendor: str = XSS) -> AnnouncementData:
    """A drafted announcement whose vendor and cookie names are attack strings."""
    base = mitpo_policy()
    head = parse_policy(with_hotjar(mitpo_text(), cookie, vendor), POLICY_PATH)
    findings = classify(POLICY_ID, base, head, config).findings
    draft = draft_announcement(findings, head, config, policy_id=POLICY_ID, base=base)
    return AnnouncementData(
        id="a1b2c3d4e5f6",
        policy_id=POLICY_ID,
        head_commit="f" * 40,
        status=Status.approved,
        title=draft.title,
        body_markdown=draft.body_markdown,
        fingerprints=draft.fingerprints,
        requires_reconsent=draft.requires_reconsent,
        consent_revision=draft.consent_revision,
        drafted_by="author@mitpo.example",
        created_at=NOW,
        updated_at=NOW,
    )


class _Elements(HTMLParser):
    """Every element and attribute an HTML document really has (not text that looks like one)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(name for name, _ in attrs)
        self.urls.extend(value or "" for name, value in attrs if name in {"href", "src"})


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def assert_inert(html: str) -> None:
    found = elements(html)
    assert "img" not in found.tags and "script" not in found.tags
    assert not [name for name in found.attributes if name.startswith("on")]
    assert not [url for url in found.urls if url.strip().lower().startswith("javascript:")]


def test_every_template_renders_the_announcement() -> None:
    config = Config(policy_url="https://mitpo.example/legal/{policy}")
    data = announcement_of(config, cookie="_hjSessionUser_*", vendor="Hotjar Ltd")
    rendered = render_outputs(config, data, "Cookies & Tracking", NOW)
    assert rendered.banner.startswith("We now work with Hotjar Ltd")
    assert "take effect on 2 July 2026" in rendered.banner
    assert "We will ask for your consent again." in rendered.banner
    assert rendered.modal_markdown.startswith("## We now work with Hotjar Ltd")
    assert "<h2>We now work with Hotjar Ltd" in rendered.modal_html
    assert "[Cookies \\& Tracking](https://mitpo.example/legal/mitpo/cookies-and-tracking)" in (
        rendered.modal_markdown
    )
    assert "Consent is asked again (consent revision 2)" in rendered.changelog
    assert rendered.email_subject == data.title
    assert "Hotjar Ltd now receives data from us" in rendered.email_text  # no Markdown syntax
    assert "**" not in rendered.email_text
    assert '<a href="https://mitpo.example/legal/mitpo/cookies-and-tracking">' in (
        rendered.email_html
    )


@pytest.mark.parametrize("payload", [XSS, SCRIPT_PAYLOAD, '"><svg onload=alert(1)>'])
def test_attack_strings_are_inert_in_every_html_output(payload: str) -> None:
    config = Config()
    data = announcement_of(config, cookie=payload, vendor=payload)
    assert payload in data.title  # the vendor is named in the title
    rendered = render_outputs(config, data, "Cookies & Tracking", NOW)
    preview = render_preview(config, data, "Cookies & Tracking", NOW)
    for html in (data.body_html, rendered.modal_html, rendered.email_html, preview):
        assert_inert(html)
    # and the name is still there for people to read, as text
    assert "&lt;" in data.body_html and "&lt;" in preview


def test_a_markdown_link_to_javascript_is_not_a_link() -> None:
    html = markdown_to_html("[click](javascript:alert(1)) and <b onclick=x>bold</b>")
    assert_inert(html)
    assert "<a" not in html and "&lt;b onclick=x&gt;" in html


def test_untrusted_text_stays_literal_in_markdown() -> None:
    for text in ("**bold**", "[x](https://evil.example)", "1. item", "- item", "`code`", XSS):
        html = markdown_to_html(escape_markdown(text))
        assert elements(html).tags == ["p"], text
    assert markdown_to_text("**Hotjar** \\& co") == "Hotjar & co\n"


def test_the_sandbox_stops_a_template_reaching_python_internals(tmp_path: Path) -> None:
    (_templates(tmp_path) / "banner.txt").write_text(
        "{{ ''.__class__.__mro__ }}\n", encoding="utf-8"
    )
    config = Config(root=tmp_path, templates="templates")
    data = announcement_of(config, cookie="a", vendor="b")
    with pytest.raises(TemplateError) as caught:
        render_outputs(config, data, "Cookies & Tracking", NOW)
    error = caught.value
    assert "sandbox" in str(error)
    assert error.file is not None and error.file.endswith("banner.txt")
    assert error.line == 1


def test_the_sandbox_stops_calls_to_unsafe_attributes() -> None:
    environment = build_environment([])
    template = environment.from_string("{{ cycler.__init__.__globals__.os.system('true') }}")
    with pytest.raises(Exception) as caught:
        template.render()
    assert type(caught.value).__name__ in {"SecurityError", "UndefinedError"}


def test_a_missing_variable_names_the_template_line_and_variable(tmp_path: Path) -> None:
    (_templates(tmp_path) / "modal.md").write_text(
        "## {{ announcement.title }}\n\n{{ announcement.no_such_field }}\n", encoding="utf-8"
    )
    config = Config(root=tmp_path, templates="templates")
    data = announcement_of(config, cookie="a", vendor="b")
    with pytest.raises(TemplateError) as caught:
        render_outputs(config, data, "Cookies & Tracking", NOW)
    error = caught.value
    assert error.file == str(tmp_path / "templates" / "modal.md")
    assert error.line == 3
    assert error.field == "no_such_field"
    assert re.search(
        r"modal\.md:3: no_such_field: template modal\.md uses an undefined", str(error)
    )


def test_a_syntax_error_names_the_template_and_line(tmp_path: Path) -> None:
    (_templates(tmp_path) / "email.txt").write_text("Hello\n{% if %}\n", encoding="utf-8")
    config = Config(root=tmp_path, templates="templates")
    with pytest.raises(TemplateError) as caught:
        render(config, "email.txt", {})
    assert caught.value.line == 2
    assert caught.value.file is not None and caught.value.file.endswith("email.txt")


def test_a_missing_template_is_named() -> None:
    with pytest.raises(TemplateError, match="no template named 'nope.txt'"):
        render(Config(), "nope.txt", {})


def test_html_templates_are_autoescaped_and_markdown_ones_are_not(tmp_path: Path) -> None:
    (_templates(tmp_path) / "x.html").write_text("{{ value }}", encoding="utf-8")
    (_templates(tmp_path) / "x.md").write_text("{{ value }}", encoding="utf-8")
    config = Config(root=tmp_path, templates="templates")
    assert render(config, "x.html", {"value": "<b>"}) == "&lt;b&gt;"
    assert render(config, "x.md", {"value": "<b>"}) == "<b>"


def test_a_template_cannot_change_the_data_it_is_given(tmp_path: Path) -> None:
    (_templates(tmp_path) / "banner.txt").write_text(
        "{{ announcement.links.append('https://evil.example') }}\n", encoding="utf-8"
    )
    config = Config(root=tmp_path, templates="templates")
    data = announcement_of(config, cookie="a", vendor="b")
    with pytest.raises(TemplateError, match="stopped by the sandbox"):
        render_outputs(config, data, "Cookies & Tracking", NOW)


def _templates(root: Path) -> Path:
    folder = root / "templates"
    folder.mkdir(exist_ok=True)
    return folder

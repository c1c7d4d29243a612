"""Rendering the page users read: it says everything, it is safe, and Markdown reads back."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import MITPO_POLICY

from governance.formats import read_policy_file
from governance.formats.markdown_format import parse_markdown
from governance.main import main
from governance.model import (
    Commitment,
    Control,
    Item,
    Policy,
    Recipient,
    Section,
    Signal,
)
from governance.render import render_html, render_markdown

SEED = Path(__file__).parent / "data" / "mitpo_seed_page.txt"
XSS = "<img src=x onerror=alert(1)>"
INLINE = {"a", "strong", "em", "code", "time", "span", "b", "i"}
QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


@pytest.fixture(scope="module")
def mitpo() -> Policy:
    return read_policy_file(MITPO_POLICY).policy


def normalise(text: str) -> str:
    return " ".join(text.translate(QUOTES).split())


class _Text(HTMLParser):
    """The text a reader sees, and every tag and attribute the page contains."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag in ("style", "title", "head"):
            self._skip += 1
        if tag not in INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "head"):
            self._skip -= 1
        if tag not in INLINE:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> tuple[str, list[tuple[str, list[tuple[str, str | None]]]]]:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return normalise("".join(parser.parts)), parser.tags


def seed_statements() -> list[str]:
    """Every line of the published page, bullets without their "•", split into sentences."""
    statements = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        text = line.strip().lstrip("•").strip()
        if text:
            statements += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s]
    return statements


# ---- it says everything the published page says ----------------------------------------------


def test_html_says_every_sentence_of_the_published_page(mitpo: Policy) -> None:
    text, _ = visible_text(render_html(mitpo))
    missing = [s for s in seed_statements() if normalise(s) not in text]
    assert missing == []
    assert len(seed_statements()) > 40


def test_markdown_says_every_sentence_of_the_published_page(mitpo: Policy) -> None:
    page = render_markdown(mitpo)
    body = page.split("\n---\n", 1)[1]  # the page after the front matter
    text = normalise(re.sub(r"\\(.)", r"\1", body.replace("**", "")))
    missing = [s for s in seed_statements() if normalise(s) not in text]
    assert missing == []


def test_html_is_a_complete_page_with_sections_and_items(mitpo: Policy) -> None:
    page = render_html(mitpo)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<title>Cookies &amp; Tracking</title>" in page
    assert '<time datetime="2026-04-20">April 20, 2026</time>' in page
    assert '<section id="essential-cookies">' in page
    assert "<li><strong>Theme preference</strong> (light / dark / system).</li>" in page
    assert "Content-Security-Policy" in page


# ---- Markdown reads back ---------------------------------------------------------------------


def test_mitpo_markdown_reads_back_as_the_same_policy(mitpo: Policy) -> None:
    assert parse_markdown(render_markdown(mitpo), "mitpo.md") == mitpo


def awkward_policy() -> Policy:
    return Policy(
        title="Cookies *and* [tracking] #1 #",
        owner="Acme & Co",
        last_updated=date(2025, 12, 31),
        consent_revision=4,
        summary="We use a few cookies.",
        sections=[
            Section(id="introduction", title="1. Introduction", body="Read this first."),
            Section(id="introduction-2", title="Introduction", body="Twice the same title."),
            Section(id="x", title="Analytics", body=""),
        ],
        items=[
            Item(
                id="a",
                name="_ga",
                section="x",
                category="analytics",
                consent="opt-in",
                purpose="which counts visits",
                retention="13 months",
                party="third",
                provider="google",
            ),
            Item(id="b", name="No section", purpose="(orphan)"),
            Item(id="c", name="`code` & <b>", purpose="odd * chars _"),
        ],
        recipients=[
            Recipient(id="google", name="Google", purpose="Analytics"),
            Recipient(id="hotjar", name="Hotjar", purpose="Heatmaps", role="controller"),
        ],
        commitments=[
            Commitment(id="no-sale", text="We never sell data."),
            Commitment(id="stated", text="Read this first.", section="introduction"),
        ],
        controls=[Control(id="gpc", text="We honour GPC.", signal=Signal.global_privacy_control)],
    )


def test_markdown_keeps_every_structured_fact_and_adds_what_prose_lacks() -> None:
    policy = awkward_policy()
    page = render_markdown(policy)
    assert "## Other cookies and storage {#govern-items}" in page
    assert "## Third parties {#govern-recipients}" in page and "**Hotjar** — Heatmaps" in page
    assert "## Our commitments {#govern-commitments}" in page and "We never sell data." in page
    assert "## Your choices {#govern-controls}" in page
    assert "- **\\_ga**, which counts visits" in page
    assert "## 1. Introduction\n" in page  # numbering is no part of the derived id
    assert "## Introduction\n" in page  # the derived id is "introduction-2" anyway
    assert "## Analytics {#x}" in page
    back = parse_markdown(page, "awkward.md")
    assert back == policy
    assert parse_markdown(render_markdown(back), "again.md") == policy  # and it is stable


# ---- safe HTML -------------------------------------------------------------------------------


def hostile_policy() -> Policy:
    return Policy(
        title=XSS,
        owner=f"{XSS} Legal",
        summary=f"{XSS} [click](javascript:alert(1)) ![pixel](https://tracker.example/p.gif)",
        sections=[Section(id="s", title=XSS, body=f"<script>alert(1)</script>\n\n{XSS}")],
        items=[Item(id="i", name=XSS, section="s", purpose=XSS)],
        recipients=[Recipient(id="r", name=XSS, purpose=XSS)],
        commitments=[Commitment(id="c", text=XSS)],
        controls=[Control(id="k", text='"><svg onload=alert(1)>')],
    )


def test_html_makes_untrusted_text_inert() -> None:
    page = render_html(hostile_policy())
    text, tags = visible_text(page)
    tag_names = {tag for tag, _ in tags}
    assert not tag_names & {"img", "script", "svg", "iframe", "object", "embed"}
    for _, attributes in tags:
        for name, value in attributes:
            assert not name.lower().startswith("on")
            assert "javascript:" not in (value or "").lower()
    assert text.count(XSS) >= 7  # shown as text, everywhere it was written
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_links_in_prose_are_kept_but_marked(mitpo: Policy) -> None:
    policy = mitpo.model_copy(update={"summary": "See [our partners](https://example.com/p)."})
    page = render_html(policy)
    assert '<a href="https://example.com/p" rel="nofollow noopener noreferrer">' in page


# ---- the command -----------------------------------------------------------------------------


def make_repo(root: Path) -> Path:
    (root / "policies" / "mitpo").mkdir(parents=True)
    (root / "policies" / "mitpo" / "cookies-and-tracking.yaml").write_bytes(
        MITPO_POLICY.read_bytes()
    )
    return root


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_render_by_id_by_path_and_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo")
    assert main(["render", "mitpo/cookies-and-tracking", "--repo", str(repo)]) == 0
    by_id = capsys.readouterr().out
    assert by_id.startswith("---\ntitle: Cookies & Tracking")
    path = repo / "policies" / "mitpo" / "cookies-and-tracking.yaml"
    assert main(["render", str(path), "--repo", str(repo)]) == 0
    assert capsys.readouterr().out == by_id
    out = tmp_path / "site" / "cookies.html"
    assert (
        main(
            [
                "render",
                "mitpo/cookies-and-tracking",
                "--format",
                "html",
                "-o",
                str(out),
                "--repo",
                str(repo),
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == ""
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_render_of_an_unknown_or_ambiguous_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path)
    assert main(["render", "mitpo/nope", "--repo", str(repo)]) == 2
    error = capsys.readouterr().err
    assert "no policy 'mitpo/nope'" in error and "mitpo/cookies-and-tracking" in error
    (repo / "policies" / "mitpo" / "cookies-and-tracking.md").write_text("# Other\n")
    assert main(["render", "mitpo/cookies-and-tracking", "--repo", str(repo)]) == 2
    assert "ambiguous" in capsys.readouterr().err
    assert main(["render", "../../etc/passwd", "--repo", str(repo)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_render_at_a_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "policy")
    policy_file = repo / "policies" / "mitpo" / "cookies-and-tracking.yaml"
    policy_file.write_text(
        policy_file.read_text(encoding="utf-8").replace(
            "title: Cookies & Tracking", "title: Cookies, Storage & Tracking"
        ),
        encoding="utf-8",
    )
    assert main(["render", "mitpo/cookies-and-tracking", "--repo", str(repo)]) == 0
    assert "# Cookies, Storage & Tracking" in capsys.readouterr().out
    assert (
        main(
            [
                "render",
                "mitpo/cookies-and-tracking",
                "--rev",
                "HEAD",
                "--repo",
                str(repo),
                "--format",
                "html",
            ]
        )
        == 0
    )
    committed = capsys.readouterr().out
    assert "<h1>Cookies &amp; Tracking</h1>" in committed
    assert main(["render", str(policy_file), "--rev", "HEAD", "--repo", str(repo)]) == 0
    assert "# Cookies & Tracking" in capsys.readouterr().out
    assert main(["render", "mitpo/gone", "--rev", "HEAD", "--repo", str(repo)]) == 2
    assert "no policy 'mitpo/gone' at HEAD" in capsys.readouterr().err
    assert (
        main(["render", "mitpo/cookies-and-tracking", "--rev", "no-such-ref", "--repo", str(repo)])
        == 2
    )
    error = capsys.readouterr().err
    assert "no-such-ref" in error and "Traceback" not in error


def test_the_page_without_front_matter_reads_back_by_its_words_alone() -> None:
    """The reader understands our own rendered page as it understands any legal team's page."""
    policy = read_policy_file(MITPO_POLICY).policy
    page = render_markdown(policy, front_matter=False)
    assert not page.startswith("---")
    back = parse_markdown(page, "page.md")
    assert {item.name for item in policy.items} <= {item.name for item in back.items}
    by_name = {item.name: item for item in back.items}
    for item in policy.items:
        assert by_name[item.name].category == item.category, item.name
        assert by_name[item.name].leaves_device == item.leaves_device, item.name
    assert len(back.commitments) >= len(policy.commitments) - 1
    assert {control.signal for control in back.controls} >= {"dnt"}
    assert "Stripe" in {recipient.name for recipient in back.recipients}

"""The policy page as users read it: Markdown (that reads back into the same model) and HTML.

Both renderings say everything the model says: title, owner, last-updated date, summary, each
section's prose followed by the items it lists, then whatever structured fact the prose does not
already state (items without a section, recipients not named, commitments and controls not
written out). Prose fields are CommonMark; raw HTML in them is shown as text, never interpreted,
and images are not loaded: every piece of a policy is untrusted input to a page.

The Markdown carries the structured facts in its front matter, so
``parse_markdown(render_markdown(policy))`` keeps every item, recipient, commitment and control
(ids and fields); the body is the human page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import yaml

from governance.model import Item, Policy

_CONNECTIVES = re.compile(r"^(?:so|which|because|that|where|when|unless|as|since|while)\b")
_ENTITY = re.compile(r"&(#?\w+;)")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})

OTHER_ITEMS = ("govern-items", "Other cookies and storage")
RECIPIENTS = ("govern-recipients", "Third parties")
COMMITMENTS = ("govern-commitments", "Our commitments")
CONTROLS = ("govern-controls", "Your choices")


# ---- what the page says ----------------------------------------------------------------------


def long_date(value: date) -> str:
    """ "April 20, 2026", as the page prints it."""
    return f"{value:%B} {value.day}, {value.year}"


def item_line(item: Item) -> tuple[str, str, str]:
    """(name, joiner, purpose): "Name — purpose", "Name (…)" or "Name, so …"."""
    purpose = item.purpose.strip()
    if not purpose:
        return item.name, "", ""
    if purpose.startswith("("):
        return item.name, " ", purpose
    if _CONNECTIVES.match(purpose):
        return item.name, ", ", purpose
    return item.name, " — ", purpose


def shown_names(item: Item, policy: Policy | None = None) -> list[str]:
    """The technical names the page shows beside an item's name (none when the policy hides
    them, and not the item's own name again)."""
    if policy is not None and not policy.show_technical_names:
        return []
    seen = {item.name.strip()}
    shown = []
    for name in item.names:
        if name.strip() and name.strip() not in seen:
            seen.add(name.strip())
            shown.append(name.strip())
    return shown


def code_span(text: str) -> str:
    """``text`` as a CommonMark code span, whatever backticks it holds."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _folded(text: str) -> str:
    return (
        _SPACES.sub(" ", text.translate(_QUOTES).replace("*", "").replace("_", ""))
        .strip()
        .casefold()
    )


def _prose_of(policy: Policy) -> str:
    parts = [policy.summary, *(f"{s.title}\n{s.body}" for s in policy.sections)]
    parts += ["".join(item_line(item)) for item in policy.items]
    return _folded("\n".join(parts))


def unstated(policy: Policy) -> dict[str, list[Any]]:
    """Structured facts the prose does not state, which the page must add."""
    section_ids = {section.id for section in policy.sections}
    prose = _prose_of(policy)
    return {
        "items": [i for i in policy.items if i.section not in section_ids],
        "recipients": [
            r
            for r in policy.recipients
            if not re.search(r"\b" + re.escape(_folded(r.name)) + r"\b", prose)
        ],
        "commitments": [
            c
            for c in policy.commitments
            if c.section not in section_ids and _folded(c.text).rstrip(".") not in prose
        ],
        "controls": [
            c
            for c in policy.controls
            if c.section not in section_ids and _folded(c.text).rstrip(".") not in prose
        ],
    }


def _items_by_section(policy: Policy) -> dict[str | None, list[Item]]:
    grouped: dict[str | None, list[Item]] = {}
    for item in policy.items:
        grouped.setdefault(item.section, []).append(item)
    return grouped


# ---- Markdown --------------------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Escape what CommonMark would read as markup in a one-line text (a title, a name)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    escaped = _ENTITY.sub(r"\\&\1", escaped)
    escaped = escaped.replace("{#", "\\{#")
    if escaped.endswith("#"):
        escaped = escaped[:-1] + "\\#"
    return escaped


def render_markdown(policy: Policy, *, front_matter: bool = True) -> str:
    """The page as Markdown; with ``front_matter``, the structured facts in YAML front matter
    (site generators do not show it, and it makes the page read back into the same model)."""
    lines = ["---", _front_matter(policy).rstrip("\n"), "---", ""] if front_matter else []
    lines += [f"# {md_escape(policy.title)}", ""]
    if policy.owner:
        lines += [f"Published by {md_escape(policy.owner)}.", ""]
    if policy.last_updated is not None:
        lines += [f"Last updated: {long_date(policy.last_updated)}", ""]
    if policy.summary.strip():
        lines += [policy.summary.strip("\n"), ""]
    items = _items_by_section(policy)
    for section, heading in zip(policy.sections, _markdown_headings(policy), strict=True):
        lines += [heading, ""]
        if section.body.strip():
            lines += [section.body.strip("\n"), ""]
        lines += _markdown_items(items.get(section.id, []), policy)
    extra = unstated(policy)
    if extra["items"]:
        lines += [_generated_heading(OTHER_ITEMS), "", *_markdown_items(extra["items"], policy)]
    if extra["recipients"]:
        lines += [_generated_heading(RECIPIENTS), ""]
        for recipient in extra["recipients"]:
            purpose = f" — {md_escape(recipient.purpose)}" if recipient.purpose.strip() else ""
            lines.append(f"- **{md_escape(recipient.name)}**{purpose}")
        lines.append("")
    for key, block in (("commitments", COMMITMENTS), ("controls", CONTROLS)):
        if extra[key]:
            lines += [_generated_heading(block), ""]
            lines += [f"- {md_escape(entry.text)}" for entry in extra[key]]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _generated_heading(block: tuple[str, str]) -> str:
    return f"## {block[1]} {{#{block[0]}}}"


def _markdown_items(items: list[Item], policy: Policy) -> list[str]:
    lines = []
    for item in items:
        name, joiner, purpose = item_line(item)
        names = shown_names(item, policy)
        technical = f" ({', '.join(code_span(n) for n in names)})" if names else ""
        lines.append(f"- **{md_escape(name)}**{technical}{joiner}{md_escape(purpose)}")
    return [*lines, ""] if lines else []


def _markdown_headings(policy: Policy) -> Iterator[str]:
    """Section headings, with an explicit ``{#id}`` only where the reader would derive another."""
    from governance.formats._md_blocks import strip_numbering
    from governance.formats._md_extract import slug

    used: set[str] = set()
    for section in policy.sections:
        base = slug(strip_numbering(" ".join(section.title.split()))) or "section"
        derived, number = base, 2
        while derived in used:
            derived = f"{base}-{number}"
            number += 1
        used.add(section.id)
        title = md_escape(section.title) or "Section"
        yield f"## {title}" if derived == section.id else f"## {title} {{#{section.id}}}"


def _front_matter(policy: Policy) -> str:
    from governance.formats.yaml_format import _Dumper

    data: dict[str, Any] = {"title": policy.title}
    if policy.owner is not None:
        data["owner"] = policy.owner
    if policy.last_updated is not None:
        data["last_updated"] = policy.last_updated
    if policy.consent_revision != 1:
        data["consent_revision"] = policy.consent_revision
    for key in ("items", "recipients", "commitments", "controls"):
        data[key] = [
            entry.model_dump(mode="json", exclude_defaults=True) for entry in getattr(policy, key)
        ]
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


# ---- HTML ------------------------------------------------------------------------------------

_STYLE = """
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;margin:0}
main{max-width:46rem;margin:0 auto;padding:2.5rem 1.25rem}
h1{font-size:2rem;margin:0 0 .25rem}h2{font-size:1.3rem;margin:2rem 0 .5rem}
.owner,.updated{color:#555;margin:.25rem 0}.summary{font-size:1.1rem}
ul{padding-left:1.25rem}li{margin:.25rem 0}a{color:#0b57d0}
code{font-size:.9em;background:#f2f2f4;padding:0 .2em;border-radius:3px}
"""
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; "
    "form-action 'none'"
)


def _markdown_html() -> Any:
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False, "typographer": False})
    renderer.disable("image")

    def link_open(self: Any, tokens: Any, index: int, options: Any, env: Any) -> str:
        tokens[index].attrSet("rel", "nofollow noopener noreferrer")
        return str(self.renderToken(tokens, index, options, env))

    renderer.add_render_rule("link_open", link_open)
    return renderer


def _prose_html(renderer: Any, text: str) -> str:
    return str(renderer.render(text)) if text.strip() else ""


def _item_html(item: Item, policy: Policy) -> str:
    name, joiner, purpose = item_line(item)
    names = shown_names(item, policy)
    technical = (
        " (" + ", ".join(f"<code>{html.escape(n)}</code>" for n in names) + ")" if names else ""
    )
    return (
        f"<li><strong>{html.escape(name)}</strong>{technical}{html.escape(joiner + purpose)}</li>"
    )


def render_html(policy: Policy) -> str:
    """A complete, standalone HTML page; every text is escaped, nothing is executed or loaded."""
    renderer = _markdown_html()
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{esc(policy.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<article>",
        "<header>",
        f"<h1>{esc(policy.title)}</h1>",
    ]
    if policy.owner:
        out.append(f'<p class="owner">Published by {esc(policy.owner)}.</p>')
    if policy.last_updated is not None:
        out.append(
            f'<p class="updated">Last updated: <time datetime="{policy.last_updated.isoformat()}">'
            f"{esc(long_date(policy.last_updated))}</time></p>"
        )
    out.append("</header>")
    if policy.summary.strip():
        out.append(f'<div class="summary">{_prose_html(renderer, policy.summary)}</div>')
    items = _items_by_section(policy)
    for section in policy.sections:
        out.append(f'<section id="{esc(section.id)}">')
        out.append(f"<h2>{esc(section.title)}</h2>")
        out.append(_prose_html(renderer, section.body))
        out += _items_list(items.get(section.id, []), policy)
        out.append("</section>")
    extra = unstated(policy)
    if extra["items"]:
        out += _generated_section(OTHER_ITEMS, _items_list(extra["items"], policy))
    if extra["recipients"]:
        entries = [
            f"<li><strong>{esc(r.name)}</strong>"
            + (f" — {esc(r.purpose)}" if r.purpose.strip() else "")
            + "</li>"
            for r in extra["recipients"]
        ]
        out += _generated_section(RECIPIENTS, ["<ul>", *entries, "</ul>"])
    for key, block in (("commitments", COMMITMENTS), ("controls", CONTROLS)):
        if extra[key]:
            entries = [f"<li>{esc(entry.text)}</li>" for entry in extra[key]]
            out += _generated_section(block, ["<ul>", *entries, "</ul>"])
    out += ["</article>", "</main>", "</body>", "</html>"]
    return "\n".join(part for part in out if part) + "\n"


def _items_list(items: list[Item], policy: Policy) -> list[str]:
    if not items:
        return []
    return ['<ul class="items">', *(_item_html(item, policy) for item in items), "</ul>"]


def _generated_section(block: tuple[str, str], body: list[str]) -> list[str]:
    return [f'<section id="{block[0]}">', f"<h2>{html.escape(block[1])}</h2>", *body, "</section>"]

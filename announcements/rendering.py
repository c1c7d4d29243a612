"""Rendering announcement templates: a sandboxed Jinja2 environment, strict about undefined names.

Templates are looked up in the reviewed repository's template folder first (``[tool.govern]
templates``), then in the bundled ``announcements/templates/``, so a repository can override any
one of them. Templates whose name ends in ``.html`` are autoescaped; Markdown and text templates
escape untrusted values with the ``md`` filter. Every failure becomes a
:class:`~governance.errors.TemplateError` naming the template file, the line and the variable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, SecurityError
from markupsafe import Markup

from announcements.safe_markdown import escape_markdown, markdown_to_html
from announcements.vocabulary import describe_category, describe_country, describe_use
from governance.config import Config
from governance.errors import TemplateError

BUNDLED_TEMPLATES = Path(__file__).parent / "templates"

_MISSING_NAME = re.compile(
    r"'([^']+)' is undefined|has no attribute '([^']+)'|no element '?([^']+)'?"
)


def _long_date(value: date | datetime | str) -> str:
    """``2026-07-02`` → ``2 July 2026`` (unambiguous in every locale that reads English)."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {value:%B %Y}"


def _join_words(values: Iterable[Any], conjunction: str = "and") -> str:
    words = [str(value) for value in values]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _sentence(text: object) -> str:
    """A phrase as a sentence: first letter upper-case, a full stop at the end."""
    flat = " ".join(str(text).split())
    if not flat:
        return ""
    flat = flat[0].upper() + flat[1:]
    return flat if flat[-1] in ".!?…)" else flat + "."


def _squish(text: object) -> str:
    """Whitespace, newlines included, folded to single spaces (to keep a list item on one line)."""
    return " ".join(str(text).split())


def _markdown_filter(text: str) -> Markup:
    return Markup(markdown_to_html(str(text)))  # noqa: S704 - markdown-it with html disabled


def build_environment(template_folders: Iterable[Path]) -> SandboxedEnvironment:
    """A sandboxed environment loading from ``template_folders`` in order, then the bundled ones."""
    loaders: list[jinja2.BaseLoader] = [
        jinja2.FileSystemLoader(str(folder)) for folder in template_folders
    ]
    loaders.append(jinja2.FileSystemLoader(str(BUNDLED_TEMPLATES)))
    # Immutable: a template cannot change the lists and dicts it is given either.
    environment = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml"), default_for_string=False, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,  # a long-running review app sees template edits
    )
    environment.filters.update(
        md=escape_markdown,
        markdown=_markdown_filter,
        long_date=_long_date,
        join_words=_join_words,
        sentence=_sentence,
        squish=_squish,
        data_use=describe_use,
        data_category=describe_category,
        country=describe_country,
    )
    return environment


@lru_cache(maxsize=8)
def _environment_for(folders: tuple[Path, ...]) -> SandboxedEnvironment:
    return build_environment(folders)


def environment(config: Config | None) -> SandboxedEnvironment:
    """The environment for a reviewed repository (its template folder overrides ours)."""
    folders: tuple[Path, ...] = ()
    if config is not None and config.templates:
        folders = ((config.root / config.templates).resolve(),)
    return _environment_for(folders)


def render(config: Config | None, name: str, context: Mapping[str, Any]) -> str:
    """Render the template ``name`` with ``context``; failures become a TemplateError."""
    env = environment(config)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(
            f"template {error.name or name} has a syntax error: {error.message}",
            file=error.filename or name,
            line=error.lineno,
        ) from None
    except jinja2.TemplateNotFound as error:
        raise TemplateError(
            f"no template named {error.name!r} (looked in {_searched(config)})",
            file=str(error.name),
        ) from None
    except SecurityError as error:
        file, line = _template_position(error.__traceback__, name)
        raise TemplateError(
            f"template {Path(file).name} was stopped by the sandbox: {error}", file=file, line=line
        ) from None
    except jinja2.UndefinedError as error:
        file, line = _template_position(error.__traceback__, name)
        missing = _missing_name(str(error))
        raise TemplateError(
            f"template {Path(file).name} uses an undefined variable: {error}",
            file=file,
            line=line,
            field=missing,
        ) from None
    except jinja2.TemplateError as error:
        file, line = _template_position(error.__traceback__, name)
        raise TemplateError(
            f"template {Path(file).name} failed: {error}", file=file, line=line
        ) from None


def _searched(config: Config | None) -> str:
    folders = []
    if config is not None and config.templates:
        folders.append(str(config.root / config.templates))
    folders.append(str(BUNDLED_TEMPLATES))
    return ", ".join(folders)


def _missing_name(message: str) -> str | None:
    match = _MISSING_NAME.search(message)
    if match is None:
        return None
    return next(group for group in match.groups() if group)


def _template_position(traceback: TracebackType | None, fallback: str) -> tuple[str, int | None]:
    """The innermost template frame of a rendering error: Jinja2 rewrites its traceback so that
    each template frame carries the template's file name and line."""
    file, line = fallback, None
    while traceback is not None:
        frame = traceback.tb_frame
        if "__jinja_exception__" in frame.f_globals or frame.f_code.co_filename.endswith(
            (".html", ".md", ".txt")
        ):
            file, line = frame.f_code.co_filename, traceback.tb_lineno
        traceback = traceback.tb_next
    return file, line

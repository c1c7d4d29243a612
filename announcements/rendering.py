"""Rendering announcement templates: a sandboxed Jinja2 environment, strict about undefined names.

Templates are looked up in the reviewed repository's template folder first (``[tool.govern]
templates``), then in the bundled ``announcements/templates/``, so a repository can override any
one of them. The repository's templates are read where the settings were read: from the base
revision's git objects for a change under review, never from its work tree. Symbolic links are
never followed, and nothing outside the folder is reachable.

Templates whose name ends in ``.html`` are autoescaped; Markdown and text templates escape
untrusted values with the ``md`` filter. Rendering is limited (output size, numbers that size a
string or a loop, wall time, nesting), so a template cannot exhaust the machine. Every failure
becomes a :class:`~governance.errors.TemplateError` naming the template file, the line and the
variable.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from types import FrameType, TracebackType
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


MAX_OUTPUT = 1_000_000  # characters a template may produce
MAX_NUMBER = 100_000  # the largest number a template may pass to a filter or a call
MAX_SECONDS = 5.0


class TemplateLimit(Exception):
    """A template went past a rendering limit."""


class _LimitedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with sizes and numbers bounded: ``'a' * 10**9``, ``x ** 10**9`` and
    ``range`` past 100,000 are refused before they allocate anything."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _number(right) and abs(right) > 64:
            raise TemplateLimit(f"an exponent of {right} is larger than a template may use")
        if operator == "*":
            for text, count in ((left, right), (right, left)):
                repeated = isinstance(text, str | list | tuple) and _number(count)
                if repeated and len(text) * max(count, 0) > MAX_OUTPUT:
                    raise TemplateLimit("a repeated string would be larger than 1 MB")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str | list | tuple) and len(result) > MAX_OUTPUT:
            raise TemplateLimit("a value would be larger than 1 MB")
        return result

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _bounded(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bounded(args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if _number(value) and abs(value) > MAX_NUMBER:
            raise TemplateLimit(f"the number {value:g} is larger than a template may use")


def _guarded(function: Any) -> Any:
    """A filter whose numeric arguments are bounded (``center(10**9)``), keeping Jinja2's
    ``pass_context``/``pass_environment`` marks."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _bounded(args[1:], kwargs)
        return function(*args, **kwargs)

    return guarded


def build_environment(templates: Mapping[str, tuple[str, str]]) -> SandboxedEnvironment:
    """A sandboxed environment loading ``templates`` (name → (source, where)), then the bundled
    templates."""

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        found = templates.get(name)
        if found is None:
            return None
        return found[0], found[1], lambda: True

    loaders: list[jinja2.BaseLoader] = [
        jinja2.FunctionLoader(load),
        jinja2.FileSystemLoader(str(BUNDLED_TEMPLATES), followlinks=False),
    ]
    # Immutable: a template cannot change the lists and dicts it is given either.
    environment = _LimitedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml"), default_for_string=False, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
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
    environment.filters = {name: _guarded(f) for name, f in environment.filters.items()}
    return environment


@lru_cache(maxsize=8)
def _environment_for(templates: tuple[tuple[str, str, str], ...]) -> SandboxedEnvironment:
    return build_environment({name: (source, where) for name, source, where in templates})


def repository_templates(config: Config | None) -> tuple[tuple[str, str, str], ...]:
    """The repository's templates as (name, source, where), read where the settings came from:
    the base revision's blobs, or the work tree (symbolic links left out either way)."""
    if config is None or not config.templates:
        return ()
    at = f"@{config.revision[:12]}" if config.revision else ""
    found = []
    for name, data in sorted(config.read_tree(config.templates).items()):
        where = (
            f"{config.templates}/{name}{at}" if at else str(config.root / config.templates / name)
        )
        try:
            found.append((name, data.decode("utf-8"), where))
        except UnicodeDecodeError:
            raise TemplateError("a template must be UTF-8 text", file=where) from None
    return tuple(found)


def environment(config: Config | None) -> SandboxedEnvironment:
    """The environment for a reviewed repository (its template folder overrides ours)."""
    return _environment_for(repository_templates(config))


def render(config: Config | None, name: str, context: Mapping[str, Any]) -> str:
    """Render the template ``name`` with ``context``; failures become a TemplateError."""
    env = environment(config)
    try:
        with _time_limit(MAX_SECONDS):
            text = env.get_template(name).render(**context)
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
    except (SecurityError, TemplateLimit, OverflowError, MemoryError) as error:
        file, line = _template_position(error.__traceback__, name)
        raise TemplateError(
            f"template {Path(file).name} was stopped by the sandbox: {error}", file=file, line=line
        ) from None
    except RecursionError as error:
        file, line = _template_position(error.__traceback__, name)
        raise TemplateError(
            f"template {Path(file).name} nests too deeply (does it include itself?)",
            file=file,
            line=line,
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
    if len(text) > MAX_OUTPUT:
        raise TemplateError(f"template {name} produced more than {MAX_OUTPUT:,} characters")
    return text


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop a template that runs longer than ``seconds``: a trace function (of this thread only)
    watches the lines of template code, and nothing else."""
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def local(frame: FrameType, event: str, argument: Any) -> Any:
        if time.monotonic() > deadline:
            raise TemplateLimit(f"rendering took longer than {seconds:g} s")
        return local

    def trace(frame: FrameType, event: str, argument: Any) -> Any:
        if time.monotonic() > deadline:
            raise TemplateLimit(f"rendering took longer than {seconds:g} s")
        if "__jinja_template__" in frame.f_globals:
            return local
        return None

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


def _searched(config: Config | None) -> str:
    folders = []
    if config is not None and config.templates:
        at = f"@{config.revision[:12]}" if config.revision else ""
        folders.append(f"{config.templates}{at}")
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

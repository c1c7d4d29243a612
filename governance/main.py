"""The ``govern`` command line: it only parses arguments and dispatches to ``commands/<name>.py``.

Each command module exposes ``run(...) -> int`` (an exit code). Modules are imported lazily so
that the CI-facing commands (validate, diff, check) never pay for Textual or the database layer.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from governance import __version__
from governance.errors import EXIT_INTERNAL, GovernError

REPORT_FORMATS = ["text", "json", "markdown"]
CHECK_FORMATS = [*REPORT_FORMATS, "github", "junit", "sarif"]


def dispatch(command: str, **kwargs: Any) -> int:
    module = importlib.import_module(f"governance.commands.{command}")
    result: int = module.run(**kwargs)
    return result


def repo_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--repo",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="The repository whose policies are governed.",
    )(function)


def identity_option(required: bool = True) -> Callable[..., Any]:
    return click.option(
        "--as",
        "identity",
        metavar="EMAIL",
        default=None,
        required=False,
        help="Who is acting (default: git config user.email).",
    )


class Group(click.Group):
    """Lists commands in the order they are declared, which follows a policy's life."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govern")
def cli() -> None:
    """Policy-as-code for cookie and tracking policies.

    Policies live in git as YAML or Markdown. govern diffs any two versions, classifies every
    change as material, minor or editorial by named rules, lets legal reviewers decide, drafts
    the in-app announcement, and makes CI block material changes nobody reviewed.

    \b
    First run:        govern demo
    Check a PR:       govern check --base origin/main
    Compare files:    govern diff old.yaml new.yaml
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@repo_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(paths: tuple[Path, ...], repo: Path, fmt: str) -> int:
    """Parse and validate policies (default: every policy under the policies directory).

    Exit 0 when all are valid, 2 with file:line and field of the first problem in each file.
    """
    return dispatch("validate", paths=paths, repo=repo, fmt=fmt)


@cli.command()
@click.argument("policy")
@click.option("--rev", default=None, help="A git revision (default: the working tree).")
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@repo_option
def render(policy: str, rev: str | None, fmt: str, output: Path | None, repo: Path) -> int:
    """Render POLICY (an id such as mitpo/cookies-and-tracking, or a file) as users read it."""
    return dispatch("render", policy=policy, rev=rev, fmt=fmt, output=output, repo=repo)


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def schema(output: Path | None) -> int:
    """Print the JSON Schema of the structured (YAML) policy format.

    \b
    Point your editor's YAML language server at it, e.g. at the top of a policy:
      # yaml-language-server: $schema=./govern.schema.json
    """
    return dispatch("schema", output=output)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and of ``python -m governance``."""
    try:
        result = cli.main(args=argv, prog_name="govern", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return 2
    except GovernError as error:
        click.echo(f"govern: error: {error}", err=True)
        return error.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("GOVERN_DEBUG"):
            raise
        click.echo(
            f"govern: internal error: {type(error).__name__}: {error}\n"
            "  This is a bug in govern. Set GOVERN_DEBUG=1 to see the traceback.",
            err=True,
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

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
from governance.commands._options import (
    Group,
    change_options,
    identity_option,
    key_option,
    output_option,
    repo_option,
)
from governance.errors import EXIT_INTERNAL, GovernError

REPORT_FORMATS = ["text", "json", "markdown"]
CHECK_FORMATS = [*REPORT_FORMATS, "github", "junit", "sarif"]


def dispatch(command: str, **kwargs: Any) -> int:
    module = importlib.import_module(f"governance.commands.{command}")
    result: int = module.run(**kwargs)
    return result


class TopLevel(Group):
    """The commands in the order of a policy's life, as a newcomer meets them."""

    ORDER = [
        "demo",
        "init",
        "validate",
        "render",
        "schema",
        "log",
        "show",
        "index",
        "diff",
        "rules",
        "catalog",
        "check",
        "scan",
        "approve",
        "downgrade",
        "reject",
        "review",
        "announce",
        "client",
        "audit",
    ]

    def list_commands(self, ctx: click.Context) -> list[str]:
        known = [name for name in self.ORDER if name in self.commands]
        return known + [name for name in self.commands if name not in known]


@click.group(cls=TopLevel, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option(
    "--signing",
    is_flag=True,
    help="Also set up SSH signing: add your key (git config user.signingkey) to the allowed "
    "signers under your email (--as, or git config user.email).",
)
@identity_option
@repo_option
def init(signing: bool, identity: str | None, repo: Path) -> int:
    """Write a starter configuration (govern.toml) into the repository, never overwriting one.

    \b
    Commit it in a change of its own: the gate judges every change by the settings
    of its base, so settings a change adds take effect for the changes after it.
    Without --signing, anyone can type `--as counsel@...`: approvals are claims.
    With --signing, reviews are signed with SSH keys and the gate checks them.
    """
    return dispatch("init", repo=repo, signing=signing, identity=identity)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@repo_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def validate(paths: tuple[Path, ...], repo: Path, fmt: str) -> int:
    """Parse and validate policies (default: every policy under the policies directory).

    Exit 0 when all are valid, 2 with file:line and field of the first problem in each file.
    """
    return dispatch("validate", paths=paths, repo=repo, fmt=fmt)


@cli.command()
@click.argument("policy")
@click.option("--rev", default=None, help="A git revision (default: the working tree).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
)
@output_option
@click.option(
    "--front-matter/--no-front-matter",
    default=True,
    show_default=True,
    help="Markdown: carry the structured facts in YAML front matter (hidden by site generators; "
    "the page then reads back into the same policy). Off: only the page people read.",
)
@repo_option
def render(
    policy: str, rev: str | None, fmt: str, output: Path | None, repo: Path, front_matter: bool
) -> int:
    """Render POLICY (an id such as mitpo/cookies-and-tracking, or a file) as users read it."""
    return dispatch(
        "render",
        policy=policy,
        rev=rev,
        fmt=fmt,
        output=output,
        repo=repo,
        front_matter=front_matter,
    )


@cli.command()
@click.argument(
    "kind", type=click.Choice(["policy", "report", "feed"]), default="policy", required=False
)
@output_option
def schema(kind: str, output: Path | None) -> int:
    """Print a JSON Schema: of the structured (YAML) policy format (default), of the JSON report
    of `diff` and `check` (govern.report/1), or of the announcement feed (govern.feed/1).

    \b
    Point your editor's YAML language server at the policy schema, e.g. at the top of a policy:
      # yaml-language-server: $schema=./govern.schema.json
    Validate what your scripts and apps read (JSON Schema 2020-12):
      govern schema report -o report.schema.json
      govern schema feed -o feed.schema.json
    """
    return dispatch("schema", output=output, kind=kind)


# --- reviews and the CI gate (helper D) ---------------------------------------------------------


@cli.command()
@change_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CHECK_FORMATS),
    default="text",
    show_default=True,
    help="github: workflow-command annotations; junit: one test case per finding; "
    "sarif: SARIF 2.1.0 for code scanning.",
)
@output_option
@repo_option
def check(base: str | None, head: str | None, fmt: str, output: Path | None, repo: Path) -> int:
    """The CI gate: fail while a material change has no valid review.

    Compares the policies at BASE and HEAD, matches every finding with the review records under
    .govern-ledger/ added by the change, and fails while a material finding has no approval or
    downgrade by a legal reviewer who did not author it, a finding is rejected, or (with
    require_announcement, the default) an approved material finding has no approved announcement.

    Everything that decides the verdict (reviewers, rule levels, plugins, signing, the
    catalogue) is read from BASE, never from the change: a change that edits those settings gets
    a governance-config-changed finding instead. Each policy is also compared with its last
    published version, so a material change cannot land in harmless-looking steps.

    \b
    Defaults: HEAD is the working tree when policies or review records have
    uncommitted edits (so a local run sees them), else the HEAD commit (CI).
    BASE is the merge-base of the head with the default branch.
    In CI, pass the target branch and fetch the full history:
      govern check --base origin/main --format github
    Exit codes: 0 pass, 1 fail, 2 bad input (bad ref, shallow clone, malformed record).
    """
    return dispatch("check", repo=repo, base=base, head=head, fmt=fmt, output=output)


def _decision_command(
    name: str, decision: str, reason_help: str | None, doc: str
) -> Callable[..., int]:
    """approve, downgrade and reject take the same options; downgrade and reject need a reason."""

    def command(fingerprints: tuple[str, ...], reason: str | None = None, **options: Any) -> int:
        return dispatch(
            "decide", decision=decision, fingerprints=fingerprints, reason=reason, **options
        )

    command.__doc__ = doc
    command = repo_option(key_option(change_options(command)))
    command = click.option(
        "--note", default=None, help="A note for the record (optional; '-': write it in $EDITOR)."
    )(command)
    if reason_help:
        command = click.option("--reason", required=True, help=reason_help)(command)
    command = identity_option(command)
    command = click.argument("fingerprints", nargs=-1, required=True)(command)
    return cli.command(name)(command)


_decision_command(
    "approve",
    "approved",
    None,
    """A legal reviewer approves material FINGERPRINTS (writes review records in .govern-ledger/).

    The reviewer must be listed as "legal" in [tool.govern.reviewers] and may not be an author of
    the change. Commit the records with the change; editing the change later voids them.
    """,
)
_decision_command(
    "downgrade",
    "not-material",
    "Why the change is not material (required; '-': write it in $EDITOR).",
    "A legal reviewer records that FINGERPRINTS are not material, and why.",
)
_decision_command(
    "reject",
    "rejected",
    "What has to change (required; '-': write it in $EDITOR).",
    "A legal reviewer sends the change behind FINGERPRINTS back; check fails until it changes.",
)


@cli.command()
@click.argument("revisions", nargs=-1, metavar="[OLD_FILE NEW_FILE | BASE[..HEAD]]")
@repo_option
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True
)
def diff(revisions: tuple[str, ...], repo: Path, fmt: str) -> int:
    """Classified changes between two policy files or two revisions.

    \b
    govern diff old.yaml new.yaml    two files, no git needed
    govern diff                      HEAD vs the working tree
    govern diff main                 main vs the working tree
    govern diff main..HEAD           two revisions (main...HEAD: from their merge base)

    Every change is a finding: a rule id, a level (material, minor, editorial), a message, the
    reason and a stable fingerprint. Exit 0 whatever the findings; `govern check` is the gate.
    """
    return dispatch("diff", revisions=revisions, repo=repo, fmt=fmt)


@cli.command()
@repo_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules(repo: Path, fmt: str) -> int:
    """The rule catalogue: id, default level, description and rationale of every rule.

    Change a rule's level or turn it off in [tool.govern] rules = {"rule-id" = "minor"} ("off");
    enable rules from installed packages (entry points in the "govern.rules" group) with
    plugins = ["their-name"]. Nothing is ever imported from the repository itself.
    """
    return dispatch("rules", repo=repo, fmt=fmt)


# --- history and the store (helper C) -----------------------------------------------------------


@cli.command()
@click.option("--rev", default="HEAD", show_default=True, help="Index the history behind REV.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@repo_option
def index(rev: str, fmt: str, repo: Path) -> int:
    """Fill the store with the versions of every policy from git history.

    Incremental: only commits not indexed before are read, and a policy version already parsed
    (same git blob) is never parsed again. Safe to interrupt and to run twice at once. The store
    is govern/govern.db inside the repository's git directory (never committed), or the database
    GOVERN_DATABASE_URL names.
    """
    return dispatch("index", repo=repo, rev=rev, fmt=fmt)


@cli.command()
@click.argument("policy", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@repo_option
def log(policy: str | None, fmt: str, repo: Path) -> int:
    """The versions of each policy (or of POLICY, following renames): commit, date, author,
    and whether the change was material.

    Brings the store up to date first (see `govern index`).
    """
    return dispatch("log", policy=policy, repo=repo, fmt=fmt)


@cli.command()
@click.argument("spec", metavar="POLICY[@REV]")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@repo_option
def show(spec: str, fmt: str, repo: Path) -> int:
    """One version of a policy: its file at REV (default HEAD) with the commit, author and date
    of its last change and its git blob.

    \b
    govern show mitpo/cookies-and-tracking
    govern show mitpo/cookies-and-tracking@v1.2
    govern show policies/mitpo/cookies-and-tracking.yaml@HEAD~3
    """
    return dispatch("show", spec=spec, repo=repo, fmt=fmt)


@cli.group(cls=Group)
def audit() -> None:
    """The audit log of review and announcement decisions (append-only, hash-chained)."""


@audit.command("verify")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@repo_option
def audit_verify(fmt: str, repo: Path) -> int:
    """Check the audit log: its hash chain (every event unedited, none removed, none reordered),
    and the events the review and announcement records in git were appended as (their audit
    anchors), so a log that was rewritten, cut, emptied, deleted or replaced is reported too.

    \b
    Exit codes: 0 intact; 1 the log does not match (each problem names the event by its
    sequence number, and the record that was anchored in it); 2 the store cannot be opened.
    """
    return dispatch("audit", repo=repo, fmt=fmt)


@audit.command("rebuild")
@repo_option
def audit_rebuild(repo: Path) -> int:
    """Restore a lost audit log (a new, empty store) from the records committed in git.

    Each event is checked against the hash its record was anchored with before it is written;
    then the log is verified as by `govern audit verify`.
    """
    return dispatch("audit", repo=repo, fmt="text", action="rebuild")


# --- announcements (helper E): the group lives in commands/announce.py, which imports
# announcements/ (Jinja2, the store) only inside each subcommand.
def _declare_announce() -> None:
    from governance.commands.announce import announce

    cli.add_command(announce)


_declare_announce()


# --- the review app and the demo (helper F): Textual is imported only inside the commands.
@cli.command()
@click.option(
    "--as",
    "identity",
    metavar="EMAIL",
    default=None,
    help="Who is reviewing (default: git config user.email).",
)
@click.option(
    "--base",
    default=None,
    help="Review only the change from this base (default: every open change, each against its "
    "merge-base with the default branch).",
)
@click.option(
    "--head",
    default=None,
    help="Review only the change up to this head (default: every open change).",
)
@click.option(
    "--web",
    is_flag=True,
    help="Serve the app to a browser instead of this terminal; prints the address to open.",
)
@click.option(
    "--host",
    default=None,
    help="With --web: the address to listen on (default: 127.0.0.1, this machine only).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="With --web: the port (default: a free one).",
)
@click.option(
    "--token",
    default=None,
    help="With --web: the secret every browser must present (default: a new random one, "
    "part of the printed address).",
)
@click.option("--web-session", is_flag=True, hidden=True)
@repo_option
def review(
    identity: str | None,
    base: str | None,
    head: str | None,
    web: bool,
    host: str | None,
    port: int | None,
    token: str | None,
    web_session: bool,
    repo: Path,
) -> int:
    """Open the review app for legal reviewers and release managers (ctrl+q quits).

    \b
    Queue → change review (approve / downgrade / reject) → announcement editor → release manager.
    The queue lists every open change: the checked-out branch (with its uncommitted edits) and
    each other branch not merged into the default branch that changes a policy. Decisions are
    recorded on the checked-out branch; other branches open read-only until you switch to them.
    Every action has a key in the footer and a command in the palette (ctrl+p).

    \b
    In a browser:
      govern review --web --as counsel@example.com
    serves the same app on 127.0.0.1 at a free port and prints the address to open, with its
    token. Every browser session acts as the --as given here; nothing in the page can change it.
    --host 0.0.0.0 makes it reachable from other machines: put it behind HTTPS.
    """
    return dispatch(
        "review",
        identity=identity,
        base=base,
        head=head,
        repo=repo,
        web=web,
        host=host,
        port=port,
        token=token,
        web_session=web_session,
    )


@cli.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Build the demo repository here (default: a new temporary directory).",
)
@click.option(
    "--no-open", is_flag=True, help="Print the classified report instead of opening the app."
)
def demo(directory: Path | None, no_open: bool) -> int:
    """A first run: a scratch repository with a proposed material change, opened for review.

    Built from the bundled MITPO cookie policy: main holds the published policy, the branch
    add-hotjar adds Hotjar session recordings (a new third party). Opens the review app as the
    legal reviewer, or prints the report when standard output is not a terminal.
    """
    return dispatch("demo", directory=directory, no_open=no_open)


# --- the in-app notice client
@cli.command()
@click.option("--path", "show_path", is_flag=True, help="Print where the client's ES module is.")
@click.option(
    "--copy",
    "copy_to",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Copy the module and its TypeScript declarations into DIR (created if missing).",
)
def client(show_path: bool, copy_to: Path | None) -> int:
    """The in-app notice client: a small ES module, no dependencies, that your product embeds.

    It reads the announcement feed, shows the newest announcement the user has not dismissed
    (a banner, or a dialog when consent must be asked again), and dispatches a
    `govern:reconsent` event for your consent manager when the policy's consent revision is
    newer than the one the user agreed to.

    \b
    govern client --copy static/    then, in the page:
      <script type="module">
        import { showNotices } from "/static/govern-notice.js";
        showNotices({ feed: "/announcements/feed.json" });
        document.addEventListener("govern:reconsent", (e) => askForConsentAgain(e.detail));
      </script>
    """
    return dispatch("client", show_path=show_path, copy_to=copy_to)


# --- the site against the policy: govern scan (Playwright is imported only to scan a URL)
@cli.command()
@click.argument("urls", nargs=-1, metavar="URL...")
@click.option(
    "--har",
    "hars",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read observations from a HAR 1.2 file instead of (or besides) a browser; repeatable.",
)
@click.option("--policy", default=None, help="The policy the site follows (id or file).")
@click.option(
    "--pages", type=click.IntRange(1, 10_000), default=None, help="Most pages per phase [20]."
)
@click.option("--accept", default=None, metavar="SELECTOR", help="The consent accept button.")
@click.option(
    "--consent-cookie",
    default=None,
    metavar="NAME",
    help="HAR files: the cookie whose first appearance marks consent.",
)
@click.option(
    "--resolve",
    multiple=True,
    metavar="HOST=ADDRESS",
    help="Send requests for HOST to ADDRESS (like curl --resolve); repeatable.",
)
@click.option("--timeout", type=float, default=None, help="Seconds for one page to load [30].")
@click.option("--budget", type=float, default=None, help="Seconds for finding pages to scan [300].")
@click.option("--suggest", is_flag=True, help="Print the YAML that would make the policy true.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CHECK_FORMATS),
    default="text",
    show_default=True,
    help="The same formats as check.",
)
@output_option
@repo_option
def scan(urls: tuple[str, ...], hars: tuple[Path, ...], **options: Any) -> int:
    """Does the site do what the policy says? Scan URL... in headless Chromium.

    In a fresh profile, before any consent and again after accepting (--accept SELECTOR, or a
    known consent platform's button), govern records every cookie, localStorage,
    sessionStorage and IndexedDB key and every request to another site, on the start URLs and
    same-site links (never off-site ones), and compares them with the declared policy:
    undeclared cookies, storage and third parties, items set before consent, cookies kept
    longer than declared, and declared items not seen.

    \b
    From an end-to-end test's recording instead of a browser:
      govern scan --har e2e.har --consent-cookie cookie_consent
    Exit codes: 0 pass, 1 a material finding, 2 bad input or a partial scan.
    Needs the scan extra for URLs: pip install 'govern[scan]'.
    """
    return dispatch("scan", urls=list(urls), hars=list(hars), **options)


# --- the known-cookie catalogue (helper B2)
@cli.group(cls=Group)
def catalog() -> None:
    """The known-cookie catalogue: which vendor sets a cookie, who controls the data.

    govern ships a curated catalogue; `import` adds one in the Open Cookie Database CSV format.
    """


@catalog.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="Name of the imported catalogue (default: the file's).")
@repo_option
def catalog_import(file: Path, name: str | None, repo: Path) -> int:
    """Import FILE (Open Cookie Database CSV format) into <repo>/.govern/catalog/.

    Bad rows are reported with their line numbers and skipped; exit 2 when no row is usable.
    """
    return dispatch("catalog", action="import", file=file, catalog_name=name, repo=repo)


@catalog.command("lookup")
@click.argument("name")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@repo_option
def catalog_lookup(name: str, fmt: str, repo: Path) -> int:
    """Who sets the cookie or storage key NAME, according to which catalogue."""
    return dispatch("catalog", action="lookup", cookie=name, fmt=fmt, repo=repo)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and of ``python -m governance``."""
    try:
        result = cli.main(args=argv, prog_name="govern", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as error:
        hint = ""
        if isinstance(error, click.UsageError) and error.ctx is not None:
            hint = f"\n  hint: `{error.ctx.command_path} --help` shows what it takes"
        click.echo(f"govern: error: {error.format_message()}{hint}", err=True)
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

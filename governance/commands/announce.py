"""``govern announce ...``: draft, edit, submit, approve or reject, publish and preview the in-app
announcement of approved material changes.

A thin shell over :mod:`announcements` (imported lazily, so loading the CLI for ``check`` never
pays for Jinja2 or the database layer).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from governance.commands._options import Group, identity_option, key_option, repo_option
from governance.config import Config
from governance.errors import AnnouncementError

if TYPE_CHECKING:
    from announcements.record import AnnouncementData
    from governance.gitrepo import GitRepository
    from governance.store import Store


@click.group(cls=Group)
def announce() -> None:
    """The in-app announcement of approved material changes.

    \b
    Its life: draft → (edit) → submit → approve | reject → publish.
      draft    any listed reviewer; from the findings legal reviewers approved
      edit     any listed reviewer (a submitted or rejected one goes back to draft)
      submit   any listed reviewer: hands it to the release managers
      approve  a release manager who neither drafted nor edited it nor authored the change;
               the approval holds the SHA-256 of exactly the text approved
      reject   the same, with --reason (also voids an approval)
      publish  a release manager; refused if the text changed since the approval
    Every step is a record in the ledger: commit it with the change.

    \b
      govern announce draft --as counsel@example.com       # the id is the last line
      govern announce edit ID --as counsel@example.com     # opens $EDITOR
      govern announce submit ID --as counsel@example.com
      govern announce approve ID --as releases@example.com
      govern announce publish ID --as releases@example.com  # feed, changelog, last_updated
    """


# --- helpers -----------------------------------------------------------------------------------


def _context(repo: Path) -> tuple[GitRepository, Config]:
    """The repository and the settings that judge its current change (its base's)."""
    from governance.gitrepo import GitRepository
    from governance.scope import resolve_scope

    git_repository = GitRepository.open(repo)
    return git_repository, resolve_scope(git_repository).settings


def _store(settings: Config) -> Store:
    from governance.store import open_store

    return open_store(settings)


def _identity(repo: Path, explicit: str | None) -> str:
    from governance.identity import current_identity

    return current_identity(repo, explicit)


def _summary_lines(data: AnnouncementData) -> list[str]:
    lines = [
        f"announcement {data.id}  [{data.status.value}]",
        f"policy:       {data.policy_id}",
        f"change:       {(data.base_commit or '?')[:12]}..{(data.head_commit or '?')[:12]}",
        f"drafted by:   {data.drafted_by}",
    ]
    if data.decided_by:
        lines.append(f"decided by:   {data.decided_by}")
    if data.reason:
        lines.append(f"reason:       {data.reason}")
    reconsent = (
        f"yes (consent revision {data.consent_revision})" if data.requires_reconsent else "no"
    )
    lines.append(f"re-consent:   {reconsent}")
    if data.published_at:
        lines.append(f"published:    {data.published_at:%Y-%m-%d %H:%M} UTC")
    if data.published_at and data.effective_at:
        lines.append(f"effective:    {data.effective_at:%Y-%m-%d}")
    lines.append(f"findings:     {', '.join(data.fingerprints)}")
    for step in data.history:
        why = f": {step.reason}" if step.reason else ""
        lines.append(f"  {step.at:%Y-%m-%d %H:%M} {step.event:<9} by {step.actor}{why}")
    return lines


def _print_announcement(data: AnnouncementData) -> None:
    for line in _summary_lines(data):
        click.echo(line)
    click.echo("")
    click.echo(f"# {data.title}")
    click.echo("")
    click.echo(data.body_markdown.rstrip("\n"))


def _read_body(body_file: Path) -> str:
    try:
        if str(body_file) == "-":
            return sys.stdin.read()
        return body_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnnouncementError("no such file", file=body_file, field="--body-file") from None
    except UnicodeDecodeError:
        raise AnnouncementError("not valid UTF-8", file=body_file, field="--body-file") from None
    except OSError as error:
        raise AnnouncementError(str(error.strerror), file=body_file, field="--body-file") from None


EDITOR_HELP = (
    "# The first line is the title; the text after the blank line is the body (Markdown).\n"
    "# Lines starting with '#' before the title are ignored. Save and quit to keep the edit;\n"
    "# quit without saving, or empty the file, to leave the announcement as it is.\n"
)


def _edit_in_editor(data: AnnouncementData) -> tuple[str, str] | None:
    """The title and body as changed in $EDITOR, or None when nothing was saved."""
    text = click.edit(f"{EDITOR_HELP}{data.title}\n\n{data.body_markdown}", extension=".md")
    if text is None:
        return None
    ignored = set(EDITOR_HELP.splitlines())
    lines = text.splitlines()
    while lines and (lines[0] in ignored or not lines[0].strip()):
        lines.pop(0)
    if not lines:
        return None
    return lines[0].strip(), "\n".join(lines[1:]).strip() + "\n"


# --- commands ----------------------------------------------------------------------------------


@announce.command()
@click.option("--base", default=None, metavar="REF", help="Base of the change (as for check).")
@click.option("--head", default=None, metavar="REF", help="Head of the change (as for check).")
@identity_option
@key_option
@repo_option
def draft(
    base: str | None, head: str | None, identity: str | None, key: Path | None, repo: Path
) -> int:
    """Draft the announcement of the material findings legal reviewers approved.

    Prints the draft; the announcement's id is the last line printed (one line per policy when
    several changed). Drafting the same findings again shows the open draft instead of a copy.
    """
    from announcements.workflow import draft_from_change

    git_repository, settings = _context(repo)
    actor = _identity(repo, identity)
    with _store(settings) as store:
        outcomes = draft_from_change(git_repository, store, actor, base, head, key=key)
    for outcome in outcomes:
        if not outcome.created:
            click.echo(
                f"govern: an open announcement already covers these findings: "
                f"{outcome.announcement.id}",
                err=True,
            )
        for finding in outcome.unapproved:
            click.echo(
                f"govern: warning: material finding {finding.fingerprint} ({finding.rule} "
                f"{finding.path}) is not approved yet and is not in this announcement",
                err=True,
            )
        _print_announcement(outcome.announcement)
        click.echo("")
    for outcome in outcomes:
        click.echo(outcome.announcement.id)
    return 0


@announce.command()
@click.argument("announcement_id", metavar="ID")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="html: the modal as safe HTML.",
)
@repo_option
def show(announcement_id: str, fmt: str, repo: Path) -> int:
    """Show one draft or announcement, with its history."""
    from announcements import workflow
    from announcements.outputs import render_outputs

    _repository, settings = _context(repo)
    data = workflow.get(settings, announcement_id)
    if fmt == "text":
        _print_announcement(data)
        return 0
    rendered = render_outputs(settings, data, workflow.policy_title(settings, data.policy_id))
    if fmt == "html":
        click.echo(rendered.modal_html, nl=False)
        return 0
    payload = data.to_json_data()
    payload["schema"] = "govern.announcement/1"
    payload["banner"] = rendered.banner
    payload["modal_markdown"] = rendered.modal_markdown
    click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


@announce.command()
@click.argument("announcement_id", metavar="ID")
@click.option(
    "--body-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A Markdown file with the new body ('-' reads standard input).",
)
@click.option("--title", default=None, help="The new title.")
@identity_option
@key_option
@repo_option
def edit(
    announcement_id: str,
    body_file: Path | None,
    title: str | None,
    identity: str | None,
    key: Path | None,
    repo: Path,
) -> int:
    """Edit a draft's title or body (a submitted or rejected one goes back to draft).

    Without --title or --body-file, the announcement opens in $EDITOR (VISUAL, EDITOR).
    """
    from announcements import workflow

    git_repository, settings = _context(repo)
    body = _read_body(body_file) if body_file is not None else None
    if body_file is None and title is None:
        edited = _edit_in_editor(workflow.get(settings, announcement_id))
        if edited is None:
            click.echo("nothing saved in the editor: the announcement is as it was")
            return 0
        title, body = edited
    with _store(settings) as store:
        data = workflow.edit_draft(
            git_repository,
            store,
            announcement_id,
            _identity(repo, identity),
            title=title,
            body_markdown=body,
            key=key,
        )
    click.echo(f"edited {data.id}: {data.status.value}")
    return 0


@announce.command()
@click.argument("announcement_id", metavar="ID")
@identity_option
@key_option
@repo_option
def submit(announcement_id: str, identity: str | None, key: Path | None, repo: Path) -> int:
    """Submit a draft to the release managers."""
    from announcements import workflow

    git_repository, settings = _context(repo)
    with _store(settings) as store:
        data = workflow.submit(
            git_repository, store, announcement_id, _identity(repo, identity), key=key
        )
    click.echo(
        f"submitted {data.id}: a release manager approves it with "
        f"`govern announce approve {data.id} --as EMAIL`"
    )
    return 0


@announce.command()
@click.argument("announcement_id", metavar="ID")
@identity_option
@key_option
@repo_option
def approve(announcement_id: str, identity: str | None, key: Path | None, repo: Path) -> int:
    """A release manager approves exactly the submitted text (its SHA-256 is recorded)."""
    from announcements import workflow

    git_repository, settings = _context(repo)
    with _store(settings) as store:
        data = workflow.approve(
            git_repository, store, announcement_id, _identity(repo, identity), key=key
        )
    click.echo(
        f"approved {data.id} by {data.decided_by}; publish it with "
        f"`govern announce publish {data.id}`"
    )
    click.echo(
        f"Commit the record with the change: git add {settings.ledger} && git commit", err=True
    )
    return 0


@announce.command()
@click.argument("announcement_id", metavar="ID")
@identity_option
@click.option("--reason", required=True, help="What the drafter should change ('-': $EDITOR).")
@key_option
@repo_option
def reject(
    announcement_id: str, identity: str | None, reason: str, key: Path | None, repo: Path
) -> int:
    """A release manager sends an announcement back, saying why (writes a ledger record)."""
    from announcements import workflow
    from governance.commands._options import text_or_editor

    git_repository, settings = _context(repo)
    why = text_or_editor(reason, "--reason", "Why the announcement goes back to its drafter") or ""
    with _store(settings) as store:
        data = workflow.reject(
            git_repository, store, announcement_id, _identity(repo, identity), why, key=key
        )
    click.echo(f"rejected {data.id} by {data.decided_by}: {data.reason}")
    return 0


@announce.command()
@click.argument("announcement_id", metavar="ID")
@identity_option
@key_option
@repo_option
def publish(announcement_id: str, identity: str | None, key: Path | None, repo: Path) -> int:
    """Publish an approved announcement: the feed, the changelog and the policy's last_updated.

    Refused when the text changed since its approval, or while a material finding of the policy
    still needs a legal decision. Publishing again changes nothing (it puts an entry the feed
    lost back).
    """
    from announcements.publish import publish as publish_announcement

    git_repository, settings = _context(repo)
    with _store(settings) as store:
        result = publish_announcement(
            git_repository, store, announcement_id, _identity(repo, identity), key=key
        )
    data = result.announcement
    if result.already_published:
        click.echo(
            f"{data.id} was already published on {data.published_at:%Y-%m-%d}; nothing changed"
        )
        return 0
    click.echo(f"published {data.id}; takes effect on {data.effective_at:%Y-%m-%d}")
    for path in result.written:
        shown = path.relative_to(settings.root) if path.is_relative_to(settings.root) else path
        click.echo(f"  wrote {shown}")
    return 0


@announce.command()
@click.argument("announcement_id", metavar="ID")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the page ('-': standard output; default: a file in .git/govern/).",
)
@repo_option
def preview(announcement_id: str, output: Path | None, repo: Path) -> int:
    """Render the banner and the modal to one static HTML page, as users will see them."""
    from announcements import workflow
    from announcements.preview import preview_html
    from governance.atomic import write_atomic
    from governance.workdir import govern_dir

    _repository, settings = _context(repo)
    data = workflow.get(settings, announcement_id)
    page = preview_html(settings, data)
    if output is not None and str(output) == "-":
        click.echo(page, nl=False)
        return 0
    target = output or govern_dir(settings.root) / "preview" / f"{data.id}.html"
    write_atomic(target, page)
    click.echo(target.resolve().as_uri())
    return 0


@announce.command(name="list")
@click.option(
    "--status",
    type=click.Choice(["draft", "submitted", "approved", "rejected", "published"]),
    default=None,
)
@click.option("--policy", default=None, help="Only this policy's announcements.")
@repo_option
def list_(status: str | None, policy: str | None, repo: Path) -> int:
    """List announcements, newest first."""
    from announcements import workflow
    from announcements.record import Status

    _repository, settings = _context(repo)
    rows = workflow.list_announcements(settings, policy, Status(status) if status else None)
    if not rows:
        click.echo("no announcements")
        return 0
    for data in rows:
        click.echo(
            f"{data.id}  {data.status.value:<9}  {data.updated_at:%Y-%m-%d}  {data.policy_id}  "
            f"{data.title}"
        )
    return 0

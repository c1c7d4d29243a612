"""The one place the review app calls the library.

Screens ask :class:`Services` for views (:mod:`tui.viewmodels`) and for actions; every action is
the function the command line uses: ``governance.review.decide`` for decisions,
``governance.check.run_check`` for findings and their reviews, ``announcements.workflow`` and
``announcements.publish`` for announcements, ``governance.history`` for versions. Nothing here
decides anything the library does not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from governance.config import Config, ReviewerRole, load_config
from governance.errors import AnnouncementError, GovernError, ReviewError
from governance.gitrepo import GitRepository
from governance.identity import current_identity, same_identity
from tui.diffmodel import DiffDocument, build_document
from tui.viewmodels import (
    Change,
    DraftView,
    PolicyChange,
    Preview,
    Review,
    ReviewedFinding,
    State,
    VersionRow,
)

if TYPE_CHECKING:
    from announcements.record import AnnouncementData
    from governance.check import CheckResult, FindingCheck
    from governance.queue import ChangeSummary
    from governance.store import Store

Clock = Callable[[], datetime]

_WORD_KINDS = {"equal": "same", "delete": "removed", "insert": "added"}


def word_segments(before: str, after: str) -> list[tuple[str, str]]:
    """The library's word-level prose diff, as (kind, text) pairs for the diff widget."""
    from governance.prose import word_diff

    return [(_WORD_KINDS[segment.kind], segment.text) for segment in word_diff(before, after)]


class Services:
    """A repository opened for review by one identity, between a base and a head."""

    def __init__(
        self,
        repo: Path,
        identity: str | None = None,
        *,
        base: str | None = None,
        head: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.repo = GitRepository.open(Path(repo))
        self.config: Config = load_config(self.repo.root)
        self.base = base
        self.head = head
        self.clock = clock
        try:
            self.identity: str | None = current_identity(self.repo, identity)
        except ReviewError:
            if identity is not None:
                raise  # an --as that is not an email address
            self.identity = None  # no identity at all: the app opens read-only
        self._change: Change | None = None
        self._changes: list[Change] | None = None
        self._store: Store | None = None
        self._settings: Config | None = None
        self._texts: dict[
            tuple[str | None, str | None, str], dict[str, tuple[str | None, str | None]]
        ] = {}

    @property
    def settings(self) -> Config:
        """The settings that judge the change under review: its base revision's, as for
        ``govern check`` (the work tree's own settings never decide roles or rules)."""
        if self._settings is None:
            from governance.scope import resolve_scope

            try:
                self._settings = resolve_scope(self.repo, self.base, self.head).settings
            except GovernError:
                self._settings = self.config
        return self._settings

    # -- who ---------------------------------------------------------------------------------

    @property
    def role(self) -> str | None:
        if self.identity is None:
            return None
        role = self.settings.role_of(self.identity)
        return role.value if role else None

    @property
    def repo_name(self) -> str:
        return self.repo.root.name

    def can(self, permission: str) -> bool:
        """Whether the identity's role offers ``permission`` ("decide", "release", "draft")."""
        if self.identity is None:
            return False
        if permission == "decide":
            return self.role == ReviewerRole.legal.value
        if permission == "release":
            return self.role == ReviewerRole.release.value
        return permission == "draft"

    def now(self) -> datetime | None:
        return self.clock() if self.clock else None

    # -- the store ---------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        if self._store is None:
            from governance.store import open_store

            self._store = open_store(self.config)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        self.repo.close()

    # -- changes and findings ----------------------------------------------------------------

    def change(self) -> Change:
        """The change under review (``--base``/``--head``, else what ``govern check`` picks)."""
        if self._change is None:
            self._change = self._load(self.base, self.head)
        return self._change

    @property
    def one_change(self) -> bool:
        """``--base``/``--head`` name the one change to review (else: every open change)."""
        return self.base is not None or self.head is not None

    def changes(self) -> list[Change]:
        """The queue. With ``--base``/``--head``: the one change they name. Otherwise every open
        change (:func:`governance.queue.open_changes`): the checked-out one first — the change
        decisions are recorded on — then each other branch not merged into the default branch."""
        if self._changes is None:
            if self.one_change:
                self._changes = [self.change()]
            else:
                from governance.queue import open_changes

                self._changes = [
                    self._summary_change(summary)
                    for summary in open_changes(self.config, self.repo)
                ]
                checked_out = [c for c in self._changes if c.checked_out and c.error is None]
                if checked_out and self._change is None:
                    self._change = checked_out[0]
        return self._changes

    def refreshed(self, change: Change) -> Change:
        """The same change judged again (after a decision), keeping its place in the queue."""
        fresh = self._load(change.explicit_base, change.explicit_head)
        return replace(
            fresh, name=change.name, checked_out=change.checked_out, switch_to=change.switch_to
        )

    def reload(self) -> None:
        self._change = None
        self._changes = None
        self._settings = None

    def compare(self, base: str | None, head: str | None) -> Change:
        """Any pair of revisions (``head`` None: the working tree), with its reviews."""
        return self._load(base, head)

    def _load(self, base: str | None, head: str | None) -> Change:
        from governance.check import run_check

        result = run_check(self.repo, base, head)
        return self._change_from(result, base, head)

    def _summary_change(self, summary: ChangeSummary) -> Change:
        if summary.result is None:
            return Change(
                base_ref=summary.base_ref,
                base_commit=None,
                head_ref=summary.name,
                head_commit=None,
                explicit_head=summary.check_head,
                name=summary.name,
                checked_out=summary.checked_out,
                switch_to=summary.switch_name,
                error=summary.error,
            )
        change = self._change_from(summary.result, None, summary.check_head)
        return replace(
            change,
            name=summary.name,
            checked_out=summary.checked_out,
            switch_to=summary.switch_name,
        )

    def _change_from(self, result: CheckResult, base: str | None, head: str | None) -> Change:
        scope = result.scope
        by_policy: dict[str, list[FindingCheck]] = {}
        for item in result.findings:
            by_policy.setdefault(item.policy.policy, []).append(item)
        policies = []
        for report in result.report.policies:
            if report.status == "unchanged":
                continue
            findings = tuple(
                ReviewedFinding(
                    policy_id=report.policy,
                    finding=item.finding,
                    review=_review_of(item),
                    status=item.status.value,
                    ignored=tuple(
                        f"{entry.record.reviewer}: {entry.reason}" for entry in item.ignored
                    ),
                )
                for item in by_policy.get(report.policy, [])
            )
            authors = frozenset(scope.authors_of(self.repo, report.file))
            policies.append(PolicyChange(report.policy, report.status, findings, authors))
        return Change(
            base_ref=scope.base_ref,
            base_commit=scope.base,
            head_ref=scope.head_ref,
            head_commit=scope.head,
            policies=tuple(policies),
            verdict=result.verdict,
            explicit_base=base,
            explicit_head=head,
        )

    def is_mine(self, policy: PolicyChange) -> bool:
        """Waiting for this identity: findings to decide (legal) or an announcement (release)."""
        if self.identity is None:
            return False
        if any(same_identity(self.identity, author) for author in policy.authors):
            return False
        if self.can("decide"):
            return policy.pending > 0
        if self.can("release"):
            return self.announcement_state(policy.policy_id) == "submitted"
        return False

    def decide(
        self,
        change: Change,
        fingerprints: Sequence[str],
        decision: State,
        *,
        note: str | None = None,
        reason: str | None = None,
    ) -> list[str]:
        """Record a legal reviewer's decision (the ledger file and the audit event); returns the
        fingerprints recorded."""
        from governance.review import decide

        if change.read_only_reason is not None:
            raise ReviewError(change.read_only_reason)
        records = decide(
            self.repo,
            list(fingerprints),
            decision.value,
            self._acting(),
            note=note,
            reason=reason,
            base=change.explicit_base,
            head=change.explicit_head,
        )
        self.reload()
        return [record.fingerprint for record in records]

    def diff_document(self, change: Change | None, item: ReviewedFinding | None) -> DiffDocument:
        """What the diff widget shows for a finding: its values field by field, or — for a
        finding about prose — the word-level diff of the whole text it points at."""
        if item is None:
            return DiffDocument()
        finding = item.finding
        label = finding.path.rsplit("/", 1)[-1] if finding.path else "value"
        texts = (
            self._text_changes(change, item.policy_id)
            if change is not None and _is_prose_path(finding.path)
            else {}
        )
        if finding.path in texts and not isinstance(finding.before or finding.after, dict):
            old, new = texts[finding.path]
            return build_document(old or "", new or "", word_segments, label=label)
        return build_document(finding.before, finding.after, word_segments, label=label)

    def _text_changes(
        self, change: Change, policy_id: str
    ) -> dict[str, tuple[str | None, str | None]]:
        """Prose fields that differ in one policy of a change: path -> (old text, new text)."""
        key = (change.base_commit, change.head_commit, policy_id)
        if key not in self._texts:
            from governance.blobcache import parse_policy_file
            from governance.diff import diff_policies

            def side(revision: str | None) -> Any:
                policy_file = self.repo.policy_files(revision, self.config.policies).get(policy_id)
                return parse_policy_file(policy_file, self.repo.root) if policy_file else None

            diff = diff_policies(
                side(change.base_commit),
                side(change.head_commit),
                policy_id=policy_id,
                config=self.config,
            )
            self._texts[key] = {text.path: (text.old, text.new) for text in diff.texts}
        return self._texts[key]

    # -- history -----------------------------------------------------------------------------

    def versions(self, policy_id: str) -> list[VersionRow]:
        """The versions of one policy, newest first, each classified against the one before."""
        from governance.history import index_history, logged_versions

        index_history(self.repo, self.store, str(self.config.policies_dir))
        return [
            VersionRow(
                policy_id=version.policy_id,
                commit=version.commit,
                committed_at=version.committed_at,
                author=version.author,
                subject=version.subject,
                material=version.material,
                level=version.level,
                findings=version.findings,
                status=version.status,
            )
            for version in logged_versions(self.repo, self.store, self.config, policy_id)
        ]

    # -- announcements -----------------------------------------------------------------------

    def drafts(self, policy_id: str | None = None) -> list[DraftView]:
        from announcements.workflow import list_announcements

        return [
            _draft_view(data) for data in list_announcements(self.settings, policy_id=policy_id)
        ]

    def announcement(self, announcement_id: str) -> DraftView:
        from announcements.workflow import get

        return _draft_view(get(self.settings, announcement_id))

    def announcement_for(self, policy_id: str) -> DraftView | None:
        """The policy's open announcement (the newest not yet published), else its newest."""
        every = self.drafts(policy_id)
        open_ones = [draft for draft in every if draft.status != "published"]
        chosen = open_ones or every
        return chosen[0] if chosen else None

    def announcement_state(self, policy_id: str) -> str:
        draft = self.announcement_for(policy_id)
        return draft.status if draft else "—"

    def draft_announcement(self, policy_id: str) -> DraftView:
        """Draft (or find again) the announcement of the approved material findings."""
        from announcements.workflow import draft_from_change

        outcomes = draft_from_change(self.repo, self.store, self._acting(), self.base, self.head)
        self.reload()
        for outcome in outcomes:
            if outcome.announcement.policy_id == policy_id:
                return _draft_view(outcome.announcement)
        raise AnnouncementError(
            f"nothing to announce for {policy_id}: no material finding of it is approved",
            hint="a legal reviewer approves the material findings first",
        )

    def regenerated_text(self, policy_id: str) -> tuple[str, str]:
        """The title and body the templates give today (not stored until saved)."""
        from announcements.drafting import draft_announcement
        from announcements.workflow import _policy_at
        from governance.check import ReviewStatus, run_check

        result = run_check(self.repo, self.base, self.head)
        settings = result.scope.settings
        for policy in result.report.policies:
            if policy.policy != policy_id:
                continue
            approved = [
                item.finding
                for item in result.findings
                if item.policy is policy
                and item.status
                in (
                    ReviewStatus.approved,
                    ReviewStatus.needs_announcement,
                    ReviewStatus.announcement_rejected,
                )
            ]
            head = _policy_at(settings, self.repo, policy_id, result.scope.head)
            if approved and head is not None:
                base = _policy_at(settings, self.repo, policy_id, result.scope.base)
                draft = draft_announcement(approved, head, settings, policy_id=policy_id, base=base)
                return draft.title, draft.body_markdown
        raise AnnouncementError(f"nothing to announce for {policy_id}")

    def save_draft(self, announcement_id: str, title: str, body_markdown: str) -> DraftView:
        from announcements.workflow import edit_draft

        saved = edit_draft(
            self.repo,
            self.store,
            announcement_id,
            self._acting(),
            title=title,
            body_markdown=body_markdown,
        )
        self.reload()
        return _draft_view(saved)

    def submit(self, announcement_id: str) -> DraftView:
        from announcements.workflow import submit

        submitted = submit(self.repo, self.store, announcement_id, self._acting())
        self.reload()
        return _draft_view(submitted)

    def approve_announcement(self, announcement_id: str) -> DraftView:
        from announcements.workflow import approve

        approved = approve(self.repo, self.store, announcement_id, self._acting())
        self.reload()
        return _draft_view(approved)

    def reject_announcement(self, announcement_id: str, reason: str) -> DraftView:
        from announcements.workflow import reject

        rejected = reject(self.repo, self.store, announcement_id, self._acting(), reason)
        self.reload()
        return _draft_view(rejected)

    def publish(self, announcement_id: str) -> DraftView:
        from announcements.publish import publish

        result = publish(self.repo, self.store, announcement_id, self._acting(), now=self.now())
        self.reload()
        return _draft_view(result.announcement)

    def preview(
        self, announcement_id: str, title: str | None = None, body: str | None = None
    ) -> Preview:
        """The banner and the modal users would see, for the stored text or an edited one."""
        from announcements.outputs import render_outputs
        from announcements.workflow import get, policy_title

        data = get(self.settings, announcement_id)
        update: dict[str, Any] = {}
        if title is not None:
            update["title"] = " ".join(title.split()) or data.title
        if body is not None:
            update["body_markdown"] = body
        if update:
            data = data.model_copy(update=update)
        rendered = render_outputs(
            self.settings, data, policy_title(self.settings, data.policy_id), self.now()
        )
        return Preview(banner_markdown=rendered.banner, modal_markdown=rendered.modal_markdown)

    # -- helpers -----------------------------------------------------------------------------

    def _acting(self) -> str:
        if self.identity is None:
            raise ReviewError(
                "no identity: pass --as EMAIL (or set `git config user.email`)", field="--as"
            )
        return self.identity


def _is_prose_path(path: str) -> bool:
    """Paths where the library's diff keeps a whole text (``PolicyDiff.texts``)."""
    return (
        path == "summary"
        or path.startswith(("sections/", "commitments/", "controls/"))
        or path.endswith("/purpose")
    )


def _review_of(item: FindingCheck) -> Review | None:
    record = item.record
    if record is None:
        return None
    return Review(
        decision=State(record.decision.value),
        reviewer=record.reviewer,
        decided_at=record.decided_at,
        note=record.note,
        reason=record.reason,
    )


def _draft_view(data: AnnouncementData) -> DraftView:
    return DraftView(
        id=data.id,
        policy_id=data.policy_id,
        status=data.status.value,
        title=data.title,
        body_markdown=data.body_markdown,
        drafted_by=data.drafted_by,
        decided_by=data.decided_by,
        reason=data.reason,
        requires_reconsent=data.requires_reconsent,
        fingerprints=tuple(data.fingerprints),
        base_commit=data.base_commit,
        head_commit=data.head_commit,
    )


__all__ = ["Services", "word_segments"]

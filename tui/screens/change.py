"""Change review: the findings of one policy on one side, the diff of the selected one on the other.

A legal reviewer decides with one key: approve, downgrade to not material (a written
justification is required), reject (with a reason); a note goes with the next decision. Every
decision goes through :meth:`tui.services.Services.decide`, the function the CLI uses.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, OptionList, Static

from governance.findings import Level
from tui.screens.base import GovernScreen
from tui.screens.modals import TextPrompt
from tui.viewmodels import LEVEL_COLOURS, Change, PolicyChange, ReviewedFinding, State
from tui.widgets.diff_view import DiffView
from tui.widgets.findings_list import STATE_STYLES, FindingsList, level_text
from tui.widgets.header import AppHeader

WIDE = 120
DECISIONS = frozenset({"approve", "downgrade", "reject", "note"})


class ChangeScreen(GovernScreen):
    """One policy's findings in one change (base..head)."""

    BINDINGS = [
        Binding("a", "approve", "Approve", id="change.approve"),
        Binding("d", "downgrade", "Downgrade", id="change.downgrade"),
        Binding("r", "reject", "Reject", id="change.reject"),
        Binding("n", "note", "Note", id="change.note"),
        Binding("v", "toggle_view", "View", id="change.toggle-view"),
        Binding("j", "next_finding", "Next finding", id="change.next", show=False),
        Binding("k", "previous_finding", "Previous finding", id="change.previous", show=False),
        Binding("e", "announcement", "Announce", id="change.announcement"),
        Binding("h", "history", "History", id="change.history", show=False),
        Binding("escape", "back", "Back", id="change.back", show=False),
    ]
    ACTION_PERMISSIONS = {
        "approve": "decide",
        "downgrade": "decide",
        "reject": "decide",
        "note": "decide",
        "announcement": "draft",
    }
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]

    def __init__(self, policy_id: str, change: Change | None = None) -> None:
        super().__init__()
        self.policy_id = policy_id
        self._change = change  # None: the app's current change (it reloads after a decision)
        self.notes: dict[str, str] = {}
        self.title = "Change review"

    # -- composition ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(id="header")
        yield Static(id="change-title")
        with Horizontal(id="change-body"):
            yield FindingsList(id="findings")
            with Vertical(id="finding-pane"):
                with VerticalScroll(id="detail-scroll"):
                    yield Static(id="finding-detail")
                yield DiffView(id="diff")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DiffView).mode = "split" if self.app.size.width >= WIDE else "unified"
        self.refresh_findings()
        self.query_one(FindingsList).focus()

    # -- data -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if allowed and action in DECISIONS and self.change.read_only_reason is not None:
            return False  # a branch that is not checked out: read it, decide after `git switch`
        return allowed

    @property
    def change(self) -> Change:
        return self._change if self._change is not None else self.services.change()

    @property
    def policy(self) -> PolicyChange:
        policy = self.change.policy(self.policy_id)
        if policy is None:
            return PolicyChange(self.policy_id, "unchanged", ())
        return policy

    @property
    def current(self) -> ReviewedFinding | None:
        fingerprint = self.query_one(FindingsList).highlighted_fingerprint
        return next((f for f in self.policy.findings if f.fingerprint == fingerprint), None)

    def refresh_findings(self, keep: str | None = None) -> None:
        policy = self.policy
        findings_list = self.query_one(FindingsList)
        findings_list.show(policy.findings, keep=keep or findings_list.highlighted_fingerprint)
        self.query_one("#change-title", Static).update(self._title_text(policy))
        self.show_current()

    def _title_text(self, policy: PolicyChange) -> Text:
        counts = policy.counts
        change = self.change
        text = Text.assemble(
            (policy.policy_id, "bold"),
            ("  ", ""),
            (change.label, "dim"),
            ("  ", ""),
            (f"{counts[Level.material]} material", f"bold {LEVEL_COLOURS[Level.material]}"),
            (" · ", "dim"),
            (f"{counts[Level.minor]} minor", LEVEL_COLOURS[Level.minor]),
            (" · ", "dim"),
            (f"{counts[Level.editorial]} editorial", LEVEL_COLOURS[Level.editorial]),
            (f" — {policy.state_words}", "bold"),
        )
        if change.read_only_reason is not None:
            text.append(f"\nRead-only: {change.read_only_reason}", style="italic yellow")
        return text

    def show_current(self) -> None:
        item = self.current
        detail = self.query_one("#finding-detail", Static)
        diff = self.query_one(DiffView)
        if item is None:
            detail.update(Text("No findings: nothing in this policy changed in meaning.", "dim"))
            diff.show(self.services.diff_document(None, None))
            return
        detail.update(self._detail_text(item))
        diff.show(self.services.diff_document(self.change, item))

    def _detail_text(self, item: ReviewedFinding) -> Text:
        finding = item.finding
        text = level_text(finding.level, width=0)
        text.append(f" · {finding.rule} · {finding.path}", style="bold")
        text.append(f"  [{finding.fingerprint}]", style="dim")
        text.append(f"\n{finding.message}")
        text.append("\nWhy: ", style="bold")
        text.append(finding.reason)
        review = item.review
        text.append("\nReview: ", style="bold")
        if review is None:
            words = State.pending.words if finding.level is Level.material else "no decision needed"
            text.append(f"{State.pending.mark} {words}", style=STATE_STYLES[State.pending])
        else:
            text.append(
                f"{review.decision.mark} {review.decision.words}",
                style=STATE_STYLES[review.decision],
            )
            text.append(f" by {review.reviewer}")
            if review.reason:
                text.append(f" — {review.reason}")
            if review.note:
                text.append(f" (note: {review.note})", style="italic")
        pending_note = self.notes.get(finding.fingerprint)
        if pending_note:
            text.append("\nYour note (goes with your decision): ", style="bold")
            text.append(pending_note, style="italic")
        return text

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show_current()

    # -- deciding ---------------------------------------------------------------------------

    def _decide(self, decision: State, reason: str | None = None) -> None:
        item = self.current
        if item is None:
            return
        fingerprint = item.fingerprint
        done = self.attempt(
            f"record '{decision.words}'",
            self.services.decide,
            self.change,
            [fingerprint],
            decision,
            note=self.notes.get(fingerprint),
            reason=reason,
        )
        if done is None:
            return
        self.notes.pop(fingerprint, None)
        if self._change is not None:
            self._change = self.services.refreshed(self._change)
        self.notify(
            f"{decision.words.capitalize()}: {item.finding.rule} ({fingerprint}).",
            title="Recorded in the ledger",
        )
        self.refresh_findings(keep=self._next_pending_after(fingerprint))

    def _next_pending_after(self, fingerprint: str) -> str:
        findings = self.policy.findings
        order = [f.fingerprint for f in findings]
        start = order.index(fingerprint) if fingerprint in order else 0
        for item in findings[start + 1 :] + findings[:start]:
            if item.needs_decision:
                return item.fingerprint
        return fingerprint

    def action_approve(self) -> None:
        self._decide(State.approved)

    def action_downgrade(self) -> None:
        if self.current is None:
            return

        def done(justification: str | None) -> None:
            if justification:
                self._decide(State.not_material, justification)

        self.app.push_screen(
            TextPrompt(
                "Downgrade to not material",
                "Write why this change is not material. The justification is kept in the ledger "
                "with your name and is read by auditors.",
                placeholder="e.g. the vendor is already disclosed under another name",
            ),
            done,
        )

    def action_reject(self) -> None:
        if self.current is None:
            return

        def done(reason: str | None) -> None:
            if reason:
                self._decide(State.rejected, reason)

        self.app.push_screen(
            TextPrompt(
                "Reject this change",
                "Say what the author must change. The reason is kept in the ledger.",
                placeholder="e.g. name the recipient's country and legal basis",
            ),
            done,
        )

    def action_note(self) -> None:
        item = self.current
        if item is None:
            return

        def done(note: str | None) -> None:
            if note:
                self.notes[item.fingerprint] = note
            else:
                self.notes.pop(item.fingerprint, None)
            self.show_current()

        self.app.push_screen(
            TextPrompt(
                "Note",
                "A note for the record; it is saved with your next decision on this finding.",
                required=False,
                initial=self.notes.get(item.fingerprint, ""),
            ),
            done,
        )

    # -- navigation -------------------------------------------------------------------------

    def action_toggle_view(self) -> None:
        self.query_one(DiffView).toggle_mode()

    def action_next_finding(self) -> None:
        self.query_one(FindingsList).action_cursor_down()

    def action_previous_finding(self) -> None:
        self.query_one(FindingsList).action_cursor_up()

    def action_announcement(self) -> None:
        self.govern.open_announcement(self.policy_id, read_only_reason=self.change.read_only_reason)

    def action_history(self) -> None:
        self.govern.open_history(self.policy_id)

    def action_back(self) -> None:
        self.app.pop_screen()

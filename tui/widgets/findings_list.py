"""The findings of a change: level in colour and in words, rule id, what changed, review state.

An :class:`~textual.widgets.OptionList`, which renders only the lines in view, so a change with
hundreds of findings paints as fast as one with three.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from governance.findings import Level
from tui.viewmodels import LEVEL_COLOURS, ReviewedFinding, State

MESSAGE_CHARS = 90

STATE_STYLES = {
    State.pending: "bold",
    State.approved: "green",
    State.not_material: "cyan",
    State.rejected: "red",
}


def level_text(level: Level, *, width: int = 9) -> Text:
    """The level in words (so it reads without colour) and in colour."""
    text = Text()
    text.append(f"{level.value.upper():<{width}}", style=f"bold {LEVEL_COLOURS[level]}")
    return text


def finding_prompt(item: ReviewedFinding) -> Text:
    """Three lines: level and rule; what changed (shortened); review state and path."""
    finding = item.finding
    text = level_text(finding.level, width=10)
    text.append(finding.rule, style="bold")
    message = (
        finding.message
        if len(finding.message) <= MESSAGE_CHARS
        else (finding.message[: MESSAGE_CHARS - 1].rstrip() + "…")
    )
    text.append(f"\n  {message}\n  ")
    if finding.level is Level.material or item.review is not None:
        state = item.state
        text.append(f"{state.mark} {state.words}", style=STATE_STYLES[state])
        text.append("  ")
    text.append(finding.path, style="dim")
    return text


class FindingsList(OptionList):
    """One option per finding; the option id is the finding's fingerprint."""

    def show(self, findings: tuple[ReviewedFinding, ...], keep: str | None = None) -> None:
        """Replace the options, keeping the highlight on ``keep`` (a fingerprint) when present."""
        highlighted = keep
        self.clear_options()
        self.add_options(Option(finding_prompt(item), id=item.fingerprint) for item in findings)
        if not findings:
            return
        index = 0
        if highlighted is not None:
            for position, item in enumerate(findings):
                if item.fingerprint == highlighted:
                    index = position
                    break
        self.highlighted = index

    @property
    def highlighted_fingerprint(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

"""Rules about promises made to users ("we do not...", "never...", "we announce...")."""

from __future__ import annotations

from collections.abc import Iterator

from governance.diff import PolicyDiff
from governance.findings import Level
from governance.rules.registry import Hit, rule
from governance.rules.words import EMPTIED_REASON, emptied, join, names_gone, short

AREA = "commitments"


@rule(
    "commitment-removed",
    Level.material,
    description=(
        'A promise to users is removed or negated ("we do not…", "never…", "not shared with…", '
        '"we announce…").'
    ),
    rationale=(
        "A promise made to users is part of the disclosure they relied on; withdrawing or "
        "reversing it is a material change to a privacy promise that the FTC treats as deceptive "
        "when applied without notice (FTC Act §5; FTC, February 2024, on quietly changing "
        "privacy policies)."
    ),
    area=AREA,
)
def removed_commitments(diff: PolicyDiff) -> Iterator[Hit]:
    lost = emptied(diff.old, diff.new)
    for commitment in diff.commitments.removed:
        if lost:
            yield Hit(
                f"commitments/{commitment.id}",
                f'Promise no longer on the page, which lost nearly all its text: "'
                f'{short(commitment.text, lower=False)}"',
                commitment.text,
                None,
                level=Level.minor,
                reason=EMPTIED_REASON,
            )
            continue
        gone = names_gone(commitment.text, diff.old, diff.new)
        message = f'Promise removed: "{short(commitment.text, lower=False)}"'
        if gone:
            message += f", together with {join(gone)}, which the page no longer names"
        yield Hit(
            f"commitments/{commitment.id}",
            message,
            commitment.text,
            None,
            level=Level.minor if gone else None,
            reason=WITH_ITS_SUBJECT_REASON if gone else None,
        )


WITH_ITS_SUBJECT_REASON = (
    "A promise about a recipient or a processing that is gone promised nothing still processed: "
    "removing it with its subject takes no protection away (EDPB WP260 rev.01 ¶29-30: only "
    "substantive changes need communicating)."
)


@rule(
    "commitment-added",
    Level.minor,
    description="A new promise to users.",
    rationale=(
        "More protective: a new promise adds to what users may rely on, and binds from now on "
        "(FTC Act §5)."
    ),
    area=AREA,
)
def new_commitments(diff: PolicyDiff) -> Iterator[Hit]:
    for commitment in diff.commitments.added:
        yield Hit(
            f"commitments/{commitment.id}",
            f'New promise: "{short(commitment.text, lower=False)}"',
            None,
            commitment.text,
        )

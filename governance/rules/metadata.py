"""Rules about the policy's own details: title, owner and contact, dates, links, layout."""

from __future__ import annotations

from collections.abc import Iterator

from governance.diff import PolicyDiff
from governance.findings import Level
from governance.rules.registry import Hit, rule

AREA = "metadata"

_EDITORIAL_METADATA = {
    "title": "The policy's title changed",
    "last_updated": "The last-updated date changed",
    "consent_revision": "The consent revision changed",
}


@rule(
    "text-changed",
    Level.editorial,
    description=("Wording, typos, formatting, ordering, dates, links, with no change of meaning."),
    rationale=(
        "Changes that alter no fact about the processing need not be communicated to users; "
        "EDPB WP260 rev.01 ¶29-30 asks to notify substantive changes, not editorial ones."
    ),
    area=AREA,
)
def editorial_metadata(diff: PolicyDiff) -> Iterator[Hit]:
    for change in diff.metadata:
        label = _EDITORIAL_METADATA.get(change.field)
        if label is not None:
            yield Hit(
                change.field,
                f"{label}: {change.before} → {change.after}",
                change.before,
                change.after,
            )
    yield from _moves(diff)
    for recipient_pair in diff.recipients.modified:
        link = recipient_pair.field("privacy_policy")
        if link is not None:
            yield Hit(
                f"recipients/{recipient_pair.key}/privacy_policy",
                f"Link to {recipient_pair.new.name}'s privacy policy changed",
                link.before,
                link.after,
            )


def _moves(diff: PolicyDiff) -> Iterator[Hit]:
    """Entries moved to another section: one finding per pair of sections, not one per entry.

    A section only renumbered (a repeated heading's positional id) is no move: the diff pairs the
    sections and leaves such entries unchanged.
    """
    moves: dict[tuple[str | None, str | None], list[str]] = {}
    for collection, entries in (
        ("items", diff.items),
        ("commitments", diff.commitments),
        ("controls", diff.controls),
    ):
        for pair in entries.modified:
            section = pair.field("section")
            if section is not None:
                moves.setdefault((section.before, section.after), []).append(
                    f"{collection}/{pair.key}"
                )
    for (before, after), paths in moves.items():
        if len(paths) == 1:
            yield Hit(
                f"{paths[0]}/section", f"Moved from section {before} to {after}", before, after
            )
            continue
        names = ", ".join(path.split("/", 1)[1] for path in paths[:_NAMED])
        more = f" and {len(paths) - _NAMED} more" if len(paths) > _NAMED else ""
        yield Hit(
            f"sections/{after or '-'}/moved-from/{before or '-'}",
            f"{len(paths)} entries moved from section {before} to {after}: {names}{more}",
            {"section": before, "entries": sorted(paths)},
            {"section": after, "entries": sorted(paths)},
        )


_NAMED = 5  # entries a grouped move names before "and N more"


@rule(
    "contact-changed",
    Level.minor,
    description="The policy's owner or contact details changed.",
    rationale=(
        "The controller's identity and contact details are disclosed under GDPR Art. 13(1)(a) "
        "and (b); a change there must be reflected, but the processing itself is unchanged."
    ),
    area=AREA,
)
def contact(diff: PolicyDiff) -> Iterator[Hit]:
    owner = diff.meta("owner")
    if owner is not None:
        yield Hit(
            "owner",
            f"The policy's owner changed: {owner.before} → {owner.after}",
            owner.before,
            owner.after,
        )


@rule(
    "policy-removed",
    Level.material,
    description="A whole policy is deleted.",
    rationale=(
        "Users were told what the policy disclosed and promised; deleting it takes every "
        "disclosure and promise away at once, while the processing may go on (GDPR Art. 12(1) "
        "and 13: the information must stay available)."
    ),
    area="policy",
)
def policy_removed(diff: PolicyDiff) -> Iterator[Hit]:
    if diff.policy_removed and diff.old is not None:
        yield Hit(
            "",
            f'The whole policy "{diff.old.title or diff.policy_id}" is deleted: what it disclosed '
            "and promised is no longer published",
            before=diff.old.title,
            after=None,
        )

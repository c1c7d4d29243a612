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
    for collection, entries in (
        ("items", diff.items),
        ("commitments", diff.commitments),
        ("controls", diff.controls),
    ):
        for pair in entries.modified:
            section = pair.field("section")
            if section is not None:
                yield Hit(
                    f"{collection}/{pair.key}/section",
                    f"Moved from section {section.before} to {section.after}",
                    section.before,
                    section.after,
                )
    for recipient_pair in diff.recipients.modified:
        link = recipient_pair.field("privacy_policy")
        if link is not None:
            yield Hit(
                f"recipients/{recipient_pair.key}/privacy_policy",
                f"Link to {recipient_pair.new.name}'s privacy policy changed",
                link.before,
                link.after,
            )


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

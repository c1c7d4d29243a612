"""Rules about consent and user controls: weaker consent, defaults turned on, signals dropped."""

from __future__ import annotations

from collections.abc import Iterator

from governance.diff import PolicyDiff
from governance.findings import Level
from governance.model import CONSENT_STRENGTH, Category, Consent, Control, Signal
from governance.rules.registry import Hit, rule
from governance.rules.words import (
    EMPTIED_REASON,
    category_label,
    consent_words,
    emptied,
    item_words,
    join,
    names_gone,
    offered_controls,
    short,
    still_offered,
)

AREA = "consent"

_SIGNALS = {
    Signal.do_not_track: "Do Not Track (DNT)",
    Signal.global_privacy_control: "Global Privacy Control (GPC)",
}


STILL_OFFERED_REASON = (
    "Users keep the same ways to refuse and withdraw (GDPR Art. 7(3)): the control is reworded, "
    "moved behind a link, or went with the third party it was about."
)


def signal_words(signal: str) -> str:
    return _SIGNALS.get(Signal(signal), signal)


def _strength(consent: str) -> int:
    return CONSENT_STRENGTH[Consent(consent)]


def _control_words(control: Control) -> str:
    return f'"{short(control.text, lower=False)}"'


@rule(
    "consent-weakened",
    Level.material,
    description=(
        "Consent is no longer asked, or asked less (opt-in → opt-out → notice → none), a default "
        "turns on, an item moves into the strictly necessary category, or a user control or "
        "browser signal (Do Not Track, Global Privacy Control) is dropped."
    ),
    rationale=(
        "Consent to cookies must be prior and freely given, and as easy to withdraw as to give "
        "(ePrivacy Art. 5(3); GDPR Art. 4(11) and 7(3)); a default that is on or a pre-ticked box "
        "is no consent (CJEU C-673/17 Planet49); the strictly necessary exemption is narrow "
        "(WP194); the Global Privacy Control is a valid opt-out request under the CCPA "
        "regulations (11 CCR §7025)."
    ),
    area=AREA,
)
def weaker_consent(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        consent = pair.field("consent")
        if consent is not None and _strength(consent.after) < _strength(consent.before):
            yield Hit(
                f"items/{pair.key}/consent",
                f"The {item_words(pair.new, diff.new)} is now set {consent_words(consent.after)}; "
                f"before, {consent_words(consent.before)}",
                consent.before,
                consent.after,
            )
        category = pair.field("category")
        if category is not None and category.after == Category.strictly_necessary.value:
            yield Hit(
                f"items/{pair.key}/category",
                f'"{pair.new.name}" moves into strictly necessary (exempt from consent); '
                f"it was {category_label(category.before)}",
                category.before,
                category.after,
            )
    offered: dict[str, set[str]] | None = None
    lost = emptied(diff.old, diff.new)
    for control in diff.controls.removed:
        level = reason = None
        if control.signal:
            message = f"{signal_words(control.signal)} signals are no longer honoured"
        else:
            message = f"User control removed: {_control_words(control)}"
            if offered is None:
                offered = offered_controls(diff.new)
            ways = still_offered(control.text, offered)
            gone = names_gone(control.text, diff.old, diff.new)
            if ways:
                message += f"; the page still offers {join(sorted(ways))}"
                level, reason = Level.minor, STILL_OFFERED_REASON
            elif gone:
                message += f", together with {join(gone)}, which the page no longer names"
                level, reason = Level.minor, STILL_OFFERED_REASON
        if lost:
            level, reason = Level.minor, EMPTIED_REASON
        yield Hit(f"controls/{control.id}", message, control.text, None, level=level, reason=reason)
    for control_pair in diff.controls.modified:
        signal = control_pair.field("signal")
        if signal is not None and signal.before is not None:
            yield Hit(
                f"controls/{control_pair.key}/signal",
                f"{signal_words(signal.before)} signals are no longer honoured",
                signal.before,
                signal.after,
            )


@rule(
    "consent-strengthened",
    Level.minor,
    description=(
        "An item asks for more consent than before, or moves from strictly necessary to a "
        "consent-gated category."
    ),
    rationale=(
        "More protective for users: the item now waits for consent (ePrivacy Art. 5(3)); moving "
        "an item out of strictly necessary follows WP194's narrow reading of the exemption."
    ),
    area=AREA,
)
def stronger_consent(diff: PolicyDiff) -> Iterator[Hit]:
    for pair in diff.items.modified:
        consent = pair.field("consent")
        if consent is not None and _strength(consent.after) > _strength(consent.before):
            yield Hit(
                f"items/{pair.key}/consent",
                f'"{pair.new.name}" is now set {consent_words(consent.after)}; '
                f"before, {consent_words(consent.before)}",
                consent.before,
                consent.after,
            )
        category = pair.field("category")
        if category is not None and category.before == Category.strictly_necessary.value:
            yield Hit(
                f"items/{pair.key}/category",
                f'"{pair.new.name}" is no longer treated as strictly necessary; it is now '
                f"{category_label(category.after)}",
                category.before,
                category.after,
            )


@rule(
    "control-added",
    Level.minor,
    description="A new user control, or a control now honours a browser signal.",
    rationale="More protective: users gain a way to refuse or withdraw (GDPR Art. 7(3)).",
    area=AREA,
)
def new_controls(diff: PolicyDiff) -> Iterator[Hit]:
    for control in diff.controls.added:
        message = (
            f"{signal_words(control.signal)} signals are now honoured"
            if control.signal
            else f"New user control: {_control_words(control)}"
        )
        yield Hit(f"controls/{control.id}", message, None, control.text)
    for pair in diff.controls.modified:
        signal = pair.field("signal")
        if signal is not None and signal.before is None:
            yield Hit(
                f"controls/{pair.key}/signal",
                f"{signal_words(signal.after)} signals are now honoured",
                None,
                signal.after,
            )

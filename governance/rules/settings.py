"""The rule for changes to govern's own settings, which decide verdicts.

Findings of this rule do not come from a policy diff: :mod:`governance.settings_diff` compares the
base revision's settings (and the files they name) with the head's. The base's settings judge the
change; the head's only take effect once a legal reviewer approved them and they are merged.
"""

from __future__ import annotations

from governance.findings import Level
from governance.rules.registry import declare

GOVERNANCE_CONFIG_CHANGED = declare(
    "governance-config-changed",
    Level.material,
    description=(
        "The change edits a setting that decides verdicts: rule levels, plugins, the policies "
        "folder, reviewers, signing, the catalogue, templates, branches, the ledger or the feed"
    ),
    rationale=(
        "A change may not judge itself: the review gate reads these settings from the base "
        "revision, and a change to them takes effect for later changes only once a legal "
        "reviewer approved it and it is merged: the controller must be able to show who decided "
        "what, under which rules (GDPR Art. 5(2) accountability, Art. 24)."
    ),
    area="governance",
    module=__name__,
)

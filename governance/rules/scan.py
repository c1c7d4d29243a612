"""Rules of ``govern scan``: what a real browser observed on the site against the declared policy.

These rules have no diff detectors: the scan matcher (:mod:`governance.scan.match`) produces their
findings from observations. They live in the registry like every other rule so that ``govern
rules`` lists them, users can change their levels or turn them off in ``[tool.govern.rules]``, and
reports describe them (SARIF rule metadata, reasons).
"""

from __future__ import annotations

from governance.findings import Level
from governance.rules.registry import REGISTRY, Rule

AREA = "scan"

SCAN_RULES = (
    Rule(
        "undeclared-cookie",
        Level.material,
        "A cookie observed on the site that the policy does not declare.",
        "Storing or reading a cookie on a user's device must be disclosed, with its purpose, and "
        "needs prior consent unless it is strictly necessary (ePrivacy Directive Art. 5(3); "
        "GDPR Art. 13(1)(c)): a cookie the policy does not list is processing users were not told "
        "about.",
        AREA,
    ),
    Rule(
        "undeclared-storage",
        Level.material,
        "A localStorage, sessionStorage or IndexedDB key observed on the site that the "
        "policy does not declare.",
        "ePrivacy Art. 5(3) covers any storing of or access to information on the user's device, "
        "not only cookies (WP194; EDPB Guidelines 2/2023 on the technical scope of Art. 5(3)): "
        "web storage the policy does not list is undisclosed.",
        AREA,
    ),
    Rule(
        "undeclared-third-party",
        Level.material,
        "The site sends data to a company that is not a declared recipient.",
        "Every request to another company's server discloses at least the user's IP address and "
        "the page visited; the recipients of personal data must be named (GDPR Art. 13(1)(e); "
        "CJEU C-40/17 Fashion ID, on embedded third-party content).",
        AREA,
    ),
    Rule(
        "set-before-consent",
        Level.material,
        "A cookie or storage item that is not strictly necessary is observed before the "
        "user consents.",
        "Information may be stored on or read from a user's device only after consent, unless it "
        "is strictly necessary for a service the user asked for (ePrivacy Directive Art. 5(3); "
        "CJEU C-673/17 Planet49: consent must be given before, by an active choice).",
        AREA,
    ),
    Rule(
        "duration-exceeds-declared",
        Level.material,
        "A cookie's observed expiry is longer than the retention the policy declares.",
        "The storage period is part of the information owed to users (GDPR Art. 13(2)(a)); a "
        "cookie kept longer than declared is processing beyond what users were told (WP194: a "
        "lifetime proportionate to the purpose).",
        AREA,
    ),
    Rule(
        "declared-not-observed",
        Level.minor,
        "A declared cookie or storage item was not seen on the pages scanned.",
        "The policy may be stale, or the item is set on pages or in flows the scan did not "
        "reach; a list that overstates processing misleads less than one that understates it, "
        "but it should be kept accurate (GDPR Art. 5(1)(a) transparency).",
        AREA,
    ),
)

for _rule in SCAN_RULES:
    REGISTRY.add_rule(_rule)

"""Snapshot of fideslang's default taxonomy keys (data uses and data categories).

Kept as plain data so that ``govern validate`` and ``govern check`` start without importing
fideslang and pydantic models it builds (~180 ms). ``tests/test_taxonomy.py`` compares this
snapshot with the installed fideslang, so it cannot drift silently; regenerate with
``python -m governance.taxonomy --regenerate``.
"""

from __future__ import annotations

import difflib

DATA_USES: frozenset[str] = frozenset(
    {
        "analytics",
        "analytics.reporting",
        "analytics.reporting.ad_performance",
        "analytics.reporting.campaign_insights",
        "analytics.reporting.content_performance",
        "analytics.reporting.system",
        "analytics.reporting.system.performance",
        "collect",
        "employment",
        "employment.recruitment",
        "essential",
        "essential.fraud_detection",
        "essential.legal_obligation",
        "essential.service",
        "essential.service.authentication",
        "essential.service.notifications",
        "essential.service.notifications.email",
        "essential.service.notifications.sms",
        "essential.service.operations",
        "essential.service.operations.improve",
        "essential.service.operations.support",
        "essential.service.payment_processing",
        "essential.service.security",
        "essential.service.upgrades",
        "finance",
        "functional",
        "functional.service",
        "functional.service.improve",
        "functional.storage",
        "functional.storage.privacy_preferences",
        "marketing",
        "marketing.advertising",
        "marketing.advertising.first_party",
        "marketing.advertising.first_party.contextual",
        "marketing.advertising.first_party.targeted",
        "marketing.advertising.frequency_capping",
        "marketing.advertising.negative_targeting",
        "marketing.advertising.profiling",
        "marketing.advertising.serving",
        "marketing.advertising.third_party",
        "marketing.advertising.third_party.targeted",
        "marketing.communications",
        "marketing.communications.email",
        "marketing.communications.sms",
        "operations",
        "personalize",
        "personalize.content",
        "personalize.content.limited",
        "personalize.content.profiled",
        "personalize.content.profiling",
        "personalize.profiling",
        "personalize.system",
        "sales",
        "third_party_sharing",
        "third_party_sharing.legal_obligation",
        "train_ai_system",
    }
)

DATA_CATEGORIES: frozenset[str] = frozenset(
    {
        "system",
        "system.authentication",
        "system.operations",
        "user",
        "user.account",
        "user.account.settings",
        "user.account.username",
        "user.authorization",
        "user.authorization.biometric",
        "user.authorization.credentials",
        "user.authorization.password",
        "user.behavior",
        "user.behavior.browsing_history",
        "user.behavior.media_consumption",
        "user.behavior.purchase_history",
        "user.behavior.search_history",
        "user.biometric",
        "user.biometric.fingerprint",
        "user.biometric.health",
        "user.biometric.retinal",
        "user.biometric.voice",
        "user.childrens",
        "user.contact",
        "user.contact.address",
        "user.contact.address.city",
        "user.contact.address.country",
        "user.contact.address.postal_code",
        "user.contact.address.state",
        "user.contact.address.street",
        "user.contact.email",
        "user.contact.fax_number",
        "user.contact.organization",
        "user.contact.phone_number",
        "user.contact.url",
        "user.content",
        "user.content.private",
        "user.content.public",
        "user.content.self_image",
        "user.criminal_history",
        "user.demographic",
        "user.demographic.age_range",
        "user.demographic.date_of_birth",
        "user.demographic.gender",
        "user.demographic.language",
        "user.demographic.marital_status",
        "user.demographic.political_opinion",
        "user.demographic.profile",
        "user.demographic.race_ethnicity",
        "user.demographic.religious_belief",
        "user.demographic.sexual_orientation",
        "user.device",
        "user.device.cookie",
        "user.device.cookie_id",
        "user.device.device_id",
        "user.device.ip_address",
        "user.financial",
        "user.financial.bank_account",
        "user.financial.credit_card",
        "user.government_id",
        "user.government_id.birth_certificate",
        "user.government_id.drivers_license_number",
        "user.government_id.immigration",
        "user.government_id.national_identification_number",
        "user.government_id.passport_number",
        "user.government_id.vehicle_registration",
        "user.health_and_medical",
        "user.health_and_medical.genetic",
        "user.health_and_medical.insurance_beneficiary_id",
        "user.health_and_medical.record_id",
        "user.job_title",
        "user.location",
        "user.location.imprecise",
        "user.location.precise",
        "user.name",
        "user.name.first",
        "user.name.last",
        "user.payment",
        "user.privacy_preferences",
        "user.sensor",
        "user.social",
        "user.telemetry",
        "user.unique_id",
        "user.unique_id.pseudonymous",
        "user.user_sensor",
        "user.workplace",
    }
)


def nearest(key: str, known: frozenset[str]) -> str | None:
    """The closest valid key, for a "did you mean" hint."""
    matches = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    if matches:
        return matches[0]
    tail = key.rsplit(".", 1)[-1]
    suffixed = [k for k in sorted(known) if k.endswith("." + tail) or k == tail]
    return suffixed[0] if suffixed else None


def _regenerate() -> str:  # pragma: no cover - maintenance helper
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    uses = sorted(d.fides_key for d in DEFAULT_TAXONOMY.data_use)
    cats = sorted(d.fides_key for d in DEFAULT_TAXONOMY.data_category)
    return f"DATA_USES = {uses!r}\nDATA_CATEGORIES = {cats!r}"


if __name__ == "__main__":  # pragma: no cover
    print(_regenerate())

"""Plain words for fideslang keys and country codes, for text that users read.

A key is described by its longest known prefix ("analytics.reporting.content_performance" falls
back to "analytics.reporting" only when the longer one is unknown), so every key of the taxonomy
gets a phrase.
"""

from __future__ import annotations

DATA_USES: dict[str, str] = {
    "analytics": "measuring how the product is used",
    "analytics.reporting": "measuring how the product is used",
    "analytics.reporting.ad_performance": "measuring how advertising performs",
    "analytics.reporting.campaign_insights": "measuring marketing campaigns",
    "analytics.reporting.content_performance": "measuring which pages and features are used",
    "analytics.reporting.system.performance": "monitoring errors and performance",
    "collect": "collecting data",
    "essential": "running the service",
    "essential.fraud_detection": "detecting fraud and abuse",
    "essential.legal_obligation": "meeting legal obligations",
    "essential.service.authentication": "keeping you logged in",
    "essential.service.notifications": "sending you service notifications",
    "essential.service.operations": "operating the service",
    "essential.service.operations.improve": "improving the service",
    "essential.service.operations.support": "providing support",
    "essential.service.payment_processing": "processing payments",
    "essential.service.security": "keeping the service secure",
    "functional": "remembering your choices",
    "functional.service.improve": "improving features",
    "functional.storage": "remembering your preferences",
    "functional.storage.privacy_preferences": "remembering your privacy choices",
    "marketing": "marketing",
    "marketing.advertising": "advertising",
    "marketing.advertising.first_party.targeted": "showing you targeted advertising",
    "marketing.advertising.profiling": "building an advertising profile",
    "marketing.advertising.third_party": "advertising by third parties",
    "marketing.advertising.third_party.targeted": "targeted advertising by third parties",
    "marketing.communications": "sending you marketing messages",
    "personalize": "personalising what you see",
    "personalize.profiling": "building a profile of you",
    "sales": "selling data",
    "third_party_sharing": "sharing data with third parties",
    "train_ai_system": "training AI systems",
}

DATA_CATEGORIES: dict[str, str] = {
    "system": "technical data",
    "user": "personal data",
    "user.account": "account details",
    "user.authorization": "login credentials",
    "user.behavior": "how you use the product",
    "user.behavior.browsing_history": "your browsing history",
    "user.behavior.search_history": "your search history",
    "user.behavior.purchase_history": "your purchase history",
    "user.biometric": "biometric data",
    "user.contact": "contact details",
    "user.contact.email": "your email address",
    "user.content": "content you create",
    "user.demographic": "demographic data",
    "user.device": "device data",
    "user.device.cookie_id": "cookie identifiers",
    "user.device.device_id": "device identifiers",
    "user.device.ip_address": "your IP address",
    "user.financial": "payment data",
    "user.location": "location data",
    "user.name": "your name",
    "user.unique_id": "identifiers",
}

COUNTRIES: dict[str, str] = {
    "AU": "Australia",
    "CA": "Canada",
    "CH": "Switzerland",
    "CN": "China",
    "DE": "Germany",
    "EU": "the European Union",
    "FR": "France",
    "GB": "the United Kingdom",
    "IE": "Ireland",
    "IL": "Israel",
    "IN": "India",
    "JP": "Japan",
    "MT": "Malta",
    "NL": "the Netherlands",
    "SG": "Singapore",
    "UK": "the United Kingdom",
    "US": "the United States",
}


def _describe(key: str, known: dict[str, str]) -> str:
    parts = str(key).split(".")
    for length in range(len(parts), 0, -1):
        phrase = known.get(".".join(parts[:length]))
        if phrase is not None:
            return phrase
    return parts[-1].replace("_", " ")


def describe_use(key: str) -> str:
    """``analytics.reporting`` → ``measuring how the product is used``."""
    return _describe(key, DATA_USES)


def describe_category(key: str) -> str:
    """``user.device.ip_address`` → ``your IP address``."""
    return _describe(key, DATA_CATEGORIES)


def describe_country(code: str) -> str:
    """``US`` → ``the United States``; an unknown code is returned as written."""
    return COUNTRIES.get(str(code).upper(), str(code))

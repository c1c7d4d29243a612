"""Organisations that commonly receive data through cookies, pixels and SDKs.

Used to recognise a third party named in prose even without a telling verb ("We use Hotjar to
record sessions"). Names are matched case-sensitively on word boundaries; names that are also
ordinary English words (``AMBIGUOUS``) count only when they are not the first word of a sentence.
The known-cookie catalogue adds its platforms and controllers to this list at run time.
"""

from __future__ import annotations

VENDOR_NAMES: tuple[str, ...] = (
    # analytics, session recording, product analytics
    "Google Analytics", "Google Tag Manager", "Google Optimize", "Firebase", "Hotjar",
    "FullStory", "Mouseflow", "Crazy Egg", "Lucky Orange", "Smartlook", "Inspectlet",
    "ContentSquare", "Contentsquare", "Quantum Metric", "Heap", "Mixpanel", "Amplitude",
    "Segment", "RudderStack", "Rudderstack", "Snowplow", "Pendo", "PostHog", "Matomo", "Piwik",
    "Plausible", "Fathom", "Umami", "Chartbeat", "Parse.ly", "comScore", "ComScore", "Nielsen",
    "Kantar", "Adobe Analytics", "Adobe", "AT Internet", "Piano", "Microsoft Clarity",
    "Clarity", "Yandex Metrica", "Yandex", "Baidu", "Dynatrace", "New Relic", "Datadog",
    "Sentry", "Bugsnag", "Rollbar", "LogRocket", "Optimizely", "VWO", "AB Tasty", "ABTasty",
    "Kameleoon", "Qualtrics", "SurveyMonkey", "Usabilla", "Medallia", "Hotjar Ltd",
    # advertising and marketing
    "Google Ads", "Google AdSense", "AdSense", "DoubleClick", "Campaign Manager",
    "Display & Video 360", "Meta Pixel", "Facebook Pixel", "Facebook", "Meta", "Instagram",
    "WhatsApp", "LinkedIn", "LinkedIn Insight Tag", "TikTok Pixel", "Twitter", "Pinterest",
    "Snapchat", "Snap", "Reddit", "Quora", "Bing Ads", "Microsoft Advertising", "Criteo",
    "Taboola", "Outbrain", "The Trade Desk", "Trade Desk", "Xandr", "AppNexus", "MediaMath",
    "Quantcast", "LiveRamp", "Lotame", "Oracle BlueKai", "BlueKai", "Adform", "Amazon Ads",
    "Amazon Advertising", "Rubicon Project", "Magnite", "PubMatic", "OpenX", "Index Exchange",
    "TripleLift", "Sharethrough", "Teads", "Smart AdServer", "RTB House", "AdRoll",
    "Zeotap", "ID5", "Tapad", "Bombora", "Epsilon", "Acxiom", "Experian", "Oracle",
    "Integral Ad Science", "DoubleVerify", "Moat", "AppsFlyer", "Adjust", "Branch", "Kochava",
    "Singular", "Appsflyer", "AppLovin", "ironSource", "Unity Ads", "Vungle", "Liftoff",
    "InMobi", "Chartboost", "Pangle", "Awin", "Impact", "Rakuten Advertising", "CJ Affiliate",
    "Partnerize", "Yahoo", "Verizon Media", "Microsoft", "Bing",
    # CRM, marketing automation, support, chat
    "HubSpot", "Hubspot", "Marketo", "Salesforce", "Pardot", "Mailchimp", "Klaviyo", "Braze",
    "Iterable", "Customer.io", "Intercom", "Drift", "Zendesk", "Freshdesk", "Freshchat",
    "LiveChat", "Tawk.to", "Crisp", "Olark", "Gorgias", "Sendgrid", "SendGrid", "Twilio",
    "OneSignal", "Airship", "Leadfeeder", "Clearbit", "ZoomInfo", "6sense", "Demandbase",
    # payments, commerce
    "Stripe", "PayPal", "Braintree", "Adyen", "Klarna", "Afterpay", "Shopify", "Square",
    "Checkout.com", "Amazon Pay", "Apple Pay", "Google Pay", "Recurly", "Chargebee", "Paddle",
    # infrastructure, security, media
    "Cloudflare", "CloudFlare", "Akamai", "Fastly", "Imperva", "Amazon Web Services", "AWS",
    "Google Cloud", "Microsoft Azure", "Azure", "reCAPTCHA", "hCaptcha", "DataDome",
    "PerimeterX", "HUMAN", "Arkose Labs", "Auth0", "Okta", "OneTrust", "Cookiebot",
    "Usercentrics", "TrustArc", "Didomi", "Osano", "YouTube", "Vimeo", "Wistia", "Brightcove",
    "JW Player", "Spotify", "SoundCloud", "Giphy", "GIPHY", "Disqus", "AddThis", "ShareThis",
    "Typeform", "Calendly", "Vercel", "Netlify", "Algolia", "Mapbox", "Google Maps",
    "Trustpilot", "Bazaarvoice", "Yotpo", "OpenAI", "Anthropic",
)  # fmt: skip

# Vendor names that are also ordinary words or common capitalised terms.
AMBIGUOUS: frozenset[str] = frozenset(
    {
        "Segment", "Amplitude", "Intercom", "Stripe", "Branch", "Adjust", "Clarity", "Heap",
        "Drift", "Crisp", "Impact", "Square", "Snap", "Meta", "Piano", "Singular",
        "Moat", "Fathom", "Plausible", "Umami", "HUMAN", "Pendo", "Iterable", "Airship",
        "Paddle", "Liftoff", "Sentry", "Matomo", "Bing", "Azure", "Epsilon", "Oracle",
        "Yahoo", "Quora",
    }
)  # fmt: skip

"""The vocabulary claims are read with: phrases of privacy policies mapped to concepts.

Patterns match *normalised* clause text (see :func:`governance.prose.text.words`): lower case,
American spelling, hyphenated prefixes joined ("opt-out" → "optout", "third-party" →
"thirdparty", "e-mail" → "email"), punctuation gone except inside words ("ad-network", "don't").
Each table maps a concept id to one regular expression; the ids appear in findings' messages
through :data:`LABELS`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping


def _table(patterns: Mapping[str, str]) -> dict[str, re.Pattern[str]]:
    return {concept: re.compile(rf"\b(?:{pattern})\b") for concept, pattern in patterns.items()}


# Rewritten before anything else: phrases whose words would mislead the negation test.
MASKS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), replacement)
    for pattern, replacement in (
        (
            r"donottrack|dnt|do not track (?=signals?|settings?|requests?|preferences?|headers?|"
            r"browser|feature|option|mechanism|standard|setting)",
            "donottrack",
        ),
        (
            r"donotsell|do not sell (?:or share )?my (?:personal )?(?:information|data|info)",
            "donotsell",
        ),
        (r"global privacy control|gpc", "gpcsignal"),
        (r"(?:including )?(?:but )?not limited to|without limitation", ""),
        (r"whether or not|no matter", "whether"),
        (r"not only", "also"),
        (r"(?:no|not) (?:later|longer|more) than|not to exceed|not exceeding|up to", "maximum"),
        (r"if not|or not", ""),
        (r"no (?:charge|cost)", "free"),
        (
            r"you (?:do|does|did|can|could|may|might|will|would|should|shall|need|must|are|have)"
            r" ?(?:not|n't)|you (?:don't|doesn't|didn't|can't|cannot|couldn't|won't|wouldn't|"
            r"shouldn't|aren't|haven't|needn't|mustn't)|you never",
            "you_neg",
        ),
    )
)

# Names of signals and links, written as titles: masked before case is folded.
TITLED_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"Do[ -]Not[ -]Track|DO[ -]NOT[ -]TRACK|([\"'])do[ -]not[ -]track\1"),
        " DoNotTrack ",
    ),
    (re.compile(r"Do[ -]Not[ -]Sell|DO[ -]NOT[ -]SELL|([\"'])do[ -]not[ -]sell\1"), " DoNotSell "),
)

NEGATION_WORDS = frozenset(
    {"not", "never", "no", "none", "nor", "neither", "nothing", "cannot", "nobody", "nowhere"}
)

CONDITIONAL_START = re.compile(r"^(?:if|unless|in case|should you|when you|once you)\b")

# Verbs a promise is made of: what follows a negation in "we do not share", "never leave".
PROCESSING = re.compile(
    r"^(?:shar(?:e|es|ed|ing)|sell(?:s|ing)?|sold|rent(?:s|ed)?|trade[sd]?|disclos(?:e|es|ed|ing)|"
    r"transfer(?:s|red|ring)?|send(?:s|ing)?|sent|pass(?:es|ed)?|provid(?:e|es|ed|ing)|give[sn]?|"
    r"sync(?:s|ed|ing)?|upload(?:s|ed|ing)?|transmit(?:s|ted|ting)?|leav(?:e|es|ing)|left|"
    r"collect(?:s|ed|ing)?|gather(?:s|ed|ing)?|stor(?:e|es|ed|ing)|keep(?:s|ing)?|kept|"
    r"retain(?:s|ed|ing)?|use[sd]?|using|process(?:es|ed|ing)?|track(?:s|ed|ing)?|"
    r"record(?:s|ed|ing)?|monitor(?:s|ed|ing)?|combin(?:e|es|ed|ing)|link(?:s|ed|ing)?|"
    r"match(?:es|ed|ing)?|profil(?:e|es|ed|ing)|target(?:s|ed|ing)?|run(?:s|ning)?|"
    r"operat(?:e|es|ed|ing)|serv(?:e|es|ed|ing)|show(?:s|n|ed|ing)?|display(?:s|ed|ing)?|"
    r"set(?:s|ting)?|plac(?:e|es|ed|ing)|read(?:s|ing)?|access(?:es|ed|ing)?|"
    r"receiv(?:e|es|ed|ing)|build(?:s|ing)?|built|train(?:s|ed|ing)?|fingerprint(?:s|ed|ing)?|"
    r"identif(?:y|ies|ied|ying)|personaliz(?:e|es|ed|ing)|advertis(?:e|es|ed|ing)|tell|told|"
    r"inform(?:s|ed)?|notif(?:y|ies|ied)|announc(?:e|es|ed)|ask(?:s|ed)?|respond(?:s|ed)?|"
    r"honor(?:s|ed)?|respect(?:s|ed)?|buy(?:s|ing)?|bought|purchas(?:e|es|ed)|"
    r"monetiz(?:e|es|ed|ing)|infer(?:s|red)?|analyz(?:e|es|ed|ing)|spy|listen(?:s|ed)?|"
    r"scan(?:s|ned)?|tracking|ad-networks?|ads|advertising)$"
)
NEGATION_REACH = 4  # words after a negation in which its verb must appear

# Equivalent words folded to one token when two sentences are compared for the same promise.
SYNONYMS: dict[str, str] = {}
for _canonical, _variants in {
    "share": "shar share shares shared sharing disclose discloses disclosed disclosing provide "
    "provides provided pass passes passed transfer transfers transferred give gives given "
    "hand handed rent rents rented",
    "sell": "sell sells sold selling sale sales trade trades traded monetize monetizes",
    "advertisers": "advertisers advertiser ad-network ad-networks adnetwork adnetworks ads ad "
    "advertising marketers",
    "device": "device devices browser computer phone locally local",
    "leave": "leave leaves left leaving send sends sent upload uploads uploaded transmit "
    "transmits transmitted sync syncs synced synchronize synchronized",
    "run": "run runs running operate operates operating host hosts",
    "track": "track tracks tracked tracking follow follows monitor monitors monitoring",
    "use": "use uses used using process processes processed processing utilize utilizes",
    "collect": "collect collects collected collecting gather gathers gathered capture captures "
    "captured obtain obtains obtained receive receives received",
    "keep": "keep keeps kept store stores stored storing retain retains retained hold holds",
    "announce": "announce announces announced notify notifies notified inform informs informed "
    "tell tells told alert alerts email",
    "consent": "consent permission agreement approval",
    "data": "data information info",
    "partners": "partners partner companies company parties party vendors vendor",
}.items():
    for _variant in _variants.split():
        SYNONYMS[_variant] = _canonical

STOPWORDS = frozenset(
    """a an the and or of to in on at by for from with without into onto over under about as is
    are was were be been being am it its it's this that these those there here we us our
    ours you your yours they them their he she his her i me my which who whom whose what
    when where why how all any some such other than then also just only very can could may
    might will would shall should must do does did done has have had having so if because
    while both each more most much many few own same too again further once up down out off
    per via etc e.g i.e not never no none nor neither nothing cannot don't doesn't won't
    can't isn't aren't wasn't weren't haven't hasn't didn't wouldn't shouldn't couldn't
    mitpo whether""".split()  # noqa: SIM905
)

# --- who receives data -------------------------------------------------------------------------

RECIPIENT_CLASSES = _table(
    {
        "advertisers": r"advertis\w* (?:partners?|networks?|compan\w*|platforms?|providers?|"
        r"services?)|ad(?:-| )?(?:networks?|partners?|platforms?|tech\w*|exchanges?|servers?)|"
        r"adnetworks?|advertisers|marketing partners|marketers",
        "data brokers": r"data (?:brokers?|resellers?|aggregators?)",
        "affiliates": r"affiliates?|group compan\w*|corporate family|subsidiar\w*|parent compan\w*",
        "social networks": r"social (?:media|networks?) (?:platforms?|companies|partners?)?|"
        r"social networks?",
        "partners": r"(?:business |trusted |selected |third ?party |thirdparty |commercial )?"
        r"partners",
        "third parties": r"third ?part(?:y|ies)|thirdpart(?:y|ies)|other companies|"
        r"outside companies|external compan\w*",
        "service providers": r"service providers?|processors?|sub-?processors?|"
        r"subprocessors?|vendors?|suppliers?|contractors?",
        "AI providers": r"ai (?:providers?|compan\w*|partners?|vendors?)|"
        r"model (?:providers?|developers?)",
        "the public": r"the public|publicly",
        "government": r"law enforcement|government\w*|authorit\w*|regulators?",
    }
)

# "we share X with <recipients>", "<recipients> may receive / collect / set ..."
SHARE_TO = re.compile(
    r"\b(?:shar(?:e|es|ed|ing)|disclos(?:e|es|ed|ing)|transfer(?:s|red|ring)?|send(?:s|ing)?|"
    r"sent|pass(?:es|ed|ing)?|provid(?:e|es|ed|ing)|giv(?:e|es|en|ing)|mak(?:e|es|ing) "
    r"(?:\w+ ){0,3}available|rent(?:s|ed)?|licens(?:e|es|ed)|transmit(?:s|ted)?|"
    r"exchang(?:e|es|ed)|hand(?:s|ed)? over|work(?:s|ing)? (?:together )?with|partner(?:s|ed)? "
    r"with|allow(?:s|ing)?|permit(?:s|ting)?|enabl(?:e|es|ing)) (?:[\w'-]+ ){0,10}?"
    r"(?:with|to|among|for|between|allow|let|enable)? ?(?:[\w'-]+ ){0,3}?(?P<target>@[a-z]+)"
)
TARGET_ACTS = re.compile(
    r"(?P<target>@[a-z]+) (?:[\w'-]+ ){0,4}?(?:may |can |will |to |also |)(?:receiv\w*|"
    r"access\w*|collect\w*|obtain\w*|set(?:s)?|plac\w*|read(?:s)?|use[sd]?|gather\w*|"
    r"combin\w*|get(?:s)?)\b(?! by)"
)
SELL_VERB = re.compile(
    r"\b(?:sell|sells|selling|sold|sale of (?:your |personal |the )*(?:data|information)|"
    r"monetiz\w* (?:your |personal )*(?:data|information)|rent(?:s|ed)? (?:your |personal )*"
    r"(?:data|information))\b"
)

# --- what data is used for ---------------------------------------------------------------------

PURPOSES = _table(
    {
        "advertising": r"advertis\w*|ads|ad|sponsored|adverts?",
        "targeted advertising": r"(?:personaliz\w*|targeted|tailored|relevant|interest-?based|"
        r"behavioral|customized|target) (?:\w+ ){0,2}(?:ads|advertis\w*|adverts?|marketing)|"
        r"retarget\w*|"
        r"remarket\w*|ad targeting|target\w* (?:you with |)(?:ads|advertis\w*)",
        "marketing": r"marketing|promot\w*|campaigns?|newsletters?",
        "profiling": r"profil\w*|infer\w*|build\w* (?:a |an )?(?:\w+ )?profiles?|"
        r"(?:audience|interest) segments?|segmentation",
        "AI training": r"train\w* (?:\w+ ){0,3}(?:ai|models?|algorithms?|artificial intelligence|"
        r"machine learning|neural|llms?)|machine learning|artificial intelligence|"
        r"generative|\bai\b|llms?|large language models?",
        "analytics": r"analytic\w*|measur\w*|statistic\w*|audience size|metrics|"
        r"understand how (?:you|people|users|visitors)",
        "personalization": r"personaliz\w* (?:\w+ ){0,2}(?:content|experience|feed|"
        r"recommendations?|services?)|recommend\w*|tailor\w* (?:the )?content",
        "research": r"research|develop(?:s|ing|ed)? (?:new )?(?:products?|features?|services?)|"
        r"test\w* (?:new )?(?:features?|updates?)",
        "security": r"security|secure|fraud|abuse|spam|bots?|attacks?",
        "sale of data": r"sell\w*|sold|sale of (?:your )?(?:personal )?(?:data|information)",
        "combining with data from other sources": r"(?:data|information) (?:that )?(?:we )?"
        r"(?:buy|bought|purchas\w*|acquir\w*|licens\w*) (?:\w+ ){0,3}from|(?:buy|bought|"
        r"purchas\w*|acquir\w*) (?:\w+ ){0,4}(?:data|information)|data brokers?|"
        r"(?:combin\w*|enrich\w*|append\w*|merg\w*) (?:\w+ ){0,6}(?:with|from) (?:\w+ ){0,4}"
        r"(?:other|third ?party|thirdparty|external|public|offline) (?:\w+ ){0,2}"
        r"(?:sources?|compan\w*|partners|providers|data)",
        "cross-device tracking": r"across (?:all )?(?:of )?(?:your )?devices|crossdevice|"
        r"cross-device|link\w* (?:your )?(?:devices|browsers)|devices (?:you use|associated)",
        "ad attribution": r"attribution|conversions?|measur\w* (?:the )?(?:\w+ ){0,2}"
        r"(?:effectiveness|performance) of (?:our |their )?(?:ads|advertis\w*|campaigns?|"
        r"marketing)|campaign (?:measurement|performance)|ad (?:measurement|performance)",
    }
)

# What a collection sentence enumerates: "we collect your name, account ID and device model".
COLLECT_VERB = re.compile(
    r"\b(?:we (?:\w+ ){0,2}(?:collect|gather|record|process|receive|obtain|store|log)"
    r"(?: (?:from|about) you)?(?: (?:\w+ ){0,2}(?:includ\w*|such as))?|"
    r"(?:data|information) (?:that )?(?:we )?(?:collect\w*|gather\w*|process\w*)"
    r"(?: (?:from|about) you)?(?: (?:may |can |will )?(?:include\w*|are|is|comprise\w*)"
    r"(?: the following)?)?)\b"
)

# --- where it happens --------------------------------------------------------------------------

SCOPES = _table(
    {
        "mobile apps": r"mobile (?:apps?|applications?)|apps|app|applications?|ios|android|"
        r"sdks?",
        "partner and third-party sites": r"(?:partner|partners'?|third ?party|thirdparty|other|"
        r"external|affiliated|publisher'?s?) (?:web ?sites?|websites?|sites?|properties|apps?|"
        r"services?|platforms?)|across the (?:web|internet)|off-\w+|websites (?:that|which) "
        r"(?:have )?(?:integrat\w*|us\w*|embed\w*)",
        "browser extensions": r"browser (?:extensions?|add-?ons?|plugins?)",
        "desktop apps": r"desktop (?:apps?|applications?|clients?)",
        "emails": r"emails?|newsletters?|email communications",
        "connected TVs": r"(?:smart|connected) tvs?|ctv|televisions?|streaming devices?",
        "connected devices": r"smart speakers?|wearables?|connected devices|iot|smart devices|"
        r"voice assistants?|connected cars?|vehicles",
        "games": r"games?|gaming",
        "offline and in-store": r"in-?store|offline|physical (?:stores?|locations?)|retail stores?",
        "embedded content and widgets": r"embed\w*|widgets?|social plugins?",
    }
)
FIRST_PERSON = re.compile(
    r"\b(?:we|our|us|ours|this (?:cookie |cookies )?(?:policy|notice|page))\b"
)
SCOPE_CONTEXT = re.compile(
    r"\b(?:cookies?|track\w*|pixels?|beacons?|tags?|sdks?|storage|technolog\w*|collect\w*|"
    r"measur\w*|analytic\w*|identifiers?|fingerprint\w*|we use|describ\w*|(?:policy|notice|page) "
    r"(?:also )?(?:appl(?:y|ies)|covers?)|appl(?:y|ies) to)\b"
)

# --- what data -------------------------------------------------------------------------------

DATA_CATEGORIES = _table(
    {
        "precise location": r"precise (?:geo)?locations?|gps|geolocation|exact locations?",
        "location": r"(?:your|approximate|coarse|general|device|user|ip-based) locations?|"
        r"location (?:data|information|services)",
        "contacts": r"contacts|address book|contact lists?",
        "biometric data": r"biometric\w*|face ?prints?|facial (?:geometry|recognition|features)|"
        r"voice ?prints?|fingerprints? (?:scans?|data)",
        "health data": r"health|medical|fitness",
        "keystrokes": r"keystrokes?|what you type|typing",
        "session recordings": r"session (?:recordings?|replays?)|record\w* (?:\w+ ){0,2}"
        r"(?:sessions|screens?|visits|clicks|interactions)|screen recordings?|mouse movements?|"
        r"heat ?maps?|replays?|scroll\w* (?:behavior|depth)",
        "browsing history": r"browsing (?:history|activity|data)|web ?(?:page|site) visits|"
        r"visits to (?:other|third ?party|partner) (?:web ?sites|websites|sites)|"
        r"websites you visit",
        "purchase history": r"purchase (?:history|data)|transactions? (?:history|data)|"
        r"what you (?:buy|purchase)",
        "payment card data": r"card (?:data|numbers?|details)|payment cards?|credit cards?",
        "email addresses": r"email address\w*|hashed emails?",
        "phone numbers": r"phone numbers?|mobile numbers?",
        "IP addresses": r"ip address\w*",
        "device identifiers": r"device (?:identifiers?|ids?)|advertising (?:identifiers?|ids?)|"
        r"idfa|aaid|maid|mobile ad ids?",
        "device fingerprints": r"fingerprint\w*|device signals|browser signatures?",
        "messages and content": r"(?:private|direct|your) messages|content of (?:your )?"
        r"communications|chat (?:logs|transcripts)",
        "audio and camera": r"microphone|camera|audio recordings?|voice recordings?|photos?",
        "contact details": r"names? and (?:email|address)|postal address\w*|home address\w*",
        "demographics": r"gender|demographic\w*|income|age range",
        "data linked to your identity": r"(?:link\w*|tie[sd]?|connect\w*|associat\w*|"
        r"match\w*) (?:\w+ ){0,3}(?:to|with) your (?:account|identity|profile|email|name)|"
        r"identif(?:y|ies) you personally",
        "sensitive data": r"sensitive (?:data|information|personal)|religio\w*|sexual|ethnic\w*|"
        r"political",
    }
)
COLLECT_CONTEXT = re.compile(
    r"\b(?:collect\w*|gather\w*|record\w*|captur\w*|stor\w*|us(?:e|es|ed|ing)|process\w*|"
    r"receiv\w*|access\w*|read\w*|obtain\w*|track\w*|shar\w*|includ\w*|such as|like|measur\w*|"
    r"log\w*|monitor\w*|infer\w*|sell\w*|send\w*|transfer\w*|link\w*|associat\w*|"
    r"connect\w*|tie[sd]?)\b"
)

# --- where data goes: transfers ----------------------------------------------------------------

DESTINATIONS = _table(
    {
        "the United States": r"united states|usa|u\.s\.?a?|america",
        "China": r"china|prc|people's republic",
        "India": r"india",
        "Singapore": r"singapore",
        "Russia": r"russia\w*",
        "outside the EEA/UK": r"outside (?:of )?(?:the )?"
        r"(?:eea|eu|european (?:economic area|union)|"
        r"uk|united kingdom|europe|your country)|third countries|internationally|"
        r"other countries|abroad|countries other than",
    }
)
# The legal basis of a transfer (GDPR Chapter V): stating it discloses no new destination.
TRANSFER_MECHANISM = re.compile(
    r"\b(?:data privacy framework|privacy shield|standard contractual clauses|sccs?|"
    r"adequacy decisions?|binding corporate rules|bcrs?|international data transfer agreement|"
    r"appropriate safeguards|article 46|art 46)\b"
)
TRANSFER_CONTEXT = re.compile(
    r"\b(?:transfer\w*|stor\w*|process\w*|host\w*|servers?|located|sent|send\w*|access\w*|"
    r"moved?|data centers?)\b"
)

# --- consent defaults ---------------------------------------------------------------------------

CONSENT_WEAK = _table(
    {
        "on by default": r"(?:on|enabled|active|activated|turned on|switched on|opted in|"
        r"selected|checked|ticked|allowed|granted|accepted) (?:\w+ ){0,2}by default|"
        r"default (?:is|setting is|to) (?:on|enabled|opted in|yes)|defaults? to (?:on|enabled)",
        "pre-selected": r"pre-?(?:selected|ticked|checked|enabled|activated)|preselected|"
        r"preticked|prechecked",
        "unless you opt out": r"unless (?:and until )?you (?:\w+ ){0,2}(?:opt ?out|optout|object|"
        r"disable|turn (?:\w+ )?off|switch (?:\w+ )?off|decline|withdraw|change|tell us|refuse)|"
        r"until you (?:\w+ ){0,2}(?:opt ?out|optout|object|disable|turn (?:\w+ )?off|"
        r"switch (?:\w+ )?off)|optout basis|opt ?out basis",
        "automatically enabled": r"automatically (?:enabled|opted in|turned on|activated|on)",
        "implied consent": r"by (?:continuing to |)(?:use|using|brows\w*|visit\w*|stay\w*|"
        r"access\w*|navigat\w*) (?:\w+ ){0,8}(?:you )?(?:agree|consent|accept)|implied consent|"
        r"deemed to (?:have )?(?:consent|accept|agree)",
        "without consent": r"without (?:asking (?:for )?|requesting |obtaining |seeking )?"
        r"(?:your |prior |user )?(?:consent|permission|agreement)|regardless of (?:your )?"
        r"(?:consent|choices?|preferences?)",
        "consent not needed": r"(?:don't|do not|does not|doesn't|no longer|not) (?:need|require|"
        r"ask for|ask|request|seek|obtain) (?:\w+ ){0,2}(?:consent|permission)",
    }
)
CONSENT_STRONG = _table(
    {
        "off by default": r"(?:off|disabled|inactive|turned off|switched off|opted out|"
        r"unchecked|deselected) (?:\w+ ){0,2}by default|default (?:is|setting is|to) "
        r"(?:off|disabled|no)|defaults? to (?:off|disabled)",
        "only with consent": r"only (?:with|after|once|if|when|where|upon) (?:\w+ ){0,3}"
        r"(?:consent\w*|agree\w*|opt ?in\w*|optin\w*|accept\w*|allow\w*|permission|enabl\w*|"
        r"choos\w*|turn\w* (?:\w+ )?on)",
        "with your consent": r"(?:with|after obtaining|after|subject to|based on|upon|require\w*|"
        r"need) (?:your |prior |explicit |express |user )+(?:consent|permission|agreement)",
        "we ask for consent": r"(?:we|will) (?:\w+ ){0,2}(?:ask|request|seek|obtain)\w* "
        r"(?:for )?(?:your )?(?:prior |explicit |express )?(?:consent|permission)",
        "opt-in": r"opt ?in|optin|opted in",
        "where enabled": r"where (?:you have |you've )?(?:\w+ ){0,2}(?:is |are )?"
        r"(?:enabled|consented|opted in|turned on|allowed)",
    }
)
BROWSER_DEFAULT = re.compile(r"\bbrowsers?\b")

# --- user controls and signals ----------------------------------------------------------------

CONTROLS = _table(
    {
        "Do Not Track": r"donottrack",
        "Global Privacy Control": r"gpcsignal",
        "Do Not Sell link": r"donotsell",
        "opt-out": r"opt ?out\w*|optout\w*|opt me out",
        "cookie settings": r"cookie (?:settings?|preferences?|banner|consent (?:tool|manager|"
        r"settings?)|manager|choices)|consent (?:manager|management|settings?|preferences|tool|"
        r"banner)|manage (?:your )?(?:cookie |privacy |consent )?(?:preferences|settings|"
        r"choices)|privacy (?:settings?|preferences|choices|center|centre|dashboard)",
        "withdraw consent": r"withdraw\w* (?:your )?(?:consent|permission)|revok\w* (?:your )?"
        r"(?:consent|permission)|change your mind",
        "clear or block cookies": r"(?:clear|delete|remov|block|disabl|refus|reject|decline)\w* "
        r"(?:\w+ ){0,3}(?:cookies|site data|local ?storage|storage|tracking)|"
        r"site-data controls|browser settings|browser controls",
        "industry opt-out tools": r"aboutads|networkadvertising|youronlinechoices|your online "
        r"choices|digital advertising alliance|network advertising initiative|daa|nai|edaa",
        "ad settings": r"ads? (?:settings?|preferences)|personaliz\w* ads (?:setting|toggle)|"
        r"limit ad tracking|ads personaliz\w*|opt out of ads personaliz\w*",
        "access and deletion requests": r"(?:request|ask) (?:\w+ ){0,3}(?:access|deletion|"
        r"delete|erase|copy)|right to (?:access|erasure|delete|object|opt out)",
    }
)

# --- device -----------------------------------------------------------------------------------

_NOT = r"(?:never|not|don't|doesn't|do not|does not|won't|will not|cannot|no longer)"
DEVICE_LOCAL = re.compile(
    rf"\b(?:{_NOT} (?:\w+ ){{0,2}}leav\w* (?:your|the|this) (?:device|browser|computer|phone)|"
    rf"{_NOT} (?:\w+ ){{0,2}}(?:sent|send|uploaded|upload|transmitted|transmit|synced|sync|"
    rf"copied|stored) (?:\w+ ){{0,2}}(?:to|with|on) (?:our|any|a|the|external) "
    rf"(?:servers?|cloud|backend|systems?)|{_NOT} (?:\w+ ){{0,2}}(?:sent|uploaded|transmitted|"
    rf"synced) anywhere|stays? (?:\w+ ){{0,2}}(?:on|in) (?:your|the) (?:device|browser|computer|"
    rf"phone)|stored (?:only |solely |entirely )?locally|stored (?:only|solely|entirely) "
    rf"(?:on|in) your (?:device|browser)|"
    rf"kept (?:only )?(?:locally|on your device)|(?:only|entirely|solely) (?:on|in) your "
    rf"(?:device|browser)|on-?device only|local only|ondevice|remains? on (?:your|the) device)\b"
)
DEVICE_REMOTE = re.compile(
    r"\b(?:(?:is|are|will be|may be|gets?|get) (?:\w+ ){0,2}(?:sent|uploaded|transmitted|"
    r"synced|synchronized|backed up|copied) (?:\w+ ){0,3}(?:to|with) (?:our|the|a|\w+'s) "
    r"(?:servers?|cloud|backend|systems?)|(?:leaves?|leaving) your (?:device|browser)|"
    r"(?:sync\w*|upload\w*|send\w*|transmit\w*) (?:\w+ ){0,4}(?:to|with) (?:our|the) "
    r"(?:servers?|cloud|backend|systems?)|stored on our servers|server-?side)\b"
)

# --- promises to users that are not negations ---------------------------------------------------

ANNOUNCE = re.compile(
    r"\b(?:we (?:will |shall |would |)(?:\w+ ){0,2}(?:announce[sd]?|notif(?:y|ies|ied)|"
    r"inform(?:s|ed)?|tell|alert(?:s|ed)?|email you|let you know|contact you|post a notice|"
    r"display a notice|show a notice)\b|"
    r"(?:announce|notify|inform|tell|alert)\w* you|you will be (?:notified|informed|told|"
    r"alerted|asked)|(?:notice|announcement) (?:in-?app|in the app|of (?:any )?(?:material )?"
    r"changes?)|inapp|in-app)\b"
)

# Where an announcement reaches users: not a scope of tracking (see claims._without_notice_channel).
NOTICE_CHANNEL = re.compile(
    r"\b(?:(?:in|within|through|via|inside|on) (?:the|our|your) (?:(?:mobile|web|desktop) )?"
    r"(?:apps?|applications?|products?|services?|websites?|sites?)|in-?app|inapp|"
    r"(?:by|via|through|with) (?:an? )?(?:e-?mails?|newsletters?|notifications?|push "
    r"notifications?|messages?)|e-?mail you)\b"
)
CLAUSE_TURN = re.compile(r"\b(?:and|but|while|whereas|we)\b")

# What a promise forbids doing with data. Switching from one to another is another promise:
# "not shared with ad networks" does not become "not sold to ad networks" by rewording.
PROMISE_ACTS = _table(
    {
        "share": r"shar\w*|disclos\w*|transfer\w*|pass(?:es|ed|ing)?|hand\w* over|"
        r"mak\w* (?:\w+ ){0,3}available",
        "sell": r"sell\w*|sold|sale|rent(?:s|ed|ing)?|monetiz\w*|trad(?:e|es|ed|ing)",
        "collect": r"collect\w*|gather\w*|record\w*",
        # "tracking technologies" names the tools, not an act
        "track": r"track(?:s|ed)?|tracking(?! (?:technolog|tools?\b|pixels?\b|cookies?\b|"
        r"methods?\b))|monitor\w*|fingerprint\w*",
    }
)

# An exception carved out of a promise: "we never sell your data, except to our partners".
EXCEPTION = re.compile(
    r"\b(?:except(?:ing)?|unless|other than|apart from|aside from|save for|excluding|"
    r"with the exception of|but (?:may|might|can|could|will)|however (?:we )?(?:may|might|can))\b"
)

# Words that narrow a promise without an "except": "not shared with most advertising networks",
# "generally not sold", "where possible". Matched on normalised text.
HEDGE = re.compile(
    r"\b(?:most|some|certain|many|several|generally|usually|typically|normally|mostly|largely|"
    r"primarily|mainly|often|in most cases|in general|where (?:possible|feasible|practicable)|"
    r"(?:when|whenever) possible|as a rule|to the extent possible|by default)\b"
)

# --- retention --------------------------------------------------------------------------------

RETENTION_CONTEXT = re.compile(
    r"\b(?:keep\w*|kept|retain\w*|retention|stor\w*|expir\w*|last\w*|duration|persist\w*|"
    r"remain\w*|delet\w*|lifespan|lifetime|for|until|maximum|period|after|up)\b"
)
SESSION_RETENTION = re.compile(
    r"\b(?:session (?:cookies?|only|storage)|for (?:the|your) (?:browsing )?session|"
    r"(?:end|close) of (?:the|your) (?:browsing |browser )?session|until you close|"
    r"when you close (?:your|the) browser|duration session|session$|^session)\b"
)
PERSISTENT_RETENTION = re.compile(
    r"\b(?:persistent|indefinitely|permanently|forever|until (?:you )?(?:delete|clear|remove)\w*|"
    r"no expir\w*|never expire\w*|as long as (?:\w+ ){0,4}(?:account|necessary|needed))\b"
)

# Purposes that belong together: a new member of a family already disclosed is not a new purpose.
PURPOSE_FAMILY = {
    "advertising": "advertising",
    "marketing": "advertising",
    "ad attribution": "advertising",
}

LABELS = {
    "on by default": "is now on by default",
    "pre-selected": "is now pre-selected",
    "unless you opt out": "now applies unless you opt out",
    "automatically enabled": "is now enabled automatically",
    "implied consent": "now treats continued use as consent",
    "without consent": "now happens without consent",
    "consent not needed": "no longer asks for consent",
}

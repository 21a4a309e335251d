"""Words for stages, statuses, channels and consent, translated to leadflow's vocabulary.

A format's own value map (HubSpot's ``marketingqualifiedlead``, Salesforce's
``Closed - Converted`` ...) is tried first; these general synonyms come after, so a
mapping file needs to list only what is particular to its source. Keys are folded
(``leadflow.ingest.countries.fold``): case, accents and punctuation do not matter.

An unknown lifecycle stage, lead status or channel is kept (snake_cased), because
CRMs let teams add their own; an unknown consent word is an error, because guessing
consent is not acceptable.
"""

from __future__ import annotations

from leadflow.domain.vocabulary import ACQUISITION_CHANNELS
from leadflow.ingest.countries import fold
from leadflow.ingest.normalise import InvalidValueError, parse_boolean, snake_case

__all__ = [
    "bounced",
    "channel",
    "channel_from_landing",
    "channel_from_utm",
    "consent_status",
    "lead_status",
    "lifecycle_stage",
    "seniority",
]

_STAGES: dict[str, str] = {
    "subscriber": "subscriber",
    "lead": "lead",
    "marketing qualified lead": "mql",
    "marketingqualifiedlead": "mql",
    "mql": "mql",
    "sales qualified lead": "sql",
    "salesqualifiedlead": "sql",
    "sql": "sql",
    "opportunity": "opportunity",
    "customer": "customer",
    "evangelist": "evangelist",
    "other": "other",
}

_STATUSES: dict[str, str] = {
    "new": "new",
    "open": "new",
    "open not contacted": "new",
    "attempted to contact": "attempting",
    "attempting": "attempting",
    "in progress": "working",
    "working": "working",
    "working contacted": "working",
    "contacted": "working",
    "connected": "working",
    "bad timing": "nurture",
    "nurture": "nurture",
    "nurturing": "nurture",
    "recycled": "nurture",
    "qualified": "qualified",
    "open deal": "converted",
    "converted": "converted",
    "closed converted": "converted",
    "unqualified": "unqualified",
    "disqualified": "unqualified",
    "closed not converted": "unqualified",
}

_CHANNELS: dict[str, str] = {
    **{name.replace("_", " "): name for name in ACQUISITION_CHANNELS},
    "organic": "organic_search",
    "seo": "organic_search",
    "ppc": "paid_search",
    "cpc": "paid_search",
    "sea": "paid_search",
    "adwords": "paid_search",
    "google ads": "paid_search",
    "event": "events",
    "trade show": "events",
    "tradeshow": "events",
    "seminar": "events",
    "conference": "events",
    "webinars": "webinar",
    "email": "newsletter",
    "email marketing": "newsletter",
    "referrals": "referral",
    "partner": "referral",
    "partner referral": "referral",
    "word of mouth": "referral",
    "direct traffic": "direct",
    "outbound": "outbound_list",
    "cold outreach": "outbound_list",
    "purchased list": "purchased",
    "lead vendor": "purchased",
    # A team's own word in a generic file, in the languages of the UI (German, Dutch,
    # French, Norwegian): a trade fair is an event, a recommendation a referral.
    "messe": "events",
    "fachmesse": "events",
    "beurs": "events",
    "vakbeurs": "events",
    "salon": "events",
    "salon professionnel": "events",
    "empfehlung": "referral",
    "aanbeveling": "referral",
    "recommandation": "referral",
    "anbefaling": "referral",
}

_CONSENT: dict[str, str] = {
    "granted": "granted",
    "consent": "granted",
    "consented": "granted",
    "opt in": "granted",
    "opted in": "granted",
    "single opt in": "granted",
    "subscribed": "granted",
    "confirmed": "confirmed",
    "double opt in": "confirmed",
    "doi": "confirmed",
    "confirmed opt in": "confirmed",
    "withdrawn": "withdrawn",
    "revoked": "withdrawn",
    "opt out": "withdrawn",
    "opted out": "withdrawn",
    "unsubscribed": "withdrawn",
    "do not contact": "withdrawn",
    "bounced": "bounced",
    "hard bounce": "bounced",
    "hard bounced": "bounced",
    "none": "none",
    "not given": "none",
    "no consent": "none",
}


def lifecycle_stage(text: str) -> str:
    return _STAGES.get(fold(text)) or snake_case(text)


def lead_status(text: str) -> str:
    return _STATUSES.get(fold(text)) or snake_case(text)


# Seniority as the presets' fit rules name it (c_level, vp, director, manager,
# individual, student), from the words CRMs, enrichment tools and people write: ZoomInfo's
# "C-Level" and "VP-Level", LinkedIn's "CXO", "Vice President" and "Entry", Apollo's
# "c_suite", HubSpot's and Clearbit's "executive", a German "Geschäftsführung".
_SENIORITY_WORDS: dict[str, tuple[str, ...]] = {
    "c_level": (
        "c level",
        "c suite",
        "csuite",
        "cxo",
        "c level executive",
        "executive",
        "exec",
        "chief",
        "owner",
        "founder",
        "co founder",
        "cofounder",
        "partner",
        "president",
        "board",
        "geschaftsfuhrung",
        "geschaftsfuhrer",
        "vorstand",
        "inhaber",
        "direction",
        "direction generale",
        "directie",
        "eigenaar",
        "daglig leder",
        "ledelse",
    ),
    "vp": (
        "vp",
        "vp level",
        "vice president",
        "svp",
        "evp",
        "avp",
        "senior vice president",
        "executive vice president",
        "vizeprasident",
        "vice president level",
    ),
    "director": (
        "director",
        "director level",
        "senior director",
        "head",
        "head of",
        "directeur",
        "direktor",
        "leiter",
        "leitung",
        "bereichsleiter",
        "abteilungsleiter",
        "hoofd",
        "responsable",
        "sjef",
    ),
    "manager": (
        "manager",
        "management",
        "manager level",
        "team lead",
        "team leader",
        "lead",
        "supervisor",
        "teamleiter",
        "gruppenleiter",
        "chef d equipe",
        "teamleider",
    ),
    "individual": (
        "individual",
        "individual contributor",
        "ic",
        "non manager",
        "employee",
        "staff",
        "senior",
        "entry",
        "entry level",
        "junior",
        "specialist",
        "associate",
        "analyst",
        "mitarbeiter",
        "sachbearbeiter",
        "medewerker",
        "employe",
        "ansatt",
    ),
    "student": (
        "student",
        "intern",
        "internship",
        "trainee",
        "training",
        "unpaid",
        "apprentice",
        "werkstudent",
        "praktikant",
        "auszubildender",
        "azubi",
        "stagiaire",
        "stagiair",
        "etudiant",
        "laerling",
    ),
}
_SENIORITIES: dict[str, str] = {
    word: level for level, words in _SENIORITY_WORDS.items() for word in (level, *words)
}


def seniority(text: str) -> str:
    """A seniority as fit rules name it: ``C-Level`` -> ``c_level``, ``Vice President`` ->
    ``vp``; a word outside the vocabulary in snake_case (``Board Member`` ->
    ``board_member``), as industries are stored."""
    key = fold(text)
    return _SENIORITIES.get(key.replace("_", " ")) or snake_case(text)


def channel(text: str) -> str:
    key = fold(text)
    return _CHANNELS.get(key) or _CHANNELS.get(key.removesuffix("s")) or snake_case(text)


def consent_status(text: str) -> str:
    """A consent word, or a yes/no: yes is granted, no is "none" (not withdrawn)."""
    status = _CONSENT.get(fold(text))
    if status is not None:
        return status
    try:
        return "granted" if parse_boolean(text) else "none"
    except InvalidValueError:
        raise InvalidValueError(
            f"{text!r} is not a consent status (granted, confirmed, withdrawn, bounced, none)"
        ) from None


def bounced(text: str) -> bool:
    """A yes/no, or a bounce reason (any other text means the address bounced)."""
    try:
        return parse_boolean(text)
    except InvalidValueError:
        return True


_PAID_MEDIUMS = frozenset({"cpc", "ppc", "paid search", "paidsearch", "sem", "paid"})
_SOCIAL_SOURCES = frozenset({"facebook", "instagram", "twitter", "x", "meta", "tiktok"})
_SEARCH_SOURCES = frozenset({"google", "bing", "duckduckgo", "yahoo", "ecosia", "baidu"})


def channel_from_utm(source: str | None, medium: str | None) -> str | None:
    """The acquisition channel UTM parameters imply, when they clearly imply one."""
    src, med = source or "", medium or ""
    if "linkedin" in src:
        return "linkedin"
    if med in _PAID_MEDIUMS:
        return "paid_social" if src in _SOCIAL_SOURCES else "paid_search"
    if med in ("paid social", "paid_social", "paidsocial", "social paid", "cpm"):
        return "paid_social"
    if med == "organic" or (src in _SEARCH_SOURCES and not med):
        return "organic_search"
    if med in ("email", "e-mail", "newsletter"):
        return "newsletter"
    if med in ("webinar", "event", "events"):
        return "webinar" if med == "webinar" else "events"
    if med == "referral":
        return "referral"
    if src == "(direct)" or med == "(none)":
        return "direct"
    return None


# Search engines by the start of their host's registrable part (google.de, bing.com ...).
_SEARCH_HOSTS: tuple[str, ...] = (
    *("google.", "bing.", "duckduckgo.", "yahoo.", "ecosia.", "baidu.", "qwant."),
    *("yandex.", "startpage.", "search.brave."),
)


def channel_from_landing(
    *,
    utm_source: str | None,
    utm_medium: str | None,
    ad_click: bool,
    referrer_host: str | None,
    own_host: str,
) -> str:
    """The acquisition channel of a website visit, from its landing page.

    UTM parameters say it when they clearly do; an ad platform's click id (Google Ads'
    auto-tagging sends ``gclid``, not UTM) means paid search; otherwise the referring
    site decides: a search engine, LinkedIn, another site (referral), or none and the
    site itself (direct). UTM parameters that imply nothing known are ``other``.
    """
    tagged = channel_from_utm(utm_source, utm_medium)
    if tagged is not None:
        return tagged
    if ad_click:
        return "paid_search"
    if utm_source or utm_medium:
        return "other"
    host = (referrer_host or "").lower().removeprefix("www.")
    own = own_host.lower().removeprefix("www.")
    if not host or host == own or host.endswith("." + own):
        return "direct"
    if host == "lnkd.in" or "linkedin." in host:
        return "linkedin"
    if any(host.startswith(engine) or f".{engine}" in host for engine in _SEARCH_HOSTS):
        return "organic_search"
    return "referral"

"""The vocabularies the demo world draws from: markets, companies, roles, channels, content.

Everything here is a fixed table, so that a world depends only on its seed and size. The
simulated seller is *Kestrel Analytics*, a European B2B SaaS company with three
products; its web site and e-mail live under a reserved ``.example`` domain.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ASSETS",
    "CHANNELS",
    "CHANNEL_CAMPAIGNS",
    "CONFERENCES",
    "COUNTRIES",
    "DEPARTMENTS",
    "FORMS",
    "GENERAL_ASSETS",
    "INDUSTRIES",
    "LISTS",
    "LOST_REASONS",
    "PRODUCTS",
    "PRODUCT_ASSETS",
    "REJECT_REASONS",
    "SELLER_DOMAIN",
    "SENIORITIES",
    "SIZE_BANDS",
    "TEAMS",
    "TITLES",
    "VENDORS",
    "WEBINAR_TOPICS",
    "WEB_PAGES",
    "Country",
    "SizeBand",
]

SELLER_DOMAIN = "kestrel-analytics.example"


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    weight: float  # share of accounts
    tld: str
    phone_prefixes: tuple[str, ...]  # E.164 prefixes of valid mobile ranges
    phone_digits: int  # random digits after the prefix
    free_mail: tuple[str, ...]
    university: str  # domain students use when not on free mail


COUNTRIES: tuple[Country, ...] = (
    Country(
        "NL", 0.14, "nl", ("+3161", "+3162"), 7, ("gmail.com", "hotmail.nl", "ziggo.nl"), "uva.nl"
    ),
    Country("DE", 0.16, "de", ("+49151", "+49170"), 8, ("gmail.com", "gmx.de", "web.de"), "tum.de"),
    Country(
        "FR",
        0.10,
        "fr",
        ("+3361", "+3378"),
        7,
        ("gmail.com", "orange.fr", "free.fr"),
        "sorbonne-universite.fr",
    ),
    Country("NO", 0.06, "no", ("+4791", "+4741"), 6, ("gmail.com", "online.no"), "uio.no"),
    Country("BE", 0.06, "be", ("+32470", "+32475"), 6, ("gmail.com", "skynet.be"), "kuleuven.be"),
    Country(
        "GB",
        0.11,
        "co.uk",
        ("+447400",),
        6,
        ("gmail.com", "outlook.com", "btinternet.com"),
        "ucl.ac.uk",
    ),
    Country("SE", 0.06, "se", ("+4670", "+4673"), 7, ("gmail.com", "telia.com"), "kth.se"),
    Country("DK", 0.04, "dk", ("+45207", "+45214"), 5, ("gmail.com", "mail.dk"), "ku.dk"),
    Country("ES", 0.05, "es", ("+346",), 8, ("gmail.com", "hotmail.es"), "ucm.es"),
    Country("IT", 0.05, "it", ("+39347",), 7, ("gmail.com", "libero.it"), "unibo.it"),
    Country("PL", 0.04, "pl", ("+48501",), 6, ("gmail.com", "wp.pl", "onet.pl"), "uw.edu.pl"),
    Country("AT", 0.03, "at", ("+43664",), 7, ("gmail.com", "gmx.at"), "univie.ac.at"),
    Country("CH", 0.03, "ch", ("+4179",), 7, ("gmail.com", "bluewin.ch"), "ethz.ch"),
    Country("US", 0.07, "com", ("+1212736", "+1415292"), 4, ("gmail.com", "yahoo.com"), "nyu.edu"),
)

# Industry key -> (share of accounts, revenue per employee in EUR).
INDUSTRIES: dict[str, tuple[float, int]] = {
    "software": (0.14, 190_000),
    "logistics": (0.10, 210_000),
    "manufacturing": (0.14, 230_000),
    "financial_services": (0.09, 320_000),
    "professional_services": (0.12, 140_000),
    "retail": (0.09, 260_000),
    "healthcare": (0.08, 150_000),
    "energy": (0.05, 450_000),
    "media": (0.06, 160_000),
    "education": (0.05, 90_000),
    "public_sector": (0.04, 110_000),
    "construction": (0.04, 200_000),
}


@dataclass(frozen=True, slots=True)
class SizeBand:
    label: str
    low: int
    high: int
    weight: float  # share of accounts


SIZE_BANDS: tuple[SizeBand, ...] = (
    SizeBand("1-10", 1, 10, 0.22),
    SizeBand("11-50", 11, 50, 0.27),
    SizeBand("51-200", 51, 200, 0.23),
    SizeBand("201-1000", 201, 1000, 0.16),
    SizeBand("1001-5000", 1001, 5000, 0.08),
    SizeBand("5001+", 5001, 60_000, 0.04),
)

SENIORITIES: tuple[str, ...] = ("c_level", "vp", "director", "manager", "individual", "student")

DEPARTMENTS: tuple[str, ...] = (
    "executive",
    "marketing",
    "sales",
    "operations",
    "it",
    "finance",
    "hr",
    "product",
)

# (seniority, department) -> job titles; students have their own row.
TITLES: dict[tuple[str, str], tuple[str, ...]] = {
    ("c_level", "executive"): ("CEO", "Managing Director", "Founder & CEO"),
    ("c_level", "marketing"): ("CMO", "Chief Marketing Officer"),
    ("c_level", "sales"): ("CRO", "Chief Revenue Officer", "Chief Commercial Officer"),
    ("c_level", "operations"): ("COO", "Chief Operating Officer"),
    ("c_level", "it"): ("CTO", "CIO"),
    ("c_level", "finance"): ("CFO", "Chief Financial Officer"),
    ("vp", "marketing"): ("VP Marketing", "VP Growth"),
    ("vp", "sales"): ("VP Sales", "VP Revenue"),
    ("vp", "operations"): ("VP Operations",),
    ("vp", "it"): ("VP Engineering", "VP IT"),
    ("vp", "product"): ("VP Product",),
    ("director", "marketing"): ("Marketing Director", "Head of Marketing"),
    ("director", "sales"): ("Sales Director", "Head of Sales"),
    ("director", "operations"): ("Head of Operations", "Operations Director"),
    ("director", "it"): ("IT Director", "Head of IT"),
    ("director", "finance"): ("Finance Director", "Head of Finance"),
    ("director", "hr"): ("HR Director", "Head of People"),
    ("director", "product"): ("Head of Product",),
    ("manager", "marketing"): (
        "Marketing Manager",
        "Demand Generation Manager",
        "Marketing Ops Manager",
    ),
    ("manager", "sales"): ("Sales Manager", "Sales Operations Manager", "Key Account Manager"),
    ("manager", "operations"): ("Operations Manager", "Logistics Manager"),
    ("manager", "it"): ("IT Manager", "Data Manager"),
    ("manager", "finance"): ("Controller", "Finance Manager"),
    ("manager", "hr"): ("HR Manager",),
    ("manager", "product"): ("Product Manager",),
    ("individual", "marketing"): (
        "Marketing Specialist",
        "Content Marketer",
        "Marketing Assistant",
    ),
    ("individual", "sales"): ("Sales Development Rep", "Account Executive", "Inside Sales"),
    ("individual", "operations"): ("Operations Analyst", "Planner"),
    ("individual", "it"): ("Software Engineer", "Data Analyst", "Developer"),
    ("individual", "finance"): ("Accountant", "Financial Analyst"),
    ("individual", "hr"): ("Recruiter", "HR Advisor"),
    ("individual", "product"): ("Product Designer", "Business Analyst"),
    ("student", "other"): ("Student", "MSc Student", "Intern"),
}

# The eight channels the simulated company acquires contacts through, with their share.
CHANNELS: dict[str, float] = {
    "organic_search": 0.22,
    "paid_search": 0.15,
    "linkedin": 0.12,
    "events": 0.08,
    "newsletter": 0.10,
    "referral": 0.05,
    "outbound_list": 0.16,
    "purchased": 0.12,
}

# channel -> the (utm_source, utm_medium, utm_campaign) triples its contacts arrive with.
CHANNEL_CAMPAIGNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "organic_search": (("google", "organic", ""), ("bing", "organic", "")),
    "paid_search": (
        ("google", "cpc", "brand"),
        ("google", "cpc", "lead-scoring-generic"),
        ("google", "cpc", "competitor-terms"),
        ("bing", "cpc", "brand"),
    ),
    "linkedin": (
        ("linkedin", "paid_social", "abm-mid-market"),
        ("linkedin", "paid_social", "ebook-promo"),
        ("linkedin", "social", "organic-posts"),
    ),
    "events": (
        ("events", "event", "conference-badge-scan"),
        ("webinar", "webinar", "monthly-webinar"),
    ),
    "newsletter": (
        ("newsletter", "email", "blog-digest-signup"),
        ("newsletter", "email", "footer-signup"),
    ),
    "referral": (
        ("partner", "referral", "partner-program"),
        ("customer", "referral", "customer-referral"),
    ),
    "outbound_list": (
        ("sales-list", "outbound", "target-accounts"),
        ("sales-list", "outbound", "event-leads-import"),
    ),
    "purchased": (("vendor", "list", "lead-subscription"),),
}

# Lead-subscription services behind the purchased channel (MSRL sources).
VENDORS: tuple[str, ...] = ("LeadStream Europe", "ProspectPool", "B2B Datahub")

PRODUCTS: tuple[str, ...] = ("insights", "connect", "automate")

# Product-specific assets make an information-qualified lead (IQL); general ones an MQL.
PRODUCT_ASSETS: tuple[str, ...] = (
    "pricing-spec-sheet",
    "product-whitepaper",
    "roi-template",
    "integration-guide",
    "security-datasheet",
)
GENERAL_ASSETS: tuple[str, ...] = (
    "state-of-b2b-ebook",
    "blog-digest",
    "lead-generation-checklist",
    "marketing-trends-report",
    "webinar-recording",
)
ASSETS: tuple[str, ...] = PRODUCT_ASSETS + GENERAL_ASSETS

FORMS: tuple[str, ...] = (
    "content-download",
    "newsletter-signup",
    "webinar-registration",
    "contact-us",
    "demo-request",
    "trial-signup",
    "quote-request",
    "callback-request",
)

LISTS: tuple[str, ...] = ("monthly-newsletter", "product-updates")

WEB_PAGES: tuple[str, ...] = (
    "/",
    "/pricing",
    "/product/insights",
    "/product/connect",
    "/product/automate",
    "/customers",
    "/integrations",
    "/security",
    "/about",
    "/careers",
    "/blog/what-is-a-marketing-qualified-lead",
    "/blog/lead-scoring-models",
    "/blog/sales-marketing-alignment",
    "/blog/bant-in-practice",
    "/blog/gdpr-and-b2b-email",
    "/resources/ebooks",
    "/resources/webinars",
    "/docs/getting-started",
    "/compare/spreadsheets",
    "/contact",
)

WEBINAR_TOPICS: tuple[str, ...] = (
    "lead-scoring-101",
    "from-mql-to-revenue",
    "abm-for-mid-market",
    "sales-follow-up-that-works",
    "funnel-analytics-live",
    "customer-story-logistics",
)

# (slug, month, day): trade events the company attends every year.
CONFERENCES: tuple[tuple[str, int, int], ...] = (
    ("saas-connect-amsterdam", 3, 18),
    ("b2b-marketing-forum-berlin", 5, 12),
    ("nordic-growth-summit-oslo", 9, 9),
    ("salon-revenue-paris", 10, 14),
    ("london-revenue-summit", 11, 19),
    ("dmexco-cologne", 9, 23),
)

# Sales teams and the countries they cover; named accounts belong to a rep of their team.
TEAMS: dict[str, tuple[str, ...]] = {
    "Benelux": ("NL", "BE"),
    "DACH": ("DE", "AT", "CH"),
    "Nordics": ("NO", "SE", "DK"),
    "UK & Ireland": ("GB",),
    "France": ("FR",),
    "Southern Europe": ("ES", "IT"),
    "CEE": ("PL",),
    "North America": ("US",),
}

REJECT_REASONS: tuple[str, ...] = (
    "bad_fit",
    "no_budget",
    "wrong_person",
    "duplicate",
    "spam",
    "not_ready",
    "other",
)

LOST_REASONS: tuple[str, ...] = ("price", "competitor", "no_decision", "timing", "missing_feature")

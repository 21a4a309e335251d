"""Stage, status, channel and consent words translated to leadflow's vocabulary."""

from __future__ import annotations

import pytest

from leadflow.ingest.normalise import InvalidValueError
from leadflow.ingest.values import (
    bounced,
    channel,
    channel_from_landing,
    channel_from_utm,
    consent_status,
    lead_status,
    lifecycle_stage,
    seniority,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Marketing Qualified Lead", "mql"), ("marketingqualifiedlead", "mql"),
        ("MQL", "mql"), ("salesqualifiedlead", "sql"), ("Subscriber", "subscriber"),
        ("Customer", "customer"), ("1234567", "1234567"), ("Warm Prospect", "warm_prospect"),
    ],
)  # fmt: skip
def test_lifecycle_stages(raw: str, expected: str) -> None:
    assert lifecycle_stage(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NEW", "new"), ("Open", "new"), ("IN_PROGRESS", "working"),
        ("ATTEMPTED_TO_CONTACT", "attempting"), ("OPEN_DEAL", "converted"),
        ("BAD_TIMING", "nurture"), ("UNQUALIFIED", "unqualified"),
        ("Open - Not Contacted", "new"), ("Working - Contacted", "working"),
        ("Closed - Converted", "converted"), ("Closed - Not Converted", "unqualified"),
    ],
)  # fmt: skip
def test_lead_statuses_of_hubspot_and_salesforce(raw: str, expected: str) -> None:
    assert lead_status(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ORGANIC_SEARCH", "organic_search"), ("Paid Search", "paid_search"),
        ("EMAIL_MARKETING", "newsletter"), ("Referrals", "referral"),
        ("DIRECT_TRAFFIC", "direct"), ("Purchased List", "purchased"),
        ("Trade Show", "events"), ("Webinars", "webinar"), ("LinkedIn", "linkedin"),
        ("Phone Inquiry", "phone_inquiry"),
        # A German, Dutch, French or Norwegian team's own word in a generic file.
        ("Messe", "events"), ("Fachmesse", "events"), ("Beurs", "events"),
        ("Vakbeurs", "events"), ("Salon", "events"), ("Salon professionnel", "events"),
        ("Empfehlung", "referral"), ("Aanbeveling", "referral"),
        ("Recommandation", "referral"), ("Anbefaling", "referral"),
    ],
)  # fmt: skip
def test_channels(raw: str, expected: str) -> None:
    assert channel(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C-Level", "c_level"), ("c_suite", "c_level"), ("CXO", "c_level"),
        ("Executive", "c_level"), ("Owner", "c_level"), ("Geschäftsführung", "c_level"),
        ("VP-Level", "vp"), ("Vice President", "vp"), ("SVP", "vp"), ("vp", "vp"),
        ("Director", "director"), ("Head of", "director"), ("Leiter", "director"),
        ("Manager", "manager"), ("Team Lead", "manager"), ("Teamleiter", "manager"),
        ("Non-Manager", "individual"), ("Entry", "individual"), ("Senior", "individual"),
        ("Intern", "student"), ("Werkstudent", "student"), ("Stagiaire", "student"),
        ("Board Member", "board_member"),  # outside the vocabulary: snake_cased, kept
    ],
)  # fmt: skip
def test_seniority_words_are_the_fit_rules_words(raw: str, expected: str) -> None:
    assert seniority(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("granted", "granted"), ("Double opt-in", "confirmed"), ("DOI", "confirmed"),
        ("Unsubscribed", "withdrawn"), ("opted out", "withdrawn"), ("bounced", "bounced"),
        ("yes", "granted"), ("true", "granted"), ("no", "none"), ("0", "none"),
    ],
)  # fmt: skip
def test_consent_words(raw: str, expected: str) -> None:
    assert consent_status(raw) == expected


def test_unknown_consent_word_is_refused_rather_than_guessed() -> None:
    with pytest.raises(InvalidValueError, match="consent status"):
        consent_status("probably")


def test_a_bounce_reason_means_bounced() -> None:
    assert bounced("550 5.1.1 mailbox unavailable") is True
    assert bounced("false") is False
    assert bounced("0") is False


@pytest.mark.parametrize(
    ("source", "medium", "expected"),
    [
        ("google", "cpc", "paid_search"), ("linkedin", "cpc", "linkedin"),
        ("facebook", "cpc", "paid_social"), ("google", "organic", "organic_search"),
        ("newsletter", "email", "newsletter"), ("partner.example", "referral", "referral"),
        ("(direct)", "(none)", "direct"), ("brochure", "print", None), (None, None, None),
    ],
)  # fmt: skip
def test_channel_from_utm(source: str | None, medium: str | None, expected: str | None) -> None:
    assert channel_from_utm(source, medium) == expected


@pytest.mark.parametrize(
    ("utm_source", "utm_medium", "ad_click", "referrer", "expected"),
    [
        ("linkedin", "paid_social", False, "www.linkedin.com", "linkedin"),
        ("google", "cpc", False, None, "paid_search"),
        (None, None, True, "www.google.com", "paid_search"),  # Google Ads auto-tagging
        ("partner-blog", "article", False, None, "other"),
        (None, None, False, "www.google.de", "organic_search"),
        (None, None, False, "duckduckgo.com", "organic_search"),
        (None, None, False, "lnkd.in", "linkedin"),
        (None, None, False, "news.ycombinator.com", "referral"),
        (None, None, False, None, "direct"),
        (None, None, False, "example.com", "direct"),  # www. or not, the site itself
        (None, None, False, "shop.example.com", "direct"),
        (None, None, False, "example.com.evil.test", "referral"),
    ],
)  # fmt: skip
def test_the_channel_of_a_landing_page(
    utm_source: str | None,
    utm_medium: str | None,
    ad_click: bool,
    referrer: str | None,
    expected: str,
) -> None:
    channel = channel_from_landing(
        utm_source=utm_source,
        utm_medium=utm_medium,
        ad_click=ad_click,
        referrer_host=referrer,
        own_host="www.example.com",
    )

    assert channel == expected

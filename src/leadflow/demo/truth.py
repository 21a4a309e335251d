"""The hidden ideal customer profile and channel quality that decide who buys.

For every contact that is handed off to sales, the chance to become a customer is

    p_close = sigmoid(INTERCEPT + industry + size_band + country + seniority + email_kind
                      + channel + first_sales_action + IQL * iql + ENGAGEMENT * log1p(n))
    p_win   = (1 - under_work_rate[rep]) * p_close

where each attribute term is the coefficient of the contact's value below, ``iql`` is 1
when the contact downloaded a product-specific asset before the hand-off, and ``n``
counts its engagement events (ENGAGEMENT_TYPES) in the ENGAGEMENT_WINDOW_DAYS before the
hand-off, the hand-off moment excluded. A rep who under-works a lead gives up after one or
two attempts and the lead is lost, hence the second line. The realised outcome of a lead
is one Bernoulli draw of ``p_win``; everything sales does afterwards is consistent with
that draw. Later features (ICP discovery, predictive scoring, channel reports) are graded
against these numbers, which ``truth.json`` repeats beside every world.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from leadflow.demo.catalog import CHANNELS, COUNTRIES, INDUSTRIES, SENIORITIES, SIZE_BANDS
from leadflow.domain.vocabulary import SALES_ACTION_EVENTS

__all__ = [
    "CHANNEL",
    "CHANNEL_VALUES",
    "COUNTRY",
    "COUNTRY_VALUES",
    "EMAIL_KIND",
    "EMAIL_KIND_VALUES",
    "ENGAGEMENT",
    "ENGAGEMENT_TYPES",
    "ENGAGEMENT_WINDOW_DAYS",
    "FIRST_SALES_ACTION",
    "INDUSTRY",
    "INDUSTRY_VALUES",
    "INTERCEPT",
    "IQL",
    "NONE",
    "SENIORITY",
    "SIZE_BAND",
    "SIZE_BAND_VALUES",
    "bayes_optimal_auc",
    "channel_effect",
    "channel_quality_order",
    "close_logit",
    "coefficients",
    "company_logit",
    "person_logit",
    "sigmoid",
]

Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.integer]

NONE = "(none)"  # students have no company, hence no industry or size band

INTERCEPT = -2.0

INDUSTRY: dict[str, float] = {
    "software": 0.8,
    "logistics": 0.7,
    "manufacturing": 0.5,
    "financial_services": 0.3,
    "professional_services": 0.1,
    "retail": -0.1,
    "healthcare": -0.2,
    "energy": 0.0,
    "media": -0.4,
    "education": -0.8,
    "public_sector": -1.0,
    "construction": -0.3,
    NONE: -0.6,
}
SIZE_BAND: dict[str, float] = {
    "1-10": -1.2,
    "11-50": -0.3,
    "51-200": 0.6,
    "201-1000": 0.7,
    "1001-5000": 0.0,
    "5001+": -0.6,
    NONE: -0.6,
}
COUNTRY: dict[str, float] = {
    "NL": 0.5,
    "DE": 0.45,
    "FR": 0.0,
    "NO": 0.4,
    "BE": 0.25,
    "GB": 0.1,
    "SE": 0.3,
    "DK": 0.3,
    "ES": -0.3,
    "IT": -0.35,
    "PL": -0.2,
    "AT": 0.15,
    "CH": 0.2,
    "US": -0.7,
}
SENIORITY: dict[str, float] = {
    "c_level": 0.5,
    "vp": 0.7,
    "director": 0.6,
    "manager": 0.2,
    "individual": -0.6,
    "student": -1.8,
}
# What the e-mail address's domain says about the person (observable from the address).
EMAIL_KIND: dict[str, float] = {
    "corporate": 0.0,
    "free_mail": -0.5,
    "university": -0.5,
    "competitor": -4.0,
}
# Channel quality: the order of these effects is the order reports should recover.
CHANNEL: dict[str, float] = {
    "referral": 1.0,
    "events": 0.7,
    "linkedin": 0.45,
    "organic_search": 0.25,
    "paid_search": 0.0,
    "newsletter": -0.25,
    "outbound_list": -0.6,
    "purchased": -1.0,
}
FIRST_SALES_ACTION: dict[str, float] = {
    "demo_request": 0.35,
    "trial_start": 0.1,
    "quote_request": 0.5,
    "call_request": 0.0,
    "meeting_booked": 0.3,
}
IQL = 0.45
ENGAGEMENT = 0.3
ENGAGEMENT_WINDOW_DAYS = 90
ENGAGEMENT_TYPES: tuple[str, ...] = (
    "email_click",
    "content_download",
    "webinar_attendance",
    "event_attendance",
    "chat_started",
    "call_inbound",
    "form_submit",
)

# Category codes used by the generator's arrays: the index of a value in these tuples.
INDUSTRY_VALUES: tuple[str, ...] = (*INDUSTRIES, NONE)
SIZE_BAND_VALUES: tuple[str, ...] = (*(band.label for band in SIZE_BANDS), NONE)
COUNTRY_VALUES: tuple[str, ...] = tuple(country.code for country in COUNTRIES)
EMAIL_KIND_VALUES: tuple[str, ...] = tuple(EMAIL_KIND)
CHANNEL_VALUES: tuple[str, ...] = tuple(CHANNELS)


def _table(coefficients: Mapping[str, float], values: tuple[str, ...]) -> Floats:
    return np.array([coefficients[value] for value in values], dtype=np.float64)


_INDUSTRY = _table(INDUSTRY, INDUSTRY_VALUES)
_SIZE_BAND = _table(SIZE_BAND, SIZE_BAND_VALUES)
_COUNTRY = _table(COUNTRY, COUNTRY_VALUES)
_SENIORITY = _table(SENIORITY, SENIORITIES)
_EMAIL_KIND = _table(EMAIL_KIND, EMAIL_KIND_VALUES)
_CHANNEL = _table(CHANNEL, CHANNEL_VALUES)
_ACTION = _table(FIRST_SALES_ACTION, SALES_ACTION_EVENTS)


def sigmoid(x: Floats) -> Floats:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


def company_logit(industry: Codes, band: Codes, country: Codes) -> Floats:
    """The company part of the ideal customer profile (students: NONE industry and band)."""
    return np.asarray(_INDUSTRY[industry] + _SIZE_BAND[band] + _COUNTRY[country], dtype=np.float64)


def person_logit(seniority: Codes, email_kind: Codes) -> Floats:
    """The person part of the ideal customer profile: role and what the address says."""
    return np.asarray(_SENIORITY[seniority] + _EMAIL_KIND[email_kind], dtype=np.float64)


def channel_effect(channel: Codes) -> Floats:
    return np.asarray(_CHANNEL[channel], dtype=np.float64)


def close_logit(
    fit: Floats, channel: Codes, action: Codes, iql: npt.NDArray[np.bool_], engaged: Codes
) -> Floats:
    """The full logit of p_close for handed-off leads (``action`` indexes SALES_ACTION_EVENTS)."""
    behaviour = _ACTION[action] + IQL * iql + ENGAGEMENT * np.log1p(engaged)
    return np.asarray(INTERCEPT + fit + _CHANNEL[channel] + behaviour, dtype=np.float64)


def channel_quality_order() -> list[str]:
    """Channels from best to worst by their true effect on winning."""
    return sorted(CHANNEL, key=lambda name: -CHANNEL[name])


def coefficients() -> dict[str, object]:
    """Every coefficient of the hidden model, as truth.json records it."""
    return {
        "intercept": INTERCEPT,
        "industry": INDUSTRY,
        "size_band": SIZE_BAND,
        "country": COUNTRY,
        "seniority": SENIORITY,
        "email_kind": EMAIL_KIND,
        "channel": CHANNEL,
        "first_sales_action": FIRST_SALES_ACTION,
        "iql": IQL,
        "engagement_log1p": ENGAGEMENT,
    }


def bayes_optimal_auc(p_win: Floats, won: npt.NDArray[np.bool_]) -> float | None:
    """ROC-AUC of the true probability against realised outcomes: the best any model can do.

    Computed as the Mann-Whitney statistic with mid-ranks for ties (equal to
    scikit-learn's roc_auc_score, which a test checks), because importing scikit-learn
    would cost the CLI seconds. None when the closed leads hold only one class.
    """
    positives = int(won.sum())
    negatives = int(won.size) - positives
    if positives == 0 or negatives == 0:
        return None
    _, inverse, counts = np.unique(p_win, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)
    ranks = (last - (counts - 1) / 2.0)[inverse]
    return float((ranks[won].sum() - positives * (positives + 1) / 2.0) / (positives * negatives))

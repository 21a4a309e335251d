"""The examples of the articles (docs/definition.md, ../shared/domain.md), each in its school.

Each example is qualified with the preset of the school it comes from, and must land in
the stage, with the lead type, that the article gives it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadflow.definition.loader import load_definition
from leadflow.definition.model import Definition
from leadflow.domain.facts import Event, Facts, Opportunity, SalesFacts, Source
from leadflow.domain.qualification import Qualification
from leadflow.domain.vocabulary import Identity, LeadType

engine = pytest.importorskip("leadflow.engine")

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

# A contact matching the presets' persona: a marketing director at a Dutch software
# company of 200 people. Examples about stages use it where the article's person is a
# plausible buyer, so that sales-readiness depends on the actions alone.
FITTING_CONTACT: dict[str, object] = {
    "email": "anna@brightside.example",
    "title": "Head of Marketing",
    "seniority": "director",
    "department": "marketing",
}
FITTING_ACCOUNT: dict[str, object] = {"industry": "software", "employees": 200, "country": "NL"}


def _event(kind: str, days_ago: float, **properties: object) -> Event:
    return Event(kind, NOW - timedelta(days=days_ago), properties)


def _qualify(preset: str, facts: Facts) -> Qualification:
    definition: Definition = load_definition(preset)
    result: Qualification = engine.qualify(facts, definition, NOW)
    return result


# --- start-up (engagement-first) -------------------------------------------------------


def test_startup_newsletter_subscriber_is_a_prospect() -> None:
    facts = Facts(
        contact={"email": "sam@example.org"},
        identity=Identity.KNOWN,
        events=(_event("newsletter_signup", 3, list="monthly-newsletter"),),
    )
    result = _qualify("engagement-first", facts)
    assert result.stage == "prospect"
    assert result.lead_type is LeadType.NONE
    assert not result.sales_ready


def test_startup_demo_form_is_a_lead_and_sales_ready() -> None:
    facts = Facts(
        contact=FITTING_CONTACT,
        account=FITTING_ACCOUNT,
        identity=Identity.KNOWN,
        events=(
            _event("page_view", 2, url="https://kestrel-analytics.example/pricing"),
            _event("form_submit", 1, form="demo-request"),
            _event("demo_request", 1, product="insights"),
        ),
    )
    result = _qualify("engagement-first", facts)
    assert result.stage == "lead"
    assert result.sales_ready
    assert result.lead_type is LeadType.SRL


def test_startup_demo_form_without_the_persona_is_a_lead_not_sales_ready() -> None:
    facts = Facts(
        contact={"email": "kim@gmail.com", "title": "Student"},
        identity=Identity.KNOWN,
        events=(_event("form_submit", 1, form="demo-request"),),
    )
    result = _qualify("engagement-first", facts)
    assert result.stage == "lead"
    assert not result.sales_ready


# --- consultancy (engagement-first) ----------------------------------------------------


def test_consultancy_webinar_attendee_is_a_prospect() -> None:
    facts = Facts(
        identity=Identity.KNOWN,
        events=(_event("webinar_attendance", 10, event="lead-scoring-101"),),
    )
    result = _qualify("engagement-first", facts)
    assert result.stage == "prospect"
    assert result.lead_type is LeadType.NONE


def test_consultancy_webinar_attendee_with_a_consultation_request_is_a_lead() -> None:
    facts = Facts(
        identity=Identity.KNOWN,
        events=(
            _event("webinar_attendance", 10, event="lead-scoring-101"),
            _event("form_submit", 2, form="consultation-request"),
        ),
    )
    result = _qualify("engagement-first", facts)
    assert result.stage == "lead"
    assert result.lead_type is LeadType.SRL  # asked to talk to someone


# --- agency (engagement-first; "or MQL" in the lead-type sense) --------------------------


def test_agency_ebook_download_is_a_prospect_of_mql_type() -> None:
    facts = Facts(
        identity=Identity.KNOWN,
        events=(_event("content_download", 5, asset="state-of-b2b-ebook"),),
    )
    result = _qualify("engagement-first", facts)
    assert result.stage == "prospect"
    assert result.lead_type is LeadType.MQL


def test_agency_ebook_download_with_a_consultation_request_is_a_lead() -> None:
    facts = Facts(
        identity=Identity.KNOWN,
        events=(
            _event("content_download", 5, asset="state-of-b2b-ebook"),
            _event("form_submit", 1, form="consultation-request"),
        ),
    )
    result = _qualify("engagement-first", facts)
    assert result.stage == "lead"
    assert result.lead_type is LeadType.SRL


def test_agency_ebook_download_by_a_fitting_contact_is_an_mql_in_the_waterfall() -> None:
    # The article's "(or MQL)": in the waterfall school the same download is an MQL.
    facts = Facts(
        contact=FITTING_CONTACT,
        account=FITTING_ACCOUNT,
        identity=Identity.KNOWN,
        events=(_event("content_download", 5, asset="state-of-b2b-ebook"),),
    )
    result = _qualify("waterfall", facts)
    assert result.stage == "mql"
    assert result.lead_type is LeadType.MQL


# --- party analogy (split-prospect) ----------------------------------------------------


def test_party_invited_contact_is_a_marketing_prospect() -> None:
    facts = Facts(
        contact={"email": "guest@example.org"},
        identity=Identity.KNOWN,
        source=Source(channel="outbound_list", campaign="target-accounts"),
    )
    result = _qualify("split-prospect", facts)
    assert result.stage == "marketing_prospect"
    assert result.lead_type is LeadType.NONE


def test_party_guest_who_answered_and_confirmed_is_a_lead() -> None:
    facts = Facts(
        contact={"email": "guest@example.org"},
        identity=Identity.CONFIRMED,
        source=Source(channel="outbound_list", campaign="target-accounts"),
        events=(_event("form_submit", 1, form="rsvp"),),
    )
    result = _qualify("split-prospect", facts)
    assert result.stage == "lead"
    assert result.lead_type is LeadType.NONE


# --- the schools disagree about one person, which is the point --------------------------


def test_a_fitting_contact_without_interest_is_a_prospect_only_in_fit_first() -> None:
    facts = Facts(
        contact=FITTING_CONTACT,
        account=FITTING_ACCOUNT,
        identity=Identity.KNOWN,
        source=Source(channel="outbound_list"),
    )
    assert _qualify("fit-first", facts).stage == "prospect"
    assert _qualify("waterfall", facts).stage == "lead"
    assert _qualify("split-prospect", facts).stage == "marketing_prospect"


def test_an_anonymous_visitor_is_a_prospect_only_in_engagement_first() -> None:
    facts = Facts(
        identity=Identity.ANONYMOUS,
        events=(_event("page_view", 1, url="https://kestrel-analytics.example/"),),
    )
    assert _qualify("engagement-first", facts).stage == "prospect"
    assert _qualify("waterfall", facts).stage is None


def test_a_sales_ready_lead_is_a_prospect_in_the_waterfall_and_won_is_customer() -> None:
    ready = Facts(
        contact=FITTING_CONTACT,
        account=FITTING_ACCOUNT,
        identity=Identity.KNOWN,
        events=(_event("demo_request", 1),),
    )
    assert _qualify("waterfall", ready).stage == "sql"
    assert _qualify("hubspot", ready).stage == "salesqualifiedlead"
    won = Facts(
        contact=FITTING_CONTACT,
        account=FITTING_ACCOUNT,
        identity=Identity.KNOWN,
        events=(_event("demo_request", 40),),
        sales=SalesFacts(accepted=True, opportunity=Opportunity(status="won")),
    )
    assert _qualify("waterfall", won).stage == "customer"
    assert _qualify("hubspot", won).stage == "customer"

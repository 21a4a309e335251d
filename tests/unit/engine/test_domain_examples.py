"""The examples of ../shared/domain.md, each in the school it comes from (shipped presets).

The definitions are the presets users get, loaded through the definition loader; the
engine is what is under test: the stage and the lead type the articles give.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadflow.definition.loader import load_definition
from leadflow.definition.model import Definition
from leadflow.domain.facts import (
    BantFact,
    BantFacts,
    Conversation,
    Event,
    Facts,
    SalesFacts,
    Source,
)
from leadflow.domain.vocabulary import Identity, LeadType, Temperature
from leadflow.engine import qualify

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
# A contact who fits the persona well (grade A in every preset).
PERSONA = Facts(
    contact={"email": "sam@acme.example", "seniority": "vp", "department": "marketing"},
    account={"industry": "software", "employees": 120, "country": "NL", "revenue": 20_000_000},
)


@pytest.fixture(scope="module")
def school() -> dict[str, Definition]:
    names = ("waterfall", "fit-first", "engagement-first", "split-prospect")
    return {name: load_definition(name) for name in names}


def did(facts: Facts, *actions: tuple[str, float] | tuple[str, float, dict[str, str]]) -> Facts:
    """The same person after some actions, given as (type, days ago[, properties])."""
    events = tuple(
        Event(a[0], NOW - timedelta(days=a[1]), a[2] if len(a) == 3 else {}) for a in actions
    )
    return Facts(
        contact=facts.contact,
        account=facts.account,
        identity=facts.identity,
        source=facts.source,
        events=facts.events + events,
        bant=facts.bant,
        sales=facts.sales,
    )


def test_startup_newsletter_subscriber_is_a_prospect_then_a_sales_ready_lead(
    school: dict[str, Definition],
) -> None:
    """Engagement-first (Norwegian article): the start-up example."""
    definition = school["engagement-first"]
    subscriber = did(PERSONA, ("newsletter_signup", 20))
    assert qualify(subscriber, definition, NOW).stage == "prospect"
    booked = did(subscriber, ("form_submit", 1, {"form": "contact-book-a-demo"}))
    result = qualify(booked, definition, NOW)
    assert result.stage == "lead"
    assert result.sales_ready
    assert result.lead_type is LeadType.SRL


def test_consultancy_webinar_attendee_is_a_prospect_then_a_lead(
    school: dict[str, Definition],
) -> None:
    definition = school["engagement-first"]
    attendee = did(PERSONA, ("webinar_attendance", 10))
    assert qualify(attendee, definition, NOW).stage == "prospect"
    asked = did(attendee, ("form_submit", 2, {"form": "consultation-request"}))
    assert qualify(asked, definition, NOW).stage == "lead"


def test_agency_ebook_downloader_is_a_prospect_and_an_mql_type_then_a_lead(
    school: dict[str, Definition],
) -> None:
    definition = school["engagement-first"]
    reader = did(PERSONA, ("content_download", 5, {"asset": "state-of-agencies-ebook"}))
    result = qualify(reader, definition, NOW)
    assert (result.stage, result.lead_type) == ("prospect", LeadType.MQL)
    asked = did(reader, ("form_submit", 1, {"form": "free-consultation"}))
    assert qualify(asked, definition, NOW).stage == "lead"


def test_an_anonymous_visitor_can_be_a_prospect_only_in_engagement_first(
    school: dict[str, Definition],
) -> None:
    visitor = did(Facts(identity=Identity.ANONYMOUS), ("page_view", 1, {"url": "/pricing"}))
    assert qualify(visitor, school["engagement-first"], NOW).stage == "prospect"
    assert qualify(visitor, school["waterfall"], NOW).stage is None


def test_party_invited_are_prospects_confirmed_are_leads(school: dict[str, Definition]) -> None:
    """Split prospect (French article): a list contact, then confirmed interest and details."""
    definition = school["split-prospect"]
    invited = Facts(contact={"email": "guest@example.org"}, source=Source(channel="outbound_list"))
    assert qualify(invited, definition, NOW).stage == "marketing_prospect"
    confirmed = Facts(contact=invited.contact, identity=Identity.CONFIRMED, source=invited.source)
    assert qualify(confirmed, definition, NOW).stage == "lead"


def test_fit_first_a_fitting_contact_is_a_prospect_without_being_a_lead(
    school: dict[str, Definition],
) -> None:
    """German article: fits the target market, interested or not; may skip being a lead."""
    definition = school["fit-first"]
    assert qualify(PERSONA, definition, NOW).stage == "prospect"
    outsider = Facts(contact={"email": "kim@gmail.com"}, account={"industry": "agriculture"})
    interested = did(outsider, ("content_download", 2, {"asset": "pricing-datasheet"}))
    assert qualify(interested, definition, NOW).stage == "lead"  # may never become a prospect


def test_waterfall_lead_mql_then_sql_called_prospect(school: dict[str, Definition]) -> None:
    """Dutch and French articles: lead, MQL, then SQL, which this school calls prospect."""
    definition = school["waterfall"]
    assert qualify(PERSONA, definition, NOW).stage == "lead"
    reader = did(PERSONA, ("content_download", 4, {"asset": "crm-ebook"}))
    assert qualify(reader, definition, NOW).stage == "mql"
    demo = did(reader, ("demo_request", 1))
    result = qualify(demo, definition, NOW)
    assert result.stage == "sql"
    assert definition.stages[definition.stage_index("sql")].label() == "Prospect (SQL)"


def test_only_a_fitting_lead_with_a_sales_action_goes_to_sales(
    school: dict[str, Definition],
) -> None:
    definition = school["waterfall"]
    student = Facts(
        contact={"email": "lee@gmail.com", "title": "Student"}, account={"industry": "education"}
    )
    demo = did(student, ("demo_request", 1))
    assert not qualify(demo, definition, NOW).sales_ready
    assert qualify(did(PERSONA, ("demo_request", 1)), definition, NOW).sales_ready


@pytest.mark.parametrize(
    ("actions", "conversation", "lead_type"),
    [
        ((("content_download", 3, {"asset": "model-x-spec-sheet"}),), None, LeadType.IQL),
        ((("content_download", 3, {"asset": "marketing-ebook"}),), None, LeadType.MQL),
        ((("call_request", 3),), None, LeadType.SRL),
        ((("content_download", 9, {"asset": "marketing-ebook"}),), "interested", LeadType.SQL),
    ],
)
def test_lead_types_of_the_german_article(
    school: dict[str, Definition],
    actions: tuple[tuple[str, float, dict[str, str]], ...],
    conversation: str | None,
    lead_type: LeadType,
) -> None:
    talks = (
        () if conversation is None else (Conversation(NOW - timedelta(days=1), "jo", conversation),)
    )
    facts = did(Facts(contact=PERSONA.contact, sales=SalesFacts(conversations=talks)), *actions)
    assert qualify(facts, school["waterfall"], NOW).lead_type is lead_type


def test_a_purchased_lead_stays_distinguishable(school: dict[str, Definition]) -> None:
    bought = Facts(contact=PERSONA.contact, source=Source(channel="purchased", purchased=True))
    assert qualify(bought, school["waterfall"], NOW).lead_type is LeadType.MSRL
    acted = qualify(did(bought, ("demo_request", 1)), school["waterfall"], NOW)
    assert (acted.lead_type, acted.purchased) == (LeadType.SRL, True)


@pytest.mark.parametrize(
    ("met", "temperature"),
    [(4, Temperature.HOT), (3, Temperature.HOT), (2, Temperature.WARM), (1, Temperature.COLD)],
)
def test_temperature_from_bant(
    school: dict[str, Definition], met: int, temperature: Temperature
) -> None:
    answers = [BantFact(index < met, "rep's note") for index in range(4)]
    facts = Facts(contact={"email": "x@acme.example"}, bant=BantFacts(*answers))
    assert qualify(facts, school["waterfall"], NOW).temperature is temperature

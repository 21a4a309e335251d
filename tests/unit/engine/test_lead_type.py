from datetime import datetime, timedelta

import pytest

from leadflow.definition.model import Definition
from leadflow.domain.facts import Conversation, Facts, SalesFacts, Source
from leadflow.domain.vocabulary import LeadType
from leadflow.engine import qualify
from tests.unit.engine.builders import events_of

SPEC = {"asset": "Model X spec sheet"}
EBOOK = {"asset": "State of marketing e-book"}


def lead_type(facts: Facts, definition: Definition, now: datetime) -> LeadType:
    return qualify(facts, definition, now).lead_type


def test_general_asset_makes_an_mql_type(definition: Definition, now: datetime) -> None:
    facts = Facts(events=events_of(now, ("content_download", 3, EBOOK)))
    assert lead_type(facts, definition, now) is LeadType.MQL


def test_product_specific_asset_makes_an_iql(definition: Definition, now: datetime) -> None:
    facts = Facts(
        events=events_of(now, ("content_download", 3, EBOOK), ("content_download", 9, SPEC))
    )
    assert lead_type(facts, definition, now) is LeadType.IQL


def test_any_sales_action_ever_makes_an_srl(definition: Definition, now: datetime) -> None:
    facts = Facts(events=events_of(now, ("content_download", 3, SPEC), ("call_request", 400)))
    assert lead_type(facts, definition, now) is LeadType.SRL


def test_an_interested_conversation_makes_an_sql(definition: Definition, now: datetime) -> None:
    talk = Conversation(now - timedelta(days=1), rep="jo", outcome="interested")
    facts = Facts(
        events=events_of(now, ("demo_request", 3)), sales=SalesFacts(conversations=(talk,))
    )
    assert lead_type(facts, definition, now) is LeadType.SQL
    # Before the conversation took place, it was an SRL.
    assert lead_type(facts, definition, now - timedelta(days=2)) is LeadType.SRL


def test_an_uninterested_conversation_is_not_an_sql(definition: Definition, now: datetime) -> None:
    talk = Conversation(now - timedelta(days=1), outcome="not_interested")
    facts = Facts(
        events=events_of(now, ("demo_request", 3)), sales=SalesFacts(conversations=(talk,))
    )
    assert lead_type(facts, definition, now) is LeadType.SRL


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ((), LeadType.MSRL),
        ((("email_open", 1),), LeadType.MSRL),  # opening a mail is not acting
        ((("email_click", 1),), LeadType.NONE),  # acted, but for no asset
        ((("content_download", 1, EBOOK),), LeadType.MQL),
    ],
)
def test_purchased_contacts_are_msrl_until_they_act(
    events: tuple[tuple[str, float], ...], expected: LeadType, definition: Definition, now: datetime
) -> None:
    facts = Facts(
        source=Source(channel="purchased", purchased=True), events=events_of(now, *events)
    )
    result = qualify(facts, definition, now)
    assert result.lead_type is expected
    assert result.purchased is True  # the origin is always kept


def test_nothing_yet_is_none(definition: Definition, now: datetime) -> None:
    assert (
        lead_type(Facts(events=events_of(now, ("page_view", 1))), definition, now) is LeadType.NONE
    )

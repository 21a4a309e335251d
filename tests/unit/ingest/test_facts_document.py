import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadflow.domain.vocabulary import Identity
from leadflow.ingest.facts_document import (
    FactsDocumentError,
    load_facts_document,
    parse_facts_document,
)

FULL = {
    "contact": {"email": "ann@acme.example", "title": "CTO", "tags": ["beta"]},
    "account": {"industry": "software", "employees": 250},
    "identity": "confirmed",
    "source": {"channel": "linkedin", "purchased": True, "campaign": "q2"},
    "events": [
        {"type": "demo_request", "at": "2026-05-30T10:00:00+02:00", "properties": {"form": "demo"}},
        {"type": "page_view", "at": "2026-05-29T08:00:00Z", "id": "e-1"},
    ],
    "bant": {"budget": True, "need": {"met": False, "evidence": "no project"}, "timing": None},
    "sales": {
        "conversations": [{"at": "2026-05-31T09:00:00Z", "rep": "jo", "outcome": "interested"}],
        "accepted": None,
        "opportunity": {"status": "open", "amount": 12000, "created_at": "2026-05-31T10:00:00Z"},
    },
    "consent": {"email": "granted"},
    "prediction": 0.42,
}


def test_a_full_document_becomes_facts() -> None:
    facts = parse_facts_document(json.dumps(FULL))
    assert facts.identity is Identity.CONFIRMED
    assert facts.contact["tags"] == ["beta"]
    assert facts.source.purchased is True
    assert facts.source.campaign == "q2"
    demo, view = facts.events
    assert demo.at == datetime(2026, 5, 30, 8, tzinfo=UTC)  # converted to UTC
    assert demo.at.tzinfo is UTC
    assert demo.properties == {"form": "demo"}
    assert view.id == "e-1"
    assert facts.bant.budget.met is True
    assert (facts.bant.need.met, facts.bant.need.evidence) == (False, "no project")
    assert facts.bant.timing.met is None
    assert facts.sales.conversations[0].outcome == "interested"
    assert facts.sales.opportunity is not None
    assert facts.sales.opportunity.amount == 12000
    assert facts.consent == {"email": "granted"}
    assert facts.prediction == 0.42


@pytest.mark.parametrize(
    ("contact", "identity"),
    [
        ({"email": "a@b.example"}, Identity.KNOWN),
        ({"phone": "+49 30 1"}, Identity.KNOWN),
        ({}, Identity.ANONYMOUS),
    ],
)
def test_identity_defaults_from_contact_details(
    contact: dict[str, str], identity: Identity
) -> None:
    assert parse_facts_document(json.dumps({"contact": contact})).identity is identity


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"events": [{"type": "x", "at": "2026-05-01T10:00:00"}]},
            "facts: events[0].at: Input should have timezone info",
        ),
        ({"events": [{"at": "2026-05-01T10:00:00Z"}]}, "facts: events[0].type: Field required"),
        ({"contacts": {}}, "facts: contacts: Extra inputs are not permitted"),
        (
            {"source": {"purchased": "yes"}},
            "facts: source.purchased: Input should be a valid boolean",
        ),
        (
            {"bant": {"need": "maybe"}},
            'facts: bant.need: give true, false, null or {"met": ..., "evidence": ...}',
        ),
        ({"bant": {"money": True}}, "facts: bant.money: Extra inputs are not permitted"),
        (
            {"identity": "famous"},
            "facts: identity: Input should be 'anonymous', 'known' or 'confirmed'",
        ),
        ({"prediction": 1.5}, "facts: prediction: Input should be less than or equal to 1"),
        (
            {"consent": {"email": "maybe"}},
            "facts: consent.email: Input should be "
            "'granted', 'confirmed', 'withdrawn' or 'bounced'",
        ),
        (
            {"sales": {"opportunity": {"status": "pending"}}},
            "facts: sales.opportunity.status: Input should be 'open', 'won' or 'lost'",
        ),
        ([], "facts: Input should be an object"),
    ],
)
def test_errors_name_the_json_path(document: object, message: str) -> None:
    with pytest.raises(FactsDocumentError) as caught:
        parse_facts_document(json.dumps(document))
    assert caught.value.errors == [message]


def test_every_problem_is_reported() -> None:
    document = {"prediction": -1, "events": [{"type": "", "at": "yesterday"}]}
    with pytest.raises(FactsDocumentError) as caught:
        parse_facts_document(json.dumps(document))
    assert len(caught.value.errors) == 3


def test_broken_json_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(FactsDocumentError, match="facts: Invalid JSON"):
        parse_facts_document("{")
    missing = tmp_path / "nope.json"
    with pytest.raises(FactsDocumentError, match="cannot read the file"):
        load_facts_document(missing)
    good = tmp_path / "ann.json"
    good.write_text(json.dumps(FULL), encoding="utf-8")
    assert load_facts_document(good).prediction == 0.42
    bad = tmp_path / "bad.json"
    bad.write_text('{"prediction": 2}', encoding="utf-8")
    with pytest.raises(FactsDocumentError, match=f"^{bad}: prediction"):
        load_facts_document(bad)


def test_values_are_read_as_the_imports_store_them() -> None:
    """A person written by hand as a German CRM export has it ("Deutschland", "1.200",
    "Messe") qualifies as the same person imported: rules name the stored words."""
    facts = parse_facts_document(
        json.dumps(
            {
                "contact": {"country": "Deutschland", "seniority": "Geschäftsführung"},
                "account": {
                    "country": "Österreich",
                    "employees": "1.200",
                    "revenue": "€ 5 Mio.",
                    "industry": "Industrial Machinery",
                },
                "source": {"channel": "Messe"},
            }
        )
    )

    assert facts.contact == {"country": "DE", "seniority": "c_level"}
    assert facts.account == {
        "country": "AT",
        "employees": 1200,
        "revenue": 5_000_000.0,
        "industry": "industrial_machinery",
    }
    assert facts.source.channel == "events"


def test_values_no_import_could_read_are_kept_as_written() -> None:
    facts = parse_facts_document(
        json.dumps({"contact": {"country": "Atlantis"}, "account": {"employees": "many"}})
    )
    assert facts.contact == {"country": "Atlantis"}
    assert facts.account == {"employees": "many"}

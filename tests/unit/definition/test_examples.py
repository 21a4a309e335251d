"""examples/definitions: other teams' funnels, written from the docs. Each loads without
a warning, and the person beside it (examples/facts) gets the verdict its team expects."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadflow.definition.lint import definition_warnings
from leadflow.definition.loader import load_definition
from leadflow.domain.facts import Facts
from leadflow.domain.vocabulary import Identity, LeadType
from leadflow.engine import qualify
from leadflow.ingest.facts_document import load_facts_document

ROOT = Path(__file__).resolve().parents[3] / "examples"
DEFINITIONS = sorted((ROOT / "definitions").glob("*.yaml"))
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _facts(name: str) -> Facts:
    return load_facts_document(ROOT / "facts" / name)


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.stem)
def test_each_example_loads_without_a_warning(path: Path) -> None:
    definition = load_definition(path)
    assert definition.name == path.stem
    assert definition_warnings(definition) == ()


def test_a_trial_user_who_sends_invoices_is_sales_ready_by_usage() -> None:
    definition = load_definition(ROOT / "definitions" / "product-led-saas.yaml")
    user = _facts("trial-user-invoicing.json")

    used = qualify(user, definition, NOW)
    assert (used.stage, used.sales_ready) == ("sql", True)
    assert "the gate's extra condition holds: (event trial_start within 30 days" in (
        used.sales_ready_reason
    )
    # The signup alone: a lead of the trial, not ready for sales.
    signed_up = dataclasses.replace(user, events=user.events[:1])
    only = qualify(signed_up, definition, NOW)
    assert (only.stage, only.sales_ready) == ("signup", False)


def test_a_purchased_trade_fair_contact_who_asks_for_a_quote_goes_to_sales() -> None:
    definition = load_definition(ROOT / "definitions" / "mittelstand-machinery.yaml")
    visitor = _facts("trade-fair-visitor.json")

    asked = qualify(visitor, definition, NOW)
    assert (asked.stage, asked.sales_ready, asked.lead_type) == ("sql", True, LeadType.SRL)
    assert asked.purchased
    # Before the quote: opted in (double opt-in), not yet an MQL, an IQL by the data sheet.
    before = qualify(dataclasses.replace(visitor, events=visitor.events[:3]), definition, NOW)
    assert (before.stage, before.sales_ready, before.lead_type) == (
        "nurture_ok",
        False,
        LeadType.IQL,
    )
    # Without the opt-in the same person is only a contact.
    unconfirmed = dataclasses.replace(visitor, events=visitor.events[:3], consent={})
    assert qualify(unconfirmed, definition, NOW).stage == "kontakt"


def test_a_small_nordic_company_that_calls_in_is_sales_ready() -> None:
    definition = load_definition(ROOT / "definitions" / "nordic-agency.yaml")
    caller = _facts("agency-caller.json")

    called = qualify(caller, definition, NOW)
    assert (called.stage, called.sales_ready, called.lead_type) == ("lead", True, LeadType.SRL)
    assert called.sales_ready_reason.startswith("fit grade A and call_inbound")
    # Pages only: engaged, a prospect in the Norwegian school, no sales action.
    browsing = qualify(dataclasses.replace(caller, events=caller.events[:2]), definition, NOW)
    assert (browsing.stage, browsing.sales_ready) == ("prospect", False)


def test_the_hubspot_stages_keep_their_ids_and_take_french_labels() -> None:
    definition = load_definition(ROOT / "definitions" / "hubspot-lifecycle-fr.yaml")
    reader = _facts("newsletter-reader-fr.json")

    assert qualify(reader, definition, NOW).stage == "subscriber"
    labels = {stage.id: stage.labels.get("fr") for stage in definition.stages}
    assert labels["marketingqualifiedlead"] == "Lead qualifié marketing (MQL)"
    assert labels["evangelist"] == "Ambassadeur"


def test_a_client_a_partner_passes_on_goes_to_sales_and_consent_gates_nurture() -> None:
    definition = load_definition(ROOT / "definitions" / "partner-agency.yaml")
    referred = _facts("partner-referral.json")

    passed_on = qualify(referred, definition, NOW)
    assert (passed_on.stage, passed_on.sales_ready, passed_on.lead_type) == (
        "conversation",
        True,
        LeadType.SRL,
    )
    assert passed_on.sales_ready_reason.startswith("fit grade A and partner_referral")
    # Before the partner's referral: webinars in January and April still count (slow
    # decay), the report makes her an MQL-type lead, and she confirmed her address.
    earlier = referred.events[:4]
    before = qualify(dataclasses.replace(referred, events=earlier), definition, NOW)
    assert (before.stage, before.sales_ready, before.lead_type) == (
        "engaged",
        False,
        LeadType.MQL,
    )
    # Unconfirmed, the same person stays in the audience: nurture waits for consent.
    unconfirmed = dataclasses.replace(
        referred, events=earlier, consent={"email": "granted"}, identity=Identity.KNOWN
    )
    assert qualify(unconfirmed, definition, NOW).stage == "audience"

"""Survivorship: which value the surviving contact keeps."""

from __future__ import annotations

from datetime import UTC, datetime

from leadflow.ingest.survivorship import Side, consent_winner, survive, trust

EARLY = datetime(2025, 1, 1, tzinfo=UTC)
LATE = datetime(2025, 3, 1, tzinfo=UTC)


def test_empty_values_are_filled_from_the_merged_contact() -> None:
    survivor = Side({"first_name": "Jan", "title": None}, updated_at=LATE)
    merged = Side({"first_name": "Johannes", "title": "CTO"}, updated_at=EARLY)
    outcome = survive(survivor, merged)
    assert outcome.values == {"title": "CTO"}


def test_between_equal_sources_the_newer_record_wins() -> None:
    survivor = Side({"title": "Engineer"}, source="hubspot", updated_at=EARLY)
    merged = Side({"title": "CTO"}, source="hubspot", updated_at=LATE)
    assert survive(survivor, merged).values == {"title": "CTO"}
    assert survive(merged, survivor).values == {}


def test_a_more_trusted_source_wins_even_when_older() -> None:
    survivor = Side({"title": "CTO"}, source="mautic", updated_at=LATE)
    merged = Side({"title": "Chief Technology Officer"}, source="salesforce", updated_at=EARLY)
    assert survive(survivor, merged).values == {"title": "Chief Technology Officer"}


def test_sales_crms_before_marketing_platforms_before_mautic() -> None:
    order = ["manual", "salesforce", "dynamics", "odoo", "zoho", "pipedrive", "hubspot",
             "marketo", "pardot", "mautic", "generic"]  # fmt: skip
    ranks = [trust(source) for source in order]
    assert ranks == sorted(ranks, reverse=True)
    assert len(set(ranks)) == len(ranks)  # no two of them tie


def test_an_odoo_value_beats_a_newer_marketo_value() -> None:
    survivor = Side({"title": "CTO"}, source="marketo", updated_at=LATE)
    merged = Side({"title": "Chief Technology Officer"}, source="odoo", updated_at=EARLY)
    assert survive(survivor, merged).values == {"title": "Chief Technology Officer"}


def test_purchased_lists_are_trusted_least() -> None:
    assert trust("manual") > trust("salesforce") > trust("hubspot") > trust("mautic")
    assert trust("mautic") > trust("beurs-2025") == trust("generic") > trust(None)
    assert trust(None) > trust("salesforce", purchased=True)


def test_fields_with_their_own_rules() -> None:
    survivor = Side(
        {"email": "jan@acme.nl", "external_id": None, "purchased": False,
         "identity": "known", "created_at": LATE},
        source="manual", updated_at=LATE,
    )  # fmt: skip
    merged = Side(
        {"email": "j@acme.nl", "external_id": "hubspot:7", "purchased": True,
         "identity": "confirmed", "created_at": EARLY},
        source="salesforce", updated_at=LATE,
    )  # fmt: skip
    assert survive(survivor, merged).values == {
        "external_id": "hubspot:7",  # the survivor had none
        "purchased": True,  # a purchased origin stays visible
        "identity": "confirmed",  # the higher level
        "created_at": EARLY,  # known since the earlier date
    }


def test_attributes_merge_key_by_key() -> None:
    survivor = Side({}, {"lifecycle_stage": "lead", "city": "Utrecht"}, "hubspot", EARLY)
    merged = Side({}, {"lifecycle_stage": "mql", "score": 40}, "hubspot", LATE)
    outcome = survive(survivor, merged)
    assert outcome.attributes == {"lifecycle_stage": "mql", "score": 40}


def test_consent_on_a_shared_channel_later_wins_and_ties_restrict() -> None:
    granted = {"status": "granted", "at": LATE}
    withdrawn_early = {"status": "withdrawn", "at": EARLY}
    withdrawn_late = {"status": "withdrawn", "at": LATE}
    assert consent_winner(withdrawn_early, granted) is granted
    assert consent_winner(granted, withdrawn_early) is granted
    assert consent_winner(granted, withdrawn_late) is withdrawn_late
    assert consent_winner(withdrawn_late, granted) is withdrawn_late


def test_a_grant_never_outranks_a_confirmation_of_the_same_channel() -> None:
    # As imports and the consent in force read it: a later or simultaneous plain grant
    # (another list signed up to) says nothing against a double opt-in on record.
    confirmed = {"status": "confirmed", "at": EARLY}
    granted_later = {"status": "granted", "at": LATE}
    granted_same_instant = {"status": "granted", "at": EARLY}
    assert consent_winner(granted_later, confirmed) is confirmed
    assert consent_winner(confirmed, granted_later) is confirmed
    assert consent_winner(granted_same_instant, confirmed) is confirmed
    assert consent_winner(confirmed, granted_same_instant) is confirmed


def test_a_withdrawal_after_a_confirmation_still_wins() -> None:
    confirmed = {"status": "confirmed", "at": EARLY}
    withdrawn = {"status": "withdrawn", "at": LATE}
    assert consent_winner(confirmed, withdrawn) is withdrawn
    assert consent_winner(withdrawn, confirmed) is withdrawn

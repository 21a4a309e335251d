"""The findings of ``definition check`` from counts: fields, values and event types."""

from __future__ import annotations

from leadflow.definition.reads import EventTypeRead, FieldRead, ValueRead
from leadflow.services.definition_check import (
    Close,
    event_type_finding,
    field_finding,
    value_findings,
)
from leadflow.services.event_counts import EventCount

READERS = ("fit rule 'x'",)


def test_a_field_nobody_holds_is_a_warning_naming_the_closest_held() -> None:
    filled = {
        "contact.title": 120,
        "contact.first_name": 130,
        "contact.seniority": 80,
        "account.industry": 0,
        "source.channel": 140,
    }

    missing = field_finding(FieldRead("contact.job_title", READERS), filled)
    held = field_finding(FieldRead("contact.title", READERS), filled)

    assert missing.warning
    assert missing.contacts == 0
    assert missing.close[0] == Close("contact.title", 120)
    assert not held.warning
    assert held.contacts == 120


def test_a_field_found_in_the_other_namespace_is_suggested() -> None:
    finding = field_finding(FieldRead("account.country", READERS), {"contact.country": 50})

    assert finding.close == (Close("contact.country", 50),)


def test_the_e_mail_derived_paths_are_held_by_the_e_mail() -> None:
    finding = field_finding(FieldRead("contact.free_mail", READERS), {"contact.email": 7})

    assert not finding.warning
    assert finding.contacts == 7


def test_values_differing_only_in_case_are_a_note_and_missing_ones_a_warning() -> None:
    words = ("Software", "Logistics", "Mining")
    read = FieldRead("account.industry", READERS, tuple(ValueRead(w, READERS) for w in words))
    held = {"software": 40, "SOFTWARE": 2, "Computer Software": 9, "Retail": 3}

    found = {finding.value: finding for finding in value_findings(read, held)}

    assert set(found) == {"Software", "Logistics", "Mining"}
    case = found["Software"]
    assert not case.warning
    assert case.contacts == 42
    assert case.spelled == (Close("software", 40), Close("SOFTWARE", 2))
    # Software is held (in another case), so the rule can hold: the others are listed
    # values the data has none of, a note unless something held is close.
    assert not found["Logistics"].warning
    assert found["Logistics"].beside_held
    assert found["Logistics"].close == ()
    assert not found["Mining"].warning


def test_a_list_of_values_none_held_is_a_warning_for_each() -> None:
    other = ("fit rule 'target industry'",)
    words = (ValueRead("Logistics", READERS), ValueRead("Mining", (*READERS, *other)),
             ValueRead("fintech", other))  # fmt: skip
    read = FieldRead("account.industry", (*READERS, *other), words)
    held = {"fintech": 5, "Retail": 3}

    found = {finding.value: finding for finding in value_findings(read, held)}

    assert set(found) == {"Logistics", "Mining"}  # fintech is held as written
    # READERS names nothing held: its rule can never hold on this data.
    assert found["Logistics"].warning
    assert found["Mining"].warning  # one of its rules holds nothing else
    assert not found["Mining"].beside_held


def test_a_missing_value_names_the_closest_values_with_their_counts() -> None:
    read = FieldRead("account.industry", READERS, (ValueRead("Software", READERS),))
    held = {"Computer Software": 9, "Software Development": 4, "Retail": 30}

    (finding,) = value_findings(read, held)

    assert finding.warning
    assert finding.close == (Close("Computer Software", 9), Close("Software Development", 4))


def test_an_event_type_never_seen_names_the_close_types_seen() -> None:
    by_type = {"demo_request": EventCount(12, 10), "page_view": EventCount(900, 80)}

    missing = event_type_finding(EventTypeRead("demo_requested", READERS), by_type)
    seen = event_type_finding(EventTypeRead("page_view", READERS), by_type)

    assert missing.warning
    assert missing.close == (Close("demo_request", 12),)
    assert not seen.warning
    assert (seen.events, seen.contacts) == (900, 80)


def test_a_word_sharing_only_a_few_letters_is_not_offered_as_close() -> None:
    # Seen checking a German machine maker's definition against a workspace: the value
    # "industrial machinery" was a warning, "held instead: energy", and the BANT field
    # contact.timeframe was "closest held: account.name". Neither is what was meant, and
    # a warning that reads like a misspelling sends the team after the wrong value.
    read = FieldRead("account.industry", READERS, (ValueRead("industrial machinery", READERS),
                     ValueRead("manufacturing", READERS)))  # fmt: skip
    held = {"energy": 56, "manufacturing": 185, "software": 300}

    (finding,) = value_findings(read, held)
    field = field_finding(FieldRead("contact.timeframe", READERS), {"account.name": 1279})

    assert finding.value == "industrial machinery"
    assert finding.close == ()
    assert not finding.warning  # listed beside a value that is held: a note
    assert field.close == ()

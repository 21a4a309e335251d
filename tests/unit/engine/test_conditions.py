import re
from datetime import datetime, timedelta

import pytest

from leadflow.definition.model import (
    AllOf,
    AnyOf,
    Condition,
    EventTest,
    FieldTest,
    FitConfig,
    FitRule,
    Not,
    Op,
)
from leadflow.domain.facts import Facts, Opportunity, SalesFacts, Source
from leadflow.domain.vocabulary import Grade, Identity
from leadflow.engine import qualify
from tests.unit.engine.builders import at_least, equals, events_of, matcher, one_of, waterfall


def holds(condition: Condition, facts: Facts, now: datetime) -> bool:
    """Whether ``condition`` holds, read through a fit rule worth one point."""
    definition = waterfall(fit=FitConfig((FitRule("probe", 1, condition),)))
    return qualify(facts, definition, now, explain=False).fit.score == 1


ACCOUNT = Facts(
    contact={"email": "Ann@Gmail.com", "tags": ["Partner", "beta"], "title": "  CTO "},
    account={"industry": "Software", "employees": "250", "country": "de", "hq": {"city": "Bonn"}},
    source=Source(channel="linkedin", purchased=True),
    consent={"email": "granted"},
)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (equals("account.industry", "SOFTWARE"), True),
        (equals("account.industry", "software", negate=True), False),
        (equals("account.industry", "hardware"), False),
        (one_of("account.country", "de", "at"), True),
        (one_of("contact.title", "cto"), True),  # surrounding blanks do not count
        (one_of("contact.tags", "partner"), True),  # a list matches when any item does
        (FieldTest("account.employees", Op.RANGE, (50.0, 500.0)), True),  # numeric text
        (FieldTest("account.employees", Op.RANGE, (300.0, None)), False),
        (FieldTest("account.revenue", Op.RANGE, (None, 10.0)), False),  # missing
        (FieldTest("account.revenue", Op.RANGE, (None, 10.0), negate=True), True),
        (FieldTest("contact.title", Op.REGEX, re.compile(r"\bcto\b", re.I)), True),
        (FieldTest("account.industry", Op.EXISTS, True), True),
        (FieldTest("account.revenue", Op.EXISTS, False), True),
        (equals("account.hq.city", "bonn"), True),  # nested mapping
        (equals("source.channel", "LinkedIn"), True),
        (equals("source.purchased", True), True),
        (equals("consent.email", "granted"), True),
        (equals("contact.email_domain", "gmail.com"), True),  # derived, lower-cased
        (equals("contact.free_mail", True), True),  # gmail.com is in free_mail_domains
        (at_least("identity", Identity.KNOWN), True),  # Facts default: known
        (at_least("identity", Identity.CONFIRMED), False),
        (AllOf((equals("account.country", "de"), equals("source.channel", "x"))), False),
        (AnyOf((equals("account.country", "fr"), equals("source.channel", "linkedin"))), True),
        (Not(equals("account.country", "fr")), True),
    ],
)
def test_field_tests(condition: Condition, expected: bool, now: datetime) -> None:
    assert holds(condition, ACCOUNT, now) is expected


def test_a_flag_is_not_the_number_one(now: datetime) -> None:
    facts = Facts(account={"public": True, "offices": 1})
    assert holds(one_of("account.offices", 1), facts, now)
    assert not holds(one_of("account.public", 1), facts, now)
    assert holds(one_of("account.public", True), facts, now)


def test_free_mail_is_unknown_without_an_email(now: datetime) -> None:
    assert not holds(equals("contact.free_mail", True), Facts(), now)
    assert not holds(equals("contact.free_mail", False), Facts(), now)


def test_an_explicit_attribute_wins_over_the_derived_one(now: datetime) -> None:
    facts = Facts(contact={"email": "a@gmail.com", "email_domain": "acme.example"})
    assert holds(equals("contact.email_domain", "acme.example"), facts, now)


@pytest.mark.parametrize(
    ("word", "op", "expected"),
    [
        ("a", Op.AT_LEAST, True),
        ("B", Op.AT_LEAST, True),
        ("c", Op.AT_LEAST, False),
        ("c", Op.AT_MOST, True),
        ("A", Op.AT_MOST, False),
        ("excellent", Op.AT_LEAST, False),
    ],
)
def test_ordered_values_compare_by_rank_and_read_words_in_any_case(
    word: str, op: Op, expected: bool, now: datetime
) -> None:
    facts = Facts(account={"rating": word})
    assert holds(FieldTest("account.rating", op, Grade.B), facts, now) is expected


def _window_facts(now: datetime, *days_ago: float) -> Facts:
    return Facts(events=events_of(now, *(("webinar_attendance", d) for d in days_ago)))


@pytest.mark.parametrize(
    ("days_ago", "within", "min_count", "expected"),
    [
        ((5.0,), 30.0, 1, True),
        ((31.0,), 30.0, 1, False),
        ((30.0,), 30.0, 1, True),  # the window includes its edge
        ((31.0,), None, 1, True),  # no window: ever
        ((1.0, 40.0), 30.0, 2, False),  # two ever, only one within
        ((1.0, 20.0), 30.0, 2, True),
        ((1.0, -2.0), 30.0, 2, False),  # an event after now has not happened yet
    ],
)
def test_event_tests(
    days_ago: tuple[float, ...], within: float | None, min_count: int, expected: bool, now: datetime
) -> None:
    test = EventTest(matcher("webinar_attendance"), within_days=within, min_count=min_count)
    assert holds(test, _window_facts(now, *days_ago), now) is expected


def test_event_where_globs_are_case_insensitive_and_need_the_property(now: datetime) -> None:
    test = EventTest(matcher("page_view", url="*/PRICING*"))
    seen = Facts(events=events_of(now, ("page_view", 1, {"url": "https://x.example/pricing/eu"})))
    other = Facts(events=events_of(now, ("page_view", 1, {"url": "https://x.example/blog"})))
    bare = Facts(events=events_of(now, ("page_view", 1)))
    assert holds(test, seen, now)
    assert not holds(test, other, now)
    assert not holds(test, bare, now)


def test_opportunity_paths_read_the_state_at_now(now: datetime) -> None:
    won_later = Facts(
        sales=SalesFacts(
            opportunity=Opportunity(
                "won", 10.0, created_at=now - timedelta(days=5), closed_at=now + timedelta(days=1)
            )
        )
    )
    assert holds(equals("opportunity.status", "open"), won_later, now)
    assert holds(equals("opportunity.status", "won"), won_later, now + timedelta(days=2))
    not_yet = Facts(sales=SalesFacts(opportunity=Opportunity(created_at=now + timedelta(days=1))))
    assert holds(FieldTest("opportunity.status", Op.EXISTS, False), not_yet, now)


@pytest.mark.parametrize(
    ("written", "low", "expected"),
    [
        ("25.000", 1_000.0, False),  # a decimal point, as Python reads it
        ("25.000,00", 1_000.0, True),  # German thousands, told by the decimal part
        ("1.250.000", 1_000_000.0, True),
        ("25,000", 1_000.0, True),  # English thousands
        ("1.234.567,89", 1_000_000.0, True),
        ("1,234,567.89", 1_000_000.0, True),
        ("1 234 567", 1_000_000.0, True),  # French and Norwegian group with spaces
        ("1\u202f234", 1_000.0, True),
        ("1'234.50", 1_000.0, True),  # Swiss
        ("2,5", 2.4, True),  # a decimal comma
        ("2,5", 2.6, False),
        ("0,500", 0.6, False),  # a leading zero is no thousands group: a half
        ("1_000", 999.0, True),
        ("-3", -4.0, True),
        ("05.03.2026", 0.0, False),  # a date is not a number
        ("1..2", 0.0, False),
        ("25.00.0", 0.0, False),
        ("lots", 0.0, False),
    ],
)
def test_numbers_written_as_text_are_read_in_european_and_english_forms(
    written: str, low: float, expected: bool, now: datetime
) -> None:
    """A custom CSV column (``seats``) is kept as text; a fit rule comparing it reads the
    grouping and decimal marks of European and English exports, not Python's alone."""
    facts = Facts(contact={"seats": written})
    assert holds(FieldTest("contact.seats", Op.RANGE, (low, None)), facts, now) is expected


@pytest.mark.parametrize(
    ("written", "flag"),
    [
        ("ja", True),
        ("Ja", True),
        ("oui", True),
        ("1", True),
        ("x", True),
        ("Yes", True),
        ("nein", False),
        ("nee", False),
        ("0", False),
        ("non", False),
    ],
)
def test_a_yes_or_no_written_in_a_csv_column_is_the_flag(
    written: str, flag: bool, now: datetime
) -> None:
    """A custom column keeps its text ("ja" in a German export); equals: true reads it
    as the imports read a yes/no column (ingest.normalise.parse_boolean)."""
    facts = Facts(contact={"bestandskunde": written})
    assert holds(equals("contact.bestandskunde", flag), facts, now)
    assert not holds(equals("contact.bestandskunde", not flag), facts, now)


def test_a_yes_or_no_word_is_not_any_text(now: datetime) -> None:
    facts = Facts(contact={"bestandskunde": "vielleicht"})
    assert not holds(equals("contact.bestandskunde", True), facts, now)
    assert not holds(equals("contact.bestandskunde", False), facts, now)

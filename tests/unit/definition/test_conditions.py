"""The condition syntax compiles to the engine's condition objects, operands normalised."""

from __future__ import annotations

import re

import pytest

from leadflow.definition.conditions import NEVER
from leadflow.definition.loader import DefinitionError, load_definition_text
from leadflow.definition.model import (
    AllOf,
    AnyOf,
    Condition,
    EventMatcher,
    EventTest,
    FieldTest,
    Not,
    Op,
)
from leadflow.domain.vocabulary import Grade, Identity, LeadType, Temperature

HEAD = 'schema_version: 1\nname: c\nversion: "1"\n'


def _stage_condition(when: str) -> Condition:
    text = HEAD + f"stages:\n  - id: s\n    when: {when}\n"
    return load_definition_text(text, "c.yaml").stages[0].condition


def _fit_condition(when: str) -> Condition:
    text = HEAD + f"fit:\n  rules:\n    - name: r\n      points: 1\n      when: {when}\n"
    text += "stages:\n  - id: s\n    when: {field: identity, at_least: known}\n"
    return load_definition_text(text, "c.yaml").fit.rules[0].condition


def _stage_error(when: str) -> str:
    text = HEAD + f"stages:\n  - id: s\n    when: {when}\n"
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, "c.yaml")
    (error,) = caught.value.errors
    return f"{error.path}: {error.message}"


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (
            "{field: account.industry, in: [Software, FinTech]}",
            FieldTest("account.industry", Op.IN, frozenset({"software", "fintech"})),
        ),
        (
            "{field: account.employees, range: {min: 50, max: 1000}}",
            FieldTest("account.employees", Op.RANGE, (50.0, 1000.0)),
        ),
        (
            "{field: account.employees, range: {max: 10}}",
            FieldTest("account.employees", Op.RANGE, (None, 10.0)),
        ),
        (
            "{field: account.revenue, at_most: 5000000}",
            FieldTest("account.revenue", Op.RANGE, (None, 5_000_000.0)),
        ),
        (
            "{field: contact.phone, exists: true}",
            FieldTest("contact.phone", Op.EXISTS, True),
        ),
        (
            "{field: contact.free_mail, equals: true}",
            FieldTest("contact.free_mail", Op.EQUALS, True),
        ),
        (
            "{field: account.industry, equals: Software, negate: true}",
            FieldTest("account.industry", Op.EQUALS, "software", negate=True),
        ),
        (
            "{field: source.channel, equals: LinkedIn}",
            FieldTest("source.channel", Op.EQUALS, "linkedin"),
        ),
        (
            "{field: consent.email, in: [Granted, confirmed]}",
            FieldTest("consent.email", Op.IN, frozenset({"granted", "confirmed"})),
        ),
    ],
)
def test_attribute_tests(when: str, expected: FieldTest) -> None:
    assert _fit_condition(when) == expected


def test_regex_is_compiled_ignoring_case() -> None:
    condition = _fit_condition('{field: contact.title, regex: "head|director"}')
    assert isinstance(condition, FieldTest)
    assert condition.op is Op.REGEX
    assert isinstance(condition.operand, re.Pattern)
    assert condition.operand.flags & re.IGNORECASE
    assert condition.operand.search("Marketing DIRECTOR")


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("{field: fit.grade, at_least: b}", FieldTest("fit.grade", Op.AT_LEAST, Grade.B)),
        ("{field: fit.grade, equals: A}", FieldTest("fit.grade", Op.EQUALS, Grade.A)),
        ("{field: fit.grade, in: [a, B]}", FieldTest("fit.grade", Op.IN, frozenset({"a", "b"}))),
        (
            "{field: identity, at_least: Known}",
            FieldTest("identity", Op.AT_LEAST, Identity.KNOWN),
        ),
        (
            "{field: temperature, at_most: warm}",
            FieldTest("temperature", Op.AT_MOST, Temperature.WARM),
        ),
        ("{field: lead_type, at_least: mql}", FieldTest("lead_type", Op.AT_LEAST, LeadType.MQL)),
        (
            "{field: engagement.score, at_least: 40}",
            FieldTest("engagement.score", Op.RANGE, (40.0, None)),
        ),
        ("{field: sales_ready, equals: true}", FieldTest("sales_ready", Op.EQUALS, True)),
        (
            "{field: opportunity.status, equals: Won}",
            FieldTest("opportunity.status", Op.EQUALS, "won"),
        ),
        ("{field: bant.met, equals: 3}", FieldTest("bant.met", Op.EQUALS, 3.0)),
    ],
)
def test_derived_path_tests(when: str, expected: FieldTest) -> None:
    assert _stage_condition(when) == expected


def test_event_test_with_types_window_where_and_count() -> None:
    condition = _stage_condition(
        "{event: [newsletter_signup, webinar_attendance], within_days: 90, "
        'where: {url: "/pricing*", campaign: "spring-*"}, min_count: 2}'
    )
    assert condition == EventTest(
        EventMatcher(
            frozenset({"newsletter_signup", "webinar_attendance"}),
            (("campaign", "spring-*"), ("url", "/pricing*")),
        ),
        within_days=90.0,
        min_count=2,
    )


def test_a_single_event_type_and_defaults() -> None:
    assert _stage_condition("{event: demo_request}") == EventTest(
        EventMatcher(frozenset({"demo_request"}))
    )


def test_any_event_type_is_allowed() -> None:
    condition = _stage_condition("{event: partner_referral_received}")
    assert isinstance(condition, EventTest)
    assert condition.matcher.types == frozenset({"partner_referral_received"})


def test_negated_event_is_wrapped_in_not() -> None:
    assert _stage_condition("{event: unsubscribe, negate: true}") == Not(
        EventTest(EventMatcher(frozenset({"unsubscribe"})))
    )


def test_combinations_nest() -> None:
    condition = _stage_condition(
        "{all: [{field: identity, at_least: known}, "
        "{any: [{event: demo_request}, {not: {field: sales.accepted, equals: false}}]}]}"
    )
    assert condition == AllOf(
        (
            FieldTest("identity", Op.AT_LEAST, Identity.KNOWN),
            AnyOf(
                (
                    EventTest(EventMatcher(frozenset({"demo_request"}))),
                    Not(FieldTest("sales.accepted", Op.EQUALS, False)),
                )
            ),
        )
    )


def test_equal_meanings_compile_equal() -> None:
    one = _stage_condition("{event: [b, a], where: {url: x, form: y}}")
    other = _stage_condition("{event: [a, b], where: {form: y, url: x}}")
    assert one == other


def test_a_stage_without_condition_is_set_by_hand() -> None:
    text = HEAD + "stages:\n  - id: other\n"
    stage = load_definition_text(text, "c.yaml").stages[0]
    assert stage.manual
    assert stage.condition == NEVER == AnyOf(())


@pytest.mark.parametrize(
    ("when", "error"),
    [
        (
            "{field: fit.grade, at_least: E}",
            "stages[0].when.at_least: fit.grade is one of A, B, C, D; got 'E'",
        ),
        (
            "{field: temperature, in: [hot, boiling]}",
            "stages[0].when.in: temperature is one of unknown, cold, warm, hot; got 'boiling'",
        ),
        (
            "{field: lead_type, equals: vip}",
            "stages[0].when.equals: lead_type is one of sql, srl, iql, mql, msrl, none; got 'vip'",
        ),
        (
            "{field: fit.grade, range: {min: 1}}",
            "stages[0].when.range: range compares numbers; fit.grade is one of A, B, C, D",
        ),
        (
            "{field: contact.free_mail, equals: 1}",
            "stages[0].when.equals: contact.free_mail is true or false; got 1",
        ),
        (
            "{field: source.purchased, regex: yes}",
            "stages[0].when.regex: regex searches text; source.purchased is true or false",
        ),
        (
            "{field: engagement, at_least: 4}",
            "stages[0].when.field: unknown fact path 'engagement' (did you mean "
            "'engagement.score'?); use contact.<attr>, account.<attr>, source.<key>, "
            "consent.<channel> or one of: bant.authority, "
            "bant.budget, bant.met, bant.need, bant.timing, engagement.score, fit.grade, "
            "fit.score, identity, lead_type, opportunity.amount, opportunity.status, "
            "prediction, sales.accepted, sales.conversations, sales_ready, temperature",
        ),
        (
            "{field: contact.first-name, exists: true}",
            "stages[0].when.field: 'contact.first-name': an attribute name is ASCII letters,"
            " digits and _ (an import stores a column first-name as first_name); write"
            " 'contact.first_name'",
        ),
        (
            "{field: account.industry, in: [[software]]}",
            "stages[0].when.in[0]: expected a single value (text, number, true or false)",
        ),
    ],
)
def test_operands_are_checked_against_the_fact(when: str, error: str) -> None:
    assert _stage_error(when) == error


def test_fit_rules_may_not_name_derived_paths() -> None:
    text = HEAD + (
        "fit:\n  rules:\n    - {name: r, points: 1, when: {field: lead_type, equals: sql}}\n"
        "stages:\n  - id: s\n    when: {field: identity, at_least: known}\n"
    )
    with pytest.raises(DefinitionError, match=r"fit.rules\[0\].when.field: lead_type is computed"):
        load_definition_text(text, "c.yaml")

"""The ``handoff`` section of a definition: defaults, presets and the errors it reports."""

from __future__ import annotations

import pytest

from leadflow.definition.builtin import PRESET_NAMES, preset_text
from leadflow.definition.diff import diff_definitions
from leadflow.definition.errors import DefinitionError
from leadflow.definition.loader import load_definition_text
from leadflow.definition.model import Definition, FieldTest
from leadflow.definition.model_handoff import HandoffConfig, RejectAction

BASE = """\
schema_version: 1
name: t
version: "1"
stages:
  - {id: lead, when: {field: identity, at_least: known}}
"""


def load(extra: str = "") -> Definition:
    return load_definition_text(BASE + extra, "t.yaml")


def errors(extra: str) -> str:
    with pytest.raises(DefinitionError) as caught:
        load(extra)
    return str(caught.value)


def test_a_definition_without_the_section_gets_the_defaults() -> None:
    handoff = load().handoff

    assert handoff == HandoffConfig()
    assert handoff.routing.rules[0].named_account
    assert handoff.routing.fallback_any_rep
    assert (handoff.sla.accept_within_hours, handoff.sla.first_touch_within_hours) == (4, 8)
    assert (handoff.cadence.calls, handoff.cadence.emails) == (6, 4)
    assert handoff.cadence.business_days == 15
    assert [r.code for r in handoff.reject_reasons] == [
        "bad_fit", "no_budget", "wrong_person", "duplicate", "spam", "not_ready", "other"
    ]  # fmt: skip
    assert handoff.reject_reason("not_ready").action is RejectAction.RECYCLE
    assert handoff.reject_reason("other").note_required


def test_the_section_compiles_rules_reasons_and_stages() -> None:
    handoff = load("""\
handoff:
  routing:
    rules:
      - {name: big, team: enterprise, when: {field: account.employees, at_least: 1000}}
      - {name: everyone}
    fallback: unassigned
  sla: {accept_within_hours: 2.5, first_touch_within_hours: 4, reassign_on_breach: true}
  cadence: {calls: 3, emails: 1, business_days: 5, min_attempts: 2}
  reject_reasons: [{code: spam, then: disqualify}]
  opportunities: {stages: [demo, offer], lost_reasons: [price], recycle_lost: false}
""").handoff

    big, everyone = handoff.routing.rules
    assert (big.team, big.named_account) == ("enterprise", False)
    assert isinstance(big.condition, FieldTest)
    assert big.condition.field == "account.employees"
    assert everyone.condition is None
    assert everyone.team is None
    assert not handoff.routing.fallback_any_rep
    assert handoff.sla.reassign_on_breach
    assert handoff.cadence.min_attempts == 2
    assert handoff.opportunities.stages == ("demo", "offer")
    assert not handoff.opportunities.recycle_lost
    with pytest.raises(KeyError, match="unknown reject reason 'bad_fit' \\(reasons: spam\\)"):
        handoff.reject_reason("bad_fit")


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_every_preset_routes_named_accounts_first_then_territories(name: str) -> None:
    handoff = load_definition_text(preset_text(name), f"{name}.yaml").handoff

    assert handoff.routing.rules[0].named_account
    teams = [rule.team for rule in handoff.routing.rules[1:]]
    assert {"benelux", "dach", "nordics", "france", "enterprise"} <= set(teams)
    assert {r.code for r in handoff.reject_reasons} >= {"bad_fit", "not_ready", "other"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "handoff: {routing: {rules: [{name: a}, {name: A}]}}",
            "handoff.routing.rules[1].name: duplicate rule name 'a'",
        ),
        (
            "handoff: {routing: {rules: [{name: a, when: {event: demo_request}}]}}",
            "handoff.routing.rules[0].when: routing conditions test who the lead is",
        ),
        (
            "handoff: {routing: {rules: [{name: a, when: {field: fit.grade, at_least: B}}]}}",
            "handoff.routing.rules[0].when.field: fit.grade is computed",
        ),
        (
            "handoff: {routing: {rules: [{name: a, named_account: true, team: x}]}}",
            "drop `team`",
        ),
        ("handoff: {cadence: {calls: 1, emails: 1, min_attempts: 3}}", "exceeds the cadence"),
        ("handoff: {cadence: {calls: 0, emails: 0, min_attempts: 1}}", "at least one call"),
        ("handoff: {reject_reasons: [{code: spam, then: delete}]}", "handoff.reject_reasons"),
        (
            "handoff: {reject_reasons: [{code: spam, then: recycle}, {code: spam, then: recycle}]}",
            "duplicate reject reason 'spam'",
        ),
        ("handoff: {sla: {accept_within_hours: 0}}", "handoff.sla.accept_within_hours"),
        ("handoff: {opportunities: {stages: [a, a]}}", "duplicate opportunity stage 'a'"),
        ("handoff: {routing: {fallback: nobody}}", "handoff.routing.fallback"),
        ("handoff: {slas: {}}", "unknown key 'slas'"),
    ],
)
def test_mistakes_are_reported_with_their_key_path(extra: str, message: str) -> None:
    assert message in errors(extra)


def test_the_meaning_diff_names_what_changed_in_the_hand_off() -> None:
    before = load()
    after = load("""\
handoff:
  routing:
    rules:
      - {name: named account, named_account: true}
      - {name: big, team: enterprise, when: {field: account.employees, at_least: 1000}}
  sla: {accept_within_hours: 2}
  cadence: {calls: 8}
  reject_reasons: [{code: spam, then: disqualify}]
""")

    changes = [str(change) for change in diff_definitions(before, after)]

    assert changes == [
        "hand-off routing: rules: named account: the account's owner -> named account: the "
        "account's owner; big: team enterprise when account.employees >= 1000",
        "hand-off SLA: accept within hours: 4 -> 2",
        "hand-off cadence: calls: 6 -> 8",
        "hand-off reject reasons: reasons: bad_fit -> disqualify, no_budget -> recycle, "
        "wrong_person -> disqualify, duplicate -> disqualify, spam -> disqualify, not_ready -> "
        "recycle, other -> recycle (note) -> spam -> disqualify",
    ]
    assert diff_definitions(before, load()) == ()

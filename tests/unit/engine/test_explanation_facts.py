"""The explanation's fit lines read as the definition file is written: a rule over two
paths shows each path's value, a missing value says so, flags are true/false, and a fit
rule on events only shows its event test; a failed gate condition is named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadflow.definition.loader import load_definition_text
from leadflow.domain.facts import Event, Facts
from leadflow.engine import qualify

NOW = datetime(2026, 11, 20, tzinfo=UTC)

DEFINITION = """\
schema_version: 1
name: fit-lines
version: "1"
fit:
  rules:
    - name: DACH
      points: 20
      when:
        any:
          - {field: account.country, in: [DE, AT, CH]}
          - {field: contact.country, in: [DE, AT, CH]}
    - {name: company address, points: 10, when: {field: contact.free_mail, equals: false}}
    - name: not a student
      points: 5
      when: {field: contact.seniority, equals: student, negate: true}
    - {name: trade-show visitor, points: 15, when: {event: event_attendance, within_days: 90}}
sales_ready:
  min_fit_grade: D
  require_sales_action: false
  when: {field: temperature, at_least: warm}
stages:
  - id: lead
    when: {field: identity, at_least: known}
"""


def _fit_lines() -> list[str]:
    definition = load_definition_text(DEFINITION)
    visit = Event("event_attendance", NOW - timedelta(days=3), {"event": "hannover-messe"})
    facts = Facts({"email": "m.mueller@kuehne-werkzeugbau.de", "country": "DE"}, events=(visit,))
    explanation = qualify(facts, definition, NOW).explanation
    return [line.strip() for line in explanation if line.startswith("  +")]


def test_a_rule_over_two_paths_names_each_value_and_a_missing_one() -> None:
    assert "+20.00 DACH: account.country = (missing), contact.country = 'DE'" in _fit_lines()


def test_a_flag_reads_true_or_false_as_in_the_file() -> None:
    assert "+10.00 company address: contact.free_mail = false" in _fit_lines()


def test_a_negated_test_on_a_missing_value_says_it_is_missing() -> None:
    assert "+5.00 not a student: contact.seniority = (missing)" in _fit_lines()


def test_a_rule_on_events_only_shows_its_event_test() -> None:
    assert "+15.00 trade-show visitor: event event_attendance within 90 days" in _fit_lines()


def test_a_failed_gate_condition_is_named() -> None:
    definition = load_definition_text(DEFINITION)
    result = qualify(Facts({"email": "jan@acme.example"}), definition, NOW)
    assert result.sales_ready_reason == (
        "the gate's extra condition does not hold: temperature >= warm"
    )

"""Counts over the contact frames: filled fields, values, contacts per condition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadflow.batch.from_facts import frames_of
from leadflow.batch.profile import condition_counts, filled_counts, value_counts
from leadflow.definition.loader import load_definition_text
from leadflow.domain.facts import Event, Facts

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)

DEFINITION = """
schema_version: 1
name: profile
version: "1"
fit:
  rules:
    - {name: software, points: 40, when: {field: account.industry, in: [software]}}
    - name: webinar in the last month
      points: 20
      when: {event: webinar_attendance, within_days: 30}
    - {name: nobody, points: 10, when: {field: contact.job_title, exists: true}}
stages:
  - {id: lead, when: {field: identity, at_least: known}}
"""

PEOPLE = [
    Facts(
        contact={"title": "CEO", "tags": ""},
        account={"industry": "Software"},
        events=(Event("webinar_attendance", NOW - timedelta(days=3)),),
    ),
    Facts(
        contact={"title": "  "},
        account={"industry": "software"},
        events=(Event("webinar_attendance", NOW - timedelta(days=90)),),
    ),
    Facts(contact={"title": "Intern"}, account={"industry": "Retail", "employees": 12}),
]


def test_empty_text_is_no_value() -> None:
    contacts, _ = frames_of(PEOPLE)

    filled = filled_counts(contacts)

    assert filled["contact.title"] == 2  # blank text is not a title
    assert filled["contact.tags"] == 0
    assert filled["account.employees"] == 1


def test_values_are_counted_as_stored() -> None:
    contacts, _ = frames_of(PEOPLE)

    held = value_counts(contacts.attribute("account.industry"))

    assert held == {"Software": 1, "software": 1, "Retail": 1}
    assert value_counts(contacts.attribute("account.employees")) == {"12": 1}


def test_each_condition_counts_the_contacts_it_holds_for() -> None:
    definition = load_definition_text(DEFINITION, "profile.yaml")
    contacts, events = frames_of(PEOPLE)

    counts = condition_counts(
        definition, contacts, events, NOW, [rule.condition for rule in definition.fit.rules]
    )

    # Text ignores case; the older webinar is outside the window; no contact has a job_title.
    assert counts == [2, 1, 0]

"""What a definition reads from the data: fields, the words compared, event types."""

from __future__ import annotations

from leadflow.definition.loader import load_definition_text
from leadflow.definition.model import FieldTest, Op
from leadflow.definition.reads import ValueRead, data_reads

DEFINITION = """
schema_version: 1
name: reads
version: "1"
fit:
  rules:
    - name: target industry
      points: 40
      when: {field: account.industry, in: [Software, FinTech]}
    - name: decision-maker
      points: 30
      when: {all: [{field: contact.job_title, regex: "head"}, {event: webinar_attendance}]}
    - name: free mail
      points: -20
      when: {field: contact.free_mail, equals: true}
bant:
  budget:
    - {name: said so, when: {field: contact.budget, equals: Yes}}
engagement:
  rules:
    - {name: pricing, event: page_view, where: {url: "*/pricing*"}, points: 10}
    - {name: demo, event: [demo_requested, trial_start], points: 30}
stages:
  - id: lead
    when: {all: [{field: identity, at_least: known}, {field: consent.email, equals: granted}]}
  - id: mql
    requires: [lead]
    when: {field: account.industry, equals: software}
handoff:
  routing:
    rules:
      - {name: Benelux, when: {field: account.country, in: [NL, BE]}}
"""


def test_fields_are_listed_by_path_with_their_readers_and_words_as_written() -> None:
    reads = data_reads(load_definition_text(DEFINITION, "reads.yaml"))

    fields = {read.path: read for read in reads.fields}

    assert list(fields) == sorted(fields)
    assert fields["account.industry"].read_by == ("fit rule 'target industry'", "stage mql")
    # Compiled operands are casefolded; the report names the words the author wrote.
    assert fields["account.industry"].values == (
        ValueRead("Software", ("fit rule 'target industry'",)),
        ValueRead("FinTech", ("fit rule 'target industry'",)),
        ValueRead("software", ("stage mql",)),
    )
    assert fields["account.country"].read_by == ("routing rule 'Benelux'",)
    assert fields["contact.budget"].values == (ValueRead("Yes", ("bant budget rule 'said so'",)),)
    assert fields["contact.job_title"].values == ()  # a regex is not a value
    # Computed and fixed-choice paths are read, but have no stored words to compare.
    assert fields["contact.free_mail"].values == ()
    assert fields["consent.email"].values == ()
    assert "identity" not in fields  # derived by qualification, never stored


def test_event_types_come_from_engagement_rules_and_event_tests() -> None:
    reads = data_reads(load_definition_text(DEFINITION, "reads.yaml"))

    types = {read.type: read.read_by for read in reads.event_types}

    assert types == {
        "demo_requested": ("engagement rule 'demo'",),
        "page_view": ("engagement rule 'pricing'",),
        "trial_start": ("engagement rule 'demo'",),
        "webinar_attendance": ("fit rule 'decision-maker'",),
    }  # the default sales actions and own actions are not the file's words


def test_the_written_operand_does_not_change_what_a_test_means() -> None:
    upper = FieldTest("account.industry", Op.IN, frozenset({"software"}), written=["Software"])
    lower = FieldTest("account.industry", Op.IN, frozenset({"software"}), written=["software"])

    assert upper == lower
    assert hash(upper) == hash(lower)

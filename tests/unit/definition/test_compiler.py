"""Compilation of whole definitions: sections, stage references and the folded conditions."""

from __future__ import annotations

import pytest

from leadflow.definition.builtin import builtin_free_mail_domains
from leadflow.definition.loader import DefinitionError, load_definition, load_definition_text
from leadflow.definition.model import (
    DISQUALIFIED,
    NURTURE,
    AllOf,
    AssetsConfig,
    BantRule,
    EngagementRule,
    EventMatcher,
    FieldTest,
    LeadTypeConfig,
    Op,
    SalesActionConfig,
    StageKind,
    TemperatureConfig,
)
from leadflow.domain.vocabulary import SALES_ACTION_EVENTS, Grade, Identity
from tests.unit.definition.conftest import DEFINITIONS, MINIMAL

ACME = DEFINITIONS / "valid" / "acme-funnel.yaml"


def _messages(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, "s.yaml")
    return [f"{e.line}: {e.path}: {e.message}" for e in caught.value.errors]


def test_defaults_when_sections_are_left_out() -> None:
    definition = load_definition_text(MINIMAL)
    assert definition.fit.rules == ()
    assert dict(definition.fit.grade_cutoffs) == {Grade.A: 75.0, Grade.B: 50.0, Grade.C: 25.0}
    assert definition.engagement.rules == ()
    assert definition.assets == AssetsConfig()
    assert definition.sales_actions == SalesActionConfig(
        (EventMatcher(frozenset(SALES_ACTION_EVENTS)),), 30.0
    )
    gate = definition.sales_ready
    assert (gate.min_fit_grade, gate.require_sales_action, gate.min_engagement) == (
        Grade.B,
        True,
        None,
    )
    assert gate.condition is None
    assert definition.temperature == TemperatureConfig(3, 2, 1)
    assert definition.lead_types == LeadTypeConfig()
    assert set(definition.bant.rules) == {"budget", "authority", "need", "timing"}
    assert definition.free_mail_domains == builtin_free_mail_domains()
    assert definition.off_ramp_labels == {NURTURE: {}, DISQUALIFIED: {}}


def test_every_section_of_a_full_definition() -> None:
    definition = load_definition(ACME)
    assert (definition.name, definition.version) == ("acme-funnel", "3")
    assert dict(definition.fit.grade_cutoffs) == {Grade.A: 80.0, Grade.B: 55.0, Grade.C: 30.0}
    assert definition.engagement.rules[0] == EngagementRule(
        name="pricing page",
        matcher=EventMatcher(frozenset({"page_view"}), (("url", "*/pricing*"),)),
        points=10.0,
        half_life_days=14.0,
        cap=30.0,
        once=False,
    )
    assert definition.engagement.rules[-1].points == -30.0
    assert definition.engagement.rules[-1].once
    assert definition.assets == AssetsConfig(
        product_specific=("*spec*", "*pricing*"),
        general=("*ebook*",),
        events=frozenset({"content_download", "form_submit"}),
        property="asset",
    )
    assert definition.sales_actions.within_days == 14.0
    assert definition.sales_actions.matchers[1] == EventMatcher(
        frozenset({"form_submit"}), (("form", "contact-sales*"),)
    )
    assert definition.sales_ready.min_fit_grade is Grade.A
    assert definition.sales_ready.min_engagement == 20.0
    assert definition.sales_ready.condition is not None
    assert definition.bant.rules["authority"][1] == BantRule(
        name="junior",
        condition=definition.bant.rules["authority"][1].condition,
        met=False,
        evidence=None,
    )
    assert definition.temperature == TemperatureConfig(hot_min=4, warm_min=3, cold_min=1)
    assert definition.lead_types.sql_outcomes == frozenset({"interested", "no_decision"})
    assert "trial_start" in definition.lead_types.own_actions.types
    assert definition.off_ramp_labels[NURTURE] == {"en": "Nurture", "nl": "Nurturing"}
    assert definition.stages[3].kind is StageKind.SALES
    assert definition.stages[0].labels == {"en": "Visitor", "nl": "Bezoeker"}


def test_requires_are_folded_into_the_condition() -> None:
    definition = load_definition(ACME)
    lead, mql, sql = definition.stages[1:4]
    assert mql.requires == ("lead",)
    assert mql.condition == AllOf((mql.own_condition, lead.condition))  # type: ignore[arg-type]
    # sql requires mql, which requires lead: the chain is folded all the way.
    assert sql.condition == AllOf((sql.own_condition, mql.condition))  # type: ignore[arg-type]
    assert (
        lead.condition == lead.own_condition == FieldTest("identity", Op.AT_LEAST, Identity.KNOWN)
    )


def test_a_two_stage_requires_cycle() -> None:
    text = MINIMAL + (
        "  - id: a\n    requires: [b]\n    when: {field: sales_ready, equals: true}\n"
        "  - id: b\n    requires: [a]\n    when: {field: sales_ready, equals: true}\n"
    )
    assert _messages(text) == ["8: stages[1].requires: cycle: a -> b -> a"]


def test_a_stage_id_must_not_be_an_off_ramp() -> None:
    text = MINIMAL.replace("id: lead", "id: disqualified")
    assert _messages(text) == [
        "5: stages[0].id: 'disqualified' is an off-ramp every definition has; label it in off_ramps"
    ]


def test_rule_names_are_unique_ignoring_case() -> None:
    text = MINIMAL + (
        "engagement:\n  rules:\n"
        "    - {name: Pricing, event: page_view, points: 1}\n"
        "    - {name: pricing, event: page_view, points: 2}\n"
        "bant:\n  need:\n"
        "    - {name: a, when: {field: contact.need, exists: true}}\n"
        "    - {name: a, when: {field: contact.pain, exists: true}}\n"
    )
    assert _messages(text) == [
        "10: engagement.rules[1].name: duplicate rule name 'pricing' (also engagement.rules[0])",
        "14: bant.need[1].name: duplicate rule name 'a' (also bant.need[0])",
    ]


def test_gate_condition_may_use_derived_paths_but_not_itself() -> None:
    ok = MINIMAL + "sales_ready:\n  when: {field: prediction, at_least: 0.2}\n"
    gate = load_definition_text(ok).sales_ready
    assert gate.condition == FieldTest("prediction", Op.RANGE, (0.2, None))
    bad = MINIMAL + "sales_ready:\n  when: {field: sales_ready, equals: true}\n"
    assert _messages(bad) == [
        "8: sales_ready.when.field: sales_ready cannot be used here (it depends on this rule)"
    ]


def test_labels_need_language_codes() -> None:
    text = MINIMAL + "    labels: {English: Lead}\n"
    assert _messages(text) == [
        "7: stages[0].labels.English: expected a language code such as en, nl, de, fr, nb "
        "or pt-BR, got 'English'"
    ]


def test_sections_with_errors_do_not_hide_the_meaning_errors_of_others() -> None:
    text = MINIMAL + (
        "  - id: sql\n    requires: [mql]\n    when: {field: sales_ready, equals: true}\n"
        "temperature: {hot: 1}\n"
    )
    assert _messages(text) == [
        "8: stages[1].requires[0]: unknown stage 'mql' (stages: lead, sql)",
        "10: temperature: temperature cut-offs must decrease hot > warm > cold "
        "(got hot 1, warm 2, cold 1)",
    ]

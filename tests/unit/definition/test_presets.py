"""The shipped presets: one per school of thought, complete and consistent."""

from __future__ import annotations

import pytest
import yaml

from leadflow.definition.builtin import (
    DEFAULT_PRESET,
    PRESET_NAMES,
    UnknownPresetError,
    preset_description,
    preset_text,
)
from leadflow.definition.loader import load_definition
from leadflow.definition.model import (
    DISQUALIFIED,
    NURTURE,
    AllOf,
    AnyOf,
    Condition,
    FieldTest,
    Not,
    Op,
    StageKind,
)
from leadflow.domain.vocabulary import STANDARD_EVENT_TYPES

LANGUAGES = ("en", "nl", "de", "fr", "nb")

EXPECTED_STAGES = {
    "waterfall": ("lead", "mql", "sql", "opportunity", "customer"),
    "fit-first": ("lead", "prospect", "opportunity", "customer"),
    "engagement-first": ("prospect", "lead", "mql", "sql", "customer"),
    "split-prospect": ("marketing_prospect", "lead", "sales_prospect", "opportunity", "customer"),
    "hubspot": (
        "subscriber",
        "lead",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "opportunity",
        "customer",
        "evangelist",
        "other",
    ),
}


def _fields(condition: Condition) -> set[str]:
    if isinstance(condition, FieldTest):
        return {condition.field}
    if isinstance(condition, AllOf | AnyOf):
        return set().union(*(_fields(item) for item in condition.items))
    if isinstance(condition, Not):
        return _fields(condition.item)
    return set()


def _event_types(condition: Condition) -> set[str]:
    if isinstance(condition, AllOf | AnyOf):
        return set().union(*(_event_types(item) for item in condition.items))
    if isinstance(condition, Not):
        return _event_types(condition.item)
    if isinstance(condition, FieldTest):
        return set()
    return set(condition.matcher.types)


def test_the_five_schools_are_shipped_with_waterfall_first_and_default() -> None:
    assert set(PRESET_NAMES) == set(EXPECTED_STAGES)
    assert PRESET_NAMES[0] == DEFAULT_PRESET == "waterfall"


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_loads_with_the_stages_of_its_school(name: str) -> None:
    definition = load_definition(name)
    assert definition.name == name
    assert definition.stage_ids == EXPECTED_STAGES[name]
    assert definition.fit.rules
    assert definition.engagement.rules


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_is_labelled_in_every_language(name: str) -> None:
    definition = load_definition(name)
    for stage in definition.stages:
        assert set(stage.labels) == set(LANGUAGES), stage.id
        assert stage.description
    for ramp in (NURTURE, DISQUALIFIED):
        assert set(definition.off_ramp_labels[ramp]) == set(LANGUAGES)


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_sales_stages_depend_on_sales_facts(name: str) -> None:
    definition = load_definition(name)
    for stage in definition.stages:
        fields = _fields(stage.condition)
        if stage.id == "opportunity":
            assert stage.condition == FieldTest("opportunity.status", Op.EXISTS, True)
        elif stage.id == "customer":
            assert stage.condition == FieldTest("opportunity.status", Op.EQUALS, "won")
        elif stage.kind is StageKind.SALES and stage.id != "prospect":
            assert fields & {"sales_ready", "sales.accepted", "sales.conversations"}, stage.id


def test_fit_first_prospect_is_about_fit_not_interest() -> None:
    prospect = load_definition("fit-first").stages[1]
    assert "fit.grade" in _fields(prospect.condition)
    assert _event_types(prospect.condition) == set()


def test_engagement_first_prospect_may_be_anonymous() -> None:
    prospect = load_definition("engagement-first").stages[0]
    assert "identity" not in _fields(prospect.condition)
    assert {"page_view", "newsletter_signup", "webinar_attendance"} <= _event_types(
        prospect.condition
    )


def test_waterfall_labels_its_sql_stage_prospect() -> None:
    sql = load_definition("waterfall").stages[2]
    assert sql.id == "sql"
    assert "Prospect" in sql.label("en")
    assert sql.label("nl") == "Prospect"
    assert sql.kind is StageKind.SALES


def test_hubspot_other_is_set_by_hand_only() -> None:
    definition = load_definition("hubspot")
    assert [stage.id for stage in definition.stages if stage.manual] == ["other"]


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_presets_use_the_standard_event_vocabulary(name: str) -> None:
    definition = load_definition(name)
    used: set[str] = set()
    for rule in definition.engagement.rules:
        used |= rule.matcher.types
    for matcher in definition.sales_actions.matchers:
        used |= matcher.types
    for stage in definition.stages:
        used |= _event_types(stage.condition)
    assert used <= set(STANDARD_EVENT_TYPES)


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_text_is_a_commented_yaml_file_with_a_description(name: str) -> None:
    text = preset_text(name)
    assert text.startswith(f"# leadflow preset: {name}")
    assert yaml.safe_load(text)["name"] == name
    assert preset_description(name)


def test_an_unknown_preset_is_refused_with_the_list() -> None:
    with pytest.raises(UnknownPresetError, match="presets: waterfall, fit-first"):
        preset_text("bowtie")

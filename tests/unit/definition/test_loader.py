"""Loading: presets and files, extends, YAML details, and errors that point at lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.definition.builtin import PRESET_NAMES, preset_text
from leadflow.definition.loader import (
    DefinitionError,
    load_definition,
    load_definition_text,
    self_contained_text,
)
from leadflow.definition.model import Definition, FieldTest, Op
from leadflow.domain.vocabulary import Grade
from tests.unit.definition.conftest import DEFINITIONS, MINIMAL

Write = Callable[[str, str], Path]


def _errors(text: str, source: str = "x.yaml") -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, source)
    return [str(error) for error in caught.value.errors]


def test_a_preset_name_loads_the_preset() -> None:
    definition = load_definition("waterfall")
    assert definition.name == "waterfall"
    assert definition.stage_ids[0] == "lead"


def test_a_path_loads_the_file(write_definition: Write) -> None:
    path = write_definition(MINIMAL, "minimal.yaml")
    assert load_definition(path).name == "minimal"
    assert load_definition(str(path)).name == "minimal"


def test_a_missing_file_is_one_error_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(DefinitionError) as caught:
        load_definition(missing)
    assert [str(e) for e in caught.value.errors] == [f"{missing}:1: (file): no such file"]


def test_an_unknown_name_mentions_the_presets() -> None:
    with pytest.raises(DefinitionError, match="no preset of that name"):
        load_definition("waterfal")


def test_text_loads_with_its_source_name() -> None:
    assert load_definition_text(MINIMAL, "inline.yaml").version == "1"
    assert _errors(MINIMAL.replace('version: "1"', 'versoin: "1"'), "inline.yaml") == [
        "inline.yaml:1: version: required key missing",
        "inline.yaml:3: versoin: unknown key 'versoin'; did you mean 'version'?",
    ]


def test_errors_come_in_file_order() -> None:
    text = MINIMAL + "engagement:\n  rules:\n    - {name: a, event: x, points: 1, cap: -1}\n"
    text = text.replace('version: "1"', "version: [1]")
    lines = _errors(text)
    assert [line.split(":")[1] for line in lines] == sorted(
        (line.split(":")[1] for line in lines), key=int
    )
    assert len(lines) == 2


def test_numeric_version_becomes_text() -> None:
    definition = load_definition_text(MINIMAL.replace('version: "1"', "version: 7"))
    assert definition.version == "7"


def test_yaml_1_2_booleans_keep_norway_a_country() -> None:
    text = MINIMAL + (
        "fit:\n  rules:\n"
        "    - {name: nordics, points: 10, when: {field: account.country, in: [NO, SE, on]}}\n"
    )
    condition = load_definition_text(text).fit.rules[0].condition
    assert isinstance(condition, FieldTest)
    assert condition.operand == frozenset({"no", "se", "on"})


def test_true_and_false_are_still_booleans() -> None:
    text = MINIMAL + (
        "fit:\n  rules:\n"
        "    - {name: free mail, points: -5, when: {field: contact.free_mail, equals: true}}\n"
    )
    condition = load_definition_text(text).fit.rules[0].condition
    assert isinstance(condition, FieldTest)
    assert condition.operand is True


def test_anchors_and_merge_keys_are_followed() -> None:
    text = MINIMAL + (
        "fit:\n  rules:\n"
        "    - &base {name: one, points: 5, when: {field: contact.phone, exists: true}}\n"
        "    - {<<: *base, name: two}\n"
    )
    rules = load_definition_text(text).fit.rules
    assert [(rule.name, rule.points) for rule in rules] == [("one", 5.0), ("two", 5.0)]


def test_duplicate_keys_are_refused_with_both_lines() -> None:
    assert _errors(MINIMAL + "name: again\n") == [
        "x.yaml:7: name: duplicate key 'name' (first at line 2)"
    ]


def test_extends_a_preset_and_overrides_keys() -> None:
    definition = load_definition(DEFINITIONS / "valid" / "waterfall-tuned.yaml")
    waterfall = load_definition("waterfall")
    assert definition.name == "waterfall-tuned"
    assert definition.version == "2026.2"
    assert definition.sales_ready.min_fit_grade is Grade.A
    assert definition.sales_actions.within_days == 14
    # Mappings merge key by key: A is overridden, B and C come from the preset.
    assert dict(definition.fit.grade_cutoffs) == {Grade.A: 80.0, Grade.B: 50.0, Grade.C: 25.0}
    # What the file does not mention is the preset's.
    assert definition.stages == waterfall.stages
    assert definition.fit.rules == waterfall.fit.rules
    assert definition.sales_actions.matchers == waterfall.sales_actions.matchers


def test_extends_a_file_and_replaces_lists_whole() -> None:
    definition = load_definition(DEFINITIONS / "valid" / "team-benelux.yaml")
    assert definition.stage_ids == ("lead", "customer")
    assert definition.stages[0].labels == {"en": "Lead", "nl": "Lead"}
    assert [rule.name for rule in definition.fit.rules] == ["software"]
    assert [rule.name for rule in definition.engagement.rules] == ["pricing"]


def test_extends_chain_of_three_files(write_definition: Write) -> None:
    write_definition(MINIMAL.replace("minimal", "root"), "root.yaml")
    write_definition('extends: root.yaml\nname: middle\ndescription: "middle"\n', "middle.yaml")
    leaf = write_definition("extends: middle.yaml\nname: leaf\n", "leaf.yaml")
    definition = load_definition(leaf)
    assert (definition.name, definition.description) == ("leaf", "middle")


def test_extends_cycle_through_itself(write_definition: Write) -> None:
    path = write_definition(MINIMAL + "extends: self.yaml\n", "self.yaml")
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    assert [str(e) for e in caught.value.errors] == [
        f"{path}:7: extends: cycle: self.yaml -> self.yaml"
    ]


def test_extends_must_be_text() -> None:
    assert _errors(MINIMAL + "extends: [waterfall]\n") == [
        "x.yaml:7: extends: expected a preset name or a relative file name"
    ]


def test_errors_in_a_base_file_name_that_file(write_definition: Write) -> None:
    write_definition(MINIMAL + "temperature: {hot: 9}\n", "base.yaml")
    child = write_definition("extends: base.yaml\nname: child\n", "child.yaml")
    with pytest.raises(DefinitionError) as caught:
        load_definition(child)
    (error,) = caught.value.errors
    assert (Path(error.source).name, error.line, error.path) == ("base.yaml", 7, "temperature.hot")


def test_every_preset_loads_through_extends() -> None:
    for name in PRESET_NAMES:
        definition = load_definition_text(f"extends: {name}\nname: mine\n", "mine.yaml")
        assert definition.stages == load_definition(name).stages


def test_free_mail_domains_extend_the_builtin_list() -> None:
    definition = load_definition(DEFINITIONS / "valid" / "acme-funnel.yaml")
    assert {"gmail.com", "mail.example", "freemail.example"} <= definition.free_mail_domains


def test_at_least_on_a_number_is_a_range() -> None:
    definition = load_definition(DEFINITIONS / "valid" / "acme-funnel.yaml")
    big = next(rule for rule in definition.fit.rules if rule.name == "big account")
    assert big.condition == FieldTest("account.revenue", Op.RANGE, (10_000_000.0, None))


def _outcome(text: str, source: str) -> Definition | DefinitionError:
    try:
        return load_definition_text(text, source)
    except DefinitionError as error:
        return error


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_loads_or_fails_with_located_errors(text: str) -> None:
    outcome = _outcome(text, "fuzz.yaml")
    if isinstance(outcome, DefinitionError):
        assert outcome.errors
        assert all(str(e).startswith("fuzz.yaml:") for e in outcome.errors)
    else:
        assert isinstance(outcome, Definition)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(PRESET_NAMES),
    st.integers(min_value=0, max_value=4000),
    st.sampled_from(["", "x", ": [", "\t", "- 1\n", "{", "&a *b"]),
)
def test_damaged_presets_fail_with_located_errors(name: str, cut: int, junk: str) -> None:
    text = preset_text(name)
    outcome = _outcome(text[:cut] + junk + text[cut:], "damaged.yaml")
    if isinstance(outcome, DefinitionError):
        assert outcome.errors
        assert all(str(e).startswith("damaged.yaml:") for e in outcome.errors)


def test_text_from_outside_may_extend_presets_but_not_files(write_definition: Write) -> None:
    write_definition(MINIMAL, "secret.yaml")
    text = "extends: secret.yaml\nname: upload\n"
    source = str(write_definition(text, "upload.yaml"))
    assert load_definition_text(text, source).name == "upload"
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, source, allow_files=False)
    assert [e.message for e in caught.value.errors] == [
        "only a preset can be extended here, not 'secret.yaml' (presets: waterfall, "
        "fit-first, engagement-first, split-prospect, hubspot)"
    ]
    preset_based = "extends: hubspot\nname: upload\n"
    assert load_definition_text(preset_based, source, allow_files=False).name == "upload"


# --- self_contained_text: what a workspace stores, loadable away from its folder ---------


def _loads_alone(text: str) -> Definition:
    """Load stored text the way the store does: no file may be read."""
    return load_definition_text(text, "stored.yaml", allow_files=False)


def test_a_file_that_extends_no_file_is_stored_as_written(write_definition: Write) -> None:
    plain = write_definition("# our funnel\n" + MINIMAL, "plain.yaml")
    on_preset = write_definition("# tuned\nextends: waterfall\nname: tuned\n", "tuned.yaml")

    assert self_contained_text(plain) == plain.read_text()
    assert self_contained_text(on_preset) == on_preset.read_text()


def test_extended_files_are_merged_in_and_the_preset_is_kept(write_definition: Write) -> None:
    write_definition(
        "extends: waterfall\nname: base\nsales_ready: {min_fit_grade: A}\n", "base.yaml"
    )
    write_definition("extends: base.yaml\nname: middle\ndescription: middle\n", "middle.yaml")
    leaf = write_definition("extends: middle.yaml\nname: leaf\nversion: '7'\n", "leaf.yaml")

    stored = self_contained_text(leaf)

    assert "base.yaml" not in stored
    assert "middle.yaml" not in stored
    assert "extends: waterfall" in stored
    assert _loads_alone(stored) == load_definition(leaf)
    assert (_loads_alone(stored).name, _loads_alone(stored).version) == ("leaf", "7")


def test_the_preset_is_merged_in_too_when_keeping_it_would_change_the_meaning(
    write_definition: Write,
) -> None:
    # The base clears sales_actions, the leaf sets one key of it: loaded from the files,
    # the leaf's mapping stands alone (defaults fill the rest); merged onto the preset
    # first, it would take the preset's actions instead.
    write_definition("extends: waterfall\nname: base\nsales_actions: null\n", "base.yaml")
    leaf = write_definition(
        "extends: base.yaml\nname: leaf\nsales_actions: {within_days: 10}\n", "leaf.yaml"
    )

    stored = self_contained_text(leaf)

    assert "\nextends:" not in stored
    assert _loads_alone(stored) == load_definition(leaf)


def test_an_invalid_file_is_refused_before_anything_is_stored(write_definition: Write) -> None:
    write_definition("extends: waterfall\nname: base\n", "base.yaml")
    leaf = write_definition("extends: base.yaml\nname: leaf\nstages: 3\n", "leaf.yaml")

    with pytest.raises(DefinitionError) as caught:
        self_contained_text(leaf)
    assert str(caught.value.errors[0]).startswith(f"{leaf}:3: stages")

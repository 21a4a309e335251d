"""A number written as text (``points: "10"``) is refused, for every numeric key, and
so is a yes/no written as text or a number (``once: "yes"``, ``negate: 1``).

YAML reads ``points: 10`` as a number and ``points: "10"`` as text; pydantic's lax mode
would turn the text into 10 and the file would load, though its author quoted a value
that a tool or a template may as well have filled with ``"ten"`` or ``"10 points"``.
The contract is the JSON Schema's: a number is a number.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, get_args, get_origin

import pytest
from pydantic import BaseModel, Strict

from leadflow.definition import raw, raw_condition, raw_handoff
from leadflow.definition.loader import DefinitionError, load_definition_text

HEAD = 'schema_version: 1\nname: hartmann\nversion: "1"\nextends: waterfall\n'

# (the YAML after HEAD with {v} where the number goes, its key path, its line)
CASES = [
    (
        "fit:\n  rules:\n"
        "    - {{name: a, points: {v}, when: {{field: contact.email, exists: true}}}}\n",
        "fit.rules[0].points",
        7,
    ),
    ("fit:\n  grades: {{A: 90, B: {v}, C: 1}}\n", "fit.grades.B", 6),
    (
        "engagement:\n  rules:\n    - {{name: v, event: page_view, points: {v}}}\n",
        "engagement.rules[0].points",
        7,
    ),
    (
        "engagement:\n  rules:\n    - {{name: v, event: page_view, points: 1, cap: {v}}}\n",
        "engagement.rules[0].cap",
        7,
    ),
    ("sales_actions:\n  within_days: {v}\n", "sales_actions.within_days", 6),
    ("sales_ready:\n  min_engagement: {v}\n", "sales_ready.min_engagement", 6),
    ("temperature: {{hot: {v}, warm: 2, cold: 1}}\n", "temperature.hot", 5),
    (
        "fit:\n  rules:\n    - name: a\n      points: 5\n"
        "      when: {{field: account.employees, range: {{min: {v}}}}}\n",
        "fit.rules[0].when.range.min",
        9,
    ),
    (
        "fit:\n  rules:\n    - name: a\n      points: 5\n"
        "      when: {{event: page_view, min_count: {v}}}\n",
        "fit.rules[0].when.min_count",
        9,
    ),
    ("handoff:\n  sla:\n    accept_within_hours: {v}\n", "handoff.sla.accept_within_hours", 7),
    ("handoff:\n  cadence:\n    calls: {v}\n", "handoff.cadence.calls", 7),
]


def _errors(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(HEAD + text, "funnel.yaml")
    return [str(error) for error in caught.value.errors]


@pytest.mark.parametrize(("template", "path", "line"), CASES)
def test_a_quoted_number_is_refused_where_a_number_is_meant(
    template: str, path: str, line: int
) -> None:
    errors = _errors(template.format(v='"10"'))

    assert len(errors) == 1
    assert errors[0].startswith(f"funnel.yaml:{line}: {path}: expected ")
    assert errors[0].endswith("got '10'; write 10")


@pytest.mark.parametrize(("template", "path", "line"), CASES)
def test_the_same_number_unquoted_loads(template: str, path: str, line: int) -> None:
    load_definition_text(HEAD + template.format(v="3"), "funnel.yaml")


def test_true_is_not_a_number() -> None:
    [error] = _errors("sales_actions:\n  within_days: true\n")

    assert error == "funnel.yaml:6: sales_actions.within_days: expected a number, got True"


FLAGS = [
    (
        "engagement:\n  rules:\n    - {{name: v, event: page_view, points: 1, once: {v}}}\n",
        "engagement.rules[0].once",
        7,
    ),
    (
        "fit:\n  rules:\n"
        "    - {{name: a, points: 5, when: {{field: contact.email, exists: {v}}}}}\n",
        "fit.rules[0].when.exists",
        7,
    ),
    ("sales_ready:\n  require_sales_action: {v}\n", "sales_ready.require_sales_action", 6),
    ("handoff:\n  sla:\n    reassign_on_breach: {v}\n", "handoff.sla.reassign_on_breach", 7),
]


@pytest.mark.parametrize(("template", "path", "line"), FLAGS)
@pytest.mark.parametrize("written", ['"yes"', '"true"', "1"])
def test_a_yes_or_no_written_otherwise_is_refused(
    template: str, path: str, line: int, written: str
) -> None:
    [error] = _errors(template.format(v=written))

    assert error.startswith(f"funnel.yaml:{line}: {path}: expected true or false, got ")


@pytest.mark.parametrize(("template", "path", "line"), FLAGS)
def test_true_and_false_load(template: str, path: str, line: int) -> None:
    for written in ("true", "false"):
        load_definition_text(HEAD + template.format(v=written), "funnel.yaml")


def test_a_whole_number_key_refuses_a_fraction() -> None:
    [error] = _errors("handoff:\n  cadence:\n    calls: 2.5\n")

    assert error == "funnel.yaml:7: handoff.cadence.calls: expected a whole number, got 2.5"


def _numeric(annotation: object) -> bool:
    """Whether a field's type is a number or a yes/no (optionally None), whatever its
    metadata."""
    if get_origin(annotation) is Annotated:
        return _numeric(get_args(annotation)[0])
    if get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return len(members) == 1 and _numeric(members[0])
    return annotation in (int, float, bool)


def _strict(annotation: object, metadata: list[object]) -> bool:
    if any(isinstance(item, Strict) and item.strict for item in metadata):
        return True
    if get_origin(annotation) is Annotated:
        inner, *extra = get_args(annotation)
        return _strict(inner, list(extra))
    if get_origin(annotation) in (typing.Union, types.UnionType):
        return all(_strict(a, []) for a in get_args(annotation) if a is not type(None))
    return False


def _raw_models() -> list[type[BaseModel]]:
    found = []
    for module in (raw, raw_condition, raw_handoff):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel:
                found.append(value)
    return found


def test_every_numeric_key_of_the_file_format_is_strict() -> None:
    # A key added later must not take text for a number again.
    lax = [
        f"{model.__name__}.{name}"
        for model in _raw_models()
        for name, field in model.model_fields.items()
        if _numeric(field.annotation) and not _strict(field.annotation, list(field.metadata))
    ]
    assert numeric_keys_found() > 0
    assert lax == []


def numeric_keys_found() -> int:
    return sum(
        _numeric(field.annotation)
        for model in _raw_models()
        for field in model.model_fields.values()
    )


# A German or Dutch author writes ten thousand as 10.000 and a US one as 10,000. YAML
# reads the first as the number 10 and splits the second in a {...} mapping at its
# comma, so a budget rule "from 10.000 EUR" held for a budget of 25.
BUDGET = (
    "bant:\n  budget:\n    - name: from ten thousand\n"
    "      when: {{field: contact.budget_eur, at_least: {v}}}\n"
)


@pytest.mark.parametrize("written", ["10.000", "250.000", "1.500"])
def test_thousands_written_with_a_point_are_refused(written: str) -> None:
    [error] = _errors(BUDGET.format(v=written))

    meant = written.replace(".", "")
    assert error == (
        f"funnel.yaml:8: bant.budget[0].when.at_least: YAML reads {written} as the "
        f"decimal number {float(written):g}; write {meant} if the point separates thousands"
    )


def test_thousands_written_with_a_comma_in_braces_are_refused() -> None:
    [error] = _errors(BUDGET.format(v="10,000"))

    assert error == (
        "funnel.yaml:8: bant.budget[0].when.at_least: YAML reads 10,000 inside {...} as "
        "10 followed by a key 000 (a comma separates entries); write 10000, without a "
        "thousands separator"
    )


@pytest.mark.parametrize("written", ["10.5", "0.250", "12.25", "10000", "10.0"])
def test_decimals_that_are_not_thousands_load(written: str) -> None:
    load_definition_text(HEAD + BUDGET.format(v=written), "hartmann.yaml")

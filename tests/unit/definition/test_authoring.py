"""Mistakes a team makes writing its first definition, and the lines that answer them.

Each case is a slip seen when writing definitions from the docs alone (a German machine
maker, a product-led SaaS, a consultancy): the answer names the file, the line, the key
path and what is accepted, instead of a parser's words or a rule that silently never
matches.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from leadflow.definition.loader import DefinitionError, load_definition, load_definition_text
from leadflow.domain.vocabulary import event_type_problem

HEAD = 'schema_version: 1\nname: hartmann\nversion: "1"\nextends: waterfall\n'


def _errors(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(HEAD + text, "funnel.yaml")
    return [str(error) for error in caught.value.errors]


def test_a_condition_with_two_leading_keys_says_how_to_require_both() -> None:
    text = (
        "fit:\n  rules:\n"
        "    - {name: a, points: 5, when: {field: account.industry, equals: x, event: page_view}}\n"
    )
    assert _errors(text) == [
        "funnel.yaml:7: fit.rules[0].when.event: a condition has one leading key, and this "
        "one has both field and event; to require both, list them under "
        "all: [{field: ...}, {event: ...}]"
    ]


def test_a_condition_written_beside_when_says_where_it_goes() -> None:
    text = "fit:\n  rules:\n    - {name: a, points: 5, event: page_view}\n"
    assert _errors(text) == [
        "funnel.yaml:7: fit.rules[0].when: required key missing",
        "funnel.yaml:7: fit.rules[0].event: unknown key 'event'; a condition goes under "
        "when: (when: {event: ...})",
    ]


def test_an_unknown_key_is_never_suggested_as_itself() -> None:
    # 'when' is a key elsewhere in the file; suggesting it for 'when' would be noise.
    text = "sales_actions:\n  when: {field: fit.grade, at_least: B}\n"
    assert _errors(text) == ["funnel.yaml:6: sales_actions.when: unknown key 'when'"]


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        ("demo-request", "demo_request"),
        ("Quote Request", "quote_request"),
        # The product's own events as the app's code names them (Segment, Mixpanel).
        ("WorkspaceCreated", "workspace_created"),
        ("teammateInvited", "teammate_invited"),
    ],
)
def test_an_event_type_no_event_can_carry_is_refused(written: str, suggested: str) -> None:
    text = f"sales_actions:\n  actions:\n    - event: [quote_request, {written}]\n"
    assert _errors(text) == [
        f"funnel.yaml:7: sales_actions.actions[0].event[1]: {written!r} is not an event "
        "type: event types are snake_case (lower-case letters, digits and _, starting with "
        f"a letter, at most 100); did you mean {suggested!r}?"
    ]


def test_custom_snake_case_event_types_are_welcome() -> None:
    text = "engagement:\n  rules:\n    - {name: api, event: feature_used, points: 2}\n"
    assert load_definition_text(HEAD + text).engagement.rules[0].matcher.types == {"feature_used"}


@pytest.mark.parametrize("written", ["count", "at_least", "times", "min"])
def test_a_count_on_an_event_test_says_to_write_min_count(written: str) -> None:
    text = (
        f"sales_ready:\n  when:\n    {{event: teammate_invited, {written}: 3, within_days: 30}}\n"
    )
    assert _errors(text) == [
        f"funnel.yaml:7: sales_ready.when.{written}: unknown key {written!r}; an event test "
        "counts matching events with min_count (write min_count: 3)"
    ]


@pytest.mark.parametrize(
    ("written", "line"),
    [
        ("requires: kontakt", "requires: [kontakt]"),
        ("when: {field: account.country, in: DE}", "in: [DE]"),
    ],
)
def test_one_value_where_a_list_is_due_says_how_to_write_the_list(written: str, line: str) -> None:
    text = (
        "stages:\n  - {id: kontakt, when: {field: identity, at_least: known}}\n"
        f"  - {{id: lead, {written}}}\n"
    )
    [error] = _errors(text)

    assert error.endswith(
        f"expected a list, got {written.split(': ')[-1].rstrip('}')!r}; write {line}"
    )


@pytest.mark.parametrize(
    ("written", "meant"), [("Kontakt", "kontakt"), ("Erstkontakt Messe", "erstkontakt_messe")]
)
def test_a_stage_id_with_capitals_or_spaces_is_named_as_it_may_be_written(
    written: str, meant: str
) -> None:
    [error] = _errors(f"stages:\n  - {{id: {written}, labels: {{de: {written}}}}}\n")

    assert error == (
        "funnel.yaml:6: stages[0].id: expected lower-case letters, digits and _, starting "
        f"with a letter, got {written!r}; write {meant} (the labels carry the name as "
        "people read it)"
    )


@pytest.mark.parametrize(
    ("written", "meant"),
    [(">=", "at_least"), ("gte", "at_least"), ("<=", "at_most"), ("==", "equals"),
     ("contains", "regex"), ("one_of", "in")],
)  # fmt: skip
def test_an_operator_from_another_tool_is_named_as_leadflow_writes_it(
    written: str, meant: str
) -> None:
    [error] = _errors(_rule(f"{{field: account.employees, '{written}': 50}}"))

    assert error == (
        f"funnel.yaml:9: fit.rules[0].when.{written}: unknown key {written!r}; did you mean "
        f"{meant!r}?"
    )


@pytest.mark.parametrize(("written", "meant"), [("and", "all"), ("or", "any"), ("any_of", "any")])
def test_and_or_from_another_tool_are_named_all_and_any(written: str, meant: str) -> None:
    condition = f"{{{written}: [{{event: demo_request}}, {{event: trial_start}}]}}"

    [error] = _errors(f"sales_ready:\n  when: {condition}\n")

    assert error == (
        "funnel.yaml:6: sales_ready.when: a condition is a mapping with one of the keys "
        f"field, event, all, any or not (found: {written}); did you mean {meant!r}?"
    )


@pytest.mark.parametrize(
    ("written", "line"),
    [("demo_request", "{event: demo_request}"), ("[demo_request, call_request]",
      "{event: [demo_request, call_request]}")],
)  # fmt: skip
def test_a_sales_action_written_as_its_type_says_how_to_write_it(written: str, line: str) -> None:
    [error] = _errors(f"sales_actions:\n  actions:\n    - {written}\n")

    assert error.startswith("funnel.yaml:7: sales_actions.actions[0]: expected a mapping")
    assert error.endswith(f"; write {line}")


def test_a_sales_action_with_its_own_recency_points_to_the_one_for_all() -> None:
    text = "sales_actions:\n  actions:\n    - {event: demo_request, within_days: 7}\n"

    assert _errors(text) == [
        "funnel.yaml:7: sales_actions.actions[0].within_days: unknown key 'within_days'; how"
        " recent a sales action must be is set once, for every action: sales_actions.within_days"
    ]


def test_a_stage_required_by_its_label_is_refused_without_guessing_an_id() -> None:
    # 'Contact' is the label of the stage kontakt: 'write contact' would name no stage.
    text = (
        "stages:\n  - {id: kontakt, labels: {en: Contact},"
        " when: {field: identity, at_least: known}}\n"
        "  - {id: lead, requires: [Contact], when: {field: engagement.score, at_least: 20}}\n"
    )
    [error] = _errors(text)

    assert error == (
        "funnel.yaml:7: stages[1].requires[0]: expected lower-case letters, digits and _, "
        "starting with a letter, got 'Contact'; requires names stages by their id, not by "
        "their label"
    )


def test_an_event_type_without_a_snake_case_form_gets_no_suggestion() -> None:
    assert event_type_problem("1st-visit") == (
        "'1st-visit' is not an event type: event types are snake_case (lower-case letters, "
        "digits and _, starting with a letter, at most 100)"
    )


def test_a_regex_escape_yaml_swallowed_is_refused_with_both_ways_to_write_it() -> None:
    text = (
        "fit:\n  rules:\n"
        '    - {name: a, points: 5, when: {field: contact.title, regex: "\\bceo\\b"}}\n'
    )
    assert _errors(text) == [
        "funnel.yaml:7: fit.rules[0].when.regex: the regex holds a backspace: in double "
        "quotes YAML reads \\b as a backspace; write it in single quotes ('\\bceo\\b') or "
        'double each backslash ("\\\\bceo\\\\b")'
    ]


def test_a_single_quoted_regex_keeps_its_word_boundaries() -> None:
    text = (
        "fit:\n  rules:\n"
        "    - {name: a, points: 5, when: {field: contact.title, regex: '\\bceo\\b'}}\n"
    )
    assert load_definition_text(HEAD + text).fit.rules[0].name == "a"


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        ("fit:\n\tgrades: {A: 80}\n", 6, "a tab character; YAML indents with spaces only"),
        ("description: Ziel: Messe\n", 5, "a value holding ': ' must be quoted"),
        (
            'fit:\n  rules:\n    - {name: a, points: 5, when: {field: x.y, regex: "\\d+"}}\n',
            7,
            "in double quotes a backslash starts an escape: write a regex in single quotes",
        ),
        (
            "fit:\n  rules:\n    - name: a\n      points: 5\n     when: {field: x, exists: true}\n",
            9,
            "check this line's indentation against the lines above",
        ),
        ("sales_ready: {min_fit_grade: A\n", 6, "a {...} mapping lacks its closing }"),
    ],
)
def test_yaml_syntax_errors_say_what_usually_causes_them(text: str, line: int, hint: str) -> None:
    (error,) = _errors(text)
    assert error.startswith(f"funnel.yaml:{line}: (yaml): ")
    assert hint in error


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        # A list item's key indented one space less than the item: libyaml's words are
        # "did not find expected key", which name no cause.
        (
            "sales_actions:\n  actions:\n    - {event: demo_request}\n   within_days: 90\n",
            8,
            "check this line's indentation against the lines above",
        ),
        # A key without its colon.
        ("description Ziel\nfit: {}\n", 5, "a key needs a colon and a space after it"),
        # ... followed by a key beside it: libyaml reads both lines as one key and stops at
        # the second one's colon ("mapping values are not allowed").
        (
            "engagement:\n  half_life_days 30\n  cap: 100\n",
            6,
            "a key needs a colon and a space after it",
        ),
        ("fit:\n  rules:\n    - name a\n      points: 5\n", 7, "a key needs a colon"),
    ],
)
def test_more_yaml_syntax_errors_say_what_usually_causes_them(
    text: str, line: int, hint: str
) -> None:
    (error,) = _errors(text)
    assert error.startswith(f"funnel.yaml:{line}: (yaml): ")
    assert hint in error


def test_an_unclosed_quote_names_the_line_it_opened_on_not_the_end_of_the_file() -> None:
    text = 'description: "Agreed on 2026-05-04\nfit:\n  grades: {A: 80}\nstages: []\n'

    (error,) = _errors(text)

    assert error.startswith("funnel.yaml:5: (yaml): ")
    assert 'the quote (") opened on this line is never closed' in error


def test_a_tab_is_named_once() -> None:
    # libyaml already says "found a tab character that violates indentation" here.
    (error,) = _errors("stages:\n  - id: lead\n\tkind: sales\n")

    assert error.count("tab") == 1, error
    assert "YAML indents with spaces only" in error


@pytest.mark.parametrize(
    ("path", "suggested"),
    [
        ("acount.industry", "account.industry"),
        ("contacts.title", "contact.title"),
        ("fit.grde", "fit.grade"),
        ("engagment.score", "engagement.score"),
        ("sales.accepted_", "sales.accepted"),
    ],
)
def test_a_misspelt_fact_path_suggests_the_path_meant(path: str, suggested: str) -> None:
    text = f"sales_ready:\n  when: {{field: {path}, exists: true}}\n"

    (error,) = _errors(text)

    assert error.startswith("funnel.yaml:6: sales_ready.when.field: unknown fact path")
    assert f"unknown fact path {path!r} (did you mean {suggested!r}?); use contact." in error


def test_a_misspelt_source_key_suggests_the_key_meant() -> None:
    text = "sales_ready:\n  when: {field: source.chanel, in: [referral]}\n"

    (error,) = _errors(text)

    assert "unknown source key 'chanel' (did you mean 'channel'?); one of: channel," in error


def test_a_key_that_lost_its_indentation_says_which_section_it_belongs_to() -> None:
    # min_fit_grade slid to the left margin: sales_ready is left empty, and the key
    # lands at the top level, where it is unknown.
    text = "sales_ready:\nmin_fit_grade: A\n"

    errors = _errors(text)

    assert errors[-1] == (
        "funnel.yaml:6: min_fit_grade: unknown key 'min_fit_grade'; it belongs under "
        "sales_ready: indent it there"
    )


def test_a_key_of_two_sections_names_both() -> None:
    (error,) = _errors("rules: []\n")

    assert error == (
        "funnel.yaml:5: rules: unknown key 'rules'; it belongs under one of engagement, fit: "
        "indent it under the one meant"
    )


@pytest.mark.parametrize(("written", "meant"), [("2w", "14"), ("36h", "1.5"), ("90d", "90")])
def test_days_written_as_a_duration_say_the_number_meant(written: str, meant: str) -> None:
    rule = f"{{name: views, event: page_view, points: 1, half_life_days: {written}}}"

    [error] = _errors(f"engagement:\n  rules:\n    - {rule}\n")

    assert error.endswith(
        f"engagement.rules[0].half_life_days: expected a number of days, got '{written}': "
        f"write {meant}"
    )


@pytest.mark.parametrize(
    ("written", "meant"),
    [("90 days", "90"), ("3 weeks", "21"), ("2 Wochen", "14"), ("1 week", "7"), ("10 dagen", "10")],
)
def test_days_written_in_words_say_the_number_meant(written: str, meant: str) -> None:
    [error] = _errors(f"sales_actions:\n  within_days: {written}\n")

    assert error == (
        f"funnel.yaml:6: sales_actions.within_days: expected a number of days, got "
        f"'{written}': write {meant}"
    )


@pytest.mark.parametrize(
    ("written", "meant"),
    [("6m", "180"), ("6 months", "180"), ("6mo", "180"), ("4 Monate", "120"), ("1 year", "365")],
)
def test_months_and_years_where_days_are_due_say_how_they_were_counted(
    written: str, meant: str
) -> None:
    # A long-cycle team thinks in months; '6m' is six months here, never six minutes.
    rule = f"{{name: webinar, event: webinar_attendance, points: 20, half_life_days: {written}}}"

    [error] = _errors(f"engagement:\n  rules:\n    - {rule}\n")

    unit = "a year as 365 days" if "year" in written else "a month as 30 days"
    assert error.endswith(
        f"engagement.rules[0].half_life_days: expected a number of days, got '{written}': "
        f"write {meant} (counting {unit})"
    )


def test_other_text_where_days_are_due_is_just_not_a_number() -> None:
    rule = "{name: views, event: page_view, points: 1, half_life_days: fortnight}"

    [error] = _errors(f"engagement:\n  rules:\n    - {rule}\n")

    assert error.endswith("half_life_days: expected a number, got 'fortnight'")


def _rule(when: str) -> str:
    return f"fit:\n  rules:\n    - name: size\n      points: 20\n      when: {when}\n"


def test_an_unknown_operator_lists_the_operators_a_field_test_takes() -> None:
    (error,) = _errors(_rule("{field: account.employees, between: [50, 500]}"))
    assert error == (
        "funnel.yaml:9: fit.rules[0].when.between: unknown key 'between'; a field test"
        " takes one of equals, in, range, regex, exists, at_least, at_most"
    )


def test_equals_given_a_list_says_to_write_in() -> None:
    (error,) = _errors(_rule("{field: contact.seniority, equals: [vp, director]}"))
    assert error == (
        "funnel.yaml:9: fit.rules[0].when.equals: expected a single value (text, number,"
        " true or false); to match any of several, write in: [vp, director]"
    )


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("50-500", "{min: 50, max: 500}"),
        ("'50 - 500'", "{min: 50, max: 500}"),
        ("[50, 500]", "{min: 50, max: 500}"),
    ],
)
def test_a_range_written_as_text_says_how_to_write_its_bounds(written: str, meant: str) -> None:
    (error,) = _errors(_rule(f"{{field: account.employees, range: {written}}}"))
    assert error.startswith("funnel.yaml:9: fit.rules[0].when.range: expected a mapping")
    assert error.endswith(f"; write range: {meant}")


def test_a_range_of_other_text_names_its_two_keys() -> None:
    (error,) = _errors(_rule("{field: account.employees, range: big}"))
    assert error.endswith(
        "expected a mapping (key: value), got 'big'; write range: {min: ..., max: ...}"
        " (either or both)"
    )


def test_a_grade_the_file_cannot_set_says_which_it_can() -> None:
    (error,) = _errors("fit:\n  grades: {A: 70, B: 45, C: 20, D: 5}\n")
    assert error == (
        "funnel.yaml:6: fit.grades.D: unknown key 'D'; cut-offs are set for A, B and C"
        " (grade D is every score below C's)"
    )


def test_within_days_on_an_engagement_rule_says_rules_fade_with_a_half_life() -> None:
    rule = "{name: views, event: page_view, points: 1, within_days: 30}"
    (error,) = _errors(f"engagement:\n  rules:\n    - {rule}\n")
    assert error == (
        "funnel.yaml:7: engagement.rules[0].within_days: unknown key 'within_days';"
        " engagement rules fade instead of stopping: half_life_days: 30 makes an event"
        " worth half after 30 days (a quarter after 60); to require events of the last"
        " 30 days, use an event condition such as {event: ..., within_days: 30}"
        " in a stage, fit rule or the sales-ready gate"
    )


# A second round of first definitions written from the docs alone (a product-led SaaS,
# a German components distributor, a Dutch agency working with SDR calls).


def _gate(when: str) -> str:
    return f"sales_ready:\n  when: {when}\n"


@pytest.mark.parametrize(
    ("when", "line"),
    [
        ("{field: prediction, at_least: 30}", "write 0.3 if 30 is a percentage"),
        ("{field: prediction, at_most: 85}", "write 0.85 if 85 is a percentage"),
        ("{field: prediction, range: {min: 20, max: 60}}", "write 0.2 if 20 is a percentage"),
        ("{field: prediction, equals: 2}", "write 0.02 if 2 is a percentage"),
    ],
)
def test_a_prediction_written_as_a_percentage_says_it_is_a_probability(
    when: str, line: str
) -> None:
    """A model's win probability is 0-1: at_least 30 would be a gate nobody passes."""
    (error,) = _errors(_gate(when))

    assert error.startswith("funnel.yaml:6: sales_ready.when.")
    assert "prediction is a probability from 0 to 1" in error
    assert error.endswith(line)


@pytest.mark.parametrize(
    ("when", "says"),
    [
        ("{field: fit.score, at_least: 120}", "fit.score is from 0 to 100; got 120"),
        ("{field: bant.met, at_least: 5}", "bant.met is from 0 to 4; got 5"),
        ("{field: prediction, at_least: 250}", "prediction is a probability from 0 to 1"),
        ("{field: fit.score, range: {min: -10}}", "fit.score is from 0 to 100; got -10"),
    ],
)
def test_a_bound_no_score_can_reach_is_refused(when: str, says: str) -> None:
    (error,) = _errors(_gate(when))
    assert says in error


@pytest.mark.parametrize(
    "when",
    [
        "{field: prediction, at_least: 0.3}",
        "{field: prediction, range: {min: 0, max: 1}}",
        "{field: fit.score, at_least: 100}",
        "{field: bant.met, at_least: 4}",
        "{field: engagement.score, at_least: 250}",  # engagement has no ceiling
    ],
)
def test_bounds_within_a_scores_range_load(when: str) -> None:
    load_definition_text(HEAD + _gate(when), "funnel.yaml")


@pytest.mark.parametrize(
    ("written", "meant"),
    [("score", "points"), ("weight", "points"), ("punkte", "points")],
)
def test_a_rules_points_in_another_tools_word_name_points(written: str, meant: str) -> None:
    rule = f"{{name: size, {written}: 25, when: {{field: account.employees, at_least: 50}}}}"
    errors = _errors(f"fit:\n  rules:\n    - {rule}\n")

    assert (
        f"funnel.yaml:7: fit.rules[0].{written}: unknown key {written!r}; did you mean {meant!r}?"
        in errors
    )


@pytest.mark.parametrize(
    ("written", "meant"),
    [("decay", "half_life_days"), ("max_points", "cap"), ("maximum", "cap")],
)
def test_an_engagement_rules_decay_or_cap_in_another_word_names_the_key(
    written: str, meant: str
) -> None:
    rule = f"{{name: fair, event: event_attendance, points: 25, {written}: 180}}"
    (error,) = _errors(f"engagement:\n  rules:\n    - {rule}\n")

    assert error == (
        f"funnel.yaml:7: engagement.rules[0].{written}: unknown key {written!r};"
        f" did you mean {meant!r}?"
    )


def test_within_days_on_the_gate_points_to_the_sales_actions_own() -> None:
    (error,) = _errors("sales_ready:\n  min_fit_grade: B\n  within_days: 60\n")

    assert error == (
        "funnel.yaml:7: sales_ready.within_days: unknown key 'within_days'; how recent the"
        " sales action must be is sales_actions.within_days (write sales_actions:"
        " {within_days: 60}); for other events, a condition in sales_ready.when:"
        " {event: ..., within_days: 60}"
    )


def test_stages_written_as_a_mapping_say_how_to_write_the_list() -> None:
    text = (
        "stages:\n  kontakt:\n    when: {field: identity, at_least: known}\n"
        "  kunde:\n    kind: customer\n"
    )
    (error,) = _errors(text)

    assert error == (
        "funnel.yaml:5: stages: expected a list, got a mapping; write one list item per"
        " stage, first to last, its key as the id: - id: kontakt"
    )


def test_fit_rules_written_as_a_mapping_say_how_to_write_the_list() -> None:
    text = "fit:\n  rules:\n    DACH:\n      points: 25\n"
    (error,) = _errors(text)

    assert error.endswith(
        "fit.rules: expected a list, got a mapping; write one list item per rule,"
        " its key as the name: - name: DACH"
    )


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("fit:\n  grades: {A: 75%, B: 50, C: 25}\n", "expected a number, got '75%'; write 75"),
        ("sales_ready:\n  min_engagement: '40'\n", "expected a number, got '40'; write 40"),
        (
            "engagement:\n  rules:\n    - {name: v, event: page_view, points: '2,5'}\n",
            "expected a number, got '2,5'; write 2.5",
        ),
    ],
)
def test_a_number_written_as_text_or_a_percentage_says_the_number_to_write(
    text: str, end: str
) -> None:
    (error,) = _errors(text)
    assert error.endswith(end)


@pytest.mark.parametrize(
    ("when", "end"),
    [
        ("{field: account.employees, at_least: '20'}", "write at_least: 20"),
        ("{field: fit.score, at_least: 50%}", "write at_least: 50"),
        ("{field: prediction, at_least: 30%}", "write at_least: 0.3"),
    ],
)
def test_an_ordered_test_given_a_number_as_text_says_the_number_to_write(
    when: str, end: str
) -> None:
    (error,) = _errors(_gate(when))
    assert error.endswith(end)


def test_labels_written_as_text_say_how_to_name_the_language() -> None:
    (error,) = _errors("stages:\n  - id: lead\n    labels: Trial sign-up\n")
    assert error.endswith(
        "stages[0].labels: expected a mapping (key: value), got 'Trial sign-up';"
        " write labels: {en: Trial sign-up} (one text per language code)"
    )


def test_a_stage_kind_in_capitals_says_the_word_to_write() -> None:
    (error,) = _errors("stages:\n  - id: sql\n    kind: Sales\n")
    assert error.endswith("got 'Sales'; write kind: sales")


def test_a_where_glob_given_a_list_says_how_to_match_several() -> None:
    where = "where: {feature: [send_invoice, copy_invoice]}"
    rule = f"{{name: inv, event: feature_used, points: 5, {where}}}"
    (error,) = _errors(f"engagement:\n  rules:\n    - {rule}\n")
    assert error.endswith(
        "engagement.rules[0].where.feature: expected text, got a list; a where glob is one"
        " pattern (send_invoice): for several values, one rule per value, or a glob"
        " they all match ('*_invoice')"
    )


def test_one_rule_without_its_dash_says_a_list_item_starts_with_one() -> None:
    (error,) = _errors("fit:\n  rules:\n    name: DACH\n    points: 25\n")
    assert error.endswith(
        "fit.rules: expected a list, got a mapping; a list item starts with a dash: - name: DACH"
    )


def test_a_file_saved_in_windows_1252_names_the_line_and_the_encoding_to_save(
    tmp_path: Path,
) -> None:
    """Notepad's "ANSI" writes Geschäftsführer's ä as one byte, which UTF-8 cannot read."""
    text = HEAD + "fit:\n  rules:\n    - {name: gf, points: 60, when: {field: contact.title,"
    text += " regex: 'geschäftsführer'}}\n"
    path = tmp_path / "funnel.yaml"
    path.write_bytes(text.encode("cp1252"))

    with pytest.raises(DefinitionError) as caught:
        load_definition(path)

    assert [str(error) for error in caught.value.errors] == [
        f"{path}:7: (file): the file is not UTF-8 text: line 7 holds the byte 0xE4, 'ä' in"
        " Windows-1252 (an editor's 'ANSI'); save the file as UTF-8"
    ]


def test_a_file_saved_as_utf_16_says_to_save_it_as_utf_8(tmp_path: Path) -> None:
    path = tmp_path / "funnel.yaml"
    path.write_bytes((HEAD + "stages: []\n").encode("utf-16"))

    with pytest.raises(DefinitionError) as caught:
        load_definition(path)

    assert [str(error) for error in caught.value.errors] == [
        f"{path}:1: (file): the file is not UTF-8 text: it is UTF-16 (it starts with"
        " UTF-16's byte-order mark); save the file as UTF-8"
    ]


def test_a_file_extended_in_windows_1252_names_that_file_and_its_line(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_bytes("schema_version: 1\nname: base\nversion: '1'\n# Geschäft\n".encode("cp1252"))
    path = tmp_path / "funnel.yaml"
    path.write_text("schema_version: 1\nname: f\nversion: '1'\nextends: base.yaml\n", "utf-8")

    with pytest.raises(DefinitionError) as caught:
        load_definition(path)

    (error,) = caught.value.errors
    assert str(error).endswith(
        f"{base}: the file is not UTF-8 text: line 4 holds the byte 0xE4, 'ä' in"
        " Windows-1252 (an editor's 'ANSI'); save the file as UTF-8"
    )


@pytest.mark.parametrize(
    ("text", "end"),
    [
        (_rule("{field: source.purchased, equals: yes}"), "got 'yes'; write equals: true"),
        (_rule("{field: contact.free_mail, equals: nein}"), "got 'nein'; write equals: false"),
        (
            "engagement:\n  rules:\n    - {name: u, event: unsubscribe, points: -5, once: yes}\n",
            "expected true or false, got 'yes'; write true",
        ),
        ("sales_ready: {require_sales_action: no}\n", "got 'no'; write false"),
    ],
)
def test_yes_or_no_where_true_or_false_is_due_says_which_to_write(text: str, end: str) -> None:
    (error,) = _errors(text)
    assert error.endswith(end)


@pytest.mark.parametrize(
    ("written", "meant"),
    [("double opt-in", "confirmed"), ("DOI", "confirmed"), ("opt-in", "granted")],
)
def test_a_consent_in_an_imports_words_says_the_state_it_is_stored_as(
    written: str, meant: str
) -> None:
    (error,) = _errors(_rule(f"{{field: consent.email, equals: {written}}}"))
    assert error.endswith(f"got {written!r}; write equals: {meant}")


@pytest.mark.parametrize(("written", "meant"), [("DE", "de"), ("de_AT", "de-AT")])
def test_a_label_language_in_capitals_or_with_an_underscore_says_the_code(
    written: str, meant: str
) -> None:
    (error,) = _errors(f"stages:\n  - id: lead\n    labels: {{{written}: Kontakt}}\n")
    assert error.endswith(f"got {written!r}; write {meant}")


def test_an_alias_inside_its_own_anchor_is_refused_at_the_anchors_line() -> None:
    """``&a [*a]`` is a list holding itself: YAML allows it, a definition cannot be it."""
    errors = _errors("fit:\n  rules: &rules\n    - *rules\n")

    assert errors[0] == (
        "funnel.yaml:6: fit.rules[0]: an alias stands inside the anchor it names, so the"
        " list or mapping would hold itself; copy the values it should repeat instead"
    )


def test_aliases_that_expand_past_any_definition_are_refused() -> None:
    """Nine levels of ten aliases each are a billion values: refused, not expanded."""
    lines = ["x0: &x0 [a, a, a, a, a, a, a, a, a, a]"]
    for level in range(1, 9):
        below = f"*x{level - 1}"
        lines.append(f"x{level}: &x{level} [{', '.join([below] * 10)}]")
    errors = _errors("\n".join(lines) + "\n")

    assert any(
        "the aliases expand to more than 100000 values; a definition is far smaller" in error
        for error in errors
    )


@pytest.mark.parametrize(
    "text",
    [
        "fit:\n  rules:\n    - {name: a, points: .nan, when: {field: contact.x, exists: true}}\n",
        _rule("{field: account.employees, range: {min: .nan}}"),
        _rule("{field: account.employees, at_least: .inf}"),
        "engagement:\n  rules:\n    - {name: v, event: page_view, points: 1, half_life_days: .inf}"
        "\n",
    ],
)
def test_a_number_that_is_not_finite_is_refused(text: str) -> None:
    """``.nan`` points would make every fit score NaN; ``.inf`` is no bound at all."""
    (error,) = _errors(text)
    assert "expected a finite number, got" in error


def test_stages_written_as_their_ids_say_how_to_write_a_stage() -> None:
    errors = _errors("stages: [kontakt, anfrage]\n")

    assert errors == [
        "funnel.yaml:5: stages[0]: expected a mapping (key: value), got 'kontakt'; write"
        " - id: kontakt (a stage is its id and the condition under when)",
        "funnel.yaml:5: stages[1]: expected a mapping (key: value), got 'anfrage'; write"
        " - id: anfrage (a stage is its id and the condition under when)",
    ]


def test_one_stage_id_for_the_stages_says_how_to_write_a_stage() -> None:
    (error,) = _errors("stages: kontakt\n")
    assert error.endswith(
        "stages: expected a list, got 'kontakt'; write - id: kontakt (a stage is its id and"
        " the condition under when)"
    )

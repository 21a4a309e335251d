"""Warnings about a definition that loads but does not do what its authors meant."""

from __future__ import annotations

import pytest

from leadflow.definition.builtin import PRESET_NAMES
from leadflow.definition.lint import definition_warnings
from leadflow.definition.loader import load_definition, load_definition_text
from tests.unit.definition.conftest import MINIMAL

RULES_WORTH_40 = """\
fit:
  rules:
    - {name: target industry, points: 25, when: {field: account.industry, equals: software}}
    - {name: decision-maker, points: 15, when: {field: contact.seniority, equals: vp}}
    - {name: free mail, points: -15, when: {field: contact.free_mail, equals: true}}
"""


def _warnings(text: str) -> list[str]:
    return [str(w) for w in definition_warnings(load_definition_text(text, "<test>"))]


def test_a_gate_grade_the_fit_rules_cannot_reach_is_named() -> None:
    assert _warnings(MINIMAL + RULES_WORTH_40 + "sales_ready: {min_fit_grade: A}\n") == [
        "sales_ready.min_fit_grade: no lead can ever be sales-ready: grade A needs a fit"
        " score of at least 75, and the fit rules' positive points add up to 40; lower"
        " min_fit_grade or the grade's cut-off (fit.grades), or add fit rules"
    ]


def test_no_fit_rules_and_the_default_gate_hand_nobody_off() -> None:
    (warning,) = _warnings(MINIMAL)
    assert "grade B needs a fit score of at least 50" in warning
    assert "there are no fit rules, so every fit score is 0 (grade D)" in warning
    assert "min_fit_grade: D" in warning


@pytest.mark.parametrize(
    "tail",
    [
        RULES_WORTH_40 + "sales_ready: {min_fit_grade: C}\n",  # 40 reaches C (25)
        RULES_WORTH_40 + "  grades: {A: 40, B: 30, C: 10}\nsales_ready: {min_fit_grade: A}\n",
        "sales_ready: {min_fit_grade: D}\n",  # D needs no fit at all
    ],
)
def test_a_reachable_gate_gives_no_warning(tail: str) -> None:
    assert _warnings(MINIMAL + tail) == []


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_the_presets_give_no_warning(preset: str) -> None:
    assert definition_warnings(load_definition(preset)) == ()


TYPOS = """\
engagement:
  rules:
    - {name: demo, event: demo_requested, points: 30}
    - {name: usage, event: feature_used, points: 5}
sales_actions:
  actions:
    - {event: [trial_started, quote_request]}
"""


def test_an_event_type_that_reads_like_a_standard_one_is_named_where_written() -> None:
    assert _warnings(MINIMAL + TYPOS + "sales_ready: {min_fit_grade: D}\n") == [
        "engagement rule 'demo': event type 'demo_requested' is not a standard type; did you"
        " mean 'demo_request'? (a custom type scores only events sent with exactly that type)",
        "sales_actions: event type 'trial_started' is not a standard type; did you mean"
        " 'trial_start'? (a custom type scores only events sent with exactly that type)",
    ]  # feature_used is a team's own type, like no standard one: left alone


def test_an_attribute_key_imports_never_store_is_named() -> None:
    """Imports store a column "Title" as title; contact.Title loads and never matches."""
    capital = (
        "fit:\n  rules:\n    - {name: ceo, points: 60, when: {field: contact.Title, regex: ceo}}\n"
    )
    assert _warnings(MINIMAL + capital) == [
        "fit rule 'ceo': contact.Title is not a key imports store (they store the column"
        " Title as title); write contact.title, unless the API sends exactly this key"
    ]


COUNTRIES_BY_NAME = """\
fit:
  rules:
    - name: DACH
      points: 60
      when:
        any:
          - {field: account.country, in: [Deutschland, Austria, CH]}
          - {field: contact.country, equals: Schweiz}
    - {name: UK, points: 10, when: {field: account.country, in: [UK, DACH]}}
"""


def test_a_country_written_as_a_name_is_named_with_its_code() -> None:
    """Imports, forms and the API store countries as ISO codes (Deutschland -> DE), so a
    rule comparing account.country with a name loads and never holds for a stored lead."""
    assert _warnings(MINIMAL + COUNTRIES_BY_NAME) == [
        "fit rule 'DACH': account.country holds ISO codes, so 'Deutschland' never matches"
        " (a country is stored as its code); write DE",
        "fit rule 'DACH': account.country holds ISO codes, so 'Austria' never matches"
        " (a country is stored as its code); write AT",
        "fit rule 'UK': account.country holds ISO codes, so 'UK' never matches"
        " (a country is stored as its code); write GB",
        "fit rule 'UK': account.country holds ISO codes, so 'DACH' never matches"
        " (it is not a country name or code); list the countries' codes (DE, NL ...)",
        "fit rule 'DACH': contact.country holds ISO codes, so 'Schweiz' never matches"
        " (a country is stored as its code); write CH",
    ]


CHANNELS_AS_EXPORTED = """\
fit:
  rules:
    - {name: partner, points: 30, when: {field: source.channel, in: [Partner Referral, webinar]}}
    - {name: fairs, points: 15, when: {field: source.channel, equals: trade_show}}
    - {name: own word, points: 5, when: {field: source.channel, equals: Kaltakquise}}
"""


def test_a_channel_written_as_a_crm_names_it_is_named_as_imports_store_it() -> None:
    """Imports store the acquisition channel in leadflow's words (Salesforce's 'Partner
    Referral' -> referral, 'Trade Show' -> events), so a rule naming the CRM's word loads
    and never holds for an imported lead. A word leadflow keeps as it is (Kaltakquise) is
    fine."""
    assert _warnings(MINIMAL + CHANNELS_AS_EXPORTED) == [
        "fit rule 'partner': imports store the channel 'Partner Referral' as 'referral', so"
        " it never matches an imported contact; write referral, unless the API sends"
        " exactly this text",
        "fit rule 'fairs': imports store the channel 'trade_show' as 'events', so"
        " it never matches an imported contact; write events, unless the API sends"
        " exactly this text",
    ]


FIT_50 = (
    "fit:\n  rules:\n"
    "    - {name: fits, points: 50, when: {field: account.employees, at_least: 20}}\n"
)


def test_a_gate_that_asks_for_nothing_but_fit_is_named() -> None:
    """Without the sales action and without an extra condition, every fitting contact is
    handed to sales the moment it is known: the usage test a product-led team meant to
    put in the gate's when was left out."""
    gate = "sales_ready: {min_fit_grade: C, require_sales_action: false}\n"
    assert _warnings(MINIMAL + FIT_50 + gate) == [
        "sales_ready.require_sales_action: every contact of fit grade C or better is"
        " sales-ready without having done anything: no sales action is required, and the"
        " gate has no when and no min_engagement; put the signal that should open the gate"
        " (usage, a request) in sales_ready.when, or require the sales action"
    ]


@pytest.mark.parametrize(
    "extra", ["when: {event: feature_used, min_count: 5}", "min_engagement: 30"]
)
def test_a_gate_without_a_sales_action_but_with_a_signal_is_fine(extra: str) -> None:
    gate = f"sales_ready:\n  require_sales_action: false\n  {extra}\n"
    assert _warnings(MINIMAL + FIT_50 + gate) == []


def test_country_codes_in_any_case_give_no_warning() -> None:
    codes = (
        "fit:\n  rules:\n"
        "    - {name: n, points: 60, when: {field: account.country, in: [nl, BE, No]}}\n"
    )
    assert _warnings(MINIMAL + codes) == []


BARE_URLS = """\
engagement:
  rules:
    - {name: pricing, event: page_view, where: {url: /pricing}, points: 10}
    - {name: site, event: page_view, where: {url: "https://acme.eu/demo"}, points: 5}
    - {name: any pricing, event: page_view, where: {url: "*/pricing*"}, points: 5}
    - {name: spec, event: asset_download, where: {asset: spec-sheet.pdf}, points: 5}
fit:
  rules:
    - {name: visited, points: 5, when: {event: page_view, where: {url: careers}}}
"""


def test_a_url_pattern_without_a_wildcard_says_the_pattern_to_write() -> None:
    """A ``where`` glob matches the whole value and the website snippet stores whole URLs
    (``https://acme.eu/pricing?x=1``), so ``/pricing`` never matches a tracked page."""
    tail = (
        " matches only a url that is exactly this text, and the website snippet sends"
        " whole urls (https://site/path?query)"
    )
    assert [w for w in _warnings(MINIMAL + BARE_URLS) if "url pattern" in w] == [
        f"fit rule 'visited': url pattern 'careers'{tail}; write '*careers*', unless your"
        " events carry exactly this text",
        f"engagement rule 'pricing': url pattern '/pricing'{tail}; write '*/pricing*', unless"
        " your events carry exactly this text",
        f"engagement rule 'site': url pattern 'https://acme.eu/demo'{tail}; write"
        " 'https://acme.eu/demo*', unless your events carry exactly this text",
    ]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("meeting_planned", ""),
        ("interessiert", "; did you mean 'interested'?"),  # a German rep's word for it
        ("intrested", "; did you mean 'interested'?"),
    ],
)
def test_an_sql_outcome_no_conversation_is_recorded_with_is_named(written: str, meant: str) -> None:
    """Conversations are logged and imported as interested, not_interested or no_decision;
    an SQL outcome in other words loads and never makes an SQL."""
    text = (
        MINIMAL
        + "sales_ready: {min_fit_grade: D}\n"
        + f"lead_types:\n  sql_outcomes: [interested, {written}]\n"
    )
    assert _warnings(text) == [
        f"lead_types.sql_outcomes: conversation outcome {written!r} is never recorded:"
        " conversations are logged and imported as interested, not_interested or"
        f" no_decision, so it never makes an SQL{meant}"
    ]


def test_the_recorded_outcomes_give_no_warning() -> None:
    text = (
        MINIMAL
        + "sales_ready: {min_fit_grade: D}\n"
        + "lead_types:\n  sql_outcomes: [Interested, no_decision]\n"
    )
    assert _warnings(text) == []


def test_an_sql_outcome_warning_is_placed_at_its_key() -> None:
    text = (
        MINIMAL
        + "sales_ready: {min_fit_grade: D}\nlead_types:\n  sql_outcomes: [meeting_planned]\n"
    )
    (warning,) = definition_warnings(load_definition_text(text, "<test>"))
    assert warning.loc == ("lead_types", "sql_outcomes")

"""Every line the engine's explanation can hold, every sales-ready reason and every reason
a lead moved is read back by the web's phrasebooks and said in each language."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import leadflow
from leadflow.definition.loader import load_definition
from leadflow.definition.model import (
    Definition,
    EventMatcher,
    EventTest,
    FieldTest,
    FitRule,
    Op,
)
from leadflow.domain.facts import BANT_KEYS, BantFact, BantFacts, Event, Facts, Source
from leadflow.domain.lifecycle import LifecycleState
from leadflow.domain.qualification import (
    BantCriterion,
    BantResult,
    Contribution,
    ContributionKind,
    EngagementResult,
    FitResult,
    Qualification,
)
from leadflow.domain.vocabulary import Grade, Identity, LeadType, Temperature
from leadflow.engine import qualify
from leadflow.engine.explain import Verdicts, explain
from leadflow.engine.lifecycle import advance, recycle
from leadflow.web import i18n
from leadflow.web.explanation_words import (
    EXPLANATION,
    MOVES,
    SALES_READY,
    explanation_line,
    handoff_reason,
    move_reason,
    sales_ready_reason,
)
from leadflow.web.phrases import Phrasebook, speech

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TRANSLATED = [language for language in i18n.LANGUAGES if language != i18n.DEFAULT_LANGUAGE]
FITTING = {"industry": "software", "employees": 300, "country": "DE", "revenue": 2e7}
DECIDER = {"seniority": "director", "department": "sales", "email": "ada@acme.example"}
SOURCE = Path(leadflow.__file__).parent


def _events(*specs: tuple[str, float] | tuple[str, float, dict[str, object]]) -> tuple[Event, ...]:
    return tuple(
        Event(spec[0], NOW - timedelta(days=spec[1]), dict(spec[2]) if len(spec) == 3 else {})
        for spec in specs
    )


def _gate(definition: Definition, **changes: float | bool | FieldTest) -> Definition:
    gate = dataclasses.replace(definition.sales_ready, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(definition, sales_ready=gate)


def _qualified(waterfall: Definition) -> Iterator[Qualification]:
    """People who between them reach every branch of the explanation and the gate."""
    busy = _events(
        ("demo_request", 2),
        ("page_view", 1, {"url": "https://acme.example/pricing"}),
        *(("page_view", day / 3) for day in range(14)),  # past the rule's cap
        ("unsubscribe", 5),  # never fades
    )
    stated = BantFacts(budget=BantFact(True, "EUR 40k approved"), need=BantFact(None, "maybe"))
    yield qualify(Facts(DECIDER, FITTING, events=busy, bant=stated), waterfall, NOW)
    student = {"seniority": "student", "email": "kim@gmail.com"}
    yield qualify(Facts(student, events=_events(("demo_request", 1))), waterfall, NOW)
    yield qualify(Facts(DECIDER, FITTING, events=_events(("content_download", 3))), waterfall, NOW)
    yield qualify(Facts(DECIDER, FITTING, events=_events(("trial_start", 60))), waterfall, NOW)
    bought = Facts(DECIDER, FITTING, source=Source(channel="list", purchased=True))
    yield qualify(bought, waterfall, NOW)
    yield qualify(Facts(identity=Identity.ANONYMOUS), waterfall, NOW)
    asked = Facts(DECIDER, FITTING, events=_events(("quote_request", 4)))
    yield qualify(asked, _gate(waterfall, min_engagement=1000.0), NOW)
    never = FieldTest("contact.seniority", Op.EQUALS, "nobody")
    yield qualify(asked, _gate(waterfall, condition=never), NOW)
    reading = Facts(DECIDER, FITTING, events=_events(("content_download", 3)))
    yield qualify(reading, _gate(waterfall, require_sales_action=False), NOW)
    decider = FieldTest("contact.seniority", Op.EQUALS, "director")
    yield qualify(asked, _gate(waterfall, min_engagement=1.0), NOW)
    yield qualify(asked, _gate(waterfall, min_engagement=1.0, condition=decider), NOW)
    yield qualify(reading, _gate(waterfall, require_sales_action=False, condition=decider), NOW)
    # Met when the events happened, not when leadflow learned of them a month later.
    later = NOW + timedelta(days=30)
    recent = EventTest(EventMatcher(frozenset({"content_download"})), within_days=5)
    product_led = _gate(waterfall, require_sales_action=False, condition=recent)
    yield qualify(reading, product_led, NOW, learned_at=later)
    floor = qualify(reading, waterfall, NOW).engagement.score - 0.01
    engaged = _gate(waterfall, require_sales_action=False, min_engagement=floor)
    yield qualify(reading, engaged, NOW, learned_at=later)
    visited = FitRule("trade-show visitor", 10.0, EventTest(EventMatcher(frozenset({"x"}))))
    on_events = dataclasses.replace(waterfall.fit, rules=(visited,))
    yield qualify(
        Facts(events=_events(("x", 3))), dataclasses.replace(waterfall, fit=on_events), NOW
    )


def _explained_directly() -> Iterator[str]:
    """Lines the real-time and batch paths write: a rule's total instead of its events."""
    types = "demo_request, trial_start"
    totals = tuple(
        Contribution("sales action", 30.0, ContributionKind.RULE, types, 2, NOW, age, decay)
        for age, decay in ((2.5, 0.94), (2.5, None), (None, None))
    )
    kind, lasting = ContributionKind.EVENT, {"list": "news"}
    totals += (Contribution("left the list", -25.0, kind, "unsubscribe", lasting, NOW, 5.0),)
    verdicts = Verdicts(LeadType.SRL, False, True, "fit grade A", "sql")
    if "prediction" in {field.name for field in dataclasses.fields(Verdicts)}:
        verdicts = dataclasses.replace(verdicts, prediction=0.314)
    bant = BantResult(tuple(BantCriterion(key, True, "said so") for key in BANT_KEYS))
    yield from explain(
        FitResult(0.0, Grade.D), EngagementResult(90.0, totals), bant, Temperature.HOT, verdicts
    )


@pytest.fixture(scope="module")
def waterfall() -> Definition:
    return load_definition("waterfall")


@pytest.fixture(scope="module")
def results(waterfall: Definition) -> list[Qualification]:
    return list(_qualified(waterfall))


@pytest.fixture(scope="module")
def lines(results: list[Qualification]) -> list[str]:
    return [line for result in results for line in result.explanation] + list(_explained_directly())


def _read_every(book: Phrasebook, texts: list[str]) -> set[str]:
    """The messages of the phrases that read ``texts``; fails on a text none reads."""
    unread = [text for text in texts if book.read(text) is None]
    assert unread == []
    return {found[0].message for text in texts if (found := book.read(text))}


def test_every_explanation_line_is_read_and_every_phrase_is_written(lines: list[str]) -> None:
    used = _read_every(EXPLANATION, [line.lstrip(" ") for line in lines])
    assert set(EXPLANATION.messages) - used == set()


def test_every_sales_ready_reason_is_read_and_every_phrase_is_written(
    results: list[Qualification],
) -> None:
    # A hand-off keeps its reason: one stored before the gate's reason named its condition.
    stored = "the gate's extra condition does not hold"
    used = _read_every(SALES_READY, [result.sales_ready_reason for result in results] + [stored])
    assert set(SALES_READY.messages) - used == set()


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_line_is_said_in_the_language(language: str, lines: list[str]) -> None:
    said = speech(language, {"sql": "SQL-label"})
    for line in lines:
        shown = explanation_line(line, said)
        assert shown != line  # words or at least the decimal sign change
        assert shown.startswith(line[: len(line) - len(line.lstrip(" "))])  # indent kept


def test_the_german_explanation_keeps_names_and_values_and_translates_the_rest(
    results: list[Qualification],
) -> None:
    german = speech("de", {"sql": "Prospect (SQL)"})
    shown = [explanation_line(line, german) for line in results[0].explanation]

    assert shown[0] == "Fit 100 (Fit-Note A)"
    assert "  +25,00 target industry: account.industry = 'software'" in shown
    pricing = (
        r"  \+\d+,\d\d pricing page visit: Seitenaufruf url=\S+, vor 1,0 Tagen, Abklingen 0,\d+"
    )
    assert any(re.fullmatch(pricing, line) for line in shown)
    assert "  −25,00 unsubscribe: abgemeldet, vor 5,0 Tagen" in shown  # never fades
    assert "  −2,30 any page visit: begrenzt auf 10,0" in shown
    bant = next(line for line in shown if line.startswith("BANT"))
    assert bant.startswith("BANT 2 von 4 erfüllt: warm; Budget ja (EUR 40k approved)")
    assert "Bedarf unbekannt (maybe)" in bant
    assert shown[-2] == "vertriebsbereit: ja: Fit-Note A und Demo angefragt vor 2,0 Tagen"
    assert shown[-1] == (
        "Phase: Prospect (SQL) (die am weitesten fortgeschrittene Phase, deren Regel erfüllt ist)"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_sales_ready_reason_is_said_in_the_language(
    language: str, results: list[Qualification]
) -> None:
    for result in results:
        assert sales_ready_reason(result.sales_ready_reason, speech(language)) != (
            result.sales_ready_reason
        )


def test_the_lifecycles_reasons_are_read(results: list[Qualification]) -> None:
    entered = advance(LifecycleState(), results[0], NOW)
    moved = advance(dataclasses.replace(entered.state, stage="lead"), results[0], NOW)
    recycled = recycle(moved.state, "closed by sales: unresponsive", "r1", NOW - timedelta(days=9))
    again = advance(recycled.state, results[0], NOW)
    reasons = [
        step.transition.reason for step in (entered, moved, again) if step.transition is not None
    ]
    assert len(reasons) == 3
    assert _read_every(MOVES, reasons) == {
        "entered the funnel",
        "moved forward: %(stage)s holds",
        "re-qualified after recycling: %(action)s at %(at)s",
    }
    dutch = move_reason(reasons[2], speech("nl"))
    assert dutch.startswith("opnieuw gekwalificeerd na terugzetten: demo aangevraagd op 30-05-2026")


def test_every_move_phrase_is_still_written_by_the_code() -> None:
    """The services write the explicit moves' reasons; each phrase's fixed words must
    still be in their source (a reworded reason would otherwise go untranslated)."""
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (*SOURCE.glob("services/*.py"), SOURCE / "engine/lifecycle.py")
    )
    for message in MOVES.messages:
        for fragment in re.split(r"%\(\w+\)s", message):
            assert fragment.strip(" :()") in code, (message, fragment)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("no_budget: only next year", "kein Budget: only next year"),
        ("not_ready", "noch nicht bereit (zurück ins Nurturing)"),
        (
            "accepted from the unassigned queue",
            "aus der nicht zugewiesenen Warteschlange angenommen",
        ),
        ("something else: typed by hand", "something else: typed by hand"),
    ],
)
def test_a_hand_offs_answer_shows_the_reasons_label_and_the_note_as_typed(
    reason: str, expected: str
) -> None:
    assert handoff_reason(reason, speech("de")) == expected

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.definition.model import AllOf, Definition, EventTest, Stage
from leadflow.domain.facts import BantFact, BantFacts, Event, Facts
from leadflow.domain.qualification import Qualification
from leadflow.engine import ActivitySummary, SummaryMismatchError, qualify, qualify_summary
from leadflow.store.driver import json_state
from tests.unit.engine.builders import events_of, matcher, waterfall
from tests.unit.engine.strategies import events

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
DEFINITION = waterfall()
# Windowed tests needing several events: the summary keeps the latest few times for them.
BUSY = waterfall(
    stages=(
        *DEFINITION.stages[:3],
        Stage(
            "busy",
            AllOf(
                (
                    EventTest(matcher("page_view"), within_days=10, min_count=2),
                    EventTest(matcher("email_click"), min_count=2),
                )
            ),
        ),
        *DEFINITION.stages[3:],
    )
)
ACCOUNT = {"industry": "software", "employees": 300, "country": "de"}


def assert_same(incremental: Qualification, full: Qualification) -> None:
    """The same verdicts; scores equal to 1e-9 (a running sum rounds differently)."""
    assert incremental.engagement.score == pytest.approx(full.engagement.score, abs=1e-9)
    assert incremental.fit == replace(full.fit, contributions=incremental.fit.contributions)
    assert (incremental.stage, incremental.sales_ready, incremental.lead_type) == (
        full.stage,
        full.sales_ready,
        full.lead_type,
    )
    assert incremental.temperature == full.temperature
    assert incremental.bant == full.bant
    assert incremental.last_sales_action == full.last_sales_action
    assert incremental.sales_ready_reason == full.sales_ready_reason


@settings(max_examples=80, deadline=None)
@given(
    # Recent-only histories too, so that windowed tests needing several events hold.
    history=st.sampled_from([15.0, 400.0]).flatmap(lambda days: events(NOW, 50, days)),
    seed=st.integers(),
    split=st.integers(min_value=0, max_value=50),
    later=st.floats(min_value=0, max_value=120),
    definition=st.sampled_from([DEFINITION, BUSY]),
)
def test_incremental_summary_equals_the_full_recompute(
    history: list[Event], seed: int, split: int, later: float, definition: Definition
) -> None:
    arrival = list(history)
    random.Random(seed).shuffle(arrival)  # late and out-of-order events included
    summary = ActivitySummary.of(definition, arrival[:split])
    # The store persists the summary between events.
    summary = ActivitySummary.from_json(summary.to_json(), definition)
    summary.add_all(arrival[split:])
    facts = Facts(
        account=ACCOUNT,
        contact={"seniority": "vp"},
        events=tuple(history),
        bant=BantFacts(budget=BantFact(True)),
    )
    now = NOW + timedelta(days=later)
    full = qualify(facts, definition, now, explain=False)
    incremental = qualify_summary(replace(facts, events=()), summary, definition, now)
    assert_same(incremental, full)


def test_summary_lines_are_per_rule(now: datetime) -> None:
    history = events_of(now, ("page_view", 1), ("page_view", 3), ("demo_request", 2))
    summary = ActivitySummary.of(DEFINITION, history)
    result = qualify_summary(Facts(), summary, DEFINITION, now)
    views = next(c for c in result.engagement.contributions if c.rule == "page_view")
    assert views.value == 2  # the count
    assert views.at == now - timedelta(days=1)  # the latest
    assert views.points == pytest.approx(0.5 ** (1 / 14) + 0.5 ** (3 / 14))
    assert "2 x page_view" in "\n".join(result.explanation)


def test_the_json_form_round_trips(now: datetime) -> None:
    history = events_of(now, ("webinar_attendance", 4), ("demo_request", 2), ("unsubscribe", 9))
    summary = ActivitySummary.of(DEFINITION, history)
    text = summary.to_json()
    assert json.loads(text)[:2] == [2, summary.fingerprint]  # the version tag, then whose
    again = ActivitySummary.from_json(text, DEFINITION)
    assert again.to_json() == text
    assert again.latest == now - timedelta(days=2)
    assert again.counts() == summary.counts() != {}


@pytest.mark.parametrize("instants", ["micros", "iso"])
def test_summaries_stored_in_the_object_form_are_still_read(now: datetime, instants: str) -> None:
    history = events_of(
        now, ("page_view", 3), ("page_view", 1), ("demo_request", 2), ("newsletter_signup", 5)
    )
    summary = ActivitySummary.of(BUSY, history)
    old = _object_form(summary.to_json(), as_text=instants == "iso")

    again = ActivitySummary.from_json(old, BUSY)

    assert again.to_json() == summary.to_json()
    later = now + timedelta(days=3)
    assert qualify_summary(Facts(), again, BUSY, later) == qualify_summary(
        Facts(), summary, BUSY, later
    )


def _object_form(compact: str, *, as_text: bool) -> str:
    """A summary as the store wrote it before the compact form: an object per slot, with
    instants as integer microseconds (or ISO text, earlier still) and a ``first`` time."""

    def moment(micros: int | None) -> object:
        if micros is None or not as_text:
            return micros
        return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)).isoformat()

    _, fingerprint, latest, rows = json.loads(compact)
    slots = {
        str(slot): {
            "count": count,
            "first": moment(last),
            "last": moment(last),
            "last_type": last_type,
            "recent": [moment(value) for value in recent],
            "total": total,
            "ref": moment(ref),
        }
        for slot, count, last, last_type, total, ref, recent in rows
    }
    document = {"fingerprint": fingerprint, "latest": moment(latest), "slots": slots}
    return json.dumps(document, sort_keys=True)


def test_a_summary_made_for_another_definition_is_refused(now: datetime) -> None:
    summary = ActivitySummary.of(DEFINITION, events_of(now, ("page_view", 1)))
    newer = replace(DEFINITION, version="1.1")
    assert summary.fits(DEFINITION)
    assert not summary.fits(newer)
    with pytest.raises(SummaryMismatchError):
        ActivitySummary.from_json(summary.to_json(), newer)
    with pytest.raises(SummaryMismatchError):
        qualify_summary(Facts(), summary, newer, now)


def test_qualifying_before_the_latest_folded_event_is_refused(now: datetime) -> None:
    summary = ActivitySummary.of(DEFINITION, events_of(now, ("page_view", 1)))
    with pytest.raises(ValueError, match="full event history"):
        qualify_summary(Facts(), summary, DEFINITION, now - timedelta(days=2))


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "{}",
        '{"fingerprint": "%s", "slots": {"999": {"count": 1}}}',
        "[]",
        '[3, "%s", null, []]',  # a format this version does not know
        '[2, "%s", null, [[999, 1, null, null, 0.0, null, []]]]',  # no such slot
        '[2, "%s", null, [[0, 1, null, null, 0.0, null]]]',  # a short row
        '[2, "%s", null, [[0, true, null, null, 0.0, null, []]]]',  # a flag for a count
        '[2, "%s", "yesterday", []]',
    ],
)
def test_malformed_summaries_are_refused(text: str) -> None:
    fingerprint = ActivitySummary.empty(DEFINITION).fingerprint
    with pytest.raises(ValueError, match="malformed activity summary"):
        ActivitySummary.from_json(text.replace("%s", fingerprint), DEFINITION)


def test_an_instant_read_inexactly_makes_a_summary_malformed_not_wrong() -> None:
    # json_state (the real-time path's reader) leaves an integer beyond 64 bits to
    # orjson, which makes it a float; the row checks refuse it and the path rebuilds.
    fingerprint = ActivitySummary.empty(DEFINITION).fingerprint
    text = f'[2, "{fingerprint}", null, [[0, 1, {2**64 + 1}, "page_view", 0.0, null, []]]]'
    assert type(json_state(text)[3][0][2]) is float
    with pytest.raises(ValueError, match="malformed activity summary"):
        ActivitySummary.from_data(json_state(text), DEFINITION)


def test_the_fingerprint_does_not_depend_on_the_process(definition: Definition) -> None:
    """Stored summaries outlive processes; set iteration order changes between them."""
    code = (
        "from tests.unit.engine.builders import waterfall;"
        "from leadflow.engine import ActivitySummary;"
        "print(ActivitySummary.empty(waterfall()).fingerprint)"
    )
    root = Path(__file__).resolve().parents[3]
    prints = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert prints == {ActivitySummary.empty(definition).fingerprint}

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.definition.model import DISQUALIFIED, NURTURE
from leadflow.domain.lifecycle import LifecycleState, Transition
from leadflow.domain.qualification import (
    BantResult,
    EngagementResult,
    FitResult,
    Qualification,
    SalesAction,
)
from leadflow.domain.vocabulary import Grade, Identity, LeadType, Temperature
from leadflow.engine import (
    LifecycleError,
    advance,
    disqualify,
    funnel_at,
    move,
    recycle,
    replay,
    stage_at,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
FUNNEL = ("lead", "mql", "sql", "opportunity", "customer")


def verdict(
    stage: str | None,
    at: datetime = T0,
    *,
    sales_ready: bool = False,
    action_at: datetime | None = None,
) -> Qualification:
    """A Qualification as the engine would give, reduced to what the lifecycle reads."""
    return Qualification(
        definition_name="test",
        definition_version="1.0",
        at=at,
        identity=Identity.KNOWN,
        fit=FitResult(80, Grade.A),
        engagement=EngagementResult(10),
        bant=BantResult(),
        temperature=Temperature.UNKNOWN,
        lead_type=LeadType.SRL,
        purchased=False,
        sales_ready=sales_ready,
        sales_ready_reason="test",
        last_sales_action=None if action_at is None else SalesAction("demo_request", action_at),
        stage=stage,
        stages=FUNNEL,
    )


def test_a_new_lead_enters_at_its_target_stage() -> None:
    step = advance(LifecycleState(), verdict("mql"), T0)
    assert step.state.stage == "mql"
    assert step.state.entered_at == T0
    assert step.transition == Transition(
        None, "mql", T0, "entered the funnel", "1.0", rule="stage:mql"
    )


def test_forward_moves_are_automatic_and_recorded() -> None:
    state = advance(LifecycleState(), verdict("lead"), T0).state
    step = advance(state, verdict("sql"), T0 + timedelta(days=1))
    assert step.state.stage == "sql"
    assert step.transition is not None
    assert (step.transition.from_stage, step.transition.to_stage) == ("lead", "sql")
    assert step.transition.actor is None


def test_a_lead_never_moves_back_silently() -> None:
    state = advance(LifecycleState(), verdict("sql"), T0).state
    for lower in ("mql", "lead", None, "sql"):
        step = advance(state, verdict(lower), T0 + timedelta(days=40))
        assert step.state is state
        assert step.transition is None


def test_recycling_and_disqualifying_need_a_reason_and_an_actor() -> None:
    state = advance(LifecycleState(), verdict("sql"), T0).state
    with pytest.raises(LifecycleError, match="reason"):
        recycle(state, "  ", "rep:jo", T0)
    with pytest.raises(LifecycleError, match="actor"):
        disqualify(state, "student", "", T0)
    step = recycle(state, "no budget this year", "rep:jo", T0 + timedelta(days=1))
    assert step.state.stage == NURTURE
    assert step.state.funnel_stage == "sql"  # where it was recycled from
    assert step.state.recycled_reason == "no budget this year"
    assert step.transition is not None
    assert (step.transition.actor, step.transition.rule) == ("rep:jo", None)
    with pytest.raises(LifecycleError, match="already"):
        recycle(step.state, "again", "rep:jo", T0)


def test_a_recycled_lead_comes_back_only_on_a_new_sales_action() -> None:
    state = advance(LifecycleState(), verdict("sql"), T0).state
    recycled_at = T0 + timedelta(days=2)
    state = recycle(state, "not now", "rep:jo", recycled_at).state
    old_action = verdict("sql", sales_ready=True, action_at=T0 + timedelta(days=1))
    assert advance(state, old_action, recycled_at + timedelta(days=1)).transition is None
    not_ready = verdict("mql", action_at=recycled_at + timedelta(days=5))
    assert advance(state, not_ready, recycled_at + timedelta(days=6)).transition is None
    again = verdict("sql", sales_ready=True, action_at=recycled_at + timedelta(days=20))
    step = advance(state, again, recycled_at + timedelta(days=21))
    assert step.state.stage == "sql"
    assert step.state.recycled_at is None
    assert step.transition is not None
    assert step.transition.reason.startswith("re-qualified after recycling: demo_request")


def test_disqualified_is_left_only_explicitly() -> None:
    state = advance(LifecycleState(), verdict("mql"), T0).state
    state = disqualify(state, "competitor", "rep:jo", T0 + timedelta(days=1)).state
    assert state.stage == DISQUALIFIED
    assert state.disqualified_reason == "competitor"
    ready = verdict("sql", sales_ready=True, action_at=T0 + timedelta(days=5))
    assert advance(state, ready, T0 + timedelta(days=6)).transition is None
    back = move(state, "mql", "was a partner, not a competitor", "ops:kim", T0 + timedelta(days=7))
    assert back.state.stage == "mql"
    assert back.state.disqualified_reason is None
    with pytest.raises(LifecycleError, match="recycle or disqualify"):
        move(back.state, NURTURE, "x", "ops:kim", T0)


def test_an_unknown_stage_is_left_only_explicitly() -> None:
    state = LifecycleState(stage="marketing_prospect", entered_at=T0)
    assert advance(state, verdict("sql"), T0 + timedelta(days=1)).transition is None


def test_the_funnel_is_rebuilt_at_any_past_moment() -> None:
    day = timedelta(days=1)
    first = advance(LifecycleState(), verdict("lead"), T0)
    assert first.transition is not None
    history = [first.transition]
    state = first.state
    for call in (
        lambda s: advance(s, verdict("sql"), T0 + 2 * day),
        lambda s: recycle(s, "not now", "rep:jo", T0 + 5 * day),
        lambda s: disqualify(s, "bounced", "system", T0 + 9 * day),
    ):
        step = call(state)
        state = step.state
        assert step.transition is not None
        history.append(step.transition)
    assert stage_at(history, T0 - day) is None
    assert stage_at(history, T0 + day) == "lead"
    assert stage_at(history, T0 + 3 * day) == "sql"
    assert stage_at(history, T0 + 6 * day) == NURTURE
    assert replay(history) == state
    other = [Transition(None, "lead", T0 + 4 * day, "entered the funnel")]
    assert funnel_at([history, other], T0 + 4 * day) == {"sql": 1, "lead": 1}


@settings(max_examples=100, deadline=None)
@given(
    targets=st.lists(st.sampled_from([None, *FUNNEL]), min_size=1, max_size=30),
    ready=st.lists(st.booleans(), min_size=30, max_size=30),
    recycle_at=st.sets(st.integers(min_value=0, max_value=29)),
)
def test_the_lifecycle_never_moves_back_automatically(
    targets: list[str | None], ready: list[bool], recycle_at: set[int]
) -> None:
    state = LifecycleState()
    history: list[Transition] = []
    for day, target in enumerate(targets):
        now = T0 + timedelta(days=day)
        before = state
        if day in recycle_at and state.stage not in (None, NURTURE):
            step = recycle(state, "not now", "rep:jo", now)
        else:
            result = verdict(target, now, sales_ready=ready[day], action_at=now)
            step = advance(state, result, now)
        if step.transition is not None:
            history.append(step.transition)
            if step.transition.rule is not None:  # automatic
                assert before.stage == NURTURE or _forward(before, step.state)
        state = step.state
    assert replay(history) == state


def _forward(before: LifecycleState, after: LifecycleState) -> bool:
    if before.stage is None:
        return True
    return FUNNEL.index(str(after.stage)) > FUNNEL.index(str(before.stage))


def test_transitions_have_a_json_form() -> None:
    step = advance(LifecycleState(), verdict("lead"), T0)
    assert step.transition is not None
    assert step.transition.to_dict() == {
        "from": None,
        "to": "lead",
        "at": "2026-01-01T00:00:00+00:00",
        "reason": "entered the funnel",
        "definition_version": "1.0",
        "rule": "stage:lead",
        "actor": None,
    }
    assert replace(step.state, stage="mql").stage == "mql"

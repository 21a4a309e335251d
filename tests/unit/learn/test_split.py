import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.learn.errors import LearnInputError
from leadflow.learn.split import SplitKind, holdout
from leadflow.learn.table import table_from_columns


def _table(moments: list[int], won: list[int]):  # type: ignore[no-untyped-def]
    size = len(moments)
    return table_from_columns(
        {"A": [f"v{i % 3}" for i in range(size)]},
        ids=np.arange(size).astype(str).astype(object),
        outcome=np.array(won, dtype=np.int8),
        decided_at=np.array(moments, dtype=np.int64),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=20, max_size=120), st.randoms())
def test_time_split_never_trains_on_the_future(moments: list[int], rnd) -> None:  # type: ignore[no-untyped-def]
    won = [rnd.randint(0, 1) for _ in moments]
    table = _table(moments, won)
    try:
        split = holdout(table, fraction=0.25)
    except LearnInputError:
        return  # one side without both outcomes, or all leads decided at one moment
    assert split.kind is SplitKind.TIME
    times = table.decided_at
    assert times is not None
    assert times[split.train].max() < times[split.test].min()
    assert split.cutoff == times[split.test].min()
    assert sorted([*split.train, *split.test]) == list(range(len(moments)))


def test_time_split_holds_out_the_latest_leads() -> None:
    moments = list(range(100))[::-1]  # rows listed newest first
    table = _table(moments, [i % 2 for i in range(100)])
    split = holdout(table, fraction=0.2)
    assert sorted(table.decided_at[split.test]) == list(range(80, 100))  # type: ignore[index]


def test_without_times_the_split_is_stratified() -> None:
    size = 200
    table = table_from_columns(
        {"A": ["x", "y"] * 100},
        ids=np.arange(size).astype(str).astype(object),
        outcome=np.array([1] * 40 + [0] * 160, dtype=np.int8),
    )
    split = holdout(table, fraction=0.25)
    assert split.kind is SplitKind.STRATIFIED
    assert table.outcome[split.test].mean() == pytest.approx(0.2)


def test_a_test_period_without_wins_is_refused() -> None:
    table = _table(list(range(50)), [1] * 10 + [0] * 40)
    with pytest.raises(LearnInputError, match="only lost leads"):
        holdout(table, fraction=0.2)

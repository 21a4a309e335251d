import numpy as np
import pytest

from leadflow.learn.errors import LearnInputError
from leadflow.learn.leakage import (
    LEAKAGE_PRESETS,
    apply_presets,
    guard_leakage,
    scan_leakage,
    suspicious_names,
)
from leadflow.learn.table import table_from_columns


def _table(size: int = 800, seed: int = 0):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    won = (rng.uniform(size=size) < 0.3).astype(np.int8)
    # Written by sales after the outcome: agrees with it 98% of the time.
    note = np.where(won == 1, "Closed by rep", "Not interested").astype(object)
    flip = rng.uniform(size=size) < 0.02
    note[flip] = "Ringing"
    honest = rng.choice(["a", "b", "c"], size=size)
    visits = rng.poisson(3 + 2 * won)
    return table_from_columns(
        {"Sales Note": list(note), "Segment": list(honest), "Visits": visits.astype(float)},
        ids=np.arange(size).astype(str).astype(object),
        outcome=won,
    )


def test_planted_leaky_column_is_flagged_and_refused() -> None:
    table = _table()
    scan = scan_leakage(table)
    assert [s.attribute for s in scan.flagged] == ["Sales Note"]
    assert scan.scores[0].attribute == "Sales Note"
    assert scan.scores[0].auc > 0.95
    with pytest.raises(LearnInputError, match=r"possible leakage: 'Sales Note' \(AUC 0\.9"):
        guard_leakage(table)


def test_flagged_column_kept_when_explicitly_allowed() -> None:
    table, scan = guard_leakage(_table(), allowed=["Sales Note"])
    assert "Sales Note" in table.names
    assert any("allowed" in note and "Sales Note" in note for note in table.notes)
    assert scan.flagged


def test_allowing_an_unknown_column_is_an_error() -> None:
    with pytest.raises(LearnInputError, match="--allow-leaky names no attribute: Nope"):
        guard_leakage(_table(), allowed=["Nope"])


def test_a_many_valued_honest_column_is_not_flagged() -> None:
    # Out-of-fold rates: a column unique per lead cannot look predictive by memorising.
    size = 600
    rng = np.random.default_rng(1)
    table = table_from_columns(
        {"Visitor": [f"v{i % 300}" for i in range(size)]},
        ids=np.arange(size).astype(str).astype(object),
        outcome=(rng.uniform(size=size) < 0.4).astype(np.int8),
    )
    assert not scan_leakage(table).flagged


def test_presets_drop_the_declared_columns() -> None:
    table = _table()
    renamed = table_from_columns(
        {"Tags": list(table.attribute("Sales Note").values), "Segment": ["x", "y"] * 400},
        ids=table.ids,
        outcome=table.outcome,
    )
    kept = apply_presets(renamed, ["x_education"])
    assert kept.names == ("Segment",)
    assert "x_education preset" in kept.notes[-1]
    assert len(LEAKAGE_PRESETS["x_education"]) == 9
    with pytest.raises(LearnInputError, match="unknown leakage preset 'nope'"):
        apply_presets(renamed, ["nope"])


def test_outcome_like_names_are_pointed_out() -> None:
    table = _table()
    assert suspicious_names(table) == ("Sales Note",)

import numpy as np
import pytest

from leadflow.learn.baseline import fit_frequency_bayes
from leadflow.learn.table import table_from_columns


def test_frequency_naive_bayes_by_hand() -> None:
    # Won: channel a,a,b; lost: a,b,b,b,b. Add-one smoothing over four codes (a, b,
    # other, not answered): P(a|won) = 3/7, P(a|lost) = 2/9; prior 3/8 won.
    channel = ["a", "a", "b", "a", "b", "b", "b", "b"]
    won = np.array([1, 1, 1, 0, 0, 0, 0, 0], dtype=np.int8)
    table = table_from_columns(
        {"Channel": channel, "Visits": np.arange(8, dtype=float)},
        ids=np.arange(8).astype(str).astype(object),
        outcome=won,
    )
    baseline = fit_frequency_bayes(table)
    assert baseline is not None
    assert baseline.encoder.names == ("Channel",)  # numbers are not used, as in Odoo
    p_a_won, p_a_lost = 3 / 7, 2 / 9
    expected = 3 / 8 * p_a_won / (3 / 8 * p_a_won + 5 / 8 * p_a_lost)
    assert baseline.predict_table(table)[0] == pytest.approx(expected, rel=1e-6)


def test_unseen_values_do_not_break_scoring() -> None:
    train = table_from_columns(
        {"Channel": ["a", "b"] * 20},
        ids=np.arange(40).astype(str).astype(object),
        outcome=np.array([1, 0] * 20, dtype=np.int8),
    )
    baseline = fit_frequency_bayes(train)
    assert baseline is not None
    other = table_from_columns(
        {"Channel": ["zzz", "a"]},
        ids=np.array(["x", "y"], dtype=object),
        outcome=np.array([0, 1], dtype=np.int8),
    )
    assert baseline.predict_table(other).shape == (2,)


def test_no_categorical_attribute_means_no_baseline() -> None:
    table = table_from_columns(
        {"Visits": np.arange(10, dtype=float)},
        ids=np.arange(10).astype(str).astype(object),
        outcome=np.array([0, 1] * 5, dtype=np.int8),
    )
    assert fit_frequency_bayes(table) is None

import numpy as np
import pytest

from leadflow.learn.metrics import (
    calibration_table,
    expected_calibration_error,
    lift_by_decile,
    score_metrics,
)


def test_ece_by_hand() -> None:
    # Bin 0.1-0.2: predicted 0.15 x2, observed 0.5; bin 0.8-0.9: predicted 0.85 x2, observed 1.
    outcome = np.array([0, 1, 1, 1], dtype=np.int8)
    probability = np.array([0.15, 0.15, 0.85, 0.85])
    assert expected_calibration_error(outcome, probability) == pytest.approx(
        (2 * 0.35 + 2 * 0.15) / 4
    )
    bins = calibration_table(outcome, probability)
    assert [(b.leads, b.observed) for b in bins] == [(2, 0.5), (2, 1.0)]


def test_probability_one_falls_in_the_last_bin() -> None:
    bins = calibration_table(np.array([1], dtype=np.int8), np.array([1.0]))
    assert (bins[0].low, bins[0].high) == (0.9, 1.0)


def test_lift_by_decile_puts_the_best_first() -> None:
    outcome = np.array([1] * 10 + [0] * 90, dtype=np.int8)
    score = np.linspace(1, 0, 100)  # the ten wins have the ten highest scores
    deciles = lift_by_decile(outcome, score)
    assert len(deciles) == 10
    assert (deciles[0].won, deciles[0].lift, deciles[0].cumulative_share_of_wins) == (10, 10, 1)
    assert all(d.won == 0 for d in deciles[1:])


def test_points_have_no_brier() -> None:
    scores = score_metrics(
        np.array([0, 1], dtype=np.int8), np.array([10.0, 80.0]), probability=False
    )
    assert scores.roc_auc == 1.0
    assert scores.brier is None
    assert scores.ece is None

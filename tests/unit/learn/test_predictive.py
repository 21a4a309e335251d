from dataclasses import replace

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

from leadflow.learn.predictive import (
    Calibration,
    Learner,
    assess_size,
    train_model,
)
from leadflow.learn.split import SplitKind
from leadflow.learn.table import Attribute, AttributeKind, table_from_columns

from .conftest import Planted, planted_leads


def test_model_learns_the_planted_profile(planted: Planted) -> None:
    train, test = planted.table.take(np.arange(2400)), planted.table.take(np.arange(2400, 3000))
    model = train_model(train)
    probability = model.predict_table(test)
    assert model.learner in (Learner.BOOSTING, Learner.LOGISTIC)
    assert model.calibration is Calibration.SIGMOID  # too few leads for isotonic
    best = roc_auc_score(test.outcome, planted.probability[2400:])
    assert roc_auc_score(test.outcome, probability) > best - 0.03
    assert ((probability > 0) & (probability < 1)).all()


def test_full_size_data_uses_gradient_boosting(planted: Planted) -> None:
    size = assess_size(planted.table)
    assert size.learner is Learner.AUTO
    assert size.message is None


def test_small_data_falls_back_to_logistic_regression_and_says_so() -> None:
    small = planted_leads(80, seed=2).table
    size = assess_size(small)
    assert size.learner is Learner.LOGISTIC
    assert size.message is not None
    assert size.message.startswith("small data: 80 closed leads")
    assert "regularised logistic regression" in size.message
    model = train_model(small, learner=Learner.LOGISTIC)
    assert model.calibration is Calibration.NONE
    assert model.predict_table(small).shape == (80,)


def test_tiny_data_gets_icp_only() -> None:
    size = assess_size(planted_leads(25, seed=2).table)
    assert size.learner is None
    assert size.message is not None
    assert "ICP discovery only" in size.message


def test_calibration_improves_brier_on_a_miscalibrated_booster() -> None:
    # Wins are much rarer late in the period than early, so a booster fitted on the
    # early leads is overconfident for the later ones; calibrating on the latest slice
    # of the training leads corrects it.
    rng = np.random.default_rng(7)
    size = 6000
    x = rng.normal(size=size)
    drift = np.linspace(0, -2.0, size)
    won = (rng.uniform(size=size) < 1 / (1 + np.exp(-(1.5 * x + drift)))).astype(np.int8)
    table = table_from_columns(
        {"Score": x},
        ids=np.arange(size).astype(str).astype(object),
        outcome=won,
        decided_at=np.arange(size, dtype=np.int64),
    )
    train, test = table.take(np.arange(5000)), table.take(np.arange(5000, size))
    raw = train_model(train, learner=Learner.BOOSTING, calibration=Calibration.NONE)
    calibrated = train_model(train, learner=Learner.BOOSTING, calibration=Calibration.SIGMOID)
    raw_brier = brier_score_loss(test.outcome, raw.predict_table(test))
    calibrated_brier = brier_score_loss(test.outcome, calibrated.predict_table(test))
    assert calibrated_brier < raw_brier - 0.005


def _interacting(size: int = 4000):  # type: ignore[no-untyped-def]
    """Wins need both a partner programme and a big deal: an interaction, not a sum."""
    rng = np.random.default_rng(11)
    partner = rng.choice(["yes", "no"], size=size)
    deal = rng.uniform(0, 100, size=size)
    logit = np.where((partner == "yes") == (deal > 50), 1.5, -1.5)
    won = (rng.uniform(size=size) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    return table_from_columns(
        {"Partner": list(partner), "Deal": deal},
        ids=np.arange(size).astype(str).astype(object),
        outcome=won,
    )


def test_auto_keeps_the_learner_that_predicts_held_out_leads_better(planted: Planted) -> None:
    # The planted profile adds up (a logistic model); the other table is an interaction.
    assert train_model(planted.table).learner is Learner.LOGISTIC
    assert train_model(_interacting()).learner is Learner.BOOSTING


@pytest.mark.parametrize("method", [Calibration.SIGMOID, Calibration.ISOTONIC])
def test_calibration_methods_give_probabilities(planted: Planted, method: Calibration) -> None:
    model = train_model(planted.table, calibration=method)
    probability = model.predict_table(planted.table)
    assert model.calibration is method
    assert probability.min() >= 0
    assert probability.max() <= 1


def test_an_attribute_the_crm_recorded_only_lately_does_not_break_training() -> None:
    # A field added to the CRM a few weeks ago: answered only on the latest leads, so
    # the calibration slice has values and the slice the trees are fitted on has none.
    table = planted_leads(600, seed=3).table
    latest = np.argsort(table.decided_at)[-60:]
    budget = np.full(len(table), np.nan)
    budget[latest] = np.arange(60) * 1000.0
    extra = table_from_columns(
        {"Budget": budget}, ids=table.ids, outcome=table.outcome, decided_at=table.decided_at
    )
    table = replace(table, attributes=(*table.attributes, *extra.attributes))

    model = train_model(table, learner=Learner.BOOSTING, split=SplitKind.TIME)

    assert "Budget" in model.encoder.names
    probabilities = model.predict_table(table)
    assert np.all((probabilities > 0) & (probabilities < 1))


def test_an_attribute_without_any_value_is_no_feature(planted: Planted) -> None:
    nothing = Attribute("Budget", "contact.budget", AttributeKind.NUMERIC,
                        np.full(len(planted.table), np.nan))  # fmt: skip
    table = replace(planted.table, attributes=(*planted.table.attributes, nothing))

    model = train_model(table, learner=Learner.BOOSTING, calibration=Calibration.NONE)

    assert "Budget" not in model.encoder.names

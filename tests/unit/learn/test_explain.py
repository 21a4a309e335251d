import numpy as np

from leadflow.learn.explain import Explanation, explain
from leadflow.learn.predictive import train_model

from .conftest import Planted


def _effect(explanation: Explanation, attribute: str) -> float:
    parts = (*explanation.positive, *explanation.negative)
    return next((c.effect for c in parts if c.attribute == attribute), 0.0)


def test_contributions_point_at_the_planted_attributes(planted: Planted) -> None:
    model = train_model(planted.table)
    table = planted.table
    industry = table.attribute("Industry").values
    employees = table.attribute("Employees").values
    best = np.flatnonzero((industry == "software") & (employees >= 300))[:20]
    worst = np.flatnonzero((industry != "software") & (employees < 50))[:20]
    chosen = table.take(np.concatenate([best, worst]))
    explanations = explain(model, model.encoder.encode(chosen), list(chosen.ids), top=3)
    good, bad = explanations[:20], explanations[20:]
    # Every well-placed lead is explained first by its industry, and on average both
    # planted attributes push up for them and down for the badly placed leads.
    assert all(e.positive[0].attribute == "Industry" for e in good)
    assert all(e.positive[0].value == "software" for e in good)
    assert np.mean([_effect(e, "Industry") for e in good]) > 1.0
    assert np.mean([_effect(e, "Employees") for e in good]) > 0.3
    assert np.mean([_effect(e, "Industry") for e in bad]) < -0.1
    assert np.mean([_effect(e, "Employees") for e in bad]) < -0.1
    # The noise attribute matters less than the planted ones.
    noise = np.mean([abs(_effect(e, "Country")) for e in explanations])
    assert noise < np.mean([abs(_effect(e, "Industry")) for e in explanations])
    assert min(e.probability for e in good) > max(e.probability for e in bad)


def test_explanations_keep_lead_order_and_probabilities(planted: Planted) -> None:
    model = train_model(planted.table)
    chosen = planted.table.take(np.arange(5))
    matrix = model.encoder.encode(chosen)
    explanations = explain(model, matrix, list(chosen.ids), top=1)
    assert [e.lead for e in explanations] == list(chosen.ids)
    assert [e.probability for e in explanations] == list(model.predict(matrix))
    assert all(len(e.positive) <= 1 and len(e.negative) <= 1 for e in explanations)

"""Acceptance on the demo world: ICP discovery and the model against the hidden truth.

A world of 40,000 contacts (about 5,700 closed leads) is generated once for the module;
smaller worlds hold too few closed leads for the 0.02 tolerance to be a fair test of a
model (its estimation noise alone is about that large at 3,000 leads).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from leadflow.definition.model import ATTRIBUTE_NAMESPACES
from leadflow.demo import generate_world
from leadflow.learn.icp import IcpReport, discover_icp
from leadflow.learn.levels import LevelKind
from leadflow.learn.predictive import train_model
from leadflow.learn.split import SplitKind
from leadflow.learn.table import LeadTable
from leadflow.learn.world_source import read_world_history

pytestmark = pytest.mark.slow

# Attributes of the hidden profile that the world's files hold as they are.
CATEGORICAL = ("industry", "seniority", "channel", "country")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[LeadTable, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("world")
    generate_world(folder, contacts=40_000, seed=3, fmt="parquet")
    truth = json.loads((folder / "truth.json").read_text())
    # Every closed lead, as the truth's Bayes-optimal AUC counts them.
    return read_world_history(folder, mature_only=False), truth


def _levels(report: IcpReport, coefficients: dict[str, dict[str, float]], names: tuple[str, ...]):  # type: ignore[no-untyped-def]
    for profile in report.attributes:
        if profile.name in names:
            for finding in profile.levels:
                if finding.level.kind is LevelKind.VALUES:
                    yield finding, coefficients[profile.name][finding.level.values[0]]


def test_icp_discovery_recovers_the_hidden_profile(world: tuple[LeadTable, dict[str, Any]]) -> None:
    table, truth = world
    coefficients = truth["win_model"]["coefficients"]
    report = discover_icp(table)
    mean = {name: float(np.mean(list(coefficients[name].values()))) for name in CATEGORICAL}

    # Value by value, the weight of evidence follows the hidden coefficients. Country is
    # left out of the rank test: each country has its own sales team, and the truth
    # keeps the reps' under-working apart from the profile though it loses deals.
    pairs = list(_levels(report, coefficients, ("industry", "seniority", "channel")))
    rho = spearmanr([f.woe for f, _ in pairs], [c for _, c in pairs]).statistic
    assert rho >= 0.7, rho

    # (Single findings may still disagree with the truth: win rates among closed leads
    # are marginal, the hidden coefficients conditional. Organic search's own effect is
    # positive, but it brings people who fit worse, so its leads win less than average.)

    # The top of the ranking: the five strongest persona values that win are values the
    # hidden profile favours.
    winners = [
        f
        for f in report.winners
        if f.path.partition(".")[0] in ATTRIBUTE_NAMESPACES and f.attribute in CATEGORICAL
    ][:5]
    assert len(winners) == 5
    for finding in winners:
        assert coefficients[finding.attribute][finding.level.values[0]] > mean[finding.attribute]


def test_model_auc_is_within_two_points_of_the_bayes_optimum(
    world: tuple[LeadTable, dict[str, Any]],
) -> None:
    table, truth = world
    predicted = np.zeros(len(table))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    with threadpool_limits(limits=1):
        for fit, held in folds.split(np.zeros(len(table)), table.outcome):
            model = train_model(table.take(fit), split=SplitKind.STRATIFIED)
            predicted[held] = model.predict_table(table.take(held))
    auc = roc_auc_score(table.outcome, predicted)
    assert truth["outcomes"]["won"] + truth["outcomes"]["lost"] == len(table)
    assert auc >= truth["bayes_optimal_auc"] - 0.02, (auc, truth["bayes_optimal_auc"])

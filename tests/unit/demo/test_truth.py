"""The ground truth is exact (recomputable from the data files) and agrees with the data."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from leadflow.demo import truth
from leadflow.domain.clock import parse_instant

from .conftest import WorldFiles


def _size_band(employees: int, bands: dict[str, list[int]]) -> str:
    return next(label for label, (low, high) in bands.items() if low <= employees <= high)


def _email_kind(email: str, account: dict[str, str] | None, competitors: list[str]) -> str:
    """The documented rule: competitor, student domain, the employer's domain, else free mail."""
    domain = email.rsplit("@", 1)[1]
    if domain in competitors:
        return "competitor"
    if domain.startswith("student."):
        return "university"
    return "corporate" if account and domain == account["domain"] else "free_mail"


def _recomputed_p_close(world: WorldFiles, row: dict[str, str], model: dict[str, Any]) -> float:
    c = model["coefficients"]
    contact = next(x for x in world.contacts if x["contact_id"] == row["contact_id"])
    account = next((a for a in world.accounts if a["account_id"] == contact["account_id"]), None)
    handed = parse_instant(row["handed_off_at"])
    mine = [e for e in world.events if e["contact_id"] == row["contact_id"]]
    before = [e for e in mine if parse_instant(e["at"]) < handed]
    iql = any(
        e["type"] == "content_download" and e["properties"]["asset"] in model["product_assets"]
        for e in before
    )
    since = handed - timedelta(days=model["engagement_window_days"])
    engaged = sum(
        e["type"] in model["engagement_types"] and parse_instant(e["at"]) >= since for e in before
    )
    trigger = next(
        a["trigger"]
        for a in world.activities
        if a["kind"] == "hand_off" and a["contact_id"] == row["contact_id"]
    )
    competitors = world.truth["generator"]["competitor_domains"]
    logit = (
        c["intercept"]
        + c["industry"][account["industry"] if account else truth.NONE]
        + c["size_band"][
            _size_band(int(account["employees"]), model["size_bands"]) if account else truth.NONE
        ]
        + c["country"][contact["country"]]
        + c["seniority"][contact["seniority"]]
        + c["email_kind"][_email_kind(contact["email"], account, competitors)]
        + c["channel"][contact["channel"]]
        + c["first_sales_action"][trigger]
        + c["iql"] * iql
        + c["engagement_log1p"] * math.log1p(engaged)
    )
    return 1.0 / (1.0 + math.exp(-logit))


def test_win_probabilities_are_recomputable_from_the_files_and_truth_json(
    small_world: WorldFiles,
) -> None:
    model = small_world.truth["win_model"]
    leads = [row for row in small_world.truth_contacts if row["handed_off_at"]]
    assert len(leads) > 30
    for row in leads:
        p_close = _recomputed_p_close(small_world, row, model)
        assert float(row["p_close"]) == pytest.approx(p_close, abs=2e-6)
        under = model["rep_under_work_rate"][row["rep_id"]]
        assert float(row["win_probability"]) == pytest.approx((1 - under) * p_close, abs=2e-6)


def test_truth_json_repeats_the_hidden_model(small_world: WorldFiles) -> None:
    document = small_world.truth
    assert document["win_model"]["coefficients"] == truth.coefficients()
    assert document["channel_quality"]["order"] == [
        "referral",
        "events",
        "linkedin",
        "organic_search",
        "paid_search",
        "newsletter",
        "outbound_list",
        "purchased",
    ]
    reps = {row["rep_id"] for row in small_world.csv("reps.csv")}
    assert set(document["win_model"]["rep_under_work_rate"]) == reps
    ranking = [(r["attribute"], r["value"]) for r in document["ideal_customer_profile"]]
    assert ranking[0] == ("channel", "referral")
    assert ranking[-1] == ("email_kind", "competitor")


def test_bayes_optimal_auc_is_the_auc_of_true_probabilities_on_closed_leads(
    small_world: WorldFiles,
) -> None:
    closed = [row for row in small_world.truth_contacts if row["outcome"] in ("won", "lost")]
    won = [row["outcome"] == "won" for row in closed]
    p_win = [float(row["win_probability"]) for row in closed]
    expected = roc_auc_score(won, p_win)
    assert small_world.truth["bayes_optimal_auc"] == pytest.approx(expected, abs=1e-6)
    assert 0.6 < expected < 0.95


def test_bayes_auc_handles_ties_like_scikit_learn() -> None:
    rng = np.random.default_rng(5)
    p = np.round(rng.random(500), 1)  # many ties
    won = rng.random(500) < p
    assert truth.bayes_optimal_auc(p, won) == pytest.approx(roc_auc_score(won, p), abs=1e-12)
    assert truth.bayes_optimal_auc(p, np.ones(500, dtype=bool)) is None


def test_contacts_who_fit_the_hidden_profile_win_clearly_more(moderate_world: WorldFiles) -> None:
    closed = [row for row in moderate_world.truth_contacts if row["outcome"] in ("won", "lost")]
    fit = np.array([float(row["fit_logit"]) for row in closed])
    won = np.array([row["outcome"] == "won" for row in closed])
    low, high = np.quantile(fit, [0.25, 0.75])
    assert won[fit >= high].mean() > won[fit <= low].mean() + 0.15


def test_realised_channel_quality_follows_the_true_ordering(moderate_world: WorldFiles) -> None:
    channel = {row["contact_id"]: row["channel"] for row in moderate_world.contacts}
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in moderate_world.truth_contacts:
        counts = tally[channel[row["contact_id"]]]
        counts[0] += row["outcome"] == "won"
        counts[1] += 1
    order = truth.channel_quality_order()
    realised = np.array([tally[name][0] / tally[name][1] for name in order])
    true_effect = np.array([truth.CHANNEL[name] for name in order])
    assert _spearman(realised, true_effect) >= 0.85
    best, worst = realised[:2].mean(), realised[-2:].mean()
    assert best > 2 * worst


def _spearman(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> float:
    ranks_a, ranks_b = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ranks_a, ranks_b)[0, 1])

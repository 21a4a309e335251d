"""A model trained on closed leads shaped like the store's, for scoring live contacts.

The leads have what a store history gives a model (learn/history.py): persona columns
under their fact paths, the e-mail facts, the hand-off's trigger and rep, and activity
aggregates as of each hand-off. Directors, referrals and pricing-sheet downloads win
more, so tests can tell a strong lead from a weak one. Training is seeded and quick.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from leadflow.learn.activity import EventLog
from leadflow.learn.artifact import SavedModel, save_model
from leadflow.learn.history import ClosedLeads, lead_table
from leadflow.learn.predictive import Calibration, Learner, ScoringModel, train_model
from leadflow.learn.scoring import ModelScorer, activity_card, card_assets
from leadflow.learn.table import LeadTable

T0 = datetime(2025, 6, 1, tzinfo=UTC)
SENIORITY = ("director", "manager", "intern")
CHANNELS = ("referral", "paid_search", "organic")
INDUSTRIES = ("software", "retail", "logistics")
_DAY = 86_400


def live_leads(size: int = 600, seed: int = 0) -> LeadTable:
    rng = np.random.default_rng(seed)
    start = int(T0.timestamp())
    decided = np.sort(start + rng.integers(0, 300 * _DAY, size)).astype(np.int64)
    created = decided - rng.integers(_DAY, 200 * _DAY, size)
    seniority = rng.choice(SENIORITY, size)
    channel = rng.choice(CHANNELS, size)
    leads, types, moments, assets = [], [], [], []
    views = rng.poisson(3, size)
    pricing = rng.uniform(size=size) < 0.3
    for lead in range(size):
        for _ in range(views[lead]):
            leads.append(lead)
            types.append("page_view")
            moments.append(int(decided[lead] - rng.integers(3600, 80 * _DAY)))
            assets.append(None)
        if pricing[lead]:
            leads.append(lead)
            types.append("content_download")
            moments.append(int(decided[lead] - rng.integers(3600, 20 * _DAY)))
            assets.append("pricing-spec-sheet.pdf")
        leads.append(lead)  # the trigger, at the hand-off: never counted
        types.append("demo_request")
        moments.append(int(decided[lead]))
        assets.append(None)
    logit = (
        -1.6
        + 1.8 * (seniority == "director")
        + 0.7 * (seniority == "manager")
        + 0.9 * (channel == "referral")
        + 0.25 * np.minimum(views, 6)
        + 1.0 * pricing
    )
    won = (rng.uniform(size=size) < 1 / (1 + np.exp(-logit))).astype(int)
    domains = rng.choice(["gmail.com", "acme.example", "firm.example"], size)
    closed = ClosedLeads(
        ids=[f"L{i}" for i in range(size)],
        won=won.tolist(),
        decided_at=decided,
        closed_at=decided + 30 * _DAY,
        created_at=created,
        emails=[f"p{i}@{domain}" for i, domain in enumerate(domains)],
        triggers=["demo_request"] * size,
        reps=list(rng.choice(["ana", "bo"], size)),
        events=EventLog(
            lead=np.array(leads, dtype=np.intp),
            type=np.array(types, dtype=object),
            at=np.array(moments, dtype=np.int64),
            asset=np.array(assets, dtype=object),
        ),
        fields={
            "seniority": ("contact.seniority", list(seniority)),
            "channel": ("source.channel", list(channel)),
            "industry": ("account.industry", list(rng.choice(INDUSTRIES, size))),
            "employees": ("account.employees", rng.integers(5, 3000, size).tolist()),
            "purchased": ("source.purchased", ["true" if p else "false" for p in pricing]),
        },
    )
    return lead_table(closed, mature_only=False)


def live_model(learner: Learner = Learner.LOGISTIC, seed: int = 0) -> ScoringModel:
    calibration = Calibration.NONE if learner is Learner.LOGISTIC else Calibration.SIGMOID
    return train_model(live_leads(seed=seed), learner=learner, calibration=calibration, seed=seed)


def live_scorer(learner: Learner = Learner.LOGISTIC, seed: int = 0) -> ModelScorer:
    card = {"version": 1, "activity": activity_card(None)}
    return ModelScorer(live_model(learner, seed), 1, card_assets(card))


def save_live_model(root: Path, learner: Learner = Learner.LOGISTIC, seed: int = 0) -> SavedModel:
    """The next version under ``root``, with a card as ``leadflow learn model`` writes it."""
    card = {"activity": activity_card(None), "metrics": {"holdout": {"roc_auc": 0.7}}}
    return save_model(root, live_model(learner, seed), card, now=T0)

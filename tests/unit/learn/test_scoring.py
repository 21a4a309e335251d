"""Scoring live people: the scorer, the card's asset globs, the latest sales action."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from leadflow.definition.model import AssetsConfig
from leadflow.domain.facts import Event, Facts, Source
from leadflow.domain.vocabulary import SALES_ACTION_EVENTS
from leadflow.learn.activity import (
    EventLog,
    activity_attributes,
    activity_record,
    default_assets,
    epoch_micros,
)
from leadflow.learn.artifact import load_model, read_model_files
from leadflow.learn.errors import LearnInputError
from leadflow.learn.scoring import ModelScorer, activity_card, card_assets, scorer_of
from tests.unit.learn.live_model import live_scorer, save_live_model

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def scorer() -> ModelScorer:
    return live_scorer()


def test_the_scorer_knows_what_it_reads(scorer: ModelScorer) -> None:
    assert scorer.reads_events
    assert scorer.reads_created_at
    # The rep is decided by the hand-off the prediction gates: never known when scoring.
    assert scorer.unread_paths == ("sales.rep",)


def test_a_strong_lead_scores_higher_than_a_weak_one(scorer: ModelScorer) -> None:
    downloads = tuple(
        Event("content_download", NOW - timedelta(days=d), {"asset": "pricing-spec-sheet.pdf"})
        for d in (3, 9)
    )
    views = tuple(Event("page_view", NOW - timedelta(days=d)) for d in range(1, 6))
    strong = Facts(
        contact={"seniority": "director", "email": "ann@acme.example"},
        source=Source(channel="referral"),
        events=downloads + views + (Event("demo_request", NOW),),
    )
    weak = Facts(
        contact={"seniority": "intern", "email": "bo@gmail.com"},
        source=Source(channel="organic"),
        events=(Event("demo_request", NOW),),
    )
    created = NOW - timedelta(days=40)
    high = scorer.predict_person(strong, NOW, created_at=created)
    low = scorer.predict_person(weak, NOW, created_at=created)
    assert 0 < low < high < 1
    assert high - low > 0.3


def test_the_card_records_the_asset_globs_activity_was_counted_with() -> None:
    custom = AssetsConfig(product_specific=("*brochure*",), events=frozenset({"download"}))
    card = {"activity": activity_card(custom)}
    assert card_assets(card) == AssetsConfig(
        product_specific=("*brochure*",), events=frozenset({"download"})
    )
    # Cards written before the globs were recorded: the default preset's, as in training.
    assert card_assets({}) == default_assets()
    assert card_assets({"activity": activity_card(None)}).product_specific == (
        default_assets().product_specific
    )


def test_a_saved_model_scores_as_the_model_it_was(tmp_path: Path, scorer: ModelScorer) -> None:
    saved = save_live_model(tmp_path / "models")
    folder, card, pickled = read_model_files(tmp_path / "models")
    assert folder == saved.path
    assert card["activity"] == activity_card(None)
    loaded = scorer_of(pickled, card, where="test")
    assert loaded.version == 1
    facts = Facts(contact={"seniority": "manager"}, events=(Event("page_view", NOW),))
    assert loaded.predict_person(facts, NOW, created_at=None) == scorer.predict_person(
        facts, NOW, created_at=None
    )
    assert load_model(tmp_path / "models").version == 1


def test_a_pickle_that_is_not_a_model_is_refused() -> None:
    with pytest.raises(LearnInputError, match="not a leadflow scoring model"):
        scorer_of(pickle.dumps({"model": 1}), {}, where="x")
    with pytest.raises(LearnInputError, match="cannot load the model"):
        scorer_of(b"not a pickle", {}, where="x")


def test_the_latest_sales_action_ties_are_broken_by_type_name() -> None:
    at = NOW - timedelta(days=1)
    events = (
        Event("trial_start", at),
        Event("demo_request", at),
        Event("page_view", NOW),  # later, but no sales action
    )
    assert activity_record(events, NOW)["first sales action"] == "trial_start"
    assert activity_record(events[1:], NOW)["first sales action"] == "demo_request"
    assert activity_record(events[2:], NOW)["first sales action"] is None


def test_activity_for_one_person_counts_before_now_and_the_action_at_now() -> None:
    events = (
        Event("page_view", NOW - timedelta(days=100)),
        Event("page_view", NOW - timedelta(days=2)),
        Event("quote_request", NOW - timedelta(days=1)),
        Event("demo_request", NOW),
        Event("trial_start", NOW + timedelta(seconds=1)),
    )
    record = activity_record(events, NOW, NOW - timedelta(days=200))
    assert record["page_view (90 days)"] == 1.0
    assert record["events before"] == 3.0
    assert record["days known"] == 200.0
    assert record["days since last event"] == 1.0
    assert record["first sales action"] == "demo_request"  # at now: yes; after now: no


def test_one_persons_activity_equals_the_vectorised_aggregates() -> None:
    """activity_record (plain Python, real time) and activity_attributes (numpy, batch)."""
    rng = np.random.default_rng(5)
    kinds = ["page_view", "email_click", "content_download", "demo_request", "trial_start"]
    assets = [None, "pricing-spec-sheet.pdf", "Big-Ebook.PDF", 7]
    for person in range(200):
        events = tuple(
            Event(
                str(rng.choice(kinds)),
                NOW - timedelta(microseconds=int(rng.integers(-5_000_000, 200 * 86_400_000_000))),
                {"asset": assets[int(rng.integers(0, len(assets)))]},
            )
            for _ in range(int(rng.integers(0, 12)))
        )
        created = None if person % 9 == 0 else NOW - timedelta(days=float(rng.uniform(0, 300)))
        record = activity_record(events, NOW, created)
        micros = np.array([epoch_micros(e.at) for e in events], dtype=np.int64)
        log = EventLog(
            lead=np.zeros(len(events), dtype=np.intp),
            type=np.array([e.type for e in events], dtype=object),
            at=micros // 1_000_000,
            asset=np.array([e.properties.get("asset") for e in events], dtype=object),
        )
        moment = np.array([epoch_micros(NOW) // 1_000_000])
        born = moment if created is None else np.array([epoch_micros(created) // 1_000_000])
        expected: dict[str, object] = {
            a.name: float(a.values[0]) for a in activity_attributes(log, moment, born)
        }
        if created is None:
            expected["days known"] = None
        actions = [(epoch_micros(e.at), e.type) for e in events if e.type in SALES_ACTION_EVENTS]
        known = [action for action in actions if action[0] <= epoch_micros(NOW)]
        expected["first sales action"] = max(known)[1] if known else None
        assert record.keys() == expected.keys()
        for name, value in expected.items():
            if isinstance(value, float) and np.isnan(value):
                assert np.isnan(record[name]), name  # type: ignore[arg-type]
            else:
                assert record[name] == value, (person, name)

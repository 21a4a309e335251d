"""``predict_frames``: every contact's prediction at once equals the real-time one-person score."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from leadflow.batch.frames import ContactFrame, EventFrame, micros
from leadflow.batch.from_facts import frames_of
from leadflow.batch.prediction import predict_frames
from leadflow.domain.facts import Event, Facts, Source
from leadflow.learn.predictive import Learner
from leadflow.learn.scoring import ModelScorer
from tests.unit.learn.live_model import CHANNELS, INDUSTRIES, SENIORITY, live_scorer

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
KINDS = ("page_view", "content_download", "demo_request", "email_click", "quote_request")


@pytest.fixture(scope="module", params=[Learner.LOGISTIC, Learner.BOOSTING])
def scorer(request: pytest.FixtureRequest) -> ModelScorer:
    return live_scorer(request.param)


def _person(rng: np.random.Generator, index: int) -> tuple[Facts, datetime]:
    """A contact with a bit of everything the model reads, and odd cases mixed in."""
    contact: dict[str, object] = {"email": f"p{index}@{rng.choice(['gmail.com', 'acme.example'])}"}
    if rng.uniform() < 0.8:
        contact["seniority"] = str(rng.choice([*SENIORITY, "Director", "ceo"]))
    if index % 7 == 0:
        contact["email_domain"] = "own.example"  # the contact's own attribute wins
    if index % 11 == 0:
        del contact["email"]
    account: dict[str, object] = {}
    if rng.uniform() < 0.7:
        account["industry"] = str(rng.choice([*INDUSTRIES, "mining"]))
        account["employees"] = int(rng.integers(1, 5000)) if index % 5 else "1,250"
    events = []
    for _ in range(int(rng.integers(0, 8))):
        kind = str(rng.choice(KINDS))
        at = NOW - timedelta(seconds=int(rng.integers(-3 * 86_400, 150 * 86_400)))
        asset = "pricing-spec-sheet.pdf" if kind == "content_download" and index % 2 else None
        events.append(Event(kind, at, {"asset": asset} if asset else {}))
    if index % 3 == 0:  # two sales actions at the same microsecond: ranked by type name
        at = NOW - timedelta(days=2, microseconds=index)
        events += [Event("quote_request", at), Event("demo_request", at)]
    if index % 4 == 0:  # in the same second as ``now``, a moment before and after it
        events += [Event("page_view", NOW - timedelta(microseconds=5)), Event("page_view", NOW)]
    if index % 8 == 0:  # the 90-day window's first second counts, the one before not
        events += [Event("page_view", NOW - timedelta(days=90, seconds=s)) for s in (0, 1)]
    if index % 5 == 0:  # a sales action at ``now`` counts, one after it does not
        events += [Event("quote_request", NOW), Event("demo_request", NOW + timedelta(hours=1))]
    events.sort(key=lambda event: event.at)
    facts = Facts(
        contact=contact,
        account=account,
        source=Source(channel=str(rng.choice([*CHANNELS, "event"])), purchased=index % 6 == 0),
        events=tuple(events),
        consent={"email": "granted"} if index % 2 else {},
    )
    return facts, NOW - timedelta(days=int(rng.integers(0, 400)), microseconds=index)


def _people(size: int, seed: int) -> tuple[list[Facts], list[datetime]]:
    rng = np.random.default_rng(seed)
    pairs = [_person(rng, index) for index in range(size)]
    return [facts for facts, _ in pairs], [created for _, created in pairs]


@pytest.mark.parametrize("chunk", [1, 7, 10_000])
def test_every_contact_at_once_equals_one_person_at_a_time(scorer: ModelScorer, chunk: int) -> None:
    people, created = _people(60, seed=chunk)
    contacts, events = frames_of(people)
    created_us = np.array([micros(moment) for moment in created], dtype=np.int64)

    batch = predict_frames(scorer, contacts, events, created_us, NOW, chunk=chunk)

    one_by_one = np.array(
        [
            scorer.predict_person(facts, NOW, created_at=moment)
            for facts, moment in zip(people, created, strict=True)
        ]
    )
    assert batch.shape == (len(people),)
    assert np.all((batch > 0) & (batch < 1))
    np.testing.assert_allclose(batch, one_by_one, rtol=0, atol=1e-12)
    assert len(set(np.round(batch, 6).tolist())) > len(people) // 2  # not a constant


def test_no_contacts_no_predictions(scorer: ModelScorer) -> None:
    contacts, _ = frames_of([])
    empty = predict_frames(scorer, contacts, EventFrame.empty(), np.empty(0, np.int64), NOW)
    assert empty.shape == (0,)


def test_contacts_without_events_are_scored_from_their_persona(scorer: ModelScorer) -> None:
    strong = Facts(contact={"seniority": "director"}, source=Source(channel="referral"))
    weak = Facts(contact={"seniority": "intern"}, source=Source(channel="organic"))
    contacts, events = frames_of([strong, weak])
    created = np.array([micros(NOW - timedelta(days=10))] * 2, dtype=np.int64)
    both = predict_frames(scorer, contacts, events, created, NOW)
    assert both[0] > both[1]
    bare = ContactFrame.bare(contacts.ids, contacts.attributes)
    assert predict_frames(scorer, bare, events, created, NOW).tolist() == both.tolist()

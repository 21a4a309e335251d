"""SummaryCache: a summary is given back only for the very text it was kept with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadflow.engine.summary import ActivitySummary
from leadflow.services.summary_cache import SummaryCache
from tests.unit.engine.builders import events_of, waterfall

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
DEFINITION = waterfall()


def _summary(*days: float) -> ActivitySummary:
    return ActivitySummary.of(DEFINITION, events_of(NOW, *(("page_view", day) for day in days)))


def test_a_kept_summary_is_given_back_for_the_same_text_once() -> None:
    cache = SummaryCache()
    summary = _summary(1, 2)
    text = summary.to_json()
    cache.keep(7, text, summary)

    assert cache.take(7, text) is summary
    assert cache.take(7, text) is None  # taken out while in use
    assert (cache.hits, cache.misses) == (1, 1)


def test_other_text_is_a_miss_and_drops_the_entry() -> None:
    cache = SummaryCache()
    mine, theirs = _summary(1), _summary(1, 3)  # another writer folded one more event
    cache.keep(7, mine.to_json(), mine)

    assert cache.take(7, theirs.to_json()) is None
    assert len(cache) == 0
    assert cache.take(8, mine.to_json()) is None  # nor is it another contact's


def test_the_least_recently_kept_summary_leaves_first() -> None:
    cache = SummaryCache(capacity=2)
    summaries = {contact: _summary(contact) for contact in (1, 2, 3)}
    for contact in (1, 2):
        cache.keep(contact, summaries[contact].to_json(), summaries[contact])
    cache.keep(1, summaries[1].to_json(), summaries[1])  # 1 used again: 2 is now the oldest
    cache.keep(3, summaries[3].to_json(), summaries[3])

    assert len(cache) == 2
    assert cache.take(2, summaries[2].to_json()) is None
    assert cache.take(1, summaries[1].to_json()) is summaries[1]
    assert cache.take(3, summaries[3].to_json()) is summaries[3]


def test_a_cache_without_room_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        SummaryCache(capacity=0)

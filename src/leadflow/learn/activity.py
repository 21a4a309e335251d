"""Engagement aggregates *as of each lead's decision point*: nothing from after it.

A lead's decision point is the moment a prediction would be made (for handed-off
leads: the hand-off). Only events strictly before it count, so the sales action that
triggered the hand-off, and everything sales did afterwards, can never leak into the
features. The aggregates:

    <type> (90 days)             events of each type in the 90 days before
    own actions (90 days)        events that count as the person acting (lead typing)
    events before                every event before the decision
    product-specific downloads   downloads of product-specific assets (the definition's
                                 ``assets.product_specific`` globs, by default the
                                 default preset's), ever before
    days known                   from the contact's creation to the decision
    days since last event        from the last event before the decision (none: missing)

Their fact paths start with ``activity.``: they describe behaviour, not persona, so ICP
discovery reports them but never proposes them as fit rules. ``activity_record`` computes
the same aggregates for one person's events at ``now``, in plain Python, for scoring a
live lead in real time; ``batch.prediction`` computes them for every contact at once on
the frames' type codes. Tests hold all three to the same figures. Times are whole
seconds (floored), as in training.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatch
from functools import cache, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from leadflow.definition.builtin import DEFAULT_PRESET
from leadflow.definition.loader import load_definition
from leadflow.definition.model import AssetsConfig, LeadTypeConfig
from leadflow.domain.facts import Event
from leadflow.domain.vocabulary import SALES_ACTION_EVENTS
from leadflow.learn.table import Attribute, AttributeKind

__all__ = [
    "ACTIVITY_NAMESPACE",
    "COUNT_KEYS",
    "WINDOW_DAYS",
    "EventLog",
    "activity_attributes",
    "activity_record",
    "default_assets",
    "default_own_actions",
    "epoch_micros",
    "is_product_specific",
    "missing_activity",
]

ACTIVITY_NAMESPACE = "activity"
# Aggregates that count events (0 when there were none), besides the "<type>_90d" ones.
COUNT_KEYS = frozenset({"own_actions_90d", "events_before", "product_specific_downloads"})
WINDOW_DAYS = 90
_DAY = 86_400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class EventLog:
    """Events of many leads as parallel arrays; ``lead`` indexes the table's rows."""

    lead: npt.NDArray[np.intp]
    type: npt.NDArray[Any]  # event type names: objects, or fixed-width text (faster)
    at: Ints  # seconds since the epoch
    asset: npt.NDArray[np.object_]  # the ``asset`` property, None when absent


def activity_attributes(
    log: EventLog,
    decided_at: Ints,
    created_at: Ints,
    *,
    assets: AssetsConfig | None = None,
    own_actions: frozenset[str] | None = None,
) -> list[Attribute]:
    """The aggregates of every lead (one value per row of ``decided_at``)."""
    leads = len(decided_at)
    before = (log.lead >= 0) & (log.at < decided_at[np.maximum(log.lead, 0)])
    recent = before & (log.at >= decided_at[np.maximum(log.lead, 0)] - WINDOW_DAYS * _DAY)
    own = own_actions if own_actions is not None else LeadTypeConfig().own_actions.types

    def count(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
        return np.bincount(log.lead[mask], minlength=leads).astype(np.float64)

    attributes = [
        _number(f"{kind} (90 days)", f"{kind}_90d", count(recent & (log.type == kind)))
        for kind in sorted(set(log.type[before].tolist()))
    ]
    is_own = np.isin(log.type, sorted(own))
    attributes += [
        _number("own actions (90 days)", "own_actions_90d", count(recent & is_own)),
        _number("events before", "events_before", count(before)),
        _number(
            "product-specific downloads",
            "product_specific_downloads",
            count(before & _product_specific(log, assets or default_assets())),
        ),
        _number("days known", "days_known", (decided_at - created_at) / _DAY),
        _number(
            "days since last event", "days_since_last_event", _since_last(log, before, decided_at)
        ),
    ]
    return attributes


def activity_record(
    events: Sequence[Event],
    now: datetime,
    created_at: datetime | None = None,
    *,
    assets: AssetsConfig | None = None,
    own_actions: frozenset[str] | None = None,
) -> Mapping[str, object]:
    """The same aggregates for one person at ``now`` (attribute name -> value).

    Also "first sales action": the type of the latest sales-specific action at or
    before ``now``, which at a hand-off is the action that triggered it.

    Plain Python, not ``activity_attributes`` over a one-lead log: numpy's cost per call
    dominates for one person, and the real-time path scores one person per event. The
    same rules, figure for figure (a test compares both on random histories).
    """
    moment_us = epoch_micros(now)
    moment = moment_us // 1_000_000
    window = moment - WINDOW_DAYS * _DAY
    own = own_actions if own_actions is not None else default_own_actions()
    used = assets or default_assets()
    counts: dict[str, float] = {}
    own_count = before = specific = 0
    last: int | None = None
    latest: tuple[int, str] | None = None
    for event in events:
        micros = epoch_micros(event.at)
        if event.type in SALES_ACTION_EVENTS and micros <= moment_us:
            latest = max(latest, (micros, event.type)) if latest else (micros, event.type)
        at = micros // 1_000_000
        if at >= moment:
            continue
        before += 1
        last = at if last is None else max(last, at)
        counts.setdefault(event.type, 0.0)
        if at >= window:
            counts[event.type] += 1.0
            own_count += event.type in own
        asset = event.properties.get("asset")
        if event.type in used.events and isinstance(asset, str):
            specific += is_product_specific(asset, used.product_specific)
    record: dict[str, object] = {f"{kind} (90 days)": counts[kind] for kind in sorted(counts)}
    record["own actions (90 days)"] = float(own_count)
    record["events before"] = float(before)
    record["product-specific downloads"] = float(specific)
    record["days known"] = (
        None if created_at is None else ((moment - epoch_micros(created_at) // 1_000_000) / _DAY)
    )
    record["days since last event"] = math.nan if last is None else (moment - last) / _DAY
    record["first sales action"] = None if latest is None else latest[1]
    return record


@lru_cache(maxsize=4096)
def is_product_specific(asset: str, globs: tuple[str, ...]) -> bool:
    """Whether an asset's name matches a product-specific glob (case-insensitive)."""
    name = asset.casefold()
    return any(fnmatch(name, glob.casefold()) for glob in globs)


def epoch_micros(moment: datetime) -> int:
    """An aware instant as whole microseconds since the epoch (exact, unlike a float)."""
    return (moment - _EPOCH) // _MICRO


def missing_activity(key: str) -> float | None:
    """An aggregate a person has no value for: a count of events they never had is 0, as
    in training; anything else (days since the last event ...) is unknown."""
    return 0.0 if key in COUNT_KEYS or key.endswith("_90d") else None


@cache
def default_own_actions() -> frozenset[str]:
    """Events that count as the person acting, as training counted them."""
    return LeadTypeConfig().own_actions.types


@cache
def default_assets() -> AssetsConfig:
    """The default preset's asset kinds, when no definition says which are product-specific."""
    return load_definition(DEFAULT_PRESET).assets


def _number(name: str, key: str, values: npt.NDArray[np.float64]) -> Attribute:
    return Attribute(name, f"{ACTIVITY_NAMESPACE}.{key}", AttributeKind.NUMERIC, values)


def _product_specific(log: EventLog, assets: AssetsConfig) -> npt.NDArray[np.bool_]:
    """Information events whose asset matches a product-specific glob (case-insensitive)."""
    names = {str(a) for a in log.asset.tolist() if a is not None}
    specific = {
        name
        for name in names
        if any(fnmatch(name.casefold(), g.casefold()) for g in assets.product_specific)
    }
    return np.isin(log.type, sorted(assets.events)) & np.isin(log.asset, sorted(specific))


def _since_last(
    log: EventLog, before: npt.NDArray[np.bool_], decided_at: Ints
) -> npt.NDArray[np.float64]:
    last = np.full(len(decided_at), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, log.lead[before], log.at[before])
    days = (decided_at - last) / _DAY
    return np.where(last == np.iinfo(np.int64).min, np.nan, days)

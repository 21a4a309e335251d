"""Every contact's model prediction at once, for the ``prediction`` column of a rescore.

The real-time path scores one person with ``learn.scoring.ModelScorer.predict_person``;
this builds the same model input for all contacts from the frames, column by column,
and predicts blocks of rows in one call each:

    contact. account. consent.   the attribute Column; each *distinct* value is encoded
                                 once (``Encoder.code``, the function the real-time path
                                 uses) and spread to the rows by its code
    contact.email_domain         the contact's own attribute where it has one, else
    contact.free_mail            derived from ``contact.email`` (``learn.history.email_fact``)
    source.*                     channel, medium, campaign, vendor as text; purchased
    activity.*                   the aggregates of ``learn.activity`` (events strictly
                                 before ``now``, whole seconds; the latest sales action
                                 at or before it), on the block's type codes
    anything else (sales.rep)    unknown, as in real time

Blocks of ``chunk`` contacts bound the memory: the encoded matrix of one block, not of
the workspace. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from leadflow.batch.frames import Column, ContactFrame, EventFrame, micros
from leadflow.definition.model import AssetsConfig
from leadflow.domain.vocabulary import SALES_ACTION_EVENTS
from leadflow.learn.activity import (
    ACTIVITY_NAMESPACE,
    WINDOW_DAYS,
    default_own_actions,
    is_product_specific,
    missing_activity,
)
from leadflow.learn.drift import Tally
from leadflow.learn.features import Encoder, FeatureSpec
from leadflow.learn.history import email_fact
from leadflow.learn.table import AttributeKind

if TYPE_CHECKING:  # the scorer's module imports scikit-learn; only its type is needed here
    from leadflow.learn.scoring import ModelScorer

__all__ = ["DEFAULT_CHUNK", "predict_frames"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
# Rows of the matrix predicted per call: large enough that scikit-learn's per-call cost
# is noise, small enough that a block's matrix stays a few tens of MB.
DEFAULT_CHUNK = 65_536
_FIRST_SALES_ACTION = "first sales action"
_EMAIL_FACTS = ("free_mail", "email_domain")
_DAY = 86_400

# One feature of rows ``first <= row < stop``, already encoded.
Reader = Callable[[int, int], Floats]


def predict_frames(
    scorer: ModelScorer,
    contacts: ContactFrame,
    events: EventFrame,
    created_us: Ints,
    now: datetime,
    *,
    chunk: int = DEFAULT_CHUNK,
    tally: Tally | None = None,
) -> Floats:
    """The calibrated win probability of every contact at ``now`` (one per row).

    ``events`` are clustered by contact row; ``created_us`` is when each contact became
    known (microseconds since the epoch), for "days known". ``tally`` counts the scored
    population block by block, for the drift line (learn/drift.py)."""
    encoder = scorer.model.encoder
    readers = [_reader(encoder, spec, contacts) for spec in encoder.features]
    moment_us = micros(now)
    out = np.empty(contacts.size, dtype=np.float64)
    for first in range(0, contacts.size, max(1, chunk)):
        stop = min(first + max(1, chunk), contacts.size)
        activity: dict[str, npt.NDArray[Any]] = {}
        if scorer.reads_events or scorer.reads_created_at:
            block = events.rows_slice(first, stop)
            activity = _activity(scorer, block, created_us[first:stop], moment_us, stop - first)
        columns = [
            reader(first, stop)
            if reader is not None
            else _activity_column(encoder, spec, activity, stop - first)
            for spec, reader in zip(encoder.features, readers, strict=True)
        ]
        matrix = np.column_stack(columns) if columns else np.empty((stop - first, 0))
        out[first:stop] = scorer.predict_matrix(matrix)
        if tally is not None:
            tally.add(matrix)
    return out


def _reader(encoder: Encoder, spec: FeatureSpec, contacts: ContactFrame) -> Reader | None:
    """How to read a persona feature for a block of rows (None: an activity feature)."""
    namespace, _, key = spec.path.partition(".")
    if namespace == ACTIVITY_NAMESPACE:
        return None
    if namespace == "source" and key == "purchased":
        flags = np.array([encoder.code(spec, False), encoder.code(spec, True)])
        purchased = contacts.purchased.astype(np.intp)
        return lambda first, stop: flags[purchased[first:stop]]
    if namespace in ("contact", "account", "consent", "source"):
        own = _encoded(encoder, spec, contacts.attribute(spec.path))
        if namespace == "contact" and key in _EMAIL_FACTS:
            derived = _encoded(encoder, spec, contacts.attribute("contact.email"), key)
            return lambda first, stop: _fallback(own, derived, first, stop)
        return lambda first, stop: _take(own, first, stop)
    return lambda first, stop: np.full(stop - first, np.nan)


Encoded = tuple[Floats, npt.NDArray[np.integer[Any]]]  # value table (last: missing), codes


def _encoded(
    encoder: Encoder, spec: FeatureSpec, column: Column, email_key: str | None = None
) -> Encoded:
    """Each distinct value encoded once; the table's last entry (code -1) is missing."""
    values = column.python_values()
    if email_key is not None:
        values = [email_fact(value, email_key) for value in values]
    table = np.array([*(encoder.code(spec, value) for value in values), np.nan], np.float64)
    return table, column.codes


def _take(encoded: Encoded, first: int, stop: int) -> Floats:
    table, codes = encoded
    return table[codes[first:stop]]


def _fallback(own: Encoded, derived: Encoded, first: int, stop: int) -> Floats:
    """The contact's own attribute where it has one, else the value derived from the e-mail."""
    return np.where(own[1][first:stop] >= 0, _take(own, first, stop), _take(derived, first, stop))


def _activity(
    scorer: ModelScorer, events: EventFrame, created_us: Ints, moment_us: int, rows: int
) -> dict[str, npt.NDArray[Any]]:
    """The activity aggregates of a block's contacts at the moment, by attribute name.

    The rules of ``learn.activity`` (training's ``activity_attributes``, the real-time
    ``activity_record``), computed on the frame's type codes: a type's properties are
    looked up once per type, an asset's once per distinct asset."""
    names = events.types
    codes = events.type_code.astype(np.intp)
    lead = events.row.astype(np.intp)
    at = events.at_us // 1_000_000
    moment = moment_us // 1_000_000
    before = at < moment
    recent = before & (at >= moment - WINDOW_DAYS * _DAY)

    def count(mask: npt.NDArray[np.bool_]) -> Floats:
        return np.bincount(lead[mask], minlength=rows).astype(np.float64)

    def per_type(test: Callable[[str], bool]) -> npt.NDArray[np.bool_]:
        return np.array([test(name) for name in names] + [False], dtype=bool)[codes]

    found: dict[str, npt.NDArray[Any]] = {
        f"{names[kind]} (90 days)": count(recent & (codes == kind))
        for kind in np.unique(codes[before]).tolist()
    }
    own = default_own_actions()
    found["own actions (90 days)"] = count(recent & per_type(own.__contains__))
    found["events before"] = count(before)
    assets = scorer.assets
    information = per_type(assets.events.__contains__)
    found["product-specific downloads"] = count(before & information & _specific(events, assets))
    found["days known"] = (moment - created_us // 1_000_000) / _DAY
    last = np.full(rows, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, lead[before], at[before])
    found["days since last event"] = np.where(
        last == np.iinfo(np.int64).min, np.nan, (moment - last) / _DAY
    )
    found[_FIRST_SALES_ACTION] = _latest_sales_actions(events, names, rows, moment_us)
    return found


def _specific(events: EventFrame, assets: AssetsConfig) -> npt.NDArray[np.bool_]:
    """Events whose ``asset`` is text matching a product-specific glob."""
    column = events.properties.get("asset")
    if column is None:
        return np.zeros(events.size, dtype=bool)
    globs = assets.product_specific
    table = [isinstance(v, str) and is_product_specific(v, globs) for v in column.python_values()]
    return np.array([*table, False], dtype=bool)[column.codes]


def _latest_sales_actions(
    events: EventFrame, names: tuple[str, ...], rows: int, moment_us: int
) -> npt.NDArray[np.object_]:
    """Per contact, its latest sales action at or before the moment (ties: by type name)."""
    found = np.full(rows, None, dtype=object)
    sales = np.array([name in SALES_ACTION_EVENTS for name in names] + [False], dtype=bool)
    picked = np.flatnonzero(sales[events.type_code] & (events.at_us <= moment_us))
    if picked.size == 0:
        return found
    rank = np.argsort(np.argsort(np.array(names, dtype=object)))  # a type's place by name
    lead = events.row[picked]
    order = picked[np.lexsort((rank[events.type_code[picked]], events.at_us[picked], lead))]
    ordered = events.row[order]
    last = np.ones(order.size, dtype=bool)
    last[:-1] = ordered[1:] != ordered[:-1]
    chosen = order[last]
    found[events.row[chosen]] = [names[code] for code in events.type_code[chosen].tolist()]
    return found


def _activity_column(
    encoder: Encoder, spec: FeatureSpec, activity: dict[str, npt.NDArray[Any]], rows: int
) -> Floats:
    values = activity.get(spec.name)
    if values is None:
        missing = missing_activity(spec.path.partition(".")[2])
        return np.full(rows, np.nan if missing is None else missing)
    if spec.kind is AttributeKind.NUMERIC and values.dtype.kind == "f":
        # Encoder.code of a float is the float itself (NaN stays NaN): no per-row work.
        return values.astype(np.float64)
    out = np.full(rows, np.nan)
    present = np.flatnonzero([value is not None for value in values.tolist()])
    for value in set(values[present].tolist()):
        out[present[values[present] == value]] = encoder.code(spec, value)
    return out

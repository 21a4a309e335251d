"""Between learning's attribute rows and the domain's ``Facts``, through fact paths.

Every attribute carries the fact path a definition rule would name (``account.industry``,
``source.channel``, ``contact.seniority``). That lets the definition's own fit score be
computed for leads read from a CSV (to compare it with the model), and lets a saved
model read a person's ``Facts`` to produce ``Facts.prediction``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields
from datetime import datetime

import numpy as np
import numpy.typing as npt

from leadflow.definition.model import AssetsConfig, Definition
from leadflow.domain.facts import Facts, Source
from leadflow.engine import qualify
from leadflow.learn.activity import ACTIVITY_NAMESPACE, activity_record, missing_activity
from leadflow.learn.features import Encoder, FeatureSpec
from leadflow.learn.history import email_fact
from leadflow.learn.predictive import ScoringModel
from leadflow.learn.table import LeadTable

__all__ = [
    "definition_fit_scorer",
    "facts_of",
    "predict_facts",
    "record_from_facts",
    "table_facts",
]

_SOURCE_KEYS = frozenset(f.name for f in fields(Source))
_TRUE = frozenset({"true", "yes", "y", "1"})


def facts_of(values: Mapping[str, object]) -> Facts:
    """Facts holding each ``path -> value`` (missing values left out)."""
    parts: dict[str, dict[str, object]] = {"contact": {}, "account": {}, "consent": {}}
    source: dict[str, object] = {}
    for path, value in values.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        namespace, _, key = path.partition(".")
        if namespace == "source" and key in _SOURCE_KEYS:
            source[key] = str(value).casefold() in _TRUE if key == "purchased" else str(value)
        elif namespace in parts and key:
            # A dotted key stays flat: the engine reads contact.a.b from a flat "a.b" too.
            parts[namespace][key] = value
    return Facts(
        contact=parts["contact"],
        account=parts["account"],
        consent={k: str(v) for k, v in parts["consent"].items()},
        source=Source(**source),  # type: ignore[arg-type]  # keys checked against Source
    )


def table_facts(table: LeadTable) -> Iterator[Facts]:
    """The facts of each lead of the table, in order."""
    columns = [(a.path, a.values) for a in table.attributes]
    for row in range(len(table)):
        yield facts_of({path: _python(values[row]) for path, values in columns})


def definition_fit_scorer(
    definition: Definition, now: datetime
) -> Callable[[LeadTable], npt.NDArray[np.float64]]:
    """Scores leads with the definition's fit score (0-100), for comparison with the model."""

    def score(table: LeadTable) -> npt.NDArray[np.float64]:
        return np.array(
            [qualify(f, definition, now, explain=False).fit.score for f in table_facts(table)],
            dtype=np.float64,
        )

    return score


def record_from_facts(
    facts: Facts,
    encoder: Encoder,
    *,
    now: datetime | None = None,
    known_since: datetime | None = None,
    assets: AssetsConfig | None = None,
    extra: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """The model's input record (attribute name -> value) read from a person's facts.

    Activity features are aggregated from ``facts.events`` strictly before ``now``, as
    training aggregated them before each decision point (without ``now``: left
    missing). ``known_since`` is when the contact became known (for "days known");
    ``extra`` gives paths that Facts does not hold, such as ``sales.rep`` once routed.
    """
    activity: Mapping[str, object] = {}
    if now is not None:
        activity = activity_record(facts.events, now, known_since, assets=assets)
    given = extra or {}
    return {
        spec.name: given[spec.path] if spec.path in given else _read(facts, spec, activity)
        for spec in encoder.features
    }


def predict_facts(
    model: ScoringModel,
    facts: Facts,
    now: datetime,
    *,
    known_since: datetime | None = None,
    assets: AssetsConfig | None = None,
    extra: Mapping[str, object] | None = None,
) -> float:
    """The calibrated win probability of one person at ``now`` (for ``Facts.prediction``)."""
    record = record_from_facts(
        facts, model.encoder, now=now, known_since=known_since, assets=assets, extra=extra
    )
    return float(model.predict(model.encoder.encode_records([record]))[0])


def _read(facts: Facts, spec: FeatureSpec, activity: Mapping[str, object]) -> object:
    namespace, _, key = spec.path.partition(".")
    if namespace == ACTIVITY_NAMESPACE:
        return activity.get(spec.name, missing_activity(key))
    if namespace == "source":
        return getattr(facts.source, key, None)
    if namespace == "contact" and key in ("free_mail", "email_domain") and key not in facts.contact:
        return _email_fact(facts, key)
    mapping: Mapping[str, object] = {
        "contact": facts.contact,
        "account": facts.account,
        "consent": facts.consent,
    }.get(namespace, {})
    return mapping.get(key)


def _email_fact(facts: Facts, key: str) -> object:
    """contact.email_domain and contact.free_mail, derived from the address as the engine does."""
    return email_fact(facts.contact.get("email"), key)


def _python(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return value

"""What qualification says about one person at one moment, and why.

    Qualification         the whole answer: stage, sales_ready, fit, engagement, BANT,
                          temperature, lead type, explanation, definition version
    ├── FitResult         fit score 0–100, grade, the attribute rules that matched
    ├── EngagementResult  engagement score, one Contribution per counted event (or rule)
    ├── BantResult        four BantCriterion (met True/False/None, evidence, source)
    └── SalesAction       the most recent sales-specific action, if any

Results are immutable values. ``Qualification.to_dict()`` is the JSON shape the CLI,
the API and the store share; its keys are a public contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from leadflow.domain.facts import BANT_KEYS
from leadflow.domain.vocabulary import Grade, Identity, LeadType, Temperature

__all__ = [
    "FROM_FACT",
    "FROM_RULE",
    "BantCriterion",
    "BantResult",
    "Contribution",
    "ContributionKind",
    "EngagementResult",
    "FitResult",
    "Qualification",
    "SalesAction",
]


class ContributionKind(StrEnum):
    ATTRIBUTE = "attribute"  # a fit rule matched the person's attributes
    EVENT = "event"  # one event counted for an engagement rule
    RULE = "rule"  # an engagement rule's total, when per-event detail was not kept
    CAP = "cap"  # what a rule's cap removed, so contributions always sum to the score


@dataclass(frozen=True, slots=True)
class Contribution:
    """One line of the explanation: how many points, from which rule and which fact."""

    rule: str
    points: float
    kind: ContributionKind
    # The attribute path(s) for an attribute rule, the event type for an event.
    field: str | None = None
    # The attribute value(s) (a mapping path -> value for a rule over several paths), the
    # matched event properties, an event count, or for a fit rule on events only (no
    # ``field``) its event test in words.
    value: object = None
    at: datetime | None = None
    age_days: float | None = None
    decay: float | None = None  # 0.5 ** (age_days / half_life); None when it never fades

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "points": self.points,
            "kind": self.kind.value,
            "field": self.field,
            "value": _jsonable(self.value),
            "at": None if self.at is None else self.at.isoformat(),
            "age_days": self.age_days,
            "decay": self.decay,
        }


@dataclass(frozen=True, slots=True)
class FitResult:
    score: float  # matched rule points, clamped to 0–100
    grade: Grade
    contributions: tuple[Contribution, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "grade": self.grade.value,
            "contributions": [c.to_dict() for c in self.contributions],
        }


@dataclass(frozen=True, slots=True)
class EngagementResult:
    score: float  # may be negative: unsubscribes and bounces take points away
    contributions: tuple[Contribution, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"score": self.score, "contributions": [c.to_dict() for c in self.contributions]}


FROM_FACT = "fact"  # a BANT answer given explicitly: a rep's note, a form answer
FROM_RULE = "rule"  # a BANT answer from a definition rule


@dataclass(frozen=True, slots=True)
class BantCriterion:
    """One of Budget, Authority, Need, Timing.

    ``source`` says where the answer came from: ``"fact"`` (given explicitly, e.g. a
    rep's note or a form answer, which always wins), ``"rule"`` (a definition rule,
    named in ``rule``) or None when nothing is known.
    """

    key: str
    met: bool | None = None
    evidence: str | None = None
    source: str | None = None
    rule: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "met": self.met,
            "evidence": self.evidence,
            "source": self.source,
            "rule": self.rule,
        }


@dataclass(frozen=True, slots=True)
class BantResult:
    criteria: tuple[BantCriterion, ...] = tuple(BantCriterion(key) for key in BANT_KEYS)

    @property
    def met(self) -> int:
        """How many criteria are met (0–4); temperature is read from this."""
        return sum(1 for criterion in self.criteria if criterion.met is True)

    def get(self, key: str) -> BantCriterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    def to_dict(self) -> dict[str, object]:
        answer: dict[str, object] = {c.key: c.to_dict() for c in self.criteria}
        answer["met"] = self.met
        return answer


@dataclass(frozen=True, slots=True)
class SalesAction:
    """A sales-specific action (demo, trial, quote, call request, meeting booked)."""

    type: str
    at: datetime

    def to_dict(self) -> dict[str, object]:
        return {"type": self.type, "at": self.at.isoformat()}


@dataclass(frozen=True, slots=True)
class Qualification:
    """The verdict of one definition on one person at ``at``.

    ``stage`` is the furthest funnel stage whose rule holds (None: no stage yet). It is a
    *target*: the lifecycle decides whether the lead actually moves there (forward
    only). ``stages`` is the funnel order of the definition that made this result, so
    the lifecycle can compare positions without the definition at hand.
    """

    definition_name: str
    definition_version: str
    at: datetime
    identity: Identity
    fit: FitResult
    engagement: EngagementResult
    bant: BantResult
    temperature: Temperature
    lead_type: LeadType
    purchased: bool  # the purchased origin is kept even when the type is no longer MSRL
    sales_ready: bool
    sales_ready_reason: str
    last_sales_action: SalesAction | None
    stage: str | None
    stages: tuple[str, ...] = ()
    explanation: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        last = self.last_sales_action
        return {
            "definition": {
                "name": self.definition_name,
                "version": self.definition_version,
                "stages": list(self.stages),
            },
            "at": self.at.isoformat(),
            "stage": self.stage,
            "sales_ready": self.sales_ready,
            "sales_ready_reason": self.sales_ready_reason,
            "last_sales_action": None if last is None else last.to_dict(),
            "identity": self.identity.value,
            "fit": self.fit.to_dict(),
            "engagement": self.engagement.to_dict(),
            "bant": self.bant.to_dict(),
            "temperature": self.temperature.value,
            "lead_type": self.lead_type.value,
            "purchased": self.purchased,
            "explanation": list(self.explanation),
        }


def _jsonable(value: object) -> object:
    """Attribute values come from JSON, CSV or a database; keep JSON types, name the rest."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(item) for item in value]
        return items if isinstance(value, list | tuple) else sorted(items, key=str)
    return str(value)

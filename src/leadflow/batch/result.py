"""The batch engine's answer: one column per field of ``Qualification``, one row per contact.

``BatchResult.qualification(row)`` rebuilds the engine's own ``Qualification`` for one
contact (without contributions and explanation, like ``qualify(..., explain=False)``),
which is how the property test compares the two engines field by field.
``to_arrow()`` gives the columns the store and Parquet writers take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from leadflow.batch.frames import MISSING_TIME, ContactFrame, instant
from leadflow.batch.kernel import BantPart, Reason
from leadflow.batch.probes import CATEGORIES
from leadflow.definition.describe import gate_condition_failed, gate_passed
from leadflow.definition.model import Definition
from leadflow.domain.facts import BANT_KEYS
from leadflow.domain.qualification import (
    FROM_FACT,
    FROM_RULE,
    BantCriterion,
    BantResult,
    EngagementResult,
    FitResult,
    Qualification,
    SalesAction,
)
from leadflow.domain.vocabulary import Grade, Identity, LeadType, Temperature
from leadflow.engine.activity import SECONDS_PER_DAY

__all__ = ["BatchResult"]

Ints = npt.NDArray[np.int64]
Codes = npt.NDArray[np.integer[Any]]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, eq=False)
class BatchResult:
    definition: Definition
    now: datetime
    contacts: ContactFrame
    action_types: tuple[str, ...]  # type names in sorted order: action_rank indexes them
    identity: Codes
    fit: Floats
    grade: Codes
    engagement: Floats
    bant: dict[str, BantPart]
    temperature: Codes
    lead_type: Codes
    action_us: Ints
    action_rank: Codes
    sales_ready: Flags
    reason: Codes
    stage: Codes

    @property
    def size(self) -> int:
        return int(self.fit.shape[0])

    def stage_of(self, row: int) -> str | None:
        code = int(self.stage[row])
        return None if code < 0 else self.definition.stages[code].id

    def last_action(self, row: int) -> SalesAction | None:
        if int(self.action_us[row]) == MISSING_TIME:
            return None
        return SalesAction(
            self.action_types[int(self.action_rank[row])], instant(int(self.action_us[row]))
        )

    def reason_text(self, row: int) -> str:
        """The sales-ready reason, worded as ``engine.sales_ready`` words it."""
        grade = _grade(self.grade[row])
        gate = self.definition.sales_ready
        action = self.last_action(row)
        code = int(self.reason[row])
        if code == Reason.GRADE:
            return f"fit grade {grade} is below {gate.min_fit_grade}"
        if code == Reason.NO_ACTION:
            return "no sales-specific action yet"
        if code == Reason.OLD_ACTION:
            assert action is not None
            within = self.definition.sales_actions.within_days
            age = _days(self.now - action.at)
            return f"last sales action {action.type} was {age} days ago (> {within:g})"
        if code == Reason.ENGAGEMENT:
            floor = gate.min_engagement
            return f"engagement {self.engagement[row]:.1f} is below {floor:g}"
        if code == Reason.GATE:
            assert gate.condition is not None  # only a gate with a condition fails on it
            return gate_condition_failed(gate.condition)
        recent = None if action is None else f"{action.type} {_days(self.now - action.at)} days ago"
        return gate_passed(gate, grade, recent, float(self.engagement[row]))

    def bant_of(self, row: int) -> BantResult:
        criteria = []
        for key in BANT_KEYS:
            part = self.bant[key]
            met = int(part.met[row])
            source = int(part.source[row])
            verdict = None if met < 0 else bool(met)
            if source in (1, 3):
                evidence = self.contacts.bant[key].evidence
                code = int(evidence.codes[row])
                said = None if code < 0 else evidence.python_values()[code]
                criteria.append(BantCriterion(key, verdict, said, FROM_FACT))  # type: ignore[arg-type]
            elif source == 2:
                rule = self.definition.bant.rules[key][int(part.rule[row])]
                criteria.append(
                    BantCriterion(key, rule.met, rule.evidence or rule.name, FROM_RULE, rule.name)
                )
            else:
                criteria.append(BantCriterion(key))
        return BantResult(tuple(criteria))

    def qualification(self, row: int) -> Qualification:
        """The engine's Qualification for one contact (no contributions, no explanation)."""
        identity = CATEGORIES["identity"][int(self.identity[row])]
        assert isinstance(identity, Identity)
        return Qualification(
            definition_name=self.definition.name,
            definition_version=self.definition.version,
            at=self.now,
            identity=identity,
            fit=FitResult(float(self.fit[row]), _grade(self.grade[row])),
            engagement=EngagementResult(float(self.engagement[row])),
            bant=self.bant_of(row),
            temperature=_temperature(self.temperature[row]),
            lead_type=_lead_type(self.lead_type[row]),
            purchased=bool(self.contacts.purchased[row]),
            sales_ready=bool(self.sales_ready[row]),
            sales_ready_reason=self.reason_text(row),
            last_sales_action=self.last_action(row),
            stage=self.stage_of(row),
            stages=self.definition.stage_ids,
        )

    def to_arrow(self) -> pa.Table:
        """The scalar verdicts as a table (contact id, stage, scores, grades, flags)."""
        stages = [stage.id for stage in self.definition.stages]
        grades = [grade.value for grade in Grade]
        action = np.where(self.action_us == MISSING_TIME, 0, self.action_us)
        return pa.table(
            {
                "contact_id": pa.array(self.contacts.ids),
                "stage": _words(self.stage, stages),
                "fit_score": pa.array(self.fit),
                "fit_grade": _words(self.grade, grades),
                "engagement_score": pa.array(self.engagement),
                "temperature": _words(self.temperature, [t.value for t in Temperature]),
                "lead_type": _words(self.lead_type, [t.value for t in LeadType]),
                "purchased": pa.array(self.contacts.purchased),
                "sales_ready": pa.array(self.sales_ready),
                "last_sales_action": _words(self.action_rank, list(self.action_types)),
                "last_sales_action_at": pa.array(
                    action, type=pa.timestamp("us", tz="UTC"), mask=self.action_us == MISSING_TIME
                ),
            }
        )


def _words(codes: Codes, words: list[str]) -> pa.DictionaryArray:
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(words, type=pa.string()))


def _grade(code: Any) -> Grade:
    value = CATEGORIES["fit.grade"][int(code)]
    assert isinstance(value, Grade)
    return value


def _temperature(code: Any) -> Temperature:
    value = CATEGORIES["temperature"][int(code)]
    assert isinstance(value, Temperature)
    return value


def _lead_type(code: Any) -> LeadType:
    value = CATEGORIES["lead_type"][int(code)]
    assert isinstance(value, LeadType)
    return value


def _days(age: timedelta) -> str:
    return f"{age.total_seconds() / SECONDS_PER_DAY:.1f}"

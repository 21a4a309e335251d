"""The seven steps of qualification for one partition of contacts, as array operations.

``Run`` holds what every partition shares (the engine's plan for the definition, the
attribute verdicts, the sales facts at ``now``, the look-up tables); ``Run.partition``
qualifies the contacts ``first ≤ row < stop`` from their events, in the order of
``engine.qualify``:

    1. activity     the compiled event fold (fold.py), or tally_events (tally.py)
                    where numba is missing
    2. fit          Σ points of the rules that hold, clamped to 0–100; the grade
    3. engagement   Σ over rules with a match of the capped total
    4. BANT         an explicit fact, else the first rule that holds, else the fact's
                    evidence alone; temperature from the count met
    5. lead type    SQL > SRL > IQL > MQL > MSRL > none
    6. sales-ready  grade, then the latest sales action and its age, the engagement
                    floor, the gate's condition; the first failure names the reason
    7. stage        the furthest stage whose condition holds

A partition only reads its own rows and events, so partitions can run in any order,
on any worker: the plan is relational (contacts joined to their events) and the
kernel is per partition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from leadflow.batch.attributes import attribute_masks
from leadflow.batch.conditions import Known, evaluate
from leadflow.batch.fold import COMPILED, Folder
from leadflow.batch.frames import MISSING_TIME, ContactFrame, EventFrame, micros
from leadflow.batch.probes import CATEGORIES
from leadflow.batch.standing import Standing
from leadflow.batch.tally import EventLookups, SlotTally, tally_events
from leadflow.definition.model import Condition, Definition
from leadflow.domain.vocabulary import Grade, LeadType, Temperature
from leadflow.engine.plan import QualificationPlan, plan_for

__all__ = ["BantPart", "Part", "Reason", "Run"]

Flags = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
# Small codes (grades, stages, reasons ...) kept in the narrowest type: a million contacts
# hold a dozen of these columns.
Codes = npt.NDArray[np.integer[Any]]

_GRADES = CATEGORIES["fit.grade"]
_GRADE_RANK = np.array([grade.rank for grade in Grade], dtype=np.int64)
_LEAD = {kind: CATEGORIES["lead_type"].index(kind) for kind in LeadType}
_TEMPERATURE = {kind: CATEGORIES["temperature"].index(kind) for kind in Temperature}
_MICROSECOND = timedelta(microseconds=1)


class Reason:
    """Why a contact is (not) sales-ready; the text is made by result.py."""

    READY = 0
    GRADE = 1
    NO_ACTION = 2
    OLD_ACTION = 3
    ENGAGEMENT = 4
    GATE = 5


@dataclass(frozen=True, slots=True, eq=False)
class BantPart:
    met: Codes  # -1 unknown, 0 not met, 1 met
    source: Codes  # 0 unknown, 1 stated fact, 2 a rule, 3 stated evidence without a verdict
    rule: Codes  # index of the rule that decided, -1 otherwise


@dataclass(frozen=True, slots=True, eq=False)
class Part:
    """One partition's verdicts, indexed by row within the partition."""

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
    action_names: tuple[str, ...]  # ``action_rank`` indexes these (the sorted event types)


@dataclass(eq=False)
class Run:
    definition: Definition
    contacts: ContactFrame
    now: datetime
    # Attribute verdicts do not depend on ``now``: runs over the same contacts at other
    # moments (a back-test's checkpoints) pass them on instead of computing them again.
    attributes: dict[int, Flags] | None = None
    # The compiled fold (numba) or the NumPy one; both give the same tallies.
    compiled: bool = COMPILED
    plan: QualificationPlan = field(init=False)
    now_us: int = field(init=False)
    lookups: EventLookups = field(init=False)
    folder: Folder | None = field(init=False)
    standing: Standing = field(init=False)
    tables: dict[int, Flags] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.plan = plan_for(self.definition)
        self.now_us = micros(self.now)
        self.lookups = EventLookups(self.plan.layout)
        caps = [rule.cap for rule, _ in self.plan.engagement]
        self.folder = (
            Folder(self.plan.layout, self.lookups, self.now_us, caps) if self.compiled else None
        )
        if self.attributes is None:
            self.attributes = attribute_masks(self.definition, self.contacts, self.now)
        self.standing = Standing.at(self.definition, self.contacts, self.now_us)

    def partition(self, first: int, stop: int, events: EventFrame) -> Part:
        """Qualify rows ``first ≤ row < stop``; ``events`` are theirs, rows counted from 0."""
        rows = stop - first
        layout = self.plan.layout
        folded = None if self.folder is None else self.folder.fold_all(events, rows)
        if folded is not None:
            tallies = folded.tallies
        else:
            tallies = tally_events(layout, self.lookups, events, rows, self.now_us)
        known = self._known(first, stop, tallies)
        fit, grade = self._fit(known)
        action_rank: Codes
        if folded is not None:  # computed by the compiled fold from its tallies
            engagement = known.numbers["engagement.score"] = folded.engagement
            action_us, action_rank = folded.action_us, folded.action_rank
        else:
            engagement = self._engagement(known, tallies)
            sales = [s.id for s in layout.sales_actions]
            action_us, action_rank = _last_action(tallies, sales, rows)
        bant, temperature = self._bant(known, first, stop)
        lead_type = self._lead_type(known, tallies, first, stop)
        ready, reason = self._sales_ready(known, grade, engagement, action_us)
        known.codes["sales_ready"] = ready.astype(np.int8)
        stage = self._stage(known)
        return Part(
            fit, grade, engagement, bant, temperature, lead_type, action_us, action_rank,
            ready, reason, stage, tuple(sorted(events.types)),
        )  # fmt: skip

    def attribute_verdicts(
        self, first: int, stop: int, events: EventFrame, conditions: Sequence[Condition]
    ) -> list[Flags]:
        """Each condition's verdict for rows ``first ≤ row < stop``, for conditions on
        attributes and events only (fit, BANT and routing rules): nothing derived from
        qualification is computed, so a condition naming ``fit.grade`` cannot be asked."""
        rows = stop - first
        if self.folder is not None:
            tallies = self.folder.fold(events, rows)
        else:
            tallies = tally_events(self.plan.layout, self.lookups, events, rows, self.now_us)
        known = self._known(first, stop, tallies)
        return [evaluate(condition, known) for condition in conditions]

    def _known(self, first: int, stop: int, tallies: list[SlotTally]) -> Known:
        standing = self.standing
        known = Known(
            rows=stop - first,
            now=self.now,
            free_mail=self.definition.free_mail_domains,
            attributes={key: mask[first:stop] for key, mask in (self.attributes or {}).items()},
            tests=self.plan.layout.tests,
            tallies=tallies,
            tables=self.tables,
        )
        known.numbers["sales.conversations"] = standing.conversations[first:stop]
        known.numbers["opportunity.amount"] = standing.amount[first:stop]
        known.numbers["prediction"] = self.contacts.prediction[first:stop]
        known.codes["identity"] = standing.identity[first:stop]
        known.codes["sales.accepted"] = standing.accepted[first:stop]
        known.status = standing.status.slice(first, stop)
        return known

    def _fit(self, known: Known) -> tuple[Floats, Codes]:
        total = np.zeros(known.rows)
        for compiled in self.plan.fit_rules:
            holds = evaluate(compiled.rule.condition, known)
            total += np.where(holds, compiled.rule.points, 0.0)
        score = np.minimum(100.0, np.maximum(0.0, total))
        grade = np.full(known.rows, _GRADES.index(Grade.D), dtype=np.int8)
        for cut, minimum in reversed(self.definition.fit.grade_cutoffs):
            grade[score >= minimum] = _GRADES.index(cut)  # the best grade reached wins
        known.numbers["fit.score"] = score
        known.codes["fit.grade"] = grade
        return score, grade

    def _engagement(self, known: Known, tallies: list[SlotTally]) -> Floats:
        score = np.zeros(known.rows)
        for rule, slot in self.plan.engagement:
            tally = tallies[slot.id]
            assert tally.total is not None
            total = tally.total
            if rule.cap is not None:
                total = np.maximum(-rule.cap, np.minimum(rule.cap, total))
            score = score + np.where(tally.count > 0, total, 0.0)
        known.numbers["engagement.score"] = score
        return score

    def _bant(self, known: Known, first: int, stop: int) -> tuple[dict[str, BantPart], Codes]:
        parts: dict[str, BantPart] = {}
        met_count = np.zeros(known.rows, dtype=np.int8)
        for key, rules in self.plan.bant:
            stated = self.contacts.bant[key]
            met = stated.met[first:stop].astype(np.int8)
            source = np.where(met >= 0, 1, 0).astype(np.int8)
            rule = np.full(known.rows, -1, dtype=np.int16)
            for index, compiled in enumerate(rules):
                open_ = source == 0
                if not open_.any():
                    break
                holds = open_ & evaluate(compiled.rule.condition, known)
                met[holds] = int(compiled.rule.met)
                source[holds] = 2
                rule[holds] = index
            evidence = stated.evidence
            truthy = np.array([bool(v) for v in evidence.python_values()] + [False], dtype=bool)
            source[(source == 0) & truthy[evidence.codes[first:stop]]] = 3
            parts[key] = BantPart(met, source, rule)
            known.codes[f"bant.{key}"] = met + 1
            met_count += met == 1
        known.numbers["bant.met"] = met_count.astype(np.float64)
        temperature = _temperature(met_count, self.definition)
        known.codes["temperature"] = temperature
        return parts, temperature

    def _lead_type(self, known: Known, tallies: list[SlotTally], first: int, stop: int) -> Codes:
        layout = self.plan.layout
        kind = np.full(known.rows, _LEAD[LeadType.NONE], dtype=np.int8)
        purchased = self.contacts.purchased[first:stop]
        kind[purchased & (tallies[layout.own_actions.id].count == 0)] = _LEAD[LeadType.MSRL]
        kind[tallies[layout.general_assets.id].count > 0] = _LEAD[LeadType.MQL]
        kind[tallies[layout.product_assets.id].count > 0] = _LEAD[LeadType.IQL]
        for slot in layout.sales_actions:
            kind[tallies[slot.id].count > 0] = _LEAD[LeadType.SRL]
        kind[self.standing.sql_conversation[first:stop]] = _LEAD[LeadType.SQL]
        known.codes["lead_type"] = kind
        return kind

    def _sales_ready(
        self, known: Known, grade: Codes, engagement: Floats, action_us: Ints
    ) -> tuple[Flags, Codes]:
        gate = self.definition.sales_ready
        reason = np.full(known.rows, Reason.READY, dtype=np.int8)

        def fail(mask: Flags, why: int) -> None:
            reason[mask & (reason == Reason.READY)] = why

        fail(_GRADE_RANK[grade] < gate.min_fit_grade.rank, Reason.GRADE)
        if gate.require_sales_action:
            fail(action_us == MISSING_TIME, Reason.NO_ACTION)
            days = timedelta(days=self.definition.sales_actions.within_days)
            fail(action_us < self.now_us - days // _MICROSECOND, Reason.OLD_ACTION)
        if gate.min_engagement is not None:
            fail(engagement < gate.min_engagement, Reason.ENGAGEMENT)
        if gate.condition is not None:
            fail(~evaluate(gate.condition, known), Reason.GATE)
        return reason == Reason.READY, reason

    def _stage(self, known: Known) -> Codes:
        stage = np.full(known.rows, -1, dtype=np.int16)
        for index, defined in enumerate(self.definition.stages):
            if not defined.manual:  # entered only explicitly
                stage[evaluate(defined.condition, known)] = index
        return stage


def _temperature(met: Codes, definition: Definition) -> Codes:
    config = definition.temperature
    codes = np.full(met.shape[0], _TEMPERATURE[Temperature.UNKNOWN], dtype=np.int8)
    codes[met >= config.cold_min] = _TEMPERATURE[Temperature.COLD]
    codes[met >= config.warm_min] = _TEMPERATURE[Temperature.WARM]
    codes[met >= config.hot_min] = _TEMPERATURE[Temperature.HOT]
    return codes


def _last_action(tallies: list[SlotTally], slots: list[int], rows: int) -> tuple[Ints, Codes]:
    """The latest sales action over every sales slot: by time, then by type name."""
    best_us = np.full(rows, MISSING_TIME, dtype=np.int64)
    best_rank = np.full(rows, -1, dtype=np.int64)
    for slot_id in slots:
        tally = tallies[slot_id]
        assert tally.last_us is not None
        assert tally.last_rank is not None
        later = (tally.last_us > best_us) | (
            (tally.last_us == best_us) & (tally.last_rank > best_rank)
        )
        best_us = np.where(later, tally.last_us, best_us)
        best_rank = np.where(later, tally.last_rank, best_rank)
    return best_us, best_rank.astype(np.int16)

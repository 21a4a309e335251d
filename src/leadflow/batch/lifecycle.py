"""``engine.lifecycle.advance`` for every contact at once: who moves forward, and why.

The rules are the real-time path's (docs/engine.md, "Lifecycle"): a lead moves to its
target stage only when that stage is further in the funnel than where it stands (or
it stands nowhere yet); never back, never out of ``disqualified``; out of ``nurture``
only when it is sales-ready on the strength of a sales action made after it was
recycled; a stage the definition does not know is left only explicitly: by a rescore
(``leave_retired``), the step a team takes after changing its definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from leadflow.batch.frames import MISSING_TIME, Column
from leadflow.batch.result import BatchResult
from leadflow.definition.model import DISQUALIFIED, NURTURE
from leadflow.domain.lifecycle import Transition

__all__ = ["Moves", "advance_all", "stage_codes"]

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]

NOWHERE, IN_NURTURE, IN_DISQUALIFIED, ELSEWHERE = -1, -2, -3, -4
ENTERED, FORWARD, REQUALIFIED, RETIRED = 1, 2, 3, 4


@dataclass(frozen=True, slots=True, eq=False)
class Moves:
    """Per contact: 0 (stays) or why it moves to its target stage."""

    why: Ints
    result: BatchResult

    @property
    def moved(self) -> Flags:
        return self.why > 0

    def transition(self, row: int, from_stage: str | None) -> Transition:
        """The ledger line of one move, worded as ``engine.lifecycle.advance`` words it."""
        target = self.result.stage_of(row)
        assert target is not None
        why = int(self.why[row])
        if why == ENTERED:
            reason = "entered the funnel"
        elif why == FORWARD:
            reason = f"moved forward: {target} holds"
        elif why == RETIRED:
            definition = self.result.definition
            reason = (
                f"{from_stage} is not a stage of {definition.name} version "
                f"{definition.version}: moved to {target}, where the definition places the lead"
            )
        else:
            action = self.result.last_action(row)
            assert action is not None
            reason = f"re-qualified after recycling: {action.type} at {action.at.isoformat()}"
        return Transition(
            from_stage=from_stage,
            to_stage=target,
            at=self.result.now,
            reason=reason,
            definition_version=self.result.definition.version,
            rule=f"stage:{target}",
        )


def stage_codes(stages: Column, stage_ids: tuple[str, ...]) -> Ints:
    """Where each lead stands, as a position in the funnel or one of the codes above."""
    table = [_code(value, stage_ids) for value in stages.python_values()]
    table.append(NOWHERE)
    return np.array(table, dtype=np.int64)[stages.codes]


def _code(value: object, stage_ids: tuple[str, ...]) -> int:
    if value == NURTURE:
        return IN_NURTURE
    if value == DISQUALIFIED:
        return IN_DISQUALIFIED
    if value in stage_ids:
        return stage_ids.index(str(value))
    return ELSEWHERE


def advance_all(
    current: Ints, recycled_us: Ints, result: BatchResult, *, leave_retired: bool = False
) -> Moves:
    """``current``: stage_codes of the stored stages; ``recycled_us``: when each lead was
    recycled (MISSING_TIME: never, or not in nurture). ``leave_retired``: a lead standing
    in a stage the definition does not have moves to its target stage (the explicit
    step after a definition change; the real-time path leaves it where it stands)."""
    target = result.stage
    has_target = target >= 0
    why = np.zeros(target.shape[0], dtype=np.int64)
    why[has_target & (current == NOWHERE)] = ENTERED
    if leave_retired:
        why[has_target & (current == ELSEWHERE)] = RETIRED
    why[has_target & (current >= 0) & (target > current)] = FORWARD
    action = result.action_us
    requalified = (
        has_target
        & (current == IN_NURTURE)
        & result.sales_ready
        & (action != MISSING_TIME)
        & ((recycled_us == MISSING_TIME) | (action > recycled_us))
    )
    why[requalified] = REQUALIFIED
    return Moves(why, result)

"""Back-testing: replay history under two definitions, side by side, and score the hand-off.

``replay`` qualifies every contact with the batch engine at a series of checkpoints
(every ``step`` from the start to the end of the period), each time with the facts as
they stood then (batch/history.py), and moves leads forward only, as the lifecycle
does. It records when each lead first reached each stage and when it was first
sales-ready (the hand-off threshold). Explicit moves (recycling, disqualifying) were
decisions made under the old definition and are not replayed; a condition that held
for less than a step between two checkpoints is not seen.

``compare`` puts two replays side by side over the contacts that existed at the end:

    stage / MQL / SQL     leads that reached them, and the median days from the
                          contact's creation
    sales-ready           leads that crossed the hand-off threshold
    precision             of those, the share later won (a deal won after the moment
                          they were first sales-ready)
    recall                of all won leads, the share flagged sales-ready before the win
    lift                  precision / the won rate of all contacts
    changed leads         every lead whose furthest stage or sales-readiness differs

Outcomes come from history made under the active definition (sales worked the leads it
handed off), which favours the active definition; say so when reading the figures.

When a learned model was active at a checkpoint, ``prediction`` there is that model's
probability from the facts as they stood then (``predict``, given by the service; None
when no model was active, and ``prediction`` stays missing), so a definition that gates
on it is replayed as it would have decided.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from leadflow.analytics.journeys import NEVER, marketing_and_sales
from leadflow.analytics.report import Report, Section, Value, rate
from leadflow.batch.attributes import attribute_masks
from leadflow.batch.frames import ContactFrame, Floats, instant
from leadflow.batch.history import History
from leadflow.batch.qualify import qualify_frames
from leadflow.definition.model import Definition

__all__ = ["Outcomes", "Replay", "checkpoints", "compare", "replay", "stage_order"]

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
# The probabilities of the contacts as they stood at a checkpoint (µs), by the model
# active then; None when none was (or it cannot be loaded).
Predict = Callable[[ContactFrame, int], Floats | None]
DAY_US = 86_400 * 1_000_000


@dataclass(frozen=True, slots=True, eq=False)
class Replay:
    definition: Definition
    reached_us: Ints  # (contacts, stages): first checkpoint at that stage or further
    ready_us: Ints  # first checkpoint sales-ready
    furthest: Ints  # furthest stage position reached, -1 none


@dataclass(frozen=True, slots=True, eq=False)
class Outcomes:
    ids: Ints
    created_us: Ints
    won_us: Ints  # when the first won deal closed; NEVER when none


def checkpoints(start_us: int, stop_us: int, step_us: int) -> list[int]:
    moments = list(range(start_us, stop_us, max(step_us, 1)))
    return [*moments, stop_us]


def replay(
    history: History,
    definition: Definition,
    moments: list[int],
    *,
    predict: Predict | None = None,
) -> Replay:
    rows = history.frames.contacts.size
    stages = len(definition.stages)
    reached = np.full((rows, stages), NEVER, dtype=np.int64)
    ready = np.full(rows, NEVER, dtype=np.int64)
    furthest = np.full(rows, -1, dtype=np.int64)
    events = history.frames.events
    # Attributes do not change between checkpoints: their verdicts are computed once.
    masks = attribute_masks(definition, history.frames.contacts, instant(moments[0]))
    for moment in moments:
        contacts = history.contacts_at(moment)
        predicted = None if predict is None else predict(contacts, moment)
        if predicted is not None:
            contacts = replace(contacts, prediction=predicted)
        result = qualify_frames(definition, contacts, events, instant(moment), attributes=masks)
        exists = history.exists(moment)
        target = np.where(exists, result.stage, -1)
        for index in range(stages):
            newly = (target >= index) & (reached[:, index] == NEVER)
            reached[newly, index] = moment
        ready[exists & result.sales_ready & (ready == NEVER)] = moment
        furthest = np.maximum(furthest, target)
    return Replay(definition, reached, ready, furthest)


def compare(active: Replay, candidate: Replay, outcomes: Outcomes, *, as_of_us: int) -> Report:
    population = outcomes.created_us <= as_of_us
    rows: list[tuple[Value, ...]] = [("contacts", int(population.sum()), int(population.sum()))]
    for stage in stage_order(active.definition.stage_ids, candidate.definition.stage_ids):
        rows.append(
            (f"reached {stage}", *(_stage_count(r, stage, population) for r in (active, candidate)))
        )
    for label, pick in (("MQL", 0), ("SQL", 1)):
        rows.append((f"{label} (stage)", *(_qualified_name(r, pick) for r in (active, candidate))))
        rows.append(
            (f"{label} leads", *(_qualified(r, pick, population)[0] for r in (active, candidate)))
        )
        rows.append(
            (
                f"median days to {label}",
                *(_qualified(r, pick, population, outcomes)[1] for r in (active, candidate)),
            )
        )
    won = population & (outcomes.won_us != NEVER)
    base = rate(int(won.sum()), int(population.sum()))
    rows.append(("won (all contacts)", int(won.sum()), int(won.sum())))
    for metric in ("sales-ready", "median days to sales-ready", "sales-ready later won",
                   "precision", "recall", "lift"):  # fmt: skip
        rows.append(
            (
                metric,
                *(
                    _handoff(r, outcomes, population, won, base)[metric]
                    for r in (active, candidate)
                ),
            )
        )
    return Report(
        name="backtest",
        title=(
            f"Back-test: {candidate.definition.name} {candidate.definition.version} against "
            f"{active.definition.name} {active.definition.version}"
        ),
        as_of=instant(as_of_us),
        sections=(
            Section("summary", ("metric", "active", "candidate"), tuple(rows)),
            _changed(active, candidate, outcomes, population),
        ),
        notes=(
            "outcomes were produced by sales working the active definition's hand-offs",
            "explicit moves (recycling, disqualifying) are not replayed",
        ),
    )


def stage_order(active: Sequence[str], candidate: Sequence[str]) -> list[str]:
    """Every stage of both, in the candidate's order, for the summary rows.

    A stage only the active definition has goes right after the stage it followed
    there (or first), so a funnel still reads top to bottom in either column.
    """
    merged = list(candidate)
    for position, stage in enumerate(active):
        if stage in merged:
            continue
        before = [s for s in active[:position] if s in merged]
        merged.insert(merged.index(before[-1]) + 1 if before else 0, stage)
    return merged


def _stage_count(replay: Replay, stage: str, population: Flags) -> Value:
    if stage not in replay.definition.stage_ids:
        return None
    index = replay.definition.stage_ids.index(stage)
    return int((population & (replay.reached_us[:, index] != NEVER)).sum())


def _qualified_name(replay: Replay, pick: int) -> Value:
    index = marketing_and_sales(replay.definition)[pick]
    return None if index is None else replay.definition.stage_ids[index]


def _qualified(
    replay: Replay, pick: int, population: Flags, outcomes: Outcomes | None = None
) -> tuple[Value, Value]:
    index = marketing_and_sales(replay.definition)[pick]
    if index is None:
        return None, None
    at = replay.reached_us[:, index]
    reached = population & (at != NEVER)
    if outcomes is None or not reached.any():
        return int(reached.sum()), None
    return int(reached.sum()), float(np.median(at[reached] - outcomes.created_us[reached])) / DAY_US


def _handoff(
    replay: Replay, outcomes: Outcomes, population: Flags, won: Flags, base: float | None
) -> dict[str, Value]:
    flagged = population & (replay.ready_us != NEVER)
    later_won = flagged & won & (outcomes.won_us >= replay.ready_us)
    precision = rate(int(later_won.sum()), int(flagged.sum()))
    days = None
    if flagged.any():
        days = float(np.median(replay.ready_us[flagged] - outcomes.created_us[flagged])) / DAY_US
    return {
        "sales-ready": int(flagged.sum()),
        "median days to sales-ready": days,
        "sales-ready later won": int(later_won.sum()),
        "precision": precision,
        "recall": rate(int(later_won.sum()), int(won.sum())),
        "lift": None if precision is None or not base else precision / base,
    }


def _changed(active: Replay, candidate: Replay, outcomes: Outcomes, population: Flags) -> Section:
    def stage_name(replay: Replay, code: int) -> str | None:
        return None if code < 0 else replay.definition.stage_ids[code]

    def day(us: int) -> str | None:
        return None if us == NEVER else instant(us).date().isoformat()

    rows: list[tuple[Value, ...]] = []
    for row in np.flatnonzero(population).tolist():
        before = stage_name(active, int(active.furthest[row]))
        after = stage_name(candidate, int(candidate.furthest[row]))
        ready_before = int(active.ready_us[row])
        ready_after = int(candidate.ready_us[row])
        if before == after and (ready_before == NEVER) == (ready_after == NEVER):
            continue
        rows.append(
            (
                int(outcomes.ids[row]),
                before,
                after,
                day(ready_before),
                day(ready_after),
                "yes" if outcomes.won_us[row] != NEVER else "no",
            )
        )
    columns = ("contact_id", "active_stage", "candidate_stage", "active_sales_ready",
               "candidate_sales_ready", "won")  # fmt: skip
    return Section("changed leads", columns, tuple(rows))

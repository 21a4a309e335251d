"""The funnel report: the four waterfall metrics per stage, by cohort or any other group.

For the leads of a group (cohort: the month a contact first entered the funnel), at each
funnel stage of the definition:

    leads            how many reached the stage (or jumped past it), by ``as_of``
    conversion_rate  leads at this stage / leads at the stage before
    median_days      velocity: median days from entering this stage to reaching the next,
                     over the leads that stood in it and moved on (a lead that jumped
                     past the stage spent no time there, and is not counted as 0 days)
    pipeline_value   total amount of the deals (any status) of the leads that reached it
    won_value        total amount of their won deals
    standing         how many stood exactly here at ``as_of`` (nurture and disqualified
                     have rows of their own, with only this column)

Everything comes from the transition ledger and the dated deals, so the funnel of a
past date is rebuilt exactly as it stood (tables.py).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from leadflow.analytics.journeys import (
    DISQUALIFIED_CODE,
    NEVER,
    NURTURE_CODE,
    Journeys,
)
from leadflow.analytics.money import money_notes
from leadflow.analytics.report import Report, Section, Value, rate
from leadflow.definition.model import DISQUALIFIED, NURTURE, Definition

__all__ = ["FUNNEL_COLUMNS", "cohort", "funnel_report", "group_rows"]

Flags = npt.NDArray[np.bool_]
DAY_US = 86_400 * 1_000_000
FUNNEL_COLUMNS = (
    "group",
    "stage",
    "leads",
    "conversion_rate",
    "median_days",
    "pipeline_value",
    "won_value",
    "standing",
)


def cohort(journeys: Journeys, start_us: int | None, stop_us: int | None) -> Flags:
    """Leads that entered the funnel from start up to stop, stop not included: [start,
    stop), so back-to-back periods count a lead entering at their boundary once."""
    lead = journeys.lead_us
    chosen: Flags = lead != NEVER
    if start_us is not None:
        chosen &= lead >= start_us
    if stop_us is not None:
        chosen &= lead < stop_us
    return chosen


def group_rows(journeys: Journeys, chosen: Flags, by: str | None) -> list[tuple[str, Flags]]:
    """("all", every chosen lead) first, then one entry per value of the ``by`` group."""
    groups = [("all", chosen)]
    if by is None:
        return groups
    labels = np.array(journeys.groups[by], dtype=object)
    for label in sorted({str(v) for v in labels[chosen].tolist()}):
        groups.append((label, chosen & (labels == label)))
    return groups


def funnel_report(
    journeys: Journeys,
    definition: Definition,
    *,
    as_of: datetime,
    start_us: int | None = None,
    stop_us: int | None = None,
    by: str | None = "month",
) -> Report:
    chosen = cohort(journeys, start_us, stop_us)
    rows: list[tuple[Value, ...]] = []
    for label, members in group_rows(journeys, chosen, by):
        rows.extend(_stage_rows(journeys, definition, label, members))
    return Report(
        name="funnel",
        title=f"Funnel of {definition.name} {definition.version}",
        as_of=as_of,
        sections=(Section("stages", FUNNEL_COLUMNS, tuple(rows)),),
        notes=(
            "leads: reached the stage or a later one; median_days: days from entering the "
            "stage to reaching the next, over the leads that stood in it and moved on",
            *money_notes(journeys.money),
        ),
        parameters={"by": by, "currency": journeys.money.currency},
    )


def _stage_rows(
    journeys: Journeys, definition: Definition, label: str, members: Flags
) -> list[tuple[Value, ...]]:
    rows: list[tuple[Value, ...]] = []
    previous: int | None = None
    reached_us = journeys.reached_us
    for index, stage in enumerate(definition.stage_ids):
        reached = members & (reached_us[:, index] != NEVER)
        count = int(reached.sum())
        rows.append(
            (
                label,
                stage,
                count,
                None if previous is None else rate(count, previous),
                _median_days(journeys, reached, index),
                float(journeys.pipeline[reached].sum()),
                float(journeys.won_amount[reached].sum()),
                int((members & (journeys.standing == index)).sum()),
            )
        )
        previous = count
    for ramp, code in ((NURTURE, NURTURE_CODE), (DISQUALIFIED, DISQUALIFIED_CODE)):
        standing = int((members & (journeys.standing == code)).sum())
        rows.append((label, ramp, None, None, None, None, None, standing))
    return rows


def _median_days(journeys: Journeys, reached: Flags, index: int) -> float | None:
    if index + 1 >= len(journeys.stage_ids):
        return None
    following = journeys.reached_us[:, index + 1]
    entered = journeys.entered_us[:, index]
    # A lead moved back into a stage by hand after it had passed it (an explicit move)
    # reached the next one before entering this: no span to count.
    moved = reached & (entered != NEVER) & (following != NEVER) & (following >= entered)
    if not moved.any():
        return None
    spans = following[moved] - entered[moved]
    return float(np.median(spans)) / DAY_US

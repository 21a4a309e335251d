"""The channel report: which sources bring leads that match the persona and close.

Per source (``--by channel``, the default, or campaign, owner, cohort month), over the
leads that entered the funnel in the period:

    leads               how many
    persona_match_rate  share whose fit grade is A or B (the current qualification:
                        grades have no history)
    mql, sql            leads that reached the marketing-qualified stage (the last
                        marketing stage before the first sales stage) / the
                        sales-qualified stage (the first sales stage)
    mql_to_sql_rate     sql / mql
    won                 leads with a won deal by the end of the period
    sql_to_won_rate     won among sql / sql;  lead_to_won_rate: won / leads
    revenue             won amounts
    cost, cost_per_sql, cost_per_won   where costs.yaml prices the leads (costs.py)
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from leadflow.analytics.costs import Costs
from leadflow.analytics.funnel import cohort, group_rows
from leadflow.analytics.journeys import Journeys, marketing_and_sales
from leadflow.analytics.money import money_notes
from leadflow.analytics.report import Report, Section, Value, rate
from leadflow.analytics.tables import Tables, int_column
from leadflow.definition.model import Definition

__all__ = ["CHANNEL_COLUMNS", "channel_report", "persona_match"]

Flags = npt.NDArray[np.bool_]
CHANNEL_COLUMNS = (
    "group",
    "leads",
    "persona_match_rate",
    "mql",
    "sql",
    "mql_to_sql_rate",
    "won",
    "sql_to_won_rate",
    "lead_to_won_rate",
    "revenue",
    "cost",
    "cost_per_sql",
    "cost_per_won",
)


def persona_match(tables: Tables, journeys: Journeys) -> Flags:
    """Whether each contact's current fit grade is A or B."""
    ids = int_column(tables.qualifications, "contact_id")
    grades = np.array(tables.qualifications["fit_grade"].to_pylist(), dtype=object)
    found = np.searchsorted(ids, journeys.ids)
    inside = found < ids.shape[0]
    match = np.zeros(journeys.ids.shape[0], dtype=bool)
    hits = inside.copy()
    hits[inside] = ids[found[inside]] == journeys.ids[inside]
    good = np.isin(grades, ["A", "B"]) if grades.size else np.zeros(0, dtype=bool)
    match[hits] = good[found[hits]]
    return match


def channel_report(
    tables: Tables,
    journeys: Journeys,
    definition: Definition,
    costs: Costs,
    *,
    as_of: datetime,
    start_us: int | None = None,
    stop_us: int | None = None,
    by: str = "channel",
) -> Report:
    chosen = cohort(journeys, start_us, stop_us)
    marketing, sales = marketing_and_sales(definition)
    matched = persona_match(tables, journeys)
    price = costs.of_leads(
        tables.contacts["channel"].to_pylist(),
        tables.contacts["campaign"].to_pylist(),
        tables.contacts["vendor"].to_pylist(),
        tables.contacts["purchased"].to_pylist(),
    )
    rows = []
    for label, members in group_rows(journeys, chosen, by):
        rows.append(_row(journeys, label, members, marketing, sales, matched, price))
    notes = [
        f"MQL = reached {_name(definition, marketing)}, SQL = reached {_name(definition, sales)}"
    ]
    if not costs.configured:
        notes.append("no costs.yaml: cost columns are empty")
    notes.extend(money_notes(journeys.money))
    return Report(
        name="channels",
        title=f"Channels under {definition.name} {definition.version}",
        as_of=as_of,
        sections=(Section("channels", CHANNEL_COLUMNS, tuple(rows)),),
        notes=tuple(notes),
        parameters={"by": by, "currency": journeys.money.currency},
    )


def _row(
    journeys: Journeys,
    label: str,
    members: Flags,
    marketing: int | None,
    sales: int | None,
    matched: Flags,
    price: npt.NDArray[np.float64],
) -> tuple[Value, ...]:
    leads = int(members.sum())
    mql = _count(journeys, members, marketing)
    sql_mask = members & journeys.reached(sales) if sales is not None else None
    sql = None if sql_mask is None else int(sql_mask.sum())
    won = int((members & journeys.won).sum())
    won_sql = None if sql_mask is None else int((sql_mask & journeys.won).sum())
    priced = price[members]
    cost = float(np.nansum(priced)) if np.isfinite(priced).any() else None
    return (
        label,
        leads,
        rate(int((members & matched).sum()), leads),
        mql,
        sql,
        None if mql is None or sql is None else rate(sql, mql),
        won,
        None if sql is None or won_sql is None else rate(won_sql, sql),
        rate(won, leads),
        float(journeys.won_amount[members].sum()),
        cost,
        None if cost is None or not sql else cost / sql,
        None if cost is None or not won else cost / won,
    )


def _count(journeys: Journeys, members: Flags, stage: int | None) -> int | None:
    return None if stage is None else int((members & journeys.reached(stage)).sum())


def _name(definition: Definition, index: int | None) -> str:
    return "(none)" if index is None else definition.stages[index].id

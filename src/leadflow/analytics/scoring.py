"""The scoring report: does the definition rank leads well? Conversion by score.

Over the leads that entered the funnel in the period, with their current scores:

    by fit decile          ten equal groups by fit score (ties split by contact id):
    by engagement decile   leads, score range, sql_rate (reached the sales-qualified
                           stage), won_rate (a won deal)
    grade x engagement     fit grade A-D crossed with engagement bands low (< 10),
                           medium (10-40), high (>= 40)

A definition that ranks well shows rates rising with the decile and with the grade.
The scores are the current ones, so a lead's activity during the sales process
counts too; ``leadflow backtest`` judges a definition on what was known before the
outcome instead.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from leadflow.analytics.funnel import cohort
from leadflow.analytics.journeys import Journeys, marketing_and_sales
from leadflow.analytics.report import Report, Section, Value, rate
from leadflow.analytics.tables import Tables, int_column
from leadflow.definition.model import Definition
from leadflow.domain.vocabulary import Grade

__all__ = ["ENGAGEMENT_BANDS", "scoring_report"]

Flags = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
ENGAGEMENT_BANDS: tuple[tuple[str, float, float], ...] = (
    ("low", -np.inf, 10.0),
    ("medium", 10.0, 40.0),
    ("high", 40.0, np.inf),
)
_DECILE_COLUMNS = ("decile", "leads", "min_score", "max_score", "sql_rate", "won_rate")


def scoring_report(
    tables: Tables,
    journeys: Journeys,
    definition: Definition,
    *,
    as_of: datetime,
    start_us: int | None = None,
    stop_us: int | None = None,
) -> Report:
    chosen = cohort(journeys, start_us, stop_us) & _scored(tables, journeys)
    fit, engagement, grades = _scores(tables, journeys)
    _, sales = marketing_and_sales(definition)
    sql = journeys.reached(sales) if sales is not None else np.zeros(chosen.shape[0], bool)
    return Report(
        name="scoring",
        title=f"Conversion by score under {definition.name} {definition.version}",
        as_of=as_of,
        sections=(
            _deciles("by fit decile", fit, chosen, sql, journeys.won),
            _deciles("by engagement decile", engagement, chosen, sql, journeys.won),
            _grid(grades, engagement, chosen, journeys.won),
        ),
        notes=("current scores: activity during the sales process counts too",),
    )


def _scored(tables: Tables, journeys: Journeys) -> Flags:
    return np.isin(journeys.ids, int_column(tables.qualifications, "contact_id"))


def _scores(tables: Tables, journeys: Journeys) -> tuple[Floats, Floats, npt.NDArray[np.object_]]:
    q = tables.qualifications
    ids = int_column(q, "contact_id")
    rows = np.minimum(np.searchsorted(ids, journeys.ids), max(ids.shape[0] - 1, 0))
    size = journeys.ids.shape[0]
    if not ids.size:
        return np.zeros(size), np.zeros(size), np.full(size, "D", dtype=object)
    fit = np.asarray(q["fit_score"].to_numpy(zero_copy_only=False), dtype=np.float64)[rows]
    engagement = np.asarray(q["engagement_score"].to_numpy(zero_copy_only=False), np.float64)
    grades = np.array(q["fit_grade"].to_pylist(), dtype=object)[rows]
    return fit, engagement[rows], grades


def _deciles(title: str, score: Floats, chosen: Flags, sql: Flags, won: Flags) -> Section:
    members = np.flatnonzero(chosen)
    order = members[np.argsort(score[members], kind="stable")]
    rows: list[tuple[Value, ...]] = []
    for decile, part in enumerate(np.array_split(order, 10), start=1):
        if part.size == 0:
            continue
        rows.append(
            (
                decile,
                int(part.size),
                float(score[part].min()),
                float(score[part].max()),
                rate(int(sql[part].sum()), part.size),
                rate(int(won[part].sum()), part.size),
            )
        )
    return Section(title, _DECILE_COLUMNS, tuple(rows))


def _grid(
    grades: npt.NDArray[np.object_], engagement: Floats, chosen: Flags, won: Flags
) -> Section:
    rows: list[tuple[Value, ...]] = []
    for grade in Grade:
        for band, low, high in ENGAGEMENT_BANDS:
            cell = chosen & (grades == grade.value) & (engagement >= low) & (engagement < high)
            count = int(cell.sum())
            rows.append((grade.value, band, count, rate(int((cell & won).sum()), count)))
    return Section("grade x engagement", ("grade", "engagement", "leads", "won_rate"), tuple(rows))

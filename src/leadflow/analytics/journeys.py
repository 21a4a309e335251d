"""Each contact's way through the funnel, rebuilt from the transition ledger.

For every contact (rows in ``Tables.contacts`` order) and every funnel stage of the
definition:

    reached_us[row, k]   when it first stood at stage k *or further*: a lead that jumped
                         from lead to sql passed mql at that moment too
    entered_us[row, k]   when the ledger first moved it into stage k itself (NEVER for
                         a stage it only passed): time spent in a stage starts here
    lead_us[row]         when it entered the funnel (reached the first stage): its cohort
    standing[row]        where the ledger says it stood at ``as_of``: a stage position,
                         or NURTURE / DISQUALIFIED / OUTSIDE (never entered, or a stage
                         the definition does not have)

plus what its deals were worth (won revenue, pipeline) in one currency (``money``) and
the groups reports split by (cohort month, channel, campaign, owner).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from leadflow.analytics.money import Amounts, convert
from leadflow.analytics.tables import Tables, int_column
from leadflow.definition.model import DISQUALIFIED, NURTURE, Definition, StageKind

__all__ = [
    "DISQUALIFIED_CODE",
    "NEVER",
    "NURTURE_CODE",
    "OUTSIDE",
    "Journeys",
    "marketing_and_sales",
    "month_of",
]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]

NEVER = np.iinfo(np.int64).max  # "not reached" while taking minima
OUTSIDE, NURTURE_CODE, DISQUALIFIED_CODE = -1, -2, -3


@dataclass(frozen=True, slots=True, eq=False)
class Journeys:
    stage_ids: tuple[str, ...]
    ids: Ints
    reached_us: Ints  # (contacts, stages); NEVER when not reached
    entered_us: Ints  # (contacts, stages); NEVER when never moved into that stage itself
    standing: Ints
    won: Flags
    won_amount: Floats
    pipeline: Floats  # amounts of every deal created by as_of
    groups: dict[str, list[str]]
    money: Amounts  # the deals' amounts in the report currency, and what was left out

    @property
    def lead_us(self) -> Ints:
        return self.reached_us[:, 0] if self.stage_ids else np.full(self.ids.shape[0], NEVER)

    def reached(self, stage: int) -> Flags:
        reached: Flags = self.reached_us[:, stage] != NEVER
        return reached

    @classmethod
    def build(
        cls,
        tables: Tables,
        definition: Definition,
        *,
        currency: str | None = None,
        rates: Mapping[str, float] | None = None,
        zone: str | None = None,
    ) -> Journeys:
        """``currency``: the report currency (None: the one most deals are in);
        ``rates``: report-currency units per unit of another currency; ``zone``: the
        IANA time zone of the cohort months (None: UTC)."""
        ids = int_column(tables.contacts, "id")
        stage_ids = definition.stage_ids
        rows, known = _rows(ids, int_column(tables.transitions, "contact_id"))
        codes = _codes(tables.transitions["to_stage"].to_pylist(), stage_ids)
        at = int_column(tables.transitions, "at_us")
        entered = _entered(ids.shape[0], len(stage_ids), rows[known], codes[known], at[known])
        # Reaching a further stage passes every stage before it.
        reached = np.minimum.accumulate(entered[:, ::-1], axis=1)[:, ::-1]
        deals = tables.opportunities
        amounts, currencies = deals["amount"].to_pylist(), deals["currency"].to_pylist()
        money = convert(amounts, currencies, currency=currency, rates=rates)
        won, won_amount, pipeline = _deals(ids, deals, money.values)
        return cls(
            stage_ids=stage_ids,
            ids=ids,
            reached_us=reached,
            entered_us=entered,
            standing=_standing(ids.shape[0], rows[known], codes[known]),
            won=won,
            won_amount=won_amount,
            pipeline=pipeline,
            groups=_groups(
                tables, reached[:, 0] if stage_ids else np.full(ids.shape[0], NEVER), zone
            ),
            money=money,
        )


def marketing_and_sales(definition: Definition) -> tuple[int | None, int | None]:
    """Positions of the marketing-qualified stage (the last marketing stage before the
    first sales stage) and of the sales-qualified stage (the first sales stage)."""
    kinds = [stage.kind for stage in definition.stages]
    sales = next((i for i, kind in enumerate(kinds) if kind is not StageKind.MARKETING), None)
    if sales is None:
        return (len(kinds) - 1 if kinds else None), None
    marketing = next((i for i in range(sales - 1, -1, -1) if kinds[i] is StageKind.MARKETING), None)
    return marketing, sales


def month_of(us: Ints, zone: str | None = None) -> list[str]:
    """``YYYY-MM`` of each moment, in UTC or the IANA ``zone`` given (a lead at 00:30 on
    1 April in Berlin is 22:30 UTC on 31 March); empty text for NEVER."""
    if zone is None:
        months = (us // 1_000_000).astype("datetime64[s]").astype("datetime64[M]")
        text = np.datetime_as_string(months, unit="M").tolist()
    else:
        moments = pa.array(np.where(us == NEVER, 0, us)).cast(pa.timestamp("us", tz=zone))
        text = pc.strftime(moments, format="%Y-%m").to_pylist()
    return [
        "" if moment == NEVER else label for moment, label in zip(us.tolist(), text, strict=True)
    ]


def _rows(ids: Ints, contact_ids: Ints) -> tuple[Ints, Flags]:
    found = np.searchsorted(ids, contact_ids)
    inside = found < ids.shape[0]
    known = np.zeros(found.shape[0], dtype=bool)
    known[inside] = ids[found[inside]] == contact_ids[inside]
    return found, known


def _codes(stages: list[object], stage_ids: tuple[str, ...]) -> Ints:
    position = {stage: index for index, stage in enumerate(stage_ids)}
    position[NURTURE] = NURTURE_CODE
    position[DISQUALIFIED] = DISQUALIFIED_CODE
    return np.array([position.get(str(stage), OUTSIDE) for stage in stages], dtype=np.int64)


def _entered(contacts: int, stages: int, rows: Ints, codes: Ints, at: Ints) -> Ints:
    """The first move of each contact into each stage itself."""
    first = np.full((contacts, max(stages, 1)), NEVER, dtype=np.int64)
    funnel = codes >= 0
    np.minimum.at(first, (rows[funnel], codes[funnel]), at[funnel])
    return first[:, :stages]


def _standing(contacts: int, rows: Ints, codes: Ints) -> Ints:
    """The last transition of each contact (the ledger is ordered by contact, time)."""
    standing = np.full(contacts, OUTSIDE, dtype=np.int64)
    standing[rows] = codes  # later rows overwrite earlier ones
    return standing


def _deals(ids: Ints, deals: pa.Table, amount: Floats) -> tuple[Flags, Floats, Floats]:
    rows, known = _rows(ids, int_column(deals, "contact_id"))
    won = np.array([status == "won" for status in deals["status"].to_pylist()], dtype=bool)
    size = ids.shape[0]
    won_amount = np.bincount(rows[known & won], weights=amount[known & won], minlength=size)
    pipeline = np.bincount(rows[known], weights=amount[known], minlength=size)
    won_any = np.bincount(rows[known & won], minlength=size) > 0
    return won_any, won_amount.astype(np.float64), pipeline.astype(np.float64)


def _groups(tables: Tables, lead_us: Ints, zone: str | None) -> dict[str, list[str]]:
    def text(name: str) -> list[str]:
        return [value or "(none)" for value in tables.contacts[name].to_pylist()]

    return {
        "month": [label or "(not a lead)" for label in month_of(lead_us, zone)],
        "channel": text("channel"),
        "campaign": text("campaign"),
        "owner": text("owner"),
    }

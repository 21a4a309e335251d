"""The sales side: hand-off, accept or reject, follow-up attempts, conversations, deals.

Fate first, story second. Every contact's first sales-specific action hands it off to a
rep. Its fate is drawn once from the hidden model (truth.py): under-worked by the rep
(given up after one or two unanswered attempts: lost), else won with probability
``p_close``. The sales history is then drawn to be consistent with that fate: won
leads are accepted, reached, interested and closed; lost ones are rejected at the
hand-off (more often when they fit badly), never reached, not interested, or lose the
deal. Anything that would happen after the window's end is cut off and the lead is open.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from leadflow.demo.accounts import Accounts, Reps, rep_id
from leadflow.demo.behaviour import Behaviour
from leadflow.demo.catalog import SENIORITIES
from leadflow.demo.config import WorldConfig
from leadflow.demo.desk import Desk, Lead
from leadflow.demo.people import KIND, People
from leadflow.demo.truth import close_logit, sigmoid
from leadflow.domain.vocabulary import SALES_ACTION_EVENTS

__all__ = ["Leads", "Sales", "contact_id", "event_id", "work_leads"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def contact_id(number: int) -> str:
    return f"c{number:08d}"


def event_id(seq: int) -> str:
    return f"e{seq:012d}"


@dataclass(frozen=True, slots=True)
class Leads:
    """One row per handed-off contact of a chunk."""

    row: Ints  # contact row in the chunk
    rep: Ints  # rep number
    p_close: Floats
    p_win: Floats  # (1 - rep's under-work rate) * p_close: the true win probability
    under_worked: npt.NDArray[np.bool_]
    outcome: list[str]  # won | lost | open (decided after the window's end)


@dataclass(slots=True)
class Sales:
    leads: Leads
    activities: list[tuple[int, str]] = field(default_factory=list)  # (at, JSON line)
    opportunities: list[list[str]] = field(default_factory=list)  # CSV rows


def work_leads(
    config: WorldConfig,
    people: People,
    behaviour: Behaviour,
    accounts: Accounts,
    reps: Reps,
    first_seq: int,
    first_activity: int,
    rng: np.random.Generator,
) -> Sales:
    """Hand off, work and close every lead of a chunk.

    ``first_seq`` is the sequence number of the chunk's first event (events are numbered
    in ``behaviour.events`` order); ``first_activity`` numbers the activities.
    """
    row = np.flatnonzero(behaviour.sales_at >= 0)
    rep = _route(people, row, accounts, reps, rng)
    logit = close_logit(
        people.fit[row],
        people.channel[row],
        behaviour.action[row],
        behaviour.iql[row],
        behaviour.engaged[row],
    )
    p_close = sigmoid(logit)
    under = reps.under_work[rep - 1]
    under_worked = rng.random(row.size) < under
    won = ~under_worked & (rng.random(row.size) < p_close)
    desk = Desk(config, random.Random(int(rng.integers(1 << 62))), first_activity)
    outcome: list[str] = []
    for i, r in enumerate(row.tolist()):
        lead = Lead(
            contact=contact_id(int(people.number[r])),
            account=f"a{int(people.account[r]):07d}" if people.account[r] else "",
            rep=rep_id(int(rep[i])),
            at=int(behaviour.sales_at[r]),
            trigger=SALES_ACTION_EVENTS[int(behaviour.action[r])],
            event=event_id(first_seq + int(behaviour.trigger[r])),
            product=int(behaviour.product[r]),
            band=int(people.band[r]),
            fit=float(people.fit[r]),
            kind=KIND[int(people.kind[r])],
            seniority=SENIORITIES[int(people.seniority[r])],
        )
        outcome.append(desk.work(lead, bool(under_worked[i]), bool(won[i])))
    leads = Leads(row, rep, p_close, (1.0 - under) * p_close, under_worked, outcome)
    return Sales(leads, desk.activities, desk.opportunities)


def _route(
    people: People, row: Ints, accounts: Accounts, reps: Reps, rng: np.random.Generator
) -> Ints:
    """Named accounts go to their owner; everyone else to a rep of the country's team."""
    owner = np.where(
        people.account[row] > 0, accounts.owner[np.maximum(people.account[row] - 1, 0)], 0
    )
    rep = owner.copy()
    draw = rng.random(row.size)
    for code, numbers in reps.by_country.items():
        pick = np.flatnonzero((owner == 0) & (people.country[row] == code))
        rep[pick] = numbers[(draw[pick] * numbers.size).astype(np.int64)]
    return rep

"""The sales facts of every contact as they stood at ``now``, computed once per run.

The engine reads conversations, the opportunity and the identity through fact paths
(engine/scope.py); these are the same readings for all contacts at once:

    conversations        logged at or before ``now`` (``sales.conversations``)
    sql_conversation     one of them with an SQL outcome (lead type SQL)
    opportunity.status   none before it was created; "open" until it closed
    opportunity.amount   none before it was created
    identity             the stored word as an ``Identity`` (unknown words read "known",
                         as services/facts.py reads them)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from leadflow.batch.frames import MISSING_TIME, Column, ContactFrame
from leadflow.batch.probes import CATEGORIES
from leadflow.definition.model import Definition
from leadflow.domain.vocabulary import Identity

__all__ = ["Standing"]

Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int8]


@dataclass(frozen=True, slots=True, eq=False)
class Standing:
    conversations: Floats  # a count, as a float for numeric conditions
    sql_conversation: Flags
    status: Column
    amount: Floats
    identity: Codes  # code into probes.CATEGORIES["identity"]
    accepted: Codes  # code into (None, False, True)

    @classmethod
    def at(cls, definition: Definition, contacts: ContactFrame, now_us: int) -> Standing:
        rows = contacts.size
        talks = contacts.conversations
        done = talks.at_us <= now_us
        counts = np.bincount(talks.row[done], minlength=rows).astype(np.float64)
        outcomes = definition.lead_types.sql_outcomes
        sql_values = [
            (str(value) if value else "").casefold() in outcomes
            for value in talks.outcome.python_values()
        ]
        is_sql = np.array([*sql_values, "" in outcomes], dtype=bool)[talks.outcome.codes]
        sql = np.bincount(talks.row[done & is_sql], minlength=rows) > 0
        status, amount = _opportunity(contacts, now_us)
        return cls(
            conversations=counts,
            sql_conversation=sql,
            status=status,
            amount=amount,
            identity=_identity_codes(contacts.identity),
            accepted=(contacts.accepted + 1).astype(np.int8),
        )


def _opportunity(contacts: ContactFrame, now_us: int) -> tuple[Column, Floats]:
    deal = contacts.opportunity
    exists = deal.status.codes >= 0  # no status: no opportunity
    created = deal.created_us
    visible = exists & ((created == MISSING_TIME) | (created <= now_us))
    words = deal.status.python_values()
    if "open" not in words:
        words = [*words, "open"]
    open_code = words.index("open")
    still_open = (deal.closed_us != MISSING_TIME) & (deal.closed_us > now_us)
    not_open = np.array([word != "open" for word in deal.status.python_values()] + [False])
    reopen = still_open & not_open[deal.status.codes]
    codes = np.where(reopen, open_code, deal.status.codes)
    codes = np.where(visible, codes, -1).astype(np.int32)
    amount = np.where(visible, deal.amount, np.nan)
    return Column(codes, words), amount


def _identity_codes(identity: Column) -> Codes:
    order = CATEGORIES["identity"]
    table = [order.index(_identity(value)) for value in identity.python_values()]
    table.append(order.index(Identity.KNOWN))
    return np.array(table, dtype=np.int8)[identity.codes]


def _identity(value: object) -> Identity:
    try:
        return Identity(str(value))
    except ValueError:
        return Identity.KNOWN

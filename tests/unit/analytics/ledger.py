"""A small hand-built store, as ``read_tables`` would return it (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa

from leadflow.analytics.tables import Tables
from leadflow.batch.frames import micros

T0 = datetime(2026, 1, 10, tzinfo=UTC)
DAY = timedelta(days=1)


def us(days: float) -> int:
    return micros(T0 + days * DAY)


def tables(as_of_days: float = 60) -> Tables:
    """Four contacts (waterfall stages: lead, mql, sql, opportunity, customer):

    1  lead d0, mql d2, sql d6; a deal won (1,000)
    2  lead d1, sql d3 (skipping mql); an open deal (500)
    3  lead d2, recycled to nurture d5
    4  entered at mql d4 (skipping lead); channel referral

    Hand-offs: 1 accepted and reached on the second call; 2 rejected (bad_fit); 3
    accepted, tried once, then recycled: given up, under-worked.
    """
    moves = [
        (1, "lead", 0), (1, "mql", 2), (1, "sql", 6), (2, "lead", 1), (2, "sql", 3),
        (3, "lead", 2), (3, "nurture", 5), (4, "mql", 4),
    ]  # fmt: skip
    return Tables(
        as_of_us=us(as_of_days),
        contacts=pa.table(
            {
                "id": [1, 2, 3, 4],
                "created_us": [us(0)] * 4,
                "channel": ["linkedin", "linkedin", "paid_search", "referral"],
                "medium": [None] * 4,
                "campaign": ["spring", None, None, None],
                "owner": ["r1", "r2", None, "r1"],
                "purchased": [False] * 4,
                "vendor": [None] * 4,
            }
        ),
        qualifications=pa.table(
            {
                "contact_id": [1, 2, 3, 4],
                "fit_score": [90.0, 60.0, 20.0, 55.0],
                "fit_grade": ["A", "B", "D", "B"],
                "engagement_score": [50.0, 12.0, 1.0, 30.0],
                "sales_ready": [True, False, False, False],
            }
        ),
        transitions=pa.table(
            {
                "contact_id": [m[0] for m in moves],
                "from_stage": [None] * len(moves),
                "to_stage": [m[1] for m in moves],
                "at_us": [us(m[2]) for m in moves],
                "actor": [None] * len(moves),
            }
        ),
        opportunities=pa.table(
            {
                "contact_id": [1, 2],
                "status": ["won", "open"],
                "amount": [1000.0, 500.0],
                "created_us": [us(8), us(9)],
                "closed_us": [us(20), None],
                "currency": ["EUR", "EUR"],
            }
        ),
        # 1 accepted and reached; 3 accepted, tried once, recycled (given up); 2 rejected
        handoffs=pa.table(
            {
                "id": [1, 2, 3],
                "contact_id": [1, 2, 3],
                "owner": ["r1", "r2", "r1"],
                "at_us": [us(5), us(2.5), us(3)],
                "due_us": [us(6), us(3.5), us(4)],
                "status": ["accepted", "rejected", "accepted"],
                "answered_us": [us(5.1), us(2.6), us(3.2)],
                "reason": [None, "bad_fit", None],
            }
        ),
        attempts=pa.table(
            {
                "contact_id": [1, 1, 3],
                "handoff_id": [1, 1, 3],
                "at_us": [us(5.5), us(6.5), us(3.5)],
                "channel": ["call", "call", "email"],
                "outcome": ["no_answer", "connected", "no_answer"],
            }
        ),
        work=pa.table(
            {
                "handoff_id": pa.array([], pa.int64()),
                "outcome": pa.array([], pa.string()),
                "connected": pa.array([], pa.bool_()),
                "under_worked": pa.array([], pa.bool_()),
                "closed_us": pa.array([], pa.int64()),
            }
        ),
        rejections=pa.table(
            {"handoff_id": pa.array([], pa.int64()), "code": pa.array([], pa.string())}
        ),
    )

"""Rows of the demo world's tables, built column-wise from the simulation's arrays.

Each function turns one chunk (or the whole sales team, or all accounts) into the
columns named in writers.py, as strings for CSV or typed arrays for Parquet.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from leadflow.demo.accounts import Accounts, Reps, rep_id
from leadflow.demo.behaviour import Behaviour
from leadflow.demo.catalog import CHANNEL_CAMPAIGNS, INDUSTRIES, SENIORITIES, TEAMS, VENDORS
from leadflow.demo.people import EMAIL_CONSENT, PHONE_CONSENT, People
from leadflow.demo.sales import Sales, contact_id
from leadflow.demo.spool import visitor_number
from leadflow.demo.truth import CHANNEL_VALUES, COUNTRY_VALUES
from leadflow.demo.writers import ACCOUNT_COLUMNS, CONTACT_COLUMNS

__all__ = [
    "account_columns",
    "account_schema",
    "contact_columns",
    "contact_schema",
    "csv_rows",
    "iso_times",
    "rep_rows",
    "truth_rows",
]

Ints = npt.NDArray[np.int64]


def iso_times(moments: Ints) -> list[str]:
    """Epoch seconds as ``2026-01-02T10:00:00Z``."""
    text = np.datetime_as_string(moments.astype("datetime64[s]"), unit="s")
    return [f"{value}Z" for value in text.tolist()]


def rep_rows(reps: Reps) -> list[list[object]]:
    return [
        [
            rep_id(i + 1),
            reps.names[i],
            reps.emails[i],
            reps.team[i],
            ";".join(TEAMS[reps.team[i]]),
            int(capacity),
        ]
        for i, capacity in enumerate(reps.capacity.tolist())
    ]


def account_columns(accounts: Accounts) -> dict[str, list[object]]:
    industries = list(INDUSTRIES)
    count = accounts.size
    return {
        "account": list(range(1, count + 1)),
        "account_id": [f"a{n:07d}" for n in range(1, count + 1)],
        "name": list(accounts.names),
        "domain": list(accounts.domains),
        "industry": [industries[i] for i in accounts.industry.tolist()],
        "employees": accounts.employees.tolist(),
        "annual_revenue_eur": accounts.revenue.tolist(),
        "country": [COUNTRY_VALUES[i] for i in accounts.country.tolist()],
        "owner_rep_id": [rep_id(n) if n else "" for n in accounts.owner.tolist()],
    }


def account_schema() -> pa.Schema:
    types = {"account": pa.int32(), "employees": pa.int64(), "annual_revenue_eur": pa.int64()}
    return pa.schema(
        [(name, types.get(name, pa.string())) for name in ("account", *ACCOUNT_COLUMNS)]
    )


def contact_columns(
    people: People, behaviour: Behaviour, accounts: Accounts
) -> dict[str, list[object]]:
    """contacts.csv columns; the consent column reflects unsubscribes seen in the events."""
    channel = [CHANNEL_VALUES[c] for c in people.channel.tolist()]
    triples = [
        CHANNEL_CAMPAIGNS[name][s] for name, s in zip(channel, people.source.tolist(), strict=True)
    ]
    account = people.account.tolist()
    consent = np.where(behaviour.withdrawn, EMAIL_CONSENT.index("withdrawn"), people.email_consent)
    return {
        "contact": people.number.tolist(),
        "contact_id": [contact_id(n) for n in people.number.tolist()],
        "email": people.email,
        "first_name": people.first_name,
        "last_name": people.last_name,
        "phone": people.phone,
        "title": people.title,
        "seniority": [SENIORITIES[s] for s in people.seniority.tolist()],
        "department": people.department,
        "country": [COUNTRY_VALUES[c] for c in people.country.tolist()],
        "account_id": [f"a{n:07d}" if n else "" for n in account],
        "company": [accounts.names[n - 1] if n else "" for n in account],
        "channel": channel,
        "utm_source": [source for source, _, _ in triples],
        "utm_medium": [medium for _, medium, _ in triples],
        "utm_campaign": people.utm_campaign,
        "purchased": [name == "purchased" for name in channel],
        "vendor": [VENDORS[v] if v >= 0 else "" for v in people.vendor.tolist()],
        "created_at": iso_times(people.created),
        "email_consent": [EMAIL_CONSENT[c] for c in consent.tolist()],
        "phone_consent": [PHONE_CONSENT[c] for c in people.phone_consent.tolist()],
    }


def contact_schema() -> pa.Schema:
    types = {"contact": pa.int32(), "purchased": pa.bool_()}
    return pa.schema(
        [(name, types.get(name, pa.string())) for name in ("contact", *CONTACT_COLUMNS)]
    )


def csv_rows(columns: dict[str, list[object]], names: tuple[str, ...]) -> list[tuple[object, ...]]:
    """Rows for CSV: booleans as ``true``/``false``, like every other file of the world."""
    lists = [_csv(columns[name]) for name in names]
    return list(zip(*lists, strict=True))


def _csv(values: list[object]) -> list[object]:
    if values and isinstance(values[0], bool):
        return ["true" if value else "false" for value in values]
    return values


def truth_rows(people: People, behaviour: Behaviour, sales: Sales) -> list[tuple[object, ...]]:
    """truth_contacts.csv: the hidden numbers behind every contact of the chunk."""
    size = people.size
    handed_at = [""] * size
    rep = [""] * size
    p_close = [""] * size
    p_win = [""] * size
    under = [""] * size
    outcome = ["none"] * size
    leads = sales.leads
    moments = iso_times(behaviour.sales_at[leads.row])
    for i, row in enumerate(leads.row.tolist()):
        handed_at[row] = moments[i]
        rep[row] = rep_id(int(leads.rep[i]))
        p_close[row] = f"{leads.p_close[i]:.6f}"
        p_win[row] = f"{leads.p_win[i]:.6f}"
        under[row] = "true" if leads.under_worked[i] else "false"
        outcome[row] = leads.outcome[i]
    visitors = np.where(behaviour.visitor > 0, visitor_number(behaviour.visitor), -1).tolist()
    return list(
        zip(
            [contact_id(n) for n in people.number.tolist()],
            [f"v{v:010d}" if v >= 0 else "" for v in visitors],
            [contact_id(n) if n else "" for n in people.duplicate_of.tolist()],
            [f"{x:.6f}" for x in people.fit.tolist()],
            [f"{x:.6f}" for x in people.intent.tolist()],
            handed_at,
            rep,
            p_close,
            p_win,
            under,
            outcome,
            strict=True,
        )
    )

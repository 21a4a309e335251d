"""Synthetic lead tables with a planted ideal profile, so tests know the right answer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from leadflow.learn.table import LeadTable, table_from_columns

INDUSTRIES = ("software", "retail", "logistics", "education", "agriculture")
COUNTRIES = ("NL", "DE", "FR", "NO", "BE")


@dataclass(frozen=True)
class Planted:
    """The hidden truth: software companies with 200+ employees win most."""

    table: LeadTable
    probability: np.ndarray  # the true win probability of each lead


def planted_leads(size: int = 3000, seed: int = 0, *, with_time: bool = True) -> Planted:
    rng = np.random.default_rng(seed)
    industry = rng.choice(INDUSTRIES, size=size)
    employees = np.round(np.exp(rng.uniform(np.log(5), np.log(5000), size=size)))
    country = rng.choice(COUNTRIES, size=size)  # noise: no effect on the outcome
    logit = -2.0 + 2.2 * (industry == "software") + 1.2 * (employees >= 200)
    probability = 1 / (1 + np.exp(-logit))
    won = (rng.uniform(size=size) < probability).astype(np.int8)
    moments = None
    if with_time:
        moments = (1_700_000_000 + np.sort(rng.integers(0, 365 * 86400, size=size))).astype(
            np.int64
        )
    table = table_from_columns(
        {"Industry": list(industry), "Employees": employees, "Country": list(country)},
        ids=np.array([f"L{i}" for i in range(size)], dtype=object),
        outcome=won,
        decided_at=moments,
        paths={"Industry": "account.industry", "Employees": "account.employees"},
    )
    return Planted(table, probability)


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    # Tests run in parallel workers on a shared machine; OpenMP threads spinning
    # against each other make gradient boosting ten times slower, not faster.
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="session")
def planted() -> Planted:
    return planted_leads()

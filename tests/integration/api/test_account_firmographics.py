"""The accounts API reads a company's size and revenue as ``leadflow import accounts`` does."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from leadflow.ingest.accounts import account_columns, read_account

Headers = Callable[[str], dict[str, str]]

HEADER = ("domain", "employees", "revenue")


def _imported(employees: str, revenue: str) -> tuple[int | None, float | None]:
    """What the accounts import makes of the same cells."""
    record = read_account(HEADER, account_columns(HEADER), ("acme.example", employees, revenue))
    return record.employees, record.revenue


@pytest.mark.parametrize(
    ("employees", "revenue"),
    [
        ("51-200", "2,5 Mio. €"),
        ("1.000+", "€2.5M"),
        ("1.000", "2.500.000"),  # European thousands: not one employee, not 2.5 euros
        ("1,200", "2.500"),
        (" 250 ", "1.234.567,89"),
    ],
)
def test_sizes_and_revenues_as_people_write_them_are_read_as_the_import_reads_them(
    client: TestClient, headers: Headers, employees: str, revenue: str
) -> None:
    body = {"domain": "acme.example", "employees": employees, "revenue": revenue}

    made = client.post("/accounts", json=body, headers=headers("marketing"))

    assert made.status_code == 201, made.text
    assert (made.json()["employees"], made.json()["revenue"]) == _imported(employees, revenue)


def test_a_patch_reads_them_too_and_numbers_stay_numbers(
    client: TestClient, headers: Headers
) -> None:
    made = client.post(
        "/accounts",
        json={"domain": "acme.example", "employees": 40, "revenue": 1500000.5},
        headers=headers("marketing"),
    ).json()

    patched = client.patch(
        f"/accounts/{made['id']}",
        json={"employees": "10.000+", "revenue": "12 Mrd"},
        headers=headers("marketing"),
    )

    assert (made["employees"], made["revenue"]) == (40, 1500000.5)
    assert (patched.json()["employees"], patched.json()["revenue"]) == (10000, 12e9)


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("employees", "lots", "employees: 'lots' is not a number"),
        ("employees", "12.5", "employees: '12.5' is not a whole number"),
        ("employees", "-3", "employees: '-3' is negative"),
        ("employees", "20 Mio", "employees: '20 Mio' is more than 10000000"),
        ("revenue", "about a million", "revenue: 'about a million' is not a number"),
        ("revenue", "(2.5M)", "revenue: '(2.5M)' is negative"),
    ],
)
def test_a_value_that_is_no_size_or_revenue_is_refused_naming_the_field(
    client: TestClient, headers: Headers, field: str, value: str, says: str
) -> None:
    made = client.post(
        "/accounts", json={"domain": "acme.example"}, headers=headers("marketing")
    ).json()

    created = client.post(
        "/accounts", json={"domain": "other.example", field: value}, headers=headers("marketing")
    )
    patched = client.patch(
        f"/accounts/{made['id']}", json={field: value}, headers=headers("marketing")
    )

    for refused in (created, patched):
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"] == says
    read = client.get(f"/accounts/{made['id']}", headers=headers("sales")).json()
    assert read[field] is None
    assert client.get("/accounts", headers=headers("sales")).json()["items"] == [read]

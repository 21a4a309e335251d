"""Ids Excel shortened are recognised; whole ids, long or short, are not."""

from __future__ import annotations

import pytest

from leadflow.ingest.excel_ids import excel_shortened, whole_id
from leadflow.ingest.normalise import InvalidValueError


@pytest.mark.parametrize(
    "cell",
    [
        "1.23457E+14",  # a long HubSpot or Zoho id in a narrow column
        "1,23457E+14",  # the same, where the decimal separator is a comma
        "1.5E+14",  # Salesforce's 0015000000123E4 read as a number
        "4.15087E+18",
        "123456789012345000",  # 18 digits rounded to 15 significant ones
        "4150868000000220000",  # a 19-digit Zoho id
        "1234567890123450",
    ],
)
def test_ids_excel_shortened(cell: str) -> None:
    assert excel_shortened(cell) is not None
    with pytest.raises(InvalidValueError, match="Excel keeps 15"):
        whole_id(cell)


@pytest.mark.parametrize(
    "cell",
    [
        "51",
        "1234",
        "123456789012345",  # 15 digits: Excel keeps them all
        "4150868000000224005",  # a whole 19-digit id
        "1000000000000000001",
        "0015g00000AbCdE",
        "0015g00000AbCdEAAV",
        "c0a8-e1",
        "E1234",
        "abc",
    ],
)
def test_whole_ids_pass(cell: str) -> None:
    assert excel_shortened(cell) is None
    assert whole_id(cell) == cell


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # A numeric id column formatted as a number with thousands separators: Excel
        # saves the digits as it shows them, every one still there.
        ("1.234.567", "1234567"),  # German, Dutch, Spanish, Italian Excel
        ("1,234,567", "1234567"),  # English
        ("1 234 567", "1234567"),  # French (a space or a narrow no-break space)
        ("1\u202f234\u202f567", "1234567"),
        ("12'345'678", "12345678"),  # Swiss
        ("12\u2019345\u2019678", "12345678"),
        ("51.234", "51234"),
    ],
)
def test_ids_grouped_by_thousands_lose_the_grouping(cell: str, expected: str) -> None:
    assert whole_id(cell) == expected


@pytest.mark.parametrize("cell", ["1.234,567", "1.2345", "12.34.567", "1.234.567.89", "v1.234"])
def test_what_is_not_a_grouped_number_is_kept_as_written(cell: str) -> None:
    assert whole_id(cell) == cell


def test_a_grouped_id_excel_rounded_is_still_refused() -> None:
    with pytest.raises(InvalidValueError, match="Excel keeps 15"):
        whole_id("4.150.868.000.000.220.000")

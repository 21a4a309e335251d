"""Numbers written as text: European and English grouping, decimal marks, slips."""

from __future__ import annotations

import pytest

from leadflow.domain.numbers import written_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("25.000", 25.0),  # a decimal point, as "4.857" in an English export
        ("25,000", 25_000.0),  # English thousands
        ("25.000,00", 25_000.0),  # German thousands, told apart by the decimal part
        ("1.250.000", 1_250_000.0),
        ("2,5", 2.5),
        ("1234.567", 1234.567),  # four digits before the mark: no thousands group
        ("0.500", 0.5),
        (" 1.234.567,89 ", 1_234_567.89),
        ("1,234,567.89", 1_234_567.89),
        ("1 234 567", 1_234_567.0),
        ("1\u00a0234,5", 1234.5),
        ("1\u2019234.50", 1234.5),
        ("-1,250", -1250.0),
        ("0,500", 0.5),
        ("+7", 7.0),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("1_000", 1000.0),
    ],
)
def test_well_formed_numbers_are_read(text: str, number: float) -> None:
    assert written_number(text) == number


@pytest.mark.parametrize(
    "text",
    ["", "lots", "05.03.2026", "1..2", "1.234,567,8", "1.234.5", "1,234,5", "+-3", "inf", "nan"],
)
def test_what_is_no_number_is_none(text: str) -> None:
    assert written_number(text) is None

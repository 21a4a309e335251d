"""Dates as exports write them, to aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from leadflow.ingest.instants import parse_instant
from leadflow.ingest.normalise import InvalidValueError


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-04", utc(2025, 3, 4)),
        ("2025-03-04 14:22", utc(2025, 3, 4, 14, 22)),
        ("2025-03-04T14:22:11.000Z", utc(2025, 3, 4, 14, 22, 11)),
        ("2025-03-04T14:22:11.000+0000", utc(2025, 3, 4, 14, 22, 11)),
        ("2025-03-04T16:22:11+02:00", utc(2025, 3, 4, 14, 22, 11)),
        ("1741098131000", utc(2025, 3, 4, 14, 22, 11)),
        ("1741098131", utc(2025, 3, 4, 14, 22, 11)),
        ("04.03.2025", utc(2025, 3, 4)),
        ("04.03.2025 14:22", utc(2025, 3, 4, 14, 22)),
        ("25/12/2024", utc(2024, 12, 25)),
        ("4 Mar 2025", utc(2025, 3, 4)),
        ("March 4, 2025", utc(2025, 3, 4)),
        ("2025/03/04", utc(2025, 3, 4)),
    ],
)
def test_spellings(raw: str, expected: datetime) -> None:
    assert parse_instant(raw) == expected


def test_ambiguous_slashes_follow_the_day_first_setting() -> None:
    assert parse_instant("03/04/2025", day_first=True) == utc(2025, 4, 3)
    assert parse_instant("03/04/2025", day_first=False) == utc(2025, 3, 4)
    assert parse_instant("3/4/2025, 2:05 PM", day_first=False) == utc(2025, 3, 4, 14, 5)


def test_a_date_that_can_only_be_read_the_other_way_is_refused() -> None:
    # Read alone, 3/13 is clearly month first; but the same file's 3/4 was then read as
    # 3 April, and an export mixing the two orders silently is worse than one refused.
    assert parse_instant("12/25/2024", day_first=False) == utc(2024, 12, 25)
    assert parse_instant("25/12/2024", day_first=True) == utc(2024, 12, 25)
    with pytest.raises(InvalidValueError, match="can only be month first, but this file's dates"):
        parse_instant("12/25/2024", day_first=True)
    with pytest.raises(InvalidValueError, match="--default-region US"):
        parse_instant("3/13/2025 2:05 PM", day_first=True)
    with pytest.raises(InvalidValueError, match=r"can only be day first, .* day_first: true"):
        parse_instant("25-12-2024", day_first=False)
    assert parse_instant("25.12.2024", day_first=False) == utc(2024, 12, 25)  # dots: day first


def test_naive_times_are_read_in_the_files_zone() -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert parse_instant("2025-07-01 10:00", zone=amsterdam) == utc(2025, 7, 1, 8)
    assert parse_instant("01.01.2025 10:00", zone=amsterdam) == utc(2025, 1, 1, 9)
    # An explicit offset wins over the zone.
    assert parse_instant("2025-07-01T10:00:00Z", zone=amsterdam) == utc(2025, 7, 1, 10)


@pytest.mark.parametrize(
    "raw",
    # "²" is a digit to str.isdigit, not to int(): refused with the reason, not a crash.
    ["yesterday", "31.02.2025", "2025-13-01", "1/1/1800", "12:00", "²" * 10, "²" * 13],
)
def test_what_is_not_a_date_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValueError):
        parse_instant(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Excel writes a date cell into a CSV as it shows it: month names in the user's
        # language, or the serial number when the cell is formatted as a number.
        ("23-Nov-2026", utc(2026, 11, 23)),
        ("23. November 2026", utc(2026, 11, 23)),
        ("23. Mrz. 2026", utc(2026, 3, 23)),
        ("5. März 2026 14:05", utc(2026, 3, 5, 14, 5)),
        ("23 nov. 2026", utc(2026, 11, 23)),
        ("1 février 2026", utc(2026, 2, 1)),
        ("5 maart 2026", utc(2026, 3, 5)),
        ("5 dicembre 2026", utc(2026, 12, 5)),
        ("5-ene-26", utc(2026, 1, 5)),
        ("45987", utc(2025, 11, 26)),
        ("45987.5868", utc(2025, 11, 26, 14, 5)),
        ("45987,5868", utc(2025, 11, 26, 14, 5)),  # German Excel's decimal comma
        ("20261123", utc(2026, 11, 23)),
        ("2026-11-23 14:05:00 UTC", utc(2026, 11, 23, 14, 5)),
    ],
)
def test_spellings_of_excel_and_european_exports(raw: str, expected: datetime) -> None:
    assert parse_instant(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        # Excel's "Long Date" format, as each language's Windows writes it into a CSV.
        "Tuesday, November 24, 2026",
        "Dienstag, 24. November 2026",
        "Di., 24. Nov. 2026",
        "mardi 24 novembre 2026",
        "dinsdag 24 november 2026",
        "martes, 24 de noviembre de 2026",
        "24 de noviembre de 2026",
        "martedì 24 novembre 2026",
        "terça-feira, 24 de novembro de 2026",
        "tirsdag den 24. november 2026",
        "den 24 november 2026",
        "tiistai 24. marraskuuta 2026",
        "wtorek, 24 listopada 2026",
        "úterý 24. listopadu 2026",
    ],
)
def test_excels_long_date_with_its_weekday_in_each_language(raw: str) -> None:
    assert parse_instant(raw) == utc(2026, 11, 24)


@pytest.mark.parametrize(
    "raw", ["Montag, 24. November 2026", "Someday, 24 November 2026", "martes de 2026"]
)
def test_a_long_date_whose_weekday_is_wrong_or_unknown_is_refused(raw: str) -> None:
    # 24 November 2026 is a Tuesday: a date that names another day says two things.
    with pytest.raises(InvalidValueError):
        parse_instant(raw)


def test_an_excel_serial_is_a_local_time_in_the_files_zone() -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert parse_instant("45987.5", zone=amsterdam) == utc(2025, 11, 26, 11)
    assert parse_instant("23 nov 2026 10:00", zone=amsterdam) == utc(2026, 11, 23, 9)


def test_no_month_word_names_two_months() -> None:
    from babel import Locale

    from leadflow.ingest.countries import fold
    from leadflow.ingest.instants import MONTH_LANGUAGES

    seen: dict[str, int] = {}
    for language in MONTH_LANGUAGES:
        months = Locale.parse(language).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    key = fold(name).rstrip(". ")
                    assert seen.setdefault(key, number) == number, (language, name)


@pytest.mark.parametrize(
    "raw", ["20261323", "31. Februar 2026", "23 Foo 2026", "x UTC", "1234", "123456"]
)
def test_what_only_looks_like_those_spellings_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValueError):
        parse_instant(raw)

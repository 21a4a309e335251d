"""The phone shortcut agrees with phonenumbers.parse whenever it answers."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.ingest.phones import shortcut

REGIONS = ["NL", "DE", "US", "GB", "FR", "NO", "BE", "IT", "IN", "AU", "CH", "AT", "SE",
           "DK", "ES", "PL", "JP", "BR", "AR", "MX", "CN", "IE", "FI", "CA", "RU"]  # fmt: skip


def library(value: str, region: str | None) -> str | None:
    """What the slow path gives: E.164 when parsable and possible, else None."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def formatted(digits: str, separators: list[str]) -> str:
    out = []
    for index, digit in enumerate(digits):
        out.append(digit)
        if index < len(separators):
            out.append(separators[index])
    return "".join(out)


numbers = st.builds(
    lambda prefix, body, separators: prefix + formatted(body, separators),
    st.sampled_from(["", "0", "00", "+", "+31", "+1", "+44", "+49", "+39", "+0", "1", "31"]),
    st.text("0123456789", min_size=1, max_size=14),
    st.lists(st.sampled_from(["", "", "", " ", "-", ".", "/"]), max_size=14),
)


@settings(max_examples=2000, deadline=None)
@given(value=numbers, region=st.sampled_from([*REGIONS, None]))
def test_shortcut_agrees_with_the_library(value: str, region: str | None) -> None:
    quick = shortcut(value, region)
    if quick is not None:
        assert quick == library(value, region)


@pytest.mark.parametrize("region", REGIONS)
def test_example_numbers_of_every_region(region: str) -> None:
    example = phonenumbers.example_number(region)
    for style in (phonenumbers.PhoneNumberFormat.NATIONAL,
                  phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                  phonenumbers.PhoneNumberFormat.E164):  # fmt: skip
        text = phonenumbers.format_number(example, style)
        quick = shortcut(text, region)
        if quick is not None:
            assert quick == library(text, region)


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ("020 123 4567", "NL", "+31201234567"),
        ("+31 20 123 4567", None, "+31201234567"),
        ("06-12345678", "NL", "+31612345678"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("22 33 44 55", "NO", "+4722334455"),
        ("020 7683 1234", "GB", "+442076831234"),  # prefix pattern "0|180020"
    ],
)
def test_common_plain_numbers_take_the_shortcut(
    value: str, region: str | None, expected: str
) -> None:
    assert shortcut(value, region) == expected


@pytest.mark.parametrize(
    ("value", "region"),
    [
        ("+31 (0)20 123 4567", None),  # trunk prefix in brackets
        ("020 123 4567 ext. 12", "NL"),  # extension
        ("0031 20 123 4567", "NL"),  # international prefix
        ("1-800-FLOWERS", "US"),  # letters
        ("020 123 4567", None),  # national without region
        ("011 54 9 11 1234 5678", "US"),  # a prefix the library must read
    ],
)
def test_unusual_numbers_are_left_to_the_library(value: str, region: str | None) -> None:
    assert shortcut(value, region) is None


def test_possible_lengths_agree_with_the_library_for_every_country_code() -> None:
    """The shortcut answers for lengths the library calls possible; local-only lengths
    (possible in the library's wider sense) are left to it."""
    from phonenumbers.phonenumberutil import ValidationResult

    from leadflow.ingest.phones import _possible

    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        for length in range(1, 18):
            national = "9" * length
            number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
            reason = phonenumbers.is_possible_number_with_reason(number)
            expected = f"+{code}{national}" if reason == ValidationResult.IS_POSSIBLE else None
            assert _possible(code, national) == expected, (code, length)


@pytest.mark.parametrize(
    "e164",
    [
        "+14155554242",  # US, written "(415) 555-4242": looks like a direct dial
        "+16135550123",  # Canada, the same country code
        "+493012345671",  # Germany: office numbers vary in length
        "+4930123456712",
        "+3120123456712",  # the Netherlands: no room for a suffix
        "+41446681800",
        "+4414815550123",  # Guernsey within +44
        "+77012345678",  # Kazakhstan within +7
    ],
)
def test_room_for_a_suffix_is_decided_by_the_country_and_the_length(e164: str) -> None:
    """The remembered answer (by the number's first digits and length) is the one a parse
    of the whole number gives."""
    from leadflow.ingest.normalise import _room_for_suffix, _room_for_suffix_of

    assert _room_for_suffix_of(e164[:6], len(e164)) == _room_for_suffix(phonenumbers.parse(e164))

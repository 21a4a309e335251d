"""Salesforce ids: 15 characters get their checksum, 18 are checked, a lost case is
restored from the checksum, anything else is left alone."""

from __future__ import annotations

import random
import string

import pytest

from leadflow.ingest.normalise import InvalidValueError
from leadflow.ingest.salesforce_ids import canonical_external_id, salesforce_id


@pytest.mark.parametrize(
    ("short", "long"),
    [
        # Pairs as Salesforce's own documentation prints them.
        ("001D000000IqhSL", "001D000000IqhSLIAZ"),
        ("a0D30000001n7Pi", "a0D30000001n7PiEAI"),
        ("000000000000000", "000000000000000AAA"),
        ("ZZZZZZZZZZZZZZZ", "ZZZZZZZZZZZZZZZ555"),
    ],
)
def test_the_15_character_id_gets_its_checksum_and_the_18_is_kept(short: str, long: str) -> None:
    assert salesforce_id(short) == long
    assert salesforce_id(long) == long
    assert salesforce_id(long[:15] + long[15:].lower()) == long  # the suffix has no case


def test_an_id_written_in_lower_case_gets_its_capitals_back() -> None:
    assert salesforce_id("001d000000iqhsliaz") == "001D000000IqhSLIAZ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("001D000000IqhSLAAZ", "ends in IAZ, not AAZ"),  # a mistyped suffix
        ("001d000000IqhSLIAZ", "ends in AAZ, not IAZ"),  # one capital lost, the rest kept
        ("001d000000iqhsl5az", "ends in AAA, not 5AZ"),  # names capitals on digits
        ("001d000000iqhsl9az", "ends in AAA, not 9AZ"),  # not a suffix character at all
    ],
)
def test_an_18_character_id_that_does_not_check_is_refused(text: str, expected: str) -> None:
    with pytest.raises(InvalidValueError, match=expected):
        salesforce_id(text)


@pytest.mark.parametrize(
    "text", ["42", "00Q5g00000AbCd", "00Q5g00000AbCdEEA", "00Q5g00000AbCdEEAVX", "00Q5g-0000AbCdE",
             "00Q5g00000ÄbCdE"],
)  # fmt: skip
def test_what_is_not_shaped_like_a_salesforce_id_is_kept(text: str) -> None:
    assert salesforce_id(text) == text


def test_every_15_character_id_and_its_lower_case_18_agree() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        short = "".join(rng.choices(string.ascii_letters + string.digits, k=15))
        long = salesforce_id(short)
        assert long[:15] == short
        assert salesforce_id(long) == long
        assert salesforce_id(long.lower()) == long


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("salesforce:001D000000IqhSL", "salesforce:001D000000IqhSLIAZ"),
        ("salesforce:001d000000iqhsliaz", "salesforce:001D000000IqhSLIAZ"),
        ("hubspot:001D000000IqhSL", "hubspot:001D000000IqhSL"),  # another CRM's id
        ("001D000000IqhSL", "001D000000IqhSL"),  # no namespace: not known to be Salesforce's
        ("c0042", "c0042"),
    ],
)
def test_a_stored_form_id_is_canonical(stored: str, expected: str) -> None:
    assert canonical_external_id(stored) == expected

"""Phone numbers to E.164, with a shortcut for the plain numbers most exports hold.

``phonenumbers.parse`` costs 30-60 µs a number: it first digs the number out of free
text (letters, extensions, "tel:" URIs, carrier codes ...). Most CRM cells are already
a plain number: digits with spaces, dashes, dots or parentheses, either international
("+31 20 123 4567") or national ("020 123 4567"). For those, ``shortcut`` applies the
same metadata the library's parser applies (country code, international and national
prefixes, the national-number pattern, possible lengths) directly, in a few µs.

The shortcut only answers when it is sure it would agree with ``phonenumbers.parse``;
anything unusual (letters, an extension, "(0)", a number that could be read two ways,
a region whose national prefix captures a carrier code or is transformed, a length
that is impossible or possible only locally) returns None and goes through the
library. A test compares both on many generated numbers and regions, and the possible
lengths on every country code.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
from phonenumbers import PhoneMetadata

__all__ = ["shortcut"]

_LAYOUT = re.compile(r"[ \t\u00a0\-./()]+")
_DIGITS = re.compile(r"\+?[0-9]{3,17}")
_E164_START = 1


def shortcut(value: str, region: str | None) -> str | None:
    """The E.164 form of a plain number, or None to leave it to ``phonenumbers.parse``."""
    if "(0)" in value:
        return None  # "+31 (0)20 ...": the library knows this trunk-prefix convention
    digits = _LAYOUT.sub("", value)
    if not _DIGITS.fullmatch(digits):
        return None
    if digits[0] == "+":
        return _international(digits[_E164_START:])
    return _national(digits, region) if region else None


def _international(digits: str) -> str | None:
    if digits[:1] == "0":
        return None  # no country code starts with 0
    for size in (1, 2, 3):
        code = int(digits[:size])
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code)
        if regions:
            break
    else:
        return None
    rules = _rules(regions[0])
    national = digits[size:]
    if rules is None or "001" in regions or len(national) < 2 or national[:1] == "0":
        return None
    if rules.strips(national):
        return None
    return _possible(code, national)


def _national(digits: str, region: str) -> str | None:
    rules = _rules(region)
    if rules is None or rules.international(digits) or digits.startswith(rules.code_text):
        return None
    prefix = rules.prefix_end(digits)
    if prefix == 0:
        return None if digits[:1] == "0" else _possible(rules.code, digits)
    if prefix < 0:
        return None  # the prefix carries a carrier code or a transformation: the library
    stripped = digits[prefix:]
    if stripped[:1] == "0" or (rules.viable(digits) and not rules.viable(stripped)):
        return None
    return _possible(rules.code, stripped)


def _possible(code: int, national: str) -> str | None:
    """E.164 when ``national`` has a possible length for ``code``, as
    ``phonenumbers.is_possible_number`` decides it (lengths of the code's main region;
    local-only lengths are not possible), without building a PhoneNumber."""
    return f"+{code}{national}" if len(national) in _possible_lengths(code) else None


@cache
def _possible_lengths(code: int) -> frozenset[int]:
    region = phonenumbers.region_code_for_country_code(code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    general = None if metadata is None else metadata.general_desc
    if general is None:
        return frozenset()
    return frozenset(general.possible_length) - frozenset(general.possible_length_local_only)


class _Rules:
    """The parsing metadata of one region, compiled once."""

    def __init__(self, metadata: PhoneMetadata) -> None:
        self.code: int = metadata.country_code or 0
        self.code_text = str(self.code)
        self._international = re.compile(metadata.international_prefix or "(?!)")
        parsing = metadata.national_prefix_for_parsing
        self._strip = re.compile(parsing) if parsing else None
        self.transforms = bool(metadata.national_prefix_transform_rule)
        general = metadata.general_desc
        self._pattern = re.compile(general.national_number_pattern or "(?!)" if general else "(?!)")

    def international(self, digits: str) -> bool:
        return self._international.match(digits) is not None

    def strips(self, digits: str) -> bool:
        """True when the library would try to strip a national prefix from ``digits``."""
        return self._strip is not None and self._strip.match(digits) is not None

    def prefix_end(self, digits: str) -> int:
        """Where the national number starts after the prefix the library would strip: 0
        when none matches, -1 when the prefix pattern captures a carrier code (which
        the library then reads; the shortcut does not)."""
        strip = self._strip
        match = None if strip is None else strip.match(digits)
        if strip is None or match is None:
            return 0
        return -1 if strip.groups else match.end()

    def viable(self, digits: str) -> bool:
        return self._pattern.fullmatch(digits) is not None


@cache
def _rules(region: str) -> _Rules | None:
    metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
    if metadata is None:
        return None
    rules = _Rules(metadata)
    return None if rules.transforms or not rules.code else rules

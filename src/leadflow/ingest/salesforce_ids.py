"""Salesforce record ids in one form, so a lead exported twice is one contact.

Salesforce writes a record's id two ways: 15 case-sensitive characters (reports, the
page address in the UI) or 18 characters (the API, Data Loader, Data Export), which
are the same 15 followed by a checksum of their case, so that the id survives tools
that ignore case. The suffix has one character per 5 of the 15: bit ``i`` is set when
character ``i`` of the five is a capital A-Z, and the 5-bit number picks a character of
``ABCDEFGHIJKLMNOPQRSTUVWXYZ012345``.

``salesforce_id`` gives every id its 18-character form:

    15 characters          the suffix is computed and added
    18, suffix agrees      kept (the suffix upper-cased: it is case-insensitive)
    18, all lower case     the case was lost (a spreadsheet or database that folds
                           case): the suffix says which letters were capitals, and they
                           are restored
    18, suffix disagrees   refused (``InvalidValueError``): a mistyped or truncated id
                           would otherwise become a second contact, silently
    anything else          kept as written (a mapping file's own ids)

Stored record ids carry their source's namespace (``salesforce:00Q...``);
``canonical_external_id`` applies the same rule to such a stored-form id, as events
and the API name contacts by it.
"""

from __future__ import annotations

import re

from leadflow.ingest.normalise import InvalidValueError

__all__ = ["NAMESPACE", "canonical_external_id", "salesforce_id"]

NAMESPACE = "salesforce"

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_SHAPE = re.compile(r"[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?")
_CHUNK = 5
_SHORT = 15


def salesforce_id(text: str) -> str:
    """The 18-character form of a 15- or 18-character Salesforce id (see the module)."""
    if not (text.isascii() and _SHAPE.fullmatch(text)):
        return text
    head, suffix = text[:_SHORT], text[_SHORT:].upper()
    expected = _suffix(head)
    if not suffix or suffix == expected:
        return head + expected
    if head == head.lower():
        restored = _restored_case(head, suffix)
        if restored is not None:
            return restored + suffix
    raise InvalidValueError(
        f"Salesforce id {text!r} does not check: the id {head} ends in {expected}, "
        f"not {suffix} (a mistyped or cut id?)"
    )


def canonical_external_id(external_id: str) -> str:
    """A stored-form record id with its Salesforce id in the 18-character form
    (``salesforce:<id>``); other namespaces are kept as they are."""
    namespace, colon, local = external_id.partition(":")
    if colon and namespace == NAMESPACE:
        return f"{NAMESPACE}:{salesforce_id(local)}"
    return external_id


def _suffix(head: str) -> str:
    return "".join(
        _SUFFIX_ALPHABET[_capitals(head[start : start + _CHUNK])]
        for start in range(0, _SHORT, _CHUNK)
    )


def _capitals(chunk: str) -> int:
    """The 5-bit number whose bit i says that character i is a capital A-Z."""
    return sum(1 << index for index, char in enumerate(chunk) if "A" <= char <= "Z")


def _restored_case(head: str, suffix: str) -> str | None:
    """The 15 characters with the capitals the suffix names, or None when the suffix
    names a capital where there is no letter (it is not this id's suffix)."""
    restored: list[str] = []
    for start, code in zip(range(0, _SHORT, _CHUNK), suffix, strict=True):
        if code not in _SUFFIX_ALPHABET:
            return None
        bits = _SUFFIX_ALPHABET.index(code)
        for index, char in enumerate(head[start : start + _CHUNK]):
            capital = bool(bits >> index & 1)
            if capital and not char.isalpha():
                return None
            restored.append(char.upper() if capital else char)
    return "".join(restored)

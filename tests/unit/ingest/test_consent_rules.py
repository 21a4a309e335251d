"""Consent rules of an import: a withdrawal is never silently undone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadflow.ingest.consent_rules import Decision, OnFile, decide
from leadflow.ingest.record import ConsentClaim

NOW = datetime(2025, 6, 1, tzinfo=UTC)
JAN, MAR, MAY = (datetime(2025, month, 1, tzinfo=UTC) for month in (1, 3, 5))


def claim(status: str, at: datetime | None = None) -> ConsentClaim:
    return ConsentClaim("email", status, at)


@pytest.mark.parametrize(
    ("on_file", "said", "expected"),
    [
        # nothing on file: any definite statement is recorded; "none" records nothing
        (None, claim("granted", JAN), Decision("granted", JAN)),
        (None, claim("granted"), Decision("granted", NOW)),
        (None, claim("withdrawn"), Decision("withdrawn", NOW)),
        (None, claim("none"), Decision()),
        # a withdrawal on file is not undone by an undated or older grant ...
        (OnFile("withdrawn", MAR), claim("granted"), Decision(kept=True)),
        (OnFile("withdrawn", MAR), claim("granted", JAN), Decision(kept=True)),
        (OnFile("bounced", MAR), claim("confirmed", JAN), Decision(kept=True)),
        # ... only by a grant dated after it
        (OnFile("withdrawn", MAR), claim("confirmed", MAY), Decision("confirmed", MAY)),
        # restrictions apply over a grant, unless the grant is newer than the claim
        (OnFile("granted", MAR), claim("withdrawn"), Decision("withdrawn", NOW)),
        (OnFile("granted", MAR), claim("withdrawn", MAY), Decision("withdrawn", MAY)),
        (OnFile("granted", MAR), claim("withdrawn", JAN), Decision()),
        (OnFile("confirmed", MAR), claim("bounced", MAY), Decision("bounced", MAY)),
        # "none" revokes a grant, as a withdrawal would
        (OnFile("granted", MAR), claim("none"), Decision("withdrawn", NOW)),
        (OnFile("granted", MAR), claim("none", JAN), Decision()),
        (OnFile("withdrawn", MAR), claim("none"), Decision()),
        # double opt-in upgrades a grant; a grant never downgrades it
        (OnFile("granted", MAR), claim("confirmed", MAY), Decision("confirmed", MAY)),
        (OnFile("confirmed", MAR), claim("granted", MAY), Decision()),
        # the same statement again changes nothing (a second import is a no-op)
        (OnFile("withdrawn", MAR), claim("withdrawn"), Decision()),
        (OnFile("granted", MAR), claim("granted", MAY), Decision()),
        # between two restrictions only a newer dated one relabels
        (OnFile("withdrawn", MAR), claim("bounced"), Decision()),
        (OnFile("withdrawn", MAR), claim("bounced", MAY), Decision("bounced", MAY)),
    ],
)
def test_decisions(on_file: OnFile | None, said: ConsentClaim, expected: Decision) -> None:
    assert decide(on_file, said, NOW) == expected


def test_unknown_status_is_a_bug() -> None:
    with pytest.raises(ValueError, match="unknown consent status"):
        decide(None, claim("maybe"), NOW)

"""The nurture send list: marketing stages and nurture only, consent on record only."""

from __future__ import annotations

import csv
import io

import pytest

from leadflow.services.feedback import reject
from leadflow.services.nurture import SEND_LIST_COLUMNS, Segment, nurture_list, write_send_list
from leadflow.services.refusals import InvalidInputError
from leadflow.store.models import Contact
from tests.integration.handoff.conftest import Desk


def _emails(desk: Desk, segment: Segment | None = None) -> list[object]:
    return [row["email"] for row in nurture_list(desk.session, segment or Segment())]


@pytest.fixture
def audience(desk: Desk) -> dict[str, int]:
    """Contacts in every situation that matters to a send list."""
    desk.team("benelux")
    desk.rep("eva", "benelux")
    people: dict[str, int] = {}
    for status in ("granted", "confirmed", "withdrawn", "bounced", None):
        contact_id = desk.contact()
        desk.event(contact_id, "page_view", url="https://x.example/blog")
        if status is not None:
            desk.consent(contact_id, "email", status)
        people[status or "unknown"] = contact_id
    held = desk.lead()  # sales holds it: one to one
    desk.consent(held, "email", "granted")
    people["held"] = held
    recycled = desk.lead()
    desk.consent(recycled, "email", "granted")
    reject(desk.session, recycled, code="not_ready", note=None, rep=None, clock=desk.clock)
    people["recycled"] = recycled
    return people


def _address(desk: Desk, contact_id: int) -> str | None:
    return desk.session.get_one(Contact, contact_id).email


def test_only_nurtured_contacts_with_email_consent_are_exported(
    desk: Desk, audience: dict[str, int]
) -> None:
    exported = _emails(desk)

    wanted = ("granted", "confirmed", "recycled")
    assert exported == [_address(desk, audience[name]) for name in wanted]


def test_a_segment_picks_stages(desk: Desk, audience: dict[str, int]) -> None:
    assert _emails(desk, Segment(stages=("nurture",))) == [_address(desk, audience["recycled"])]
    assert len(_emails(desk, Segment(stages=("lead", "mql")))) == 2
    assert _emails(desk, Segment(grades=("d",))) == []
    with pytest.raises(InvalidInputError, match="'sql' is not a nurtured stage"):
        _emails(desk, Segment(stages=("sql",)))


def test_the_send_list_is_a_csv_an_email_tool_reads(desk: Desk, audience: dict[str, int]) -> None:
    out = io.StringIO()

    count = write_send_list(desk.session, Segment(), out)

    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(rows) == 3
    assert tuple(rows[0]) == SEND_LIST_COLUMNS
    assert rows[2]["stage"] == "nurture"
    assert rows[0]["fit_grade"] == "A"


def test_a_mistyped_temperature_or_grade_is_refused_not_an_empty_list(
    desk: Desk, audience: dict[str, int]
) -> None:
    # A typo must not give an empty send list that looks like nobody qualifies.
    with pytest.raises(InvalidInputError, match="'lukewarm' is not a temperature"):
        _emails(desk, Segment(temperatures=("lukewarm",)))
    with pytest.raises(InvalidInputError, match="'Z' is not a fit grade"):
        _emails(desk, Segment(grades=("Z",)))
    assert _emails(desk, Segment(temperatures=("Unknown",))) == _emails(
        desk, Segment(temperatures=("unknown",))
    )

"""A queue item's next action and SLA clock, in the reader's language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from leadflow.services.queue import QueueItem
from leadflow.web.queue_words import next_action_words, sla_words

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ITEM = QueueItem(
    contact_id=1,
    handoff_id=1,
    rep="r1",
    email="a@b.example",
    name="A B",
    company=None,
    status="accepted",
    handed_off_at=NOW,
    rule="fallback",
    trigger="demo_request",
    why=(),
    attempts=1,
    next_action="call (attempt 2)",
    due_at=NOW + timedelta(hours=3),
    overdue=False,
)


@pytest.mark.parametrize(
    ("action", "language", "expected"),
    [
        ("call (attempt 2)", "en", "call, attempt 2"),
        ("call (attempt 2)", "de", "Anruf, Versuch 2"),
        ("email (attempt 5)", "nl", "e-mail, poging 5"),
        ("accept or reject", "fr", "Accepter ou refuser"),
        ("move the deal on (stage proposal)", "nb", "Før avtalen videre (fase tilbud)"),
        (
            "move the deal on (stage qualification)",
            "de",
            "Deal voranbringen (Phase Qualifizierung)",
        ),
        ("move the deal on (stage pilot)", "de", "Deal voranbringen (Phase pilot)"),  # a team's own
        (
            "book a meeting or send a quote (open an opportunity)",
            "de",
            "Termin vereinbaren oder Angebot senden (Verkaufschance anlegen)",
        ),
        ("reject: a customer now (they stay one)", "nl", "Afwijzen: nu klant (blijft klant)"),
        (
            "close the lead: a customer now (they stay one)",
            "de",
            "Lead abschließen: jetzt Kunde (bleibt Kunde)",
        ),
        ("something new", "nl", "something new"),  # unknown phrases are shown as they are
    ],
)
def test_next_actions_are_rebuilt_in_the_language(
    action: str, language: str, expected: str
) -> None:
    assert next_action_words(replace(ITEM, next_action=action), language) == expected


def test_the_sla_clock_reads_forwards_and_backwards() -> None:
    assert sla_words(ITEM, NOW, "en") == "in 3 hours"
    assert sla_words(ITEM, NOW + timedelta(hours=5), "en") == "2 hours ago"
    assert sla_words(ITEM, NOW, "de") == "in 3 Stunden"
    assert sla_words(replace(ITEM, due_at=None), NOW, "en") == ""

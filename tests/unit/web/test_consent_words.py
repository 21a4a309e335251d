"""A consent decision's evidence, written in English by the services that record it,
said in the reader's language on the lead page."""

from __future__ import annotations

import pytest

from leadflow.services.events import _consent_evidence
from leadflow.web.consent_words import CONSENT_EVIDENCE, consent_evidence
from leadflow.web.phrases import speech

# Every shape the services write: an import's file and line, an event (with the form,
# list, campaign or page it came from, or alone), a double opt-in confirmation.
WRITTEN = [
    "contacts.csv, line 9",
    "line 12",
    _consent_evidence("newsletter_signup", {"list": "weekly"}),
    _consent_evidence("unsubscribe", {}),
    "form demo-request: link sent 2026-03-01T10:00:00+00:00 to ana@acme.example, "
    "followed 2026-03-01T10:05:00+00:00",
]


def test_every_shape_the_services_write_is_read() -> None:
    unread = [text for text in WRITTEN if CONSENT_EVIDENCE.read(text) is None]
    assert unread == []


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [
        ("de", "contacts.csv, line 9", "contacts.csv, Zeile 9"),
        ("fr", "line 12", "ligne 12"),
        ("nl", "newsletter_signup list=weekly", "aanmelding nieuwsbrief list=weekly"),
        ("en", "unsubscribe", "unsubscribed"),  # the event type's label, not its code
        (
            "nb",
            "form demo-request: link sent 2026-03-01T10:00:00+00:00 to ana@acme.example, "
            "followed 2026-03-01T10:05:00+00:00",
            "skjema demo-request: lenke sendt 01.03.2026, 10:00 til ana@acme.example, "
            "fulgt 01.03.2026, 10:05",
        ),
        ("de", "someone's own words", "someone's own words"),  # not leadflow's: as written
    ],
)
def test_evidence_is_said_in_the_readers_language(language: str, written: str, said: str) -> None:
    assert consent_evidence(written, speech(language)) == said

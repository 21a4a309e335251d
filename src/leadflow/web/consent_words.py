"""A consent decision's evidence in the reader's language.

The services that record a consent write its evidence in English, as the API returns it
and the store keeps it: an import's file and line (``services.contact_batches``), the
event that made the decision with the form, list, campaign or page it came from
(``services.events``), a double opt-in confirmation (``services.forms``). The lead
page's consent history says it again by its shape (``phrases``): the words translated,
event types by their labels, moments in the reader's time and zone; file, form and list
names and addresses as written. Evidence in anyone else's words is shown as written.
"""

from __future__ import annotations

from leadflow.web.labels import N_
from leadflow.web.phrases import INSTANT, Phrase, Phrasebook, Speech, label_of

__all__ = ["CONSENT_EVIDENCE", "consent_evidence"]

_EVENT = label_of("event", r"[a-z][a-z0-9_]*")

CONSENT_EVIDENCE = Phrasebook(
    Phrase(N_("%(file)s, line %(line)s")),
    Phrase(N_("line %(line)s")),
    Phrase(
        N_("form %(form)s: link sent %(sent)s to %(email)s, followed %(followed)s"),
        sent=INSTANT,
        followed=INSTANT,
    ),
    Phrase(N_("%(event)s %(property)s"), event=_EVENT),
    Phrase(N_("%(event)s"), event=_EVENT),
)


def consent_evidence(text: str, speech: Speech) -> str:
    return CONSENT_EVIDENCE.say(text, speech)

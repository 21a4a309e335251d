"""The statements of consent's history, shared by the real-time path, imports and readers.

``consents`` holds the decision in force per contact and channel (what sending and the
hot path read); ``consent_history`` every decision, append-only (models/people.py).
Whoever changes ``consents`` records the decision here in the same transaction, and so
does an older decision that arrives late and leaves ``consents`` as it is: it still was
the person's decision at its moment.

Consent *as of* a past moment is the latest decision made by then (on a tie, the one
recorded last), read as the consent in force reads it: a ``granted`` that followed a
``confirmed`` with no withdrawal or bounce between leaves it ``confirmed`` (a sign-up to
another list does not undo a double opt-in: ``_SET_CONSENT`` in realtime_people.py and
ingest/consent_rules.py). The decision in force is the latest of all, so where it was made by
then it is the answer, read from ``consents`` as before; only a channel whose decision
in force came later is looked up in the history. At today's moment that second part
finds nothing to read, which keeps a rescore as cheap as it was.
"""

from __future__ import annotations

__all__ = ["RECORD_DECISION", "as_of_sql"]

RECORD_DECISION = """
INSERT INTO consent_history
    (contact_id, channel, status, at, recorded_at, source, evidence, event_id)
VALUES (:contact_id, :channel, :status, :at, :recorded_at, :source, :evidence, :event_id)
"""


def as_of_sql(among: str = "", among_history: str = "") -> str:
    """(contact_id, channel, status) as of ``:as_of``; ``among`` narrows the contacts
    (a condition on ``contact_id``, beginning with AND), ``among_history`` the same on
    ``h.contact_id``."""
    return f"""
SELECT contact_id, channel, status FROM consents WHERE at <= :as_of{among}
UNION ALL
SELECT h.contact_id, h.channel, CASE WHEN h.status = 'granted' AND (
    SELECT p.status FROM consent_history p
    WHERE p.contact_id = h.contact_id AND p.channel = h.channel AND p.at <= :as_of
    AND p.status <> 'granted'
    ORDER BY p.at DESC, p.id DESC LIMIT 1
) = 'confirmed' THEN 'confirmed' ELSE h.status END
FROM consents c
JOIN consent_history h ON h.contact_id = c.contact_id AND h.channel = c.channel
WHERE c.at > :as_of AND h.at <= :as_of{among_history}
AND NOT EXISTS (
    SELECT 1 FROM consent_history l
    WHERE l.contact_id = h.contact_id AND l.channel = h.channel AND l.at <= :as_of
    AND (l.at > h.at OR (l.at = h.at AND l.id > h.id))
)
"""

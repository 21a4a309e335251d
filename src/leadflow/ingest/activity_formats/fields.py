"""The fields a column of a CRM's activity export can be mapped to.

A format (built in or a mapping file) maps headers to these names; the ``generic``
format's headers are these names themselves. ``ACTIVITY_FIELDS`` is the single list:
the reader, the mapping-file validator and docs/importing.md read it.

    the activity   external_id (required: the import's key), channel (the activity's
                   type: Call, Email, Meeting ...), subject, note
    what came of it
                   outcome (a call's disposition, in a rep's words), call_outcome,
                   meeting_outcome (either also says the channel), email_subject (says
                   the channel is e-mail), status or done (done, or planned / called off)
    when           at (when it happened: completed, started or due), due_time (a
                   separate time of day for ``at``: Pipedrive's), created_at
    whom           contact_ref (the CRM's contact or lead id, as the contacts import
                   stored it), contact_email (an e-mail, or a cell holding one:
                   ``Ann Smith (ann@acme.example)``)
    who            rep (a rep's key, e-mail or name)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["ACTIVITY_FIELDS"]

ACTIVITY_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "external_id": "the activity's id in the CRM (required; the import's key)",
        "channel": "the activity's type: call, email, meeting, linkedin, in a rep's words",
        "subject": "the activity's subject or title (kept in the note)",
        "note": "what the rep wrote (description, notes)",
        "outcome": "what came of it: no answer, voicemail, wrong number, connected ...",
        "call_outcome": "a call's outcome (the activity is a call)",
        "meeting_outcome": "a meeting's outcome (the activity is a meeting)",
        "email_subject": "an e-mail's subject (the activity is an e-mail)",
        "status": "done, or planned (not started, scheduled, cancelled ...)",
        "done": "yes: the activity was done; no: planned",
        "at": "when it happened (completed, started, or the due date)",
        "due_time": "the time of day of `at` when the export writes it apart",
        "created_at": "when it was logged in the CRM",
        "contact_ref": "the CRM's id of the person (as the contacts import stored it)",
        "contact_email": "the person's e-mail (or a cell holding one)",
        "rep": "who did it: a rep's key, e-mail or name",
    }
)

"""The built-in activity layouts: Salesforce, HubSpot, Pipedrive and leadflow's own
(Odoo, Dynamics 365 and Zoho: ``european``).

salesforce  Tasks and Events as Data Loader, Data Export or Workbench write them (API
            names: ``Id``, ``WhoId``, ``TaskSubtype``, ``CallDisposition``, ``Status``,
            ``ActivityDate``, ``CompletedDateTime``, ``OwnerId``), or an activity
            report's labels (``Activity ID``, ``Assigned``, ``Call Result``). A Task's
            ``TaskSubtype`` (Call, Email, ListEmail, LinkedIn, Task) or ``Type`` says its
            channel, an Event is a meeting; ``Status`` says whether it was done
            (Completed) or is still planned (Not Started, In Progress ...). The person is
            ``WhoId`` (a contact or a lead, 18-character form) or a report's ``Email``.
hubspot     the call, e-mail and meeting exports (property labels or internal names):
            ``Record ID``, ``Activity date``, ``Call outcome`` / ``Meeting outcome``,
            ``Email subject``, ``Activity assigned to``, ``Contact email`` or
            ``Associated Contact`` (``Ann Smith (ann@acme.example)``), ``Associated
            Contact IDs``. Which export it is shows in its columns: a call outcome makes
            a call, a meeting outcome a meeting, an e-mail subject an e-mail.
pipedrive   the activities export, "Activity - <field>" or bare labels: ``ID``,
            ``Type``, ``Done``, ``Due date`` and ``Due time``, ``Marked as done time``,
            ``Subject``, ``Note``, ``Contact person`` (a name: not read, two people may
            share one), ``Contact person ID``, ``Email``, ``Assigned to user``.
generic     the field names themselves (``external_id``, ``channel``, ``outcome``,
            ``at``, ``contact_email`` ...) and a few plain synonyms.

Ids are namespaced as the contact import stores them (``salesforce:003...``,
``hubspot:51``, ``pipedrive:7``): a person imported with ``--format hubspot`` is found by
an activity export of ``--format hubspot``.
"""

from __future__ import annotations

from leadflow.ingest.activity_formats.fields import ACTIVITY_FIELDS
from leadflow.ingest.formats.layout import IGNORE, Layout, build_layout

__all__ = ["GENERIC", "HUBSPOT", "PIPEDRIVE", "SALESFORCE", "activity_layout"]

_SALESFORCE: dict[str, tuple[str, ...]] = {
    "external_id": ("Id", "Activity ID", "Task ID", "Event ID", "Aktivitäts-ID"),
    "contact_ref": ("WhoId", "Who ID", "Contact ID", "Lead ID", "Name ID"),
    "contact_email": ("Email", "E-Mail", "Who.Email"),
    "channel": ("TaskSubtype", "EventSubtype", "Type", "Task Subtype", "Event Subtype",
                "Activity Type", "Typ"),
    "subject": ("Subject", "Betreff", "Objet"),
    "outcome": ("CallDisposition", "Call Result", "Call Disposition", "Anrufergebnis",
                "Résultat de l'appel"),
    "status": ("Status",),
    "at": ("CompletedDateTime", "ActivityDateTime", "StartDateTime", "Completed Date/Time",
           "Start", "ActivityDate", "Date", "Due Date", "Fälligkeitsdatum", "Datum",
           "Date d'échéance"),
    "created_at": ("CreatedDate", "Created Date", "Erstellungsdatum", "Date de création"),
    "rep": ("OwnerId", "Owner ID", "Assigned", "Assigned To", "Zugewiesen an",
            "Assigné à"),
    "note": ("Description", "Comments", "Full Comments", "Kommentare", "Commentaires"),
    IGNORE: ("WhatId", "What ID", "AccountId", "Account ID", "Priority", "IsDeleted",
             "IsClosed", "LastModifiedDate", "Last Modified Date", "CallType",
             "CallDurationInSeconds", "DurationInMinutes", "EndDateTime", "End",
             "IsAllDayEvent", "Location", "ShowAs", "Company / Account", "Name",
             "Contact", "Lead", "Related To"),
}  # fmt: skip

_HUBSPOT: dict[str, tuple[str, ...]] = {
    "external_id": ("Record ID", "Activity ID", "hs_object_id", "Datensatz-ID",
                    "ID de l'enregistrement"),
    "channel": ("Engagement type", "Activity type", "hs_engagement_type", "Aktivitätstyp"),
    "call_outcome": ("Call outcome", "hs_call_disposition", "Anrufergebnis",
                     "Résultat de l'appel"),
    "meeting_outcome": ("Meeting outcome", "hs_meeting_outcome", "Meeting-Ergebnis",
                        "Résultat de la réunion"),
    "email_subject": ("Email subject", "hs_email_subject", "E-Mail-Betreff"),
    "subject": ("Call title", "Meeting name", "hs_call_title", "hs_meeting_title"),
    "at": ("Activity date", "hs_timestamp", "Meeting start time", "hs_meeting_start_time",
           "Aktivitätsdatum", "Date de l'activité"),
    "created_at": ("Create date", "Created at", "hs_createdate", "Erstellungsdatum"),
    "contact_email": ("Contact email", "Associated Contact", "Email", "E-Mail"),
    "contact_ref": ("Associated Contact IDs", "Associated Contact ID"),
    "rep": ("Activity assigned to", "hubspot_owner_id", "Assigned to", "Activity owner",
            "Zugewiesen an", "Attribuée à"),
    "note": ("Call notes", "Meeting description", "Email body", "hs_call_body",
             "hs_meeting_body", "Notes", "Notizen"),
    IGNORE: ("Call direction", "Call duration", "hs_call_direction", "hs_call_duration",
             "Call status", "hs_call_status", "Email direction", "Meeting end time",
             "Last modified date", "hs_lastmodifieddate", "Associated Company",
             "Associated Company IDs", "Associated Deal", "Associated Deal IDs",
             "Created by", "Meeting location"),
}  # fmt: skip


def _activity(*labels: str) -> tuple[str, ...]:
    """A field's headers in Pipedrive's export: "Activity - <label>" and the bare label."""
    return tuple(f"Activity - {label}" for label in labels) + labels


_PIPEDRIVE: dict[str, tuple[str, ...]] = {
    "external_id": _activity("ID"),
    "channel": _activity("Type"),
    "done": _activity("Done"),
    "at": _activity("Marked as done time", "Due date"),
    "due_time": _activity("Due time"),
    "subject": _activity("Subject"),
    "note": _activity("Note"),
    "contact_ref": _activity("Contact person ID", "Person ID"),
    "contact_email": ("Email", "Person - Email", "Person - Email - Work", "Contact email"),
    "rep": _activity("Assigned to user", "Assigned to", "Owner"),
    "created_at": _activity("Add time", "Activity created"),
    IGNORE: _activity("Contact person", "Organization", "Deal", "Lead", "Duration",
                      "Priority", "Update time", "Busy", "Location", "Creator",
                      "Organization ID", "Deal ID", "Public description"),
}  # fmt: skip

_GENERIC: dict[str, tuple[str, ...]] = {
    **{name: (name,) for name in ACTIVITY_FIELDS},
    "external_id": ("external_id", "activity_id", "id"),
    "channel": ("channel", "type", "activity_type"),
    "contact_ref": ("contact_ref", "contact_id"),
    "contact_email": ("contact_email", "email"),
    "at": ("at", "date", "occurred_at", "done_at"),
    "rep": ("rep", "rep_id", "owner"),
}


def activity_layout(
    name: str,
    description: str,
    headers: dict[str, tuple[str, ...]],
    values: dict[str, dict[str, str]] | None = None,
) -> Layout:
    """An activity layout whose ids carry its name as namespace (``generic``: none), as
    the contact import of the same format stored its people's."""
    return build_layout(
        name,
        description,
        headers,
        values,
        id_namespace=None if name == "generic" else name,
        id_format="salesforce" if name == "salesforce" else None,
        fields=ACTIVITY_FIELDS,
        common_columns={},
    )


SALESFORCE = activity_layout(
    "salesforce", "Salesforce Tasks and Events (API names or labels)", _SALESFORCE
)
HUBSPOT = activity_layout("hubspot", "HubSpot call, e-mail and meeting exports", _HUBSPOT)
PIPEDRIVE = activity_layout(
    "pipedrive", 'Pipedrive activities ("Activity - <field>" or labels)', _PIPEDRIVE
)
GENERIC = activity_layout("generic", "leadflow's own snake_case column names", _GENERIC)

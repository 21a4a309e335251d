"""The activity layouts of the CRMs European SMBs run: Odoo, Dynamics 365 and Zoho.

odoo        CRM > Reporting > Activities (``crm.activity.report``): the activities done on
            leads and opportunities, one logged message each. ``Activity Type`` (Email,
            Call, Meeting; To-Do is no touch) says the channel, ``Completion Date`` when,
            ``Assigned To`` who. The person is the lead: export its id with the
            ``Opportunity`` field's ``ID`` sub-field (``Opportunity/ID``, the
            ``__export__.crm_lead_...`` id the contact import stored) or its e-mail
            (``Opportunity/Email``). Odoo has no call outcome: a done call or e-mail is
            logged as no answer, a meeting as connected. German labels from Odoo 13's
            ``de.po`` (``Aktivitätstyp``, ``Datum der Fertigstellung``, ``Zugewiesen an``),
            French ``Type d'activité`` from 11.0's ``fr.po``.
dynamics    an activity view exported to Excel (*All Activities*: ``(Do Not Modify)
            Activity``, ``Activity Type``: Phone Call, Email, Appointment, Task; ``Activity
            Status``: Open, Completed, Canceled, Scheduled; ``Actual End``), or the
            logical names (``activityid``, ``activitytypecode``, ``statecode`` 0-3,
            ``actualend``, ``regardingobjectid``). When: the actual end, never the due or
            start date (a planned activity is dated by its creation). The person is the
            record the activity is *regarding*: its id (``regardingobjectid``, a lead's
            id as the contact import stored it) in a logical-name export; Export to Excel
            names it only (``Regarding``), which links nobody.
zoho        the Calls export: ``Record Id``, ``Call Type`` (Outbound, Inbound, Missed: all
            calls), ``Call Start Time``, ``Call Result`` (Zoho's default picklist below),
            ``Call Owner``; the person by ``Contact Name.id`` (a contact) or ``Related
            To.id`` (a lead, or an account or deal, which is nobody), as the contact import
            stored Zoho's ``Record Id``.

Ids are namespaced as the contact import stores them (``odoo:``, ``dynamics:``,
``zoho:``).
"""

from __future__ import annotations

from leadflow.ingest.activity_formats.layouts import activity_layout
from leadflow.ingest.formats.layout import IGNORE

__all__ = ["DYNAMICS", "ODOO", "ZOHO"]

_ODOO: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "ID", "External ID"),
    "contact_ref": ("lead_id/id", "Opportunity/ID", "Opportunity/External ID",
                    "Chance/ID", "Opportunité/ID", "Verkoopkans/ID"),
    "contact_email": ("lead_id/email_from", "Opportunity/Email", "Chance/E-Mail"),
    "channel": ("mail_activity_type_id", "Activity Type", "Aktivitätstyp", "Type d'activité"),
    "at": ("date", "Completion Date", "Datum der Fertigstellung"),
    "rep": ("author_id", "Assigned To", "Zugewiesen an"),
    "note": ("body", "Activity Description", "Aktivitätsbeschreibung"),
    IGNORE: ("lead_id", "Opportunity", "Chance", "user_id", "Salesperson", "team_id",
             "Sales Team", "subtype_id", "Subtype", "partner_id", "Customer", "stage_id",
             "Stage", "active", "Active", "country_id", "Country", "company_id", "Company",
             "probability", "Probability", "lead_type", "Type", "lead_create_date",
             "Creation Date", "date_closed", "Closed Date", "date_deadline",
             "Expected Closing", "date_conversion", "Conversion Date", "tag_ids", "Tags"),
}  # fmt: skip

_DYNAMICS: dict[str, tuple[str, ...]] = {
    "external_id": ("(Do Not Modify) Activity", "(Do Not Modify) Phone Call",
                    "(Do Not Modify) Email", "(Do Not Modify) Appointment", "activityid"),
    "channel": ("Activity Type", "activitytypecode"),
    "status": ("Activity Status", "statecode"),
    "subject": ("Subject", "subject"),
    "note": ("Description", "description"),
    # When it was done (set by Dynamics on completion): never the planned start or due
    # date, which the export may put first. A planned one is dated by its creation.
    "at": ("Actual End", "actualend"),
    "created_at": ("Created On", "createdon", "Date Created"),
    "rep": ("Owner", "ownerid"),
    "contact_ref": ("regardingobjectid", "_regardingobjectid_value"),
    IGNORE: ("(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On", "Regarding",
             "Priority", "prioritycode", "Status Reason", "statuscode", "Modified On",
             "modifiedon", "Direction", "directioncode", "Duration",
             "actualdurationminutes", "Call From", "Call To", "From", "To", "Phone Number",
             "Actual Start", "actualstart", "Start Date", "scheduledstart", "Due Date",
             "scheduledend"),
}  # fmt: skip

_ZOHO: dict[str, tuple[str, ...]] = {
    "external_id": ("Record Id",),
    "channel": ("Call Type",),
    "subject": ("Subject",),
    "outcome": ("Call Result",),
    "status": ("Call Status",),
    "at": ("Call Start Time",),
    "created_at": ("Created Time",),
    "rep": ("Call Owner",),
    "contact_ref": ("Contact Name.id", "Related To.id"),
    "note": ("Description", "Call Agenda"),
    IGNORE: ("Call Owner.id", "Contact Name", "Related To", "Call Purpose", "Call Duration",
             "Call Duration (in seconds)", "Created By", "Created By.id", "Modified By",
             "Modified By.id", "Modified Time", "Reminder", "Billable", "Tag",
             "Dialled Number", "Caller ID"),
}  # fmt: skip

# Dynamics' activity types and its statecode option values (logical-name exports).
_DYNAMICS_VALUES: dict[str, dict[str, str]] = {
    "channel": {"Appointment": "meeting", "phonecall": "call"},
    "status": {"0": "open", "1": "completed", "2": "canceled", "3": "scheduled"},
}
# Zoho's call types are all calls; its default Call Result and Call Status choices.
_ZOHO_VALUES: dict[str, dict[str, str]] = {
    "channel": {"Outbound": "call", "Inbound": "call", "Missed": "call"},
    "outcome": {
        "No response/Busy": "no_answer",
        "Invalid number": "wrong_number",
        "Requested more info": "interested",
        "Requested call back": "connected",
    },
    "status": {"Overdue": "planned"},
}

ODOO = activity_layout("odoo", "Odoo CRM's activities report (crm.activity.report)", _ODOO)
DYNAMICS = activity_layout(
    "dynamics", "Dynamics 365 activities (display or logical names)", _DYNAMICS, _DYNAMICS_VALUES
)
ZOHO = activity_layout("zoho", "Zoho CRM's Calls export (field labels)", _ZOHO, _ZOHO_VALUES)

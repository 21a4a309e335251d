"""Microsoft Dynamics 365 Sales' lead export, as the layout ``dynamics``.

*Export to Excel* on a lead view writes the view's columns under their display names
("First Name", "Business Phone", "Status Reason"), after three hidden columns:
"(Do Not Modify) Lead" (the lead's id), "(Do Not Modify) Row Checksum" (ignored) and
"(Do Not Modify) Modified On". Saved as CSV, that is what is read here. Exports through
the Web API, Power Query or a data export write the logical names (``firstname``,
``telephone1``, ``statuscode``); both are listed.

A Contacts view exported the same way reads too: its id is "(Do Not Modify) Contact"
(``contactid``), the one a deal's ``parentcontactid`` names; leads' and contacts' ids
are GUIDs, so they never collide under ``dynamics:``.

Dynamics qualifies a lead by converting it (to an account, contact and opportunity), so
its status reason "Qualified" is a converted lead; "Contacted" is a lead being worked;
the disqualifying reasons ("Lost", "Cannot Contact", "No Longer Interested",
"Canceled") are unqualified. "Status" (Open, Qualified, Disqualified) says less than
the status reason and is kept as an attribute, as is "Rating" (Hot, Warm, Cold) and the
"Topic" of the lead.

"Do not allow Emails" / "Do not allow Bulk Emails" / "Do not allow Phone Calls" hold
"Do Not Allow" or "Allow" (the logical names true or false): "Do Not Allow" in either
e-mail column withdraws e-mail consent; "Allow", the default of every new lead, gives
none.

Lead Source's default choices: "Employee Referral", "External Referral", "Partner" and
"Word of Mouth" are referrals, "Seminar" and "Trade Show" events; "Advertisement",
"Public Relations", "Web" and "Other" are kept as they are (snake_cased), because they
do not say which of leadflow's channels brought the person. A logical-name export
writes the choices' numbers (``statuscode`` 1-7, ``leadsourcecode`` 1-10); those are
translated the same way. "Source Campaign" (the campaign the
lead came from) is read as ``utm_campaign``.
"""

from __future__ import annotations

from leadflow.ingest.formats.layout import IGNORE, build_layout

__all__ = ["DYNAMICS", "HEADERS", "VALUES"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("(Do Not Modify) Lead", "leadid", "(Do Not Modify) Contact", "contactid"),
    # A hash Dynamics uses to detect edits on re-import: it changes with every export.
    IGNORE: ("(Do Not Modify) Row Checksum",),
    "email": ("Email", "emailaddress1"),
    "full_name": ("Name", "fullname", "Full Name"),
    "first_name": ("First Name", "firstname"),
    "last_name": ("Last Name", "lastname"),
    "salutation": ("Salutation", "salutation"),
    "phone": ("Business Phone", "telephone1"),
    "mobile_phone": ("Mobile Phone", "mobilephone"),
    "title": ("Job Title", "jobtitle"),
    "company": ("Company Name", "companyname"),
    "website": ("Website", "websiteurl"),
    "industry": ("Industry", "industrycode"),
    "employees": ("No. of Employees", "numberofemployees"),
    "revenue": ("Annual Revenue", "revenue"),
    "country": ("Country/Region", "address1_country"),
    "city": ("City", "address1_city"),
    "state": ("State/Province", "address1_stateorprovince"),
    "channel": ("Lead Source", "leadsourcecode"),
    "utm_campaign": ("Source Campaign", "campaignid"),
    "lead_status": ("Status Reason", "statuscode"),
    "owner": ("Owner", "ownerid"),
    "created_at": ("Created On", "createdon"),
    "updated_at": ("Modified On", "modifiedon", "(Do Not Modify) Modified On"),
    "email_opt_out": (
        "Do not allow Emails",
        "donotemail",
        "Do not allow Bulk Emails",
        "donotbulkemail",
    ),
    "phone_opt_out": ("Do not allow Phone Calls", "donotphone"),
}

# "Allow" is every lead's default: no consent given, none withdrawn.
_NOT_ALLOWED = {"Do Not Allow": "yes", "Allow": "no"}

VALUES: dict[str, dict[str, str]] = {
    # Labels, then the option values a logical-name export writes instead.
    "lead_status": {
        "Qualified": "converted",
        "Lost": "unqualified",
        "Cannot Contact": "unqualified",
        "No Longer Interested": "unqualified",
        "Canceled": "unqualified",
        "1": "new",
        "2": "working",
        "3": "converted",
        "4": "unqualified",
        "5": "unqualified",
        "6": "unqualified",
        "7": "unqualified",
    },
    "channel": {
        "Employee Referral": "referral",
        "External Referral": "referral",
        "1": "Advertisement",
        "2": "referral",
        "3": "referral",
        "4": "referral",
        "5": "Public Relations",
        "6": "events",
        "7": "events",
        "8": "Web",
        "9": "referral",
        "10": "Other",
    },
    "email_opt_out": _NOT_ALLOWED,
    "phone_opt_out": _NOT_ALLOWED,
}

DYNAMICS = build_layout(
    "dynamics",
    "Microsoft Dynamics 365 Sales lead export (display names or logical names)",
    HEADERS,
    VALUES,
    id_namespace="dynamics",
)

"""Salesforce's lead export, as the layout ``salesforce``.

Two spellings of the same columns exist: API names (Data Loader, Data Export,
Workbench: ``FirstName``, ``LeadSource``, ``HasOptedOutOfEmail``) and field labels
(report exports: "First Name", "Lead Source", "Email Opt Out"); both are listed.
The default Lead Status picklist ("Open - Not Contacted", "Working - Contacted",
"Closed - Converted", "Closed - Not Converted") and the older one ("Open",
"Contacted", "Qualified", "Unqualified") map through the general synonyms.

Record ids come as 15 case-sensitive characters (reports) or 18 (API, Data Loader);
both are stored in the 18-character form (``leadflow.ingest.salesforce_ids``), so the
same lead exported both ways is one contact, and an 18-character id whose checksum
does not match is a row error.

Lead Source "Purchased List" becomes the ``purchased`` channel (an MSRL stays
recognisable); "Web" and "Phone Inquiry" are kept as they are, because they do not
say which of leadflow's channels brought the person. Report exports in German, French,
Dutch, Spanish or Italian write translated labels; ``translations.salesforce`` lists
them and they are added after the English.
"""

from __future__ import annotations

from leadflow.ingest.formats.layout import IGNORE, build_layout
from leadflow.ingest.formats.translations import salesforce as translated
from leadflow.ingest.formats.translations import values_with_languages, with_languages

__all__ = ["HEADERS", "SALESFORCE", "VALUES"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("Id", "Lead ID"),
    "email": ("Email",),
    "first_name": ("FirstName", "First Name"),
    "last_name": ("LastName", "Last Name"),
    "full_name": ("Name", "Full Name"),
    "salutation": ("Salutation",),
    "phone": ("Phone",),
    "mobile_phone": ("MobilePhone", "Mobile Phone", "Mobile"),
    "title": ("Title",),
    "company": ("Company", "Company / Account"),
    # A Contact's account (a Lead has none): joined by the id stored under `salesforce`.
    "account_ref": ("AccountId", "Account ID"),
    "website": ("Website",),
    "industry": ("Industry",),
    "employees": ("NumberOfEmployees", "No. of Employees", "Employees"),
    "revenue": ("AnnualRevenue", "Annual Revenue"),
    "country": ("Country", "CountryCode", "Country Code"),
    "city": ("City",),
    "state": ("State", "StateCode", "State/Province"),
    "channel": ("LeadSource", "Lead Source"),
    "lead_status": ("Status", "Lead Status"),
    "owner": ("OwnerId", "Lead Owner", "Owner Name"),
    "created_at": ("CreatedDate", "Created Date", "Create Date"),
    "updated_at": ("LastModifiedDate", "Last Modified Date"),
    "email_opt_out": ("HasOptedOutOfEmail", "Email Opt Out"),
    "phone_opt_out": ("DoNotCall", "Do Not Call"),
    "email_bounced": ("EmailBouncedReason", "Email Bounced Reason"),
    "email_bounced_at": ("EmailBouncedDate", "Email Bounced Date"),
    # leadflow's own verdicts, which `leadflow export leads --format salesforce` sent to
    # the Lead's custom fields: back in the next export (API names, or a report's labels
    # "Leadflow Stage") they are leadflow's answers, not the person's data.
    IGNORE: tuple(
        header
        for name in (
            "Stage",
            "Lead_Type",
            "Fit_Score",
            "Fit_Grade",
            "Engagement_Score",
            "Sales_Ready",
            "Prediction",
            "Stage_Entered",
            "Last_Activity",
        )
        for header in (f"Leadflow_{name}__c", f"Leadflow {name.replace('_', ' ')}")
    ),
}

VALUES: dict[str, dict[str, str]] = {
    "channel": {
        "Employee Referral": "referral",
        "External Referral": "referral",
        "Seminar - Internal": "events",
        "Seminar - Partner": "events",
    },
}

SALESFORCE = build_layout(
    "salesforce",
    "Salesforce lead export (API names or report labels)",
    with_languages(HEADERS, translated.HEADERS),
    values_with_languages(VALUES, translated.VALUES),
    id_namespace="salesforce",
    id_format="salesforce",
)

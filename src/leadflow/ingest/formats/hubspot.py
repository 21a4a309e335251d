"""HubSpot's contact export (CRM > Contacts > Export), as the layout ``hubspot``.

HubSpot writes property *labels* as headers ("First Name", "Country/Region"); an
export made with internal names ("firstname", "hs_lead_status") works too, so both
are listed. Lifecycle stages and lead statuses come as labels ("Marketing Qualified
Lead", "Attempted to contact") or internal values ("marketingqualifiedlead",
"ATTEMPTED_TO_CONTACT"); the general synonyms in ``leadflow.ingest.values`` cover
both, this module adds only HubSpot's own words. Custom lifecycle stages (which
HubSpot exports as numeric ids) are kept as they are.

"Original Source" was renamed "Original Traffic Source" in 2024; both headers work.
A portal in German, French, Dutch, Spanish or Italian writes its labels in that
language; ``translations.hubspot`` lists them and they are added after the English.
"""

from __future__ import annotations

from leadflow.ingest.formats.layout import IGNORE, build_layout
from leadflow.ingest.formats.translations import hubspot as translated
from leadflow.ingest.formats.translations import values_with_languages, with_languages

__all__ = ["HEADERS", "HUBSPOT", "VALUES"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("Record ID", "Contact ID", "hs_object_id", "vid"),
    "email": ("Email", "email"),
    "first_name": ("First Name", "firstname"),
    "last_name": ("Last Name", "lastname"),
    "salutation": ("Salutation", "salutation"),
    "phone": ("Phone Number", "phone"),
    "mobile_phone": ("Mobile Phone Number", "mobilephone"),
    "title": ("Job Title", "jobtitle"),
    "seniority": ("Seniority", "hs_seniority"),
    "department": ("Job function", "job_function"),
    # A list view exports the associated company record's name, not the property.
    "company": ("Company Name", "company", "Associated Company"),
    # The associated (primary) company record's id: the contact joins the account that
    # holds it under `hubspot` (leadflow import accounts --format hubspot).
    "account_ref": (
        "Associated Company ID",
        "Associated Company IDs (Primary)",
        "Company ID",
        "associatedcompanyid",
    ),
    "website": ("Website URL", "website"),
    "industry": ("Industry", "industry"),
    "employees": ("Number of Employees", "numemployees"),
    "revenue": ("Annual Revenue", "annualrevenue"),
    "country": ("Country/Region", "country"),
    "city": ("City", "city"),
    "state": ("State/Region", "state"),
    "channel": ("Original Source", "Original Traffic Source", "hs_analytics_source"),
    "source_detail": (
        "Original Source Drill-Down 1",
        "Original Traffic Source Drill-Down 1",
        "hs_analytics_source_data_1",
    ),
    "owner": ("Contact owner", "hubspot_owner_id"),
    "lifecycle_stage": ("Lifecycle Stage", "lifecyclestage"),
    "lead_status": ("Lead Status", "hs_lead_status"),
    "score": ("HubSpot Score", "hubspotscore"),
    "created_at": ("Create Date", "createdate"),
    "updated_at": ("Last Modified Date", "lastmodifieddate"),
    "email_opt_out": ("Unsubscribed from all email", "hs_email_optout"),
    "email_bounced": ("Email hard bounce reason", "hs_email_hard_bounce_reason_enum"),
    "email_consent": ("Legal basis for processing contact's data", "hs_legal_basis"),
    # leadflow's own verdicts, which `leadflow export leads --format hubspot` sent to
    # HubSpot as contact properties: back in HubSpot's next export they are leadflow's
    # answers, not the person's data, and kept as attributes they would go stale.
    IGNORE: tuple(
        f"leadflow_{name}"
        for name in (
            "stage",
            "lead_type",
            "temperature",
            "fit_score",
            "fit_grade",
            "engagement_score",
            "sales_ready",
            "prediction",
            "stage_entered",
            "last_activity",
        )
    ),
}

VALUES: dict[str, dict[str, str]] = {
    "channel": {
        "Organic Social": "organic_social",
        "SOCIAL_MEDIA": "organic_social",
        "Social Media": "organic_social",
        "Other Campaigns": "other",
        "OTHER_CAMPAIGNS": "other",
        "Offline Sources": "offline",
        "OFFLINE": "offline",
        "AI Referrals": "referral",
        "AI_REFERRALS": "referral",
    },
    # Only freely given consent is consent; the other legal bases say nothing about it.
    "email_consent": {
        "Freely given consent from contact": "granted",
        "Legitimate interest – prospect/lead": "",
        "Legitimate interest - prospect/lead": "",
        "Legitimate interest – existing customer": "",
        "Legitimate interest - existing customer": "",
        "Legitimate interest - other": "",
        "Performance of a contract": "",
        "Not applicable": "",
    },
}

HUBSPOT = build_layout(
    "hubspot",
    "HubSpot contact export (property labels or internal names)",
    with_languages(HEADERS, translated.HEADERS),
    values_with_languages(VALUES, translated.VALUES),
    id_namespace="hubspot",
)

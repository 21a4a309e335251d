"""Microsoft Dynamics 365 Sales' opportunity export, as the deal format ``dynamics``.

*Export to Excel* on an opportunity view writes the view's columns under their display
names ("Topic", "Potential Customer", "Est. Revenue", "Status"), after the hidden
"(Do Not Modify) Opportunity" (the id), "(Do Not Modify) Row Checksum" and "(Do Not
Modify) Modified On". The Web API, Power Query or a data export write the logical names
(``opportunityid``, ``statecode``, ``estimatedvalue``); both are listed.

``Status`` (``statecode``) says open, won or lost: ``Open``, ``Won``, ``Lost``, or 0, 1,
2 in a logical-name export. ``Status Reason`` of a lost one (``Canceled``, ``Out-Sold``)
is why it was lost. The business process stage (``Pipeline Phase``, ``Sales Stage``) is
kept as an open deal's stage. A won or lost opportunity's ``Actual Close Date`` is when;
an open one's ``Est. Close Date`` when it is expected. ``Actual Revenue`` (a won deal's)
and ``Est. Revenue`` are both its amount: the first non-empty one in the file wins.
``Currency`` holds the currency's name (``Euro``, ``US Dollar``).

The person: an opportunity qualified from a lead keeps it as ``Originating Lead``; a
logical-name export writes its id (``originatingleadid``), which is the lead's
``(Do Not Modify) Lead`` the contact import stored (``dynamics:<id>``); ``parentcontactid``
names a contact imported from a Contacts export (``(Do Not Modify) Contact``).
Export to Excel writes lookups by *name* only ("Potential Customer" may be a company or a
person): those link nobody, except ``Account`` (the company, by name) and ``Email`` (a
contact's e-mail column added to the view).
"""

from __future__ import annotations

from babel import Locale
from babel.numbers import list_currencies

from leadflow.ingest.deal_formats.fields import DEAL_FIELDS
from leadflow.ingest.formats.layout import IGNORE, build_layout

__all__ = ["DYNAMICS_DEALS", "HEADERS", "VALUES"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("(Do Not Modify) Opportunity", "opportunityid"),
    "name": ("Topic", "name"),
    "status": ("Status", "statecode"),
    "stage": ("Pipeline Phase", "stepname", "Sales Stage", "salesstage"),
    "lost_reason": ("Status Reason", "statuscode"),
    "amount": ("Actual Revenue", "actualvalue", "Est. Revenue", "estimatedvalue"),
    "currency": ("Currency", "transactioncurrencyid"),
    "created_at": ("Created On", "createdon"),
    "closed_at": ("Actual Close Date", "actualclosedate"),
    "expected_close": ("Est. Close Date", "estimatedclosedate"),
    "owner": ("Owner", "ownerid"),
    "contact_ref": ("originatingleadid", "parentcontactid"),
    "contact_email": ("Email", "emailaddress"),
    "account_name": ("Account",),
    IGNORE: ("(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On", "Modified On",
             "modifiedon", "Potential Customer", "customerid", "Contact", "Originating Lead",
             "parentaccountid", "Probability", "closeprobability", "Rating",
             "opportunityratingcode", "Forecast Category", "msdyn_forecastcategory",
             "Description", "description"),
}  # fmt: skip

# Dynamics' Currency column holds the currency record's name, by default the ISO 4217
# English name ("Euro", "US Dollar", "Swiss Franc"); CLDR calls the pound "British Pound".
_NAMES = Locale.parse("en").currencies
_CURRENCIES = {_NAMES[code]: code for code in sorted(list_currencies()) if code in _NAMES}
_CURRENCIES["Pound Sterling"] = "GBP"

VALUES: dict[str, dict[str, str]] = {
    "currency": _CURRENCIES,
    # statecode's option values in a logical-name export (labels are the words).
    "status": {"0": "open", "1": "won", "2": "lost"},
    # statuscode's: 1 In Progress, 2 On Hold, 3 Won (no loss reasons), 4 Canceled,
    # 5 Out-Sold. A reason is kept for a lost deal only.
    "lost_reason": {"4": "Canceled", "5": "Out-Sold"},
}

DYNAMICS_DEALS = build_layout(
    "dynamics",
    "Microsoft Dynamics 365 Sales opportunity export (display or logical names)",
    HEADERS,
    VALUES,
    id_namespace="dynamics",
    fields=DEAL_FIELDS,
    common_columns={},
)

"""Salesforce's opportunity export, as the deal format ``salesforce``.

Data Loader, Data Export and Workbench write API names (``Id``, ``StageName``,
``IsWon``, ``CloseDate``, ``AccountId``); a report exported as CSV writes field
labels (``Opportunity ID``, ``Stage``, ``Won``, ``Close Date``, ``Account Name``).
Both are listed. Whether a deal is won or lost is read from ``IsWon``/``IsClosed``
when the file has them, else from the stage (``Closed Won``, ``Closed Lost``, and the
German labels).

The person: the opportunity's primary contact (``ContactId``), or a report of
*Opportunities with Contact Roles*, which adds the role's contact (``Contact ID``,
``Email``). Record ids are read in the 18-character form (``salesforce_ids``), so a
contact imported from a report and a deal from Data Loader meet. Salesforce has no
standard lost-reason field: an org's own (``Loss_Reason__c``) is named in a mapping
file that starts from this format.
"""

from __future__ import annotations

from leadflow.ingest.deal_formats.fields import DEAL_FIELDS
from leadflow.ingest.formats.layout import IGNORE, build_layout

__all__ = ["HEADERS", "SALESFORCE_DEALS"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("Id", "Opportunity ID"),
    "name": ("Name", "Opportunity Name"),
    "stage": ("StageName", "Stage"),
    "won": ("IsWon", "Won"),
    "closed": ("IsClosed", "Closed"),
    "amount": ("Amount",),
    "currency": ("CurrencyIsoCode", "Opportunity Currency"),
    "created_at": ("CreatedDate", "Created Date"),
    "closed_at": ("CloseDate", "Close Date"),
    "owner": ("OwnerId", "Opportunity Owner", "Owner ID"),
    "contact_ref": ("ContactId", "Contact ID"),
    "contact_email": ("Email",),
    "account_ref": ("AccountId", "Account ID"),
    "account_name": ("Account Name",),
    IGNORE: (
        "Probability",
        "Probability (%)",
        "ForecastCategoryName",
        "Forecast Category",
        "Fiscal",
        "Fiscal Period",
        "FiscalYear",
        "FiscalQuarter",
        "LastModifiedDate",
        "Last Modified Date",
        "IsDeleted",
    ),
}

SALESFORCE_DEALS = build_layout(
    "salesforce",
    "Salesforce opportunity export (API names or report labels)",
    HEADERS,
    id_namespace="salesforce",
    id_format="salesforce",
    fields=DEAL_FIELDS,
    common_columns={},
)

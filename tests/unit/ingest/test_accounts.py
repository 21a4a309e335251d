"""Account rows from CRM exports: header aliases, normalisation and row errors."""

from __future__ import annotations

import pytest

from leadflow.ingest.accounts import AccountRowError, account_columns, read_account

HUBSPOT = [
    "Record ID",
    "Company name",
    "Company Domain Name",
    "Industry",
    "Number of Employees",
    "Annual Revenue",
    "Country/Region",
    "Company owner",
    "Notes",
]


def _read(header: list[str], cells: list[str]):  # type: ignore[no-untyped-def]
    return read_account(header, account_columns(header), cells)


def test_hubspot_company_export_is_understood() -> None:
    record = _read(
        HUBSPOT,
        [
            "42",
            "Brouwer B.V.",
            "https://www.Brouwer.nl/about",
            "Computer Software",
            "1.200",
            "€ 5,000,000",
            "Netherlands",
            "Eva",
            "met at fair",
        ],
    )
    assert record.external_id == "42"
    assert record.domain == "brouwer.nl"
    assert record.industry == "computer_software"
    assert record.employees == 1200
    assert record.revenue == 5_000_000
    assert record.country == "NL"
    assert record.owner == "Eva"
    assert record.extra == {"notes": "met at fair"}


def test_salesforce_and_generic_headers() -> None:
    salesforce = [
        "Id",
        "Name",
        "Website",
        "Industry",
        "NumberOfEmployees",
        "AnnualRevenue",
        "BillingCountry",
        "OwnerId",
    ]
    record = _read(
        salesforce,
        ["001x", "Acme", "acme.de", "Manufacturing", "80", "12000000", "Deutschland", "005y"],
    )
    assert (record.domain, record.country, record.employees, record.owner) == (
        "acme.de",
        "DE",
        80,
        "005y",
    )
    generic = [
        "account_id",
        "name",
        "domain",
        "industry",
        "employees",
        "annual_revenue_eur",
        "country",
        "owner_rep_id",
    ]
    record = _read(generic, ["a1", "Nord AS", "nord.no", "logistics", "51", "291000", "NO", ""])
    assert (record.external_id, record.country, record.owner) == ("a1", "NO", None)


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (["1", "X", "not a domain", "", "", "", "", "", ""], "not a domain name"),
        (["1", "X", "x.com", "", "many", "", "", "", ""], "employees 'many' is not a number"),
        (["1", "X", "x.com", "", "12.5", "", "", "", ""], "not a whole number"),
        (["1", "X", "x.com", "", "", "-3", "", "", ""], "negative"),
        (["1", "X", "x.com", "", "", "", "Atlantis", "", ""], "not a country we know"),
        (["1", "", "", "", "", "", "", "", ""], "neither a domain nor a company name"),
        (["1", "X", "x.com", "", "", "", "", "", "", "extra"], "10 cells"),
    ],
)
def test_bad_rows_say_why(cells: list[str], reason: str) -> None:
    with pytest.raises(AccountRowError, match=reason):
        _read(HUBSPOT, cells)


def test_trailing_empty_cells_beyond_the_header_are_harmless() -> None:
    # Some exports end every data row with a delimiter the header does not have.
    record = _read(HUBSPOT, ["1", "X", "x.com", "", "", "", "", "", "", "", " "])
    assert (record.domain, record.extra) == ("x.com", {})


def test_a_header_without_name_or_domain_is_refused() -> None:
    with pytest.raises(AccountRowError, match="neither a domain nor a company name column"):
        account_columns(["Industry", "Country"])


def test_numbers_are_read_as_the_contact_import_reads_them() -> None:
    cells = ["7", "Beta GmbH", "beta.de", "", "51-200", "2.5M", "", "", ""]
    record = _read(HUBSPOT, cells)
    assert (record.employees, record.revenue) == (51, 2_500_000)
    record = _read(HUBSPOT, ["7", "Beta", "beta.de", "", "", "€ 1.234.567,89", "", "", ""])
    assert record.revenue == 1_234_567.89


def test_other_columns_are_attributes_under_snake_case_keys() -> None:
    header = ["Name", "Domain", "Lifecycle Stage", "Owner", "OWNER"]
    record = _read(header, ["Acme", "acme.nl", "Customer", "o1", "o2"])
    assert record.extra == {"lifecycle_stage": "Customer", "owner_raw": "o2"}
    assert record.owner == "o1"

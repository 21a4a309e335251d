"""Rows of each export become validated contact records (no database involved)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leadflow.ingest.convert import HeaderError, RowConverter
from leadflow.ingest.fields import FIELDS
from leadflow.ingest.formats import get_format
from leadflow.ingest.formats.layout import Layout, UnknownColumns, build_layout
from leadflow.ingest.formats.mapping_file import load_mapping
from leadflow.ingest.record import ConsentClaim, ContactRecord, RowError
from leadflow.ingest.table import open_table

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "exports"


def convert_file(name: str, layout: Layout, **options: object) -> list[ContactRecord | RowError]:
    results: list[ContactRecord | RowError] = []
    with open_table(EXPORTS / name) as table:
        converter = RowConverter(layout, table.header, **options)  # type: ignore[arg-type]
        for line, cells in table.rows():
            try:
                results.append(converter.convert(line, cells))
            except RowError as error:
                results.append(error)
    return results


def records(results: list[ContactRecord | RowError]) -> list[ContactRecord]:
    return [item for item in results if isinstance(item, ContactRecord)]


def test_hubspot_export() -> None:
    results = convert_file("hubspot_contacts.csv", get_format("hubspot"), default_region="NL")
    assert all(isinstance(item, ContactRecord) for item in results)
    jan, ingrid, lukas, camille, bare, pieter = records(results)
    assert jan.contact["email"] == "jan.devries@bakkerij-janssen.nl"
    assert jan.contact["external_id"] == "hubspot:51"
    assert jan.contact["phone"] == "+31201234567"
    assert jan.contact["country"] == "NL"
    assert jan.contact["source_channel"] == "linkedin"  # Organic Social + drill-down LinkedIn
    assert jan.contact["domain"] == "bakkerij-janssen.nl"
    assert jan.account == {"domain": "bakkerij-janssen.nl", "name": "Bakkerij Janssen B.V.",
                           "industry": "food_beverage", "employees": 1200}  # fmt: skip
    assert jan.attributes["lifecycle_stage"] == "mql"
    assert jan.attributes["lead_status"] == "working"
    assert jan.attributes["favourite_product"] == "Spec sheet"
    assert jan.contact["created_at"] == datetime(2025, 1, 14, 9, 30, tzinfo=UTC)
    assert jan.consents == [
        ConsentClaim("email", "granted", datetime(2025, 3, 2, 16, 5, tzinfo=UTC))
    ]
    assert ingrid.contact["phone"] == "+4722334455"
    assert ingrid.account["revenue"] == 12_500_000.0
    assert ingrid.attributes["lead_status"] == "attempting"
    assert ingrid.attributes["lifecycle_stage"] == "sql"
    # Free-mail address, but the website names the company.
    assert lukas.contact["email"] == "lukas.mueller@gmx.de"
    assert lukas.contact["domain"] == "maschinenbau-mueller.example"
    assert lukas.contact["phone"] == "+4915123456789"  # the mobile, as there is no phone
    assert lukas.attributes["mobile_phone"] == "+4915123456789"
    assert [c.status for c in lukas.consents] == ["withdrawn"]  # unsubscribed wins
    assert lukas.line == 4
    assert camille.line == 6  # after the two-line quoted note of line 4-5
    assert camille.contact["source_channel"] == "newsletter"
    assert bare.contact == {"external_id": "hubspot:55"}
    assert pieter.contact["phone"] == "+31612345678"
    assert pieter.attributes["lead_status"] == "converted"


def test_salesforce_api_export() -> None:
    emma, oliver, sofia, noah = records(
        convert_file("salesforce_leads.csv", get_format("salesforce"), default_region="US")
    )
    assert emma.contact["external_id"] == "salesforce:00Q5g00000AbCdEEAV"
    assert emma.contact["phone"] == "+14155552671"
    assert emma.account["employees"] == 5000
    assert emma.contact["domain"] == "northwind-demo.example.com"
    assert emma.attributes["lead_status"] == "new"
    assert emma.contact["source_channel"] == "web"
    assert oliver.contact["source_channel"] == "purchased"
    assert oliver.contact["purchased"] is True
    assert oliver.contact["country"] == "GB"
    assert {c.channel: c.status for c in oliver.consents} == {
        "email": "withdrawn",
        "phone": "withdrawn",
    }
    assert sofia.consents == [
        ConsentClaim("email", "bounced", datetime(2025, 2, 14, 22, 10, tzinfo=UTC))
    ]
    assert sofia.contact["source_channel"] == "events"
    assert sofia.attributes["lead_status"] == "converted"
    assert noah.email is None
    assert noah.contact["phone"] == "+12125550100"


def test_salesforce_report_uses_labels_and_us_dates() -> None:
    mia, liam = records(
        convert_file("salesforce_leads_report.csv", get_format("salesforce"), default_region="US")
    )
    assert mia.contact["created_at"] == datetime(2025, 3, 4, tzinfo=UTC)
    assert mia.account["revenue"] == 45_000_000.0
    assert liam.contact["created_at"] == datetime(2024, 12, 20, tzinfo=UTC)
    assert liam.contact["country"] == "CA"
    assert liam.contact["source_channel"] == "referral"
    assert [c.status for c in liam.consents] == ["withdrawn"]


def test_mautic_export() -> None:
    thomas, anne, erik = records(convert_file("mautic_contacts.csv", get_format("mautic")))
    assert thomas.contact["external_id"] == "mautic:1201"
    assert thomas.contact["title"] == "Marketing Manager"
    assert thomas.attributes["salutation"] == "Mr"
    assert thomas.attributes["score"] == 45.0
    assert thomas.attributes["lifecycle_stage"] == "mql"
    assert thomas.attributes["tags"] == "webinar,beer"
    assert thomas.attributes["address1"] == "Grote Markt 1"
    assert thomas.contact["phone"] == "+3221234567"
    assert anne.contact["phone"] == "+33612345678"  # national mobile, region from country
    assert "domain" not in anne.contact  # orange.fr is free mail
    assert erik.contact["country"] == "NO"


def test_marketo_export() -> None:
    results = convert_file("marketo_leads.csv", get_format("marketo"))
    assert all(isinstance(item, ContactRecord) for item in results)
    sanne, henrik, claire, jonas, emma = records(results)
    assert sanne.contact["external_id"] == "marketo:3101"
    assert sanne.contact["title"] == "Head of Operations"
    assert sanne.contact["source_channel"] == "webinar"
    assert sanne.contact["source_campaign"] == "2025-q1 webinar supply chain"  # Acquisition Program
    assert sanne.contact["source_medium"] == "paid_social"  # its own utm_medium column
    assert sanne.attributes["utm_source"] == "linkedin"
    assert sanne.attributes["lead_status"] == "working"  # Sales Accepted
    assert sanne.attributes["original_source_type"] == "Web form fillout"
    assert sanne.account["employees"] == 250
    assert henrik.attributes["lead_status"] == "attempting"
    assert henrik.contact["phone"] == "+4791234567"  # the mobile; Phone Number was "null"
    assert henrik.consents == [
        ConsentClaim("email", "withdrawn", datetime(2025, 2, 28, 16, 30, tzinfo=UTC))
    ]
    assert claire.attributes["lead_status"] == "nurture"  # Recycled
    assert claire.contact["source_channel"] == "events"
    assert [c.status for c in claire.consents] == ["bounced"]  # Email Invalid
    assert jonas.contact["external_id"] == "marketo:3104"  # no e-mail: by record id
    assert jonas.contact["purchased"] is True
    assert jonas.attributes["lead_status"] == "unqualified"  # Junk
    assert [(c.channel, c.status) for c in jonas.consents] == [("phone", "withdrawn")]
    assert emma.attributes["lead_status"] == "mql"  # a funnel word is kept as written
    assert emma.account["employees"] == 51


def test_marketo_null_cells_are_empty_everywhere() -> None:
    """Not a name, not a custom attribute, not an invalid e-mail; defaults still apply."""
    header = ["Id", "Email Address", "First Name", "Country", "Favourite Colour"]
    layout = get_format("marketo")
    layout = Layout(**{**layout.__dict__, "defaults": {"country": "NL"}})
    record = RowConverter(layout, header).convert(2, ["7", "null", "NULL", " Null ", "null"])
    assert record.contact == {"external_id": "marketo:7", "country": "NL"}
    assert record.attributes == {}
    hubspot = RowConverter(get_format("hubspot"), ["Email", "First Name"])
    assert hubspot.convert(2, ["a@x.nl", "null"]).contact["first_name"] == "null"


def test_odoo_export_with_labels() -> None:
    results = convert_file("odoo_leads.csv", get_format("odoo"))
    assert all(isinstance(item, ContactRecord) for item in results)
    ann, pieter, marie, karl, lars = records(results)
    assert ann.contact["external_id"] == "odoo:__export__.crm_lead_41_5b1e9a0c"
    assert ann.contact["email"] == "ann.peeters@dekroon.example.be"  # display name removed
    assert (ann.contact["first_name"], ann.contact["last_name"]) == ("Ann", "Peeters")
    assert ann.contact["company"] == "Brouwerij De Kroon NV"
    assert ann.contact["title"] == "Purchasing Manager"
    assert ann.contact["owner"] == "Marc Demo"
    assert ann.contact["source_channel"] == "linkedin"  # from the Source, a UTM source
    assert ann.attributes["mobile_phone"] == "+32470123456"  # national, region from Country
    assert ann.attributes["tags"] == "Product,Services"
    assert ann.attributes["sales_team"] == "Sales"
    assert "opportunity" not in ann.attributes  # the deal's title is not the person's
    stages = [person.attributes["lifecycle_stage"] for person in (ann, pieter, marie, karl, lars)]
    assert stages == ["sql", "lead", "opportunity", "customer", "demo_scheduled"]
    assert marie.contact["source_channel"] == "newsletter"  # medium Email
    assert [c.status for c in marie.consents] == ["withdrawn"]  # Blacklist
    assert [c.status for c in karl.consents] == ["bounced"]  # Bounce 2
    assert pieter.consents == []  # Blacklist False, Bounce 0
    assert karl.attributes["state"] == "Baden-Württemberg (DE)"
    assert "email" not in lars.contact  # a lead without e-mail, known by its record id
    assert lars.contact["external_id"] == "odoo:__export__.crm_lead_45_77b0c6aa"


def test_odoo_import_compatible_export_uses_technical_names() -> None:
    joost, ingrid = records(convert_file("odoo_leads_import_compatible.csv", get_format("odoo")))
    assert (joost.contact["first_name"], joost.contact["last_name"]) == ("Joost", "van Dam")
    assert joost.contact["title"] == "Projectleider"
    assert joost.contact["source_campaign"] == "sale"
    assert joost.attributes["lifecycle_stage"] == "sql"
    assert "name" not in joost.attributes
    assert ingrid.contact["country"] == "SE"
    assert ingrid.attributes["lifecycle_stage"] == "lead"


def test_generic_demo_columns() -> None:
    anna, bob, carla, dirk = records(
        convert_file("generic_contacts.csv", get_format("generic"), default_region="NL")
    )
    assert anna.contact["external_id"] == "c000001"  # leadflow's own ids: no prefix
    assert anna.attributes["account_ref"] == "a0001"
    assert anna.contact["identity"] == "confirmed"
    assert anna.contact["source_medium"] == "cpc"
    assert anna.contact["source_campaign"] == "spring_launch"
    assert bob.contact["purchased"] is True
    assert bob.contact["vendor"] == "LeadsRUs"
    assert {c.channel: c.status for c in carla.consents} == {"email": "granted", "phone": "granted"}
    assert dirk.contact["phone"] == "+31205550104"
    assert all(claim.at is None for claim in dirk.consents)  # no date: undated claims


def test_mapping_file_with_latin1_semicolons() -> None:
    layout = load_mapping(EXPORTS / "tradeshow_mapping.yaml")
    klaus, lars, sophie = records(
        convert_file(
            "tradeshow_leads_latin1.csv",
            layout,
            default_region=layout.default_region,
            zone=ZoneInfo("Europe/Amsterdam"),
        )
    )
    assert klaus.contact["last_name"] == "Müller"
    assert klaus.contact["country"] == "DE"
    assert klaus.contact["phone"] == "+492211234567"  # Köln, region from the row's country
    assert klaus.contact["created_at"] == datetime(2025, 4, 2, 22, tzinfo=UTC)  # 3 April, CEST
    assert klaus.contact["source_channel"] == "events"  # default
    assert klaus.contact["source_campaign"] == "beurs-2025"
    assert klaus.attributes["notities"] == "Stand 12"
    assert lars.contact["last_name"] == "Ærøskøbing"
    assert lars.attributes["notities"] == "Wil offerte; bel terug"
    assert [c.status for c in lars.consents] == ["none"]
    assert sophie.line == 5
    assert sophie.contact["identity"] == "confirmed"


HEADER = ["Email", "First Name", "Phone Number", "Create Date", "Country/Region"]


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        (["jan@", "Jan", "", "", ""], "Email", "not valid"),
        (["jan@x.nl", "Jan", "12", "", ""], "Phone Number", "wrong length"),
        (["jan@x.nl", "Jan", "", "gisteren", ""], "Create Date", "not a date"),
        (["jan@x.nl", "Jan", "", "", "Atlantis"], "Country/Region", "not a country"),
        (["", "Jan", "", "", ""], None, "no e-mail address and no record id"),
    ],
)
def test_rejections_name_the_column_and_reason(
    cells: list[str], column: str | None, reason: str
) -> None:
    converter = RowConverter(get_format("hubspot"), HEADER, default_region="NL")
    with pytest.raises(RowError) as caught:
        converter.convert(7, cells)
    assert caught.value.line == 7
    assert caught.value.column == column
    assert reason in caught.value.reason


def test_a_number_with_separators_out_of_place_rejects_its_row() -> None:
    converter = RowConverter(get_format("salesforce"), ["Email", "AnnualRevenue"])
    with pytest.raises(RowError) as caught:
        converter.convert(4, ["a@acme.example", "0.,.0"])
    assert (caught.value.line, caught.value.column) == (4, "AnnualRevenue")
    assert caught.value.reason == "AnnualRevenue: '0.,.0' is not a number"


def test_salesforce_ids_are_stored_in_their_18_character_form() -> None:
    converter = RowConverter(get_format("salesforce"), ["Lead ID", "Email"])
    short = converter.convert(2, ["001D000000IqhSL", "a@acme.example"])
    long = converter.convert(3, ["001D000000IqhSLIAZ", "a@acme.example"])
    assert short.contact["external_id"] == long.contact["external_id"]
    assert long.contact["external_id"] == "salesforce:001D000000IqhSLIAZ"
    with pytest.raises(RowError) as caught:
        converter.convert(4, ["001D000000IqhSLAAZ", "a@acme.example"])
    assert (caught.value.line, caught.value.column) == (4, "Lead ID")
    assert "ends in IAZ, not AAZ" in caught.value.reason


def test_a_mapping_on_top_of_salesforce_keeps_its_id_form(tmp_path: Path) -> None:
    path = tmp_path / "sf.yaml"
    path.write_text("name: sf-emea\nformat: salesforce\ncolumns:\n  Lead Nr: external_id\n")
    converter = RowConverter(load_mapping(path), ["Lead Nr", "Email"])
    record = converter.convert(2, ["001D000000IqhSL", "a@acme.example"])
    assert record.contact["external_id"] == "sf-emea:001D000000IqhSLIAZ"
    hubspot = RowConverter(get_format("hubspot"), ["Record ID", "Email"])  # no such form
    assert hubspot.convert(2, ["001D000000IqhSL", "b@acme.example"]).contact["external_id"] == (
        "hubspot:001D000000IqhSL"
    )


def test_a_written_extension_is_kept_beside_the_phone() -> None:
    header = ["Email", "Phone Number", "Mobile Phone Number"]
    converter = RowConverter(get_format("hubspot"), header, default_region="DE")
    desk = converter.convert(2, ["a@acme.example", "030 1234567 ext. 12", ""])
    assert desk.contact["phone"] == "+49301234567"
    assert desk.attributes["phone_extension"] == "12"
    direct = converter.convert(3, ["b@acme.example", "030 1234567-12", ""])
    assert direct.contact["phone"] == "+4930123456712"
    assert "phone_extension" not in direct.attributes
    # A mobile's extension only when the mobile is the phone.
    both = converter.convert(4, ["c@acme.example", "030 1234567", "0151 2345678 x3"])
    assert (both.contact["phone"], both.attributes.get("phone_extension")) == ("+49301234567", None)
    mobile = converter.convert(5, ["d@acme.example", "", "+41 44 668 18 00-7"])
    assert (mobile.contact["phone"], mobile.attributes["phone_extension"]) == ("+41446681800", "7")


def test_an_extension_column_wins_over_the_one_in_the_phone_cell() -> None:
    assert get_format("generic").field_for("phone_extension") == "phone_extension"
    converter = RowConverter(get_format("generic"), ["email", "phone", "phone_extension"])
    record = converter.convert(2, ["a@acme.example", "+49 30 1234567 ext. 12", "340"])
    assert (record.contact["phone"], record.attributes["phone_extension"]) == (
        "+49301234567", "340",
    )  # fmt: skip


def test_national_phone_without_any_region_is_rejected() -> None:
    converter = RowConverter(get_format("hubspot"), HEADER)
    with pytest.raises(RowError, match="no country code"):
        converter.convert(2, ["jan@x.nl", "Jan", "020 123 4567", "", ""])
    record = converter.convert(3, ["jan@x.nl", "Jan", "020 123 4567", "", "NL"])
    assert record.contact["phone"] == "+31201234567"


def test_short_rows_are_padded_and_empty_cells_are_not_given() -> None:
    converter = RowConverter(get_format("hubspot"), HEADER, default_region="NL")
    record = converter.convert(2, ["jan@x.nl", "  "])
    assert record.contact == {"email": "jan@x.nl", "domain": "x.nl"}


def test_values_beyond_the_header_reject_the_row_and_trailing_empty_cells_do_not() -> None:
    # "Bakkerij; Janssen" written without quotes: every cell after it has moved one column.
    converter = RowConverter(get_format("hubspot"), HEADER, default_region="NL")
    with pytest.raises(RowError, match=r"6 cells, the header has 5 columns") as caught:
        converter.convert(7, ["jan@x.nl", "Bakkerij", " Janssen", "020 123 4567", "", "NL"])
    assert caught.value.line == 7
    record = converter.convert(8, ["jan@x.nl", "Jan", "", "", "NL", "", " ", ""])
    assert record.contact["country"] == "NL"


@pytest.mark.parametrize(
    ("column", "cell"),
    [("Number of Employees", "-250"), ("Annual Revenue", "(1.234,56)"), ("Annual Revenue", "5-")],
)
def test_a_negative_head_count_or_revenue_is_refused(column: str, cell: str) -> None:
    converter = RowConverter(get_format("hubspot"), ["Email", column, "HubSpot Score"])
    with pytest.raises(RowError, match=rf"{column}: '.*' is negative"):
        converter.convert(2, ["jan@x.nl", cell, ""])
    record = converter.convert(3, ["jan@x.nl", "", "-5"])  # a score may be negative
    assert record.attributes["score"] == -5


def test_a_header_without_identity_is_refused() -> None:
    with pytest.raises(HeaderError, match="no column holds an e-mail address or a record id"):
        RowConverter(get_format("salesforce"), ["First Name", "Last Name"])


def test_unknown_columns_can_be_refused_or_ignored() -> None:
    strict = build_layout("strict", "", {"email": ("mail",)})
    refusing = Layout(**{**strict.__dict__, "unknown_columns": UnknownColumns.REJECT})
    with pytest.raises(HeaderError, match="'Notes'"):
        RowConverter(refusing, ["mail", "Notes"])
    ignoring = Layout(**{**strict.__dict__, "unknown_columns": UnknownColumns.IGNORE})
    record = RowConverter(ignoring, ["mail", "Notes"]).convert(2, ["a@x.nl", "hello"])
    assert record.attributes == {}


def test_an_unknown_column_named_like_a_field_does_not_shadow_it() -> None:
    layout = build_layout("m", "", {"email": ("mail",)})
    record = RowConverter(layout, ["mail", "Title", "title"]).convert(2, ["a@x.nl", "CEO", "Boss"])
    assert record.attributes == {"title_raw": "CEO", "title_raw_2": "Boss"}
    assert "title" not in record.contact


def test_first_non_empty_of_several_columns_wins() -> None:
    converter = RowConverter(get_format("salesforce"), ["Email", "Country", "CountryCode"])
    assert converter.convert(2, ["a@x.nl", "", "NO"]).contact["country"] == "NO"
    assert converter.convert(3, ["a@x.nl", "Sverige", "NO"]).contact["country"] == "SE"


def test_invalid_default_is_a_header_error(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("columns: {Mail: email}\ndefaults: {country: Atlantis}\n")
    with pytest.raises(HeaderError, match="default for country"):
        RowConverter(load_mapping(path), ["Mail"])


def test_full_name_is_split_when_first_and_last_are_absent() -> None:
    converter = RowConverter(get_format("salesforce"), ["Email", "Name"])
    record = converter.convert(2, ["a@x.nl", "Anne Marie van Dijk"])
    assert record.contact["first_name"] == "Anne"
    assert record.contact["last_name"] == "Marie van Dijk"


def test_channel_comes_from_utm_when_no_channel_column() -> None:
    converter = RowConverter(get_format("generic"), ["email", "utm_source", "utm_medium"])
    record = converter.convert(2, ["a@x.nl", "Google", "CPC"])
    assert record.contact["source_channel"] == "paid_search"
    assert record.attributes["utm_source"] == "google"


_ODD_CELLS = st.one_of(
    st.text(st.sampled_from("0123456789²١٢.,-/:+@aZé€%kM\t "), max_size=12),
    st.sampled_from(["1e400", "nan", "-inf", "9" * 40, "9" * 400, "²" * 10, "١٢/٠٣/٢٠٢٥"]),
)


_HEADER = ["contact_id", *(name for name in FIELDS if name != "external_id")]


@settings(max_examples=1500, deadline=None)
@given(column=st.integers(1, len(_HEADER) - 1), cell=_ODD_CELLS, country=_ODD_CELLS)
@example(column=_HEADER.index("employees"), cell="9" * 400, country="")
@example(column=_HEADER.index("created_at"), cell="²" * 10, country="")
@example(column=_HEADER.index("created_at"), cell="١٢/٠٣/٢٠٢٥", country="")
@example(column=_HEADER.index("phone"), cell="0612345678", country="²")
@example(column=_HEADER.index("revenue"), cell="0.,.0", country="")
@example(column=_HEADER.index("employees"), cell="1.2.3,4,5", country="")
def test_any_cell_gives_a_record_or_a_row_error_never_a_crash(
    column: int, cell: str, country: str
) -> None:
    """Each field fed digits int() refuses, overflowing numbers and junk (and a junk
    country beside phones): the cell is normalised or rejected with its reason; any other
    exception would stop the whole import."""
    converter = RowConverter(get_format("generic"), _HEADER, default_region="NL")
    cells = [""] * len(_HEADER)
    cells[0], cells[column] = "c1", cell
    if _HEADER[column] in ("phone", "mobile_phone"):
        cells[_HEADER.index("country")] = country
    outcome: ContactRecord | RowError
    try:
        outcome = converter.convert(2, cells)
    except RowError as error:
        outcome = error
    assert outcome.line == 2


def test_an_opt_out_in_any_of_several_columns_withdraws_consent() -> None:
    """Two columns may say "do not e-mail" (a CRM's direct and bulk e-mail flags): a "no"
    in the first must not hide a "yes" in the second, which first-non-empty would do."""
    layout = build_layout(
        "flags",
        "",
        {
            "email": ("mail",),
            "email_opt_out": ("no direct mail", "no bulk mail"),
            "email_bounced": ("bounced", "invalid"),
        },
    )
    header = ["mail", "no direct mail", "no bulk mail", "bounced", "invalid"]
    converter = RowConverter(layout, header)
    withdrawn = converter.convert(2, ["a@x.nl", "false", "true", "", ""])
    assert [claim.status for claim in withdrawn.consents] == ["withdrawn"]
    bounced = converter.convert(3, ["b@x.nl", "false", "false", "no", "yes"])
    assert [claim.status for claim in bounced.consents] == ["bounced"]
    neither = converter.convert(4, ["c@x.nl", "false", "false", "no", "no"])
    assert neither.consents == []

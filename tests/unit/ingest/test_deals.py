"""Reading one row of a deal export: its outcome, dates, amounts, ids and links."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from leadflow.ingest.convert import HeaderError
from leadflow.ingest.deal_formats import get_deal_format
from leadflow.ingest.deal_formats.mapping import load_deal_mapping
from leadflow.ingest.deals import DealReader, DealRecord, account_name_key
from leadflow.ingest.formats.layout import Layout
from leadflow.ingest.formats.mapping_file import MappingError
from leadflow.ingest.record import RowError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HEADER = ["external_id", "status", "stage", "amount", "currency", "created_at", "closed_at",
          "account_name", "contact_email", "lost_reason", "won_reason"]  # fmt: skip


def _row(**cells: str) -> list[str]:
    base = {"external_id": "d1", "status": "won", "closed_at": "2025-03-01",
            "account_name": "Acme"}  # fmt: skip
    base.update(cells)
    return [base.get(name, "") for name in HEADER]


def _read(
    layout: Layout | None = None,
    header: list[str] = HEADER,
    region: str | None = None,
    **cells: str,
) -> DealRecord:
    reader = DealReader(
        layout or get_deal_format("generic"), header, now=NOW, default_region=region
    )
    return reader.convert(2, _row(**cells))


def _refused(**cells: str) -> RowError:
    with pytest.raises(RowError) as caught:
        _read(**cells)
    return caught.value


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["status", "account_name"], "the deal's id"),
        (["external_id", "status"], "names the deal's person"),
        (["external_id", "account_name", "amount"], "open, won or lost"),
    ],
)
def test_a_header_that_cannot_work_is_refused_before_any_row(
    header: list[str], missing: str
) -> None:
    with pytest.raises(HeaderError, match=missing):
        DealReader(get_deal_format("generic"), header, now=NOW)


def test_a_header_the_layout_reads_twice_is_refused() -> None:
    with pytest.raises(HeaderError, match="which column is meant cannot be told"):
        DealReader(get_deal_format("generic"), [*HEADER, "Amount"], now=NOW)


def test_a_won_deal_keeps_its_won_reason_and_drops_a_lost_one() -> None:
    record = _read(won_reason="Price", lost_reason="Budget")
    assert (record.status, record.won_reason, record.lost_reason) == ("won", "Price", None)
    assert record.closed_at == datetime(2025, 3, 1, tzinfo=UTC)
    assert record.created_at == record.closed_at  # no creation date: the close date


@pytest.mark.parametrize(
    ("amount", "value"),
    [("1.234,56", 1234.56), ("1,234.56", 1234.56), ("€ 12.500", 12500.0), ("2.5M", 2.5e6)],
)
def test_amounts_are_read_as_the_contact_import_reads_numbers(amount: str, value: float) -> None:
    assert _read(amount=amount).amount == value


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("USD 12,000.00", "", "USD"),  # a Salesforce multi-currency report's cell
        ("12.500,00 EUR", "", "EUR"),
        ("€ 12.500", "", "EUR"),
        ("£1,200", "", "GBP"),
        ("$1,200", "", None),  # dollars of which country: unknown
        ("1200", "", None),
        ("USD 1,200", "EUR", "EUR"),  # the currency column is the record's own word
    ],
)
def test_a_currency_written_in_the_amount_is_the_deals_when_no_column_gives_one(
    amount: str, currency: str, expected: str | None
) -> None:
    """Reports add amounts as written: a currency dropped from the cell it was written
    in would be added to amounts of other currencies with nothing to tell them apart."""
    assert _read(amount=amount, currency=currency).currency == expected


def test_a_currency_written_in_the_amount_beats_the_mappings_default(tmp_path: Path) -> None:
    mapping = tmp_path / "deals.yaml"
    mapping.write_text(
        "name: crm\ncolumns: {id: external_id, outcome: status, value: amount, "
        "closed: closed_at, company: account_name}\ndefaults: {currency: USD}\n",
        encoding="utf-8",
    )
    layout = load_deal_mapping(mapping)
    reader = DealReader(layout, ["id", "outcome", "value", "closed", "company"], now=NOW)
    euros = reader.convert(2, ["d1", "won", "€ 100", "2025-03-01", "Acme"])
    plain = reader.convert(3, ["d2", "won", "100", "2025-03-01", "Acme"])
    assert (euros.currency, plain.currency) == ("EUR", "USD")


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"amount": "lots"}, "amount (column 'amount'): 'lots' is not a number"),
        ({"amount": "-250"}, "amount (column 'amount'): '-250' is negative"),
        ({"currency": "EURO"}, "'EURO' is not an ISO 4217 currency code"),
        ({"status": "maybe"}, "status (column 'status'): 'maybe' is not open, won or lost"),
        ({"closed_at": ""}, "a won deal without a close date"),
        (
            {"status": "lost", "closed_at": "2027-01-01"},
            "lost on 2027-01-01, a close date in the future",
        ),
        ({"account_name": ""}, "names neither a person nor a company"),
        ({"external_id": ""}, "no deal id"),
        ({"contact_email": "not an address"}, "contact_email (column 'contact_email')"),
        ({"closed_at": "3/13/2025"}, "contacts and deals: --default-region US"),
    ],
)
def test_a_bad_cell_rejects_its_row_with_the_reason(cells: dict[str, str], reason: str) -> None:
    assert reason in _refused(**cells).reason


def test_the_region_gives_the_order_of_slashed_dates() -> None:
    assert _read(region="US", closed_at="3/13/2025").closed_at == datetime(2025, 3, 13, tzinfo=UTC)


def test_times_without_an_offset_are_in_the_mappings_zone() -> None:
    layout = Layout(**{**vars(get_deal_format("generic")), "time_zone": "Europe/Amsterdam"})
    reader = DealReader(layout, HEADER, now=NOW, zone=ZoneInfo("Europe/Amsterdam"))
    record = reader.convert(2, _row(closed_at="2025-03-01 12:00"))
    assert record.closed_at == datetime(2025, 3, 1, 11, 0, tzinfo=UTC)


def test_an_open_deals_close_date_is_its_expected_close() -> None:
    record = _read(status="open", stage="Proposal", closed_at="2026-09-30")
    assert (record.status, record.stage, record.closed_at) == ("open", "Proposal", None)
    assert record.expected_close == date(2026, 9, 30)
    assert record.created_at is None  # the import's moment, chosen by the import


def test_a_creation_after_the_close_or_in_the_future_is_not_kept() -> None:
    assert _read(created_at="2025-06-01").created_at == datetime(2025, 3, 1, tzinfo=UTC)
    future = _read(status="open", closed_at="", created_at="2030-01-01")
    assert future.created_at == NOW


def test_without_a_status_the_stage_decides() -> None:
    header = [name for name in HEADER if name != "status"]
    reader = DealReader(get_deal_format("generic"), header, now=NOW)
    row = dict(zip(HEADER, _row(stage="Closed Lost"), strict=True))
    assert reader.convert(2, [row[name] for name in header]).status == "lost"
    row["stage"] = "Demo"
    assert reader.convert(2, [row[name] for name in header]).status == "open"


def test_salesforce_flags_decide_and_a_closed_deal_needs_a_known_outcome() -> None:
    layout = get_deal_format("salesforce")
    header = ["Id", "StageName", "IsClosed", "IsWon", "CloseDate", "AccountId"]
    reader = DealReader(layout, header, now=NOW)
    account = "0015g00000AbCdEAAV"
    won = reader.convert(2, ["0065g00000XyZaB", "Signed", "true", "true", "2025-01-01", account])
    assert (won.status, won.external_id) == ("won", "salesforce:0065g00000XyZaBAAV")
    lost = reader.convert(3, ["0065g00000XyZaC", "Signed", "true", "false", "2025-01-01", account])
    assert lost.status == "lost"
    still = reader.convert(4, ["0065g00000XyZaD", "Closed Won", "false", "", "", account])
    assert still.status == "open"  # IsClosed says open, whatever the stage's name
    only_closed = DealReader(layout, ["Id", "StageName", "IsClosed", "AccountId"], now=NOW)
    with pytest.raises(RowError, match="says neither won nor lost"):
        only_closed.convert(5, ["0065g00000XyZaB", "Signed", "true", account])


def test_a_salesforce_id_that_does_not_check_is_a_bad_row() -> None:
    reader = DealReader(get_deal_format("salesforce"), ["Id", "StageName", "AccountId"], now=NOW)
    with pytest.raises(RowError, match="does not check"):
        reader.convert(2, ["0065g00000XyZaBAAA", "Prospecting", "0015g00000AbCdE"])


def test_a_cell_listing_several_ids_gives_the_first() -> None:
    reader = DealReader(
        get_deal_format("hubspot"), ["Record ID", "Deal Stage", "Associated Contact IDs"], now=NOW
    )
    assert reader.convert(2, ["9", "Qualified To Buy", "51;52"]).contact_ref == "hubspot:51"


def test_a_value_longer_than_its_column_is_a_bad_row() -> None:
    assert "longer than 100 characters" in _refused(status="open", stage="x" * 101).reason


@pytest.mark.parametrize(
    ("one", "other"),
    [("Acme B.V.", "ACME bv"), ("Acme, Inc.", "acme"), ("Müller GmbH", "muller"), ("Co", "co")],
)
def test_company_names_compare_without_case_punctuation_or_legal_form(one: str, other: str) -> None:
    assert account_name_key(one) == account_name_key(other)


def test_a_mapping_file_names_columns_outcomes_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "deals.yaml"
    path.write_text(
        "name: crm\n"
        "columns: {Deal: external_id, Phase: stage, Firma: account_name, Am: closed_at}\n"
        "values: {stage: {Unterschrieben: won}}\ndefaults: {currency: eur}\n",
        encoding="utf-8",
    )
    reader = DealReader(load_deal_mapping(path), ["Deal", "Phase", "Firma", "Am"], now=NOW)
    record = reader.convert(2, ["7", "Unterschrieben", "Acme", "01.02.2025"])
    assert (record.external_id, record.status, record.currency) == ("crm:7", "won", "EUR")
    assert record.closed_at == datetime(2025, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("columns: {Deal: deal_id}", "unknown field 'deal_id'"),
        ("values: {stage: {Signed: signed}}", "'signed' is not a deal status"),
        ("format: sugarcrm", "unknown format 'sugarcrm'"),
    ],
)
def test_a_bad_mapping_file_names_the_key(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "deals.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=error):
        load_deal_mapping(path)


def test_a_mapping_may_start_from_a_format(tmp_path: Path) -> None:
    path = tmp_path / "deals.yaml"
    path.write_text("format: hubspot\ncolumns: {Phase: stage}\n", encoding="utf-8")
    layout = load_deal_mapping(path)
    assert (layout.field_for("Phase"), layout.field_for("Deal Name")) == ("stage", "name")
    assert layout.id_namespace == "hubspot"


def test_a_mapping_that_rejects_unknown_columns_refuses_the_header(tmp_path: Path) -> None:
    path = tmp_path / "deals.yaml"
    path.write_text("format: generic\nunknown_columns: reject\n", encoding="utf-8")
    with pytest.raises(HeaderError, match="'Notes'"):
        DealReader(load_deal_mapping(path), [*HEADER, "Notes"], now=NOW)


@pytest.mark.parametrize(
    ("header", "archived", "active"),
    [
        (["ID", "Stage", "Active", "Closed Date"], "False", "True"),
        (["ID", "Stufe", "Aktiv", "Abschlussdatum"], "False", "True"),
        (["ID", "Étape", "Actif", "Date de clôture"], "False", "True"),
        (["ID", "Fase", "Actief", "Afsluitdatum"], "FALSE", "TRUE"),  # a workbook's booleans
    ],
    ids=["en", "de", "fr", "nl"],
)
def test_an_archived_odoo_opportunity_is_lost_and_an_active_one_is_its_stage(
    header: list[str], archived: str, active: str
) -> None:
    """Active says only "lost" (archived); True leaves the outcome to the stage. The
    opportunity is its lead: its own id is its person's."""
    reader = DealReader(get_deal_format("odoo"), header, now=NOW)
    lost = reader.convert(2, ["41", "Proposition", archived, "2025-03-10 09:00:00"])
    won = reader.convert(3, ["42", "Gewonnen", active, "2025-03-11 09:00:00"])
    still = reader.convert(4, ["43", "Proposition", active, ""])
    assert [(r.status, r.contact_ref) for r in (lost, won, still)] == [
        ("lost", "odoo:41"),
        ("won", "odoo:42"),
        ("open", "odoo:43"),
    ]
    assert (lost.stage, still.stage) == ("Proposition", "Proposition")


def test_a_mapping_that_extends_odoo_keeps_the_lead_as_the_deals_person(tmp_path: Path) -> None:
    path = tmp_path / "odoo.yaml"
    path.write_text("format: odoo\ncolumns:\n  Revenu espéré: amount\n", encoding="utf-8")
    layout = load_deal_mapping(path)
    record = DealReader(layout, ["ID", "Étape", "Revenu espéré"], now=NOW).convert(
        2, ["41", "Nouveau", "1 200,50"]
    )
    assert (record.contact_ref, record.amount, record.status) == ("odoo:41", 1200.5, "open")


def test_dynamics_names_its_currency_and_its_status_by_number() -> None:
    header = ["opportunityid", "statecode", "statuscode", "actualclosedate", "Account",
              "transactioncurrencyid", "actualvalue"]  # fmt: skip
    reader = DealReader(get_deal_format("dynamics"), header, now=NOW)
    lost = reader.convert(2, ["g1", "2", "4", "2025-02-18", "Acme", "Pound Sterling", "10"])
    won = reader.convert(3, ["g2", "1", "3", "2025-02-19", "Acme", "Euro", "12"])
    assert (lost.status, lost.lost_reason, lost.currency) == ("lost", "Canceled", "GBP")
    assert (won.status, won.lost_reason, won.currency) == ("won", None, "EUR")

"""Accounts mapping files: other headers, ignored columns, value translations, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadflow.ingest.accounts import AccountRowError, account_columns, read_account
from leadflow.ingest.accounts_mapping import load_account_mapping
from leadflow.ingest.formats.mapping_file import MappingError

# The headers of a BI extract of a CRM's accounts (Maven's sample CRM has these).
HEADER = ["account", "sector", "year_established", "revenue", "employees", "office_location",
          "subsidiary_of", "Name"]  # fmt: skip
MAPPING = """
columns:
  Account: name            # headers are matched without case or punctuation
  SECTOR: industry
  office location: country
  subsidiary_of: ignore
  Name: ignore             # the alias table's 'name' would otherwise take this column
values:
  country: {Korea: KR, Philipines: PH, "n.a.": ""}
empty_words: ["-"]
"""


def mapping_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_mapping_names_the_headers_the_aliases_do_not_know(tmp_path: Path) -> None:
    mapping = load_account_mapping(mapping_file(tmp_path, MAPPING))
    with pytest.raises(AccountRowError, match="neither a domain nor a company name"):
        account_columns(HEADER[:-1])  # without the mapping
    columns = account_columns(HEADER, mapping)
    cells = ["Acme Corporation", "technolgy", "1996", "1100.04", "2822", "Philipines",
             "Massive Dynamic", "ignored too"]  # fmt: skip
    record = read_account(HEADER, columns, cells, mapping)
    assert (record.name, record.industry, record.country) == ("Acme Corporation", "technolgy", "PH")
    assert (record.employees, record.revenue) == (2822, 1100.04)
    assert record.extra == {"year_established": "1996"}  # ignored columns are not attributes


def test_value_translations_and_empty_words(tmp_path: Path) -> None:
    mapping = load_account_mapping(mapping_file(tmp_path, MAPPING))
    columns = account_columns(HEADER, mapping)
    record = read_account(HEADER, columns, ["Kora", "-", "-", "-", "-", "korea", "", ""], mapping)
    assert (record.country, record.industry, record.revenue, record.extra) == ("KR", None, None, {})
    record = read_account(HEADER, columns, ["Kora", "", "", "", "", "N.A.", "", ""], mapping)
    assert record.country is None  # mapped to "": no value
    with pytest.raises(AccountRowError, match="country 'Atlantis' is not a country we know"):
        read_account(HEADER, columns, ["Kora", "", "", "", "", "Atlantis", "", ""], mapping)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns:\n  account: nmae\n", r"columns.account: unknown account field 'nmae' \(did"),
        ("colums:\n  account: name\n", "colums: Extra inputs are not permitted"),
        ("values:\n  contry: {a: b}\n", r"values.contry: unknown account field 'contry'"),
        ("- account\n", "a YAML mapping with a 'columns' key"),
        ("columns: [\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_a_bad_mapping_names_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = mapping_file(tmp_path, text)
    with pytest.raises(MappingError, match=message) as caught:
        load_account_mapping(path)
    assert str(caught.value).startswith(f"{path}: ")

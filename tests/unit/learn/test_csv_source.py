from pathlib import Path

import pytest

from leadflow.ingest.formats import get_format
from leadflow.learn.csv_source import CsvSpec, read_leads_csv, read_records_csv, sniff_format
from leadflow.learn.errors import LearnInputError
from leadflow.learn.table import AttributeKind

# The x_education export's quirks in miniature: a trailing comma on every line (an
# unnamed empty last column), CRLF line ends, "Select" for "not answered".
EXPORT = (
    "Prospect ID,Lead Source,TotalVisits,Specialization,Converted,\r\n"
    "a1,Google,5,Finance,1,\r\n"
    "a2,google,0,Select,0,\r\n"
    "a3,Olark Chat,,Select,0,\r\n"
    "a4,Reference,3,Marketing,1,\r\n"
)


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "leads.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_export_quirks(tmp_path: Path) -> None:
    table = read_leads_csv(_write(tmp_path, EXPORT), CsvSpec(target="Converted", id="Prospect ID"))
    assert table.names == ("Lead Source", "TotalVisits", "Specialization")
    assert table.ids.tolist() == ["a1", "a2", "a3", "a4"]
    assert table.outcome.tolist() == [1, 0, 0, 1]
    assert table.attribute("Lead Source").values.tolist()[:2] == ["Google", "Google"]
    assert table.attribute("Specialization").values.tolist() == ["Finance", None, None, "Marketing"]
    visits = table.attribute("TotalVisits")
    assert visits.kind is AttributeKind.NUMERIC
    assert visits.missing.tolist() == [0, 0, 1, 0]


def test_semicolons_quotes_and_latin_encoding_are_sniffed(tmp_path: Path) -> None:
    text = '"age";"job";"y"\n30;"gérant";"yes"\n40;"ouvrier";"no"\n50;"unknown";"no"\n'
    path = _write(tmp_path, text, encoding="cp1252")
    assert sniff_format(path) == (";", "cp1252")
    table = read_leads_csv(path, CsvSpec(target="y"))
    assert table.attribute("job").values.tolist() == ["gérant", "ouvrier", None]
    assert table.outcome.tolist() == [1, 0, 0]


def test_tab_separated_with_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffid\tplan\twon\nx\tpro\t1\ny\tfree\t0\n")
    assert sniff_format(path) == ("\t", "utf-8-sig")
    assert read_leads_csv(path, CsvSpec(target="won", id="id")).ids.tolist() == ["x", "y"]


def test_time_drop_and_mapping(tmp_path: Path) -> None:
    text = "id,at,industry,notes,won\n1,2026-01-02,software,call back,1\n2,2026-01-01,retail,no,0\n"
    spec = CsvSpec(
        target="won",
        id="id",
        time="at",
        drop=("notes",),
        paths={"industry": "account.industry"},
    )
    table = read_leads_csv(_write(tmp_path, text), spec)
    assert table.names == ("industry",)
    assert table.attribute("industry").path == "account.industry"
    assert table.decided_at is not None
    assert table.decided_at.tolist() == [1767312000, 1767225600]
    assert "dropped as declared: notes" in table.notes


def test_open_rows_are_left_out_and_noted(tmp_path: Path) -> None:
    text = "id,plan,stage\n1,pro,Won\n2,free,Lost\n3,pro,Open\n"
    spec = CsvSpec(target="stage", id="id", positive="Won", negative=("Lost",))
    table = read_leads_csv(_write(tmp_path, text), spec)
    assert table.ids.tolist() == ["1", "2"]
    assert "1 rows without a closed outcome left out ('Open'; --negative names lost ones)" in (
        table.notes
    )


def test_a_crms_stages_are_read_without_positive_and_the_open_ones_named(tmp_path: Path) -> None:
    text = "id,plan,Deal Stage\n1,pro,Closed Won\n2,free,Closed Lost\n3,pro,Engaging\n"
    text += "4,pro,Prospecting\n5,free,Closed Won\n"
    table = read_leads_csv(_write(tmp_path, text), CsvSpec(target="Deal Stage", id="id"))
    assert table.ids.tolist() == ["1", "2", "5"]
    assert table.outcome.tolist() == [1, 0, 1]
    note = "2 rows without a closed outcome left out ('Engaging', 'Prospecting'; --negative"
    assert any(n.startswith(note) for n in table.notes)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (CsvSpec(target="Outcome"), "no column 'Outcome' (from --target); columns are"),
        (CsvSpec(target="Converted", drop=("Tags",)), "no column 'Tags' (from --drop)"),
        (CsvSpec(target="Converted", id="Lead Source"), "id column 'Lead Source' has duplicate"),
        (CsvSpec(target="Lead Source"), "'Lead Source' is not a yes/no outcome"),
    ],
)
def test_bad_specs_are_one_line_errors(tmp_path: Path, spec: CsvSpec, message: str) -> None:
    export = EXPORT.replace("a2,google", "a2,Google")
    with pytest.raises(LearnInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_leads_csv(_write(tmp_path, export), spec)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(LearnInputError, match="cannot read"):
        read_leads_csv(tmp_path / "nope.csv", CsvSpec(target="y"))
    with pytest.raises(LearnInputError, match="the file is empty"):
        read_leads_csv(_write(tmp_path, "  \n"), CsvSpec(target="y"))


def test_records_for_scoring_need_no_outcome(tmp_path: Path) -> None:
    ids, _, records = read_records_csv(_write(tmp_path, EXPORT), "Prospect ID")
    assert ids == ["a1", "a2", "a3", "a4"]
    assert records[0]["Lead Source"] == "Google"
    assert records[2]["Specialization"] is None


def test_a_crm_format_reads_its_columns_as_the_import_stores_them(tmp_path: Path) -> None:
    """Learned from HubSpot's contact export with --format hubspot, a rule names the fact
    paths and words `leadflow import contacts --format hubspot` stored (account.industry
    in [computer_software], source.channel in [referral], contact.country in [DE]), so it
    can be pasted into the definition and matches the imported contacts."""
    text = (
        "Record ID,Email,First Name,Industry,Seniority,Original Source,Country/Region,"
        "Number of Employees,Lifecycle Stage,Größe,Deal Stage\n"
        "51,a@x.example,Ann,Computer Software,Director,Referrals,Germany,50,lead,L,Closed Won\n"
        "52,b@y.example,Bo,RETAIL,Vice President,Paid Search,Nederland,1200,MQL,S,Closed Lost\n"
    )
    layout = get_format("hubspot")
    spec = CsvSpec(target="Deal Stage", id="Record ID", layout=layout)

    table = read_leads_csv(_write(tmp_path, text), spec)

    def read(name: str) -> tuple[str, list[object]]:
        attribute = table.attribute(name)
        return attribute.path, attribute.values.tolist()

    assert read("Industry") == ("account.industry", ["computer_software", "retail"])
    assert read("Seniority") == ("contact.seniority", ["director", "vp"])
    assert read("Original Source") == ("source.channel", ["referral", "paid_search"])
    assert read("Country/Region") == ("contact.country", ["DE", "NL"])
    assert read("Number of Employees") == ("account.employees", [50.0, 1200.0])
    assert read("Lifecycle Stage")[0] == "contact.lifecycle_stage"
    assert read("Größe") == ("contact.grosse", ["L", "S"])
    assert "Email" not in table.names
    assert "First Name" not in table.names
    assert (
        "not a persona attribute (the hubspot import reads them as email, first_name): "
        "Email, First Name" in table.notes
    )

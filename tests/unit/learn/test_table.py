import numpy as np
import pytest

from leadflow.learn.errors import LearnInputError
from leadflow.learn.features import fit_encoder
from leadflow.learn.table import AttributeKind, default_path, infer_attribute, table_from_columns


def test_numbers_with_unanswered_values_are_numeric() -> None:
    attribute = infer_attribute("Visits", ["3", "Select", "", "4.5", None, "unknown"])
    assert attribute.kind is AttributeKind.NUMERIC
    assert np.isnan(attribute.values[[1, 2, 4, 5]]).all()
    assert attribute.values[[0, 3]].tolist() == [3.0, 4.5]


def test_decimal_comma_reads_as_a_number() -> None:
    attribute = infer_attribute("Score", ["1,5", "2", "-0,25"])
    assert attribute.kind is AttributeKind.NUMERIC
    assert attribute.values.tolist() == [1.5, 2.0, -0.25]


def test_text_is_categorical_and_case_folded_to_the_commonest_spelling() -> None:
    attribute = infer_attribute("Source", ["Google", "google", "Google", "Referral", "Select"])
    assert attribute.kind is AttributeKind.CATEGORICAL
    assert attribute.values.tolist() == ["Google", "Google", "Google", "Referral", None]
    assert attribute.missing.tolist() == [False, False, False, False, True]


def test_default_paths() -> None:
    assert default_path("What is your current occupation") == (
        "contact.what_is_your_current_occupation"
    )
    assert default_path("account.industry") == "account.industry"
    assert default_path("source.channel") == "source.channel"
    assert default_path("emp.var.rate") == "contact.emp_var_rate"


def test_a_columns_path_is_the_key_the_import_stores_it_under() -> None:
    # `leadflow import contacts` keeps an unknown column as snake_case(header), accents
    # and ß folded: a fit rule learned from the same export must name that key.
    assert default_path("Unternehmensgröße") == "contact.unternehmensgrosse"
    assert default_path("Région") == "contact.region"
    assert default_path("Størrelse (ansatte)") == "contact.storrelse_ansatte"


def test_a_mapping_outside_the_fit_namespaces_is_refused() -> None:
    with pytest.raises(LearnInputError, match=r"'Stage' maps to 'fit\.score'"):
        infer_attribute("Stage", ["a"], path="fit.score")


def test_constant_and_identifier_columns_are_set_aside() -> None:
    size = 60
    table = table_from_columns(
        {
            "Magazine": ["No"] * size,
            "Email": [f"p{i}@x.org" for i in range(size)],
            "Lead Number": np.arange(1000, 1000 + size, dtype=float),
            "Revenue": np.round(np.exp(np.linspace(5, 15, size))),  # distinct, but a measure
            "Segment": ["a", "b", "c"] * 20,
        },
        ids=np.arange(size).astype(str).astype(object),
        outcome=np.array([0, 1] * 30, dtype=np.int8),
    )
    assert table.names == ("Revenue", "Segment")
    assert table.notes == ("constant: Magazine", "identifier-like: Email, Lead Number")


def test_take_keeps_columns_aligned() -> None:
    table = table_from_columns(
        {"A": ["x", "y", "z", "w"]},
        ids=np.array(["1", "2", "3", "4"], dtype=object),
        outcome=np.array([1, 0, 1, 0], dtype=np.int8),
        decided_at=np.array([40, 30, 20, 10], dtype=np.int64),
    )
    part = table.take(np.array([2, 0]))
    assert part.ids.tolist() == ["3", "1"]
    assert part.attribute("A").values.tolist() == ["z", "x"]
    assert part.decided_at is not None
    assert part.decided_at.tolist() == [20, 40]
    assert (part.won, part.lost, part.base_rate) == (2, 0, 1.0)


@pytest.mark.parametrize("path", ["account.country", "contact.country"])
def test_a_country_column_reads_as_the_iso_codes_the_store_keeps(path: str) -> None:
    """A CRM export names countries ("Germany"); every way into the store keeps the ISO
    code, so a fit rule learned on the names would never match a stored lead."""
    raw = ["Germany", "Deutschland", "NL", "the Netherlands", "Atlantis", None]
    attribute = infer_attribute("Country", raw, path=path)
    assert attribute.kind is AttributeKind.CATEGORICAL
    assert list(attribute.values) == ["DE", "DE", "NL", "NL", "Atlantis", None]


def test_a_column_named_country_is_read_as_codes_by_default() -> None:
    attribute = infer_attribute("Country", ["France", "Norway"])
    assert attribute.path == "contact.country"
    assert list(attribute.values) == ["FR", "NO"]


def test_other_columns_keep_their_words() -> None:
    assert list(infer_attribute("Region", ["Germany"]).values) == ["Germany"]


def test_a_model_scores_a_country_name_as_its_code() -> None:
    """`learn predict` reads new leads' raw records: "Germany" is the DE it learned."""
    size = 40
    table = table_from_columns(
        {"Country": ["Germany", "France"] * (size // 2)},
        ids=np.array([f"L{i}" for i in range(size)], dtype=object),
        outcome=np.array([1, 0] * (size // 2), dtype=np.int8),
    )
    encoder = fit_encoder(table)
    (spec,) = encoder.features
    assert encoder.code(spec, "Germany") == encoder.code(spec, "DE") == spec.codes["de"]


def test_record_ids_of_every_shape_are_set_aside() -> None:
    """A CRM's record ids are spread over a huge range (HubSpot's 11-digit ids), a
    customer number may repeat for a duplicate row, an e-mail column may repeat a shared
    inbox: none of them describes a lead, and a model would learn the row's age from them."""
    size = 200
    rng = np.random.default_rng(4)
    hubspot = rng.choice(10**11, size=size, replace=False).astype(float) + 10**10
    customer_numbers = [f"K-{n}" for n in range(size - 30)] + ["K-1"] * 30
    emails = [f"p{i}@firm.example" for i in range(size - 40)] + ["info@firm.example"] * 40
    table = table_from_columns(
        {
            "Record ID": hubspot,
            "Kundennummer": customer_numbers,
            "E-mail": emails,
            "Row": np.arange(size, dtype=float),
            "Number of Employees": np.round(np.exp(np.linspace(2, 9, size))),
            "Segment": ["a", "b"] * (size // 2),
        },
        ids=np.arange(size).astype(str).astype(object),
        outcome=np.array([0, 1] * (size // 2), dtype=np.int8),
    )
    assert table.names == ("Number of Employees", "Segment")
    assert table.notes == ("identifier-like: Record ID, Kundennummer, E-mail, Row",)


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        # Consistent with comma thousands (English exports), as fit rules read them.
        (["1,250", "25,000", "3,400,000", "800"], [1250.0, 25000.0, 3400000.0, 800.0]),
        (["25,000", "12,500.50"], [25000.0, 12500.5]),
        # Decimal commas (most of Europe): one value that cannot be thousands decides.
        (["2,5", "0,75", "1,250"], [2.5, 0.75, 1.25]),
        (["25.000", "1.250.000", "2,5"], [25000.0, 1250000.0, 2.5]),
        (["1,5", "2", "-0,25"], [1.5, 2.0, -0.25]),
        # Decimal points: "25,000" stays thousands, as a column of "2.5" shows.
        (["2.5", "25,000"], [2.5, 25000.0]),
    ],
)
def test_a_columns_numbers_are_read_by_its_own_convention(
    raw: list[str], read: list[float]
) -> None:
    attribute = infer_attribute("Budget", raw)
    assert attribute.kind is AttributeKind.NUMERIC
    assert attribute.values.tolist() == read


def test_new_leads_numbers_are_read_by_the_training_columns_convention() -> None:
    size = 40
    table = table_from_columns(
        {
            "Budget": ["25,000", "1,250,000"] * (size // 2),
            "Rating": ["2,5", "0,75"] * (size // 2),
        },
        ids=np.arange(size).astype(str).astype(object),
        outcome=np.array([0, 1] * (size // 2), dtype=np.int8),
    )
    encoder = fit_encoder(table)
    budget, rating = encoder.features
    assert encoder.code(budget, "25,000") == 25000.0
    assert encoder.code(budget, "3,400,000") == 3400000.0
    assert encoder.code(rating, "2,5") == 2.5
    assert encoder.code(rating, "1,250") == 1.25

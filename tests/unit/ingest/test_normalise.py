"""Normalisation of messy real-world cells: e-mail, phone, domains, numbers, yes/no, UTM."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.ingest.normalise import (
    InvalidValueError,
    Phone,
    clean_text,
    company_domain,
    industry_key,
    normalise_email,
    normalise_phone,
    normalise_utm,
    parse_amount,
    parse_boolean,
    parse_integer,
    read_phone,
    snake_case,
    trimmed,
    website_domain,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jan@example.com", "jan@example.com"),
        ("  Jan.Jansen@Example.COM ", "jan.jansen@example.com"),
        ("JAN+newsletter@Example.com", "jan+newsletter@example.com"),
        ("mailto:Sales@Acme.NL", "sales@acme.nl"),
        ("Jan Jansen <Jan@Acme.nl>", "jan@acme.nl"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("Müller@Bücher.DE", "müller@bücher.de"),
        ("first.last@sub.domain.co.uk", "first.last@sub.domain.co.uk"),
    ],
)
def test_email_is_trimmed_lowercased_and_kept_otherwise(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("jan", "@"),
        ("jan@", "after the @"),
        ("@example.com", "before the @"),
        ("jan@localhost", "period"),
        ("jan@example", "period"),
        ("jan..jansen@example.com", "two periods"),
        ("jan@example.com.", "period"),
        ("jan@@example.com", "invalid"),
        ("jan@foo.test", "special-use"),
        ("jan@example.com; piet@example.com", "more than one address"),
        ("jan jansen@example.com", "invalid"),
    ],
)
def test_invalid_email_is_refused_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValueError, match="e-mail") as caught:
        normalise_email(raw)
    assert reason in str(caught.value)


_atext = st.sampled_from("abcXYZ09.!#$%&'*+/=?^_`{|}~-@é ")


@settings(max_examples=300, deadline=None)
@given(local=st.text(_atext, min_size=1, max_size=12), domain=st.sampled_from(
    ["example.com", "Example.COM", "a.b", "localhost", "x.test", "bücher.de", "-bad.com"]
))  # fmt: skip
def test_fast_path_agrees_with_email_validator(local: str, domain: str) -> None:
    """The regex shortcut must accept exactly what email-validator accepts, the same way."""
    address = f"{local}@{domain}".strip()  # normalise_email trims; compare the rest
    try:
        checked = validate_email(address, check_deliverability=False, allow_display_name=True)
        expected: str | None = checked.normalized.lower()
    except EmailNotValidError:
        expected = None
    try:
        actual: str | None = normalise_email(address)
    except InvalidValueError:
        actual = None
    assert actual == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("020 123 4567", "NL", "+31201234567"),
        ("+31 (0)20 123 4567", None, "+31201234567"),
        ("0031 20 1234567", "NL", "+31201234567"),
        ("06-12345678", "NL", "+31612345678"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("+47 22 33 44 55 ext. 12", None, "+4722334455"),
        ("tel:+4722334455", None, "+4722334455"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("01 42 68 53 00", "FR", "+33142685300"),
        # Without a region, 00 is the international prefix most of the world dials.
        ("0049 30 1234567", None, "+49301234567"),
        ("00 31 20 123 4567", None, "+31201234567"),
        ("(00)44 20 7946 0958", None, "+442079460958"),
    ],
)
def test_phone_becomes_e164(raw: str, region: str | None, expected: str) -> None:
    assert normalise_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "region", "number", "extension"),
    [
        # DIN 5008: the digits after the hyphen are dialled directly (DE, AT have room).
        ("030 1234567-12", "DE", "+4930123456712", None),
        ("030/1234567-12", "DE", "+4930123456712", None),
        ("+49 (0)30 1234567-0", None, "+493012345670", None),  # -0: the switchboard
        ("+43 1 53114-0", None, "+431531140", None),
        ("0711 123456-0", "DE", "+497111234560", None),
        # "Durchwahl" is the German word for that suffix.
        ("+49 89 1234567 Durchwahl 12", None, "+4989123456712", None),
        ("089 1234567 DW 12", "DE", "+4989123456712", None),
        ("030 1234567, Durchw. 12", "DE", "+4930123456712", None),
        # Fixed-length plans have no room for a suffix: it is the extension.
        ("+41 44 668 18 00-12", None, "+41446681800", "12"),
        ("+33 1 42 68 53 00-12", None, "+33142685300", "12"),
        ("+33 1 42 68 53 00 Durchwahl 12", None, "+33142685300", "12"),
        # ... and so do plans whose longest numbers are not office lines: a Dutch or Swiss
        # office number with a suffix is too long for a fixed line there.
        ("+31 20 123 4567-12", None, "+31201234567", "12"),
        ("020 123 4567-12", "NL", "+31201234567", "12"),
        ("+41 44 668 18 00-123", None, "+41446681800", "123"),
        # A hyphen that only groups digits is no suffix.
        ("+32 470 12 34-56", None, "+32470123456", None),
        ("415-555-0100", "US", "+14155550100", None),
        # A written extension is reached through the switchboard.
        ("+49 30 1234567 ext. 12", None, "+49301234567", "12"),
        ("+49 30 1234567 x12", None, "+49301234567", "12"),
        ("+49 30 1234567 #12", None, "+49301234567", "12"),
        ("030 1234567 Nebenstelle 12", "DE", "+49301234567", "12"),
        ("+41 44 668 18 00 intern 12", None, "+41446681800", "12"),
        ("030 1234567, Intern: 12", "DE", "+49301234567", "12"),
        ("+47 22 33 44 55 ext. 12", None, "+4722334455", "12"),
        ("+33 1 23 45 67 89 poste 123", None, "+33123456789", "123"),
        ("01 23 45 67 89 Poste: 123", "FR", "+33123456789", "123"),
        ("020 123 4567 toestel 4", "NL", "+31201234567", "4"),
        ("020 123 4567 tst. 4", "NL", "+31201234567", "4"),
        ("06 1234 5678, interno 7", "IT", "+390612345678", "7"),
        # Plain numbers (the fast path) have none.
        ("+31 20 123 4567", None, "+31201234567", None),
        ("06-12345678", "NL", "+31612345678", None),
    ],
)
def test_direct_dial_suffixes_and_written_extensions(
    raw: str, region: str | None, number: str, extension: str | None
) -> None:
    assert read_phone(raw, region) == Phone(number, extension)
    assert normalise_phone(raw, region) == number


def test_a_suffix_that_fits_nowhere_is_still_the_wrong_length() -> None:
    with pytest.raises(InvalidValueError, match="wrong length for CH"):
        read_phone("+41 44 668-12", None)  # too short without the suffix as well


@pytest.mark.parametrize(
    ("raw", "region", "reason"),
    [
        ("020 123 4567", None, "no country code"),
        ("00", None, "no country code"),
        ("0012", None, "'0012' is not a phone number"),
        ("12", "NL", "wrong length"),
        ("call me", "NL", "not a phone number"),
        ("3.1201234567E+10", "NL", "not a phone number"),
        # phonenumbers reads three letters or more as a keypad word (1-800-FLOWERS): after
        # an office number they are a note, not digits, and would make another number.
        ("+49 30 1234567 mobil", None, "words in the number: 'mobil'"),
        ("030 1234567 App. 12", "DE", "words in the number: 'App'"),
        ("+49 30 1234567 ext", None, "words in the number: 'ext'"),
    ],
)
def test_bad_phone_is_refused(raw: str, region: str | None, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason):
        normalise_phone(raw, region)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.Acme.com/about", "acme.com"),
        ("acme.com", "acme.com"),
        ("WWW.ACME.CO.UK:8080/contact?x=1", "acme.co.uk"),
        ("http://shop.acme.de/", "shop.acme.de"),
        ("bücher.de", "bücher.de"),
    ],
)
def test_website_gives_its_host_without_www(raw: str, expected: str) -> None:
    assert website_domain(raw) == expected


@pytest.mark.parametrize("raw", ["not a site", "http://", "acme"])
def test_website_without_host_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValueError, match="host name"):
        website_domain(raw)


def test_company_domain_skips_free_mail_and_prefers_the_website() -> None:
    assert company_domain("jan@acme.nl", None) == "acme.nl"
    assert company_domain("jan@gmail.com", None) is None
    assert company_domain("jan@hotmail.co.uk", None) is None
    assert company_domain("jan@ziggo.nl", None) is None
    assert company_domain("jan@gmail.com", "acme.nl") == "acme.nl"
    assert company_domain("jan@acme.nl", None, frozenset({"acme.nl"})) is None
    assert company_domain(None, None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True), ("TRUE", True), ("Yes", True), ("1", True), ("ja", True),
        ("oui", True), ("x", True), ("false", False), ("No", False), ("0", False),
        ("nee", False), ("nein", False), ("non", False), ("nei", False),
        ("Wahr", True), ("Falsch", False), ("Vrai", True), ("Faux", False),
        ("Waar", True), ("Onwaar", False), ("Sí", True), ("Sì", True),
        ("Verdadero", True), ("Vero", True), ("Falso", False),
    ],
)  # fmt: skip
def test_booleans_in_several_languages(raw: str, expected: bool) -> None:
    assert parse_boolean(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Excel writes a TRUE/FALSE cell into a CSV in its user's language.
        ("SANT", True), ("FALSKT", False),  # Swedish
        ("SAND", True), ("FALSK", False),  # Danish
        ("SANN", True), ("USANN", False),  # Norwegian
        ("VERDADEIRO", True), ("FALSO", False),  # Portuguese
        ("PRAWDA", True), ("FAŁSZ", False),  # Polish
        ("PRAVDA", True), ("NEPRAVDA", False),  # Czech
        ("TOSI", True), ("EPÄTOSI", False),  # Finnish
        # Yes and no, as a user of those languages types them.
        ("Nej", False), ("Sim", True), ("Não", False), ("Tak", True), ("Nie", False),
        ("Ano", True), ("Ne", False), ("Kyllä", True), ("Ei", False),
    ],
)  # fmt: skip
def test_booleans_in_the_other_languages_of_european_exports(raw: str, expected: bool) -> None:
    assert parse_boolean(raw) is expected


def test_unknown_boolean_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="yes/no"):
        parse_boolean("maybe")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234", 1234.0),
        ("€ 1.234.567,89", 1234567.89),
        ("1,234,567.89", 1234567.89),
        ("$45,000,000", 45_000_000.0),
        ("12,75", 12.75),
        ("1.5", 1.5),
        ("2.5M", 2_500_000.0),
        ("300k", 300_000.0),
        ("1 000 000", 1_000_000.0),
        ("12 EUR", 12.0),
        # A magnitude before a currency or a dot, in the words of European exports.
        ("1,5 Mio. €", 1_500_000.0),
        ("2,5 Mio EUR", 2_500_000.0),
        ("EUR 2.5M", 2_500_000.0),
        ("1,2 Mrd. €", 1_200_000_000.0),
        ("10 k€", 10_000.0),
        ("3 Tsd. EUR", 3_000.0),
        ("5 million", 5_000_000.0),
        ("1\u202f234,56 €", 1234.56),
        ("CHF 1'234'567.50", 1_234_567.5),
        ("ca. 500 €/Jahr", 500.0),
        # Negative as accountants (brackets) and SAP (a trailing minus) write it.
        ("(1.234,56)", -1234.56),
        ("1.234,56-", -1234.56),
    ],
)
def test_amounts_in_us_and_european_notation(raw: str, expected: float) -> None:
    assert parse_amount(raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # German controlling's thousands and millions glued to the currency: "TEUR" is
        # Tausend Euro, "MEUR" Millionen (each was read as the bare number before).
        ("500 TEUR", 500_000.0),
        ("500 T€", 500_000.0),
        ("1.250 TEUR", 1_250_000.0),
        ("750 TCHF", 750_000.0),
        ("500 kEUR", 500_000.0),
        ("250 KUSD", 250_000.0),
        ("12,5 MEUR", 12_500_000.0),
        ("3 Mio.EUR", 3_000_000.0),
        ("EUR 500 T", 500.0),  # a "T" that no currency follows is a word, as before
        # Windows' Swiss German format groups thousands with a typographic apostrophe.
        ("CHF 1’234’567.50", 1_234_567.5),
        ("12’345.50", 12_345.5),
    ],
)
def test_magnitudes_glued_to_a_currency_and_swiss_apostrophes(raw: str, expected: float) -> None:
    assert parse_amount(raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1.200", 1200), ("5,000", 5000), ("51-200", 51), ("10001+", 10001)]
)
def test_integers_with_separators_and_ranges(raw: str, expected: int) -> None:
    assert parse_integer(raw) == expected


@pytest.mark.parametrize("raw", ["many", "1.5", "", "9" * 400, "3000000000"])
def test_bad_integer_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValueError):
        parse_integer(raw)


@pytest.mark.parametrize("raw", ["0.,.0", "1..2", "1.,2", "1.2.3,4,5", "12,,5", "., "])
def test_separators_out_of_place_are_not_a_number(raw: str) -> None:
    """Two marks in a row, or the decimal mark twice: a slip, refused with its reason
    (float() would raise a plain ValueError, which stopped the whole import)."""
    for parse in (parse_amount, parse_integer):
        with pytest.raises(InvalidValueError, match="is not a number"):
            parse(raw)


@pytest.mark.parametrize(
    "raw",
    ["1e6", "5 mega 3", "n/a", "-", "1" + " 1" * 5000 + " x"],
    ids=["exponent", "two numbers", "n/a", "dash", "a pasted paragraph"],
)
def test_what_only_holds_a_number_is_not_one(raw: str) -> None:
    with pytest.raises(InvalidValueError, match="is not a number"):
        parse_amount(raw)


def test_an_amount_no_float_holds_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="is too large"):
        parse_amount("9" * 400)


def test_utm_values_get_one_spelling() -> None:
    assert normalise_utm(" LinkedIn ") == "linkedin"
    assert normalise_utm("Spring%20Sale") == "spring sale"
    assert normalise_utm("Spring+Sale  2025") == "spring sale 2025"
    assert normalise_utm("CPC") == "cpc"


def test_text_and_keys() -> None:
    assert clean_text("  Head\n of\tSales\u00a0 ") == "Head of Sales"
    assert snake_case("Favourite Colour (2)") == "favourite_colour_2"
    assert snake_case("Ærøskøbing Straße") == "aeroskobing_strasse"


_host_text = st.sampled_from("abz09-.é_")


@settings(max_examples=3000, deadline=None)
@given(
    domain=st.one_of(
        st.text(_host_text, min_size=1, max_size=20),
        st.builds("{}.{}".format, st.text(_host_text, min_size=1, max_size=70),
                  st.sampled_from(["com", "nl", "test", "local", "c0m", "x-y", "a"])),
        st.sampled_from(["xn--bcher-kva.de", "ab--cd.com", "a" * 64 + ".com",
                         ".".join(["a" * 63] * 4) + ".com", "localhost", "x.onion"]),
    )
)  # fmt: skip
def test_domain_fast_path_agrees_with_email_validator(domain: str) -> None:
    """A domain the fast path accepts is one email-validator accepts unchanged."""
    from leadflow.ingest.normalise import _email_domain

    try:
        expected: str | None = validate_email(f"x@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        expected = None
    try:
        actual: str | None = _email_domain(domain)
    except EmailNotValidError:
        actual = None
    assert actual == expected


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Computer Software", "computer_software"),  # HubSpot's label
        ("COMPUTER_SOFTWARE", "computer_software"),  # HubSpot's internal value
        ("Financial Services", "financial_services"),  # Salesforce's picklist
        ("IT & Services", "it_services"),
        ("  Télécommunications ", "telecommunications"),
        ("software", "software"),
    ],
)
def test_an_industry_is_stored_as_fit_rules_name_it(written: str, key: str) -> None:
    assert industry_key(written) == key


def test_an_industry_of_punctuation_only_names_none() -> None:
    with pytest.raises(InvalidValueError, match="names no industry"):
        industry_key(" - ")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" jan@x.example\u200b ", "jan@x.example"),  # zero-width space after a paste
        ("\ufeffluca@x.example", "luca@x.example"),  # a byte-order mark where files joined
        ("\u2060Anna", "Anna"),  # word joiner
        ("Schmidt-\u00adMüller", "Schmidt-Müller"),  # soft hyphen
        ("Kanzlei\u200b Schmidt", "Kanzlei Schmidt"),
        ("👩\u200d💻 Ada", "👩\u200d💻 Ada"),  # a zero-width joiner shapes the emoji: kept
        ("  plain  ", "plain"),
    ],
)
def test_trimmed_drops_white_space_and_invisible_characters(raw: str, expected: str) -> None:
    assert trimmed(raw) == expected

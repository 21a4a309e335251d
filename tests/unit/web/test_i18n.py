"""The catalogs cover every message of the interface, and a language is chosen well."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from leadflow.web import i18n
from leadflow.web.labels import LABELS

WEB = Path(i18n.__file__).parent
TRANSLATED = [language for language in i18n.LANGUAGES if language != i18n.DEFAULT_LANGUAGE]
# The same mapping as locale/babel.cfg: Python modules and the Jinja2 templates.
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _interface_messages() -> set[str | tuple[str, ...]]:
    found = extract_from_dir(WEB, METHODS, OPTIONS, KEYWORDS, comment_tags=())
    return {message if isinstance(message, str) else tuple(message) for *_, message, _, _ in found}


@pytest.fixture(scope="module")
def messages() -> set[str | tuple[str, ...]]:
    found = _interface_messages()
    assert len(found) > 250  # the extraction itself works
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalog_translates_every_message_and_nothing_else(
    language: str, messages: set[str | tuple[str, ...]]
) -> None:
    with (i18n.LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    entries = {message.id: message for message in catalog if message.id}

    assert set(entries) == messages
    untranslated = [key for key, m in entries.items() if not all(_strings(m.string))]
    assert untranslated == []
    assert [key for key, m in entries.items() if m.fuzzy] == []
    problems = [(message.id, errors) for message, errors in catalog.check() if errors]
    assert problems == []  # e.g. a %(name)s placeholder lost in translation


def _strings(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (str(value or ""),)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "Aanmelden"), ("de", "Anmelden"), ("fr", "Se connecter"), ("nb", "Logg inn")],
)
def test_a_catalog_is_compiled_from_its_po_file(language: str, expected: str) -> None:
    assert i18n.translations(language).gettext("Sign in") == expected


def test_english_is_the_message_ids_themselves() -> None:
    assert i18n.translations("en").gettext("Sign in") == "Sign in"
    assert i18n.translations("en").ngettext("%(num)d error", "%(num)d errors", 2) == (
        "%(num)d errors"
    )


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [(-0.0, 1, "0.0"), (-0.04, 1, "0.0"), (-0.4, 0, "0"), (-0.05, 1, "0.0"), (-0.6, 0, "-1")],
)
def test_a_number_that_rounds_to_zero_is_shown_without_a_minus(
    value: float, digits: int, shown: str
) -> None:
    """An engagement score a faded negative point leaves at -0.04 read as "-0.0" on the
    lead page: a minus in front of nothing."""
    assert i18n.format_number(value, "en", digits) == shown


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-NL,nl;q=0.9,en;q=0.5", "nl"),
        ("en;q=0.3, de-AT;q=0.8", "de"),
        ("fr-CH, fr;q=0.9", "fr"),
        ("no", "nb"),  # Norwegian readers get Bokmål
        ("nn-NO", "nb"),
        ("nb-NO,nb;q=0.9", "nb"),
        ("es, it;q=0.9", None),
        ("de;q=0, fr;q=0.1", "fr"),
        ("de;q=bogus, nl", "nl"),
        ("", None),
        (None, None),
    ],
)
def test_negotiate_follows_the_browsers_preferences(header: str | None, expected: str) -> None:
    assert i18n.negotiate(header) == expected


def test_formats_follow_the_language() -> None:
    moment = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)

    assert i18n.format_number(1234567.891, "de", 2) == "1.234.567,89"
    assert i18n.format_number(1234567.891, "en", 2) == "1,234,567.89"
    assert i18n.format_share(0.255, "fr").replace("\u202f", " ").replace("\xa0", " ") == "25,5 %"
    assert "14:05" in i18n.format_instant(moment, "nl")
    assert i18n.format_instant(None, "nl") == "–"
    assert i18n.format_number(float("nan"), "nl") == i18n.format_share(None, "nl") == "–"


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("12,500", "en", 12500.0),
        ("1,234.50", "en", 1234.5),
        ("12.5", "en", 12.5),
        ("1.234,50", "de", 1234.5),
        ("12,5", "nl", 12.5),
        ("12 500", "fr", 12500.0),
        ("12\u202f500,75", "fr", 12500.75),
        (" 7 000 ", "nb", 7000.0),
    ],
)
def test_a_number_is_read_in_the_languages_conventions(
    text: str, language: str, number: float
) -> None:
    assert i18n.parse_number(text, language) == number


@pytest.mark.parametrize(
    ("text", "language"),
    [("12,5", "en"), ("12.5", "de"), ("1500.50", "nl"), ("abc", "en"), ("", "fr"), ("inf", "en")],
)
def test_a_misplaced_mark_is_not_a_number(text: str, language: str) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        i18n.parse_number(text, language)


@pytest.mark.parametrize(
    ("value", "language", "text"),
    [
        (150289000.0, "en", "150,289,000"),
        (150289000.0, "de", "150.289.000"),
        (909, "fr", "909"),
        (0.25, "nl", "0,25"),
        ("NL", "de", "NL"),
        (True, "en", "True"),
    ],
)
def test_a_matched_value_is_a_number_in_the_languages_conventions_or_as_written(
    value: object, language: str, text: str
) -> None:
    assert i18n.format_value(value, language) == text


def test_the_srl_type_is_not_named_like_the_sales_ready_gate() -> None:
    """An SRL asked for sales once; the lead page shows "Sales-ready: no" beside it when
    that request is old, so its label must not say "sales ready" too."""
    assert "ready" not in LABELS["lead_type"]["srl"].lower()
    assert LABELS["lead_type"]["srl"].startswith("SRL")

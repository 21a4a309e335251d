"""The template filters of the lead page: a record's own attributes and its phone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from leadflow.web import i18n
from leadflow.web.rendering import build_environment


def _shown(source: str, language: str = "en", **values: object) -> str:
    template = build_environment().from_string(source)
    return template.render(
        lang=language,
        catalog=i18n.translations(language),
        zone=ZoneInfo("Europe/Copenhagen"),
        **values,
    )


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        (True, "en", "yes"),
        (False, "de", "nein"),
        ("2026-11-05T01:17:34+00:00", "en", "05/11/2026, 02:17"),  # the reader's zone
        ("2026-11-05T01:17:34Z", "de", "05.11.26, 02:17"),
        ("2026-11-05", "en", "2026-11-05"),  # a bare date is not a moment: as written
        ("a0000090", "en", "a0000090"),
        (156982000.0, "de", "156.982.000"),
        (["a", "b"], "en", "[&#34;a&#34;, &#34;b&#34;]"),
        ({"tier": "gold"}, "en", "{&#34;tier&#34;: &#34;gold&#34;}"),  # escaped, as all text
    ],
)
def test_an_attribute_is_shown_in_the_readers_language(
    value: object, language: str, shown: str
) -> None:
    assert _shown("{{ v | attribute }}", language, v=value) == shown


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+4521495048", "+45 21 49 50 48"),
        ("+4930123456789", "+49 30 123456789"),
        ("+33612345678", "+33 6 12 34 56 78"),
        ("12345", "12345"),  # not a number the library reads: as stored
        (None, "–"),
    ],
)
def test_a_phone_number_is_grouped_as_dialled_from_abroad(stored: str | None, shown: str) -> None:
    assert _shown("{{ p | phone }}", p=stored) == shown


@pytest.mark.parametrize(
    ("column", "value", "share_row", "language", "shown"),
    [
        ("active", 1499, False, "de", "1.499"),  # a count, grouped as the reports group it
        ("candidate", 12500, False, "fr", "12\u202f500"),
        ("active", 6.66, False, "de", "6,7"),
        ("active", 0.335, True, "de", "33,5 %"),
        ("contact_id", 1499, False, "de", "1499"),  # a contact's number names, not counts
        ("active", None, False, "nl", "–"),
    ],
)
def test_a_back_test_cell_is_shown_in_the_readers_language(
    column: str, value: object, share_row: bool, language: str, shown: str
) -> None:
    source = '{% from "backtest_cell.html" import cell with context %}{{ cell(c, v, s) }}'
    assert _shown(source, language, c=column, v=value, s=share_row) == shown

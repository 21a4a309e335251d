"""Country names in five languages and ISO codes, to ISO 3166-1 alpha-2."""

from __future__ import annotations

import pytest

from leadflow.ingest.countries import country_code, fold


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Netherlands", "NL"), ("the Netherlands", "NL"), ("Nederland", "NL"),
        ("Niederlande", "NL"), ("Pays-Bas", "NL"), ("Holland", "NL"), ("NLD", "NL"),
        ("nl", "NL"), ("Deutschland", "DE"), ("Duitsland", "DE"), ("Allemagne", "DE"),
        ("Tyskland", "DE"), ("DEU", "DE"), ("Norway", "NO"), ("Norge", "NO"),
        ("Noreg", "NO"), ("Norvège", "NO"), ("Noorwegen", "NO"), ("NOR", "NO"),
        ("Danmark", "DK"), ("Dänemark", "DK"), ("United Kingdom", "GB"), ("UK", "GB"),
        ("Storbritannia", "GB"), ("Royaume-Uni", "GB"), ("USA", "US"),
        ("United States of America", "US"), ("États-Unis", "US"), ("Verenigde Staten", "US"),
        ("België", "BE"), ("Belgique", "BE"), ("Österreich", "AT"), ("Schweiz", "CH"),
        ("Suisse", "CH"), ("Korea, Republic of", "KR"), ("Sør-Korea", "KR"),
        ("  FRANCE  ", "FR"), ("Frankrijk", "FR"), ("Czech Republic", "CZ"),
    ],
)  # fmt: skip
def test_names_and_codes_become_alpha2(raw: str, expected: str) -> None:
    assert country_code(raw) == expected


@pytest.mark.parametrize("raw", ["Atlantis", "Europe", "EU", "World", "", "Ærøskøbing"])
def test_what_is_not_a_country_gives_none(raw: str) -> None:
    assert country_code(raw) is None


def test_fold_ignores_case_accents_and_punctuation() -> None:
    assert fold("Côte d’Ivoire") == "cote d ivoire"
    assert fold("Ærø") == "aero"
    assert fold("STRAßE") == "strasse"

"""The presets' "decision-maker title" fit rule reads the titles of the markets leadflow
serves: German compounds and feminine forms (``Marketingleiterin``,
``Geschäftsführerin``), Dutch and Norwegian titles (``Hoofd Marketing``, ``Administrerende
direktør``, ``Markedssjef``), not only English ones, and not a student or an assistant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadflow.definition.builtin import PRESET_NAMES
from leadflow.definition.loader import load_definition
from leadflow.domain.facts import Facts
from leadflow.engine import qualify

_RULE = "decision-maker title (no seniority on file)"
_NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)

DECIDING = (
    "CEO",
    "Head of Marketing",
    "Marketing Director",
    "Geschäftsführer",
    "Geschäftsführerin",
    "Geschaeftsfuehrer",
    "Marketingleiter",
    "Leiterin Vertrieb",
    "Vertriebsleiterin",
    "Leitung Marketing",
    "Inhaber",
    "Gründerin",
    "Vorstand",
    "Verkaufsdirektor",
    "Directeur",
    "Commercieel directeur",
    "Marketingdirecteur",
    "Hoofd Marketing",
    "Eigenaar",
    "Oprichter",
    "Daglig leder",
    "Administrerende direktør",
    "Salgsdirektør",
    "Markedssjef",
    "Gründer",
)
NOT_DECIDING = (
    "Werkstudent Marketing",
    "Marketing Assistant",
    "Stagiair marketing",
    "Sachbearbeiterin Einkauf",
    "Konsulent",
    "Medewerker binnendienst",
)


def _scored(preset: str, title: str) -> bool:
    facts = Facts(contact={"title": title})
    result = qualify(facts, load_definition(preset), _NOW, explain=True)
    return any(c.rule == _RULE for c in result.fit.contributions)


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_decision_makers_are_read_in_the_markets_languages(preset: str) -> None:
    missed = [title for title in DECIDING if not _scored(preset, title)]
    assert missed == []


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_other_titles_are_not_decision_makers(preset: str) -> None:
    taken = [title for title in NOT_DECIDING if _scored(preset, title)]
    assert taken == []

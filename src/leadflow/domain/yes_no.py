"""Yes and no as exports write them, in the languages leadflow reads.

A localised CRM writes its checkboxes in the user's language ("Wahr", "Vrai", "Onwaar",
"Sí", "Falso"); Excel writes a TRUE/FALSE cell into a CSV in its own ("SANT", "FAŁSZ").
The imports read a yes/no column with these words (``ingest.normalise.parse_boolean``),
and the engine reads a custom column kept as text with the same ones, so a rule
``equals: true`` holds for the "ja" of a German export as ``purchased`` does.
"""

from __future__ import annotations

__all__ = ["FALSE_WORDS", "TRUE_WORDS", "yes_no"]

# English, German, French, Dutch, Spanish, Italian, the Scandinavian languages,
# Portuguese, Polish, Czech and Finnish.
TRUE_WORDS = frozenset(
    {"true", "t", "yes", "y", "1", "x", "on", "checked", "ja", "j", "wahr", "oui", "vrai"}
    | {"waar", "si", "sí", "sì", "verdadero", "vero"}
    | {"sann", "sant", "sand", "sim", "verdadeiro", "tak", "prawda", "ano", "pravda"}
    | {"kyllä", "tosi"}
)
FALSE_WORDS = frozenset(
    {"false", "f", "no", "n", "0", "off", "unchecked", "nee", "nein", "falsch", "non", "faux"}
    | {"onwaar", "nei", "falso"}
    | {"nej", "usann", "falskt", "falsk", "não", "nao", "nie", "fałsz", "ne", "nepravda"}
    | {"ei", "epätosi"}
)


def yes_no(text: str) -> bool | None:
    """True or False for a yes/no word in any case and blanks around it, else None."""
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    return None

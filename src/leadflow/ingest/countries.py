"""Country names and codes, as people type them, to ISO 3166-1 alpha-2.

The names come from CLDR through Babel (English, Dutch, German, French and both
Norwegian written standards; and, looked up only for a name none of those know, each
European country's own name in its official languages: "España", "Polska", "Suomi",
"Éire", "Magyarország"), then every country's name in the other languages leadflow
reads dates and headers in (``MORE_LANGUAGES``: Spanish "Alemania", Italian "Paesi
Bassi", Polish "Niemcy" ...; a name two of them give to different countries is left
out), the alpha-3 codes from CLDR's territory aliases, so no list
is kept by hand except a few everyday names CLDR does not carry ("UK", "Holland",
"Hong Kong", ISO's formal "Korea, Republic of" ...). CLDR's "&" ("Bosnia &
Herzegovina") is also read as "and". Matching ignores case, accents, punctuation and
a leading "the", so "the Netherlands", "NEDERLAND" and "Nédèrland" all give NL.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale
from babel.core import get_global

from leadflow.domain.keys import LIGATURES, fold

__all__ = [
    "COUNTRY_PATHS",
    "LANGUAGES",
    "MORE_LANGUAGES",
    "OWN_NAME_LANGUAGES",
    "country_code",
    "fold",
]

# The fact paths whose values every way into the store (imports, forms, the API) keeps
# as ISO codes: a definition or a learned rule comparing them with a name never holds.
COUNTRY_PATHS: frozenset[str] = frozenset({"account.country", "contact.country"})

# The languages whose country names are recognised (nb/nn: Bokmål and Nynorsk).
LANGUAGES: tuple[str, ...] = ("en", "nl", "de", "fr", "nb", "nn")

# Official languages of European countries written in Latin letters, whose speakers
# write their own country's name ("Polska", "Hrvatska"); the others are in LANGUAGES.
OWN_NAME_LANGUAGES: tuple[str, ...] = (
    *("es", "pt", "it", "ca", "pl", "cs", "sk", "hu", "ro", "hr", "sl", "bs", "sr_Latn"),
    *("sq", "et", "lv", "lt", "fi", "sv", "da", "is", "fo", "ga", "mt", "lb", "rm", "tr"),
)

# Further languages whose names of every country are read, after the two tables above:
# those of the exports leadflow reads headers or month names in (an Odoo export writes
# a lead's country in the exporting user's language, "Germania" in Italian).
MORE_LANGUAGES: tuple[str, ...] = ("es", "it", "pt", "pl", "cs", "fi", "sv", "da")

# CLDR codes that are not countries (continents, "world", the EU, pseudo-locales).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})

# Everyday names missing from CLDR's display names, and ISO 3166's formal names that
# CRM exports (Salesforce state-and-country picklists) write.
_EXTRA_NAMES: dict[str, str] = {
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "grossbritannien": "GB",
    "grande bretagne": "GB",
    "engeland": "GB",
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "america": "US",
    "united states of america": "US",
    "vs": "US",
    "holland": "NL",
    "netherlands the": "NL",
    "pays bas": "NL",
    "czech republic": "CZ",
    "korea republic of": "KR",
    "republic of korea": "KR",
    "russian federation": "RU",
    "iran islamic republic of": "IR",
    "viet nam": "VN",
    "taiwan province of china": "TW",
    "bolivia plurinational state of": "BO",
    "venezuela bolivarian republic of": "VE",
    "tanzania united republic of": "TZ",
    "moldova republic of": "MD",
    "syrian arab republic": "SY",
    "lao people s democratic republic": "LA",
    "macedonia": "MK",
    "turkey": "TR",
    "tschechische republik": "CZ",  # German before CLDR's "Tschechien"
    "deutschland brd": "DE",
    "brd": "DE",
    "suisse": "CH",
    "schweiz": "CH",
    "svizzera": "CH",
    "norge": "NO",
    "noreg": "NO",
    # CLDR calls them "Hong Kong SAR China", "Palestinian Territories", "Côte d’Ivoire" ...
    "hong kong": "HK",
    "hongkong": "HK",
    "hong kong sar": "HK",
    "hong kong s a r": "HK",
    "macau": "MO",
    "macao": "MO",
    "palestine": "PS",
    "ivory coast": "CI",
    "vatican": "VA",
    "uae": "AE",
    "u a e": "AE",
}


def country_code(text: str) -> str | None:
    """The alpha-2 code of a country name or code, or None when it is not one we know."""
    key = fold(text)
    if key.startswith("the "):
        key = key[4:]
    code = _names().get(key)
    # Rare, and loading a locale per language costs about 15 ms: only on a miss.
    if code is None:
        code = _own_names().get(key)
    return code if code is not None else _more_names().get(key)


@cache
def _names() -> dict[str, str]:
    """Folded name or code -> alpha-2, built once on first use (not at import)."""
    codes = _country_codes()
    names: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in codes and isinstance(code, str) and isinstance(name, str):
                names.setdefault(fold(name), code)
                if "&" in name and language == "en":
                    names.setdefault(fold(name.replace("&", "and")), code)
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] in codes:
            names.setdefault(alias.casefold(), targets[0])
    names.update(_EXTRA_NAMES)
    # Codes last, so a two-letter code always means itself ("no" is Norway, not a word).
    names.update({code.casefold(): code for code in codes})
    return names


@cache
def _own_names() -> dict[str, str]:
    """Folded name -> alpha-2 for each country's name in its official languages, among
    ``OWN_NAME_LANGUAGES``; built on the first name ``_names`` does not know."""
    codes, known = _country_codes(), _names()
    spoken = get_global("territory_languages")
    names: dict[str, str] = {}
    for language in OWN_NAME_LANGUAGES:
        territories = Locale.parse(language).territories
        for code in codes:
            official = spoken.get(code, {}).get(language, {}).get("official_status")
            name = territories.get(code)
            if official == "official" and isinstance(name, str) and _latin(name):
                key = fold(name)
                if key not in known:
                    names.setdefault(key, code)
    return names


@cache
def _more_names() -> dict[str, str]:
    """Folded name -> alpha-2 in ``MORE_LANGUAGES``, for names neither table above knows;
    built on the first such name. A name two languages give to different countries
    names neither: a row is better refused than put in the wrong country."""
    codes, known, own = _country_codes(), _names(), _own_names()
    found: dict[str, set[str]] = {}
    for language in MORE_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in codes and isinstance(name, str):
                key = fold(name)
                if key not in known and key not in own:
                    found.setdefault(key, set()).add(code)
    return {key: next(iter(named)) for key, named in found.items() if len(named) == 1}


def _latin(name: str) -> bool:
    """Every letter is an ASCII letter once accents and ligatures are taken off."""
    bare = unicodedata.normalize("NFKD", name.casefold().translate(LIGATURES))
    return all(ch.isascii() for ch in bare if ch.isalpha())


@cache
def _country_codes() -> frozenset[str]:
    english = Locale.parse("en").territories
    return frozenset(
        code
        for code in english
        if isinstance(code, str)
        and len(code) == 2
        and code.isalpha()
        and code not in _NOT_COUNTRIES
    )

"""The interface's languages: gettext catalogs, choosing a language, formatting.

The catalogs are ``web/locale/<lang>/LC_MESSAGES/messages.po``, edited as text and
compiled in memory the first time a language is used (Babel), so there is no build
step to forget and no compiled file to drift from its source. Message ids are the
English text; English needs no catalog.

A request's language is the signed-in user's choice, else the ``leadflow_lang``
cookie (the language switch of someone not signed in), else the best match of the
browser's ``Accept-Language``, else English. Norwegian (``no``) and Nynorsk (``nn``)
readers get Bokmål, the closest catalog there is.
"""

from __future__ import annotations

import gettext
import io
import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberFormatError, format_decimal, format_percent, parse_decimal

from leadflow.services.users import LANGUAGES

__all__ = [
    "BABEL_LOCALES",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LOCALE_DIR",
    "format_instant",
    "format_instant_day",
    "format_number",
    "format_share",
    "format_value",
    "iso_moment",
    "negotiate",
    "parse_number",
    "translations",
]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANGUAGE = "en"
# Each language named in itself, as a language menu shows it.
LANGUAGE_NAMES: Mapping[str, str] = {
    "en": "English",
    "nl": "Nederlands",
    "de": "Deutsch",
    "fr": "Français",
    "nb": "Norsk bokmål",
}
_ALIASES = {"no": "nb", "nn": "nb"}
BABEL_LOCALES = {"en": "en_GB", "nl": "nl_NL", "de": "de_DE", "fr": "fr_FR", "nb": "nb_NO"}


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of ``language`` (English and unknown codes: identity)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def negotiate(accept_language: str | None) -> str | None:
    """The supported language the browser prefers most, or None."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        language = _ALIASES.get(primary := tag.strip().lower().split("-")[0], primary)
        if language not in LANGUAGES:
            continue
        ranked.append((-_quality(params), position, language))
    return min(ranked)[2] if ranked else None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def format_instant(moment: datetime | None, language: str, zone: tzinfo = UTC) -> str:
    """A date and time in the language's conventions, in the reader's zone (web/zones.py;
    UTC, as the store keeps time, by default)."""
    if moment is None:
        return "–"
    if moment.tzinfo is None:  # the store's naive UTC (SQLite hands back naive values)
        moment = moment.replace(tzinfo=UTC)
    return str(format_datetime(moment, "short", tzinfo=zone, locale=BABEL_LOCALES[language]))


# A moment with its offset, as leadflow and the CRMs' APIs write one (not a bare date).
_ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[-+]\d\d:?\d\d)")


def iso_moment(text: str) -> datetime | None:
    """``text`` as an aware moment when it is one written in ISO 8601, else None."""
    if not _ISO_MOMENT.fullmatch(text.strip()):
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def format_number(value: float | int | None, language: str, digits: int = 0) -> str:
    if value is None or value != value:  # None, or NaN: not applicable
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    # -0.04 to one place is 0.0, not "-0.0": rounded as Babel rounds (half even, decimal)
    if Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN) == 0:
        value = 0
    return str(format_decimal(value, format=pattern, locale=BABEL_LOCALES[language]))


def parse_number(text: str, language: str) -> float:
    """A number typed in the language's conventions: ``12,500`` is twelve thousand five
    hundred in English and ``12.500`` is in German. Read strictly, so a mark in the
    wrong place (``12,5`` in English) is an error, not a number a hundred times off;
    spaces are thousands marks in every language (French and Norwegian write them).

    Raises ValueError for anything else."""
    compact = "".join(text.split())
    try:
        number = float(parse_decimal(compact, locale=BABEL_LOCALES[language], strict=True))
    except NumberFormatError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a number")
    return number


def format_value(value: object, language: str) -> str:
    """A value a rule matched on: a number in the language's conventions (the store's
    ``150289000.0`` reads ``150,289,000``), anything else as written."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return str(format_decimal(value, locale=BABEL_LOCALES[language]))


def format_share(value: float | None, language: str) -> str:
    """A share 0-1 as a percentage with one decimal."""
    if value is None or value != value:
        return "–"
    return str(format_percent(value, format="#,##0.0 %", locale=BABEL_LOCALES[language]))


def format_instant_day(day: date, language: str) -> str:
    """A short day and month (a chart's axis): 3 Mar, 3. März."""
    return str(format_date(day, "d MMM", locale=BABEL_LOCALES[language]))

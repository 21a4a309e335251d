"""Which language a file's headers were recognised in, for the import summary.

A header counts for a language when it is a label of that language only: not an
English header of any translated layout, and not shared with another language
("E-mail" is French, Dutch and Italian alike and says nothing). The language with
the most such headers wins; none, or a tie, is no answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache

from leadflow.ingest.countries import fold
from leadflow.ingest.formats import (
    dynamics,
    generic,
    hubspot,
    marketo,
    mautic,
    odoo,
    pardot,
    pipedrive,
    salesforce,
    zoho,
)
from leadflow.ingest.formats.translations import LANGUAGES, HeaderTable, labels
from leadflow.ingest.formats.translations import hubspot as hubspot_labels
from leadflow.ingest.formats.translations import odoo as odoo_labels
from leadflow.ingest.formats.translations import salesforce as salesforce_labels

__all__ = ["header_language"]

_TRANSLATED: tuple[tuple[Mapping[str, tuple[str, ...]], Mapping[str, HeaderTable]], ...] = (
    (hubspot.HEADERS, hubspot_labels.HEADERS),
    (salesforce.HEADERS, salesforce_labels.HEADERS),
    (odoo.HEADERS, odoo_labels.HEADERS),
)


def header_language(headers: Iterable[str]) -> str | None:
    """The English name of the language the headers are written in, or None."""
    index = _languages_by_header()
    votes = Counter(index[key] for key in map(fold, headers) if key in index)
    ranked = votes.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return LANGUAGES[ranked[0][0]]


# Every built-in format's English headers: Pipedrive's "Labels" and Marketo's
# "leadStatus" are Dutch labels too, and made an English file "headers in Dutch".
_ENGLISH: tuple[Mapping[str, tuple[str, ...]], ...] = (
    *(table for table, _ in _TRANSLATED),
    marketo.HEADERS,
    mautic.HEADERS,
    pipedrive.HEADERS,
    dynamics.HEADERS,
    zoho.HEADERS,
    pardot.HEADERS,
    generic.HEADERS,
)


@cache
def _languages_by_header() -> dict[str, str]:
    """Folded header -> the one language it belongs to (built on first use)."""
    english = {fold(name) for table in _ENGLISH for names in table.values() for name in names}
    seen: dict[str, set[str]] = {}
    for _, by_language in _TRANSLATED:
        for language, table in by_language.items():
            for name in labels(table):
                seen.setdefault(fold(name), set()).add(language)
    return {
        key: next(iter(languages))
        for key, languages in seen.items()
        if len(languages) == 1 and key not in english
    }

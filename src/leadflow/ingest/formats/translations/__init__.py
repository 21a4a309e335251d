"""Export headers and picklist values in the languages the CRMs' interfaces write them.

HubSpot, Salesforce and Odoo write property / field *labels* as export headers, and
their picklist *labels* (Odoo: its default stages) as values, in the exporting user's
language: a German portal exports "Vorname" and "Kunde" where an English one exports
"First Name" and "Customer". Each format's module holds its tables by language; the layouts add them
after their English names, so nothing here is code per language.

LANGUAGES           code -> the language's English name, for the import summary
hubspot             HEADERS, VALUES: language -> field -> labels (HubSpot)
salesforce          HEADERS, VALUES: language -> field -> labels (Salesforce leads)
odoo                HEADERS, VALUES: language -> field -> labels (Odoo CRM leads)
with_languages      a layout's ``field -> headers`` with every language's labels added
values_with_languages   the same for ``field -> {label: leadflow value}``

Mautic is not here: its contact export writes each field's alias ("firstname",
"doNotEmail"), which is the same in every language, and its stages are named by
each team. Yes/no words of every language are read by ``normalise.parse_boolean``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["LANGUAGES", "HeaderTable", "ValueTable", "values_with_languages", "with_languages"]

LANGUAGES: Mapping[str, str] = {
    "de": "German",
    "fr": "French",
    "nl": "Dutch",
    "es": "Spanish",
    "it": "Italian",
}

# field -> labels that name it
HeaderTable = Mapping[str, tuple[str, ...]]
# field -> {label in the export: leadflow's value ("" drops the cell)}
ValueTable = Mapping[str, Mapping[str, str]]


def with_languages(
    english: HeaderTable, by_language: Mapping[str, HeaderTable]
) -> dict[str, tuple[str, ...]]:
    """The English headers first, then each language's; a field keeps all of them."""
    merged = {field: tuple(names) for field, names in english.items()}
    for table in by_language.values():
        for field, names in table.items():
            merged[field] = (*merged.get(field, ()), *names)
    return merged


def values_with_languages(
    english: ValueTable, by_language: Mapping[str, ValueTable]
) -> dict[str, dict[str, str]]:
    """The English value map with each language's labels added (English wins a tie)."""
    merged = {field: dict(table) for field, table in english.items()}
    for tables in by_language.values():
        for field, table in tables.items():
            target = merged.setdefault(field, {})
            for label, value in table.items():
                target.setdefault(label, value)
    return merged


def labels(table: HeaderTable) -> Iterable[str]:
    """Every header of one language's table."""
    return (name for names in table.values() for name in names)

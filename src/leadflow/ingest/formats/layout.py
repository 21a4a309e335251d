"""A column layout: which header means which field, and how a source's values translate.

Headers are matched folded (case, accents and punctuation ignored: "Country/Region",
"country region" and "COUNTRY-REGION" are one header). Several headers may name the
same field (Salesforce's ``Country`` and ``CountryCode``); the first non-empty cell,
in file order, wins, except for the flags that restrict a channel (opt-outs, bounces),
where a yes in any of the columns counts (``convert``).

Every layout also reads ``utm_source``, ``utm_medium`` and ``utm_campaign`` under their
own names (``UTM_COLUMNS``), beside whatever headers it maps to those fields itself:
forms and landing pages add these columns to any CRM's export.

A layout may name *empty words* (``empty_words``): cells that mean "no value" in its
source, such as the ``null`` Marketo writes in every empty cell.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from types import MappingProxyType

from leadflow.ingest.countries import fold
from leadflow.ingest.fields import FIELDS

__all__ = [
    "IGNORE",
    "UTM_COLUMNS",
    "Layout",
    "UnknownColumns",
    "build_layout",
    "empty_words",
    "id_system_of",
]

# The field name of a column that is read by nobody.
IGNORE = ""

# Headers every layout understands: the UTM parameters under their own names.
_UTM_HEADERS: dict[str, tuple[str, ...]] = {
    "utm_source": ("utm_source",),
    "utm_medium": ("utm_medium",),
    "utm_campaign": ("utm_campaign",),
}
# folded header -> field, for every layout (a layout's own entry for the header wins).
UTM_COLUMNS: Mapping[str, str] = MappingProxyType(
    {fold(header): name for name, headers in _UTM_HEADERS.items() for header in headers}
)


class UnknownColumns(StrEnum):
    """What happens to a column no field is mapped to."""

    ATTRIBUTES = "attributes"  # kept as a custom attribute (snake_case of the header)
    IGNORE = "ignore"
    REJECT = "reject"  # the file is refused: every column must be mapped


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    # folded header -> field name (IGNORE: read by nobody)
    columns: Mapping[str, str]
    # field -> folded source value -> leadflow value ("" drops the cell)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # field -> raw value used when the row gives none
    defaults: Mapping[str, str] = field(default_factory=dict)
    # external ids are stored as "<namespace>:<id>" so two CRMs' ids never collide
    id_namespace: str | None = None
    # the source's own record-id form, normalised on import ("salesforce": 15 -> 18)
    id_format: str | None = None
    unknown_columns: UnknownColumns = UnknownColumns.ATTRIBUTES
    # None: day first unless the default region writes month first (US)
    day_first: bool | None = None
    time_zone: str | None = None
    default_region: str | None = None
    # cells meaning "no value" in this source, trimmed and case-folded (see empty_words)
    empty_words: frozenset[str] = frozenset()
    # field -> the field whose value it takes when the row gives it none: Odoo's
    # opportunity is the lead record itself, so the deal's id is also its person's
    copies: Mapping[str, str] = field(default_factory=dict)

    def field_for(self, header: str) -> str | None:
        """The field a header maps to, IGNORE, or None when the layout does not know it."""
        return self.columns.get(fold(header))

    def value_for(self, field_name: str, raw: str) -> str | None:
        """The source value translated by this layout's map, or None if it has no entry."""
        table = self.values.get(field_name)
        return None if table is None else table.get(fold(raw))

    def __reduce__(self) -> tuple[Callable[..., Layout], tuple[dict[str, object]]]:
        """Pickled for the process that validates a large import: the read-only mappings
        travel as plain dictionaries and are made read-only again on arrival."""
        return _unpickled, ({f.name: _plain(getattr(self, f.name)) for f in fields(self)},)

    def extended(self, other: Layout) -> Layout:
        """This layout with ``other`` (a mapping file) on top: its entries win."""
        values = {name: dict(table) for name, table in self.values.items()}
        for name, table in other.values.items():
            values.setdefault(name, {}).update(table)
        return replace(
            other,
            columns={**self.columns, **other.columns},
            values=values,
            defaults={**self.defaults, **other.defaults},
            id_namespace=other.id_namespace or self.id_namespace,
            id_format=other.id_format or self.id_format,
            day_first=self.day_first if other.day_first is None else other.day_first,
            time_zone=other.time_zone or self.time_zone,
            default_region=other.default_region or self.default_region,
            empty_words=self.empty_words | other.empty_words,
            copies={**self.copies, **other.copies},
        )


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _read_only(value: object) -> object:
    if isinstance(value, dict):
        return MappingProxyType({key: _read_only(item) for key, item in value.items()})
    return value


def _unpickled(values: dict[str, object]) -> Layout:
    return Layout(**{name: _read_only(value) for name, value in values.items()})  # type: ignore[arg-type]


def build_layout(
    name: str,
    description: str,
    headers: Mapping[str, Iterable[str]],
    values: Mapping[str, Mapping[str, str]] | None = None,
    *,
    id_namespace: str | None = None,
    id_format: str | None = None,
    defaults: Mapping[str, str] | None = None,
    empty: Iterable[str] = (),
    fields: Collection[str] = FIELDS,
    common_columns: Mapping[str, str] = UTM_COLUMNS,
    copies: Mapping[str, str] | None = None,
) -> Layout:
    """A layout from ``field -> headers`` and ``field -> {source value: leadflow value}``;
    ``fields`` are the names a column may map to (a contact's, or a deal's), and
    ``common_columns`` the headers every layout of that kind reads (the UTM columns)."""
    columns: dict[str, str] = {}
    for field_name, names in headers.items():
        if field_name != IGNORE and field_name not in fields:
            raise ValueError(f"layout {name}: unknown field {field_name!r}")
        for header in names:
            columns.setdefault(fold(header), field_name)
    for header, field_name in common_columns.items():
        columns.setdefault(header, field_name)
    folded = {
        field_name: MappingProxyType({fold(raw): value for raw, value in table.items()})
        for field_name, table in (values or {}).items()
    }
    return Layout(
        name=name,
        description=description,
        columns=MappingProxyType(columns),
        values=MappingProxyType(folded),
        defaults=MappingProxyType(dict(defaults or {})),
        id_namespace=id_namespace,
        id_format=id_format,
        empty_words=empty_words(empty),
        copies=MappingProxyType(dict(copies or {})),
    )


def empty_words(words: Iterable[str]) -> frozenset[str]:
    """The words as a layout compares them with a cell: trimmed and case-folded."""
    return frozenset(word.strip().casefold() for word in words if word.strip())


def id_system_of(layout: Layout) -> str:
    """The system whose ids a layout's file holds (an account's ids are kept per system,
    ``account_ids``): its id namespace, else ``generic``."""
    return layout.id_namespace or "generic"

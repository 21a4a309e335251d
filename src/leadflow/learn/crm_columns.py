"""A CRM export's columns read as ``leadflow import contacts --format NAME`` stores them.

Learned from the raw export, a fit rule would say ``contact.industry in [Computer
Software]``: no stored contact has that path or that word, since the import keeps the
industry on the account, in snake_case (``account.industry in [computer_software]``),
the channel in leadflow's words (``Referrals`` -> ``referral``), the seniority in its
vocabulary (``Vice President`` -> ``vp``). With the export's format, each column the
import reads as a persona field gets the store's fact path and its values the import's
normalisation (the format's value map first), so the proposed rules can be pasted into
the definition as they are; a column the import keeps as an attribute gets the key the
import stores it under; identity and bookkeeping fields (e-mail, names, phones, owner,
dates, consent) describe no persona and are set aside, said so in the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from leadflow.domain.keys import fold, snake_case
from leadflow.ingest.fields import FIELDS, Target
from leadflow.ingest.formats.layout import IGNORE, Layout
from leadflow.ingest.normalise import clean_text, industry_key, normalise_utm, parse_boolean
from leadflow.ingest.values import channel, seniority
from leadflow.learn.history import email_fact

__all__ = ["StoredColumns", "email_column", "stored_columns", "stored_records", "with_email_facts"]

# Headers of an e-mail column when no format says which (snake_case, as the import keys).
_EMAIL_KEYS = frozenset({"email", "e_mail", "email_address", "e_mail_address", "mail"})
# The facts the store derives from the address (learn/history.py, the engine).
_EMAIL_FACTS = {"contact.free_mail": "free_mail", "contact.email_domain": "email_domain"}

Reader = Callable[[str], object]


def _flag(text: str) -> object:
    return "true" if parse_boolean(text) else "false"


# Import field -> (the fact path the store gives it, how the import normalises a cell;
# None: the table reads it, numbers and country codes alike).
_PERSONA: Mapping[str, tuple[str, Reader | None]] = {
    "seniority": ("contact.seniority", seniority),
    "department": ("contact.department", clean_text),
    "title": ("contact.title", clean_text),
    "country": ("contact.country", None),
    "industry": ("account.industry", industry_key),
    "employees": ("account.employees", None),
    "revenue": ("account.revenue", None),
    "company_country": ("account.country", None),
    "channel": ("source.channel", channel),
    "utm_medium": ("source.medium", normalise_utm),
    "purchased": ("source.purchased", _flag),
    "vendor": ("source.vendor", clean_text),
}


@dataclass(frozen=True, slots=True)
class StoredColumns:
    columns: dict[str, Any]  # column -> values, persona columns normalised
    paths: dict[str, str]  # column -> the store's fact path
    set_aside: tuple[str, ...]  # identity and bookkeeping columns
    fields: tuple[str, ...]  # the fields those were read as, for the note


def stored_columns(
    columns: Mapping[str, Any], layout: Layout, given: Mapping[str, str]
) -> StoredColumns:
    """Columns as the import stores them; ``given`` paths (--map) win."""
    out: dict[str, Any] = {}
    paths: dict[str, str] = {}
    aside: list[str] = []
    fields: list[str] = []
    for name, values in columns.items():
        field = layout.field_for(name)
        if name in given or field is None:
            out[name] = values
            continue
        if field == IGNORE:
            continue
        if field in _PERSONA:
            path, reader = _PERSONA[field]
            out[name] = _read(values, layout, field, reader)
            paths[name] = path
        elif FIELDS[field].target is Target.ATTRIBUTE:
            out[name] = values
            paths[name] = f"contact.{field}"
        else:
            aside.append(name)
            fields.append(field)
    return StoredColumns(out, paths, tuple(aside), tuple(fields))


def _read(values: Any, layout: Layout, field: str, reader: Reader | None) -> Any:
    table = layout.values.get(field)
    if table is None and reader is None:
        return values
    return [_cell(value, table, reader) for value in values]


def _cell(value: object, table: Mapping[str, str] | None, reader: Reader | None) -> object:
    if not isinstance(value, str) or not value.strip():
        return value
    text = value.strip()
    if table is not None:
        mapped = table.get(fold(text))
        if mapped == "":
            return None
        text = mapped or text
    if reader is None:
        return text
    try:
        return reader(text)
    except ValueError:
        return text  # as written: the import would reject the row, learning keeps it


def stored_records(
    records: list[dict[str, object]], columns: list[str], layout: Layout
) -> tuple[list[dict[str, object]], dict[str, str]]:
    """New leads' records (column -> value) with the persona columns normalised as the
    import stores them, and each column's fact path, for scoring them (learn predict)."""
    stored = stored_columns({name: [r.get(name) for r in records] for name in columns}, layout, {})
    kept = list(stored.columns)
    rows = [{name: stored.columns[name][row] for name in kept} for row in range(len(records))]
    return rows, stored.paths


def email_column(columns: Iterable[str], layout: Layout | None) -> str | None:
    """The column holding the e-mail address: the one the format reads as ``email``,
    else one named like it (``Email``, ``E-Mail``, ``Email Address``)."""
    for column in columns:
        if layout is not None and layout.field_for(column) == "email":
            return column
        if snake_case(column) in _EMAIL_KEYS:
            return column
    return None


def with_email_facts(
    records: list[dict[str, object]],
    emails: list[object],
    features: Iterable[tuple[str, str]],
) -> tuple[list[dict[str, object]], list[str]]:
    """``records`` with the e-mail facts a model reads (feature name, fact path) and the
    file has no column for, derived from each address as the store derives them."""
    wanted = [(name, _EMAIL_FACTS[path]) for name, path in features if path in _EMAIL_FACTS]
    if not wanted:
        return records, []
    rows = [
        {**record, **{name: email_fact(email, key) for name, key in wanted}}
        for record, email in zip(records, emails, strict=True)
    ]
    return rows, [name for name, _ in wanted]

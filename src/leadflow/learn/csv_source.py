"""Read a CRM export (CSV) into a ``LeadTable``, so a team can learn before adopting leadflow.

Exports are messy, and this reader expects it: the delimiter (``,`` ``;`` tab ``|``) and
the encoding (UTF-8 with or without BOM, else Windows-1252) are sniffed from the first
megabyte; CRLF line ends are fine; a header ending with a comma (an unnamed, empty last
column) is ignored; form defaults such as ``Select`` and placeholders such as ``unknown``
count as not answered. pyarrow does the parsing; typing happens in ``table``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from leadflow.ingest.formats.layout import Layout
from leadflow.learn.crm_columns import stored_columns
from leadflow.learn.errors import LearnInputError
from leadflow.learn.outcome import Outcomes, parse_moments, parse_outcomes
from leadflow.learn.table import DEFAULT_MISSING_TOKENS, LeadTable, table_from_columns

__all__ = ["CsvSpec", "read_leads_csv", "read_records_csv", "sniff_format"]

_SAMPLE_BYTES = 1 << 20
_DELIMITERS = ",;\t|"


@dataclass(frozen=True, slots=True)
class CsvSpec:
    """Which columns of the export mean what (the ``--from`` options of ``leadflow learn``)."""

    target: str
    id: str | None = None
    time: str | None = None
    drop: tuple[str, ...] = ()
    positive: str | None = None
    negative: tuple[str, ...] = ()
    # Column -> definition fact path (account.industry ...); others become contact.<column>.
    paths: Mapping[str, str] = field(default_factory=dict)
    missing_tokens: frozenset[str] = DEFAULT_MISSING_TOKENS
    # The CRM format the export is in (--format): columns read as its import stores them.
    layout: Layout | None = None


def sniff_format(path: Path) -> tuple[str, str]:
    """(delimiter, encoding) of a CSV file, from its first megabyte."""
    try:
        with path.open("rb") as handle:
            sample = handle.read(_SAMPLE_BYTES)
    except OSError as error:
        raise LearnInputError(f"{path}: cannot read ({error.strerror})") from None
    if not sample.strip():
        raise LearnInputError(f"{path}: the file is empty")
    encoding = _encoding(sample)
    text = sample.decode(encoding, errors="ignore")
    header = text.splitlines()[0]
    try:
        delimiter = csv.Sniffer().sniff(text[: 64 * 1024], delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # One column, or a sample the sniffer finds ambiguous: the header decides.
        delimiter = max(_DELIMITERS, key=header.count)
    return delimiter, encoding


def read_leads_csv(path: Path, spec: CsvSpec) -> LeadTable:
    """The closed leads of an export, typed, with the declared columns set aside."""
    columns = _read_columns(path, spec)
    _check_named(path, columns, spec)
    outcomes = parse_outcomes(spec.target, columns[spec.target], **_target_options(spec))
    closed = outcomes.closed
    rows = int(closed.sum())
    ids = _ids(path, columns, spec, closed)
    moments = None
    if spec.time:
        moments = parse_moments(spec.time, _subset(columns[spec.time], closed))
    reserved = {spec.target, spec.id, spec.time, *spec.drop}
    attributes = {
        name: _subset(values, closed) for name, values in columns.items() if name not in reserved
    }
    paths = dict(spec.paths)
    stored, layout = None, spec.layout
    if layout is not None:
        stored = stored_columns(attributes, layout, spec.paths)
        attributes, paths = stored.columns, {**stored.paths, **spec.paths}
    table = table_from_columns(
        attributes,
        ids=ids,
        outcome=outcomes.won[closed],
        decided_at=moments,
        paths=paths,
        missing_tokens=spec.missing_tokens,
    )
    if stored is not None and layout is not None and stored.set_aside:
        read_as = ", ".join(stored.fields)
        reason = f"not a persona attribute (the {layout.name} import reads them as {read_as})"
        table = table.noted(f"{reason}: {', '.join(stored.set_aside)}")
    open_rows = len(closed) - rows
    if open_rows:
        table = table.noted(f"{open_rows} rows without a closed outcome left out{_open(outcomes)}")
    if spec.drop:
        table = table.noted(f"dropped as declared: {', '.join(spec.drop)}")
    return table


def read_records_csv(
    path: Path, id_column: str | None, missing_tokens: frozenset[str] = DEFAULT_MISSING_TOKENS
) -> tuple[list[str], list[str], list[dict[str, object]]]:
    """Leads to score (no outcome needed): their ids, the file's attribute columns and
    raw attribute records."""
    spec = CsvSpec(target=id_column or "", id=id_column, missing_tokens=missing_tokens)
    columns = _read_columns(path, spec)
    if id_column is not None and id_column not in columns:
        raise LearnInputError(f"{path}: no column {id_column!r} (from --id)")
    size = len(next(iter(columns.values()))) if columns else 0
    ids = [str(v) for v in columns[id_column]] if id_column else [str(i + 1) for i in range(size)]
    names = [name for name in columns if name != id_column]
    records = [{name: _item(columns[name][row]) for name in names} for row in range(size)]
    return ids, names, records


def _open(outcomes: Outcomes) -> str:
    """Which target values were read as open, so a lost stage read as open is seen."""
    if not outcomes.open_values:
        return ""
    return f" ({_values_listing(outcomes.open_values)}; --negative names lost ones)"


def _item(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _target_options(spec: CsvSpec) -> dict[str, Any]:
    return {"positive": spec.positive, "negative": spec.negative}


def _read_columns(path: Path, spec: CsvSpec) -> dict[str, Any]:
    delimiter, encoding = sniff_format(path)
    as_text = {name: pa.string() for name in (spec.target, spec.id, spec.time) if name}
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(encoding=encoding),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter),
            convert_options=pa_csv.ConvertOptions(
                column_types=as_text,
                null_values=sorted(spec.missing_tokens | {t.title() for t in spec.missing_tokens}),
                strings_can_be_null=True,
                # Timestamps stay text: the time column is parsed on purpose, the rest typed.
                timestamp_parsers=[],
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        first = str(error).splitlines()[0]
        raise LearnInputError(f"{path}: not a readable CSV file ({first})") from None
    return {
        name: _values(table.column(name))
        for name in table.column_names
        if name.strip() or table.column(name).null_count < len(table)
    }


def _values(column: Any) -> Any:
    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return column.to_numpy(zero_copy_only=False).astype(np.float64)
    return column.to_pylist()


def _check_named(path: Path, columns: Mapping[str, Any], spec: CsvSpec) -> None:
    named = [("--target", spec.target), ("--id", spec.id), ("--time", spec.time)]
    named += [("--drop", name) for name in spec.drop]
    named += [("--map", name) for name in spec.paths]
    for option, name in named:
        if name and name not in columns:
            raise LearnInputError(
                f"{path}: no column {name!r} (from {option}); columns are {_listing(columns)}"
            )


def _ids(path: Path, columns: Mapping[str, Any], spec: CsvSpec, closed: Any) -> Any:
    if spec.id is None:
        return np.arange(1, len(closed) + 1)[closed].astype(str).astype(object)
    ids = np.array(_subset(columns[spec.id], closed), dtype=object)
    if any(value is None for value in ids):
        raise LearnInputError(f"{path}: id column {spec.id!r} has empty values")
    if len(set(ids.tolist())) < len(ids):
        raise LearnInputError(f"{path}: id column {spec.id!r} has duplicate values")
    return ids


def _subset(values: Any, mask: Any) -> Any:
    if isinstance(values, np.ndarray):
        return values[mask]
    return [value for value, keep in zip(values, mask, strict=True) if keep]


def _encoding(sample: bytes) -> str:
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        # The sample may end inside a multi-byte character; a few bytes less cannot.
        sample[: len(sample) - 4 if len(sample) == _SAMPLE_BYTES else None].decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _listing(columns: Sequence[str] | Mapping[str, Any], limit: int = 8) -> str:
    names = list(columns)
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" ... ({len(names)} in all)" if len(names) > limit else "")


def _values_listing(values: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")

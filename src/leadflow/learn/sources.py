"""Where ``leadflow learn`` reads its closed leads: a CSV, a history folder, or the store.

``LeadSource`` is what the command-line options say; ``read_leads`` picks the reader:
``--from FILE.csv`` (with ``--target``), ``--world DIR``, or neither (the workspace
store at ``database_url``, which the caller takes from the settings). Declared columns
(``--drop``) are removed whatever the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from leadflow.definition.model import AssetsConfig
from leadflow.ingest.formats import get_format
from leadflow.ingest.formats.layout import Layout
from leadflow.learn.csv_source import CsvSpec, read_leads_csv
from leadflow.learn.errors import LearnInputError
from leadflow.learn.outcome import one_sided
from leadflow.learn.store_source import read_store_history
from leadflow.learn.table import LeadTable
from leadflow.learn.world_source import read_world_history
from leadflow.store.database import make_engine, normalise_url

__all__ = ["LeadSource", "layout_named", "read_leads", "split_names"]


@dataclass(frozen=True, slots=True)
class LeadSource:
    csv: Path | None = None
    world: Path | None = None
    database_url: str | None = None  # the workspace store, read when no file is given
    target: str | None = None
    id: str | None = None
    time: str | None = None
    drop: Sequence[str] = ()  # names, or comma-separated lists of names
    positive: str | None = None
    negative: Sequence[str] = ()
    mapping: Sequence[str] = field(default_factory=tuple)  # "COLUMN=FACT_PATH"
    all_closed: bool = False  # histories: keep leads decided too recently to be mature
    format: str | None = None  # the CSV's CRM format: columns as its import stores them


def read_leads(source: LeadSource, *, assets: AssetsConfig | None = None) -> LeadTable:
    """The closed leads the options point at; ``assets`` from the active definition."""
    table = _read(source, assets)
    # Checked once the recent leads are left out too: that can take the last lost ones.
    problem = one_sided(_name(source), table.won, table.lost)
    if problem is not None:
        raise LearnInputError(problem)
    return table


def _read(source: LeadSource, assets: AssetsConfig | None) -> LeadTable:
    drop = split_names(source.drop)
    if source.csv is not None:
        if source.world is not None:
            raise LearnInputError("give either --from FILE.csv or --world DIR, not both")
        return read_leads_csv(source.csv, _spec(source, drop))
    if source.target is not None:
        raise LearnInputError("--target goes with --from FILE.csv")
    if source.format is not None:
        raise LearnInputError("--format goes with --from FILE.csv")
    if source.world is not None:
        table = read_world_history(source.world, assets=assets, mature_only=not source.all_closed)
    else:
        table = _from_store(source, assets)
    return table.without(drop, "dropped as declared")


def _name(source: LeadSource) -> str:
    if source.csv is not None:
        return str(source.csv)
    return str(source.world) if source.world is not None else "the workspace store"


def split_names(values: Sequence[str]) -> tuple[str, ...]:
    """``["a,b", "c"]`` -> ``("a", "b", "c")``: options may be repeated or comma-separated."""
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


def _spec(source: LeadSource, drop: tuple[str, ...]) -> CsvSpec:
    if source.target is None:
        raise LearnInputError("--target is required with --from: the outcome column")
    return CsvSpec(
        target=source.target,
        id=source.id,
        time=source.time,
        drop=drop,
        positive=source.positive,
        negative=split_names(source.negative),
        paths=_paths(source.mapping),
        layout=None if source.format is None else layout_named(source.format),
    )


def layout_named(name: str) -> Layout:
    """A contact import format by name (--format); a one-line error naming the choices."""
    try:
        return get_format(name)
    except ValueError as error:
        raise LearnInputError(f"--format: {error}") from None


def _paths(mapping: Sequence[str]) -> dict[str, str]:
    paths = {}
    for item in mapping:
        column, sep, path = item.rpartition("=")
        if not sep or not column.strip() or not path.strip():
            raise LearnInputError(f"--map {item!r}: expected COLUMN=FACT_PATH")
        paths[column.strip()] = path.strip()
    return paths


def _from_store(source: LeadSource, assets: AssetsConfig | None) -> LeadTable:
    if not source.database_url:
        raise LearnInputError("give --from FILE.csv or --world DIR (no workspace store)")
    url = normalise_url(source.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        raise LearnInputError(
            f"no workspace store at {url.database}; give --from FILE.csv or --world DIR, "
            "or set LEADFLOW_WORKSPACE / LEADFLOW_DATABASE_URL"
        )
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return read_store_history(connection, assets=assets, mature_only=not source.all_closed)
    except SQLAlchemyError as error:
        first = str(error).splitlines()[0]
        raise LearnInputError(f"cannot read the workspace store: {first}") from None
    finally:
        engine.dispose()

"""A mapping file for ``leadflow import accounts --mapping MAP.yaml``: a company export
whose headers the alias table does not know (a CRM in another language, a BI extract).

    columns:                    # header -> account field, or ignore
      account: name
      sector: industry
      office_location: country
      subsidiary_of: ignore
    values:                     # field -> {value in the file: value to read instead}
      country: {Korea: KR, Philipines: PH}
    empty_words: ["-", "n/a"]   # cells meaning "no value" (any case)

The fields are those of ``ingest.accounts`` (external_id, name, domain, industry,
employees, revenue, country, owner). Its entries win over the alias table; headers it
does not name are matched by the aliases as without a mapping. Validated with pydantic
(unknown keys refused); every error names the file and the key, with a suggestion for
a misspelt field.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from leadflow.ingest.accounts import ACCOUNT_FIELDS, IGNORED, AccountMapping, header_key
from leadflow.ingest.countries import fold
from leadflow.ingest.formats.mapping_file import MappingError, validated_mapping

__all__ = ["load_account_mapping"]

_IGNORE_WORDS = frozenset({"ignore", "skip", "none", ""})


class _RawAccountMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str | None] = {}
    values: dict[str, dict[str, str]] = {}
    # YAML reads a bare null as nothing at all: here it can only mean the word "null".
    empty_words: list[str | None] = []


def load_account_mapping(path: Path) -> AccountMapping:
    """Read and validate an accounts mapping; MappingError says what is wrong where."""
    raw = validated_mapping(path, _RawAccountMapping)
    columns = {
        header_key(header): _field(target, path, f"columns.{header}")
        for header, target in raw.columns.items()
    }
    values = {
        _field(name, path, f"values.{name}"): {fold(raw): new for raw, new in table.items()}
        for name, table in raw.values.items()
    }
    empty = frozenset(
        ("null" if word is None else word).strip().casefold() for word in raw.empty_words
    )
    return AccountMapping(columns, values, empty - {""})


def _field(name: str | None, path: Path, where: str) -> str:
    if name is None or name.strip().lower() in _IGNORE_WORDS:
        return IGNORED
    if name in ACCOUNT_FIELDS:
        return name
    close = difflib.get_close_matches(name, ACCOUNT_FIELDS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise MappingError(
        f"{path}: {where}: unknown account field {name!r} "
        f"({hint}choose one of {', '.join(ACCOUNT_FIELDS)}, or ignore)"
    )

"""A mapping file for ``leadflow import deals --mapping MAP.yaml``: any other deal CSV.

The same keys as a contact mapping file (``ingest.formats.mapping_file``), with the
deal fields (``deal_formats.fields``) and formats:

    format: salesforce         # optional: start from a built-in deal format
    name: maven                # namespace of the deal ids ("maven:<id>")
    columns:                   # header -> deal field, or ignore
      opportunity_id: external_id
      account: account_name
      deal_stage: stage
    values:                    # field -> {value in the file: leadflow's value}
      stage: {Signed: won, Churned: lost}   # a stage's outcome: open, won or lost
      status: {gewonnen: won}
    defaults:
      currency: USD
    day_first: false
    time_zone: America/New_York

Values of ``stage`` and ``status`` must be ``open``, ``won`` or ``lost``; a default
currency must be an ISO 4217 code (checked when the file is read).
"""

from __future__ import annotations

from pathlib import Path

from leadflow.ingest.deal_formats import DEAL_FORMATS
from leadflow.ingest.deal_formats.fields import DEAL_FIELDS, DEAL_STATUSES
from leadflow.ingest.formats.layout import Layout
from leadflow.ingest.formats.mapping_file import (
    MappingError,
    RawMapping,
    compile_mapping,
    validated_mapping,
)

__all__ = ["load_deal_mapping"]

_OUTCOME_FIELDS = frozenset({"stage", "status"})


def load_deal_mapping(path: Path) -> Layout:
    """Read, validate and compile a deal mapping file; MappingError says what is wrong."""
    raw = validated_mapping(path, RawMapping)
    return compile_mapping(
        raw,
        str(path),
        fields=DEAL_FIELDS,
        formats=DEAL_FORMATS,
        check_value=_outcome,
        common_columns={},
    )


def _outcome(name: str, target: str, source: str) -> str:
    if name in _OUTCOME_FIELDS and target not in DEAL_STATUSES and target != "":
        choices = ", ".join(DEAL_STATUSES)
        raise MappingError(f"{source}: values.{name}: {target!r} is not a deal status ({choices})")
    return target

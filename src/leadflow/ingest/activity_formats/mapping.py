"""A mapping file for ``leadflow import activities --mapping MAP.yaml``: any other export.

The same keys as a contact mapping file (``ingest.formats.mapping_file``), with the
activity fields (``activity_formats.fields``) and formats:

    format: salesforce          # optional: start from a built-in activity format
    name: close                 # namespace of the ids ("close:<id>")
    columns:                    # header -> activity field, or ignore
      Activity: channel
      Result: outcome
    values:                     # field -> {value in the file: leadflow's word}
      channel: {Dial: call, Visit: meeting}
      outcome: {Gatekeeper: no_answer, Mailbox full: voicemail}
    time_zone: Europe/Berlin

Values of ``channel`` and ``outcome`` are read as a rep's words are (leadflow's own
values and ``domain.attempt_words``); a mapping's words come first.
"""

from __future__ import annotations

from pathlib import Path

from leadflow.ingest.activity_formats import ACTIVITY_FORMATS
from leadflow.ingest.activity_formats.fields import ACTIVITY_FIELDS
from leadflow.ingest.formats.layout import Layout
from leadflow.ingest.formats.mapping_file import RawMapping, compile_mapping, validated_mapping

__all__ = ["load_activity_mapping"]


def load_activity_mapping(path: Path) -> Layout:
    """Read, validate and compile an activity mapping file; MappingError says what is wrong."""
    raw = validated_mapping(path, RawMapping)
    return compile_mapping(
        raw,
        str(path),
        fields=ACTIVITY_FIELDS,
        formats=ACTIVITY_FORMATS,
        check_value=lambda _name, target, _source: target,
        common_columns={},
    )

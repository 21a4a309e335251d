"""leadflow's verdicts sent to a CRM come back in the CRM's next export: the contact
import of that CRM must not read them as the person's own data."""

from __future__ import annotations

import pytest

from leadflow.ingest.formats import IGNORE, get_format
from leadflow.services.lead_export import ExportFormat, export_columns


def _leadflow_columns(fmt: ExportFormat) -> list[str]:
    return [name for name in export_columns(fmt) if name.casefold().startswith("leadflow_")]


@pytest.mark.parametrize("fmt", [ExportFormat.HUBSPOT, ExportFormat.SALESFORCE])
def test_the_crm_format_ignores_the_columns_leadflow_wrote_for_it(fmt: ExportFormat) -> None:
    layout = get_format(fmt.value)
    written = _leadflow_columns(fmt)
    assert written  # the export writes its verdicts in columns of its own
    assert {name: layout.field_for(name) for name in written} == dict.fromkeys(written, IGNORE)


def test_salesforce_report_labels_of_the_custom_fields_are_ignored_too() -> None:
    """A report writes a custom field's label (``Leadflow Stage``), not its API name."""
    layout = get_format("salesforce")
    labels = [
        name.removesuffix("__c").replace("_", " ")
        for name in _leadflow_columns(ExportFormat.SALESFORCE)
    ]
    assert {name: layout.field_for(name) for name in labels} == dict.fromkeys(labels, IGNORE)

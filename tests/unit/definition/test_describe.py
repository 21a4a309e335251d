"""How conditions read in the diff, the definition page and explanations."""

from __future__ import annotations

import pytest

from leadflow.definition.describe import describe_condition, describe_value
from leadflow.definition.loader import load_definition_text

HEAD = 'schema_version: 1\nname: acme\nversion: "1"\nextends: waterfall\n'


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1_000_000.0, "1000000"), (5e8, "500000000"), (12.5, "12.5"), (0.25, "0.25"), (40.0, "40")],
)
def test_numbers_read_as_written_not_in_exponent_notation(value: float, shown: str) -> None:
    # A revenue threshold read "account.revenue >= 1e+06" in the diff and on the
    # definition page: marketing people do not write or read exponents.
    assert describe_value(value) == shown


def test_a_revenue_range_reads_in_plain_digits() -> None:
    text = HEAD + (
        "fit:\n  rules:\n    - name: revenue\n      points: 10\n"
        "      when: {field: account.revenue, range: {min: 5000000, max: 500000000}}\n"
    )

    rule = load_definition_text(text).fit.rules[0]

    assert describe_condition(rule.condition) == "account.revenue in 5000000..500000000"

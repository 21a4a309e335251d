"""``leadflow opportunity create --amount``: an amount that cannot be a deal's is one line
saying what is wrong with it, before any workspace is opened."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from leadflow.cli import app


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "error: --amount -5 must be zero or more"),
        ("1e26", "error: --amount 1e+26 is too large (at most 1,000,000,000,000,000)"),
        ("1e400", "error: --amount inf is too large (at most 1,000,000,000,000,000)"),
        ("nan", "error: --amount nan is not a number"),
    ],
)
def test_an_amount_that_cannot_be_stored_says_what_is_wrong(amount: str, message: str) -> None:
    result = CliRunner().invoke(app, ["opportunity", "create", "42", "--amount", amount])

    assert result.exit_code == 1, result.output
    assert result.output.strip() == message

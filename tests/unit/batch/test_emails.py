"""E-mail domains of many addresses at once equal the engine's, address by address."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.batch.emails import domains_of
from leadflow.batch.frames import Column
from leadflow.domain.facts import Facts
from leadflow.engine.scope import email_domain

TRICKY = [
    "Ann@Example.COM",
    "  bob@ acme.example \t",
    "a@b@c.example",
    "no-at-sign",
    "trailing@",
    "spaces@ \x1c\x1f ",
    "@only.example",
    "x@\x0bVertical.Tab\x0c",
    "ünïcode@Bücher.Example",
    "mixed@ÄBC.example ",
    "",
    "@",
]


def _domains(values: pa.Array) -> list[str | None]:
    """``domains_of`` gives one domain per value of the column's dictionary."""
    column = Column(Column.from_arrow(values).codes, values)
    found: list[str | None] = domains_of(column).to_pylist()
    return found


def _expected(values: list[str | None]) -> list[str | None]:
    return [email_domain(Facts(contact={"email": value})) for value in values]


def test_tricky_addresses() -> None:
    assert _domains(pa.array([*TRICKY, None], pa.string())) == _expected([*TRICKY, None])


def test_a_slice_of_an_arrow_array() -> None:
    # A slice keeps an offset into the buffers it shares with the whole array.
    values = pa.array(["x@skip.example", *TRICKY], pa.string()).slice(1)
    assert _domains(values) == _expected(TRICKY)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | st.text(alphabet="aZ@ .\t\n\x1cé-", max_size=12), max_size=30))
def test_any_text(values: list[str | None]) -> None:
    assert _domains(pa.array(values, pa.string())) == _expected(values)


def test_addresses_read_from_the_store_as_python_values() -> None:
    """A column whose dictionary is a Python list (the store's rows) gives the same."""
    listed: list[object] = [*TRICKY, None]
    column = Column(Column.from_arrow(pa.array(listed, pa.string())).codes, listed)
    assert domains_of(column).to_pylist() == _expected([*TRICKY, None])
    mixed: list[object] = ["a@B.example", 42]  # not all text: address by address
    assert domains_of(Column(Column.from_arrow(pa.array(["x", "y"])).codes, mixed)).to_pylist() == [
        "b.example",
        None,
    ]

"""Many rows into one table through the database driver, in order, with few bound values.

The import writes millions of rows (contacts, qualifications, the ledger, messages) with
executemany. Binding text and numbers is cheap, but Python 3.11's sqlite3 passes every
None and every bool through its adapter registry first (a tuple built, a dictionary and
two attributes looked up): about 0.4 µs a value, a fifth of a contact's INSERT when eight
of its columns are empty. So a column that holds None in every row of a call, or the
same bool, is written into the statement as NULL, TRUE or FALSE and not bound at all
(both databases read those keywords). The rows and their order are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from sqlalchemy.engine import Connection

__all__ = ["insert_rows"]

# Positional placeholders of each database driver (sqlite3: qmark, psycopg: format).
MARKS = {"sqlite": "?", "postgresql": "%s"}
_LITERALS: dict[object, str] = {None: "NULL", True: "TRUE", False: "FALSE"}


def insert_rows(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    per_call: int = 5_000,
) -> None:
    """INSERT ``rows`` (a value per column, in ``columns`` order), ``per_call`` rows to an
    executemany."""
    if not rows:
        return
    literals = _same_literals(rows, len(columns))
    mark = MARKS[connection.dialect.name]
    values = ", ".join(literals.get(index, mark) for index in range(len(columns)))
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"
    bound = [index for index in range(len(columns)) if index not in literals]
    params = list(rows) if not literals else _without(rows, bound)
    for start in range(0, len(params), per_call):
        connection.exec_driver_sql(statement, params[start : start + per_call])


def _same_literals(rows: Sequence[Sequence[object]], width: int) -> dict[int, str]:
    """Columns whose value is the same None or bool in every row, as SQL literals. A
    column with values stops at its first one, so this costs little."""
    found: dict[int, str] = {}
    first = rows[0]
    for index in range(width):
        value = first[index]
        if (value is None or value is True or value is False) and all(
            row[index] is value for row in rows
        ):
            found[index] = _LITERALS[value]
    return found


def _without(rows: Sequence[Sequence[object]], bound: list[int]) -> list[tuple[object, ...]]:
    if not bound:
        return [() for _ in rows]
    if len(bound) == 1:
        (only,) = bound
        return [(row[only],) for row in rows]
    pick = itemgetter(*bound)
    return [pick(row) for row in rows]

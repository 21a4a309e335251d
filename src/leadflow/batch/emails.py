"""``contact.email_domain`` and ``contact.free_mail`` for a million addresses at once.

``engine.scope.email_domain`` takes the text after the last ``@``, strips white space,
lower-cases it, and calls an empty result no domain. Addresses are nearly all distinct,
so doing that per address in Python would cost more than the rest of the scoring. For
ASCII addresses it is done on the Arrow string buffers directly, by a compiled loop
(``_ascii_domains``, numba) or, without numba, with Arrow kernels (a split at the last
``@``, a take of the part after it): Python's ASCII white space trimmed and the text
lower-cased, which agree with Python's ``strip`` and ``lower`` on ASCII. Other
addresses go through the engine's own function.

Each contact then gets a stand-in address for the probes (attributes.py): ``"@" +
domain`` has the same domain; for ``free_mail`` one address with a free-mail domain and
one without stand for the two verdicts, so the probes run twice, not once per domain.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from leadflow.batch.frames import Column
from leadflow.batch.jit import COMPILED, jit
from leadflow.domain.facts import Facts
from leadflow.engine.scope import email_domain

__all__ = ["domain_column", "domains_of", "free_mail_column"]

# str.strip() removes these among ASCII characters (Arrow's ascii_trim_whitespace differs
# on \x1c-\x1f, so the set is given explicitly).
_PYTHON_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def domains_of(emails: Column) -> pa.Array:
    """The domain of each distinct address in ``emails.values`` (null: none)."""
    values = emails.values
    if isinstance(values, pa.Array) and pa.types.is_string(values.type) and len(values):
        return _arrow_domains(values)
    listed = emails.python_values()
    # Read from the store, the addresses are a Python list (an import's new contacts):
    # as an Arrow array they take the compiled path, 0.1 µs an address against 7.
    if listed and all(isinstance(value, str) or value is None for value in listed):
        return _arrow_domains(pa.array(listed, pa.string()))
    return pa.array([_python_domain(value) for value in listed], pa.string())


def domain_column(emails: Column, domains: pa.Array) -> Column:
    """Per contact, a stand-in address ``"@" + domain`` (absent: no domain)."""
    encoded = Column.from_arrow(domains)
    stand_ins = ["@" + str(domain) for domain in encoded.python_values()]
    table = np.append(encoded.codes, -1)
    return Column(table[emails.codes], stand_ins)


def free_mail_column(emails: Column, domains: pa.Array, free_mail: frozenset[str]) -> Column:
    """Per contact, a stand-in address whose domain is free mail or not (absent: none)."""
    listed = pa.array(sorted(free_mail), pa.string())
    flags = np.asarray(pc.is_in(domains, value_set=listed).to_numpy(zero_copy_only=False))
    known = np.asarray(domains.is_valid().to_numpy(zero_copy_only=False))
    table = np.where(known, flags.astype(np.int32), -1)
    table = np.append(table, -1)
    stand_ins = ["@" + _outside(free_mail), "@" + (min(free_mail) if free_mail else "")]
    return Column(table[emails.codes], stand_ins)


def _outside(domains: frozenset[str]) -> str:
    """A domain that is not in ``domains``."""
    return "x" * (max((len(d) for d in domains), default=0) + 1) + ".invalid"


def _arrow_domains(values: pa.Array) -> pa.Array:
    if COMPILED:
        domain, ascii_only = _compiled_domains(values)
    else:  # pragma: no cover - only where numba cannot be installed
        ascii_only = np.asarray(
            pc.string_is_ascii(values).fill_null(True).to_numpy(zero_copy_only=False), dtype=bool
        )
        after = _after_last_at(values)
        domain = pc.ascii_lower(pc.ascii_trim(after, _PYTHON_ASCII_SPACE))
        domain = pc.if_else(pc.equal(domain, ""), pa.scalar(None, pa.string()), domain)
    if ascii_only.all():
        return domain
    listed = domain.to_pylist()
    raw = values.to_pylist()
    for index in np.flatnonzero(~ascii_only).tolist():
        listed[index] = _python_domain(raw[index])
    return pa.array(listed, pa.string())


def _after_last_at(values: pa.Array) -> pa.Array:
    """The text after the last ``@`` of each string (null: no ``@``, or a null)."""
    parts = pc.split_pattern(values, "@", max_splits=1, reverse=True)
    pieces = np.asarray(parts.offsets)
    last = pa.array(np.maximum(pieces[1:] - 1, 0))
    after = parts.values.take(last) if len(parts.values) else pa.nulls(len(values), pa.string())
    return pc.if_else(pc.equal(pc.list_value_length(parts), 2), after, pa.scalar(None, pa.string()))


def _compiled_domains(values: pa.Array) -> tuple[pa.Array, npt.NDArray[np.bool_]]:
    """The domains of ASCII addresses (null: none) and which addresses are ASCII."""
    size = len(values)
    offsets = np.frombuffer(values.buffers()[1], np.int32, size + 1, values.offset * 4)
    data_buffer = values.buffers()[2]
    data = np.frombuffer(data_buffer, np.uint8) if data_buffer else np.zeros(0, np.uint8)
    valid = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    space = np.zeros(256, bool)
    space[[ord(c) for c in _PYTHON_ASCII_SPACE]] = True
    starts = np.empty(size, np.int64)
    stops = np.empty(size, np.int64)
    ascii_only = np.empty(size, bool)
    _ascii_domains(offsets, data, valid, space, starts, stops, ascii_only)
    found = stops > starts
    lengths = np.where(found, stops - starts, 0)
    out_offsets = np.zeros(size + 1, np.int32)
    np.cumsum(lengths, out=out_offsets[1:])
    out = np.empty(int(out_offsets[-1]), np.uint8)
    _lowered_copy(data, starts, lengths, out_offsets, out)
    domains = pa.StringArray.from_buffers(
        size,
        pa.py_buffer(out_offsets),
        pa.py_buffer(out),
        pa.py_buffer(np.packbits(found, bitorder="little")),
    )
    return domains, ascii_only


@jit
def _ascii_domains(
    offsets: npt.NDArray[np.int32],
    data: npt.NDArray[np.uint8],
    valid: npt.NDArray[np.bool_],
    space: npt.NDArray[np.bool_],
    starts: npt.NDArray[np.int64],
    stops: npt.NDArray[np.int64],
    ascii_only: npt.NDArray[np.bool_],
) -> None:  # pragma: no cover - compiled; tested against the engine's function
    """Per address: the text after the last ``@`` with ASCII white space trimmed, as
    ``starts[i]:stops[i]`` of ``data`` (empty: no domain), and whether it is ASCII."""
    for i in range(offsets.shape[0] - 1):
        first, stop = offsets[i], offsets[i + 1]
        starts[i] = stops[i] = 0
        plain = True
        at = -1
        for k in range(first, stop):
            byte = data[k]
            if byte >= 128:
                plain = False
            elif byte == 64:  # "@"
                at = k
        ascii_only[i] = plain or not valid[i]
        if not valid[i] or at < 0:
            continue
        begin, end = at + 1, stop
        while begin < end and space[data[begin]]:
            begin += 1
        while end > begin and space[data[end - 1]]:
            end -= 1
        starts[i], stops[i] = begin, end


@jit
def _lowered_copy(
    data: npt.NDArray[np.uint8],
    starts: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
    offsets: npt.NDArray[np.int32],
    out: npt.NDArray[np.uint8],
) -> None:  # pragma: no cover - compiled
    for i in range(starts.shape[0]):
        source, target = starts[i], offsets[i]
        for k in range(lengths[i]):
            byte = data[source + k]
            out[target + k] = byte + 32 if 65 <= byte <= 90 else byte  # A-Z to a-z


def _python_domain(value: object) -> str | None:
    return email_domain(Facts(contact={"email": value}))

"""Validate one row of a deal (opportunity) export and turn it into a ``DealRecord``.

The header is planned once against a deal layout (``deal_formats``): which column
feeds which deal field. A header without the deal's id, without any column naming the
deal's person or company, or without anything saying open, won or lost cannot be
imported (``HeaderError``). Each row then gives a record, or a ``RowError`` naming the
column and the reason. Several columns of one field: the first non-empty cell wins
(Pipedrive's won and lost times, a person's work and home address).

Rules, beyond the contact import's reading of cells (numbers with a decimal comma,
dates in the file's one day/month order and time zone):

    outcome      ``deal_formats.outcomes``: status, else the won/closed flags, else the
                 stage; nothing of the three, or a status word that is none, is refused
    close date   a won or lost deal needs one, not in the future: it is when the deal
                 was decided (and when its account became a customer); an open deal's
                 close date is its expected close
    created      the CRM's creation date, else the close date of a closed deal, else
                 (an open deal with no date) the import's moment; never after the
                 close date (a deal entered in the CRM after it was won: the close
                 date) nor after the import's moment
    ids          the deal's and its person's id carry the format's namespace, as the
                 contact import stores ids (``hubspot:51``; Salesforce ids in their
                 18-character form); a cell listing several ids (``51;52``) gives the
                 first; the company's id is compared as the accounts import stored it.
                 A layout's ``copies`` fill a field the row leaves empty from another
                 (Odoo: the opportunity is the lead record, its id its person's)
    status       a status word a layout maps to "" says nothing: the stage decides
    links        a row must name a person (e-mail, id) or a company (id, domain, name)
    reasons      a lost reason is kept for a lost deal, a won reason for a won one
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import cache, partial
from typing import NamedTuple

from babel.numbers import list_currencies

from leadflow.ingest.convert import HeaderError
from leadflow.ingest.countries import fold
from leadflow.ingest.deal_formats.fields import (
    DEAL_FIELDS,
    LINK_FIELDS,
    OUTCOME_FIELDS,
    DealKind,
)
from leadflow.ingest.deal_formats.outcomes import stage_outcome, status_word
from leadflow.ingest.excel_ids import whole_id
from leadflow.ingest.formats.layout import IGNORE, Layout, UnknownColumns
from leadflow.ingest.instants import day_first_in, parse_instant
from leadflow.ingest.normalise import (
    InvalidValueError,
    clean_text,
    normalise_email,
    parse_amount,
    parse_boolean,
    trimmed,
    website_domain,
)
from leadflow.ingest.record import RowError
from leadflow.ingest.salesforce_ids import salesforce_id
from leadflow.ingest.table import duplicate_headers, overflow

__all__ = ["DEAL_LIMITS", "DealReader", "DealRecord", "account_name_key"]

Reader = Callable[[str], object]

# Column widths of ``opportunities`` and ``opportunity_details``: a longer value is a
# bad row (naming its field and header), not a database error at the commit.
DEAL_LIMITS: Mapping[str, int] = {
    "external_id": 300,
    "name": 300,
    "owner": 200,
    "lost_reason": 500,
    "won_reason": 500,
    "stage": 100,
}
_SEPARATED_IDS = re.compile(r"[;,]")
# Legal forms left out when company names are compared ("Acme B.V." is "Acme").
_LEGAL_FORMS = frozenset(
    {
        "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co",
        "company", "plc", "gmbh", "ag", "bv", "nv", "sa", "sas", "sarl", "srl", "spa",
        "oy", "ab", "as", "asa", "aps", "kg", "se",
    }
)  # fmt: skip
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_CODE_BESIDE = re.compile(r"(?<![A-Za-z])[A-Za-z]{3}(?![A-Za-z])")
_ONE_CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₺": "TRY"}


@dataclass(frozen=True, slots=True)
class DealRecord:
    """A validated row: the deal as leadflow stores it, and whom it names."""

    line: int
    external_id: str
    status: str  # open | won | lost
    stage: str | None  # the CRM's stage as written (open deals keep it)
    name: str | None = None
    amount: float | None = None
    currency: str | None = None
    created_at: datetime | None = None  # None: the import's moment
    created_given: bool = False  # the row has a creation date (not the close date's)
    closed_at: datetime | None = None  # won or lost deals only
    expected_close: date | None = None
    owner: str | None = None
    lost_reason: str | None = None
    won_reason: str | None = None
    product: str | None = None
    contact_email: str | None = None
    contact_ref: str | None = None
    account_ref: str | None = None
    account_domain: str | None = None
    account_name: str | None = None


class _Column(NamedTuple):
    position: int
    header: str
    field: str
    read: Reader


def account_name_key(name: str) -> str:
    """A company name as deals and accounts are compared: case, accents, punctuation,
    spacing and a trailing legal form ignored (``ACME B.V.`` and ``Acme`` are one)."""
    words = [w for w in _NOT_ALNUM.split(fold(name)) if w]
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    if len(words) > 1 and "".join(words[-2:]) in _LEGAL_FORMS:  # "B V" from "B.V."
        words = words[:-2]
    return "".join(words)


class DealReader:
    """Runs a deal layout's plan for one header on each row of a file."""

    def __init__(
        self,
        layout: Layout,
        header: Sequence[str],
        *,
        now: datetime,
        default_region: str | None = None,
        zone: tzinfo = UTC,
    ) -> None:
        self.layout = layout
        self.now = now
        region = default_region or layout.default_region
        day_first = layout.day_first
        if day_first is None:
            day_first = day_first_in(region)
        self._readers = self._kinds(zone, day_first)
        self._header = list(header)
        self.header_notes: list[str] = []
        self._columns, self.unknown_headers = self._plan(header)
        self._defaults = self._plan_defaults()

    def _kinds(self, zone: tzinfo, day_first: bool) -> dict[DealKind, Reader]:
        return {
            DealKind.TEXT: clean_text,
            DealKind.EMAIL: normalise_email,
            DealKind.AMOUNT: _amount,
            DealKind.CURRENCY: _currency,
            DealKind.BOOLEAN: parse_boolean,
            DealKind.INSTANT: partial(parse_instant, zone=zone, day_first=day_first),
            DealKind.STATUS: self._status,
            DealKind.STAGE: clean_text,
            DealKind.DOMAIN: website_domain,
        }

    def _plan(self, header: Sequence[str]) -> tuple[list[_Column], list[str]]:
        columns: list[_Column] = []
        unknown: list[str] = []
        for index, name in enumerate(header):
            target = self.layout.field_for(name) if name.strip() else IGNORE
            if target is None:
                unknown.append(name)
            elif target != IGNORE:
                columns.append(_Column(index, name, target, self._reader(target)))
        self._check(columns)
        if unknown and self.layout.unknown_columns is UnknownColumns.REJECT:
            names = ", ".join(repr(name) for name in unknown)
            raise HeaderError(f"columns not in the mapping (unknown_columns: reject): {names}")
        self._check_repeats(header)
        return columns, unknown

    def _reader(self, name: str) -> Reader:
        read = self._readers[DEAL_FIELDS[name].kind]
        if name in ("external_id", "contact_ref", "account_ref"):
            read = partial(_record_id, self.layout.id_format == "salesforce")
        table = self.layout.values.get(name)
        if table is None or name in ("stage", "status"):  # their tables are outcomes
            return read

        def translated(raw: str) -> object:
            mapped = table.get(fold(raw))
            return None if mapped == "" else read(mapped or raw)

        return translated

    def _check(self, columns: list[_Column]) -> None:
        fields = {column.field for column in columns} | set(self.layout.defaults)
        fields |= {copy for copy, source in self.layout.copies.items() if source in fields}
        name = self.layout.name
        if "external_id" not in fields:
            raise HeaderError(
                f"no column holds the deal's id for deal format {name!r}"
                f"{self._expected(('external_id',))}; is the format right?"
            )
        if not fields & set(LINK_FIELDS):
            raise HeaderError(
                "no column names the deal's person (e-mail, contact id) or company (account "
                f"id, domain, name) for deal format {name!r}{self._expected(LINK_FIELDS)}"
            )
        if not fields & set(OUTCOME_FIELDS):
            raise HeaderError(
                "no column says whether a deal is open, won or lost (stage, status, won or "
                f"closed) for deal format {name!r}{self._expected(OUTCOME_FIELDS)}"
            )

    def _expected(self, wanted: Sequence[str]) -> str:
        headers = [h for h, f in self.layout.columns.items() if f in wanted]
        return f" (expected one of: {', '.join(headers[:4])})" if headers else ""

    def _check_repeats(self, header: Sequence[str]) -> None:
        """A header written twice that the layout reads cannot be told apart: refused."""
        for repeated in duplicate_headers(header, fold):
            target = self.layout.field_for(repeated.written[0])
            if target is not None and target != IGNORE:
                raise HeaderError(repeated.refused(f"the field {target!r}"))
            self.header_notes.append(
                repeated.noted(f"deal format {self.layout.name!r} does not read it")
            )

    def _plan_defaults(self) -> dict[str, object]:
        defaults: dict[str, object] = {}
        for name, raw in self.layout.defaults.items():
            try:
                value = self._reader(name)(raw)
            except InvalidValueError as error:
                raise HeaderError(f"default for {name}: {error}") from None
            if value is not None:
                defaults[name] = value
        return defaults

    def _status(self, text: str) -> str | None:
        status = status_word(text, self.layout.values.get("status"))
        if status is None:
            raise InvalidValueError(f"{text!r} is not open, won or lost")
        # A mapping's "" says nothing: the stage decides (Odoo's Active is True both for
        # an open deal and a won one).
        return status or None

    def convert(self, line: int, cells: Sequence[str]) -> DealRecord:
        """The record of one row; RowError with the column and reason otherwise."""
        too_wide = overflow(cells, len(self._header))
        if too_wide is not None:
            raise RowError(line, too_wide)
        given, headers = self._read(line, cells)
        for name, value in self._defaults.items():
            given.setdefault(name, value)
        return _Assembly(line, given, headers, self).record()

    def _read(self, line: int, cells: Sequence[str]) -> tuple[dict[str, object], dict[str, str]]:
        given: dict[str, object] = {}
        headers: dict[str, str] = {}
        empty = self.layout.empty_words
        for index, header, name, read in self._columns:
            if name in given or index >= len(cells):
                continue
            raw = trimmed(cells[index])
            if not raw or raw.casefold() in empty:
                continue
            try:
                value = read(raw)
            except InvalidValueError as error:
                raise RowError(line, f"{name} (column {header!r}): {error}", header) from None
            if value is not None:
                given[name] = value
                headers[name] = header
        for name, source in self.layout.copies.items():
            if name not in given and source in given:
                given[name], headers[name] = given[source], headers[source]
        return given, headers

    def stage_outcome(self, stage: str) -> str:
        return stage_outcome(stage, self.layout.values.get("stage"))

    def namespaced(self, local: str) -> str:
        namespace = self.layout.id_namespace
        return f"{namespace}:{local}" if namespace else local


class _Assembly:
    """One row's values put together into a record (the rules of the module doc)."""

    def __init__(
        self, line: int, given: dict[str, object], headers: dict[str, str], reader: DealReader
    ) -> None:
        self.line, self.given, self.headers, self.reader = line, given, headers, reader

    def text(self, name: str) -> str | None:
        value = self.given.get(name)
        return None if value is None else str(value)

    def instant(self, name: str) -> datetime | None:
        value = self.given.get(name)
        return value if isinstance(value, datetime) else None

    def fail(self, reason: str, name: str | None = None) -> RowError:
        return RowError(self.line, reason, None if name is None else self.headers.get(name))

    def record(self) -> DealRecord:
        self._check_lengths()
        status = self._status()
        closed_at, expected = self._close(status)
        contact_ref = self.text("contact_ref")
        record = DealRecord(
            line=self.line,
            external_id=self.reader.namespaced(str(self.given["external_id"]))
            if "external_id" in self.given
            else self._missing_id(),
            status=status,
            stage=self.text("stage"),
            name=self.text("name"),
            amount=_float(self.given.get("amount")),
            currency=self._currency(),
            created_at=self._created(closed_at),
            created_given="created_at" in self.given,
            closed_at=closed_at,
            expected_close=expected,
            owner=self.text("owner"),
            lost_reason=self.text("lost_reason") if status == "lost" else None,
            won_reason=self.text("won_reason") if status == "won" else None,
            product=self.text("product"),
            contact_email=self.text("contact_email"),
            contact_ref=None if contact_ref is None else self.reader.namespaced(contact_ref),
            account_ref=self.text("account_ref"),
            account_domain=self.text("account_domain"),
            account_name=self.text("account_name"),
        )
        if not any(getattr(record, name) for name in LINK_FIELDS):
            raise self.fail("names neither a person nor a company: nothing to link the deal to")
        return record

    def _currency(self) -> str | None:
        """The currency column's, else the one written in the amount cell, else the
        mapping's default (a default is for cells that say none)."""
        if "currency" in self.headers:
            return self.text("currency")
        return _money_currency(self.given.get("amount")) or self.text("currency")

    def _missing_id(self) -> str:
        raise self.fail("no deal id: the deal cannot be found again when it changes")

    def _check_lengths(self) -> None:
        for name, limit in DEAL_LIMITS.items():
            value = self.given.get(name)
            if isinstance(value, str) and len(value) > limit:
                header = self.headers.get(name, name)
                raise self.fail(
                    f"{name} (column {header!r}) is longer than {limit} characters", name
                )

    def _status(self) -> str:
        if "status" in self.given:
            return str(self.given["status"])
        won, closed = self.given.get("won"), self.given.get("closed")
        stage = self.text("stage")
        by_stage = None if stage is None else self.reader.stage_outcome(stage)
        if closed is False:
            return "open"
        if closed is True:
            if won is not None:
                return "won" if won else "lost"
            if by_stage in ("won", "lost"):
                return by_stage
            raise self.fail(
                f"closed, but stage {stage!r} says neither won nor lost (give its outcome in "
                "a mapping file: values: {stage: {...: won}})",
                "closed",
            )
        if won is True:
            return "won"
        if by_stage is not None:
            return by_stage
        raise self.fail("no stage or status: whether the deal is open, won or lost is unknown")

    def _close(self, status: str) -> tuple[datetime | None, date | None]:
        close = self.instant("closed_at")
        expected = self.instant("expected_close")
        if status == "open":
            chosen = expected or close
            return None, None if chosen is None else chosen.date()
        if close is None:
            raise self.fail(
                f"a {status} deal without a close date: when it was {status} is unknown"
            )
        if close > self.reader.now:
            raise self.fail(
                f"{status} on {close.date().isoformat()}, a close date in the future", "closed_at"
            )
        return close, None if expected is None else expected.date()

    def _created(self, closed_at: datetime | None) -> datetime | None:
        created = self.instant("created_at") or closed_at
        if created is None:
            return None
        created = min(created, self.reader.now)
        return created if closed_at is None else min(created, closed_at)


def _record_id(salesforce: bool, text: str) -> str:
    """The first of the ids a cell lists, in its source's one form; refused when Excel
    shortened it (checked before the split: ``1,23457E+14`` has a decimal comma)."""
    whole_id(text)
    first = whole_id(_SEPARATED_IDS.split(text, maxsplit=1)[0].strip())
    if not first:
        raise InvalidValueError(f"{text!r} holds no id")
    return salesforce_id(first) if salesforce else first


class _Money(NamedTuple):
    """An amount cell: its number, and the currency written beside it, if any."""

    amount: float
    currency: str | None


def _amount(text: str) -> _Money:
    amount = parse_amount(text)
    if amount < 0:
        raise InvalidValueError(f"{text!r} is negative")
    if amount >= 1e16:  # opportunities.amount holds 16 digits and cents
        raise InvalidValueError(f"{text!r} is too large")
    return _Money(amount, _written_currency(text))


def _written_currency(text: str) -> str | None:
    """The currency an amount cell names: an ISO 4217 code before or after the number
    (Salesforce's multi-currency reports write ``USD 12,000.00``), or a symbol that means
    one currency (``€``, ``£``); ``$`` or ``¥`` could be several, so they name none."""
    words = {word.upper() for word in _CODE_BESIDE.findall(text)}
    codes = {word for word in words if word in _currencies()}
    codes |= {code for symbol, code in _ONE_CURRENCY_SYMBOLS.items() if symbol in text}
    return codes.pop() if len(codes) == 1 else None


def _currency(text: str) -> str:
    code = text.strip().upper()
    if code not in _currencies():
        raise InvalidValueError(f"{text!r} is not an ISO 4217 currency code (EUR, USD ...)")
    return code


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def _float(value: object) -> float | None:
    return value.amount if isinstance(value, _Money) else None


def _money_currency(value: object) -> str | None:
    return value.currency if isinstance(value, _Money) else None

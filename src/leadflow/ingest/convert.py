"""Validate one CSV row against a layout and turn it into a ``ContactRecord``.

The header is planned once (which column feeds which field, through which normaliser);
each row then runs the plan. A cell holding one of the layout's empty words (Marketo's
``null``) is an empty cell. A row is rejected (``RowError``) when a cell cannot be
normalised or when nothing identifies the person (no e-mail and no record id). A
header that cannot work at all (no identifying column, a column the mapping refuses)
raises ``HeaderError`` before any row is read.

A record id is written in its source's one form where it has two (Salesforce's 15- and
18-character ids: ``salesforce_ids``), before the namespace is put in front of it.

Derived values, after the cells:
    phone        normalised with the row's country, else the default region; a written
                 extension ("ext. 12", "poste 12") goes to ``phone_extension``
    mobile_phone also the phone when the row has no other phone
    full_name    split at the first space into first and last name, when those are absent
    domain       the website's, else the e-mail's unless free mail; keys the account
    channel      from the UTM source/medium when no channel column says it; a social
                 channel whose drill-down names LinkedIn is ``linkedin``; ``purchased``
                 marks the contact purchased
    account      industry, employees, revenue go to the account when there is a domain,
                 else to the contact's attributes (so fit rules still see them)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from functools import partial
from typing import NamedTuple

from leadflow.ingest.consent_claims import consent_claims
from leadflow.ingest.countries import country_code, fold
from leadflow.ingest.excel_ids import whole_id
from leadflow.ingest.fields import FIELDS, Kind, Target
from leadflow.ingest.formats.layout import IGNORE, Layout, UnknownColumns
from leadflow.ingest.instants import day_first_in, parse_instant
from leadflow.ingest.normalise import (
    InvalidValueError,
    clean_text,
    company_domain,
    email_domain,
    industry_key,
    normalise_email,
    normalise_utm,
    parse_amount,
    parse_boolean,
    parse_integer,
    read_phone,
    snake_case,
    trimmed,
    website_domain,
)
from leadflow.ingest.record import ContactRecord, RowError
from leadflow.ingest.salesforce_ids import salesforce_id
from leadflow.ingest.table import duplicate_headers, overflow
from leadflow.ingest.values import (
    bounced,
    channel,
    channel_from_utm,
    consent_status,
    lead_status,
    lifecycle_stage,
    seniority,
)

__all__ = ["HeaderError", "RowConverter", "check_width"]

Normaliser = Callable[[str], object]


class HeaderError(ValueError):
    """A header this layout cannot import from; the message says what is missing."""


# A cell the layout's value map drops (mapped to ""): as if it were empty.
_SKIP = object()
# Kinds whose cells are mostly unique (addresses, phone numbers, times): not remembered.
# Every other kind repeats (names, titles, companies, countries, stages, statuses ...):
# its results are remembered per distinct cell, which matters at a million rows. A
# dictionary lookup costs a tenth of the call it saves.
_UNIQUE = frozenset({Kind.EMAIL, Kind.PHONE, Kind.INSTANT})
_MEMO_LIMIT = 10_000
# field -> column written, for the fields stored on the contact or among its attributes
# (two look-ups per value cost less than comparing its target: this runs for every cell).
_CONTACT_COLUMNS = {name: f.column for name, f in FIELDS.items() if f.target is Target.CONTACT}
_ATTRIBUTE_COLUMNS = {name: f.column for name, f in FIELDS.items() if f.target is Target.ATTRIBUTE}


class _Column(NamedTuple):
    position: int
    header: str
    field: str
    read: Normaliser  # value map and normaliser in one call, on a stripped cell
    # Raw cell -> value (or _SKIP), for repeating kinds; None: every cell is read.
    memo: dict[str, object] | None


def _not_negative(normalise: Normaliser, text: str) -> object:
    value = normalise(text)
    if isinstance(value, (int, float)) and value < 0:
        raise InvalidValueError(f"{text!r} is negative")
    return value


def _record_id(form: Normaliser, normalise: Normaliser, text: str) -> object:
    """A record id in its source's one form; refused when Excel shortened it."""
    return form(whole_id(str(normalise(text))))


def _as_written(text: str) -> object:
    return text


# A layout's ``id_format`` -> the function giving its record ids one written form.
_RECORD_ID_FORMS: dict[str, Normaliser] = {"salesforce": salesforce_id}
# The fields holding a CRM's record ids: the person's and the company's.
_RECORD_IDS = frozenset({"external_id", "account_ref"})


def _country(text: str) -> str:
    code = country_code(text)
    if code is None:
        raise InvalidValueError(f"{text!r} is not a country we know (a name or ISO code)")
    return code


# A head count or a revenue below zero is a slip ("-250"), or an accountant's loss
# "(1.234,56)" in a revenue column: refused, as the accounts import refuses it.
_NOT_NEGATIVE = frozenset({"employees", "revenue"})
_PHONES = ("phone", "mobile_phone")
_SOCIAL = frozenset({"organic_social", "paid_social", "social", "social_media"})
_ACCOUNT_FALLBACK = ("industry", "employees", "revenue")
_ACCOUNT_FACTS = (*_ACCOUNT_FALLBACK, "company_country")
_ACCOUNT_COLUMNS = tuple((name, FIELDS[name].column) for name in _ACCOUNT_FACTS)
_CONSENT_FIELDS = frozenset(name for name, spec in FIELDS.items() if spec.target is Target.CONSENT)
# Flags that restrict a channel: any column saying yes counts, so a "no" in one column
# (Dynamics' "Do not allow Emails") does not hide a "yes" in the next ("... Bulk Emails").
_ANY_YES = frozenset({"email_opt_out", "phone_opt_out", "email_bounced"})


class RowConverter:
    """Runs a layout's plan for one header on each row of a file."""

    def __init__(
        self,
        layout: Layout,
        header: Sequence[str],
        *,
        default_region: str | None = None,
        zone: tzinfo = UTC,
        day_first: bool | None = None,
        free_mail: frozenset[str] = frozenset(),
    ) -> None:
        self.layout = layout
        self.default_region = default_region or layout.default_region
        if day_first is None:
            day_first = layout.day_first
        if day_first is None:
            day_first = day_first_in(self.default_region)
        self._normalisers = self._kinds(zone, day_first)
        self._free_mail = free_mail
        self._employers: dict[str, object] = {}  # e-mail domain -> company domain or None
        self._header = list(header)
        # Warnings about the header that do not stop the import (a repeated column the
        # layout does not read); a repeated column it reads raises HeaderError.
        self.header_notes: list[str] = []
        self._columns, self._unknown = self._plan(header)
        self._phone_headers = {c.field: c.header for c in reversed(self._columns)}
        self._defaults = self._plan_defaults()
        planned = {column.field for column in self._columns} | set(self._defaults)
        self._consent_fields = bool(planned & _CONSENT_FIELDS)

    def _kinds(self, zone: tzinfo, day_first: bool) -> dict[Kind, Normaliser]:
        return {
            Kind.TEXT: clean_text,
            Kind.EMAIL: normalise_email,
            Kind.PHONE: clean_text,  # normalised after the row's country is known
            Kind.COUNTRY: _country,
            Kind.WEBSITE: website_domain,
            Kind.INTEGER: parse_integer,
            Kind.AMOUNT: parse_amount,
            Kind.BOOLEAN: parse_boolean,
            Kind.INSTANT: partial(parse_instant, zone=zone, day_first=day_first),
            Kind.UTM: normalise_utm,
            Kind.CHANNEL: channel,
            Kind.SENIORITY: seniority,
            Kind.STAGE: lifecycle_stage,
            Kind.STATUS: lead_status,
            Kind.CONSENT: consent_status,
            Kind.BOUNCE: bounced,
        }

    def _plan(self, header: Sequence[str]) -> tuple[list[_Column], list[tuple[int, str]]]:
        columns: list[_Column] = []
        unknown: list[tuple[int, str]] = []
        keys: set[str] = set()
        for index, name in enumerate(header):
            target = self.layout.field_for(name) if name else IGNORE
            if target is None:
                unknown.append((index, _attribute_key(name, keys)))
            elif target != IGNORE:
                memo: dict[str, object] | None = None
                if FIELDS[target].kind not in _UNIQUE:
                    memo = {}
                columns.append(_Column(index, name, target, self._reader(target), memo))
        self._check(header, columns, unknown)
        self._check_repeats(header, dict(unknown))
        return columns, unknown

    def _reader(self, name: str) -> Normaliser:
        """The function turning a non-empty cell of field ``name`` into its value."""
        kind = FIELDS[name].kind
        normalise = self._normalisers[kind]
        if name in _NOT_NEGATIVE:
            normalise = partial(_not_negative, normalise)
        if name in _RECORD_IDS:
            form = _RECORD_ID_FORMS.get(self.layout.id_format or "", _as_written)
            normalise = partial(_record_id, form, normalise)
        table = self.layout.values.get(name)
        read = normalise
        if table is not None:

            def read(raw: str) -> object:
                mapped = table.get(fold(raw))
                return _SKIP if mapped == "" else normalise(mapped or raw)

        return self._unless_empty(read)

    def _unless_empty(self, read: Normaliser) -> Normaliser:
        """``read``, except that the layout's empty words are empty cells (_SKIP)."""
        empty = self.layout.empty_words
        if not empty:
            return read

        def read_given(raw: str) -> object:
            return _SKIP if raw.casefold() in empty else read(raw)

        return read_given

    def _check(
        self, header: Sequence[str], columns: list[_Column], unknown: list[tuple[int, str]]
    ) -> None:
        fields = {column.field for column in columns}
        if not fields & {"email", "external_id"}:
            identifying = ("email", "external_id")
            expected = [h for h, f in self.layout.columns.items() if f in identifying]
            hint = f" (expected one of: {', '.join(expected[:4])})" if expected else ""
            raise HeaderError(
                f"no column holds an e-mail address or a record id for format "
                f"{self.layout.name!r}{hint}; is the format right?"
            )
        if unknown and self.layout.unknown_columns is UnknownColumns.REJECT:
            names = ", ".join(repr(header[index]) for index, _ in unknown)
            raise HeaderError(f"columns not in the mapping (unknown_columns: reject): {names}")

    def _check_repeats(self, header: Sequence[str], attributes: dict[int, str]) -> None:
        """A header written twice (or twice the same once folded, as it is matched): when
        the layout reads it, which column is meant cannot be told, so the file is refused;
        otherwise both are kept as attributes (or both ignored), and the import says so."""
        for repeated in duplicate_headers(header, fold):
            target = self.layout.field_for(repeated.written[0])
            if target is not None and target != IGNORE:
                raise HeaderError(repeated.refused(f"the field {target!r}"))
            if target == IGNORE or self.layout.unknown_columns is UnknownColumns.IGNORE:
                fate = f"format {self.layout.name!r} ignores it, so nothing is lost"
            else:
                keys = ", ".join(attributes[index] for index in repeated.positions)
                fate = f"format {self.layout.name!r} does not read it: kept as attributes {keys}"
            self.header_notes.append(repeated.noted(fate))

    def _plan_defaults(self) -> dict[str, object]:
        defaults: dict[str, object] = {}
        for name, raw in self.layout.defaults.items():
            try:
                value = self._normalise(name, raw)
            except InvalidValueError as error:
                raise HeaderError(f"default for {name}: {error}") from None
            if value is not None:
                defaults[name] = value
        return defaults

    def _normalise(self, name: str, raw: str) -> object:
        value = self._reader(name)(raw)
        return None if value is _SKIP else value

    @property
    def unknown_headers(self) -> list[str]:
        """The headers no field claims (kept as attributes unless the layout says not)."""
        return [self._header[index] for index, _ in self._unknown]

    def convert(self, line: int, cells: Sequence[str]) -> ContactRecord:
        """The record of one row; RowError with the column and reason otherwise."""
        if len(cells) > len(self._header):
            check_width(line, cells, len(self._header))
        given = self._read(line, cells)
        for name, value in self._defaults.items():
            given.setdefault(name, value)
        self._phones(line, given)
        record = self._assemble(line, given)
        if self.layout.unknown_columns is UnknownColumns.ATTRIBUTES:
            self._keep_unknown(record, cells)
        if record.email is None and record.external_id is None:
            raise RowError(line, "no e-mail address and no record id: nobody to import")
        return record

    def _read(self, line: int, cells: Sequence[str]) -> dict[str, object]:
        """The non-empty cells' values by field: the hot loop of an import, kept flat."""
        given: dict[str, object] = {}
        width = len(cells)
        for index, header, name, read, memo in self._columns:
            if index >= width:
                continue
            raw = cells[index]
            if not raw or (name in given and (given[name] is not False or name not in _ANY_YES)):
                continue  # empty, or an earlier column of the same field had a value
            if memo is not None:
                value = memo.get(raw, _SKIP)
                if value is _SKIP and raw not in memo:
                    value = _first_sight(line, header, raw, read, memo)
            else:  # _value, written out: most of a row's time is spent here
                raw = raw.strip()
                if not raw.isascii():
                    raw = trimmed(raw)
                if not raw:
                    continue
                try:
                    value = read(raw)
                except InvalidValueError as error:
                    raise RowError(line, f"{header}: {error}", header) from None
            if value is not _SKIP:
                given[name] = value
        return given

    def _phones(self, line: int, given: dict[str, object]) -> None:
        region = given.get("country") or self.default_region
        for name in _PHONES:
            raw = given.get(name)
            if isinstance(raw, str):
                try:
                    phone = read_phone(raw, _str(region))
                except InvalidValueError as error:
                    column = self._phone_headers.get(name, name)
                    raise RowError(line, f"{column}: {error}", column) from None
                given[name] = phone.number
                # The extension belongs to the number that becomes the phone: the mobile
                # only when there is no phone. A column of its own wins.
                if phone.extension and (name == "phone" or "phone" not in given):
                    given.setdefault("phone_extension", phone.extension)

    def _assemble(self, line: int, given: dict[str, object]) -> ContactRecord:
        record = ContactRecord(line, {}, {}, {}, [])
        contact, attributes = record.contact, record.attributes
        _derive(given)
        to_contact, to_attributes = _CONTACT_COLUMNS, _ATTRIBUTE_COLUMNS
        for name, value in given.items():
            column = to_contact.get(name)
            if column is not None:
                contact[column] = value
            elif (column := to_attributes.get(name)) is not None:
                attributes[column] = value
        if "external_id" in contact and self.layout.id_namespace:
            contact["external_id"] = f"{self.layout.id_namespace}:{contact['external_id']}"
        self._account(record, given)
        changed_at = given.get("updated_at")
        record.changed_at = changed_at if isinstance(changed_at, datetime) else None
        if self._consent_fields:
            record.consents = consent_claims(given, record.changed_at)
            if any(c.status == "confirmed" and c.channel == "email" for c in record.consents):
                contact["identity"] = "confirmed"
        return record

    def _account(self, record: ContactRecord, given: dict[str, object]) -> None:
        industry = given.pop("industry", None)
        if isinstance(industry, str):  # stored as accounts imports store it (fit rules' words)
            with contextlib.suppress(InvalidValueError):  # punctuation only: none named
                given["industry"] = industry_key(industry)
        website = given.get("website")
        if isinstance(website, str):
            domain: str | None = website
        else:
            email = record.contact.get("email")
            domain = self._employer(email) if isinstance(email, str) else None
        if domain is None:
            for name in _ACCOUNT_FALLBACK:
                if name in given:
                    record.attributes[name] = given[name]
            return
        record.contact["domain"] = domain
        account = record.account
        for name, column in _ACCOUNT_COLUMNS:
            if name in given:
                account[column] = given[name]
        account["domain"] = domain
        if "company" in given:
            account["name"] = given["company"]

    def _employer(self, email: str) -> str | None:
        """The e-mail's domain unless free mail (``company_domain``), decided once per
        domain: a file holds many people of one company."""
        domain = email_domain(email)
        known = self._employers.get(domain, _SKIP)
        if known is _SKIP:
            known = company_domain(email, None, self._free_mail)
            if len(self._employers) < _MEMO_LIMIT:
                self._employers[domain] = known
        return known  # type: ignore[return-value]

    def _keep_unknown(self, record: ContactRecord, cells: Sequence[str]) -> None:
        width, empty = len(cells), self.layout.empty_words
        for index, key in self._unknown:
            cell = cells[index] if index < width else ""
            if cell and not cell.isascii():
                cell = trimmed(cell)
            if cell and (value := clean_text(cell)) and value.casefold() not in empty:
                record.attributes[key] = value


def check_width(line: int, cells: Sequence[str], width: int) -> None:
    """RowError when a row has values beyond the header's last column (``overflow``)."""
    problem = overflow(cells, width)
    if problem is not None:
        raise RowError(line, problem)


def _value(line: int, header: str, raw: str, read: Normaliser) -> object:
    """A cell's value (_SKIP: blank or dropped); RowError names the column and why."""
    raw = trimmed(raw)
    if not raw:
        return _SKIP
    try:
        return read(raw)
    except InvalidValueError as error:
        raise RowError(line, f"{header}: {error}", header) from None


def _first_sight(
    line: int, header: str, raw: str, read: Normaliser, memo: dict[str, object]
) -> object:
    """A repeating column's cell met for the first time: read it and remember the value
    (not an error: the next row with that cell reports it again, with its own line)."""
    value = _value(line, header, raw, read)
    if len(memo) < _MEMO_LIMIT:
        memo[raw] = value
    return value


def _derive(given: dict[str, object]) -> None:
    """Fill what other cells imply (see the module docstring)."""
    full = given.pop("full_name", None)
    if isinstance(full, str) and "first_name" not in given and "last_name" not in given:
        first, _, last = full.partition(" ")
        given["first_name"] = first
        if last:
            given["last_name"] = last
    if "mobile_phone" in given:
        given.setdefault("phone", given["mobile_phone"])
    if "channel" not in given:
        implied = channel_from_utm(_str(given.get("utm_source")), _str(given.get("utm_medium")))
        if implied:
            given["channel"] = implied
    detail = _str(given.get("source_detail")) or ""
    if given.get("channel") in _SOCIAL and "linkedin" in detail.lower():
        given["channel"] = "linkedin"
    if given.get("channel") == "purchased":
        given.setdefault("purchased", True)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _attribute_key(header: str, taken: set[str]) -> str:
    """A unique attribute key for an unknown column; a field's own name gets ``_raw``."""
    key = snake_case(header) or "column"
    if key in FIELDS:
        key = f"{key}_raw"
    candidate, number = key, 2
    while candidate in taken:
        candidate, number = f"{key}_{number}", number + 1
    taken.add(candidate)
    return candidate

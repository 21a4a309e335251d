"""Validate one row of a CRM's activity export and turn it into an ``ActivityRecord``.

The header is planned once against an activity layout (``activity_formats``). A header
without the activity's id, without anything naming its person, or without anything
saying what kind of activity it is cannot be imported (``HeaderError``). Each row then
gives a record, or a ``RowError`` naming the column and the reason.

    channel     the first channel column whose word is a channel (a mapping's words,
                then leadflow's and a rep's in the main European languages: ``Call``,
                ``Anruf``, ``Appel``, ``ListEmail``, ``Event``); else a call outcome
                column makes a call, a meeting outcome a meeting, an e-mail subject an
                e-mail. A row of none (a to-do ``Task``) is no touch: ``channel`` None
    outcome     the outcome, call outcome or meeting outcome, in a rep's words: an
                attempt's (no answer ... meeting booked) or a conversation's
                (interested, not interested, no decision); a word that is neither is a
                bad row (name it in a mapping file's ``values``). Scheduled, rescheduled
                and cancelled say the activity was not done. A done activity without
                one: a meeting connected, anything else no answer (``outcome_given``)
    done        the status or done column (Completed, Erledigt, Terminé; Not Started,
                Scheduled); without one, done when it has an outcome or does not lie
                ahead of now
    at          when it happened (completed, started, due: a column with a time of day
                before one with a day only), with Pipedrive's separate due time; a
                date without a time is the creation time when the activity was created
                that day, else the start of that day; without any, the creation time.
                A done activity later than now is a bad row
    ids         the activity's and its person's id carry the format's namespace, as the
                contact import stores ids (Salesforce ids in their 18-character form)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from typing import NamedTuple

from leadflow.domain.attempt_words import done_word, said_as
from leadflow.domain.vocabulary import AttemptChannel, AttemptOutcome, ConversationOutcome
from leadflow.ingest.convert import HeaderError
from leadflow.ingest.countries import fold
from leadflow.ingest.excel_ids import whole_id
from leadflow.ingest.formats.layout import IGNORE, Layout
from leadflow.ingest.instants import day_first_in, parse_instant
from leadflow.ingest.normalise import InvalidValueError, normalise_email, trimmed
from leadflow.ingest.record import RowError
from leadflow.ingest.salesforce_ids import salesforce_id
from leadflow.ingest.table import duplicate_headers, overflow

__all__ = ["ActivityReader", "ActivityRecord"]

_EMAIL_IN_TEXT = re.compile(r"[^\s<>()\[\];,\"']+@[^\s<>()\[\];,\"']+\.[^\s<>()\[\];,\"']+")
_SEPARATED_IDS = re.compile(r"[;,]")
_TIME = re.compile(r"\d:\d\d")
_PERSON = ("contact_ref", "contact_email")
_KIND = ("channel", "call_outcome", "meeting_outcome", "email_subject")
_IMPLIED = {
    "call_outcome": AttemptChannel.CALL,
    "meeting_outcome": AttemptChannel.MEETING,
    "email_subject": AttemptChannel.EMAIL,
}
_LIMITS = {"external_id": 300, "rep": 200}


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """A validated row: what the rep did, when, with whom."""

    line: int
    external_id: str
    channel: AttemptChannel | None  # None: not a touch (a to-do task)
    said: str | None  # the type as the row wrote it ("Task"), for the summary
    outcome: AttemptOutcome | None  # an attempt's
    conversation: ConversationOutcome | None  # or a conversation's
    outcome_given: bool  # False: the row said none, the default was taken
    done: bool
    at: datetime
    contact_ref: str | None = None
    contact_email: str | None = None
    rep: str | None = None
    note: str | None = None


class _Column(NamedTuple):
    position: int
    header: str
    field: str


class ActivityReader:
    """Runs an activity layout's plan for one header on each row of a file."""

    def __init__(
        self,
        layout: Layout,
        header: Sequence[str],
        *,
        now: datetime,
        default_region: str | None = None,
        zone: tzinfo = UTC,
    ) -> None:
        self.layout, self.now, self.zone = layout, now, zone
        region = default_region or layout.default_region
        self.day_first = layout.day_first if layout.day_first is not None else day_first_in(region)
        self._width = len(header)
        self.header_notes: list[str] = []
        self.unknown_headers: list[str] = []
        self._columns = self._plan(header)

    def _plan(self, header: Sequence[str]) -> list[_Column]:
        columns: list[_Column] = []
        for index, name in enumerate(header):
            target = self.layout.field_for(name) if name.strip() else IGNORE
            if target is None:
                self.unknown_headers.append(name)
            elif target != IGNORE:
                columns.append(_Column(index, name, target))
        fields = {column.field for column in columns} | set(self.layout.defaults)
        self._require(fields, ("external_id",), "the activity's id")
        self._require(fields, _PERSON, "the activity's person (contact id or e-mail)")
        self._require(fields, _KIND, "what kind of activity it is (type, call outcome ...)")
        self._require(fields, ("at", "created_at"), "when the activity happened")
        for repeated in duplicate_headers(header, fold):
            target = self.layout.field_for(repeated.written[0])
            if target is not None and target != IGNORE:
                raise HeaderError(repeated.refused(f"the field {target!r}"))
            self.header_notes.append(
                repeated.noted(f"activity format {self.layout.name!r} does not read it")
            )
        return columns

    def _require(self, fields: set[str], wanted: Sequence[str], what: str) -> None:
        if fields & set(wanted):
            return
        headers = [h for h, f in self.layout.columns.items() if f in wanted][:4]
        expected = f" (expected one of: {', '.join(headers)})" if headers else ""
        raise HeaderError(
            f"no column holds {what} for activity format {self.layout.name!r}{expected}; "
            "is the format right?"
        )

    def convert(self, line: int, cells: Sequence[str]) -> ActivityRecord:
        """The record of one row; RowError with the column and reason otherwise."""
        too_wide = overflow(cells, self._width)
        if too_wide is not None:
            raise RowError(line, too_wide)
        return _Row(line, self._cells(cells), self).record()

    def _cells(self, cells: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """field -> [(header, cell)] of its non-empty cells, in file order; a default
        when the row has none."""
        found: dict[str, list[tuple[str, str]]] = {}
        empty = self.layout.empty_words
        for index, header, name in self._columns:
            raw = trimmed(cells[index]) if index < len(cells) else ""
            if raw and raw.casefold() not in empty:
                found.setdefault(name, []).append((header, raw))
        for name, raw in self.layout.defaults.items():
            found.setdefault(name, [(name, raw)])
        return found

    def instant(self, text: str) -> datetime:
        return parse_instant(text, zone=self.zone, day_first=self.day_first)

    def namespaced(self, local: str) -> str:
        namespace = self.layout.id_namespace
        return f"{namespace}:{local}" if namespace else local


class _Row:
    """One row's cells put together into a record (the rules of the module doc)."""

    def __init__(
        self, line: int, cells: dict[str, list[tuple[str, str]]], reader: ActivityReader
    ) -> None:
        self.line, self.cells, self.reader = line, cells, reader
        self.layout = reader.layout
        self.at_header: str | None = None  # the column the moment was read from

    def first(self, name: str) -> tuple[str, str] | None:
        found = self.cells.get(name)
        return found[0] if found else None

    def text(self, name: str) -> str | None:
        found = self.first(name)
        return None if found is None else found[1]

    def fail(self, reason: str, header: str | None = None) -> RowError:
        return RowError(self.line, reason, header)

    def word(self, name: str, raw: str) -> str:
        """A cell as leadflow reads it: a mapping's word for it first."""
        mapped = self.layout.value_for(name, raw)
        return raw if mapped is None else mapped

    def record(self) -> ActivityRecord:
        for name, limit in _LIMITS.items():
            value = self.text(name)
            if value is not None and len(value) > limit:
                raise self.fail(f"{name} is longer than {limit} characters")
        channel, said = self._channel()
        outcome_text = next(
            (self.first(name) for name in ("outcome", "call_outcome", "meeting_outcome")
             if self.first(name) is not None),
            None,
        )  # fmt: skip
        outcome, conversation, not_done = self._outcome(outcome_text)
        at = self._at()
        given = outcome is not None or conversation is not None
        done = self._done(at, given) and not not_done
        if done and at > self.reader.now:
            raise self.fail(
                f"done on {at.isoformat(timespec='minutes')}, later than now: an activity is "
                "imported once it happened",
                self.at_header,
            )
        if done and not given and channel is not None:
            meeting = channel is AttemptChannel.MEETING
            outcome = AttemptOutcome.CONNECTED if meeting else AttemptOutcome.NO_ANSWER
        return ActivityRecord(
            line=self.line,
            external_id=self._id(),
            channel=channel,
            said=said,
            outcome=outcome,
            conversation=conversation,
            outcome_given=given,
            done=done,
            at=at,
            contact_ref=self._contact_ref(),
            contact_email=self._email(),
            rep=self.text("rep"),
            note=self._note(),
        )

    def _id(self) -> str:
        found = self.first("external_id")
        if found is None:
            raise self.fail("no activity id: importing the file again would record it twice")
        return self.reader.namespaced(self._record_id(*found))

    def _record_id(self, header: str, text: str) -> str:
        try:
            whole_id(text)
            first = whole_id(_SEPARATED_IDS.split(text, maxsplit=1)[0].strip())
            if not first:
                raise InvalidValueError(f"{text!r} holds no id")
            return salesforce_id(first) if self.layout.id_format == "salesforce" else first
        except (InvalidValueError, ValueError) as error:
            raise self.fail(f"column {header!r}: {error}", header) from None

    def _contact_ref(self) -> str | None:
        found = self.first("contact_ref")
        return None if found is None else self.reader.namespaced(self._record_id(*found))

    def _email(self) -> str | None:
        for header, text in self.cells.get("contact_email", []):
            match = _EMAIL_IN_TEXT.search(text)
            if match is None:
                continue  # a name without an address links nobody
            try:
                return normalise_email(match.group(0))
            except InvalidValueError as error:
                raise self.fail(f"contact_email (column {header!r}): {error}", header) from None
        return None

    def _channel(self) -> tuple[AttemptChannel | None, str | None]:
        written = self.cells.get("channel", [])
        for _, raw in written:
            channel = said_as(AttemptChannel, self.word("channel", raw))
            if channel is not None:
                return channel, raw
        for name, implied in _IMPLIED.items():
            if self.first(name) is not None:
                return implied, implied.value
        return None, written[0][1] if written else None

    def _outcome(
        self, found: tuple[str, str] | None
    ) -> tuple[AttemptOutcome | None, ConversationOutcome | None, bool]:
        """(attempt outcome, conversation outcome, says it was not done)."""
        if found is None:
            return None, None, False
        header, raw = found
        word = self.word("outcome", raw)
        outcome = said_as(AttemptOutcome, word)
        if outcome is not None:
            return outcome, None, False
        conversation = said_as(ConversationOutcome, word)
        if conversation is not None:
            return None, conversation, False
        if done_word(word) is False:  # Scheduled, Rescheduled, Canceled
            return None, None, True
        known = ", ".join([*AttemptOutcome, *ConversationOutcome])
        raise self.fail(
            f"outcome {raw!r} (column {header!r}) is none of leadflow's ({known}); give "
            "its meaning in a mapping file (values: {outcome: {...: no_answer}})",
            header,
        )

    def _done(self, at: datetime, outcome_given: bool) -> bool:
        for name in ("status", "done"):
            found = self.first(name)
            if found is None:
                continue
            header, raw = found
            done = done_word(self.word(name, raw))
            if done is None:
                raise self.fail(
                    f"{name} {raw!r} (column {header!r}) says neither done (Completed, "
                    "Done) nor planned (Not Started, Scheduled)",
                    header,
                )
            return done
        # Without a status: what came of it says it was done; a meeting ahead with no
        # outcome is planned.
        return outcome_given or at <= self.reader.now

    def _at(self) -> datetime:
        created = self._instant("created_at")
        written = self.cells.get("at", [])
        # A moment with its time of day (CompletedDateTime) over a day (ActivityDate),
        # whatever order the export put them in.
        found = next((cell for cell in written if _TIME.search(cell[1])), None)
        found = found or (written[0] if written else None)
        if found is None:
            if created is None:
                raise self.fail("no date: when the activity happened is unknown")
            return created
        header, raw = found
        self.at_header = header
        time_of_day = self.text("due_time")
        if time_of_day is not None and not _TIME.search(raw):
            raw = f"{raw} {time_of_day}"
        moment = self._parse(header, raw)
        if _TIME.search(raw) is None:  # a day without a time (Salesforce's ActivityDate)
            day = moment.astimezone(self.reader.zone).date()
            if created is not None and created.astimezone(self.reader.zone).date() == day:
                return created
            return datetime.combine(day, time(), self.reader.zone).astimezone(UTC)
        return moment

    def _instant(self, name: str) -> datetime | None:
        found = self.first(name)
        return None if found is None else self._parse(*found)

    def _parse(self, header: str, raw: str) -> datetime:
        try:
            return self.reader.instant(raw)
        except InvalidValueError as error:
            raise self.fail(f"column {header!r}: {error}", header) from None

    def _note(self) -> str | None:
        parts = [self.text(name) for name in ("subject", "email_subject", "note")]
        said = " - ".join(part for part in parts if part)
        return said or None

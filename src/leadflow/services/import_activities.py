"""Import a CRM's calls, e-mails and meetings as sales' attempts, at their own time.

Reps who log their work in Salesforce, HubSpot, Pipedrive, Odoo, Dynamics 365 or Zoho
would look, to leadflow, as if they never touched their leads. This import brings that
work in. The file is read whole (``ingest.activities``), its good rows sorted by when
they happened (a CRM's export is in no useful order, and the cadence, the first touch
and the end of a cadence follow time), then, in ONE transaction, each row in turn:

    known         its CRM id (``sales_attempts.external_id``, ``conversations.
                  external_id``) is recorded already: nothing (a second import of the
                  same file changes nothing); a row repeating an id earlier in the file
                  likewise
    planned       not done (Not Started, Scheduled, Due next week): counted, nothing
    no touch      a to-do task, a note: no channel, counted, nothing
    nobody        the person is not in leadflow (by the CRM's id as the contacts import
                  stored it, or e-mail; a merged one leads to its survivor): counted
    before        earlier than the lead's first hand-off: counted, nothing changes
    not held      sales did not hold the lead then (between hand-offs, after it ended,
                  or the hand-off was rejected): counted, nothing changes
    logged        an attempt, or a conversation when the outcome is one (interested,
                  not interested, no decision), on the hand-off the lead was in then,
                  through ``services.cadence`` with ``at`` its moment: the first-touch
                  SLA, the next step due and the under-worked flag come out as if the
                  rep had logged it in leadflow then. A hand-off nobody had answered is
                  answered by the first activity on it: sales took the lead on in its
                  CRM, so it is accepted at that moment (as an imported deal does)

The rep is found by key, e-mail or name; one leadflow does not know (or who left) is
counted and named, and the activity is logged as the lead's owner's. A row the rules
refuse (its consent withdrawn, an unassigned lead and no rep known) is a bad row, as an
unreadable one is: everything is rolled back unless ``skip_bad_rows``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock
from leadflow.ingest.activities import ActivityReader, ActivityRecord
from leadflow.ingest.countries import fold
from leadflow.ingest.record import RowError
from leadflow.ingest.rejects import RejectReport
from leadflow.ingest.table import open_table
from leadflow.services.cadence import record_attempt, record_conversation
from leadflow.services.feedback import accept_in
from leadflow.services.refusals import RefusedError
from leadflow.services.survivor import surviving_contact
from leadflow.services.table_import import TableImportOptions
from leadflow.store.database import writer
from leadflow.store.models import (
    Contact,
    Conversation,
    Handoff,
    HandoffWork,
    Rep,
    SalesAttempt,
)

__all__ = ["ActivityImport", "ActivityImportOptions", "import_activities"]

OnProgress = Callable[[int, int], None]  # (bytes read, file size)
_SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class ActivityImportOptions(TableImportOptions):
    """An activities import's options (``TableImportOptions``)."""


@dataclass
class ActivityImport:
    """What an import did (or would have done, when ``committed`` is False)."""

    path: Path
    format: str
    encoding: str = ""
    delimiter: str = ""
    sheet: str | None = None
    rows: int = 0
    attempts: int = 0  # logged as attempts
    conversations: int = 0  # logged as conversations
    accepted: int = 0  # hand-offs nobody had answered, accepted by their first activity
    breaches: int = 0  # first-touch or accept breaches the activities' moments show
    without_outcome: int = 0  # done, no outcome: logged as no answer (meetings connected)
    known: int = 0  # imported before (their CRM id is on record)
    repeated: int = 0  # an id a row earlier in the file had
    planned: int = 0
    no_touch: int = 0  # to-do tasks and the like
    no_touch_kinds: Counter[str] = field(default_factory=Counter)
    nobody: int = 0  # people leadflow does not hold
    before_handoff: int = 0
    not_held: int = 0
    unknown_reps: Counter[str] = field(default_factory=Counter)  # logged as the owner's
    rejected: int = 0
    committed: bool = False
    problems: list[RowError] = field(default_factory=list)  # the first few, to show
    unknown_columns: list[str] = field(default_factory=list)
    header_notes: list[str] = field(default_factory=list)


def import_activities(
    engine: Engine,
    path: Path,
    options: ActivityImportOptions,
    *,
    clock: Clock,
    on_progress: OnProgress | None = None,
) -> ActivityImport:
    """Import ``path``; file-level problems raise ValueError (TableError, HeaderError)."""
    now = clock.now()
    summary = ActivityImport(path, options.layout.name)
    layout = options.layout
    zone = ZoneInfo(layout.time_zone) if layout.time_zone else UTC
    with open_table(path, options.encoding, options.delimiter, options.sheet) as table:
        summary.encoding, summary.delimiter = table.dialect.encoding, table.dialect.delimiter
        summary.sheet = table.dialect.sheet
        reader = ActivityReader(
            layout, table.header, now=now, default_region=options.default_region, zone=zone
        )
        summary.unknown_columns = reader.unknown_headers
        summary.header_notes = reader.header_notes
        report = RejectReport(options.errors, table.header) if options.errors else None
        try:
            read: list[tuple[ActivityRecord, Sequence[str]]] = []
            bad: list[tuple[RowError, Sequence[str]]] = []
            for line, cells in table.rows():
                summary.rows += 1
                try:
                    read.append((reader.convert(line, cells), cells))
                except RowError as error:
                    bad.append((error, cells))
                if on_progress is not None and summary.rows % 500 == 0:
                    on_progress(table.bytes_read, table.size)
            with Session(writer(engine)) as session:
                run = _Run(session, summary, clock)
                bad += run.log(sorted(read, key=lambda row: (row[0].at, row[0].line)))
                for problem, written in sorted(bad, key=lambda row: row[0].line):
                    _reject(summary, report, problem, written)
                if summary.rejected and not options.skip_bad_rows:
                    session.rollback()
                    return summary
                session.commit()
                summary.committed = True
        finally:
            if report is not None:
                report.close()
    return summary


def _reject(
    summary: ActivityImport, report: RejectReport | None, error: RowError, cells: Sequence[str]
) -> None:
    summary.rejected += 1
    if len(summary.problems) < _SHOWN_PROBLEMS:
        summary.problems.append(error)
    if report is not None:
        report.add(error, cells)


class _Run:
    """One import's transaction: the people, the reps, each activity in time order."""

    def __init__(self, session: Session, summary: ActivityImport, clock: Clock) -> None:
        self.session, self.summary, self.clock = session, summary, clock
        self.reps = _Reps(session)
        self.seen: set[str] = set()

    def log(
        self, rows: Iterable[tuple[ActivityRecord, Sequence[str]]]
    ) -> list[tuple[RowError, Sequence[str]]]:
        """Log each row in turn; the rows the rules refuse, as bad rows."""
        refused: list[tuple[RowError, Sequence[str]]] = []
        for record, cells in rows:
            try:
                self._one(record)
            except RowError as error:
                refused.append((error, cells))
        return refused

    def _one(self, record: ActivityRecord) -> None:
        summary = self.summary
        if record.external_id in self.seen:
            summary.repeated += 1
            return
        self.seen.add(record.external_id)
        if self._known(record.external_id):
            summary.known += 1
        elif not record.done:
            summary.planned += 1
        elif record.channel is None:
            summary.no_touch += 1
            summary.no_touch_kinds[record.said or "(no type)"] += 1
        else:
            self._touch(record)

    def _known(self, external_id: str) -> bool:
        for model in (SalesAttempt, Conversation):
            found = self.session.scalar(
                select(model.id).where(model.external_id == external_id).limit(1)
            )
            if found is not None:
                return True
        return False

    def _touch(self, record: ActivityRecord) -> None:
        contact = self._person(record)
        if contact is None:
            self.summary.nobody += 1
            return
        held = self._held(contact.id, record.at)
        if held is None:
            return
        rep = self.reps.find(record.rep)
        try:
            with self.session.begin_nested():
                done = self._record(record, contact.id, held, rep)
        except RefusedError as error:
            # The row's savepoint is gone, but objects it changed and flushed may still
            # say what it wrote (an acceptance): read them again from the store.
            self.session.expire_all()
            raise RowError(record.line, str(error)) from None
        for name, count in done.items():
            setattr(self.summary, name, getattr(self.summary, name) + count)
        if rep is None and record.rep is not None:
            self.summary.unknown_reps[record.rep] += 1

    def _record(
        self, record: ActivityRecord, contact_id: int, status: str, rep: str | None
    ) -> Counter[str]:
        """Log one activity; what it did, by the summary's counts (counted once the row
        is done: a row refused half-way counts nothing)."""
        done: Counter[str] = Counter()
        if status == "open":
            answered = accept_in(self.session, contact_id, rep=rep, clock=self.clock, at=record.at)
            done.update(accepted=1, breaches=answered.late)
        if record.conversation is not None:
            state = record_conversation(
                self.session, contact_id, outcome=record.conversation.value, note=record.note,
                rep=rep, clock=self.clock, at=record.at, external_id=record.external_id,
            )  # fmt: skip
            done.update(conversations=1)
        else:
            channel, outcome = record.channel, record.outcome
            if channel is None or outcome is None:  # _one logs only touches, read with both
                raise RowError(record.line, "neither a channel nor an outcome to log")
            state = record_attempt(
                self.session, contact_id, channel=channel.value,
                outcome=outcome.value, note=record.note, rep=rep, clock=self.clock,
                at=record.at, external_id=record.external_id,
            )  # fmt: skip
            done.update(attempts=1, without_outcome=not record.outcome_given)
        done.update(breaches=state.late)
        self.session.flush()
        return done

    def _person(self, record: ActivityRecord) -> Contact | None:
        for column, value in (
            (Contact.external_id, record.contact_ref),
            (Contact.email, record.contact_email),
        ):
            if value is None:
                continue
            contact = self.session.scalar(select(Contact).where(column == value).limit(1))
            if contact is not None:
                return surviving_contact(self.session, contact)
        return None

    def _held(self, contact_id: int, at: datetime) -> str | None:
        """The status of the hand-off sales held the lead in at ``at`` (open or
        accepted); None, counted, when sales did not hold it then."""
        row = self.session.execute(
            select(Handoff.status, HandoffWork.closed_at)
            .join(HandoffWork, HandoffWork.handoff_id == Handoff.id)
            .where(Handoff.contact_id == contact_id, Handoff.at <= at)
            .order_by(Handoff.at.desc(), Handoff.id.desc())
            .limit(1)
        ).one_or_none()
        if row is None:
            ever = self.session.scalar(
                select(Handoff.id).where(Handoff.contact_id == contact_id).limit(1)
            )
            if ever is None:
                self.summary.not_held += 1
            else:
                self.summary.before_handoff += 1
            return None
        status, closed_at = row
        ended = closed_at is not None and closed_at <= at
        if ended or status not in ("open", "accepted") or (status == "open" and closed_at):
            self.summary.not_held += 1
            return None
        return str(status)


class _Reps:
    """Every rep by key, e-mail and name (compared without case or accents)."""

    def __init__(self, session: Session) -> None:
        self.by_word: dict[str, Rep] = {}
        for rep in session.scalars(select(Rep).order_by(Rep.id)):
            for word in (rep.key, rep.email, rep.name):
                if word:
                    self.by_word.setdefault(fold(word), rep)

    def find(self, said: str | None) -> str | None:
        """The key of the active rep ``said`` names; None for nobody (or a leaver)."""
        if said is None:
            return None
        rep = self.by_word.get(fold(said))
        return rep.key if rep is not None and rep.active else None

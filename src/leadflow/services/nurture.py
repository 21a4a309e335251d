"""Nurture: the one-to-many side of the funnel, as a send list for an e-mail tool.

Leads in marketing stages and in the ``nurture`` off-ramp are not talked to one by one:
marketing runs automated programmes for them until they are sales-ready (domain.md).
``nurture_list`` selects them; ``write_send_list`` writes the CSV an e-mail tool imports.

A segment names the stages to include (stage ids of ``kind: marketing``, or
``nurture``); by default every marketing stage and nurture. A segment may narrow
further by temperature, fit grade or acquisition channel.

Consent is respected, never assumed: a contact is exported only with e-mail consent
``granted`` or ``confirmed`` on record. Withdrawn, bounced and unknown consent are left
out, and so are contacts sales holds (a live hand-off), merged records and sales or
customer stages, which are one-to-one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session

from leadflow.definition.model import NURTURE, Definition, StageKind
from leadflow.domain.vocabulary import Grade, Temperature
from leadflow.services.channels import held_channels
from leadflow.services.definitions import active_definition
from leadflow.services.refusals import InvalidInputError
from leadflow.store.models import Consent, Contact, HandoffWork, Qualification

__all__ = ["SEND_LIST_COLUMNS", "Segment", "nurture_list", "write_send_list"]

SEND_LIST_COLUMNS: tuple[str, ...] = (
    "email",
    "first_name",
    "last_name",
    "company",
    "country",
    "stage",
    "temperature",
    "fit_grade",
    "lead_type",
    "contact_id",
)
_SENDABLE = ("granted", "confirmed")


@dataclass(frozen=True, slots=True)
class Segment:
    """Who to send to. Empty ``stages``: every marketing stage and nurture."""

    stages: tuple[str, ...] = ()
    temperatures: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()


def nurture_list(session: Session, segment: Segment) -> Iterator[dict[str, object]]:
    """The send list's rows, ordered by contact id; the segment is checked before any row."""
    stages = _stages(active_definition(session).definition, segment.stages)
    return _rows(session, stages, _checked(session, segment))


def write_send_list(session: Session, segment: Segment, out: Path | IO[str]) -> int:
    """Write the send list as CSV to a file or stream; returns how many contacts.

    A bad segment is refused before anything is written (no half-made file).
    """
    rows = nurture_list(session, segment)
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="") as handle:
            return _write(rows, handle)
    return _write(rows, out)


def _rows(
    session: Session, stages: tuple[str, ...], segment: Segment
) -> Iterator[dict[str, object]]:
    for contact, qualified in session.execute(_query(stages, segment)).tuples():
        yield {
            "email": contact.email,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "company": contact.company,
            "country": contact.country,
            "stage": qualified.stage,
            "temperature": qualified.temperature,
            "fit_grade": qualified.fit_grade,
            "lead_type": qualified.lead_type,
            "contact_id": contact.id,
        }


def _write(rows: Iterator[dict[str, object]], handle: IO[str]) -> int:
    writer = csv.DictWriter(handle, fieldnames=SEND_LIST_COLUMNS)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def _stages(definition: Definition, asked: Sequence[str]) -> tuple[str, ...]:
    marketing = [s.id for s in definition.stages if s.kind is StageKind.MARKETING]
    allowed = (*marketing, NURTURE)
    for stage in asked:
        if stage not in allowed:
            raise InvalidInputError(
                f"{stage!r} is not a nurtured stage; nurture lists take {', '.join(allowed)} "
                "(sales and customer stages are talked to one to one)"
            )
    return tuple(asked) or allowed


def _checked(session: Session, segment: Segment) -> Segment:
    """The segment with temperatures, grades and channels in the stored spelling; a value
    that names none is refused (a typo would otherwise export nobody, silently)."""
    temperatures = tuple(value.strip().lower() for value in segment.temperatures)
    grades = tuple(value.strip().upper() for value in segment.grades)
    _known(temperatures, [t.value for t in Temperature], "a temperature")
    _known(grades, [g.value for g in Grade], "a fit grade")
    return Segment(segment.stages, temperatures, grades, held_channels(session, segment.channels))


def _known(values: Sequence[str], allowed: Sequence[str], what: str) -> None:
    for value in values:
        if value not in allowed:
            raise InvalidInputError(f"{value!r} is not {what} (one of: {', '.join(allowed)})")


def _query(stages: tuple[str, ...], segment: Segment) -> Select[tuple[Contact, Qualification]]:
    consented = exists().where(
        and_(
            Consent.contact_id == Contact.id,
            Consent.channel == "email",
            Consent.status.in_(_SENDABLE),
        )
    )
    held_by_sales = exists().where(
        and_(HandoffWork.contact_id == Contact.id, HandoffWork.closed_at.is_(None))
    )
    query = (
        select(Contact, Qualification)
        .join(Qualification, Qualification.contact_id == Contact.id)
        .where(
            Qualification.stage.in_(stages),
            Contact.merged_into_id.is_(None),
            Contact.email.is_not(None),
            consented,
            ~held_by_sales,
        )
        .order_by(Contact.id)
    )
    if segment.temperatures:
        query = query.where(Qualification.temperature.in_(segment.temperatures))
    if segment.grades:
        query = query.where(Qualification.fit_grade.in_(segment.grades))
    if segment.channels:
        query = query.where(Contact.source_channel.in_(segment.channels))
    return query

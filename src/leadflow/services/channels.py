"""Acquisition channels as a person types them, in the spelling contacts hold them.

The imports read a channel with ``ingest.values.channel`` ("Google Ads" and "PPC" are
``paid_search``, "Trade show" is ``events``; a team's own channel is kept snake_cased),
and so do whatever asks for contacts by channel: the API's list filter and the nurture
export. A channel that is neither leadflow's word nor any contact's is refused, as a
typo would otherwise find nobody, silently.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.domain.vocabulary import ACQUISITION_CHANNELS
from leadflow.ingest.values import channel
from leadflow.services.refusals import InvalidInputError
from leadflow.store.models import Contact

__all__ = ["held_channels"]


def held_channels(session: Session, asked: Sequence[str]) -> tuple[str, ...]:
    """The channels in the stored spelling; InvalidInputError names one nobody has. A
    team's own channel (an import keeps what it cannot map) is known once a contact
    holds it."""
    channels = tuple(channel(value) for value in asked)
    unknown = set(channels) - set(ACQUISITION_CHANNELS)
    if unknown:
        held = select(Contact.source_channel).where(Contact.source_channel.in_(unknown))
        unknown -= set(session.scalars(held.distinct()))
    for value in channels:
        if value in unknown:
            raise InvalidInputError(
                f"{value!r} is not an acquisition channel of any contact (leadflow's are: "
                f"{', '.join(ACQUISITION_CHANNELS)})",
                field="source",
            )
    return channels

"""A form the services refused, shown again on its own page rather than on an error page.

The page is rendered once more with the refusal next to the form and the form filled in
as the person sent it (never a password), so one mistake does not cost them what they
typed. The status code stays the refusal's (404, 409 or 422), which htmx swaps as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from leadflow.services.refusals import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    NotYoursError,
    RefusedError,
)

__all__ = ["RefusedForm", "status_of"]


@dataclass(frozen=True)
class RefusedForm:
    """Which form was refused (and for whom, on a page of several), why, and what it held."""

    form: str
    message: str
    typed: Mapping[str, str | list[str]] = field(default_factory=dict)
    subject: int = 0  # the record the form acts on, where a page has one form per record


_STATUS = (
    (NotFoundError, 404),
    (NotYoursError, 403),
    (ConflictError, 409),
    (InvalidInputError, 422),
)


def status_of(error: RefusedError) -> int:
    """The HTTP status of a refusal, on a page as in the API."""
    return next((code for kind, code in _STATUS if isinstance(error, kind)), 400)

"""Why a use case refused: the errors services raise for the caller (API, CLI) to translate.

    RefusedError           base; ``str(error)`` is one line a person can act on
    ├── NotFoundError      the thing named does not exist (API 404, CLI exit 1)
    ├── ConflictError      it exists, or the state forbids the change (API 409)
    │   └── TakenError     a value that is one record's alone is another's: which one
    └── InvalidInputError  the input is well-formed but cannot be used (API 422)

A ``RefusedError`` is never a bug; anything else escaping a service is one.

The message is English, as the API and the command line show it; the web pages say it
in the reader's language by its shape (``web.refusal_words``), so a new or reworded
message of a service the pages call needs a phrase there (its test reads every
``raise`` of those services and fails until it has one).
"""

from __future__ import annotations

__all__ = [
    "ConflictError",
    "InvalidInputError",
    "NotFoundError",
    "NotYoursError",
    "RefusedError",
    "TakenError",
]


class RefusedError(Exception):
    """A use case declined the request; the message is for the person who asked."""


class NotFoundError(RefusedError):
    pass


class ConflictError(RefusedError):
    pass


class TakenError(ConflictError):
    """The e-mail address, CRM id or domain given belongs to another record, ``holder_id``:
    the caller may read or update that one instead (the API names it in the reply)."""

    def __init__(self, message: str, *, holder_id: int) -> None:
        super().__init__(message)
        self.holder_id = holder_id


class InvalidInputError(RefusedError):
    """``field``, when the refusal is about one input, names it as the request wrote it
    (``email``, ``attributes.industry``): the API lists it in the problem's ``errors``,
    so a client can put the message beside the field, as for a schema error."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotYoursError(RefusedError):
    """A caller bound to a rep reached for another rep's lead, deal or name
    (services/rep_scope.py)."""

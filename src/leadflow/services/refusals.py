"""Why a use case refused: the errors services raise for the caller (API, CLI) to translate.

    RefusedError           base; ``str(error)`` is one line a person can act on
    ├── NotFoundError      the thing named does not exist (API 404, CLI exit 1)
    ├── ConflictError      it exists, or the state forbids the change (API 409)
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
]


class RefusedError(Exception):
    """A use case declined the request; the message is for the person who asked."""


class NotFoundError(RefusedError):
    pass


class ConflictError(RefusedError):
    pass


class InvalidInputError(RefusedError):
    pass


class NotYoursError(RefusedError):
    """A caller bound to a rep reached for another rep's lead, deal or name
    (services/rep_scope.py)."""

"""The one error a learning step raises for a problem the user can fix (a column, a value).

The message is one line that names the input at fault; the CLI prints it and exits 1.
"""

from __future__ import annotations

__all__ = ["LearnInputError"]


class LearnInputError(ValueError):
    """A user input (file, column, option) that learning cannot work with."""

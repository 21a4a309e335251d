"""Text folded to a matching key, and the snake_case key of a column header.

Imports match values (countries, stages, statuses) by ``fold`` and store a custom
column under ``snake_case`` of its header (``Größe`` -> ``grosse``). The definition
reads those keys back (``account.grosse``), so both live here, where the definition
package may use them too without importing the importers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["LIGATURES", "fold", "snake_case"]

_SPACES = re.compile(r"[^0-9a-z]+")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Letters that Unicode does not decompose into a base letter and an accent.
LIGATURES = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "œ": "oe", "ð": "d", "þ": "th"})


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case, accents and punctuation removed, single spaces: the matching key.

    Cached: imports fold the same few values (stages, statuses, countries) on every row.
    """
    lowered = text.casefold().translate(LIGATURES)
    decomposed = unicodedata.normalize("NFKD", lowered)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip()


def snake_case(text: str) -> str:
    """``"Favourite Colour (2)"`` -> ``favourite_colour_2``: a key for custom attributes."""
    return _NON_WORD.sub("_", fold(text)).strip("_")

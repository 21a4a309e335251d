"""Sentences other parts of leadflow write in English, read back and said in the reader's
language.

The engine, the definition loader, the reports and the services speak English: their
text is what the API returns, the store keeps and the command line prints, and it stays
so. The pages translate it by its *shape*. Each ``Phrase`` is an English message id
with ``%(name)s`` placeholders, exactly as the code writes the sentence (e.g. ``fit
%(score)s (grade %(grade)s)``); it is turned into a pattern that reads the sentence
back into its parameters, and the catalog's translation of the message id is filled
with them. Each parameter has a ``Kind``: text shown as it is (a rule name, a key
path, a value someone typed), a number written in the language's conventions, a code
with a label (an event type, a temperature, a stage), or a phrase of its own.

A sentence no phrase reads is shown as it was written, in English: a new wording in
the code degrades to English, never to a wrong translation. The tests of each
phrasebook feed it every sentence the code can write and fail on one it cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import cache

from babel.numbers import get_decimal_symbol

from leadflow.web import i18n
from leadflow.web.labels import LABELS

__all__ = [
    "INSTANT",
    "NUMBER",
    "QUOTED",
    "REP",
    "TEXT",
    "WORD",
    "Kind",
    "Phrase",
    "Phrasebook",
    "Speech",
    "label_of",
    "phrase_of",
    "quoted_label_of",
    "speech",
]

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True, slots=True)
class Speech:
    """What saying a sentence needs: the language, its catalog, the stages' names."""

    language: str
    gettext: Callable[[str], str]
    stages: Mapping[str, str] = field(default_factory=dict)
    zone: tzinfo = UTC  # the reader's, for the instants a sentence names
    reps: Mapping[str, str] = field(default_factory=dict)  # rep key -> name, as pages show

    def label(self, kind: str, code: str) -> str:
        """The translated word for a code, else the code itself."""
        message = LABELS.get(kind, {}).get(code)
        return code if message is None else self.gettext(message)


def speech(language: str, stages: Mapping[str, str] | None = None) -> Speech:
    return Speech(language, i18n.translations(language).gettext, stages or {})


@dataclass(frozen=True, slots=True)
class Kind:
    """How a parameter is found in the English sentence and shown in the language."""

    pattern: str
    show: Callable[[str, Speech], str]


def _as_is(value: str, speech: Speech) -> str:
    return value


def _number(value: str, speech: Speech) -> str:
    """``+12.50`` -> ``+12,50``: the digits the code wrote, the language's symbols."""
    if "e" in value.lower():
        return value  # 5e+06: the code chose a notation; keep it
    sign = {"+": "+", "-": "−"}.get(value[0], "")
    digits = value.lstrip("+-")
    return sign + digits.replace(".", _decimal_symbol(speech.language))


@cache
def _decimal_symbol(language: str) -> str:
    # Only the symbol: the code chose the digits (no grouping in a sentence), and Babel's
    # full formatting would cost a hundred times more on a queue of explanations.
    return str(get_decimal_symbol(i18n.BABEL_LOCALES.get(language, "en_GB")))


def _instant(value: str, speech: Speech) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return i18n.format_instant(moment, speech.language, speech.zone)


TEXT = Kind(r".+?", _as_is)
WORD = Kind(r"\S+?", _as_is)
NUMBER = Kind(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", _number)
QUOTED = Kind(r"'.*'|\".*\"", _as_is)  # a value as Python's repr() writes it


def _rep(value: str, speech: Speech) -> str:
    """A rep's key (``'r0002'``, as repr() quotes it) by the rep's name where the page
    knows it (the queue names reps so), else as written."""
    return speech.reps.get(value.strip("'\""), value)


REP = Kind(r"'[^']*'|\S+?", _rep)
INSTANT = Kind(r"\d{4}-\d\d-\d\d[T ][\d:.]+(?:Z|[-+]\d\d:\d\d)?", _instant)


def label_of(kind: str, pattern: str = r"[^\s,;()]+?") -> Kind:
    """A code shown with its label of ``LABELS[kind]`` (an event type, a temperature)."""
    return Kind(pattern, lambda value, speech: speech.label(kind, value))


def quoted_label_of(kind: str) -> Kind:
    """A code as Python's repr() quotes it (``'other'``), shown quoted by its label."""

    def show(value: str, speech: Speech) -> str:
        return value[0] + speech.label(kind, value[1:-1]) + value[-1]

    return Kind(r"'[^']*'", show)


def phrase_of(book: Phrasebook, pattern: str = r".+?") -> Kind:
    """A parameter that is a sentence of ``book`` itself (shown as it is when not)."""
    return Kind(pattern, book.say)


class Phrase:
    """One English sentence shape: its message id and the kind of each placeholder."""

    def __init__(self, message: str, **kinds: Kind) -> None:
        names = _PLACEHOLDER.findall(message)
        unknown = set(kinds) - set(names)
        if unknown:
            raise ValueError(f"{message!r} has no placeholder {sorted(unknown)}")
        self.message = message
        self.kinds = {name: kinds.get(name, TEXT) for name in names}
        self.pattern = re.compile(_pattern(message, self.kinds), re.DOTALL)

    def read(self, text: str) -> dict[str, str] | None:
        """The parameters of ``text`` when it has this shape, else None."""
        found = self.pattern.fullmatch(text)
        return None if found is None else found.groupdict()

    def say(self, values: Mapping[str, str], speech: Speech) -> str:
        shown = {name: self.kinds[name].show(value, speech) for name, value in values.items()}
        return speech.gettext(self.message) % shown

    def __repr__(self) -> str:
        return f"Phrase({self.message!r})"


def _pattern(message: str, kinds: Mapping[str, Kind]) -> str:
    parts: list[str] = []
    seen: set[str] = set()
    position = 0
    for placeholder in _PLACEHOLDER.finditer(message):
        parts.append(re.escape(message[position : placeholder.start()]))
        name = placeholder[1]
        if name in seen:  # the same value twice: the second must repeat the first
            parts.append(f"(?P={name})")
        else:
            parts.append(f"(?P<{name}>{kinds[name].pattern})")
            seen.add(name)
        position = placeholder.end()
    parts.append(re.escape(message[position:]))
    return "".join(parts)


class Phrasebook:
    """Phrases tried in order (the more specific first); the first that reads wins."""

    def __init__(self, *phrases: Phrase) -> None:
        self.phrases = phrases

    def read(self, text: str) -> tuple[Phrase, dict[str, str]] | None:
        for phrase in self.phrases:
            values = phrase.read(text)
            if values is not None:
                return phrase, values
        return None

    def say(self, text: str, speech: Speech) -> str:
        """``text`` in the speech's language, its codes by their labels (``form_submit``
        reads "form sent", a stage id its name), in English too; as it is when unread."""
        found = self.read(text)
        if found is None:
            return text
        phrase, values = found
        return phrase.say(values, speech)

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(phrase.message for phrase in self.phrases)

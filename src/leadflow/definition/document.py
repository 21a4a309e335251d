"""A YAML document as plain data plus the file and line of every key.

PyYAML's composer gives nodes with start marks; walking them ourselves (instead of
``yaml.safe_load``) keeps, for each key path, where it was written, so an error found
much later (by pydantic or the compiler) can still say ``FILE:LINE``. The same walk
reports duplicate keys, which ``safe_load`` would silently collapse.

Booleans follow YAML 1.2: only ``true``/``false``. Under YAML 1.1, ``NO`` (Norway),
``on`` and ``yes`` turn into booleans, a classic trap in a list of country codes.

``extends`` is resolved by ``merge``: the extending document's keys override the base
one's, mappings merge key by key, lists and scalars replace whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from leadflow.definition.errors import Loc, LocatedProblem, format_loc

__all__ = ["Document", "YamlSyntaxError", "merge", "parse_document", "syntax_error_line"]


# libyaml's parser is about ten times faster than the pure-Python one; both keep marks.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]  # chosen at import time
    """The safe loader with YAML 1.2 booleans (see module docstring)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class YamlSyntaxError(Exception):
    def __init__(self, problem: LocatedProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class Document:
    """Parsed data; ``lines`` maps each key path to (source, line) where it was written."""

    data: object
    lines: dict[Loc, tuple[str, int]] = field(default_factory=dict)
    problems: list[LocatedProblem] = field(default_factory=list)

    def locate(self, loc: Loc) -> tuple[str, int]:
        """Where ``loc`` (or its nearest written ancestor, for a missing key) is."""
        for end in range(len(loc), -1, -1):
            found = self.lines.get(loc[:end])
            if found is not None:
                return found
        return next(iter(self.lines.values()), ("<unknown>", 1))


def parse_document(text: str, source: str) -> Document:
    """Parse one YAML document; a syntax error raises YamlSyntaxError with its line."""
    try:
        return _compose(text, source)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, max(error.position, 0)) + 1
        problem = f"character {error.character:#06x} is not allowed in YAML"
        raise YamlSyntaxError(LocatedProblem(source, line, "(yaml)", problem)) from None
    except yaml.MarkedYAMLError as error:
        keyless = _key_without_colon(text, error)
        mark = _telling_mark(error)
        line = keyless + 1 if keyless is not None else mark.line + 1 if mark else 1
        message = "; ".join(part for part in (error.context, error.problem) if part)
        hint = _COLON_HINT if keyless is not None else _syntax_hint(text, mark, error)
        message = f"{message}; {hint}" if hint else message
        raise YamlSyntaxError(LocatedProblem(source, line, "(yaml)", message)) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(LocatedProblem(source, 1, "(yaml)", str(error))) from None


_TAB_HINT = "a tab character; YAML indents with spaces only"
_COLON_HINT = (
    "a key needs a colon and a space after it (name: value), or this text continues "
    "a value from the line above that needs quotes"
)

# What the parser's words usually mean in a hand-written definition.
_HINTS: tuple[tuple[str, str], ...] = (
    (
        "unknown escape character",
        "in double quotes a backslash starts an escape: write a regex in single quotes "
        "('\\d+', '\\bceo\\b') or double each backslash (\"\\\\d+\")",
    ),
    (
        "mapping values are not allowed",
        "a value holding ': ' must be quoted (description: \"Ziel: Messe\"), or the line is "
        "indented deeper than the keys beside it",
    ),
    ("expected '-' indicator", "check this line's indentation against the lines above"),
    ("expected <block end>", "check this line's indentation against the lines above"),
    # libyaml's words for a key indented less than the keys beside it, but more than
    # the mapping's parent.
    ("did not find expected key", "check this line's indentation against the lines above"),
    ("could not find expected ':'", _COLON_HINT),
    ("expected ',' or '}'", "a {...} mapping lacks its closing } or a , between two entries"),
    ("expected ',' or ']'", "a [...] list lacks its closing ] or a , between two items"),
)


def syntax_error_line(error: yaml.MarkedYAMLError, text: str) -> int:
    """The line (from 1) to fix for a YAML syntax error in ``text`` (see ``_telling_mark``)."""
    keyless = _key_without_colon(text, error)
    if keyless is not None:
        return keyless + 1
    mark = _telling_mark(error)
    return mark.line + 1 if mark is not None else 1


def _key_without_colon(text: str, error: yaml.MarkedYAMLError) -> int | None:
    """The line (from 0) of a key written without its colon, when a key follows it.

    ``half_life_days 30`` above ``cap: 100`` at the same indentation reads as one plain
    key spanning both lines, and the parser stops at the second line's colon ("mapping
    values are not allowed"), naming the wrong line and suggesting quotes.
    """
    mark = error.problem_mark
    if mark is None or "mapping values are not allowed" not in (error.problem or ""):
        return None
    lines = text.splitlines()
    if mark.line >= len(lines):
        return None
    below = lines[mark.line]
    indent = len(below) - len(below.lstrip(" "))
    for number in range(mark.line - 1, -1, -1):
        content = lines[number].strip()
        if not content or content.startswith("#"):
            continue
        column = len(lines[number]) - len(lines[number].lstrip(" "))
        if content.startswith("- "):  # a list item's first key
            column += 2 + len(content[2:]) - len(content[2:].lstrip(" "))
        return number if column == indent and ":" not in content else None
    return None


def _telling_mark(error: yaml.MarkedYAMLError) -> yaml.error.Mark | None:
    """Where the mistake was made. For a quote never closed the parser stops at the end
    of the file, and for a key without its colon at the line after it; the line to fix
    is the one the quote or the key is on."""
    lacks_colon = "simple key" in (error.context or "")
    if (_is_unclosed_quote(error) or lacks_colon) and error.context_mark is not None:
        return error.context_mark
    return error.problem_mark or error.context_mark


def _is_unclosed_quote(error: yaml.MarkedYAMLError) -> bool:
    return "quoted scalar" in (error.context or "") and "end of stream" in (error.problem or "")


def _syntax_hint(text: str, mark: yaml.error.Mark | None, error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or ""
    if _is_unclosed_quote(error) and mark is not None:
        quote = _character_at(text, mark) or '"'
        return f"the quote ({quote}) opened on this line is never closed"
    if mark is not None and _character_at(text, mark) == "\t":
        # libyaml sometimes names the tab itself; the hint then only adds the cure.
        return "YAML indents with spaces only" if "tab" in problem else _TAB_HINT
    return next((hint for words, hint in _HINTS if words in problem), "")


def _character_at(text: str, mark: yaml.error.Mark) -> str:
    lines = text.splitlines()
    if mark.line >= len(lines):
        return ""
    line = lines[mark.line]
    return line[mark.column] if mark.column < len(line) else ""


def _compose(text: str, source: str) -> Document:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        document = Document(None, {(): (source, 1)})
        if node is not None:
            try:
                document.data = _Walker(loader, source, document).walk(node, ())
            except _TooLargeError:
                message = (
                    f"the aliases expand to more than {MAX_VALUES} values; a definition is"
                    " far smaller: copy the values an alias should repeat instead"
                )
                raise YamlSyntaxError(LocatedProblem(source, 1, "(yaml)", message)) from None
        return document
    finally:
        loader.dispose()


# The most values a file may expand to through its aliases. The largest preset has about
# 600; aliases repeating aliases (``&a [*b, *b, ...]``, nine levels deep) would expand to
# a billion, and a definition is posted over the API and the web page too.
MAX_VALUES = 100_000


class _TooLargeError(Exception):
    """Raised once the walk has expanded more than MAX_VALUES values."""


@dataclass
class _Walker:
    loader: _Loader
    source: str
    document: Document
    # The collections being walked, by node id: an alias to one of them holds itself.
    open_nodes: set[int] = field(default_factory=set)
    values: int = 0

    def walk(self, node: yaml.Node, loc: Loc) -> object:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _TooLargeError
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self._collection(node, loc)
        return self._scalar(node, loc)

    def _collection(self, node: yaml.MappingNode | yaml.SequenceNode, loc: Loc) -> object:
        if id(node) in self.open_nodes:
            self._problem(
                loc,
                self.document.lines.get(loc, (self.source, node.start_mark.line + 1))[1],
                "an alias stands inside the anchor it names, so the list or mapping would"
                " hold itself; copy the values it should repeat instead",
            )
            return None
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc)
            return [self._item(child, (*loc, index)) for index, child in enumerate(node.value)]
        finally:
            self.open_nodes.discard(id(node))

    def _scalar(self, node: yaml.Node, loc: Loc) -> object:
        if _reads_as_point_thousands(node) and loc != ("version",):
            value = float(node.value)
            meant = node.value.replace(".", "")
            self._problem(
                loc,
                node.start_mark.line + 1,
                f"YAML reads {node.value} as the decimal number {value:g}; write {meant} if"
                " the point separates thousands",
            )
        return self.loader.construct_object(node, deep=True)

    def _item(self, node: yaml.Node, loc: Loc) -> object:
        self.document.lines[loc] = (self.source, node.start_mark.line + 1)
        return self.walk(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[object, object]:
        written = {id(key_node) for key_node, _ in node.value}
        # Resolves `<<: *anchor` merge keys: the merged pairs come first, and a key
        # written in this mapping overrides a merged one (YAML's rule), once.
        self.loader.flatten_mapping(node)
        result: dict[object, object] = {}
        merged: set[object] = set()
        previous: tuple[yaml.Node, Loc] | None = None
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if previous is not None and _comma_thousands(previous[0], key_node):
                self._problem(previous[1], line, _comma_thousands_message(previous[0], key_node))
                continue
            if not isinstance(key, str | int | float | bool):
                self._problem(loc, line, "a key must be a single word or number")
                continue
            if not isinstance(key, str) and type(key) is not int:  # bool, float
                key = str(key)
            child: Loc = (*loc, key)
            if key in result and key not in merged:
                first = self.document.lines[child][1]
                self._problem(child, line, f"duplicate key {key!r} (first at line {first})")
                continue
            if id(key_node) not in written:
                merged.add(key)
            else:
                merged.discard(key)
            if key in result:
                self._forget(child)
            self.document.lines[child] = (self.source, line)
            result[key] = self.walk(value_node, child)
            previous = (value_node, child)
        return result

    def _forget(self, loc: Loc) -> None:
        """Drop the lines of a merged value that a written key replaces."""
        lines = self.document.lines
        for known in [k for k in lines if k[: len(loc)] == loc]:
            del lines[known]

    def _problem(self, loc: Loc, line: int, message: str) -> None:
        self.document.problems.append(LocatedProblem(self.source, line, format_loc(loc), message))


# ``10.000``: ten thousand in German or Dutch writing, the decimal 10.0 to YAML. Only a
# point followed by exactly three digits, after a first digit that is not 0 (``0.250``
# is a share, not thousands).
_POINT_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}\.[0-9]{3}")
_FLOAT_TAG = "tag:yaml.org,2002:float"
_INT_TAG = "tag:yaml.org,2002:int"


def _reads_as_point_thousands(node: yaml.Node) -> bool:
    return (
        isinstance(node, yaml.ScalarNode)
        and node.tag == _FLOAT_TAG
        and not node.style  # plain: None (PyYAML) or "" (libyaml)
        and _POINT_THOUSANDS.fullmatch(node.value) is not None
    )


def _comma_thousands(value_node: yaml.Node, key_node: yaml.Node) -> bool:
    """``{at_least: 10,000}``: a plain number, a comma and three digits read as a key.

    In a ``{...}`` mapping the comma ends the entry, so YAML reads the value 10 and a
    key ``000`` without a value (which pydantic then calls "keys should be strings").
    """
    return (
        isinstance(value_node, yaml.ScalarNode)
        and isinstance(key_node, yaml.ScalarNode)
        and not value_node.style
        and not key_node.style
        and value_node.tag in (_INT_TAG, _FLOAT_TAG)
        and re.fullmatch(r"[0-9]{3}", key_node.value) is not None
        and key_node.start_mark.index == value_node.end_mark.index + 1
    )


def _comma_thousands_message(value_node: yaml.Node, key_node: yaml.Node) -> str:
    written = f"{value_node.value},{key_node.value}"
    return (
        f"YAML reads {written} inside {{...}} as {value_node.value} followed by a key "
        f"{key_node.value} (a comma separates entries); write "
        f"{value_node.value}{key_node.value}, without a thousands separator"
    )


def merge(base: Document, override: Document) -> Document:
    """``override`` on top of ``base``: mappings merge by key, anything else replaces."""
    lines = dict(base.lines)
    data = _merge_into(base.data, override.data, override.lines, lines, ())
    return Document(data, lines, [*base.problems, *override.problems])


def _merge_into(
    base: object,
    override: object,
    override_lines: Mapping[Loc, tuple[str, int]],
    lines: dict[Loc, tuple[str, int]],
    loc: Loc,
) -> object:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            child: Loc = (*loc, key)
            merged[key] = _merge_into(base.get(key), value, override_lines, lines, child)
        lines[loc] = override_lines.get(loc, lines.get(loc, ("<unknown>", 1)))
        return merged
    for known in [k for k in lines if k[: len(loc)] == loc]:
        del lines[known]
    lines.update({k: v for k, v in override_lines.items() if k[: len(loc)] == loc})
    return override

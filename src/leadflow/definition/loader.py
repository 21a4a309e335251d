"""Load a definition: a file or a preset name in, a compiled ``Definition`` out.

    load_definition("waterfall")            a shipped preset
    load_definition(Path("funnel.yaml"))    a team's file (a str that is no preset, too)
    load_definition_text(text, "x.yaml")    text already read (an upload, a test)

The steps: parse the YAML keeping lines (``document.py``), follow ``extends`` (presets
or files relative to the extending file, cycles refused), validate the merged data
against the raw models (``validation.py``), compile it (``compiler.py``). Whatever goes
wrong is raised as one ``DefinitionError`` whose ``errors`` each read
``FILE:LINE: key.path: message``, in file order.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import yaml

from leadflow.definition.builtin import PRESET_NAMES, builtin_free_mail_domains, preset_text
from leadflow.definition.builtin import is_preset as _is_preset
from leadflow.definition.compiler import compile_definition
from leadflow.definition.document import Document, YamlSyntaxError, merge, parse_document
from leadflow.definition.errors import (
    CompileError,
    DefinitionError,
    LocatedProblem,
    format_loc,
)
from leadflow.definition.model import Definition
from leadflow.definition.validation import validate_raw

__all__ = [
    "DefinitionError",
    "load_definition",
    "load_definition_document",
    "load_definition_text",
    "load_definition_text_document",
    "preset_source",
    "self_contained_text",
]


def preset_source(name: str) -> str:
    """How a preset is named in error lines."""
    return f"presets/{name}.yaml"


def load_definition(path_or_preset: str | Path) -> Definition:
    """Load a preset (a ``str`` naming one) or a definition file."""
    return load_definition_document(path_or_preset)[0]


def load_definition_document(path_or_preset: str | Path) -> tuple[Definition, Document]:
    """``load_definition``, with the merged document: where each key path was written
    (``Document.locate``), for pointing at a line after the file loaded."""
    if isinstance(path_or_preset, str) and _is_preset(path_or_preset):
        text = preset_text(path_or_preset)
        origin = _Origin(preset_source(path_or_preset), None, f"preset:{path_or_preset}")
        return _load_document(origin, text)
    path = Path(path_or_preset)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        line, message = _read_failure(path, error)
        raise DefinitionError([LocatedProblem(str(path), line, "(file)", message)]) from None
    return _load_document(_Origin(str(path), path.parent, _key(path)), text)


def self_contained_text(path: Path) -> str:
    """The file's text as a workspace stores it: loadable without any other file.

    A stored version is compiled later, away from the folder it came from, so the files
    it ``extends`` are merged in (a preset named by ``extends`` is kept: it ships with
    leadflow). A file that extends no file is returned as written, comments and all.
    Raises DefinitionError when the file is invalid.
    """
    definition = load_definition(path)
    text = path.read_text(encoding="utf-8")
    written = parse_document(text, str(path)).data
    extends = written.get("extends") if isinstance(written, dict) else None
    if extends is None or _names_preset(extends):
        return text
    origin = _Origin(str(path), path.parent, _key(path))
    merged = _read(origin, text, (), resolve_presets=False).data
    flat = _flattened(path, merged)
    if load_definition_text(flat, str(path), allow_files=False) != definition:
        # A key written as a mapping over a scalar in between can merge differently when
        # the preset comes last; merging the preset in too keeps the meaning exactly.
        flat = _flattened(path, _read(origin, text, ()).data)
    return flat


def _flattened(path: Path, data: object) -> str:
    header = (
        f"# {path.name} as leadflow stored it: the definition files it extends are merged in,\n"
        "# so this version loads on its own.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def load_definition_text(
    text: str, source_name: str = "<definition>", *, allow_files: bool = True
) -> Definition:
    """Load a definition from text; ``extends`` files resolve next to ``source_name``.

    With ``allow_files=False`` (text from an upload or an API call) ``extends`` may only
    name a preset, so a definition cannot make the server read its files.
    """
    base = Path(source_name).parent if allow_files else None
    return _load(_Origin(source_name, base, _key(Path(source_name))), text)


def load_definition_text_document(
    text: str, source_name: str = "<definition>", *, allow_files: bool = True
) -> tuple[Definition, Document]:
    """``load_definition_text``, with the merged document (where each key was written)."""
    base = Path(source_name).parent if allow_files else None
    return _load_document(_Origin(source_name, base, _key(Path(source_name))), text)


@dataclass(frozen=True, slots=True)
class _Origin:
    source: str  # shown in error lines
    directory: Path | None  # where `extends` files are found; None: presets only
    key: str  # identity for cycle detection


def _key(path: Path) -> str:
    return str(path.resolve())


def _read_failure(path: Path, error: Exception) -> tuple[int, str]:
    """The line and the words of a file that cannot be read."""
    if isinstance(error, FileNotFoundError):
        hint = f" and no preset of that name (presets: {', '.join(PRESET_NAMES)})"
        return 1, f"no such file{hint if path.suffix == '' else ''}"
    if isinstance(error, OSError):
        return 1, f"cannot read the file: {error.strerror or error}"
    assert isinstance(error, UnicodeDecodeError)
    return _not_utf8(error)


def _not_utf8(error: UnicodeDecodeError) -> tuple[int, str]:
    """Where a file stops being UTF-8, and what it more likely is: Windows editors save
    "ANSI" (Windows-1252, one byte for Geschäftsführer's ä) or "Unicode" (UTF-16)."""
    raw = bytes(error.object)
    said = "the file is not UTF-8 text"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        why = "it is UTF-16 (it starts with UTF-16's byte-order mark)"
        return 1, f"{said}: {why}; save the file as UTF-8"
    line = raw.count(b"\n", 0, error.start) + 1
    byte = raw[error.start : error.start + 1]
    meant = byte.decode("cp1252", errors="replace")
    return line, (
        f"{said}: line {line} holds the byte 0x{byte.hex().upper()}, {meant!r} in"
        " Windows-1252 (an editor's 'ANSI'); save the file as UTF-8"
    )


def _load(origin: _Origin, text: str) -> Definition:
    return _load_document(origin, text)[0]


def _load_document(origin: _Origin, text: str) -> tuple[Definition, Document]:
    document = _read(origin, text, ())
    checked = validate_raw(document.data)
    problems = list(checked.problems)
    definition = None
    if checked.raw is not None:
        try:
            definition = compile_definition(checked.raw, builtin_free_mail_domains())
        except CompileError as error:
            sound = (p for p in error.problems if not p.loc or p.loc[0] not in checked.failed)
            problems.extend(sound)
    located = [
        LocatedProblem(*document.locate(problem.loc), format_loc(problem.loc), problem.message)
        for problem in problems
    ]
    if located or document.problems or definition is None:
        raise DefinitionError(_in_file_order([*document.problems, *located], origin.source))
    return definition, document


def _in_file_order(problems: list[LocatedProblem], first: str) -> list[LocatedProblem]:
    """The loaded file's problems first, then those of the files it extends; by line."""
    return sorted(problems, key=lambda p: (p.source != first, p.source, p.line))


def _read(
    origin: _Origin, text: str, chain: tuple[str, ...], *, resolve_presets: bool = True
) -> Document:
    """Parse ``text`` and, when it extends another definition, merge it onto that one.

    With ``resolve_presets=False`` only extended files are merged: an ``extends`` naming
    a preset stays in the data, as written.
    """
    try:
        document = parse_document(text, origin.source)
    except YamlSyntaxError as error:
        raise DefinitionError([error.problem]) from None
    data = document.data
    if not isinstance(data, dict) or "extends" not in data:
        return document
    if not resolve_presets and _names_preset(data["extends"]):
        return document
    extends = data.pop("extends")
    line = document.locate(("extends",))[1]
    base = _resolve_extends(
        extends, origin, line, (*chain, origin.key), resolve_presets=resolve_presets
    )
    return merge(base, document)


def _names_preset(extends: object) -> bool:
    return isinstance(extends, str) and _is_preset(extends)


def _resolve_extends(
    extends: object,
    origin: _Origin,
    line: int,
    chain: tuple[str, ...],
    *,
    resolve_presets: bool = True,
) -> Document:
    def fail(message: str) -> DefinitionError:
        return DefinitionError([LocatedProblem(origin.source, line, "extends", message)])

    if not isinstance(extends, str) or not extends:
        raise fail("expected a preset name or a relative file name")
    if _is_preset(extends):
        base = _Origin(preset_source(extends), None, f"preset:{extends}")
        text = preset_text(extends)
    else:
        if origin.directory is None:
            presets = ", ".join(PRESET_NAMES)
            raise fail(f"only a preset can be extended here, not {extends!r} (presets: {presets})")
        path = origin.directory / extends
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            presets = ", ".join(PRESET_NAMES)
            message = f"no file {extends!r} next to this one, and no preset of that name"
            raise fail(f"{message} (presets: {presets})") from None
        except (OSError, UnicodeDecodeError) as error:
            raise fail(f"{path}: {_read_failure(path, error)[1]}") from None
        base = _Origin(str(path), path.parent, _key(path))
    if base.key in chain:
        names = [*chain[chain.index(base.key) :], base.key]
        raise fail("cycle: " + " -> ".join(_shown_key(name) for name in names))
    return _read(base, text, chain, resolve_presets=resolve_presets)


def _shown_key(key: str) -> str:
    return key.removeprefix("preset:") if key.startswith("preset:") else Path(key).name

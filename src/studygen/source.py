"""Read a lesson file into plain data, strictly, remembering where every key and value was written."""

from __future__ import annotations

import codecs
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from studygen import lesson_files
from studygen.errors import LessonError, Problem
from studygen.keys import Path_, dotted
from studygen.scalars import Scalar, value_positions
from studygen.wording import comma_advice
from studygen.yaml_errors import explain

MAX_FILE_BYTES = lesson_files.MAX_FILE_BYTES
"""Lesson files larger than this are refused before parsing: a lesson is prose, not data."""

MAX_NESTING = 30
"""Deepest nesting of mappings and lists a lesson may use; the lesson format needs about six."""

# Plain scalars that mean "nothing here". Everything else stays text exactly as written, so YAML 1.1
# never turns a teacher's `NO` into false or `1:30` into 90; the typed model decides what a number is.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in a lesson file."""

    line: int
    column: int


@dataclass
class SourceMap:
    """Where each key and value of a lesson was written, by its path of keys and list indexes."""

    file: Path
    text: str = ""
    keys: dict[Path_, Mark] = field(default_factory=dict)
    values: dict[Path_, Mark] = field(default_factory=dict)
    scalars: dict[Path_, Scalar] = field(default_factory=dict)
    """Each text value as written, so a problem inside it can point at its own line and column."""

    def locate(self, path: Path_, *, at_key: bool = False) -> Mark:
        """Return the best mark for a path: its key or value, else the nearest written ancestor."""
        table = (self.keys, self.values) if at_key else (self.values, self.keys)
        for length in range(len(path), -1, -1):
            prefix = path[:length]
            for marks in table:
                if prefix in marks:
                    return marks[prefix]
        return Mark(1, 1)

    def problem(
        self,
        path: Path_,
        message: str,
        *,
        at_key: bool = False,
        near: str | None = None,
        offset: int | None = None,
    ) -> Problem:
        """Make a problem located at a path, at the text `near` in that value, or at an `offset` into it."""
        mark = self.locate(path, at_key=at_key)
        if offset is not None:
            mark = self.inside(path, offset) or mark
        elif near:
            mark = self._find(near, after=mark) or mark
        return Problem(self.file, mark.line, mark.column, dotted(path), message)

    def inside(self, path: Path_, offset: int) -> Mark | None:
        """Return where a character of a text value was written, counting from the text as the model keeps
        it (leading whitespace stripped); None if that cannot be told."""
        scalar = self.scalars.get(path)
        positions = value_positions(self.text, scalar) if scalar is not None else None
        if scalar is None or positions is None:
            return None
        index = offset + len(scalar.value) - len(scalar.value.lstrip())
        if not 0 <= index < len(positions):
            return None
        return self._mark_at(positions[index])

    def _mark_at(self, index: int) -> Mark:
        """Return the line and column of an index into the file's text."""
        line = self.text.count("\n", 0, index) + 1
        return Mark(line, index - (self.text.rfind("\n", 0, index) + 1) + 1)

    def _find(self, needle: str, *, after: Mark) -> Mark | None:
        """Find where needle is first written at or after a mark, for a precise line in long text."""
        lines = self.text.splitlines(keepends=True)
        start = sum(len(line) for line in lines[: after.line - 1]) + after.column - 1
        found = self.text.find(needle, start)
        return self._mark_at(found) if found >= 0 else None


@dataclass(frozen=True)
class Source:
    """A lesson file read into plain data (dicts, lists, text, None) with its source map."""

    data: dict[str, Any]
    where: SourceMap


def read_source(file: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Source:
    """Read and parse a lesson file; raise LessonError for anything that is not a clean YAML mapping."""
    text = _read_text(file, max_bytes)
    where = SourceMap(file, text)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as error:
        raise LessonError([_yaml_problem(file, error, text)]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        # PyYAML gives the character itself for text input and its code for bytes: accept both.
        code = error.character if isinstance(error.character, int) else ord(error.character)
        message = f"character U+{code:04X} is not allowed in YAML: delete it"
        raise _refused(file, message, Mark(line, column)) from None
    if node is None:
        raise _refused(file, "the file is empty: a lesson needs at least a title")
    if not isinstance(node, MappingNode):
        raise _refused(file, "a lesson must be a mapping of keys such as `title:`", _mark(node))
    problems: list[Problem] = []
    data = _to_data(node, (), where, problems)
    if problems:
        raise LessonError(problems)
    return Source(data, where)


def _read_text(file: Path, max_bytes: int) -> str:
    """Read a file as UTF-8 text, refusing oversized, binary and undecodable files clearly."""
    try:
        if not file.is_file():
            raise _refused(file, "not a regular file")
        size = file.stat().st_size
        if size > max_bytes:
            raise _refused(
                file,
                f"the file is {size:,} bytes; lessons are limited to {max_bytes:,} "
                f"({max_bytes // 1024:,} KiB): split it, or allow more with --max-lesson-kb",
            )
        raw = file.read_bytes()[: max_bytes + 1]
    except OSError as error:
        raise _refused(file, f"cannot read the file: {error.strerror}") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # also covers UTF-32 LE
        raise _refused(file, "the file is UTF-16 text, not UTF-8: save it as UTF-8 and try again")
    if b"\0" in raw:
        raise _refused(file, "this is a binary file, not a YAML lesson")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = "the file is not UTF-8 text: save it as UTF-8 and try again"
        raise _refused(file, message, Mark(line, column)) from None


def _refused(file: Path, message: str, mark: Mark = Mark(1, 1)) -> LessonError:
    """Make the error for a file refused as a whole."""
    return LessonError([Problem(file, mark.line, mark.column, "", message)])


class _StrictLoader(yaml.SafeLoader):
    """The pure-Python safe loader, refusing aliases, anchors, tags and deep nesting as it composes."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """Compose one node, refusing the YAML features a lesson has no use for."""
        event = self.peek_event()  # type: ignore[no-untyped-call]
        nests = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if isinstance(event, AliasEvent):
            _refuse(
                "aliases (*name) are not allowed in lessons: write the text out (a text that starts "
                "with `*`, such as *bold*, needs the whole text in quotes)",
                event,
            )
        if isinstance(event, ScalarEvent) or nests:
            if event.anchor is not None:
                _refuse(
                    "anchors (&name) are not allowed in lessons (a text that starts with `&` needs the "
                    "whole text in quotes)",
                    event,
                )
            if event.tag not in (None, "!"):
                _refuse(f"tags such as {event.tag} are not allowed in lessons", event)
        if nests:
            self._depth += 1
            if self._depth > MAX_NESTING:
                _refuse(f"nested more than {MAX_NESTING} levels deep", event)
        try:
            return super().compose_node(parent, index)
        finally:
            if nests:
                self._depth -= 1


def _refuse(message: str, event: Any) -> None:
    """Stop composing with a YAML error at the event's position."""
    raise yaml.composer.ComposerError(None, None, message, event.start_mark)


def _compose(text: str) -> Node | None:
    """Compose the single YAML document in text into a node tree."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    return node


def _to_data(node: Node, path: Path_, where: SourceMap, problems: list[Problem]) -> Any:
    """Turn a node into plain data, recording marks and collecting duplicate or non-text keys."""
    where.values[path] = _mark(node)
    if isinstance(node, ScalarNode):
        if node.style is None and node.value in _NULLS:
            return None
        where.scalars[path] = Scalar(node.style, node.start_mark.index, node.end_mark.index, node.value)
        return node.value
    if node.flow_style:  # type: ignore[attr-defined]  # PyYAML sets it on every collection node
        problems.extend(_decimal_commas(node, path, where))
    if isinstance(node, SequenceNode):
        return [_to_data(item, (*path, i), where, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        mark = _mark(key_node)
        if not isinstance(key_node, ScalarNode) or key_node.value in ("", "<<"):
            problems.append(Problem(where.file, mark.line, mark.column, dotted(path), _bad_key(key_node)))
            continue
        key = key_node.value
        child = (*path, key)
        if key in result:
            first = where.keys[child]
            problems.append(
                Problem(
                    where.file,
                    mark.line,
                    mark.column,
                    dotted(child),
                    f"duplicate key: already given on line {first.line}; keep one of them",
                )
            )
            continue
        where.keys[child] = mark
        result[key] = _to_data(value_node, child, where, problems)
    return result


# A plain number on each side of a comma, as YAML splits them: `1,5` gives `1` and `5`.
_WHOLE = re.compile(r"[+-]?\d+")
_DIGITS = re.compile(r"\d+")


def _decimal_commas(node: Node, path: Path_, where: SourceMap) -> list[Problem]:
    """Find numbers that YAML split at a decimal comma in a `[...]` list or `{...}` mapping.

    In a mapping (`{g: 9,8}`) the digits after the comma become a key with no value, which no lesson
    means, so that is always refused. In a list, `[1,2,3]` is a fine way to write three values, so a
    comma with no space is refused only where the same list also separates values with `, ` (`[1,5, 2]`)
    or where the digits after it start with 0 (`[0,05]`), which nobody writes as a whole number.
    """
    if isinstance(node, MappingNode):
        pairs = list(itertools.pairwise(node.value))
        return [
            _comma_problem(value, after, (*path, str(key.value)), where, "")
            for (key, value), (after, _) in pairs
            if _split_number(value, after, where.text)
        ]
    assert isinstance(node, SequenceNode)
    items: list[Node] = node.value
    separators = [where.text[a.end_mark.index : b.start_mark.index] for a, b in itertools.pairwise(items)]
    spaced = any(separator != "," for separator in separators)
    return [
        _comma_problem(a, b, (*path, i), where, f" (or write `{a.value}, {b.value}` if you meant two values)")
        for i, (a, b) in enumerate(itertools.pairwise(items))
        if _split_number(a, b, where.text) and (spaced or (b.value.startswith("0") and len(b.value) > 1))
    ]


def _split_number(before: Node, after: Node, text: str) -> bool:
    """Tell whether two plain scalars are digits either side of a comma with no space: `1,5`."""
    return (
        isinstance(before, ScalarNode)
        and isinstance(after, ScalarNode)
        and before.style is None
        and after.style is None
        and _WHOLE.fullmatch(before.value) is not None
        and _DIGITS.fullmatch(after.value) is not None
        and text[before.end_mark.index : after.start_mark.index] == ","
    )


def _comma_problem(before: Node, after: Node, path: Path_, where: SourceMap, alternative: str) -> Problem:
    """Say that `1,5` looks like a decimal comma, and how to write it, at the first digit."""
    written = f"{before.value},{after.value}"
    advice = comma_advice(written) or "use a point"
    mark = _mark(before)
    looks = "a decimal comma" if advice.startswith("use a point") else "one number written with a comma"
    message = f"`{written}` looks like {looks}: {advice}{alternative}"
    return Problem(where.file, mark.line, mark.column, dotted(path), message)


def _mark(node: Node) -> Mark:
    """Return a node's 1-based start position."""
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _bad_key(node: Node) -> str:
    """Say what is wrong with a key that is not a plain word."""
    if isinstance(node, ScalarNode) and node.value == "<<":
        return "merge keys (<<) are not allowed in lessons: write the keys out"
    if isinstance(node, ScalarNode):
        return "a key must not be empty"
    return "keys must be plain words, not lists or mappings"


def _yaml_problem(file: Path, error: yaml.MarkedYAMLError, text: str) -> Problem:
    """Turn a PyYAML error into a problem at the line it names, in plain words."""
    explained = explain(error, text)
    if explained is not None:
        return Problem(
            file, explained.line + 1, explained.column + 1, "", f"YAML syntax: {explained.message}"
        )
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = error.problem or "not valid YAML"
    if error.context and error.problem:
        what = f"{error.context}: {error.problem}"
    hint = _YAML_HINTS.get(error.problem or "", "")
    return Problem(file, line, column, "", f"YAML syntax: {what}{hint}")


_YAML_HINTS = {
    "found unknown escape character '{'": (
        " (inside double quotes write `\\\\{=` to print `{=`, or drop the quotes and write `\\{=`)"
    ),
}
"""Hints for PyYAML errors that `yaml_errors.explain` leaves in PyYAML's words."""

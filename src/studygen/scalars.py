"""Where each character of a YAML scalar's value was written: for messages inside a text's line and column.

PyYAML gives a scalar's start and end, not where a character of its value came from: folding, escapes
and indentation move them. `value_positions` reads the scalar's source again the way PyYAML does, for
each style (plain, 'single', "double", literal `|` and folded `>`), and keeps each value character's
index in the file. The result is checked against PyYAML's own value: where the two differ (a case this
reading does not cover), there is no answer and the caller points at the scalar's start instead.
"""

from __future__ import annotations

from dataclasses import dataclass

_BREAKS = ("\r\n", "\r", "\n")
_ESCAPES = {
    "0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_CODES = {"x": 2, "u": 4, "U": 8}


@dataclass(frozen=True)
class Scalar:
    """A scalar as written: its style (None for plain), its span in the file and its value."""

    style: str | None
    start: int
    end: int
    value: str


class _Reader:
    """Collects value characters with the file index each one came from."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.i = start
        self.end = end
        self.chars: list[str] = []
        self.where: list[int] = []

    def emit(self, chars: str, index: int) -> None:
        """Add value characters, all written at one index."""
        for char in chars:
            self.chars.append(char)
            self.where.append(index)

    def at_break(self) -> bool:
        """Whether a line break starts here."""
        return self.i < self.end and self.text[self.i] in "\r\n"

    def skip_break(self) -> int:
        """Pass one line break; return where it was."""
        start = self.i
        self.i += 2 if self.text.startswith("\r\n", self.i) else 1
        return start

    def column(self) -> int:
        """0-based column of the current index."""
        return self.i - (max(self.text.rfind("\n", 0, self.i), self.text.rfind("\r", 0, self.i)) + 1)


def value_positions(text: str, scalar: Scalar) -> list[int] | None:
    """Return the file index of each character of the scalar's value, or None if it cannot be told."""
    if scalar.style in ("|", ">"):
        found = _block(text, scalar)
    elif scalar.style in (None, "'", '"'):
        found = _flow(text, scalar)
    else:
        found = None
    if found is None or "".join(found.chars) != scalar.value:
        return None
    return found.where


def _flow(text: str, scalar: Scalar) -> _Reader | None:
    """Read a plain or quoted scalar: lines folded into spaces, blank lines into line breaks, escapes."""
    quote = scalar.style
    skip = 1 if quote else 0
    reader = _Reader(text, scalar.start + skip, scalar.end - skip)
    pending: list[int] = []  # spaces and tabs kept only if the line goes on after them
    while reader.i < reader.end:
        char = text[reader.i]
        if char in " \t":
            pending.append(reader.i)
            reader.i += 1
        elif char in "\r\n":
            pending.clear()
            _fold(reader, reader.skip_break(), joined=True)
        else:
            for index in pending:
                reader.emit(text[index], index)
            pending.clear()
            if not _flow_character(reader, quote):
                return None
    for index in pending:
        reader.emit(text[index], index)
    return reader


def _fold(reader: _Reader, at: int, *, joined: bool) -> None:
    """After a line break: skip indentation; blank lines become line breaks, else one space if `joined`."""
    blank = 0
    while True:
        while reader.i < reader.end and reader.text[reader.i] in " \t":
            reader.i += 1
        if not reader.at_break():
            break
        reader.emit("\n", reader.skip_break())
        blank += 1
    if not blank and joined:
        reader.emit(" ", at)


def _flow_character(reader: _Reader, quote: str | None) -> bool:
    """Read one character of a flow scalar (an escape or a quoted quote); False if it cannot be read."""
    text, i = reader.text, reader.i
    char = text[i]
    if quote == "'" and text.startswith("''", i):
        reader.emit("'", i)
        reader.i += 2
    elif quote == '"' and char == "\\":
        code = text[i + 1 : i + 2]
        if code in _ESCAPES:
            reader.emit(_ESCAPES[code], i)
            reader.i += 2
        elif code in _CODES:
            digits = text[i + 2 : i + 2 + _CODES[code]]
            try:
                reader.emit(chr(int(digits, 16)), i)
            except ValueError:
                return False
            reader.i += 2 + len(digits)
        elif code in ("\r", "\n"):  # an escaped line break joins the lines without a space
            reader.i += 1
            reader.skip_break()
            _fold(reader, i, joined=False)
        else:
            return False
    else:
        reader.emit(char, i)
        reader.i += 1
    return True


def _block(text: str, scalar: Scalar) -> _Reader | None:
    """Read a literal or folded block scalar as PyYAML's scan_block_scalar does, indexes kept."""
    folded = scalar.style == ">"
    reader = _Reader(text, scalar.start + 1, scalar.end)
    chomping: bool | None = None  # None: clip, True: keep (+), False: strip (-)
    while reader.i < reader.end and text[reader.i] in "+-0123456789":
        if text[reader.i].isdigit():
            return None  # an explicit indentation counts from the parent's, which is not known here
        chomping = text[reader.i] == "+"
        reader.i += 1
    while reader.i < reader.end and not reader.at_break():  # the rest of the header: spaces, a comment
        reader.i += 1
    if reader.i >= reader.end:
        return reader
    reader.skip_break()
    breaks, indent = _leading_breaks(reader)
    line_break: tuple[str, int] | None = None
    while reader.column() == indent and reader.i < reader.end:
        for index in breaks:
            reader.emit("\n", index)
        leading_non_space = text[reader.i] not in " \t"
        while reader.i < reader.end and not reader.at_break():
            reader.emit(text[reader.i], reader.i)
            reader.i += 1
        if reader.i >= reader.end:
            line_break = None
            breaks = []
            break
        line_break = ("\n", reader.skip_break())
        breaks = _breaks(reader, indent)
        if reader.column() == indent and reader.i < reader.end:
            if folded and leading_non_space and text[reader.i] not in " \t":
                if not breaks:
                    reader.emit(" ", line_break[1])
            else:
                reader.emit(*line_break)
        else:
            break
    if chomping is not False and line_break is not None:
        reader.emit(*line_break)
    if chomping is True:
        for index in breaks:
            reader.emit("\n", index)
    return reader


def _leading_breaks(reader: _Reader) -> tuple[list[int], int]:
    """Pass the blank lines before a block's first line; return them and the block's indentation."""
    breaks: list[int] = []
    indent = 0
    while reader.i < reader.end and reader.text[reader.i] in " \r\n":
        if reader.text[reader.i] == " ":
            reader.i += 1
            indent = max(indent, reader.column())
        else:
            breaks.append(reader.skip_break())
    return breaks, max(indent, 1)


def _breaks(reader: _Reader, indent: int) -> list[int]:
    """Pass blank lines inside a block, up to its indentation; return where each line break was."""
    breaks: list[int] = []
    while True:
        while reader.column() < indent and reader.i < reader.end and reader.text[reader.i] == " ":
            reader.i += 1
        if not reader.at_break():
            return breaks
        breaks.append(reader.skip_break())

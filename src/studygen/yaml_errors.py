"""Say what PyYAML's structural errors mean for a teacher: what is wrong on which line, and what to type."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from studygen.wording import quoted


@dataclass(frozen=True)
class Explained:
    """A YAML error in plain words, at a 0-based line and column of the lesson's text."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class _Level:
    """A key or list dash above a line, at the indentation a following line can line up with."""

    column: int
    line: int
    label: str
    item: bool
    """Whether lining up with it starts a list item (it is a `- `) rather than a key beside it."""


# A line's list dashes, then its key up to `:` and a space (or the line's end): `  - question: Why?`.
_KEY_LINE = re.compile(r"(?P<dashes>(?:-[ ]+)*)(?P<key>[^\s#:'\"\[\]{},&*!|>%@`-][^:#]*?)?:(?:[ ]|$)")


def explain(error: yaml.MarkedYAMLError, text: str) -> Explained | None:
    """Translate a PyYAML syntax error into plain words, or None when it is not one of the common ones."""
    problem, context = error.problem or "", error.context or ""
    mark, opened = error.problem_mark, error.context_mark
    if mark is None:
        return None
    lines = text.splitlines()
    here = (mark.line, mark.column)
    if problem.startswith("found character '\\t'"):
        return Explained(*here, "a tab indents this line: indent with spaces only")
    if problem == "found unexpected end of stream" and opened is not None:
        quote = _char(lines, opened.line, opened.column) or '"'
        return Explained(
            opened.line,
            opened.column,
            f"the quote `{quote}` here is never closed: end the text with `{quote}`",
        )
    if problem.startswith("expected ',' or ']'") and opened is not None:
        return Explained(opened.line, opened.column, _unclosed("[", "]", "a list", opened, mark))
    if problem.startswith("expected ',' or '}'") and opened is not None:
        return Explained(opened.line, opened.column, _unclosed("{", "}", "keys and values", opened, mark))
    if problem == "expected the node content, but found ','":
        return Explained(*here, "two commas with nothing between them: remove one, or write a value between")
    if problem == "mapping values are not allowed here":
        return _colon(lines, mark.line, mark.column)
    if context in ("while scanning an alias", "while scanning an anchor") and opened is not None:
        sign = "*" if "alias" in context else "&"
        written = quoted(lines[opened.line][opened.column :].strip(), 50)[1:-1]
        quote = "'" if '"' in written else '"'
        return Explained(
            opened.line,
            opened.column,
            f"a text that starts with `{sign}` needs the whole text in quotes: {quote}{written}{quote}",
        )
    if problem == "could not find expected ':'" and opened is not None:
        return Explained(opened.line, opened.column, _no_colon(lines, opened.line))
    if problem == "sequence entries are not allowed here":
        return Explained(
            *here, "a list item (`- `) cannot follow a key on its line: start it on the next line, indented"
        )
    if problem.startswith("found character '") and "cannot start any token" in problem:
        first = problem.split("'")[1]
        named = "a backquote (`)" if first == "`" else f"`{first}`"
        return Explained(*here, f"a text cannot start with {named}: put the whole text in quotes")
    if context.startswith("expected a single document"):
        return Explained(*here, "a lesson is one document: remove the `---` line, or split the file in two")
    if problem == "expected <block end>, but found '<scalar>'":
        return Explained(*here, _text_after_value(lines, mark.line, mark.column))
    if problem.startswith("expected <block end>"):
        return Explained(*here, _indentation(lines, mark.line))
    return None


def _char(lines: list[str], line: int, column: int) -> str | None:
    """Return the character at a 0-based position, if there is one."""
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else None


def _unclosed(opening: str, closing: str, what: str, opened: yaml.Mark, mark: yaml.Mark) -> str:
    """Say that the `[` or `{` where a problem starts is never closed, or goes wrong before its end."""
    if mark.line != opened.line:
        broken = f"is never closed: close it with `{closing}`"
    else:
        broken = (
            f"opens {what}, and at column {mark.column + 1} a `, ` or `{closing}` is missing: separate its "
            f"entries with `, ` and close it with `{closing}`"
        )
    return f"the `{opening}` here {broken}, or put the whole text in quotes if it is not {what}"


def _colon(lines: list[str], line: int, column: int) -> Explained:
    """Explain a `:` YAML cannot take: one inside unquoted text, or a key indented under a text."""
    before = lines[line][:column]
    found = _KEY_LINE.match(before.lstrip(" "))
    if found and found.group("key"):
        key = (found.group("dashes") or "") + found.group("key")
        value = lines[line][len(before) - len(before.lstrip(" ")) + found.end() :].strip()
        quote = "'" if '"' in value else '"'
        example = quoted(f"{key}: {quote}{value}{quote}", 70)[1:-1]
        return Explained(
            line, column, f"a `:` followed by a space inside text needs the whole text in quotes: `{example}`"
        )
    return Explained(line, len(before) - len(before.lstrip(" ")), _indentation(lines, line))


def _no_colon(lines: list[str], line: int) -> str:
    """Explain a line that is neither `key: value` nor indented under a key."""
    text = f"`{quoted(lines[line].strip(), 40)[1:-1]}`" if line < len(lines) else "this line"
    return (
        f"{text} has no `key:`: write `key: value` with a colon, or, if it continues the text above, "
        "indent it further than that text's key"
    )


def _text_after_value(lines: list[str], line: int, column: int) -> str:
    """Explain text YAML found after a value that a quote or bracket had already ended."""
    before = lines[line][:column].rstrip()
    if not before.strip():
        return _indentation(lines, line)
    start = _value_start(lines[line])
    opener = lines[line][start] if start is not None else before[-1]
    if opener == "'":
        return (
            "a text that starts with ' ends at the next ': write each ' inside it as '' (two), e.g. 'It''s'"
        )
    if opener == '"':
        return (
            'a text that starts with " ends at the next ": put the whole text in single quotes instead, '
            "e.g. 'The \"best\" one'"
        )
    if opener in "[{":
        what = "a list" if opener == "[" else "keys and values"
        return f"a text that starts with `{opener}` is read as {what}: put the whole text in quotes"
    return _indentation(lines, line)


def _value_start(text: str) -> int | None:
    """Return where the value after a line's key (or list dash) starts, if the line has one."""
    found = _KEY_LINE.match(text.lstrip(" "))
    offset = len(text) - len(text.lstrip(" "))
    if found is None:
        dashes = re.match(r"(?:-[ ]+)+", text.lstrip(" "))
        return offset + dashes.end() if dashes else None
    start = offset + found.end()
    while start < len(text) and text[start] == " ":
        start += 1
    return start if start < len(text) else None


def _indentation(lines: list[str], line: int) -> str:
    """Say how far to indent a line that lines up with nothing above it, naming the lines it could join."""
    text = lines[line] if line < len(lines) else ""
    indent = len(text) - len(text.lstrip(" "))
    item = text.lstrip(" ").startswith("-")
    # A key lines up only with keys; a list item may line up with a dash or start a list under a key.
    levels = [
        level for level in _levels_above(lines, line) if level.column != indent and (item or not level.item)
    ]
    found = _KEY_LINE.match(text.lstrip(" "))
    label = f"`{_label(found)}`" if found and found.group("key") else "this line"
    # The nearest indentation on each side: one more, one fewer; the closer one first.
    deeper = [level for level in levels if level.column > indent][-1:]
    shallower = [level for level in levels if level.column < indent][:1]
    options = sorted(deeper + shallower, key=lambda level: (abs(level.column - indent), -level.column))
    said = [
        f"{_indent_by(level.column, second=n > 0)}, like `{level.label}` on line {level.line + 1}"
        for n, level in enumerate(options)
    ]
    above = _text_above(lines, line)
    if above is not None and above != indent:
        said.append(f"{_indent_by(above, second=bool(said))} if it continues the text above")
    if not said:
        if item:
            return "a list item (`- `) stands among keys here: indent it under the key the list belongs to"
        return "this line does not fit with the lines above it: check its indentation"
    return f"{label} does not line up with the lines above it: " + ", or ".join(said)


def _indent_by(column: int, *, second: bool) -> str:
    """Say how far to indent: `indent it 4 spaces`, `start it at the margin`; shorter for a second choice."""
    if column == 0:
        return "start it at the margin"
    spaces = f"{column} space" + ("" if column == 1 else "s")
    return spaces if second else f"indent it {spaces}"


def _text_above(lines: list[str], line: int) -> int | None:
    """Return the indentation of the line just above if it is text (a block's line), not a key."""
    for number in range(line - 1, -1, -1):
        stripped = lines[number].lstrip(" ")
        if stripped.strip() and not stripped.startswith("#"):
            found = _KEY_LINE.match(stripped)
            return None if found is not None and found.group("key") else len(lines[number]) - len(stripped)
    return None


def _label(found: re.Match[str]) -> str:
    """Name a key line as it is written: `- question:` or `title:`."""
    dashes = "- " * found.group("dashes").count("-")
    return f"{dashes}{found.group('key') or ''}:"


def _levels_above(lines: list[str], line: int) -> list[_Level]:
    """List the keys and dashes still open above a line, deepest first: the places it may line up with."""
    levels: list[_Level] = []
    limit: tuple[int, bool] | None = None  # the shallowest line seen, and whether it is a list item
    for number in range(line - 1, -1, -1):
        text = lines[number]
        stripped = text.lstrip(" ")
        found = _KEY_LINE.match(stripped)
        if found is None or not found.group("key"):
            continue  # text, comments and blank lines open no level
        indent = len(text) - len(stripped)
        dashes = found.group("dashes")
        key = f"{found.group('key')}:"
        # Lining up with the key continues its mapping; lining up with its dash starts a new list item.
        marks = [_Level(indent + len(dashes), number, key, item=False)] + [
            _Level(indent + i, number, f"- {key}", item=True)
            for i in range(len(dashes) - 1, -1, -1)
            if dashes[i] == "-"
        ]
        levels.extend(level for level in marks if _still_open(level, limit))
        if limit is None or indent < limit[0]:
            limit = (indent, bool(dashes))
    return levels


def _still_open(level: _Level, limit: tuple[int, bool] | None) -> bool:
    """Tell whether a level above is still open below the shallowest line seen since.

    A list may sit at its key's own indentation (`exercises:` then `- kind:` under it, unindented), so
    a key level at the column of a later list item is still open.
    """
    if limit is None:
        return True
    column, by_item = limit
    return level.column < column or (level.column == column and by_item and not level.item)

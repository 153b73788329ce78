"""Translate the lesson model's validation errors into problems a teacher can fix, at their lines."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from studygen.errors import Problem
from studygen.keys import Path_
from studygen.kinds import EXERCISE_KINDS, KINDS
from studygen.model import Lesson
from studygen.source import Source
from studygen.wording import closest, comma_advice, did_you_mean, quoted


def problems_in(error: ValidationError, source: Source) -> list[Problem]:
    """Translate pydantic's errors into located problems in a teacher's words, one per place."""
    details = [(d, _data_path(tuple(d["loc"]), source.data)) for d in error.errors(include_url=False)]
    # A misspelt required key shows up twice: as unknown (`titel`) and as missing (`title`). The
    # unknown key's did-you-mean already says it all, so the missing one is dropped.
    missing = {path for detail, path in details if detail["type"] == "missing"}
    # A key indented one level too far in or out shows up the same way; its one message says where to
    # put it, so neither the unknown key nor the missing one is reported on its own.
    moved = {
        path: move
        for detail, path in details
        if detail["type"] == "extra_forbidden"
        and (move := _misplaced(tuple(detail["loc"]), path, source, missing)) is not None
    }
    misspelt = {
        (*path[:-1], suggestion)
        for detail, path in details
        if detail["type"] == "extra_forbidden"
        and path not in moved
        and (suggestion := closest(str(path[-1]), _allowed_keys(tuple(detail["loc"])))) is not None
    }
    covered = misspelt | {move.belongs for move in moved.values()}
    problems: dict[tuple[Path_, str], Problem] = {}
    for detail, path in details:
        if detail["type"] == "missing" and path in covered:
            continue
        if path in moved:
            problem = source.where.problem(path, moved[path].message, at_key=True)
        else:
            problem = _problem(detail, path, source)
        problems.setdefault((path, problem.message), problem)
    return list(problems.values())


@dataclass(frozen=True)
class _Move:
    """Where a key written at the wrong level belongs, and how to say so."""

    belongs: Path_
    message: str
    follows: bool
    """Whether the key is written after the block it slipped out of or into, as a slipped line is."""


def _misplaced(loc: tuple[Any, ...], path: Path_, source: Source, missing: set[Path_]) -> _Move | None:
    """Find the neighbouring level an unknown key belongs to, one level in or out, if it is a key there.

    The level where the same key is also reported missing wins; otherwise one level out is tried first.
    """
    moves = [move for move in (_one_level_out(loc, path, source), _one_level_in(loc, path, source)) if move]
    # Where the key is not missing at the other level, only its place in the file says it slipped:
    # it must come after the keys of its own level (a slipped line ends a block, or follows one).
    likely = [move for move in moves if move.belongs in missing or move.follows]
    likely.sort(key=lambda move: move.belongs not in missing)
    return likely[0] if likely else None


def _one_level_out(loc: tuple[Any, ...], path: Path_, source: Source) -> _Move | None:
    """Say how to move a key indented one level too deep, if the level around its parent takes it."""
    key, parent, parent_loc = path[-1], path[:-1], loc[:-1]
    in_list = bool(parent) and isinstance(parent[-1], int)
    if in_list:  # a key in a list item belongs beside the list's own key
        parent, parent_loc = parent[:-1], _without_index(parent_loc)
    if not parent or not isinstance(parent[-1], str):
        return None
    outer, beside = parent[:-1], parent[-1]
    outer_loc = parent_loc[:-1]
    if key not in _keys_in(outer_loc) or key in _mapping_at(source.data, outer):
        return None
    where = source.where
    written, level = where.keys[path], where.keys[parent]
    allowed = _keys_in(loc[:-1])
    known_after = [
        name
        for name in _mapping_at(source.data, path[:-1])
        if name in allowed and where.keys[(*path[:-1], name)].line > written.line
    ]
    place = f"`{key}` belongs beside `{beside}:`, not {'in its list' if in_list else 'under it'}"
    if written.line > level.line and written.column > level.column:
        fix = f"indent it by {_spaces(written.column - level.column, 'fewer')}"
    else:
        fix = f"move it out to the level of `{beside}:`"
    return _Move((*outer, key), f"{place}: {fix}", not known_after)


def _one_level_in(loc: tuple[Any, ...], path: Path_, source: Source) -> _Move | None:
    """Say how to move a key indented one level too little, if a mapping beside it takes it."""
    key, parent = path[-1], path[:-1]
    siblings = _mapping_at(source.data, parent)
    where = source.where
    written = where.keys[path]
    takers = [
        name
        for name, value in siblings.items()
        if name != key and isinstance(value, dict) and key not in value and key in _keys_in((*loc[:-1], name))
    ]
    if not takers:
        return None
    # The mapping written just above the key is the one it was meant to continue.
    above = [name for name in takers if where.keys[(*parent, name)].line < written.line]
    name = max(above, key=lambda n: where.keys[(*parent, n)].line) if above else takers[0]
    belongs = (*parent, name, key)
    first = next(iter(siblings[name]), None)
    inner = where.keys.get((*parent, name, first)) if first is not None else None
    if inner is not None and inner.line == where.keys[(*parent, name)].line:
        fix = f"write it inside the `{{…}}` after `{name}:`"
    elif above and inner is not None and inner.column > written.column:
        fix = f"indent it by {_spaces(inner.column - written.column, 'more')}"
    else:
        fix = f"move it there, lined up with the keys under `{name}:`"
    return _Move(belongs, f"`{key}` belongs under `{name}:`: {fix}", bool(above))


def _without_index(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop a list index, and the union tag after it, from the end of a pydantic location."""
    if loc and isinstance(loc[-1], str) and _is_tag(loc[-1]):
        loc = loc[:-1]
    return loc[:-1] if loc and isinstance(loc[-1], int) else loc


def _mapping_at(data: Any, path: Path_) -> dict[str, Any]:
    """Return the mapping the file holds at a path, or an empty one."""
    value = _value_at(data, path)
    return value if isinstance(value, dict) else {}


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _spaces(count: int, more_or_fewer: str) -> str:
    """Write a number of spaces as a teacher reads it: `two more spaces`."""
    number = _NUMBER_WORDS[count] if count < len(_NUMBER_WORDS) else str(count)
    return f"{number} {more_or_fewer} {'space' if count == 1 else 'spaces'}"


def _problem(detail: Any, path: Path_, source: Source) -> Problem:
    """Word one pydantic error for a teacher and place it at the key or value it concerns."""
    kind = detail["type"]
    raw = tuple(detail["loc"])
    where = source.where
    value = _value_at(source.data, path)
    if kind == "missing":
        return where.problem(path, f"missing required key {quoted(str(path[-1]))}", at_key=True)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(raw)
        hint = did_you_mean(str(path[-1]), allowed) or f"; allowed here: {', '.join(allowed)}"
        return where.problem(path, f"unknown key {quoted(str(path[-1]))}{hint}", at_key=True)
    if kind == "union_tag_not_found":
        return where.problem(path, f"missing required key 'kind': one of {', '.join(EXERCISE_KINDS)}")
    if kind == "union_tag_invalid":
        tag = str(detail["ctx"]["tag"])
        return where.problem(
            (*path, "kind"),
            f"unknown kind {quoted(tag)}; use one of {', '.join(EXERCISE_KINDS)}"
            + did_you_mean(tag, EXERCISE_KINDS),
        )
    if kind in ("too_long", "string_too_long"):
        return where.problem(path, _too_long(path, value, detail["ctx"]))
    message = _MESSAGES.get(kind)
    if message is not None:
        said = message.format(got=_describe(value), **detail.get("ctx", {}))
        advice = comma_advice(value) if kind == "decimal_parsing" and isinstance(value, str) else None
        return where.problem(path, f"{said}: {advice}" if advice else said)
    if kind == "value_error":
        return where.problem(path, str(detail["ctx"]["error"]), at_key="[key]" in raw)
    return where.problem(path, str(detail["msg"]).lower().rstrip("."))


_MESSAGES = {
    "string_type": "expected text, got {got}",
    "bool_type": "expected `true` or `false`, got {got}",
    "bool_parsing": "expected `true` or `false`, got {got}",
    "int_type": "expected a whole number, got {got}",
    "int_parsing": "expected a whole number, got {got}",
    "int_from_float": "expected a whole number, got {got}",
    "decimal_type": "expected a number, got {got}",
    "decimal_parsing": "expected a number such as 0.05 or 1000, got {got}",
    "finite_number": "expected a finite number, got {got}",
    "list_type": "expected a list (lines starting with `- `), got {got}",
    "dict_type": "expected keys and values (`key: value` lines), got {got}",
    "model_type": "expected keys and values (`key: value` lines), got {got}",
    "model_attributes_type": "expected keys and values (`key: value` lines), got {got}",
    "literal_error": "expected {expected}, got {got}",
    "too_short": "needs at least {min_length} item(s), got {actual_length}",
    "greater_than_equal": "must be at least {ge}, got {got}",
    "less_than_equal": "must be at most {le}, got {got}",
}


def _too_long(path: Path_, value: object, limits: dict[str, Any]) -> str:
    """Say how long a text or list is, what fits, and how much to cut."""
    most = int(limits["max_length"])
    if isinstance(value, str):  # a limit on `Text | None` is checked on the union, as a plain too_long
        where = "on a card" if path[:1] == ("flashcards",) else "here"
        return (
            f"is too long ({len(value):,} characters): at most {most:,} fit {where}; "
            f"shorten it by {len(value) - most:,}"
        )
    count = limits.get("actual_length")
    if count is None:
        count = len(value) if isinstance(value, list | dict) else most + 1
    things = _ITEMS.get(str(path[-1]), str(path[-1]).replace("_", " ")) if path else "items"
    return f"has {count:,} {things}: at most {most:,} are allowed here; remove {count - most:,}"


_ITEMS = {
    "flashcards": "cards",
    "given": "given values",
    "extra_right": "extra answers",
    "asked": "quantities",
}
"""What a list's items are called in a message, where its key is not already that word."""


def _data_path(loc: tuple[Any, ...], data: Any) -> Path_:
    """Drop the parts of pydantic's error location that are not keys in the file (tags, key markers)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if part == "[key]":  # pydantic's marker for "the key itself": the path already names it
            continue
        if isinstance(node, list) and isinstance(part, int):
            path.append(part)
            node = node[part] if part < len(node) else None
        elif isinstance(node, dict) and isinstance(part, str) and (part in node or not _is_tag(part)):
            path.append(part)
            node = node.get(part)
        elif isinstance(part, str) and _is_tag(part):
            continue
        else:
            path.append(part)
            node = None
    return tuple(path)


def _is_tag(part: str) -> bool:
    """Tell whether a location part is a discriminated union's tag rather than a key."""
    return part in EXERCISE_KINDS


def _value_at(data: Any, path: Path_) -> object:
    """Return what the file holds at a path, or _MISSING if nothing is there."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str) and part in data:  # noqa: SIM114 - separate so mypy narrows each index
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return _MISSING
    return data


_MISSING = object()


def _describe(value: object) -> str:
    """Describe what a teacher wrote, for a `got ...` message."""
    if value is _MISSING or value is None:
        return "nothing (the value is empty)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        if len(value) == 1 and str(next(iter(value))).startswith("="):
            # `question: {=n}` unquoted: YAML reads the braces as a mapping.
            written = "{" + str(next(iter(value))) + "}"
            return (
                f"keys and values, because YAML reads a text that starts with `{{` as a mapping: put the "
                f'text in quotes, e.g. "{written} …"'
            )
        return "keys and values"
    text = str(value)
    return quoted(text)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """List the keys the lesson format allows where an unknown key was found."""
    return _keys_in(loc[:-1])


def _keys_in(container: tuple[Any, ...]) -> list[str]:
    """List the keys the lesson format allows in the mapping at a pydantic location."""
    models: list[type[BaseModel]] = [Lesson]
    for part in container:
        if isinstance(part, int):
            continue
        if _is_tag(part):
            models = [KINDS[part].model]
            continue
        models = [
            found
            for model in models
            if part in model.model_fields
            for found in _models_in(model.model_fields[part].annotation)
        ]
    return sorted({name for model in models for name in model.model_fields})


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Find the models inside a type such as `list[Question] | None` or an annotated union."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (list, dict, typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return []

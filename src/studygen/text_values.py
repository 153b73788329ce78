"""Values in lesson text: each `{=expression}` worked out and printed as a number, in a pure pass.

Lesson text is never a template: a small scanner of our own finds `{=` … `}`, the expression goes through
the formula engine (with all its limits), and only the formatted number goes back into the text, so
nothing of the expression reaches the page. `\\{=` prints `{=` as it is. Names come from the lesson's
`values:`, the exercise's `given:` and a card's, question's or item's own `given:`; a name keeps one value
in a lesson, and an exercise's answers can be printed only in its key-only `discussion`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from annotated_types import MaxLen
from pydantic import BaseModel

from studygen.fields import Exercise, IsText
from studygen.formulas import Formula, FormulaError, NumberFormat, evaluate, format_number, parse
from studygen.formulas.units import Quantity, Unit
from studygen.keys import LessonProblem, Path_, dotted
from studygen.kinds.formula_answers import quantity_text, with_unit
from studygen.model import Lesson
from studygen.wording import closest, quoted

MAX_VALUES_PER_TEXT = 50
"""Values `{=…}` one text may print; more is a table's work, not a sentence's."""

MAX_VALUES_PER_LESSON = 10_000
"""Values `{=…}` a whole lesson may print (one or two a card in a big deck), so `check` stays quick."""

MAX_VALUE_CHARACTERS_PER_LESSON = 100_000
"""Characters of all the expressions of a lesson together: a hostile lesson of long expressions is
refused in a second or two, before it is worked out."""

EXAMPLE = "e.g. {=g * t^2 / 2} or {=A; 2 decimals}"

_OPEN = re.compile(r"(?<!\\)\{=")
_EXPRESSION = re.compile(r"(?<!\\)\{=[^}\n]*")
_BARE_NAME = re.compile(r"\{\s*([^\W\d]\w*)\s*\}")
_FORMAT = re.compile(r"\s*(\d{1,3})\s+(decimals?|significant)\s*")
_ModelT = TypeVar("_ModelT", bound=BaseModel)


@dataclass
class LessonCount:
    """How many values, and characters of expressions, a lesson has so far, against its limits."""

    printed: int = 0
    characters: int = 0


@dataclass(frozen=True)
class Scope:
    """The values a text can print, by name, and what the worksheet must not print."""

    values: Mapping[str, Quantity] = field(default_factory=dict)
    """Each name's value, with its unit if it was given one (`9.8 m/s²`)."""
    given_at: Mapping[str, Path_] = field(default_factory=dict)
    """Where each name was given, for messages: `values.ε` or `exercises[0].given.ε`."""
    answers: frozenset[str] = frozenset()
    """Names of answers asked for in this exercise: printing them on the worksheet would give them away."""
    count: LessonCount = field(default_factory=LessonCount, compare=False)
    """The whole lesson's count of values, shared by every scope made from the lesson's."""

    def value(self, name: str) -> Quantity:
        """Return a name's value."""
        return self.values[name]

    def inner(
        self, given: Mapping[str, Quantity | Decimal], path: Path_, problems: list[LessonProblem]
    ) -> Scope:
        """Add the values given at a path; a name already given another value is a problem there."""
        values = dict(self.values)
        given_at = dict(self.given_at)
        for name, written in given.items():
            number = written if isinstance(written, Quantity) else Quantity(written)
            if name in values and values[name] != number:
                problems.append(
                    LessonProblem(
                        (*path, name),
                        f"{quoted(name)} is {_shown(number)} here but {_shown(values[name])} in "
                        f"`{dotted(given_at[name])}`: a name has one value in a lesson, so make them "
                        f"equal or call this one something else, e.g. `{name}_2`",
                    )
                )
                continue
            values[name] = number
            given_at.setdefault(name, (*path, name))
        return Scope(values, given_at, self.answers, self.count)

    def with_answers(self, answers: frozenset[str]) -> Scope:
        """The same values, with answers the worksheet must not print."""
        return Scope(self.values, self.given_at, answers, self.count)


def put_values_in(lesson: Lesson, problems: list[LessonProblem]) -> tuple[Lesson, tuple[Scope, ...]]:
    """Put values into every text of a lesson but the exercises' discussions; return the exercises' scopes.

    A discussion is printed in the key only, after the exercise is worked out: `discussion_with_values`
    fills it in then, when the exercise's answers are known.
    """
    scope = Scope().inner(lesson.values, ("values",), problems)
    scopes: list[Scope] = []
    exercises = []
    for number, exercise in enumerate(lesson.exercises):
        path: Path_ = ("exercises", number)
        inner = _exercise_scope(exercise, scope, path, problems)
        scopes.append(inner)
        exercises.append(_model(exercise, inner, path, problems, skip=("discussion", "given")))
    worked = _model(lesson, scope, (), problems, skip=("exercises", "values"))
    return worked.model_copy(update={"exercises": exercises}), tuple(scopes)


def discussion_with_values(
    discussion: str | None,
    scope: Scope,
    answers: Mapping[str, Quantity],
    path: Path_,
    problems: list[LessonProblem],
) -> str | None:
    """Put values into an exercise's discussion, which may also print the exercise's `answers`."""
    if discussion is None:
        return None
    found = dict(answers)
    with_answers = Scope({**scope.values, **found}, scope.given_at, count=scope.count)
    return put_values(discussion, with_answers, (*path, "discussion"), problems)


def _exercise_scope(exercise: Exercise, scope: Scope, path: Path_, problems: list[LessonProblem]) -> Scope:
    """The values an exercise's text can use: the lesson's and its own `given:`; its answers are held back."""
    inner = scope.inner(getattr(exercise, "given", {}), (*path, "given"), problems)
    answers = exercise.answer_symbols()
    for name in sorted(answers & set(scope.values)):
        problems.append(
            LessonProblem(
                path,
                f"{quoted(name)} is the symbol of a quantity asked here and also a value in "
                f"`{dotted(scope.given_at[name])}`: give it one role, or the worksheet could print "
                "the answer",
            )
        )
    return inner.with_answers(answers)


def _model(
    model: _ModelT,
    scope: Scope,
    path: Path_,
    problems: list[LessonProblem],
    skip: tuple[str, ...] = (),
) -> _ModelT:
    """Put values into every text field of a model and the models inside it, each with its own `given:`."""
    if "given" not in skip and isinstance(getattr(model, "given", None), dict):
        scope = scope.inner(model.given, (*path, "given"), problems)  # type: ignore[attr-defined]
    updates: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        if name in skip:
            continue
        value = getattr(model, name)
        here = (*path, name)
        if isinstance(value, str | list | BaseModel):
            limit = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
            text = _takes_values(info.annotation, info.metadata)
            new = _any(value, text, limit, scope, here, problems)
            if new is not value:
                updates[name] = new
    return model.model_copy(update=updates) if updates else model


def _any(
    value: Any,
    text: bool,
    limit: int | None,
    scope: Scope,
    path: Path_,
    problems: list[LessonProblem],
) -> Any:
    """Put values into a text, each text of a list, or a model; anything else stays as it is."""
    if isinstance(value, str):
        return put_values(value, scope, path, problems, limit) if text else value
    if isinstance(value, BaseModel):
        return _model(value, scope, path, problems)
    if isinstance(value, list):
        items = [_any(item, text, None, scope, (*path, n), problems) for n, item in enumerate(value)]
        return items if any(new is not old for new, old in zip(items, value, strict=True)) else value
    return value


def _takes_values(annotation: Any, metadata: list[Any]) -> bool:
    """Tell whether a field is printed text: its type, or one inside it (`Text | None`, `list[Text]`)."""
    return any(isinstance(marker, IsText) for marker in [*metadata, *_markers(annotation)])


def _markers(annotation: Any) -> Iterator[Any]:
    """Yield the `Annotated` markers anywhere inside a type."""
    for argument in getattr(annotation, "__args__", ()):
        yield from getattr(argument, "__metadata__", ())
        yield from _markers(argument)


def put_values(
    text: str,
    scope: Scope,
    path: Path_,
    problems: list[LessonProblem],
    limit: int | None = None,
) -> str:
    """Replace each `{=expression}` of a text by its value; each mistake is a problem at its offset."""
    if "{" not in text:  # most text: nothing to do, and lessons without values print exactly as before
        return text
    opened = len(_OPEN.findall(text))
    if opened > MAX_VALUES_PER_TEXT:
        problems.append(
            LessonProblem(
                path,
                f"the text has {opened} values {{=…}}; at most {MAX_VALUES_PER_TEXT} fit in one: split it",
            )
        )
        return text
    if not _within_lesson_limits(text, opened, scope.count, path, problems):
        return text
    found = len(problems)
    printed = _scan(text, scope, path, problems)
    if len(problems) > found:
        return text
    if limit is not None and len(printed) > limit:
        problems.append(
            LessonProblem(
                path,
                f"with its values put in, the text is {len(printed):,} characters long, but at most "
                f"{limit:,} fit here; shorten it by {len(printed) - limit:,}",
            )
        )
        return text
    return printed


def _within_lesson_limits(
    text: str, opened: int, count: LessonCount, path: Path_, problems: list[LessonProblem]
) -> bool:
    """Count a text's values against the lesson's limits; say so once, at the text that goes over."""
    over = count.printed > MAX_VALUES_PER_LESSON or count.characters > MAX_VALUE_CHARACTERS_PER_LESSON
    count.printed += opened
    count.characters += sum(len(found) for found in _EXPRESSION.findall(text))
    if count.printed > MAX_VALUES_PER_LESSON:
        message = f"the lesson has more than {MAX_VALUES_PER_LESSON:,} values {{=…}}: split it"
    elif count.characters > MAX_VALUE_CHARACTERS_PER_LESSON:
        message = (
            f"the lesson's values {{=…}} have more than {MAX_VALUE_CHARACTERS_PER_LESSON:,} characters "
            "of expressions in all: shorten them, or split the lesson"
        )
    else:
        return True
    if not over:
        problems.append(LessonProblem(path, message))
    return False


def _scan(text: str, scope: Scope, path: Path_, problems: list[LessonProblem]) -> str:
    """Read a text left to right, replacing values and literal `\\{=`, reporting each mistake."""
    parts: list[str] = []
    done = 0  # text[:done] is in parts already
    index = 0
    while (start := text.find("{", index)) >= 0:
        index = start + 1
        escaped = start > 0 and text[start - 1] == "\\"
        bare = _BARE_NAME.match(text, start)
        if not text.startswith("{=", start) and not (bare and bare.group(1) in scope.values):
            continue
        if escaped:  # `\{=` and `\{d}` print the brace as it is
            parts.append(text[done : start - 1])
            done = start
            continue
        if bare is not None and not text.startswith("{=", start):
            if _in_math(text, start):  # `\frac{2E}{m}`: a group in LaTeX, not a value missing its `=`
                continue
            name = bare.group(1)
            problems.append(
                LessonProblem(
                    path,
                    f"{quoted(bare.group())} prints as it is: write {{={name}}} to print the value of "
                    f"{name}, or \\{{{name}}} to keep the braces",
                    offset=start,
                )
            )
            continue
        end = _closing(text, start, path, problems)
        if end is None:
            break  # the rest of the text cannot be told apart from the unclosed value
        value = _value(text[start : end + 1], scope, path, start, problems)
        parts += [text[done:start], value]
        done = index = end + 1
    return "".join([*parts, text[done:]])


def _in_math(text: str, index: int) -> bool:
    """Tell whether a character of a text lies inside a `$…$` or `$$…$$` formula."""
    from studygen.prose import formulas  # markdown is parsed only for a text with a dollar and a brace

    return any(start <= index < start + len(latex) for latex, start in formulas(text))


def _closing(text: str, start: int, path: Path_, problems: list[LessonProblem]) -> int | None:
    """Return the index of the `}` closing the value opened at start; a problem if there is none."""
    end = text.find("}", start + 2)
    line_end = text.find("\n", start)
    nested = text.find("{", start + 2)
    if 0 <= nested < end and (line_end < 0 or nested < line_end):
        message = "a value cannot hold braces: close it with `}` before the next `{`"
    elif end < 0 or 0 <= line_end < end:
        message = (
            f"`{{=` is not closed: end the value with `}}` on the same line, {EXAMPLE}, or write `\\{{=`"
        )
        message += " to print `{=` as it is"
    else:
        return end
    shown = text[start:].split("\n", 1)[0]
    problems.append(LessonProblem(path, f"value {quoted(shown, 40)}: {message}", offset=start))
    return None


def _value(written: str, scope: Scope, path: Path_, start: int, problems: list[LessonProblem]) -> str:
    """Work out one `{=expression; format}` and return it formatted, or "" after reporting a problem."""
    expression, semicolon, how = written[2:-1].partition(";")

    def wrong(message: str) -> str:
        problems.append(LessonProblem(path, f"value {quoted(written, 60)}: {message}", offset=start))
        return ""

    if not expression.strip():
        return wrong(f"the value is empty: write an expression between `{{=` and `}}`, {EXAMPLE}")
    try:
        fmt = _number_format(how) if semicolon else NumberFormat()
    except ValueError as error:
        return wrong(str(error))
    try:
        formula = _parsed(expression)
    except FormulaError as error:
        return wrong(error.message)
    for name in sorted(formula.names):
        if name in scope.answers:
            return wrong(
                f"{quoted(name)} is an answer the student finds here, and the worksheet would print it; "
                "only `discussion`, which the answer key alone prints, can use it"
            )
        if name not in scope.values:
            return wrong(_unknown(name, scope))
    used = {name: scope.value(name) for name in formula.names}
    try:
        number = format_number(evaluate(formula, {name: q.magnitude for name, q in used.items()}), fmt)
        return with_unit(number, _unit_of(formula, used))
    except FormulaError as error:
        return wrong(f"cannot compute it: {error.message}")


def _unit_of(formula: Formula, used: Mapping[str, Quantity]) -> Unit | None:
    """The unit a value in text prints with: derived from its values' units, none needing conversion.

    A unit one of the values has prints as the teacher wrote it (`euros`, `hours`); text does not
    convert, so units of one kind that differ (km and m, km/h and s) are refused, in sums and products.
    """
    units = [quantity.unit for quantity in used.values() if quantity.unit is not None]
    if not units:
        return None
    from studygen.formulas.units import derive, registry

    derivation = derive(formula._root, {name: quantity.unit for name, quantity in used.items()})
    ureg = registry()
    kinds = [ureg.get_dimensionality(name) for unit in units for name in unit.pint._units]
    names = {name for unit in units for name in unit.pint._units}
    if derivation.mixed or len(set(map(str, kinds))) < len(names):
        raise FormulaError(
            "its values have different units of one kind (such as km and m, or h and s), which text "
            "does not convert: give them the same unit"
        )
    return next((unit for unit in units if unit == derivation.unit), derivation.unit)


@lru_cache(maxsize=1024)
def _parsed(expression: str) -> Formula:
    """Parse an expression once: a deck's cards often print the same expression with their own values."""
    return parse(expression)


def _number_format(how: str) -> NumberFormat:
    """Read the format after a value's `;`: `2 decimals` or `3 significant`."""
    match = _FORMAT.fullmatch(how)
    if match is None:
        raise ValueError(
            f"unknown format {quoted(how.strip())}: after the `;` write `2 decimals` (fixed decimals, "
            "zeros kept) or `3 significant` (significant figures), e.g. {=A; 2 decimals}"
        )
    number = int(match.group(1))
    if match.group(2).startswith("decimal"):
        return NumberFormat(decimals=number)
    return NumberFormat(significant=number)


def _unknown(name: str, scope: Scope) -> str:
    """Say that a name has no value here, which names do, and how to give it one."""
    known = sorted(scope.values)
    by_lower = {known_name.lower(): known_name for known_name in known}  # `G` for `g` is a likely slip
    suggestion = closest(name.lower(), list(by_lower))
    hint = f" — did you mean {quoted(by_lower[suggestion])}?" if suggestion else ""
    listing = f"known here: {', '.join(known)}" if known else "no values are given here"
    return (
        f"unknown name {quoted(name)}{hint} ({listing}); give it a value under `values:` at the top of "
        "the lesson, or under a `given:` of this exercise, card, question or item"
    )


def _shown(number: Quantity) -> str:
    """Write a given value as the teacher wrote it: `0.05`, `9.8 m/s²`."""
    return quantity_text(number)

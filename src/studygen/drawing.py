"""Draw a version's values and shuffles from a hash, honouring the lesson's conditions: pure, no I/O.

Every draw comes from SHA-256, never `random`, so a lesson and a seed give the same versions on every
machine and Python version. Each drawn value has a key: these four parts, each written as text,
joined by line feeds (U+000A), encoded as UTF-8, hashed and read as one big-endian number H:

    seed, lesson slug, place, name

`place` is where the values are given, as messages write it (`values`, `exercises[0].given`,
`exercises[1].questions[2].given`); `name` is the value's symbol. With k values on offer (0 is the
first entry, or `from`; index i of a range is `from + i * step`), version v's first draw is index

    (a * (v - 1) + b) mod k,   where b = H mod k, and a = the first number from (H div k) mod k up,
                               wrapping past k - 1 to 1, that shares no factor with k (1 if k <= 2)

Since a shares no factor with k, versions 1 to k draw k different values: no two versions repeat a
value while there are values left to give. When a condition does not hold and the place's values are
drawn again, attempt n (1, 2, …) draws index `G mod k`, G the hash of six parts read the same way:
`seed, slug, place, name, version, attempt`.

A shuffle (a multiple-choice question's options, a matching exercise's right column) hashes six
parts, `seed, slug, place, shuffle, version, step`, for each step of a Fisher-Yates shuffle.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from studygen.conditions import Check, holds, read
from studygen.drawn import Drawn
from studygen.fields import Exercise
from studygen.formulas import FormulaError
from studygen.formulas.units import Quantity
from studygen.keys import LessonProblem, Path_, dotted
from studygen.kinds import KINDS
from studygen.kinds.formula_answers import quantity_text
from studygen.kinds.matching import Matching
from studygen.kinds.multiple_choice import MultipleChoice, MultipleChoiceQuestion
from studygen.model import Lesson
from studygen.wording import quoted
from studygen.worked import WorkedLesson

MAX_DRAWS = 1000
"""Times one version draws the values of a place (the lesson's `values:`, or one exercise) again
until its conditions hold; past this the condition is reported as one that cannot be met."""

_ModelT = TypeVar("_ModelT", bound=BaseModel)
Pick = Callable[[str, str, Drawn], Quantity]
"""Choose a drawn value's value, from its place (dotted) and name."""


@dataclass(frozen=True)
class Draws:
    """The hash rule for one version of one lesson."""

    seed: int
    slug: str
    version: int

    def number(self, place: str, name: str, attempt: int) -> int:
        """The hash of one draw's key, as a number."""
        parts = (str(self.seed), self.slug, place, name, str(self.version), str(attempt))
        return int.from_bytes(hashlib.sha256("\n".join(parts).encode("utf-8")).digest(), "big")

    def index(self, place: str, name: str, attempt: int, count: int) -> int:
        """The index of the value drawn for this version at this attempt, by the module's rule."""
        if attempt:  # drawing again for a condition: a fresh draw of its own
            return self.number(place, name, attempt) % count
        key = "\n".join((str(self.seed), self.slug, place, name))
        mixed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest(), "big")
        step = _coprime((mixed // count) % count, count)
        return (step * (self.version - 1) + mixed % count) % count

    def picker(self, attempt: int, outer: Mapping[str, tuple[Drawn, Quantity]] | None = None) -> Pick:
        """Pick each drawn value at this attempt; a name the lesson's `values:` draws alike takes its value.

        A formula reads only its exercise's `given:`, so a value the lesson's text prints and an
        exercise computes with is written in both, and must be the same value in every version.
        """

        def pick(place: str, name: str, drawn: Drawn) -> Quantity:
            if outer and name in outer and outer[name][0] == drawn:
                return outer[name][1]
            return drawn.pick(self.index(place, name, attempt, drawn.count))

        return pick

    def shuffled(self, place: str, count: int) -> list[int]:
        """Shuffle 0 … count - 1 (Fisher-Yates), each swap drawn from the hash at its step."""
        order = list(range(count))
        for step in range(count - 1, 0, -1):
            swap = self.number(place, "shuffle", step) % (step + 1)
            order[step], order[swap] = order[swap], order[step]
        return order


def _coprime(start: int, count: int) -> int:
    """The first number from start up (wrapping past count - 1 to 1) that shares no factor with count."""
    if count <= 2:
        return 1
    step = start or 1
    while math.gcd(step, count) != 1:
        step = step % (count - 1) + 1
    return step


def written(_place: str, _name: str, drawn: Drawn) -> Quantity:
    """Pick the value as written: the list's first entry, the range's `from`."""
    return drawn.written


def with_values(model: _ModelT, path: Path_, pick: Pick) -> _ModelT:
    """Put a value in for every drawn value of a model and the models inside it."""
    updates: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        new = _with_values(value, (*path, name), pick)
        if new is not value:
            updates[name] = new
    return model.model_copy(update=updates) if updates else model


def _with_values(value: Any, path: Path_, pick: Pick) -> Any:
    """Put values in for drawn ones in a mapping of values, a model or a list; anything else stays."""
    if isinstance(value, dict) and any(isinstance(item, Drawn) for item in value.values()):
        place = dotted(path)
        return {
            name: pick(place, name, item) if isinstance(item, Drawn) else item for name, item in value.items()
        }
    if isinstance(value, BaseModel):
        return with_values(value, path, pick)
    if isinstance(value, list):
        items = [_with_values(item, (*path, n), pick) for n, item in enumerate(value)]
        return items if any(new is not old for new, old in zip(items, value, strict=True)) else value
    return value


def draws_anything(model: BaseModel) -> bool:
    """Whether a model, or one inside it, has a drawn value."""
    found: list[bool] = []

    def note(_place: str, _name: str, drawn: Drawn) -> Quantity:
        found.append(True)
        return drawn.written

    with_values(model, (), note)
    return bool(found)


def plain(lesson: Lesson) -> Lesson:
    """The lesson with every drawn value as written: what a build without `--variants` prints."""
    return with_values(lesson, (), written)


def drawn_lesson(lesson: Lesson, draws: Draws) -> tuple[Lesson, list[LessonProblem]]:
    """Draw one version of a lesson: values meeting the conditions, options and columns shuffled."""
    problems: list[LessonProblem] = []
    values = _drawn_values(lesson, draws, problems)
    scope = dict(values.values)
    outer = {
        name: (written, scope[name]) for name, written in lesson.values.items() if isinstance(written, Drawn)
    }
    exercises = [
        _shuffled(_drawn_exercise(exercise, number, scope, outer, draws, problems), number, draws)
        for number, exercise in enumerate(lesson.exercises)
    ]
    rest = with_values(lesson.model_copy(update={"exercises": [], "values": {}}), (), draws.picker(0, outer))
    return rest.model_copy(update={"values": values.values, "exercises": exercises}), problems


def _drawn_values(lesson: Lesson, draws: Draws, problems: list[LessonProblem]) -> _Draw:
    """Draw the lesson's `values:` until the lesson's conditions hold."""
    checks = [read(text) for text in lesson.conditions]

    def attempt(number: int) -> _Draw:
        drawn: dict[str, Quantity] = _with_values(lesson.values, ("values",), draws.picker(number))
        return _Draw(drawn, drawn)

    drawable = any(isinstance(value, Drawn) for value in lesson.values.values())
    return _until(attempt, checks, drawable, lesson.values, ("conditions",), draws, problems)


def _drawn_exercise(
    exercise: Exercise,
    number: int,
    scope: Mapping[str, Quantity],
    outer: Mapping[str, tuple[Drawn, Quantity]],
    draws: Draws,
    problems: list[LessonProblem],
) -> Exercise:
    """Draw one exercise's values until its conditions hold; those the lesson draws alike, as it drew them."""
    path: Path_ = ("exercises", number)
    checks = [read(text) for text in exercise.conditions]

    def attempt(count: int) -> _Draw:
        drawn = with_values(exercise, path, draws.picker(count, outer))
        return _Draw(drawn, {**scope, **getattr(drawn, "given", {})}, _answers_of(drawn, checks, path))

    given: Mapping[str, Quantity] = getattr(exercise, "given", {})
    outcome = _until(attempt, checks, draws_anything(exercise), given, (*path, "conditions"), draws, problems)
    assert isinstance(outcome.values, Exercise)
    return outcome.values


@dataclass(frozen=True)
class _Draw:
    """One attempt's outcome: what was drawn, and the values its conditions read."""

    values: Any
    scope: Mapping[str, Quantity]
    answers: Callable[[], Mapping[str, Quantity]] | None = None
    """Work out the answers the conditions use; None when they use none."""


def _until(
    attempt: Callable[[int], _Draw],
    checks: Sequence[Check],
    drawable: bool,
    given: Mapping[str, Quantity],
    path: Path_,
    draws: Draws,
    problems: list[LessonProblem],
) -> _Draw:
    """Draw again until every condition holds, at most MAX_DRAWS times; say which one never did."""
    tries = MAX_DRAWS if checks and drawable else 1
    failed = 0
    for number in range(tries):
        outcome = attempt(number)
        failed = _first_failing(checks, outcome)
        if failed < 0:
            return outcome
    check = checks[failed]
    problems.append(
        LessonProblem(
            (*path, failed),
            f"condition {quoted(check.written)} did not hold in {tries:,} draw{'s' if tries != 1 else ''} "
            f"for version {draws.version} ({_drawn_from(check, given)}): widen the lists or ranges it draws "
            "from, or change the condition",
        )
    )
    return outcome


def _first_failing(checks: Sequence[Check], outcome: _Draw) -> int:
    """The index of a condition that does not hold for an attempt's values, or -1 if all hold.

    Conditions on the drawn values alone go first: answers are worked out only for a draw that
    passes them, so a condition that is rarely met costs a hash per attempt, not a worked exercise.
    """
    answers: Mapping[str, Quantity] | None = None
    order = sorted(range(len(checks)), key=lambda number: not checks[number].names <= set(outcome.scope))
    for number in order:
        check = checks[number]
        values = outcome.scope
        if outcome.answers is not None and not check.names <= set(values):
            answers = outcome.answers() if answers is None else answers
            values = {**values, **answers}
        try:
            if not (check.names <= set(values) and holds(check, values)):
                return number
        except FormulaError:  # e.g. a division by a drawn zero: this draw does not do
            return number
    return -1


def _answers_of(
    exercise: Exercise, checks: Sequence[Check], path: Path_
) -> Callable[[], Mapping[str, Quantity]] | None:
    """Work out an exercise's answers for its conditions, when they use any."""
    if not any(check.names & exercise.answer_symbols() for check in checks):
        return None

    def answers() -> Mapping[str, Quantity]:
        body = KINDS[exercise.kind].work(exercise, path, [])
        return body.answer_values() if body is not None else {}

    return answers


def _drawn_from(check: Check, given: Mapping[str, Quantity]) -> str:
    """Say what the values a condition uses are drawn from: `t from 2, 3 or 4; h from 10 to 50 by 5`."""
    said = [f"{name} {_choices(given[name])}" for name in sorted(check.names) if name in given]
    return "; ".join(said) if said else "it uses no value drawn here"


def _choices(value: Quantity) -> str:
    """Describe a value's choices: `from 2, 3 or 4`, `from 10 m to 50 m by 5 m`, or `= 9.8 as written`."""
    if not isinstance(value, Drawn):
        return f"= {quantity_text(value)}, as written"
    if value.listed:
        shown = [quantity_text(entry) for entry in value.listed[:6]]
        more = ", …" if len(value.listed) > 6 else ""
        return f"from {', '.join(shown[:-1])} or {shown[-1]}{more}" if len(shown) > 1 else f"= {shown[0]}"
    assert value.step is not None
    last = value.pick(value.count - 1)
    return (
        f"from {quantity_text(value.written)} to {quantity_text(last)} "
        f"by {quantity_text(Quantity(value.step, value.unit))}"
    )


def _shuffled(exercise: Exercise, number: int, draws: Draws) -> Exercise:
    """Shuffle a multiple-choice exercise's options, or a matching exercise's right column, for a version."""
    path = f"exercises[{number}]"
    if isinstance(exercise, MultipleChoice):
        questions = [
            _shuffled_options(question, f"{path}.questions[{n}].options", draws)
            if (question.shuffle if question.shuffle is not None else exercise.shuffle)
            else question
            for n, question in enumerate(exercise.questions)
        ]
        return exercise.model_copy(update={"questions": questions})
    if isinstance(exercise, Matching) and exercise.shuffle:
        salted = exercise.model_copy()
        salted._shuffle_salt = draws.number(f"{path}.pairs", "shuffle", 0).to_bytes(32, "big")
        return salted
    return exercise


def _shuffled_options(question: MultipleChoiceQuestion, place: str, draws: Draws) -> MultipleChoiceQuestion:
    """A question with its options in a version's order: the key's letters follow them."""
    order = draws.shuffled(place, len(question.options))
    return question.model_copy(update={"options": [question.options[i] for i in order]})


def plain_problems(lesson: Lesson, worked: WorkedLesson) -> list[LessonProblem]:
    """Check the conditions against the values as written: a plain build prints those, so they must hold."""
    problems: list[LessonProblem] = []
    values = dict(lesson.values)
    _check_written(lesson.conditions, values, ("conditions",), "the lesson's values", problems)
    answers = {exercise.number - 1: exercise.body.answer_values() for exercise in worked.exercises}
    for number, exercise in enumerate(lesson.exercises):
        scope = {**values, **getattr(exercise, "given", {}), **answers.get(number, {})}
        what = "the lesson's values, this exercise's given values and the symbols of its answers"
        _check_written(exercise.conditions, scope, ("exercises", number, "conditions"), what, problems)
    return problems


def _check_written(
    conditions: Sequence[str],
    values: Mapping[str, Quantity],
    path: Path_,
    what: str,
    problems: list[LessonProblem],
) -> None:
    """Report each condition that names an unknown value, cannot be worked out, or fails as written."""
    for number, text in enumerate(conditions):
        check = read(text)
        where = (*path, number)
        unknown = sorted(check.names - set(values))
        if unknown:
            known = ", ".join(sorted(values)) or "none"
            problems.append(
                LessonProblem(
                    where,
                    f"condition {quoted(text)}: unknown name {quoted(unknown[0])}; a condition here can use "
                    f"{what} (known here: {known})",
                )
            )
            continue
        try:
            met = holds(check, values)
        except FormulaError as error:
            problems.append(
                LessonProblem(where, f"condition {quoted(text)}: cannot work it out: {error.message}")
            )
            continue
        if not met:
            shown = ", ".join(f"{name} = {quantity_text(values[name])}" for name in sorted(check.names))
            problems.append(
                LessonProblem(
                    where,
                    f"condition {quoted(text)} does not hold for the values as written ({shown}), which the "
                    "documents built without --variants print: change the first value of a list (or a "
                    "range's `from`), or the condition",
                )
            )

"""The numeric problem: a prompt with given values, and quantities to find, each worked out in the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import Field

from studygen.fields import Exercise, Given, Markdown, Points, Symbol, Text
from studygen.formulas import Working, parse
from studygen.formulas.units import Quantity as QuantityValue
from studygen.formulas.units import Unit
from studygen.keys import LessonProblem, Path_
from studygen.kinds import words
from studygen.kinds.base import Kind
from studygen.kinds.formula_answers import FormulaAnswer, given_values, parse_known, work_answer
from studygen.kinds.points import given_points
from studygen.language import gettext
from studygen.wording import quoted
from studygen.worked import WorkedBody, WorkedPoints


class Asked(FormulaAnswer):
    """One quantity the student finds: its label, the formula that gives it and how it is printed."""

    label: Text = Field(max_length=300)
    """What is asked, as the student reads it, e.g. `Distance fallen, d (in m)`; at most 300 characters."""
    symbol: Symbol | None = None
    """A symbol for the answer, e.g. `d`: the key prints `d = …`, and later asked quantities may use it."""
    points: Points | None = None
    """What finding this quantity is worth, e.g. `2`; printed beside it (see Points and grading)."""


class NumericProblem(Exercise):
    """A word problem: given values, one or more quantities to find, each worked step by step in the key."""

    kind: Literal["numeric-problem"]
    """Says what kind of exercise this is."""
    parts: ClassVar[str] = "asked"
    prompt: Markdown
    """The problem as the student reads it, e.g. `A ball is dropped from rest and falls for 3 s.`"""
    given: dict[Symbol, Given] = Field(default_factory=dict, max_length=12)
    """The values the formulas use, e.g. `{g: 9.8, t: 3}` or `{g: 9.8 m/s², t: 3 s}`; printed under the
    prompt as `g = 9.8, t = 3`. Each version may draw a value from a list or range (see Versions)."""
    asked: list[Asked] = Field(min_length=1, max_length=8)
    """The quantities to find, in order; a formula may use the `symbol` of one asked before it."""
    working_lines: int = Field(default=3, ge=0, le=20)
    """Ruled lines above each answer blank on the worksheet, for the student's working (0 for none); at
    most 20, so a quantity, its working and its answer blank fit on one page."""

    def answer_symbols(self) -> frozenset[str]:
        """Name the asked quantities: text on the worksheet must not print them."""
        return frozenset(quantity.symbol for quantity in self.asked if quantity.symbol is not None)


@dataclass(frozen=True)
class WorkedAsked:
    """One asked quantity: its label, the key's formula and working, and its answer."""

    label: str
    """Plain text."""
    name: str | None
    """The symbol printed before the answer (`d`), or None."""
    formula: str | None
    """The formula as the key prints it, `g · t² / 2`; None when it has no symbols, so would only repeat
    the first step."""
    working: Working
    """The steps from the formula with values put in to the answer: `9.8 · 3² / 2 = 9.8 · 9 / 2 = 44.1`."""
    unit: str | None
    """The answer's unit, printed after the answer blank and the key's answer, or None."""
    checked_unit: Unit | None
    """The answer's unit when it was derived and checked, for the discussion's `{=…}` to print and
    compute with; None when no value had a unit."""
    conversions: tuple[str, ...]
    """Values the key converts before the working, as printed: `v = 72 km/h = 20 m/s`."""
    points: WorkedPoints | None = None
    """What finding this quantity is worth, or None."""


@dataclass(frozen=True)
class WorkedNumericProblem(WorkedBody):
    """A numeric problem with every asked quantity worked out."""

    prompt: str
    """Markdown."""
    given: tuple[str, ...]
    """The given values as printed: `g = 9.8`."""
    asked: tuple[WorkedAsked, ...]
    """The asked quantities, lettered a, b, c in this order."""
    working_lines: int
    """Ruled lines above each answer blank on the worksheet."""
    given_label: str
    """The word before the given values: "Given"."""
    working_label: str
    """The word over the working lines: "Working"."""
    answer_label: str
    """The word before each answer blank: "Answer"."""

    def answer_values(self) -> Mapping[str, QuantityValue]:
        """Return each asked quantity with a symbol at its value as the key prints it, and checked unit."""
        return {
            asked.name: QuantityValue(asked.working.printed, asked.checked_unit)
            for asked in self.asked
            if asked.name is not None
        }

    def part_points(self) -> tuple[WorkedPoints | None, ...]:
        """Return each asked quantity's points."""
        return tuple(asked.points for asked in self.asked)


DEFINE = "define it under `given:` (or as the `symbol` of a quantity asked above it)"


def work_problem(
    problem: NumericProblem, path: Path_, problems: list[LessonProblem]
) -> WorkedNumericProblem | None:
    """Check a numeric problem and work out each asked quantity in order."""
    found = len(problems)
    _check_symbols(problem, path, problems)
    if len(problems) > found:
        return None
    values: dict[str, QuantityValue] = {**problem.given}
    failed: set[str | None] = set()  # quantities not worked out: those using them are not reported again
    asked: list[WorkedAsked] = []
    for number, quantity in enumerate(problem.asked):
        where = (*path, "asked", number)
        answer = None
        if not parse(quantity.formula).names & failed:
            formula = parse_known(quantity, values, where, problems, DEFINE)
            if formula is not None:
                answer = work_answer(quantity, formula, values, where, problems, "with the given values")
        if answer is None:
            failed.add(quantity.symbol)
            continue
        working = answer.working
        if quantity.symbol is not None:
            # Later quantities use the answer as printed, as a student working on paper would; its unit
            # goes along only if it was checked, so a lesson without units works as before.
            values[quantity.symbol] = QuantityValue(working.printed, answer.unit if answer.checked else None)
        shown = parse(quantity.formula).display()
        printed = None if shown == working.steps[0] else shown
        unit = answer.unit.text if answer.unit else None
        conversions = tuple(f"{name} = {text}" for name, text in answer.conversions.items())
        checked = answer.unit if answer.checked else None
        points = given_points(quantity.points)
        asked.append(
            WorkedAsked(quantity.label, quantity.symbol, printed, working, unit, checked, conversions, points)
        )
    if len(problems) > found:
        return None
    return WorkedNumericProblem(
        prompt=problem.prompt,
        given=given_values(problem.given),
        asked=tuple(asked),
        working_lines=problem.working_lines,
        given_label=gettext(words.GIVEN),
        working_label=gettext(words.WORKING),
        answer_label=gettext(words.ANSWER),
    )


def _check_symbols(problem: NumericProblem, path: Path_, problems: list[LessonProblem]) -> None:
    """Check that each asked symbol is new, and that no formula uses a quantity not yet found."""
    asked_at: dict[str, int] = {}
    for number, quantity in enumerate(problem.asked):
        symbol = quantity.symbol
        if symbol is None:
            continue
        where = (*path, "asked", number, "symbol")
        if symbol in problem.given:
            problems.append(LessonProblem(where, f"{quoted(symbol)} is also a given value: give it one role"))
        elif symbol in asked_at:
            message = f"{quoted(symbol)} is already the symbol of asked[{asked_at[symbol]}]: choose another"
            problems.append(LessonProblem(where, message))
        else:
            asked_at[symbol] = number
    for number, quantity in enumerate(problem.asked):
        for name in sorted(parse(quantity.formula).names):
            if asked_at.get(name, -1) >= number:
                problems.append(
                    LessonProblem(
                        (*path, "asked", number, "formula"),
                        f"{quoted(name)} is {_found_where(asked_at[name], number)}: "
                        "a formula can use only given values and quantities asked above it",
                    )
                )


def _found_where(asked: int, number: int) -> str:
    """Say where a quantity used too early is found: this one, or one asked later."""
    return "this quantity's own symbol" if asked == number else f"found later, in asked[{asked}]"


KIND = Kind(
    "numeric-problem",
    NumericProblem,
    work_problem,
    "kinds/numeric-problem.html",
    (("`asked[]` of a numeric problem", Asked),),
)
"""The numeric problem's entry in the kinds registry."""

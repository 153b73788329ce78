"""What the kinds that compute answers from formulas share: the answer's model, its checks and its working."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from studygen.fields import FormulaText, NumberFormatting, Text
from studygen.formulas import Formula, FormulaError, Working, format_number, parse, work
from studygen.keys import LessonProblem, Path_
from studygen.wording import quoted


class FormulaAnswer(NumberFormatting):
    """An answer computed from a formula: its label, the formula and how the answer is printed."""

    label: Text
    """What the answer is called."""
    formula: FormulaText
    """The formula: numbers, symbols, `+ - * / ^`, parentheses and a few functions (see Formulas)."""


def given_values(given: Mapping[str, Decimal]) -> tuple[str, ...]:
    """The given values as printed: `ε = 0.05`."""
    return tuple(f"{name} = {format_number(value, exact=True)}" for name, value in given.items())


def parse_known(
    answer: FormulaAnswer, known: Iterable[str], where: Path_, problems: list[LessonProblem], define: str
) -> Formula | None:
    """Parse an answer's formula; if it uses an unknown symbol, say how to `define` it and return None."""
    formula = parse(answer.formula)  # already validated by the model
    names = sorted(set(known))
    unknown = sorted(formula.names - set(names))
    if not unknown:
        return formula
    problems.append(
        LessonProblem(
            (*where, "formula"),
            f"unknown symbol {', '.join(map(quoted, unknown))} in {quoted(answer.formula)}: "
            f"{define} or use one of {', '.join(names)}",
        )
    )
    return None


def work_answer(
    answer: FormulaAnswer,
    formula: Formula,
    values: Mapping[str, Decimal],
    where: Path_,
    problems: list[LessonProblem],
    case: str,
) -> Working | None:
    """Work an answer out step by step; if it cannot be computed, say so for this `case` and return None."""
    try:
        return work(formula, values, answer.number_format)
    except FormulaError as error:
        problems.append(
            LessonProblem(
                (*where, "formula"), f"cannot compute {quoted(answer.formula)} {case}: {error.message}"
            )
        )
        return None

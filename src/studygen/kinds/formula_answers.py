"""What the kinds that compute answers from formulas share: the answer's model, its checks and its working."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from studygen.fields import FormulaText, NumberFormatting, Text, UnitText
from studygen.formulas import Formula, FormulaError, Working, format_number, parse, work
from studygen.formulas.units import NARROW_SPACE, Quantity, Unit, UnitError, money_hint
from studygen.keys import LessonProblem, Path_
from studygen.wording import quoted


class FormulaAnswer(NumberFormatting):
    """An answer computed from a formula: its label, the formula and how the answer is printed."""

    label: Text
    """What the answer is called."""
    formula: FormulaText
    """The formula: numbers, symbols, `+ - * / ^`, parentheses and a few functions (see Formulas)."""
    unit: UnitText | None = None
    """The answer's unit, e.g. `m`, `m/s²`, `km/h`, `N`, `J` or `kg·m/s`, printed as written. When the given
    values have units, it is checked against the unit the formula gives, and converted to (see Units)."""


def with_unit(number: str, unit: Unit | None) -> str:
    """A number and its unit as printed, joined by a narrow no-break space: `9.8 m/s²`."""
    return f"{number}{NARROW_SPACE}{unit.text}" if unit else number


def quantity_text(quantity: Quantity) -> str:
    """A given value as printed: `9.8 m/s²`, or `0.05`."""
    return with_unit(format_number(quantity.magnitude, exact=True), quantity.unit)


def given_values(
    given: Mapping[str, Quantity], conversions: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """The given values as printed, `g = 9.8 m/s²`; the key adds their conversions: `v = 72 km/h = 20 m/s`."""
    shown = conversions or {}
    return tuple(f"{name} = {shown.get(name, quantity_text(value))}" for name, value in given.items())


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
            + (f"{define} or use one of {', '.join(names)}" if names else define),
        )
    )
    return None


@dataclass(frozen=True)
class WorkedAnswer:
    """An answer worked out with its unit, and the conversions of its values the key shows first."""

    working: Working
    """The steps, the answer last; a conversion of the result to the declared unit is the last step."""
    unit: Unit | None
    """The answer's unit: the declared one, else the one the formula gives; None for a plain number."""
    conversions: dict[str, str] = field(default_factory=dict)
    """Values converted before computing, by name, as the key prints them: `{v: 72 km/h = 20 m/s}`."""
    checked: bool = True
    """Whether the unit was derived and checked; False when no value had a unit and `unit:` is as written."""


def uses_units(formula: Formula, values: Mapping[str, Quantity]) -> bool:
    """Whether any value the formula uses has a unit: only then is its unit derived and checked."""
    return any(values[name].unit is not None for name in formula.names if name in values)


def work_answer(
    answer: FormulaAnswer,
    formula: Formula,
    values: Mapping[str, Quantity],
    where: Path_,
    problems: list[LessonProblem],
    case: str,
) -> WorkedAnswer | None:
    """Work an answer out step by step; if it cannot be computed, say so for this `case` and return None."""
    if not check_units(answer, formula, values, where, problems):
        return None
    try:
        if not uses_units(formula, values):
            # Without units the answer works exactly as before; a declared unit is printed as written.
            numbers = {name: value.magnitude for name, value in values.items()}
            working = work(formula, numbers, answer.number_format)
            return WorkedAnswer(working, answer.unit, checked=False)
        from studygen.kinds.answer_units import work_with_units

        return work_with_units(formula, values, answer.unit, answer.number_format)
    except FormulaError as error:
        problems.append(
            LessonProblem(
                (*where, "formula"), f"cannot compute {quoted(answer.formula)} {case}: {error.message}"
            )
        )
    return None


def check_units(
    answer: FormulaAnswer,
    formula: Formula,
    values: Mapping[str, Quantity],
    where: Path_,
    problems: list[LessonProblem],
) -> bool:
    """Check that the units of an answer's formula work out and agree with its `unit:`; say why not."""
    if not uses_units(formula, values):
        return True
    from studygen.kinds.answer_units import derived_unit

    try:
        derived_unit(formula, values, answer.unit)
    except UnitError as error:
        message = f"the units in {quoted(answer.formula)} do not work out: {error.message}"
        problems.append(LessonProblem((*where, "formula"), message))
        return False
    except UnitMismatch as mismatch:
        problems.append(LessonProblem((*where, "unit"), mismatch.message(answer.formula)))
        return False
    return True


class UnitMismatch(Exception):
    """Raised when a formula's unit is not of the kind its declared unit is (m/s declared as m)."""

    def __init__(self, declared: Unit, derived: Unit | None) -> None:
        """Keep both units, for the message."""
        super().__init__(declared.text)
        self.declared = declared
        self.derived = derived

    def message(self, formula: str) -> str:
        """Name both units and say how to make them agree."""
        if self.derived is None:
            return (
                f"the formula {quoted(formula)} gives a plain number, but the unit is "
                f"{quoted(self.declared.text)}: give the values it uses their units (e.g. `3 s`), "
                "or remove `unit:`"
            )
        return (
            f"the formula {quoted(formula)} gives {self.derived.text}, but the unit is "
            f"{quoted(self.declared.text)}: write `unit: {self.derived.text}` (or another unit of that "
            "kind), or fix the formula or the units of its values"
            f"{money_hint(self.declared.pint, self.derived.pint)}"
        )

"""Answers whose values have units: the unit derived and checked, values converted exactly when needed.

The rules, as docs/lesson-format.md ("Units") states them for teachers:
- the formula's unit is derived from the units of its values; one that is not of the declared unit's
  kind is an error naming both;
- when the units as written already give the declared unit (km/h from km and h, V from mA and kΩ), the
  values go in as written and nothing is converted;
- otherwise (km + m, a speed in km/h declared as m/s) every value with a unit is first converted to its
  coherent SI unit (km → m, kΩ → Ω, h → s, g → kg), each conversion a step in the key, and a result
  whose declared unit is not that coherent unit is converted last, as the final step;
- a conversion that does not come out exact (10 km/h in m/s) is rounded to 6 significant figures, shown
  with ≈, and the working goes on with that rounded value, as it would on paper.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from studygen.formulas import Formula, NumberFormat, Working, work
from studygen.formulas.evaluation import new_context
from studygen.formulas.numbers import EXACT, INEXACT_SIGNIFICANT, format_decimal, rounded, tidy
from studygen.formulas.units import Derivation, Quantity, Unit, coherent, compatible, derive, factor
from studygen.kinds.formula_answers import UnitMismatch, WorkedAnswer, quantity_text, with_unit

_ROUNDED = NumberFormat(significant=INEXACT_SIGNIFICANT)


def work_with_units(
    formula: Formula, values: Mapping[str, Quantity], declared: Unit | None, fmt: NumberFormat
) -> WorkedAnswer:
    """Work out an answer whose values have units, converting only where units of one kind differ."""
    names = [name for name in sorted(formula.names) if name in values]
    written = derived_unit(formula, values, declared)
    if not written.mixed and (declared is None or factor(written.unit, declared) == 1):
        numbers = {name: values[name].magnitude for name in names}
        return WorkedAnswer(work(formula, numbers, fmt), declared or written.unit)
    numbers, units, conversions = _to_coherent({name: values[name] for name in names})
    result = derive(formula._root, units).unit
    if declared is None or factor(result, declared) == 1:
        return WorkedAnswer(work(formula, numbers, fmt), declared or result, conversions)
    working = _convert_last(work(formula, numbers, EXACT), result, declared, fmt)
    return WorkedAnswer(working, declared, conversions)


def derived_unit(formula: Formula, values: Mapping[str, Quantity], declared: Unit | None) -> Derivation:
    """The unit the formula gives with these values' units, checked against the declared unit."""
    written = derive(formula._root, {name: values[name].unit for name in formula.names if name in values})
    if declared is not None and not compatible(written.unit, declared):
        raise UnitMismatch(declared, written.unit)
    return written


def _to_coherent(
    values: Mapping[str, Quantity],
) -> tuple[dict[str, Decimal], dict[str, Unit | None], dict[str, str]]:
    """Each value in its coherent SI unit, and the conversions made, as the key prints them."""
    numbers: dict[str, Decimal] = {}
    units: dict[str, Unit | None] = {}
    conversions: dict[str, str] = {}
    for name, value in values.items():
        numbers[name], units[name] = value.magnitude, value.unit
        if value.unit is None:
            continue
        target = coherent(value.unit)
        if target == value.unit:
            continue
        number, exact = _scaled(value.magnitude, factor(value.unit, target))
        if not exact:  # go on with the value as printed, as a student would
            number = rounded(number, _ROUNDED, False)
        units[name] = target
        numbers[name] = number
        shown = with_unit(format_decimal(number, EXACT, True), target)
        conversions[name] = f"{quantity_text(value)} {'=' if exact else chr(0x2248)} {shown}"
    return numbers, units, conversions


def _scaled(number: Decimal, by: Fraction) -> tuple[Decimal, bool]:
    """number · by, computed exactly where possible (72 · 5 / 18 = 20), and whether it was exact."""
    context = new_context()
    context.clear_flags()
    product = context.divide(context.multiply(number, Decimal(by.numerator)), Decimal(by.denominator))
    return product, not context.flags[decimal.Inexact]


def _convert_last(working: Working, result: Unit | None, declared: Unit, fmt: NumberFormat) -> Working:
    """Add the conversion of the result to the declared unit as the last step: `10 m/s = 36`."""
    number, exact = _scaled(working.value, factor(result, declared))
    exact = exact and all(relation == "=" for relation in working.relations)
    answer = format_decimal(number, fmt, exact)
    printed = rounded(number, fmt, exact)
    return Working(
        value=number,
        steps=(*working.steps[:-1], with_unit(working.steps[-1], result), answer),
        relations=(*working.relations, "=" if exact and printed == number else "\u2248"),
        printed=tidy(printed),
    )

"""Conditions on drawn values: `a > b`, `h >= 2 * t`, `d is whole`, read and checked with the formula engine.

A condition is text of our own small grammar, never code: one comparison operator splits it into two
formulas, or `is whole` ends it; each side goes through `studygen.formulas` with all its limits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator

from studygen.formulas import Formula, FormulaError, evaluate, parse
from studygen.formulas.numbers import is_whole
from studygen.formulas.units import Quantity, Unit
from studygen.wording import quoted

OPERATORS = {
    "<=": "<=", "≤": "<=", ">=": ">=", "≥": ">=", "!=": "!=", "≠": "!=", "==": "=", "=": "=",
    "<": "<", ">": ">",
}  # fmt: skip
"""Each operator a teacher may write, and the comparison it stands for."""

_OPERATOR = re.compile("|".join(re.escape(op) for op in sorted(OPERATORS, key=len, reverse=True)))
_WHOLE = re.compile(r"(.*\S)\s+is\s+whole\s*", re.S)
_EXAMPLES = "e.g. `h >= 2 * t`, `a ≠ b` or `d is whole`"


@dataclass(frozen=True)
class Check:
    """A condition read: `left op right`, or `left is whole` (op `whole`, right None)."""

    written: str
    left: Formula
    op: str
    right: Formula | None

    @property
    def names(self) -> frozenset[str]:
        """The symbols the condition uses."""
        return self.left.names | (self.right.names if self.right is not None else frozenset())


@lru_cache(maxsize=256)
def read(text: str) -> Check:
    """Read a condition, raising ValueError with what to write instead."""
    whole = _WHOLE.fullmatch(text)
    if whole is not None:
        return Check(text, _side(whole.group(1), text), "whole", None)
    found = _OPERATOR.findall(text)
    if len(found) != 1:
        said = "has no comparison" if not found else f"has {len(found)} comparisons"
        raise ValueError(
            f"condition {quoted(text)} {said}: write one comparison of two formulas, or `x is whole`, "
            f"{_EXAMPLES}"
        )
    left, right = _OPERATOR.split(text)
    return Check(text, _side(left, text), OPERATORS[found[0]], _side(right, text))


def _side(text: str, condition: str) -> Formula:
    """Parse one side of a condition."""
    if not text.strip():
        raise ValueError(f"condition {quoted(condition)}: a side is empty: {_EXAMPLES}")
    try:
        return parse(text.strip())
    except FormulaError as error:
        raise ValueError(f"condition {quoted(condition)}: {error.message}") from None


def _condition(text: str) -> str:
    """Accept a condition that reads: one comparison of two formulas, or `x is whole`."""
    read(text)
    return text


Condition = Annotated[str, AfterValidator(_condition)]
"""A condition such as `a > b`, `h >= 2 * t`, `a ≠ b` or `d is whole`."""


def holds(check: Check, values: Mapping[str, Quantity]) -> bool:
    """Whether a condition holds for these values; FormulaError if it cannot be worked out."""
    left = _side_value(check.left, values)
    if check.right is None:
        return is_whole(left[0])
    right = _side_value(check.right, values)
    a, b = Fraction(left[0]), Fraction(right[0]) * _conversion(right[1], left[1])
    return {
        "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "=": a == b, "!=": a != b,
    }[check.op]  # fmt: skip


def _side_value(formula: Formula, values: Mapping[str, Quantity]) -> tuple[Decimal, Unit | None]:
    """Evaluate one side exactly, with the unit it comes out in (None without units)."""
    number = evaluate(formula, {name: values[name].magnitude for name in formula.names})
    units = {name: values[name].unit for name in formula.names}
    if not any(units.values()):
        return number, None
    from studygen.formulas.units import derive

    derivation = derive(formula._root, units)
    if derivation.mixed:
        raise FormulaError(
            "values of one kind in different units (such as km and m) meet here: give them the same unit",
            None,
        )
    return number, derivation.unit


def _conversion(source: Unit | None, target: Unit | None) -> Fraction:
    """The factor that turns the right side's unit into the left's; a plain number takes the other's."""
    if source is None or target is None:
        return Fraction(1)
    from studygen.formulas.units import compatible, factor

    if not compatible(source, target):
        raise FormulaError(f"its sides measure different things ({target.text} and {source.text})", None)
    return factor(source, target)

"""Units: a teacher's unit text read safely, units derived through a formula, exact conversion factors.

pint does the unit algebra only; numbers stay our own exact Decimals. pint is slow to import, so it is
imported the first time a lesson actually uses a unit, never for a lesson without units.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from studygen.formulas.errors import FormulaError, at
from studygen.formulas.numbers import is_whole
from studygen.formulas.tokens import SUPERSCRIPTS
from studygen.formulas.tree import BinOp, Call, Name, Neg, Node, Num

if TYPE_CHECKING:
    import pint

MAX_UNIT_LENGTH = 30
"""Characters a unit may hold: `kg·m²/s²` is 8; a longer one is surely a slip (or an attack)."""
MAX_UNIT_POWER = 9
"""The largest power a unit may carry, written (`m^3`) or derived (`t^4`): real units stay far below."""
NARROW_SPACE = "\u202f"
"""Between a number and its unit: a narrow no-break space, so `9.8 m/s²` never breaks at the unit."""

_TO_SUPERSCRIPT = str.maketrans("0123456789-", SUPERSCRIPTS[:11])
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPTS[:11], "0123456789-")
# A unit is names joined by `*`, `·`, `/` or a space, each with an optional power: `kg·m/s^2`, `m s⁻¹`.
_UNIT_LETTERS = "A-Za-z\u00b5\u03bc\u03a9\u2126\u00b0"  # ASCII letters, µ, μ, Ω, Ω, °
_NAME = rf"[{_UNIT_LETTERS}]+"
_POWER = rf"(?:\^-?[0-9]+|\*\*-?[0-9]+|[{SUPERSCRIPTS[:11]}]+)"
_FACTOR_RE = re.compile(rf"({_NAME})({_POWER})?")
_JOIN_RE = re.compile(r"\s*([*\u00b7\u22c5/])\s*|\s+")
# Units whose prefix-free form a teacher converts to (kΩ to Ω, mA to A); others go to SI base units.
_COHERENT = frozenset(
    {
        *("meter", "second", "ampere", "kelvin", "mole", "candela", "radian"),
        *("newton", "joule", "watt", "pascal", "hertz", "coulomb", "volt", "ohm"),
        *("siemens", "farad", "tesla", "weber", "henry"),
    }
)


_CURRENCIES = (
    "euro = [currency_euro] = EUR = euros",
    "dollar = [currency_dollar] = USD = dollars",
    "pound_sterling = [currency_pound] = GBP",
)
"""Currencies as units, by name or code (pint reads no `€` or `$` signs): `unit: euros`, `unit: USD`."""
CURRENCY_SIGNS = {"€": "as `euros` or `EUR`", "$": "as `dollars` or `USD`", "£": "as `GBP`"}
"""What to write instead of a currency sign, which a teacher types first."""


class UnitError(FormulaError):
    """Raised when the units of a formula's values do not work out (metres added to seconds)."""


@functools.cache
def registry() -> pint.UnitRegistry[Any]:
    """The one unit registry, built on first use; Fraction factors keep conversions exact (km/h is 5/18)."""
    import pint

    ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(non_int_type=Fraction)
    # Money lessons give amounts in a currency; each is its own kind, so euros never convert to dollars.
    for definition in _CURRENCIES:
        ureg.define(definition)
    return ureg


@dataclass(frozen=True)
class Unit:
    """A unit as a teacher wrote it (`text`, for print) and as pint reads it (`pint`, for algebra)."""

    # Lessons give units and values as text, which studygen.fields reads with validators of its own, so
    # pydantic never uses these field docstrings; reading them made it parse this whole module again for
    # each of some twenty models that use the class, a fifth of a second of every render worker's start.
    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": False}

    text: str = field(compare=False)
    """The unit as printed: the teacher's own names, with `²` for `^2` and `·` for `*`: `m/s²`."""
    pint: Any = field(repr=False)
    """The pint unit; units compare by it, so `m/s` equals `m s⁻¹`."""


@dataclass(frozen=True)
class Quantity:
    """A value a teacher gives: an exact number and, if written after it, a unit (`9.8 m/s²`)."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": False}  # as Unit's

    magnitude: Decimal
    """The number exactly as written."""
    unit: Unit | None = None
    """The unit written after it, or None for a plain number."""


def read_unit(text: str) -> Unit:
    """Read a unit a teacher wrote, checking each name with pint; the message says what to write."""
    written = text.strip()
    if not written:
        raise FormulaError("the unit is empty: write one such as m, m/s or kg·m/s²")
    if len(written) > MAX_UNIT_LENGTH:
        raise FormulaError(
            f"the unit is too long ({len(written)} characters; at most {MAX_UNIT_LENGTH}): "
            "write one such as m/s²"
        )
    ureg = registry()
    unit = ureg.dimensionless
    shown: list[str] = []
    divide = False
    position = 0
    while True:
        match = _FACTOR_RE.match(written, position)
        if match is None:
            raise FormulaError(_unexpected(written, position))
        name, power_text = match.group(1), match.group(2) or ""
        power = _power(power_text, written)
        factor = _named_unit(ureg, name) ** power
        unit = unit / factor if divide else unit * factor
        shown.append(name + (_superscript(power) if power != 1 else ""))
        position = match.end()
        if position == len(written):
            break
        join = _JOIN_RE.match(written, position)
        if join is None or join.end() == len(written):
            raise FormulaError(_unexpected(written, join.end() if join else position))
        divide = join.group(1) == "/"
        shown.append("/" if divide else "\u00b7")
        position = join.end()
    return Unit("".join(shown), unit)


def _unexpected(written: str, position: int) -> str:
    """Say which character of a unit is not allowed, and what a unit looks like."""
    if position >= len(written):
        return f"the unit '{written}' ends too early: write one such as m, m/s or kg·m/s²"
    from studygen.wording import shown

    ch = written[position]
    named = f"'{ch}'" if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"
    if ch in CURRENCY_SIGNS:
        return f"write the currency {CURRENCY_SIGNS[ch]} instead of '{ch}' in the unit '{shown(written)}'"
    return (
        f"unexpected character {named} in the unit '{shown(written)}' {at(position)}: a unit is names "
        "such as m, s, kg joined by * or · or /, with powers such as m^2 or m²"
    )


def _power(text: str, written: str) -> int:
    """The power written after a unit's name (`^2`, `**2`, `²`), within the limit."""
    if not text:
        return 1
    digits = text.lstrip("^*").translate(_FROM_SUPERSCRIPT)
    if not re.fullmatch(r"-?[0-9]{1,4}", digits) or abs(int(digits)) > MAX_UNIT_POWER or int(digits) == 0:
        raise FormulaError(
            f"the power {text} in the unit '{written}' is not allowed: use a whole number from "
            f"1 to {MAX_UNIT_POWER} (or \u22121 to \u2212{MAX_UNIT_POWER})"
        )
    return int(digits)


def _named_unit(ureg: pint.UnitRegistry[Any], name: str) -> Any:
    """One unit name, such as `km` or `Ω`, as pint's unit; unknown and offset units are refused."""
    found = ureg.parse_unit_name(name)
    if not found:
        raise FormulaError(f"unknown unit '{name}'{_closest_unit(ureg, name)}")
    if not ureg._is_multiplicative(name):
        raise FormulaError(
            f"'{name}' is a temperature scale with an offset, so formulas cannot multiply or add it: "
            "give the temperature in K instead (20 °C is 293.15 K)"
        )
    return ureg.Unit(name)


def _closest_unit(ureg: pint.UnitRegistry[Any], name: str) -> str:
    """A did-you-mean hint for an unknown unit: the closest symbol or name pint knows."""
    known = {ureg.get_symbol(unit): unit for unit in ureg._units} | {unit: unit for unit in ureg._units}
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if not close:
        return ": write one such as m, s, kg, N, J, m/s or km/h"
    return f": did you mean '{close[0]}'?"


def _superscript(power: int | Fraction) -> str:
    """A unit power as superscripts: ², ⁻¹."""
    return str(power).translate(_TO_SUPERSCRIPT)


def unit_text(unit: Any) -> str:
    """Print a derived pint unit in short form: `kg·m²/s²`, `1/s` (pint's own `~P` cannot print Fractions)."""
    ureg = registry()
    over: list[str] = []
    under: list[str] = []
    for name, power in unit._units.items():
        symbol = ureg.get_symbol(name)
        text = symbol + (_superscript(abs(power)) if abs(power) != 1 else "")
        (over if power > 0 else under).append(text)
    top = "·".join(over) or "1"
    if not under:
        return top
    bottom = "·".join(under)
    return f"{top}/{bottom}" if len(under) == 1 else f"{top}/({bottom})"


def derived(unit: Any) -> Unit | None:
    """A pint unit that came out of a formula, as a Unit, or None when it is a plain number."""
    if not unit._units:
        return None
    return Unit(unit_text(unit), unit)


def factor(source: Unit | None, target: Unit | None) -> Fraction:
    """The exact number that turns a value in `source` into one in `target` (compatible units)."""
    ureg = registry()
    start = source.pint if source else ureg.dimensionless
    end = target.pint if target else ureg.dimensionless
    return Fraction(ureg.Quantity(Fraction(1), start).to(end).magnitude)


def compatible(a: Unit | None, b: Unit | None) -> bool:
    """Whether values in these units measure the same kind of thing (km and m, J and N·m)."""
    ureg = registry()
    first = a.pint if a else ureg.dimensionless
    second = b.pint if b else ureg.dimensionless
    return bool(first.dimensionality == second.dimensionality)


def coherent(unit: Unit) -> Unit:
    """The unit a teacher converts to before computing: prefixes dropped (kΩ → Ω), others to SI (h → s)."""
    ureg = registry()
    result = ureg.dimensionless
    for name, power in unit.pint._units.items():
        _, root, _ = ureg.parse_unit_name(name)[0]
        target: Any
        if root == "gram":
            target = ureg.kilogram
        elif root in _COHERENT:
            target = ureg.Unit(root)
        else:
            target = ureg.get_base_units(name)[1]
        result = result * target**power
    return Unit(unit_text(result), result)


@dataclass(frozen=True)
class Derivation:
    """The unit a formula gives, and whether its values must be converted first to be added."""

    unit: Unit | None
    mixed: bool
    """True when compatible but different units meet in a sum (km + m), or cancel only by a factor."""


def derive(root: Node, units: Mapping[str, Unit | None]) -> Derivation:
    """Work out the unit of a formula from the units of its values; refuse sums of different kinds."""
    mixed: list[bool] = []
    unit = _derive(root, units, mixed)
    return Derivation(derived(unit), any(mixed))


def _derive(node: Node, units: Mapping[str, Unit | None], mixed: list[bool]) -> Any:
    """The pint unit of one node."""
    ureg = registry()
    if isinstance(node, Num):
        return ureg.dimensionless
    if isinstance(node, Name):
        given = units.get(node.name)
        return given.pint if given else ureg.dimensionless
    if isinstance(node, Neg):
        return _derive(node.operand, units, mixed)
    if isinstance(node, BinOp):
        return _derive_binary(node, units, mixed)
    return _derive_call(node, units, mixed)


def _derive_binary(node: BinOp, units: Mapping[str, Unit | None], mixed: list[bool]) -> Any:
    """The unit of + - * / ^."""
    left = _derive(node.left, units, mixed)
    right = _derive(node.right, units, mixed)
    if node.op in "+-":
        where = f"'+' {at(node.pos)} adds" if node.op == "+" else f"'\u2212' {at(node.pos)} subtracts"
        return _same_kind(left, right, where, node.pos, mixed)
    if node.op == "*":
        return _checked_powers(left * right, node.pos)
    if node.op == "/":
        return _checked_powers(left / right, node.pos)
    if right._units:
        raise UnitError(
            f"the power after '^' {at(node.pos)} is in {unit_text(right)}: a power must be a plain number",
            node.pos,
        )
    if not left._units:
        return left
    exponent = _written_number(node.right)
    if exponent is None or not is_whole(exponent):
        raise UnitError(
            f"'^' {at(node.pos)} raises a value in {unit_text(left)} to a power that is not a whole "
            "number written in the formula: write a power such as ^2 or ^3",
            node.pos,
        )
    return _checked_powers(left ** int(exponent), node.pos)


def _written_number(node: Node) -> Decimal | None:
    """The number a node is when it is written as one (`2`, `-1`), else None."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Neg) and isinstance(node.operand, Num):
        return -node.operand.value
    return None


def _same_kind(left: Any, right: Any, where: str, pos: int, mixed: list[bool]) -> Any:
    """Two units that are added or compared: the same kind of unit, or an error naming both."""
    if left.dimensionality != right.dimensionality:
        raise UnitError(
            f"{where} {_named(left)} and {_named(right)}: both must be units of the same kind "
            f"(check the formula and the units of its values){money_hint(left, right)}",
            pos,
        )
    if left != right:
        mixed.append(True)
    return left


def money_hint(*units: Any) -> str:
    """Say, after a message, that `pounds` is a weight when a currency meets it, the usual slip with money."""
    weighs = any("pound" in unit._units for unit in units)
    money = any(str(dimension).startswith("[currency") for unit in units for dimension in unit.dimensionality)
    return (
        "; note that pounds (lb) are a weight: for money in pounds sterling write GBP"
        if weighs and money
        else ""
    )


def _named(unit: Any) -> str:
    """A unit as a message names it: `m`, or `a plain number`."""
    return unit_text(unit) if unit._units else "a plain number"


def _checked_powers(unit: Any, pos: int) -> Any:
    """Refuse a unit whose powers grew beyond the limit (t^50)."""
    if any(abs(power) > MAX_UNIT_POWER for power in unit._units.values()):
        raise UnitError(
            f"the unit here {at(pos)} would be {unit_text(unit)}: at most power {MAX_UNIT_POWER} is "
            "allowed, check the formula",
            pos,
        )
    return unit


def _derive_call(node: Call, units: Mapping[str, Unit | None], mixed: list[bool]) -> Any:
    """The unit of a function call: sqrt halves powers, exp and logs need plain numbers."""
    args = [_derive(arg, units, mixed) for arg in node.args]
    first = args[0]
    if node.func == "sqrt":
        if any(power % 2 for power in first._units.values()):
            raise UnitError(
                f"√ {at(node.pos)} of a value in {unit_text(first)} has no unit: the powers inside "
                "must be even, as in √(m²)",
                node.pos,
            )
        return first ** Fraction(1, 2)
    if node.func == "abs":
        return first
    if node.func in ("min", "max"):
        for arg in args[1:]:
            first = _same_kind(first, arg, f"{node.func} {at(node.pos)} compares", node.pos, mixed)
        return first
    if node.func == "round":
        if len(args) > 1 and args[1]._units:
            raise UnitError(f"round(x, n) {at(node.pos)}: n must be a plain number", node.pos)
        return first
    for arg in args:
        if arg.dimensionality:
            raise UnitError(
                f"{node.func} {at(node.pos)} needs a plain number, but its argument is in "
                f"{unit_text(arg)}: divide it by a value in {unit_text(arg)} first",
                node.pos,
            )
        if arg._units:
            mixed.append(True)  # m/km: a plain number only after converting
    return registry().dimensionless


__all__ = [
    "MAX_UNIT_LENGTH",
    "MAX_UNIT_POWER",
    "NARROW_SPACE",
    "Derivation",
    "Quantity",
    "Unit",
    "UnitError",
    "coherent",
    "compatible",
    "derive",
    "factor",
    "read_unit",
    "registry",
]

"""Exact decimal evaluation of a formula, in a private context and within the limits on values."""

from __future__ import annotations

import decimal
import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from studygen.formulas.errors import FormulaError, at
from studygen.formulas.limits import MAX_EXPONENT, MAX_ROUND_DECIMALS, PRECISION, check_magnitude
from studygen.formulas.numbers import IN_MESSAGES, format_decimal, is_whole, plain, tidy, to_decimal, unit
from studygen.formulas.parsing import Formula
from studygen.formulas.tree import BinOp, Call, Name, Neg, Node, Num, children, names_in_order


@dataclass(frozen=True)
class Value:
    """An intermediate result and whether it is exact; a fraction such as ⅓ also carries its p/q."""

    value: Decimal
    exact: bool
    fraction: tuple[int, int] | None = None
    """(p, q) while the value is still a fraction as written; `value` is then only p/q to 28 digits."""


def new_context() -> decimal.Context:
    """A private context per evaluation: the global decimal context is never touched."""
    return decimal.Context(
        prec=PRECISION,
        rounding=decimal.ROUND_HALF_EVEN,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )


def _run(context: decimal.Context, operation: Callable[..., Decimal], *args: Value) -> Value:
    """Apply a context operation, noting whether it had to round."""
    context.clear_flags()
    result = operation(*(arg.value for arg in args))
    exact = not context.flags[decimal.Inexact] and all(arg.exact for arg in args)
    return Value(result, exact)


def apply(node: Node, args: Sequence[Value], context: decimal.Context) -> Value:
    """Compute one operation node from the values of its operands."""
    try:
        if isinstance(node, Neg):
            result = _negate(args[0], context)
        elif isinstance(node, BinOp):
            result = _binary(node.op, args[0], args[1], context, node.pos)
        elif isinstance(node, Call):
            result = _call(node.func, args, context, node.pos)
        else:  # pragma: no cover - leaves are never applied
            raise AssertionError(node)
    except decimal.Overflow:
        raise FormulaError(f"result is too large (more than {MAX_EXPONENT} digits)", node.pos) from None
    except decimal.DivisionByZero:
        raise FormulaError("division by zero", node.pos) from None
    except decimal.DecimalException:
        raise FormulaError("this part of the formula cannot be computed", node.pos) from None
    return Value(check_magnitude(result.value, node.pos), result.exact, result.fraction)


def _negate(x: Value, context: decimal.Context) -> Value:
    """Minus x; minus ½ stays a fraction."""
    result = _run(context, context.minus, x)
    if x.fraction is None:
        return result
    numerator, denominator = x.fraction
    return Value(result.value, x.exact, (-numerator, denominator))


def _ratio(x: Value) -> tuple[Decimal, Decimal, bool]:
    """A value as numerator, denominator and exactness: ⅓ is (1, 3, exact), 2.5 is (2.5, 1, as it is)."""
    if x.fraction is None:
        return x.value, Decimal(1), x.exact
    numerator, denominator = x.fraction
    return Decimal(numerator), Decimal(denominator), True


def _with_fraction(op: str, a: Value, b: Value, context: decimal.Context, pos: int) -> Value:
    """+, minus, · and / where one side is a fraction: on numerators and denominators, one division last.

    So ⅓ · 3 is (1 · 3) / 3 = 1 exactly, and 9 · ⅓ is 9 / 3 = 3, where 0.333… · 3 would be ≈ 1.
    """
    an, ad, a_exact = _ratio(a)
    bn, bd, b_exact = _ratio(b)
    context.clear_flags()
    if op in "+-":
        combine = context.add if op == "+" else context.subtract
        numerator = combine(context.multiply(an, bd), context.multiply(bn, ad))
        denominator = context.multiply(ad, bd)
    elif op == "*":
        numerator, denominator = context.multiply(an, bn), context.multiply(ad, bd)
    else:
        if bn.is_zero():
            raise FormulaError("division by zero", pos)
        numerator, denominator = context.multiply(an, bd), context.multiply(ad, bn)
    value = context.divide(numerator, denominator)
    return Value(value, a_exact and b_exact and not context.flags[decimal.Inexact])


def _binary(op: str, a: Value, b: Value, context: decimal.Context, pos: int) -> Value:
    """+ - * / ^ on two values."""
    if op != "^" and (a.fraction is not None or b.fraction is not None):
        return _with_fraction(op, a, b, context, pos)
    if op == "+":
        return _run(context, context.add, a, b)
    if op == "-":
        return _run(context, context.subtract, a, b)
    if op == "*":
        return _run(context, context.multiply, a, b)
    if op == "/":
        if b.value.is_zero():
            raise FormulaError("division by zero", pos)
        return _run(context, context.divide, a, b)
    return _power(a, b, context, pos)


def _power(base: Value, exponent: Value, context: decimal.Context, pos: int) -> Value:
    """base ^ exponent, refusing huge results by estimating their size before computing."""
    b, e = base.value, exponent.value
    if b.is_zero():
        if e > 0:
            return Value(Decimal(0), base.exact and exponent.exact)
        if e.is_zero():
            raise FormulaError("0^0 is undefined", pos)
        raise FormulaError("division by zero (0 to a negative power)", pos)
    if b < 0 and not is_whole(e):
        raise FormulaError(
            f"a negative number to a fractional power has no real value: "
            f"({plain(b)})^{format_decimal(e, IN_MESSAGES, exponent.exact)}",
            pos,
        )
    # Digits before the point of the result, roughly: log10|b| * e, in a throwaway context.
    rough = decimal.Context(prec=12)
    size = rough.multiply(rough.log10(b.copy_abs()), e)
    if size > MAX_EXPONENT + 1:
        raise FormulaError(f"result is too large (more than {MAX_EXPONENT} digits)", pos)
    if size < -MAX_EXPONENT - 1:
        raise FormulaError(
            f"result is too small (more than {MAX_EXPONENT} zeros after the decimal point)", pos
        )
    if base.fraction is not None and is_whole(e):
        numerator, denominator = (Value(Decimal(part), True) for part in base.fraction)
        top, bottom = (_run(context, context.power, part, exponent) for part in (numerator, denominator))
        return _with_fraction("/", top, bottom, context, pos)
    result = _run(context, context.power, base, exponent)
    if result.exact or is_whole(e):
        return result
    return _exact_root(base, exponent, result)


MAX_ROOT = 12
"""Roots up to the 12th (exponents p/q with q ≤ 12) are checked for an exact result: 4^0.5 = 2, 8^⅓ = 2."""


def _exact_root(base: Value, exponent: Value, result: Value) -> Value:
    """The result made exact when it is: c = b^(p/q) exactly if c^q = b^p, checked in whole numbers."""
    if not (base.exact or base.fraction) or not (exponent.exact or exponent.fraction):
        return result
    p, q = exponent.fraction or Fraction(exponent.value).as_integer_ratio()
    if q > MAX_ROOT or abs(p) > MAX_ROOT:
        return result
    bn, bd, _ = _ratio(base)
    if p < 0:
        bn, bd, p = bd, bn, -p
    candidate = decimal.Context(prec=PRECISION - 6).plus(result.value).normalize()
    whole = decimal.Context(prec=2000, traps=[decimal.Inexact])  # c^q · bd^p == bn^p, all exact
    try:
        same = whole.multiply(whole.power(candidate, q), whole.power(bd, p)) == whole.power(bn, p)
    except decimal.Inexact:  # pragma: no cover - the digits are far within the precision
        same = False
    return Value(tidy(candidate), True) if same else result


def _call(func: str, args: Sequence[Value], context: decimal.Context, pos: int) -> Value:
    """One of the whitelisted functions."""
    x = args[0]
    if func == "sqrt":
        if x.value < 0:
            raise FormulaError(
                f"the square root of a negative number ({plain(x.value)}) has no real value", pos
            )
        return _run(context, context.sqrt, x)
    if func == "abs":
        return _run(context, context.abs, x)
    if func in ("min", "max"):
        # The answer is one of the arguments, so it is exactly as exact as that argument.
        pick = min if func == "min" else max
        return pick(args, key=lambda arg: arg.value)
    if func == "round":
        return _round(x, args[1] if len(args) > 1 else None, context, pos)
    if func == "exp":
        # e^230.26 = 1e100: refuse before computing, so exp(exp(exp(100))) is cheap.
        if x.value > 231:
            raise FormulaError(f"result is too large (more than {MAX_EXPONENT} digits)", pos)
        if x.value < -231:
            raise FormulaError(
                f"result is too small (more than {MAX_EXPONENT} zeros after the decimal point)",
                pos,
            )
        return _run(context, context.exp, x)
    _require_positive(x.value, "logarithm", pos)
    if func in ("ln", "log") and len(args) == 1:
        return _run(context, context.ln, x)
    if func == "log10":
        return _run(context, context.log10, x)
    return _log(x, args[1], context, pos)


def _require_positive(value: Decimal, what: str, pos: int) -> None:
    """Logarithms are only defined for positive numbers."""
    if value <= 0:
        raise FormulaError(f"the {what} of zero or a negative number ({plain(value)}) is undefined", pos)


def _log(x: Value, base: Value, context: decimal.Context, pos: int) -> Value:
    """log(x, base); whole-number answers such as log(8, 2) = 3 come out exact."""
    _require_positive(base.value, "logarithm base", pos)
    if base.value == 1:
        raise FormulaError("a logarithm cannot have base 1", pos)
    finer = decimal.Context(prec=PRECISION + 6)
    quotient = finer.divide(finer.ln(x.value), finer.ln(base.value))
    whole = quotient.to_integral_value(context=finer)
    close_to_whole = finer.subtract(quotient, whole).copy_abs() < unit(4 - PRECISION)
    if x.exact and base.exact and close_to_whole:
        try:
            check = _power(base, Value(whole, True), context, pos)
        except FormulaError:
            check = Value(Decimal(0), False)
        if check.exact and check.value == x.value:
            return Value(whole, True)
    return Value(context.plus(quotient), False)


def _round(x: Value, places: Value | None, context: decimal.Context, pos: int) -> Value:
    """round(x, n) half up, as done by hand; the result is exactly what was asked for."""
    digits = 0
    if places is not None:
        n = places.value
        if not (places.exact and is_whole(n) and 0 <= n <= MAX_ROUND_DECIMALS):
            raise FormulaError(
                f"round(x, n): n must be a whole number from 0 to {MAX_ROUND_DECIMALS}, "
                f"not {format_decimal(n, IN_MESSAGES, places.exact)}",
                pos,
            )
        digits = int(n)
    exponent = x.value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent >= -digits:  # already has no more decimals than asked for
        return Value(x.value, True)
    return Value(x.value.quantize(unit(-digits), rounding=ROUND_HALF_UP, context=context), True)


def environment(formula: Formula, values: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Check that every name has a usable value; the message lists the names that do."""
    missing = [node for node in names_in_order(formula._root) if node.name not in values]
    if missing:
        raise _unknown_name(missing[0], values)
    env: dict[str, Decimal] = {}
    for name in formula.names:
        number = to_decimal(values[name])
        if number is None:
            raise FormulaError(
                f"the value of '{name}' must be a number, not {type(values[name]).__name__}", None
            )
        env[name] = check_magnitude(number, None, f"the value of '{name}'")
    return env


def _unknown_name(node: Name, values: Mapping[str, object]) -> FormulaError:
    """The error for a name without a value, with a did-you-mean hint."""
    known = sorted(values)
    by_lower = {name.lower(): name for name in known}
    close = difflib.get_close_matches(node.name.lower(), list(by_lower), n=1, cutoff=0.6)
    hint = f" — did you mean '{by_lower[close[0]]}'?" if close else ""
    listing = ", ".join(f"'{name}'" for name in known) if known else "none"
    return FormulaError(f"unknown name '{node.name}' {at(node.pos)}{hint} (known names: {listing})", node.pos)


def _evaluate_node(node: Node, env: Mapping[str, Decimal], context: decimal.Context) -> Value:
    """Evaluate a tree bottom-up."""
    if isinstance(node, Num):
        return Value(node.value, node.exact, node.fraction)
    if isinstance(node, Name):
        return Value(env[node.name], True)
    args = [_evaluate_node(child, env, context) for child in children(node)]
    return apply(node, args, context)


def evaluate(formula: Formula, values: Mapping[str, Decimal]) -> Decimal:
    """The exact (28-digit when inexact) value of the formula for the given values."""
    env = environment(formula, values)
    return tidy(_evaluate_node(formula._root, env, new_context()).value)

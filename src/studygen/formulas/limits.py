"""The limits a formula and its values must keep: lesson files are untrusted, so refusals come early."""

from __future__ import annotations

from decimal import Decimal

from studygen.formulas.errors import FormulaError

# Limits: lesson files are untrusted, so every refusal must be cheap and happen before any big work.
MAX_SOURCE_LENGTH = 500
MAX_DEPTH = 40
MAX_NODES = 200
MAX_EXPONENT = 100  # every value v must satisfy 1e-100 <= |v| < 1e100 (or be zero)
PRECISION = 28
MAX_ROUND_DECIMALS = 20


def check_magnitude(value: Decimal, pos: int | None, what: str = "result") -> Decimal:
    """Refuse values that are not finite or outside 1e-100 <= |v| < 1e100; zero is fine."""
    if not value.is_finite():
        raise FormulaError(f"{what} is not a finite number", pos)
    if value.is_zero():
        return Decimal(0)  # also drops the sign of -0
    if value.adjusted() >= MAX_EXPONENT:
        raise FormulaError(f"{what} is too large (more than {MAX_EXPONENT} digits)", pos)
    if value.adjusted() < -MAX_EXPONENT:
        raise FormulaError(
            f"{what} is too small (more than {MAX_EXPONENT} zeros after the decimal point)", pos
        )
    return value

"""How numbers are shown: NumberFormat, half-up rounding, plain fixed-point text with U+2212 minus."""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from studygen.formulas.limits import PRECISION

INEXACT_SIGNIFICANT = 6  # how an inexact value such as 1/3 is shown when no format is asked for


@dataclass(frozen=True)
class NumberFormat:
    """How an answer is shown: fixed decimals, significant figures, or (default) exactly."""

    decimals: int | None = None
    significant: int | None = None

    def __post_init__(self) -> None:
        """Refuse impossible formats early, where the lesson is read."""
        if self.decimals is not None and self.significant is not None:
            raise ValueError("choose either decimals or significant figures, not both")
        if self.decimals is not None and not _int_between(self.decimals, 0, 12):
            raise ValueError(f"decimals must be a whole number from 0 to 12, not {self.decimals!r}")
        if self.significant is not None and not _int_between(self.significant, 1, 15):
            raise ValueError(
                f"significant figures must be a whole number from 1 to 15, not {self.significant!r}"
            )


def _int_between(value: object, low: int, high: int) -> bool:
    """Whether value is a real int (not a bool) within [low, high]."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


EXACT = NumberFormat()


def unit(exponent: int) -> Decimal:
    """10 ** exponent, built without touching any decimal context."""
    return Decimal((0, (1,), exponent))


def _wide_context(value: Decimal, extra: int) -> decimal.Context:
    """A context precise enough to round `value` without losing digits it keeps."""
    return decimal.Context(
        prec=max(PRECISION, abs(value.adjusted()) + extra + 2, len(value.as_tuple().digits) + 2)
    )


def _round_decimals(value: Decimal, decimals: int) -> Decimal:
    """Round half up to a fixed number of decimals."""
    context = _wide_context(value, decimals)
    return value.quantize(unit(-decimals), rounding=ROUND_HALF_UP, context=context)


def _round_significant(value: Decimal, significant: int) -> Decimal:
    """Round half up to a number of significant figures, keeping the trailing zeros."""
    if value.is_zero():
        return Decimal(0)
    context = _wide_context(value, significant)
    exponent = value.adjusted() - significant + 1
    rounded = value.quantize(unit(exponent), rounding=ROUND_HALF_UP, context=context)
    if rounded.adjusted() != value.adjusted():  # 9.99 -> 10.0, not 10.00
        rounded = value.quantize(unit(exponent + 1), rounding=ROUND_HALF_UP, context=context)
    return rounded


def plain(value: Decimal) -> str:
    """Fixed-point text (never scientific), with a U+2212 minus and no '-0'."""
    text = format(value, "f")
    if not any(ch in "123456789" for ch in text):
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


def _strip_zeros(text: str) -> str:
    """Drop trailing zeros after the decimal point (and the point itself if nothing is left)."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _looks_exact(value: Decimal) -> bool:
    """A bare Decimal does not say whether it is exact; one using all 28 digits is taken as not."""
    digits = "".join(map(str, value.as_tuple().digits)).rstrip("0")
    return len(digits) < PRECISION


def format_decimal(value: Decimal, fmt: NumberFormat, exact: bool) -> str:
    """Format a finite Decimal whose exactness is known."""
    if fmt.decimals is not None:
        return plain(_round_decimals(value, fmt.decimals))
    if fmt.significant is not None:
        return plain(_round_significant(value, fmt.significant))
    if exact:
        return _strip_zeros(plain(value))
    return _strip_zeros(plain(_round_significant(value, INEXACT_SIGNIFICANT)))


def format_number(value: Decimal, fmt: NumberFormat = EXACT, *, exact: bool | None = None) -> str:
    """Format a number for print: never scientific, U+2212 for minus, half-up rounding.

    Say `exact=True` for a value known to be exact (one a teacher wrote); otherwise a value using all
    28 digits is taken for a rounded one and shown with 6 significant digits.
    """
    number = to_decimal(value)
    if number is None or not number.is_finite():
        raise ValueError(f"cannot format {value!r}: it is not a finite number")
    return format_decimal(number, fmt, _looks_exact(number) if exact is None else exact)


def to_decimal(value: object) -> Decimal | None:
    """Accept Decimal, int and float (by its shortest repr) as numbers; anything else is None."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


def is_whole(value: Decimal) -> bool:
    """Whether a finite Decimal is a whole number, decided without any decimal context."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    return exponent >= 0 or not any(digits[exponent:])


def tidy(value: Decimal) -> Decimal:
    """Same value, written plainly: 2000 rather than 2000.00 or 2E+3, 2.5 rather than 2.50."""
    if value.is_zero():
        return Decimal(0)
    context = _wide_context(value, 0)
    if is_whole(value):
        return value.quantize(Decimal(1), context=context)
    return value.normalize(context)

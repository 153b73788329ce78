"""The one place that decides how a number is printed: rounding, decimals, separators, scientific notation.

Tables, steps, given values, values in text and exports all format through `format_decimal`, so a
number reads the same wherever it appears. Its decimal and group marks are those of the language being
printed in (`studygen.language.speaking`): 1,234.5 in English, 1.234,5 in German, 1 234,5 in French.
Rounding is half away from zero (1157.625 → 1157.63, and minus 2.5 → minus 3), as done by hand; the
decimal module calls that ROUND_HALF_UP.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from studygen.formulas.limits import PRECISION
from studygen.language import current

INEXACT_SIGNIFICANT = 6  # how an inexact value such as 1/3 is shown when no format is asked for
MAX_DECIMALS = 12
MAX_SIGNIFICANT = 15
SCIENTIFIC_ABOVE = 12
"""By default, values of 10¹² or more print in scientific notation, not 13 digits or more."""
SCIENTIFIC_BELOW = -6
"""By default, values under 10⁻⁶ print in scientific notation (unless fixed decimals are asked for)."""

_SUPERSCRIPT_DIGITS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
MINUS = "\u2212"
TIMES = "\u00d7"


@dataclass(frozen=True)
class NumberFormat:
    """How a number is shown: its rounding, its separators and when it uses scientific notation.

    `group` and `decimal_mark` are the characters a language writes (`,` and `.` in English); None
    means the language being printed in decides. The rest is what a teacher sets per value, column or
    answer.
    """

    decimals: int | None = None
    significant: int | None = None
    thousands: bool = False
    """Group the digits before the decimal mark in threes: 1,157.63."""
    scientific: bool | None = None
    """True: always as a mantissa times a power of ten; False: never; None: only outside the bounds below."""
    above: int = SCIENTIFIC_ABOVE
    """Values of 10^above or more use scientific notation (when `scientific` is None)."""
    below: int = SCIENTIFIC_BELOW
    """Values under 10^below use scientific notation (when `scientific` is None and no `decimals`)."""
    group: str | None = None
    decimal_mark: str | None = None

    def __post_init__(self) -> None:
        """Refuse impossible formats early, where the lesson is read."""
        if self.decimals is not None and self.significant is not None:
            raise ValueError("choose either decimals or significant figures, not both")
        if self.decimals is not None and not _int_between(self.decimals, 0, MAX_DECIMALS):
            raise ValueError(
                f"decimals must be a whole number from 0 to {MAX_DECIMALS}, not {self.decimals!r}"
            )
        if self.significant is not None and not _int_between(self.significant, 1, MAX_SIGNIFICANT):
            raise ValueError(
                f"significant figures must be a whole number from 1 to {MAX_SIGNIFICANT}, "
                f"not {self.significant!r}"
            )
        if self.below >= self.above:
            raise ValueError("the lower bound for scientific notation must be below the upper one")

    @property
    def style(self) -> NumberFormat:
        """The same separators and notation without any rounding: how the numbers in steps are shown."""
        return replace(self, decimals=None, significant=None)


def _int_between(value: object, low: int, high: int) -> bool:
    """Whether value is a real int (not a bool) within [low, high]."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


EXACT = NumberFormat()

IN_MESSAGES = NumberFormat(group=",", decimal_mark=".")
"""How an error message writes a number, in any lesson's language: messages are in English."""


def unit(exponent: int) -> Decimal:
    """10 ** exponent, built without touching any decimal context."""
    return Decimal((0, (1,), exponent))


def _wide_context(value: Decimal, extra: int) -> decimal.Context:
    """A context precise enough to round `value` without losing digits it keeps."""
    return decimal.Context(
        prec=max(PRECISION, abs(value.adjusted()) + extra + 2, len(value.as_tuple().digits) + 2)
    )


def _round_decimals(value: Decimal, decimals: int) -> Decimal:
    """Round half away from zero to a fixed number of decimals."""
    context = _wide_context(value, decimals)
    return value.quantize(unit(-decimals), rounding=ROUND_HALF_UP, context=context)


def _round_significant(value: Decimal, significant: int) -> Decimal:
    """Round half away from zero to a number of significant figures, keeping the trailing zeros."""
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
    return text.replace("-", MINUS)


def _strip_zeros(text: str) -> str:
    """Drop trailing zeros after the decimal point (and the point itself if nothing is left)."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _looks_exact(value: Decimal) -> bool:
    """A bare Decimal does not say whether it is exact; one using all 28 digits is taken as not."""
    digits = "".join(map(str, value.as_tuple().digits)).rstrip("0")
    return len(digits) < PRECISION


def _fixed(value: Decimal, fmt: NumberFormat, exact: bool) -> Decimal:
    """Round for fixed-point print: to the decimals or figures asked for, else exact or 6 figures."""
    if fmt.decimals is not None:
        return _round_decimals(value, fmt.decimals)
    if fmt.significant is not None:
        return _round_significant(value, fmt.significant)
    return value if exact else _round_significant(value, INEXACT_SIGNIFICANT)


def _is_scientific(fixed: Decimal, fmt: NumberFormat) -> bool:
    """Whether a value (already rounded for fixed-point print) is shown as a mantissa times a power of ten."""
    if fixed.is_zero():
        return False
    if fmt.scientific is not None:
        return fmt.scientific
    size = fixed.adjusted()
    return size >= fmt.above or (fmt.decimals is None and size < fmt.below)


def _mantissa_figures(fmt: NumberFormat, exact: bool) -> int | None:
    """Significant figures of a mantissa: as asked, 1 + the decimals asked, all (None) or 6 if inexact."""
    if fmt.significant is not None:
        return fmt.significant
    if fmt.decimals is not None:
        return fmt.decimals + 1
    return None if exact else INEXACT_SIGNIFICANT


def rounded(value: Decimal, fmt: NumberFormat, exact: bool) -> Decimal:
    """The value exactly as it is printed: what `=` or `≈` compares, and what a student carries on with."""
    fixed = _fixed(value, fmt, exact)
    if not _is_scientific(fixed, fmt):
        return fixed
    figures = _mantissa_figures(fmt, exact)
    return value if figures is None else _round_significant(value, figures)


def _separated(text: str, fmt: NumberFormat) -> str:
    """Put in the language's decimal mark and, if asked, group the whole part's digits in threes."""
    style = current().numbers
    sign = MINUS if text.startswith(MINUS) else ""
    whole, _, fraction = text.removeprefix(MINUS).partition(".")
    if fmt.thousands and len(whole) >= 3 + style.min_grouping:
        group = style.group if fmt.group is None else fmt.group
        whole = group.join(whole[max(0, end - 3) : end] for end in range(len(whole), 0, -3)[::-1])
    mark = style.decimal_mark if fmt.decimal_mark is None else fmt.decimal_mark
    return sign + whole + (mark + fraction if fraction else "")


def format_decimal(value: Decimal, fmt: NumberFormat, exact: bool) -> str:
    """Format a finite Decimal whose exactness is known: every printed number goes through here."""
    fixed = _fixed(value, fmt, exact)
    if not _is_scientific(fixed, fmt):
        text = plain(fixed)
        if fmt.decimals is None and fmt.significant is None:
            text = _strip_zeros(text)
        return _separated(text, fmt)
    shown = rounded(value, fmt, exact)
    power = shown.adjusted()
    mantissa = plain(shown.scaleb(-power))
    if _mantissa_figures(fmt, exact) is None:
        mantissa = _strip_zeros(mantissa)
    return f"{_separated(mantissa, fmt)} {TIMES} 10{str(power).translate(_SUPERSCRIPT_DIGITS)}"


def format_number(value: Decimal, fmt: NumberFormat = EXACT, *, exact: bool | None = None) -> str:
    """Format a number for print with `format_decimal`'s rules: U+2212 minus, half away from zero.

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

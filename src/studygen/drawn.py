"""Values drawn per version: a list of values, or a range with a step, read where a value may be given.

A drawn value *is* a `Quantity`: the value as written (a list's first entry, a range's `from`), so a
lesson built without `--variants` prints exactly as if the teacher had written that value. The other
values it may take ride along in `Drawn` for `studygen.drawing` to pick from, one per version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from pydantic_core import PydanticCustomError

from studygen.formulas.units import Quantity
from studygen.wording import quoted

MAX_CHOICES = 100_000
"""Values one list or range may offer a draw: far more than any lesson needs, and a bound on the work a
range's step count costs (`{from: 0, to: 1e20, step: 1}` is refused, not walked)."""

RANGE_KEYS = ("from", "to", "step")


@dataclass(frozen=True)
class Drawn(Quantity):
    """A value each version draws: from the `listed` values, or `count` steps of `step` from its magnitude.

    As a Quantity it is the value as written: the first entry of the list, or the range's `from`.
    """

    listed: tuple[Quantity, ...] = ()
    """The list's values in the order written; empty for a range."""
    step: Decimal | None = None
    """The range's step, in its unit; None for a list."""
    count: int = 1
    """How many values a draw chooses from."""

    def pick(self, index: int) -> Quantity:
        """Return the value at index (0 for the value as written) as a plain Quantity."""
        if self.listed:
            return self.listed[index]
        assert self.step is not None
        return Quantity(self.magnitude + index * self.step, self.unit)

    @property
    def written(self) -> Quantity:
        """The value as written, as a plain Quantity: what a build without `--variants` uses."""
        return self.pick(0)


def given_value(one: Callable[[object], Quantity]) -> Callable[[object], Quantity]:
    """Make the validator of a given value: one value read by `one`, a list of them, or a range."""

    def validate(value: object) -> Quantity:
        if isinstance(value, list):
            return _listed(value, one)
        if isinstance(value, dict):
            return _range(value, one)
        return one(value)

    return validate


def _listed(values: list[object], one: Callable[[object], Quantity]) -> Drawn:
    """Read a list of values to draw from; all of one unit, at most MAX_CHOICES."""
    if not values:
        raise ValueError("the list of values to draw from is empty: give at least one, e.g. `[2, 3, 4]`")
    if len(values) > MAX_CHOICES:
        raise ValueError(
            f"a list of values to draw from holds at most {MAX_CHOICES:,}; this one has {len(values):,}"
        )
    read = [_entry(value, one, f"entry {number + 1}") for number, value in enumerate(values)]
    _same_unit(read, [f"entry {number + 1}" for number in range(len(read))])
    return Drawn(read[0].magnitude, read[0].unit, listed=tuple(read), count=len(read))


def _range(written: dict[object, object], one: Callable[[object], Quantity]) -> Drawn:
    """Read a range `{from: 10, to: 50, step: 5}`: every step from `from` up to `to`, inclusive."""
    unknown = [str(key) for key in written if key not in RANGE_KEYS]
    missing = [key for key in RANGE_KEYS if key not in written]
    if unknown or missing:
        said = f"unknown key {quoted(unknown[0])}" if unknown else f"`{missing[0]}` is missing"
        raise ValueError(
            f"{said}: a range to draw from has exactly `from`, `to` and `step`, e.g. "
            "`{from: 10, to: 50, step: 5}` or `{from: 10 m, to: 50 m, step: 5 m}`"
        )
    start, end, step = (_entry(written[key], one, f"`{key}`") for key in RANGE_KEYS)
    _same_unit([start, end, step], [f"`{key}`" for key in RANGE_KEYS])
    if step.magnitude <= 0:
        raise ValueError("`step` must be more than 0, e.g. `step: 5`")
    if end.magnitude < start.magnitude:
        raise ValueError("`to` is less than `from`: give the smaller value as `from`")
    span = end.magnitude - start.magnitude
    # Compared before dividing: the quotient of `{from: 0, to: 1e99, step: 1e-99}` has more digits
    # than Decimal keeps, and the division would fail instead of saying what to change.
    if span >= step.magnitude * MAX_CHOICES:
        raise ValueError(
            f"the range offers more than {MAX_CHOICES:,} values to draw from: take a larger `step` or a "
            "narrower range"
        )
    return Drawn(start.magnitude, start.unit, step=step.magnitude, count=int(span // step.magnitude) + 1)


def _entry(value: object, one: Callable[[object], Quantity], what: str) -> Quantity:
    """Read one value of a list or range, naming it in the message if it is wrong."""
    if isinstance(value, list | dict):
        raise ValueError(f"{what} is a list or mapping: write each value to draw from as one number")
    try:
        return one(value)
    except PydanticCustomError:  # not a number at all: pydantic's own words would not say what to write
        raise ValueError(
            f"{what} is not a value: write a number such as `3`, or one with its unit such as `9.8 m/s²`"
        ) from None
    except ValueError as error:
        raise ValueError(f"{what}: {error}") from None


def _same_unit(values: list[Quantity], names: list[str]) -> None:
    """Refuse values of one draw written in different units (or some with a unit and some without)."""
    first = values[0].unit
    for value, name in zip(values[1:], names[1:], strict=True):
        if value.unit != first:
            raise ValueError(
                f"{name} is {_unit_words(value)} but {names[0]} is {_unit_words(values[0])}: give every "
                "value to draw from the same unit"
            )


def _unit_words(value: Quantity) -> str:
    """Say what unit a value has, for a message: `in m`, or `a plain number`."""
    return f"in {value.unit.text}" if value.unit is not None else "a plain number"

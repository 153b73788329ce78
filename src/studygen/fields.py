"""The building blocks of the lesson format: checked field types, the base model, what every exercise has."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from studygen.conditions import Condition
from studygen.drawn import MAX_CHOICES, given_value
from studygen.formulas import FormulaError, NumberFormat, parse
from studygen.formulas.limits import MAX_EXPONENT, PRECISION, check_magnitude
from studygen.formulas.numbers import (
    MAX_DECIMALS,
    MAX_SIGNIFICANT,
    SCIENTIFIC_ABOVE,
    SCIENTIFIC_BELOW,
    is_whole,
    plain,
)
from studygen.formulas.units import CURRENCY_SIGNS, Unit, read_unit
from studygen.formulas.units import Quantity as QuantityValue
from studygen.wording import quoted

MAX_TITLE = 200
"""Characters a lesson's or an exercise's title may hold: three lines of the title block at most."""

MAX_LINE = 200
"""Characters of one-line facts (subject, author, materials): two lines under the title at most."""


def _text(value: str) -> str:
    """Refuse text that is only whitespace: a blank answer on a printed key is worse than an error."""
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def _markdown(value: str) -> str:
    """Refuse markdown that is only whitespace (a separate name so the documentation can say markdown)."""
    return _text(value)


# A blank line, or a line starting a list, heading, quote or code fence: block markdown.
_BLOCK = re.compile(r"\n[ \t]*\n|(^|\n)[ \t]{0,3}([-*+][ \t]|\d{1,9}[.)][ \t]|#{1,6}[ \t]|>|```|~~~)")


def _inline(value: str) -> str:
    """Accept markdown that prints as one paragraph: it follows a label or sits in a table cell."""
    if _BLOCK.search(value.strip()):
        raise ValueError(
            "this text prints as one paragraph: a blank line, list, heading, quote or code block "
            "cannot go here"
        )
    return _text(value)


def _number_text(value: object) -> object:
    """Refuse a number written with more digits than arithmetic keeps, before it is even parsed."""
    if isinstance(value, str) and len(value.strip()) > PRECISION + MAX_EXPONENT // 4:
        raise ValueError(f"{quoted(value)} has too many digits for a number: at most {PRECISION} count")
    return value


def _number(value: Decimal) -> Decimal:
    """Accept a number that formulas can work with exactly: finite, not too large, small or long."""
    try:
        check_magnitude(value, None, "the number")
    except FormulaError as error:
        raise ValueError(error.message) from None
    if len(value.normalize().as_tuple().digits) > PRECISION:
        raise ValueError(f"the number has more than {PRECISION} significant digits")
    return value


def _points(value: Decimal) -> Decimal:
    """Accept points as a teacher gives them: whole or half, from 0 to `MAX_POINTS`."""
    if value < 0:
        raise ValueError(f"points cannot be negative: write 0 or more, not {plain(value)}")
    if value > MAX_POINTS:
        raise ValueError(
            f"{plain(value)} points is more than {MAX_POINTS}, the most one exercise, part or item is worth: "
            "give fewer, or split the exercise"
        )
    if not is_whole(value * 2):
        raise ValueError(
            f"{plain(value)} is not a whole or half point: points go in halves, such as `1`, `1.5` or `2`"
        )
    return value


def _symbol(value: str) -> str:
    """Accept a formula symbol: one word of letters, digits and underscores, such as `T` or `ε`."""
    if not value.isidentifier() or len(value) > 30:
        raise ValueError(f"{quoted(value)} is not a symbol: use one word such as `T`, `ε` or `T_max`")
    try:
        usable = parse(value).names == {value}
    except FormulaError:
        usable = False
    if not usable:  # a function name such as `sqrt`, or a character the formula language reads otherwise
        raise ValueError(f"{quoted(value)} cannot be used as a symbol in a formula: choose another name")
    return value


def _slug(value: str) -> str:
    """Accept an identifier such as `likely-to-break`: lowercase letters, digits and hyphens."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value) or len(value) > 40:
        raise ValueError(
            f"'{value}' is not an id: use lowercase words joined by hyphens, e.g. `likely-to-break`"
        )
    return value


def _formula(value: str) -> str:
    """Accept a formula that parses; the message says where it does not."""
    try:
        parse(value)
    except FormulaError as error:
        raise ValueError(f"formula {quoted(value)}: {error.message}") from None
    return value


def _flag(value: object) -> object:
    """Accept `true` or `false` (which the loader keeps as text); refuse yes/no and the like by name."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"write true or false, not {quoted(str(value))}")


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _language(value: str) -> str:
    """Accept a BCP 47 language tag such as `en`, `de` or `pt-BR`."""
    if not _LANGUAGE_TAG.fullmatch(value):
        hyphened = value.replace("_", "-")  # `de_DE` is how a computer's locale is written, not a tag
        if _LANGUAGE_TAG.fullmatch(hyphened):
            raise ValueError(f"{quoted(value)} is not a language tag: write it with a hyphen, `{hyphened}`")
        raise ValueError(f"{quoted(value)} is not a language tag: use one such as `en`, `de` or `pt-BR`")
    return value


# A number, then (after optional spaces) a unit that starts with a letter, µ, Ω or °: `9.8 m/s²`, `3s`.
_WITH_UNIT = re.compile(
    r"\s*([+\-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+\-]?[0-9]+)?)\s*((?:[^\W\d_]|°).*)", re.S
)


def _unit(value: object) -> Unit:
    """Accept a unit pint knows, written as a teacher writes it: `m`, `m/s²`, `km/h`, `kg·m/s`."""
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "expected text")
    try:
        return read_unit(value)
    except FormulaError as error:
        raise ValueError(error.message) from None


def _quantity(value: object) -> QuantityValue:
    """Accept a plain number (`0.05`) or a number with its unit (`9.8 m/s²`, `72 km/h`)."""
    if isinstance(value, QuantityValue):
        return value
    if isinstance(value, str) and (sign := next((c for c in value if c in CURRENCY_SIGNS), None)):
        raise ValueError(
            f"{quoted(value)}: write the currency {CURRENCY_SIGNS[sign]} after the number instead of "
            f"'{sign}', e.g. `5 {CURRENCY_SIGNS[sign].split('`')[1]}`"
        )
    written = _WITH_UNIT.fullmatch(value) if isinstance(value, str) else None
    if written is None or _is_number(str(value)):  # `1e5` is a number, not 1 with a unit `e5`
        if isinstance(value, str) and _looks_like_a_value(value):
            comma = re.search(r"[0-9](,)[0-9]", value)
            hint = f"use a point: {value.replace(',', '.', 1)}" if comma else "a formula cannot go here"
            raise ValueError(
                f"{quoted(value)} is not a value: write a number, then its unit, such as `9.8 m/s²` or "
                f"`72 km/h` ({hint})"
            )
        return QuantityValue(_plain_number(value))
    return QuantityValue(_plain_number(written.group(1)), _unit(written.group(2)))


def _looks_like_a_value(text: str) -> bool:
    """Whether text that is not a number still holds digits and letters, as `1/0 m` does."""
    return not _is_number(text) and any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def _is_number(text: str) -> bool:
    """Whether text is a whole number as Decimal reads it."""
    try:
        Decimal(text.strip())
    except ArithmeticError:
        return False
    return True


def _plain_number(value: object) -> Decimal:
    """Check a number as the `Number` type does, keeping pydantic's own error (and so its message)."""
    try:
        return _NUMBER.validate_python(value)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        raise PydanticCustomError(detail["type"], detail["msg"], detail.get("ctx")) from None


@dataclass(frozen=True)
class IsText:
    """Marks a field's type as printed text: values written `{=expression}` in it are put in."""


@dataclass(frozen=True)
class IsMarkdown(IsText):
    """Marks a field's type as markdown: the checks that read markdown (images, nesting) select on it."""

    one_paragraph: bool = False


Text = Annotated[str, AfterValidator(_text), IsText()]
"""Plain text, printed as written."""

Markdown = Annotated[str, AfterValidator(_markdown), IsMarkdown()]
"""Text with markdown: `*emphasis*`, `**bold**`, `` `code` ``, lists, paragraphs; raw HTML shows as text."""
InlineMarkdown = Annotated[str, AfterValidator(_inline), IsMarkdown(one_paragraph=True)]
"""Markdown that prints as one paragraph: emphasis, code, links and images, but no lists or blank lines."""

Symbol = Annotated[str, AfterValidator(_symbol)]
Slug = Annotated[str, AfterValidator(_slug)]
FormulaText = Annotated[str, AfterValidator(_formula)]
Language = Annotated[str, AfterValidator(_language)]
Flag = Annotated[bool, BeforeValidator(_flag)]
"""`true` or `false`."""
Number = Annotated[Decimal, BeforeValidator(_number_text), AfterValidator(_number)]
"""An exact decimal number such as `0.05` or `1000`, with at most 28 significant digits, below 10¹⁰⁰."""
_NUMBER: TypeAdapter[Decimal] = TypeAdapter(Number)

MAX_POINTS = 100
"""Points one exercise, part or item may be worth: a whole test is often out of 100, an exercise less."""

Points = Annotated[
    Decimal,
    BeforeValidator(_number_text),
    AfterValidator(_number),
    AfterValidator(_points),
    Field(json_schema_extra={"examples": [2, 1.5]}),
]
"""Points in whole or half steps, such as `2` or `1.5`, from 0 to 100."""

UnitText = Annotated[Unit, PlainValidator(_unit), WithJsonSchema({"type": "string"})]
"""A unit such as `m`, `m/s²`, `km/h` or `kg·m/s`, checked against the units pint knows."""
Quantity = Annotated[
    QuantityValue,
    PlainValidator(_quantity),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}]}),
]
"""A number with an optional unit after it, such as `9.8 m/s²`, `72 km/h` or `0.05`."""

_ONE_VALUE = {"anyOf": [{"type": "number"}, {"type": "string"}]}
Given = Annotated[
    QuantityValue,
    PlainValidator(given_value(_quantity)),
    WithJsonSchema(
        {
            "anyOf": [
                *_ONE_VALUE["anyOf"],
                {"type": "array", "items": _ONE_VALUE, "minItems": 1, "maxItems": MAX_CHOICES},
                {
                    "type": "object",
                    "properties": {"from": _ONE_VALUE, "to": _ONE_VALUE, "step": _ONE_VALUE},
                    "required": ["from", "to", "step"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]
"""A value as `Quantity` takes it (`9.8 m/s²`), or one each version draws: from a list, `[2 s, 3 s, 4 s]`,
or a range, `{from: 10 m, to: 50 m, step: 5 m}` (see Versions). Without `--variants` it is the list's
first value or the range's `from`."""

MAX_CONDITIONS = 20
"""Conditions one exercise, or the lesson, may set on the values its versions draw."""

LocalValues = dict[Symbol, Given]
"""Symbols and their values, e.g. `{ε: 0.01, T: 200}` or `{v: 72 km/h}`, for text to print as `{=ε * T^2}`."""

MAX_LOCAL_VALUES = 12
"""Values one card, question or item may give its own text under `given:`."""

MAX_LESSON_VALUES = 100
"""Values a lesson may give all its text under `values:`."""


class Model(BaseModel):
    """Shared settings: frozen, unknown keys refused, field docstrings become the documentation."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", use_attribute_docstrings=True, hide_input_in_errors=True
    )


class NumberFormatting(Model):
    """How a number is printed: the keys any value, column or answer that prints a number shares."""

    decimals: int | None = Field(default=None, ge=0, le=MAX_DECIMALS)
    """Print with exactly this many decimals, keeping zeros (`1050.00`); rounded half away from zero."""
    significant: int | None = Field(default=None, ge=1, le=MAX_SIGNIFICANT)
    """Print with this many significant figures, keeping zeros (`1.20`); with neither this nor
    `decimals`, exactly (or to 6 figures when the value cannot be exact, such as 1/3)."""
    thousands: Flag = False
    """With `true`, group the digits before the decimal point in threes: `1,157.63`."""
    scientific: Flag | None = None
    """`true`: always print in scientific notation (1.2 times 10⁶); `false`: never; not given: only for
    values of 10¹² or more or under 10⁻⁶ (see `scientific_above` and `scientific_below`)."""
    scientific_above: int | None = Field(default=None, ge=1, le=MAX_EXPONENT)
    """Print values of 10 to this power or more in scientific notation, e.g. `6`; default 12."""
    scientific_below: int | None = Field(default=None, ge=-MAX_EXPONENT, le=-1)
    """Print values under 10 to this (negative) power in scientific notation, e.g. `-3`; default -6; not used
    with `decimals`, which already say how small a value may show."""

    @model_validator(mode="after")
    def _consistent(self) -> NumberFormatting:
        """Refuse settings that contradict each other, saying which to keep."""
        if self.decimals is not None and self.significant is not None:
            raise ValueError("give either `decimals` or `significant`, not both")
        bounds = self.scientific_above is not None or self.scientific_below is not None
        if self.scientific is not None and bounds:
            raise ValueError(
                "`scientific_above` and `scientific_below` apply only without `scientific`: "
                "remove one or the other"
            )
        return self

    @property
    def number_format(self) -> NumberFormat:
        """The settings as the formatter takes them."""
        return NumberFormat(
            decimals=self.decimals,
            significant=self.significant,
            thousands=self.thousands,
            scientific=self.scientific,
            above=SCIENTIFIC_ABOVE if self.scientific_above is None else self.scientific_above,
            below=SCIENTIFIC_BELOW if self.scientific_below is None else self.scientific_below,
        )


NUMBER_FORMAT_KEYS = frozenset(NumberFormatting.model_fields)
"""Keys a part of a lesson has for formatting its numbers; the key tables list them after its own keys."""


class Exercise(Model):
    """What every exercise has: a title, a time hint, instructions and the key's discussion."""

    kind: str
    """Says what kind of exercise this is; each kind narrows it to its own name."""
    title: Text = Field(max_length=MAX_TITLE)
    """Heading of the exercise, e.g. `Try it yourself, part 1: compute the bound`; at most 200 characters."""
    minutes: int | None = Field(default=None, ge=1, le=600)
    """Time hint in minutes, printed as "about 5 minutes"."""
    materials: Text | None = Field(default=None, max_length=MAX_LINE)
    """What the student needs, printed before the time hint: "Pen and paper, about 5 minutes."; at most 200
    characters."""
    instructions: Markdown | None = None
    """What the student is asked to do, shown on the worksheet and the key."""
    discussion: Markdown | None = None
    """What the answers show; printed in the answer key only, after the answers."""
    lines: int = Field(default=0, ge=0, le=40)
    """Ruled lines at the end of the exercise on the worksheet, for a written conclusion (0 for none)."""
    points: Points | None = None
    """What the exercise is worth, e.g. `4` or `2.5` (halves allowed, at most 100): printed beside its
    title and in the worksheet's grading table. When its parts give points too, they must add up to this
    (see Points and grading)."""

    parts: ClassVar[str] = ""
    """The key listing the parts that may carry their own `points`, to point at one that lacks them."""
    parts_said: ClassVar[str] = "the points of its `{parts}`"
    """How a message names the parts' points; `{parts}` is the key above, `{count}` how many parts."""
    conditions: list[Condition] = Field(default_factory=list, max_length=MAX_CONDITIONS)
    """What the values each version draws must satisfy, e.g. `h >= 2 * t` or `d is whole`: comparisons
    (`<`, `<=`, `>`, `>=`, `=`, `≠`) of formulas of the lesson's values, this exercise's given values and
    the symbols of its answers, or `x is whole`. A version draws again until all hold (see Versions)."""

    def answer_symbols(self) -> frozenset[str]:
        """Name the answers the worksheet must not print: only the key's `discussion` may use them."""
        return frozenset()

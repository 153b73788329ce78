"""The building blocks of the lesson format: checked field types, the base model, what every exercise has."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from studygen.formulas import FormulaError, parse
from studygen.formulas.limits import MAX_EXPONENT, PRECISION, check_magnitude
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


def _language(value: str) -> str:
    """Accept a BCP 47 language tag such as `en`, `de` or `pt-BR`."""
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise ValueError(f"{quoted(value)} is not a language tag: use one such as `en`, `de` or `pt-BR`")
    return value


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
LocalValues = dict[Symbol, Number]
"""Symbols and their numbers, e.g. `{ε: 0.01, T: 200}`, for text to print as `{=ε * T^2}`."""

MAX_LOCAL_VALUES = 12
"""Values one card, question or item may give its own text under `given:`."""

MAX_LESSON_VALUES = 100
"""Values a lesson may give all its text under `values:`."""


class Model(BaseModel):
    """Shared settings: frozen, unknown keys refused, field docstrings become the documentation."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", use_attribute_docstrings=True, hide_input_in_errors=True
    )


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

    def answer_symbols(self) -> frozenset[str]:
        """Name the answers the worksheet must not print: only the key's `discussion` may use them."""
        return frozenset()

"""The lesson format: typed, frozen models that validate a lesson and document every key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from studygen.errors import quoted
from studygen.formulas import FormulaError, parse
from studygen.formulas.limits import MAX_EXPONENT, PRECISION, check_magnitude

MAX_TITLE = 200
"""Characters a lesson's or an exercise's title may hold: three lines of the title block at most."""

MAX_SHORT_TITLE = 70
"""Characters of the title that card headers and page headers print; a longer title ends in `…` there."""

MAX_LINE = 200
"""Characters of one-line facts (subject, author, materials): two lines under the title at most."""

MAX_SOURCE = 400
"""Characters of a lesson's `source`, web addresses included (they print in full on paper)."""

MAX_OPTION_LABEL = 80
"""Characters an option's label may hold: beside its tick box, wrapping onto a second line at most."""

MAX_COLUMN_LABEL = 80
"""Characters a column heading may hold before its formula: up to six columns share the page's width."""

MAX_CARD_QUESTION = 400
"""Characters a flashcard question may hold and still print large on half a page."""

MAX_CARD_ANSWER = 900
"""Characters a flashcard answer may hold and still fit half a page at a readable size."""


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


def _language(value: str) -> str:
    """Accept a BCP 47 language tag such as `en`, `de` or `pt-BR`."""
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise ValueError(f"{quoted(value)} is not a language tag: use one such as `en`, `de` or `pt-BR`")
    return value


@dataclass(frozen=True)
class IsMarkdown:
    """Marks a field's type as markdown: the checks that read markdown (images, nesting) select on it."""

    one_paragraph: bool = False


Text = Annotated[str, AfterValidator(_text)]
"""Plain text, printed as written."""

Markdown = Annotated[str, AfterValidator(_markdown), IsMarkdown()]
"""Text with markdown: `*emphasis*`, `**bold**`, `` `code` ``, lists, paragraphs; raw HTML shows as text."""
InlineMarkdown = Annotated[str, AfterValidator(_inline), IsMarkdown(one_paragraph=True)]
"""Markdown that prints as one paragraph: emphasis, code, links and images, but no lists or blank lines."""

Symbol = Annotated[str, AfterValidator(_symbol)]
Slug = Annotated[str, AfterValidator(_slug)]
FormulaText = Annotated[str, AfterValidator(_formula)]
Language = Annotated[str, AfterValidator(_language)]
Number = Annotated[Decimal, BeforeValidator(_number_text), AfterValidator(_number)]
"""An exact decimal number such as `0.05` or `1000`, with at most 28 significant digits, below 10¹⁰⁰."""


class Model(BaseModel):
    """Shared settings: frozen, unknown keys refused, field docstrings become the documentation."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", use_attribute_docstrings=True, hide_input_in_errors=True
    )


class Question(Model):
    """A self-check question and its model answer."""

    question: Markdown
    """The question as the student reads it."""
    answer: Markdown
    """The model answer, printed on the answers pages after the last question."""
    lines: int = Field(default=4, ge=0, le=30)
    """Ruled lines left under the question for the student's answer (0 for none)."""


class SelfCheck(Model):
    """Short questions the student answers alone; the model answers come on later pages."""

    intro: Markdown | None = None
    """Text shown above the first question: how to use the self-check."""
    questions: list[Question] = Field(min_length=1, max_length=200)
    """The questions, numbered 1, 2, … in this order on both the questions and the answers pages."""


class Exercise(Model):
    """What every exercise has: a title, a time hint, instructions and the key's discussion."""

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


class Row(Model):
    """The parameter that changes from row to row of a computed table."""

    symbol: Symbol
    """The symbol formulas use for it, e.g. `T`."""
    values: list[Number] = Field(min_length=1, max_length=100)
    """One row per value, in this order, e.g. `[50, 200, 1000]`."""


class Column(Model):
    """One computed column of a table: a heading and the formula that fills it."""

    label: Text = Field(max_length=MAX_COLUMN_LABEL)
    """Column heading, e.g. `BC`; the heading prints as `BC = ε · T²`; at most 80 characters."""
    formula: FormulaText
    """The formula: numbers, symbols, `+ - * / ^`, parentheses and a few functions (see Formulas)."""
    decimals: int | None = Field(default=None, ge=0, le=12)
    """Print answers with exactly this many decimals (rounded half up)."""
    significant: int | None = Field(default=None, ge=1, le=15)
    """Print answers with this many significant figures; with neither this nor `decimals`, exactly."""

    @model_validator(mode="after")
    def _one_format(self) -> Column:
        """Refuse a column that asks for both decimals and significant figures."""
        if self.decimals is not None and self.significant is not None:
            raise ValueError("give either `decimals` or `significant`, not both")
        return self


class ComputedTable(Exercise):
    """A table whose answers are computed from formulas: students fill the cells, the key shows the work."""

    kind: Literal["computed-table"]
    """Says what kind of exercise this is."""
    given: dict[Symbol, Number] = Field(default_factory=dict)
    """Values that stay the same in every row, e.g. `{ε: 0.05}`; printed above the table as `ε = 0.05`."""
    rows: Row
    """The parameter that changes from row to row and its values."""
    columns: list[Column] = Field(min_length=1, max_length=6)
    """The computed columns, left to right."""
    prompt: InlineMarkdown | None = None
    """One line above the table saying what to fill in."""


class Option(Model):
    """One answer a student can tick in a choice exercise."""

    id: Slug
    """Short id that items use as their `answer`, e.g. `adequate`."""
    label: Text = Field(max_length=MAX_OPTION_LABEL)
    """What the tick box says, e.g. `Adequate`; at most 80 characters, and a long one wraps."""


class ChoiceItem(Model):
    """One scenario or statement the student classifies."""

    prompt: Markdown
    """The scenario or statement."""
    answer: Slug
    """The `id` of the correct option, or `none` when no option applies (a trick item)."""
    verdict: InlineMarkdown | None = None
    """How the key states the answer, e.g. `Adequate (probably).`; by default the option's label."""
    reason: InlineMarkdown | None = None
    """Why: printed in the key after the verdict."""


class Choice(Exercise):
    """A classification exercise: each item gets one of a few options, and a reason."""

    kind: Literal["choice"]
    """Says what kind of exercise this is."""
    options: list[Option] = Field(min_length=2, max_length=8)
    """The options every item offers, as tick boxes."""
    items: list[ChoiceItem] = Field(min_length=1, max_length=100)
    """The items to classify, numbered in this order."""
    reason_lines: int = Field(default=2, ge=0, le=10)
    """Ruled lines left under each item for the student's reason (0 for none)."""


AnyExercise = Annotated[ComputedTable | Choice, Field(discriminator="kind")]

EXERCISE_KINDS = ("computed-table", "choice")
"""Values `kind` may take, in the order the documentation lists them."""


class Flashcard(Model):
    """A card: the question on the front, the answer on the back."""

    question: InlineMarkdown = Field(max_length=MAX_CARD_QUESTION)
    """Front of the card; at most 400 characters, so it prints large."""
    answer: Markdown = Field(max_length=MAX_CARD_ANSWER)
    """Back of the card; at most 900 characters, so it fits half a sheet."""


class Lesson(Model):
    """A lesson: its metadata, self-check, exercises and flashcards."""

    title: Text = Field(max_length=MAX_TITLE)
    """Title printed on every document and in the PDF metadata; at most 200 characters. Card and page
    headers print its first 70 characters, ending in `…` if it is longer."""
    subject: Text | None = Field(default=None, max_length=MAX_LINE)
    """The subject or course, e.g. `Reinforcement learning`; printed under the title and in the PDF; at
    most 200 characters."""
    author: Text | None = Field(default=None, max_length=MAX_LINE)
    """Who wrote the lesson; printed under the title and in the PDF metadata; at most 200 characters."""
    source: InlineMarkdown | None = Field(default=None, max_length=MAX_SOURCE)
    """Where the material comes from (a book, a course, a web page); printed small under the title; at
    most 400 characters."""
    language: Language = "en"
    """Language of the lesson as a BCP 47 tag (`en`, `de`, `pt-BR`); recorded as the PDF's language."""
    intro: Markdown | None = None
    """Text shown at the top of the worksheet, before the exercises."""
    self_check: SelfCheck | None = None
    """Short questions with model answers: the self-check handout."""
    exercises: list[AnyExercise] = Field(default_factory=list, max_length=50)
    """Exercises for the worksheet and its answer key, in this order."""
    flashcards: list[Flashcard] = Field(default_factory=list, max_length=2000)
    """Cards for the flashcard deck, in this order."""

    @property
    def short_title(self) -> str:
        """The title as card and page headers print it: whole, or cut at a word and ended with `…`."""
        return shortened(self.title, MAX_SHORT_TITLE)


def shortened(text: str, limit: int) -> str:
    """Shorten text to at most limit characters, at a word where one is near, ending in `…`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a word boundary not too far back; else cut inside the (very long) word
        cut = cut[:space]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "…"  # no dangling dash or comma before the ellipsis

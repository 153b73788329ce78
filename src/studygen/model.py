"""The lesson format: typed, frozen models that validate a lesson and document every key."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from studygen.cards import CARD_SIZES, LAYOUTS, card_size
from studygen.conditions import Condition
from studygen.fields import (
    MAX_CONDITIONS,
    MAX_LESSON_VALUES,
    MAX_LINE,
    MAX_LOCAL_VALUES,
    MAX_TITLE,
    InlineMarkdown,
    Language,
    LocalValues,
    Markdown,
    Model,
    Slug,
    Text,
)
from studygen.kinds import AnyExercise

MAX_SOURCE = 400
"""Characters of a lesson's `source`, web addresses included (they print in full on paper)."""

# Card caps follow from what fits, measured by tests/benchmarks/card_capacity.py: the seed's own card
# text, repeated, laid out by the stock fold layout at the smallest size text may shrink to
# (studygen.fit), on the smaller of the papers fold prints (letter: 139.7 mm halves). There 1,948
# characters of question fit at 10 pt and 3,595 of answer at 8 pt; each cap is four fifths of that,
# rounded down to 50, so text under the cap fits even with wider letters, long words or markdown.
# Text under the cap can still fail on a smaller card or with many short lines: the build says so.
MAX_CARD_QUESTION = 1550
"""Characters a flashcard question may hold and still fit half a letter page at 10 pt."""

MAX_CARD_ANSWER = 2850
"""Characters a flashcard answer may hold and still fit half a letter page at 8 pt."""

MAX_CARDS = 10_000
"""Cards one lesson's deck may hold. It protects the machine, not the paper: a big deck renders in
parts with flat memory, and 10,000 cards take minutes on two cores (docs/performance.md)."""


def _card_layout(value: str) -> str:
    """Accept the name of a card layout."""
    if value not in LAYOUTS:
        raise ValueError(f"'{value}' is not a card layout: choose one of {', '.join(LAYOUTS)}")
    return value


def _card_size(value: str) -> str:
    """Accept a card size `--card-size` would accept; the message says which ones are."""
    card_size(value)
    return value


CardLayout = Annotated[str, AfterValidator(_card_layout), Field(json_schema_extra={"enum": list(LAYOUTS)})]
CardSizeName = Annotated[
    str, AfterValidator(_card_size), Field(json_schema_extra={"examples": [*CARD_SIZES, "90x55mm"]})
]


class Question(Model):
    """A self-check question and its model answer."""

    question: Markdown
    """The question as the student reads it."""
    answer: Markdown
    """The model answer, printed on the answers pages after the last question."""
    lines: int = Field(default=4, ge=0, le=30)
    """Ruled lines left under the question for the student's answer (0 for none)."""
    given: LocalValues = Field(default_factory=dict, max_length=MAX_LOCAL_VALUES)
    """Values only this question's text prints, e.g. `{ε: 0.01, T: 200}` for `{=ε * T^2}` (see Values in
    text); not printed by themselves."""


class SelfCheck(Model):
    """Short questions the student answers alone; the model answers come on later pages."""

    intro: Markdown | None = None
    """Text shown above the first question: how to use the self-check."""
    questions: list[Question] = Field(min_length=1, max_length=200)
    """The questions, numbered 1, 2, … in this order on both the questions and the answers pages."""


class Flashcard(Model):
    """A card: the question on the front, the answer on the back."""

    question: InlineMarkdown = Field(max_length=MAX_CARD_QUESTION)
    """Front of the card; at most 1,550 characters. Long text prints smaller to fit, down to 10 pt."""
    answer: Markdown = Field(max_length=MAX_CARD_ANSWER)
    """Back of the card; at most 2,850 characters. Long text prints smaller to fit, down to 8 pt."""
    id: Slug | None = None
    """Names the card for `studygen export`, e.g. `dagger-cost`: Anki keeps a card's learning history
    under it, so its question can be reworded without starting over. Each card's id must differ. Without
    one, the card is known by its question (see docs/exports.md)."""
    given: LocalValues = Field(default_factory=dict, max_length=MAX_LOCAL_VALUES)
    """Values only this card's text prints, e.g. `{ε: 0.01, T: 200}` for `{=ε * T^2}` (see Values in
    text); not printed by themselves."""


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
    """Language of the lesson as a BCP 47 tag (`en`, `de`, `fr-CA`): studygen prints its own words (Name,
    Page 1 of 2) and its numbers (1.234,5) in it, and records it as the PDF's language. Shipped: en, de,
    fr, es; any other prints studygen's words in English, with a warning (see docs/languages.md)."""
    values: LocalValues = Field(default_factory=dict, max_length=MAX_LESSON_VALUES)
    """Values any text of the lesson can print, e.g. `{P: 1000, r: 0.05}` for `{=P * (1 + r)^2}` (see
    Values in text); at most 100. Each version may draw a value from a list or range (see Versions)."""
    conditions: list[Condition] = Field(default_factory=list, max_length=MAX_CONDITIONS)
    """What the lesson's `values:` must satisfy in every version, e.g. `a > b` (see Versions); the values
    as written must satisfy them too."""
    intro: Markdown | None = None
    """Text shown at the top of the worksheet, before the exercises."""
    self_check: SelfCheck | None = None
    """Short questions with model answers: the self-check handout."""
    exercises: list[AnyExercise] = Field(default_factory=list, max_length=50)
    """Exercises for the worksheet and its answer key, in this order."""
    flashcards: list[Flashcard] = Field(default_factory=list, max_length=MAX_CARDS)
    """Cards for the flashcard deck, in this order; at most 10,000."""
    card_layout: CardLayout | None = None
    """How the deck prints unless `studygen build --cards` says otherwise: `fold` (the default: one card
    per page, folded), `duplex`, `sheet`, `fronts`, `backs` or `list` (see docs/flashcards.md)."""
    card_size: CardSizeName | None = None
    """The card size unless `--card-size` says otherwise: `a6`, `a7`, `index-3x5`, `index-4x6`, `business`, or
    width x height such as `90x55mm`, `3.5x2in` or `9x5.5cm`."""
    templates: str | None = Field(default=None, min_length=1, max_length=MAX_LINE)
    """A folder beside the lesson whose templates and `theme.css` restyle its documents (a theme, see
    docs/themes.md), e.g. `theme/`; it must be inside the lesson's folder. Its files come before
    `build --templates` and the stock look; at most 200 characters."""

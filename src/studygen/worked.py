"""The worked lesson: the typed, print-ready view of a lesson that templates lay out.

Every answer, step, tick, label and number in it is already decided by the compute stage, so a
template only arranges what it is given and a worksheet and its key can never disagree. Theme writers
program against these types; each exercise kind adds its own `body` type (see `studygen.kinds`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studygen.formulas.units import Quantity
    from studygen.model import Flashcard, SelfCheck


@dataclass(frozen=True)
class WorkedPoints:
    """What an exercise, a part or the whole lesson is worth, as a number and as printed."""

    value: Decimal
    """The points, exact: `Decimal("1.5")`; an export's grade reads this."""
    number: str
    """The number as printed, `1.5` or `2`, for the grading table's cells."""
    label: str
    """The points as printed beside a title or an item: "1 point", "1.5 points"."""


@dataclass(frozen=True)
class GradingRow:
    """One exercise in the worksheet's grading table."""

    number: int
    """The exercise's number: 1 for the first exercise of the lesson, with or without points."""
    points: WorkedPoints


@dataclass(frozen=True)
class Grading:
    """The grading table on page 1 of the worksheet, and the words it and the name fields print."""

    rows: tuple[GradingRow, ...]
    """The exercises that give points, in the lesson's order; exercises without points are left out."""
    total: WorkedPoints
    """What the whole lesson is worth."""
    exercise_label: str
    """Heads the row of exercise numbers: "Exercise"."""
    points_label: str
    """Heads the row of points: "Points"."""
    score_label: str
    """Heads the row of empty score boxes, and names the score field: "Score"."""
    total_label: str
    """Heads the total's column: "Total"."""
    class_label: str
    """Names the class field beside the name: "Class"."""
    key_total: str
    """How the key states the total: "Total: 20 points"."""
    numbered: bool
    """Whether headings print each exercise's number before its title, as the table names them: True
    unless every title already starts with its number (`1. Five years`)."""


@dataclass(frozen=True)
class WorkedBody:
    """What one kind of exercise prints between its instructions and its closing lines."""

    def answer_values(self) -> Mapping[str, Quantity]:
        """Return the answers by symbol, as the key prints them, for the key-only discussion to print."""
        return {}

    def part_points(self) -> tuple[WorkedPoints | None, ...]:
        """Return the points of each part (question, statement, pair…) in order; () without parts."""
        return ()


@dataclass(frozen=True)
class WorkedExercise:
    """An exercise ready to print: what every kind shares, and its kind's own body."""

    number: int
    """1 for the first exercise of the lesson."""
    kind: str
    """The exercise's `kind`, also the CSS class of its section."""
    template: str
    """The template that lays out `body`, from the kinds registry."""
    title: str
    time_hint: str | None
    """The line under the title, e.g. "Pen and paper, about 5 minutes.", or None."""
    instructions: str | None
    """Markdown."""
    discussion: str | None
    """Markdown, printed in the answer key only."""
    lines: int
    """Ruled lines at the end of the exercise on the worksheet."""
    body: WorkedBody
    points: WorkedPoints | None = None
    """What the exercise is worth, given or added up from its parts; None when it gives no points."""


@dataclass(frozen=True)
class WorkedLesson:
    """A whole lesson ready to print: its metadata, exercises, self-check and cards."""

    title: str
    short_title: str
    """The title as card and page headers print it: whole, or cut at a word and ended with `…`."""
    subject: str | None
    author: str | None
    source: str | None
    """One-paragraph markdown."""
    language: str
    intro: str | None
    """Markdown."""
    exercises: tuple[WorkedExercise, ...]
    self_check: SelfCheck | None
    flashcards: tuple[Flashcard, ...]
    points: WorkedPoints | None = None
    """What the lesson is worth, all its exercises' points added up; None when no exercise gives points."""
    grading: Grading | None = None
    """The worksheet's grading table; None when no exercise gives points, and then none of it prints."""

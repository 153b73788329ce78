"""The worked lesson: the typed, print-ready view of a lesson that templates lay out.

Every answer, step, tick, label and number in it is already decided by the compute stage, so a
template only arranges what it is given and a worksheet and its key can never disagree. Theme writers
program against these types; each exercise kind adds its own `body` type (see `studygen.kinds`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studygen.formulas.units import Quantity
    from studygen.model import Flashcard, SelfCheck


@dataclass(frozen=True)
class WorkedBody:
    """What one kind of exercise prints between its instructions and its closing lines."""

    def answer_values(self) -> Mapping[str, Quantity]:
        """Return the answers by symbol, as the key prints them, for the key-only discussion to print."""
        return {}


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

"""The true/false exercise: statements to judge, each ticked and explained in the key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from studygen.fields import Exercise, Flag, InlineMarkdown, Markdown, Model
from studygen.keys import LessonProblem, Path_
from studygen.kinds import words
from studygen.kinds.base import Kind
from studygen.kinds.choice import TickBox
from studygen.worked import WorkedBody


class Statement(Model):
    """One statement the student judges true or false."""

    statement: Markdown
    """The statement, e.g. `A heavier ball falls faster.`"""
    answer: Flag
    """Whether the statement is true: `true` or `false`."""
    explanation: InlineMarkdown | None = None
    """Why, in one paragraph: printed in the key after the verdict."""


class TrueFalse(Exercise):
    """Statements to judge true or false, with tick boxes; the key ticks each and can explain it."""

    kind: Literal["true-false"]
    """Says what kind of exercise this is."""
    statements: list[Statement] = Field(min_length=1, max_length=100)
    """The statements, numbered in this order."""


@dataclass(frozen=True)
class WorkedStatement:
    """One statement ready to print: its tick boxes, and the key's verdict and explanation."""

    statement: str
    """Markdown."""
    boxes: tuple[TickBox, ...]
    """The "True" and "False" boxes; on the worksheet neither is ticked."""
    verdict: str
    """Plain text stating the answer: "True." or "False."."""
    explanation: str | None
    """One-paragraph markdown."""


@dataclass(frozen=True)
class WorkedTrueFalse(WorkedBody):
    """A true/false exercise with every statement's answer decided."""

    statements: tuple[WorkedStatement, ...]


def work_true_false(exercise: TrueFalse, path: Path_, problems: list[LessonProblem]) -> WorkedTrueFalse:
    """Decide each statement's ticks and verdict (the model has checked everything already)."""
    return WorkedTrueFalse(
        tuple(
            WorkedStatement(
                statement=item.statement,
                boxes=(TickBox(words.TRUE, item.answer), TickBox(words.FALSE, not item.answer)),
                verdict=f"{words.TRUE if item.answer else words.FALSE}.",
                explanation=item.explanation,
            )
            for item in exercise.statements
        )
    )


KIND = Kind(
    "true-false",
    TrueFalse,
    work_true_false,
    "kinds/true-false.html",
    (("`statements[]` of a true-false exercise", Statement),),
)
"""The true/false exercise's entry in the kinds registry."""

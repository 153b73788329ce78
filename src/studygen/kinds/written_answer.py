"""The written answer: questions with room to write on the worksheet and a model answer in the key."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from studygen.fields import MAX_LOCAL_VALUES, Exercise, InlineMarkdown, LocalValues, Markdown, Model, Points
from studygen.keys import LessonProblem, Path_
from studygen.kinds import words
from studygen.kinds.base import Kind
from studygen.kinds.points import given_points
from studygen.language import gettext
from studygen.worked import WorkedBody, WorkedPoints

Space = Literal["lines", "dotted", "box", "grid"]

LINE_MM = Decimal("8.5")
"""The height of one ruled line (the `.rule` style): `size` counts these, for boxes and grids too."""

MAX_SIZE = 20
"""The most room one question may ask for, in lines: 170 mm, so a question of at most 600 characters
and its room fit on one page, A4 or letter."""


class Question(Model):
    """One question, the room to answer it on the worksheet, and its model answer in the key."""

    question: Markdown = Field(max_length=600)
    """The question, e.g. `Why does a feather fall more slowly than a hammer?`; longer context belongs
    in the exercise's `instructions`."""
    answer: Markdown = Field(max_length=3000)
    """The model answer, printed in the key where the worksheet leaves room."""
    marking: InlineMarkdown | None = Field(default=None, max_length=500)
    """A note for whoever marks, printed in the key under the model answer, e.g. `1 mark for drag.`"""
    space: Space | None = None
    """This question's room, if not the exercise's `space`."""
    size: int | None = Field(default=None, ge=1, le=MAX_SIZE)
    """This question's room in lines, if not the exercise's `size`."""
    points: Points | None = None
    """What this question is worth, e.g. `2`; printed beside it (see Points and grading)."""
    given: LocalValues = Field(default_factory=dict, max_length=MAX_LOCAL_VALUES)
    """Values only this question's text prints, e.g. `{ε: 0.01, T: 200}` for `{=ε * T^2}` (see Values in
    text); not printed by themselves."""


class WrittenAnswer(Exercise):
    """Short-answer questions: room to write on the worksheet, model answers in the key."""

    kind: Literal["written-answer"]
    """Says what kind of exercise this is."""
    parts: ClassVar[str] = "questions"
    questions: list[Question] = Field(min_length=1, max_length=30)
    """The questions, numbered in this order."""
    space: Space = "lines"
    """The room under each question: ruled `lines`, `dotted` lines, an empty `box` or a squared `grid`."""
    size: int = Field(default=4, ge=1, le=MAX_SIZE)
    """How much room, in lines of 8.5 mm (a box or grid is that tall): at most 20."""


@dataclass(frozen=True)
class WorkedQuestion:
    """One question ready to print: its room on the worksheet, its model answer and note in the key."""

    question: str
    """Markdown."""
    answer: str
    """Markdown: the model answer."""
    marking: str | None
    """One-paragraph markdown, or None."""
    space: str
    """`lines`, `dotted`, `box` or `grid`: the room's CSS class is `room-` and this."""
    lines: int
    """How many ruled or dotted lines to print (0 for a box or grid)."""
    height_mm: str
    """The room's height in millimetres, e.g. `34`."""
    points: WorkedPoints | None = None
    """What this question is worth, or None."""


@dataclass(frozen=True)
class WorkedWrittenAnswer(WorkedBody):
    """Written-answer questions with their room decided."""

    questions: tuple[WorkedQuestion, ...]
    """The questions, numbered 1, 2, … in this order."""
    marking_label: str
    """The word before a marking note: "Marking"."""

    def part_points(self) -> tuple[WorkedPoints | None, ...]:
        """Return each question's points."""
        return tuple(question.points for question in self.questions)


def work_written(exercise: WrittenAnswer, path: Path_, problems: list[LessonProblem]) -> WorkedWrittenAnswer:
    """Decide each question's room (the model has checked everything already)."""
    return WorkedWrittenAnswer(
        tuple(_work_question(question, exercise) for question in exercise.questions), gettext(words.MARKING)
    )


def _work_question(question: Question, exercise: WrittenAnswer) -> WorkedQuestion:
    """Decide one question's room: its own space and size, or the exercise's."""
    space = question.space or exercise.space
    size = question.size or exercise.size
    return WorkedQuestion(
        question=question.question,
        answer=question.answer,
        marking=question.marking,
        space=space,
        lines=size if space in ("lines", "dotted") else 0,
        height_mm=format(LINE_MM * size, "f"),
        points=given_points(question.points),
    )


KIND = Kind(
    "written-answer",
    WrittenAnswer,
    work_written,
    "kinds/written-answer.html",
    (("`questions[]` of a written-answer exercise", Question),),
)
"""The written answer's entry in the kinds registry."""

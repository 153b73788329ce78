"""The multiple-choice exercise: questions with lettered options, one or several of them correct."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import Field

from studygen.fields import (
    MAX_LOCAL_VALUES,
    Exercise,
    Flag,
    InlineMarkdown,
    LocalValues,
    Markdown,
    Model,
    Points,
)
from studygen.keys import LessonProblem, Path_
from studygen.kinds import words
from studygen.kinds.base import Kind
from studygen.kinds.points import given_points
from studygen.language import gettext
from studygen.wording import quoted
from studygen.worked import WorkedBody, WorkedPoints

MAX_OPTIONS = 8
"""Options one question may offer: lettered A to H, they fit on one page with the question."""


class MultipleChoiceOption(Model):
    """One answer a student can tick under a multiple-choice question."""

    text: InlineMarkdown = Field(max_length=400)
    """What the option says, e.g. `It doubles.`; printed after its letter (A, B, C… in this order)."""
    correct: bool = False
    """`true` on each right option; the others may leave it out."""
    explanation: InlineMarkdown | None = Field(default=None, max_length=600)
    """Why the option is right or wrong; printed under it in the answer key only."""


class MultipleChoiceQuestion(Model):
    """One question of a multiple-choice exercise and its options."""

    prompt: Markdown = Field(max_length=2000)
    """The question."""
    options: list[MultipleChoiceOption] = Field(min_length=2, max_length=MAX_OPTIONS)
    """The options, lettered A, B, C… in this order (each version of `--variants` shuffles them, unless
    `shuffle: false`). With several correct ones the worksheet prints "Choose all that apply."."""
    given: LocalValues = Field(default_factory=dict, max_length=MAX_LOCAL_VALUES)
    """Values only this question's prompt and options print, e.g. `{t: 2}` for `{=4.9 * t^2} m` (see
    Values in text); not printed by themselves."""
    points: Points | None = None
    """What this question is worth, e.g. `1`; printed beside it (see Points and grading)."""
    shuffle: Flag | None = None
    """`false` keeps this question's options in the order written in every version, e.g. when its last
    option is "All of the above"; not given: as the exercise's `shuffle` says."""


class MultipleChoice(Exercise):
    """Questions with lettered options to tick; the key ticks the right ones and can explain each."""

    kind: Literal["multiple-choice"]
    """Says what kind of exercise this is."""
    parts: ClassVar[str] = "questions"
    questions: list[MultipleChoiceQuestion] = Field(min_length=1, max_length=50)
    """The questions, numbered in this order."""
    shuffle: Flag = True
    """Each version built with `--variants` prints the options in its own order, the key's letters
    following; `false` keeps them as written in every version. A build without `--variants` always
    prints them as written."""


@dataclass(frozen=True)
class WorkedOption:
    """One option ready to print: its letter, its text, whether the key ticks it, and why."""

    letter: str
    """`A` for the first option."""
    text: str
    """One-paragraph markdown."""
    correct: bool
    """The key ticks this option; the worksheet ticks nothing."""
    explanation: str | None
    """One-paragraph markdown, printed under the option in the key only."""


@dataclass(frozen=True)
class WorkedQuestion:
    """One question ready to print: prompt, the note on how many to choose, options and stated answer."""

    prompt: str
    """Markdown."""
    several: bool
    """More than one option is correct: the boxes are square, and `note` says to choose all."""
    note: str | None
    """"Choose all that apply." when several options are correct, else None."""
    options: tuple[WorkedOption, ...]
    """The options, lettered A, B, C… in the lesson's order."""
    answer: str
    """How the key states the answer, e.g. "Answer: B, D"."""
    points: WorkedPoints | None = None
    """What this question is worth, or None."""


@dataclass(frozen=True)
class WorkedMultipleChoice(WorkedBody):
    """A multiple-choice exercise with every question's right options decided."""

    questions: tuple[WorkedQuestion, ...]
    """The questions, numbered 1, 2, … in this order."""

    def part_points(self) -> tuple[WorkedPoints | None, ...]:
        """Return each question's points."""
        return tuple(question.points for question in self.questions)


def work_multiple_choice(
    exercise: MultipleChoice, path: Path_, problems: list[LessonProblem]
) -> WorkedMultipleChoice | None:
    """Check each question's options and letter them, deciding the key's ticks and stated answer."""
    found = len(problems)
    for number, question in enumerate(exercise.questions):
        _check_question(question, (*path, "questions", number), problems)
    if len(problems) > found:
        return None
    return WorkedMultipleChoice(tuple(_work_question(question) for question in exercise.questions))


def _work_question(question: MultipleChoiceQuestion) -> WorkedQuestion:
    """Letter a question's options and state its answer."""
    options = tuple(
        WorkedOption(letter, option.text, option.correct, option.explanation)
        for letter, option in zip(words.LETTERS, question.options, strict=False)
    )
    right = [option.letter for option in options if option.correct]
    several = len(right) > 1
    return WorkedQuestion(
        prompt=question.prompt,
        several=several,
        note=gettext(words.CHOOSE_ALL) if several else None,
        options=options,
        answer=gettext(words.STATED_ANSWER).format(answers=", ".join(right)),
        points=given_points(question.points),
    )


def _check_question(question: MultipleChoiceQuestion, path: Path_, problems: list[LessonProblem]) -> None:
    """Check that a question has a correct option and no two options say the same."""
    if not any(option.correct for option in question.options):
        problems.append(
            LessonProblem(
                (*path, "options"),
                "no option is marked correct: add `correct: true` to the right option "
                "(next to its `text:`), or to each right option if there are several",
            )
        )
    seen: dict[str, str] = {}
    for number, option in enumerate(question.options):
        letter = words.LETTERS[number]
        same = " ".join(option.text.split()).casefold()
        if same in seen:
            problems.append(
                LessonProblem(
                    (*path, "options", number, "text"),
                    f"option {letter} {quoted(option.text)} repeats option {seen[same]}: "
                    "give each option its own text, or delete one",
                )
            )
        else:
            seen[same] = letter


KIND = Kind(
    "multiple-choice",
    MultipleChoice,
    work_multiple_choice,
    "kinds/multiple-choice.html",
    (
        ("`questions[]` of a multiple-choice exercise", MultipleChoiceQuestion),
        ("`questions[].options[]` of a multiple-choice exercise", MultipleChoiceOption),
    ),
)
"""The multiple-choice exercise's entry in the kinds registry."""

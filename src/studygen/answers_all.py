"""answers-all: every version's answers in one compact grid, an item per row and a version per column.

A teacher grading a stack of mixed versions reads down the column of the version on the paper in
hand. Each kind of exercise says what its items' short answers are in `ANSWERS`, one function per
worked body type; a kind without an entry (a written answer) is left out: its key has no short answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from studygen.kinds import words
from studygen.kinds.choice import WorkedChoice
from studygen.kinds.computed_table import WorkedTable
from studygen.kinds.fill_in_the_blanks import WorkedFillInTheBlanks
from studygen.kinds.matching import WorkedMatching
from studygen.kinds.multiple_choice import WorkedMultipleChoice
from studygen.kinds.numeric_problem import WorkedNumericProblem
from studygen.language import language_for
from studygen.variants import Version
from studygen.worked import WorkedBody

VERSIONS_PER_TABLE = 10
"""Version columns one table holds across a landscape page; more versions continue in a second table."""

Answers = list[tuple[str, str]]
"""An exercise's items as (label, answer): `("a", "44.1 m")`; the label is plain text, the answer
one-paragraph markdown."""

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def _text(plain: str) -> str:
    """Write plain text as markdown that prints it as it is (every ASCII punctuation mark escaped)."""
    return _PUNCTUATION.sub(r"\\\1", plain)


def _numeric(body: WorkedNumericProblem) -> Answers:
    """Each asked quantity's answer with its unit, lettered as the worksheet letters them."""
    return [
        (
            words.LETTERS[n].lower(),
            _text(f"{asked.working.answer} {asked.unit}" if asked.unit else asked.working.answer),
        )
        for n, asked in enumerate(body.asked)
    ]


def _multiple_choice(body: WorkedMultipleChoice) -> Answers:
    """Each question's right letters."""
    return [
        (str(n), ", ".join(option.letter for option in question.options if option.correct))
        for n, question in enumerate(body.questions, start=1)
    ]


def _matching(body: WorkedMatching) -> Answers:
    """All pairs in one cell: `1 → C, 2 → A`."""
    return [("", _text(", ".join(body.pairs)))]


def _choice(body: WorkedChoice) -> Answers:
    """Each item's verdict."""
    return [(str(n), item.verdict) for n, item in enumerate(body.items, start=1)]


def _blanks(body: WorkedFillInTheBlanks) -> Answers:
    """Each blank's answer."""
    return [(str(n), _text(blank.answer)) for n, blank in enumerate(body.blanks, start=1)]


def _table(body: WorkedTable) -> Answers:
    """Each row's cells, left to right: `T = 50: 125 · 250`."""
    return [
        (f"{body.symbol} = {row.value}", _text(" · ".join(cell.answer for cell in row.cells)))
        for row in body.rows
    ]


ANSWERS: dict[type[WorkedBody], Callable[[Any], Answers]] = {
    WorkedNumericProblem: _numeric,
    WorkedMultipleChoice: _multiple_choice,
    WorkedMatching: _matching,
    WorkedChoice: _choice,
    WorkedFillInTheBlanks: _blanks,
    WorkedTable: _table,
}
"""The short answers of each kind of worked body; true/false shares the choice exercise's body."""


@dataclass(frozen=True)
class AnswerRow:
    """One item's answers, version by version."""

    label: str
    """`1a`, `2.3`, or `3` for an exercise answered in one cell."""
    answers: tuple[str, ...]
    """One-paragraph markdown, one per version of the table."""


@dataclass(frozen=True)
class AnswerTable:
    """Up to VERSIONS_PER_TABLE versions side by side."""

    versions: tuple[str, ...]
    """The column headings: `V1`, `V2`, …"""
    sections: tuple[tuple[str, tuple[AnswerRow, ...]], ...]
    """Each exercise's heading (`1. Drop`) and its items' rows."""


def answers_all(versions: Sequence[Version]) -> tuple[AnswerTable, ...]:
    """Lay out every version's answers as tables of at most VERSIONS_PER_TABLE version columns."""
    return tuple(
        _table_of(versions[start : start + VERSIONS_PER_TABLE])
        for start in range(0, len(versions), VERSIONS_PER_TABLE)
    )


def _table_of(versions: Sequence[Version]) -> AnswerTable:
    """One table: each exercise with short answers, its items in rows, the versions in columns."""
    sections = []
    for exercises in zip(*(version.worked.exercises for version in versions), strict=True):
        first = exercises[0]
        read = ANSWERS.get(type(first.body))
        if read is None:
            continue
        answers = [read(exercise.body) for exercise in exercises]
        rows = tuple(
            AnswerRow(_label(first.number, label), tuple(answer[n][1] for answer in answers))
            for n, (label, _) in enumerate(answers[0])
        )
        # Teachers often number their titles themselves ("1. The dropped ball"): never "1. 1. …".
        numbered = first.title.startswith(str(first.number))
        sections.append((first.title if numbered else f"{first.number}. {first.title}", rows))
    column = language_for(versions[0].worked.language).gettext(words.VERSION_COLUMN)
    labels = tuple(column.format(number=version.number) for version in versions)
    return AnswerTable(labels, tuple(sections))


def _label(exercise: int, item: str) -> str:
    """Name an item as the key numbers it: `1a` (an asked quantity), `2.3` (a question), `4` (all of it)."""
    if not item:
        return str(exercise)
    if item.isdigit():
        return f"{exercise}.{item}"
    return f"{exercise}{item}" if len(item) == 1 else f"{exercise}: {item}"

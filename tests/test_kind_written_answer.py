"""Written answers: the room each question gets on the worksheet, and the model answer in the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from kind_helpers import doc_example, problems, write

from studygen.compute import work_out
from studygen.kinds.written_answer import WorkedWrittenAnswer
from studygen.lesson import load_lesson

LESSON = """\
title: Drag
exercises:
  - kind: written-answer
    title: Explain
    space: dotted
    questions:
      - question: Why does a feather fall slowly?
        answer: Air drag is large next to its small weight.
        marking: One mark for drag.
      - question: Sketch speed against time.
        answer: Rising, then levelling off.
        space: grid
        size: 8
"""


def worked(tmp_path: Path, text: str = LESSON) -> WorkedWrittenAnswer:
    """Load and work a lesson with one written-answer exercise; return its worked body."""
    [exercise] = work_out(load_lesson(write(tmp_path, text)).lesson)[0].exercises
    assert isinstance(exercise.body, WorkedWrittenAnswer)
    return exercise.body


def test_each_question_takes_its_own_room_or_the_exercises(tmp_path: Path) -> None:
    body = worked(tmp_path)
    first, second = body.questions
    assert (first.space, first.lines, first.height_mm) == ("dotted", 4, "34.0")
    assert (second.space, second.lines, second.height_mm) == ("grid", 0, "68.0")
    assert (first.marking, body.marking_label) == ("One mark for drag.", "Marking")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "space: dotted",
            "space: ruled",
            "5:12: exercises[0].space: expected 'lines', 'dotted', 'box' or 'grid', got 'ruled'",
        ),
        ("size: 8", "size: 40", "13:15: exercises[0].questions[1].size: must be at most 20, got '40'"),
        ("size: 8", "size: 0", "13:15: exercises[0].questions[1].size: must be at least 1, got '0'"),
        (
            "Why does a feather fall slowly?",
            "Why? " * 121,
            "7:19: exercises[0].questions[0].question: is too long (604 characters): at most 600 fit "
            "here; shorten it by 4",
        ),
        (
            "        answer: Rising, then levelling off.\n",
            "",
            "10:9: exercises[0].questions[1].answer: missing required key 'answer'",
        ),
    ],
)
def test_a_teachers_slips_are_named_at_their_place(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in LESSON
    assert problems(write(tmp_path, LESSON.replace(old, new))) == [expected]


def test_the_largest_room_fits_one_letter_page_with_a_long_question(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from studygen.build import build

    question = "Describe what you see, and say why. " * 16  # 576 characters, near the limit of 600
    text = LESSON.replace("Sketch speed against time.", question).replace("size: 8", "size: 20")
    for space in ("lines", "box"):
        lesson = write(tmp_path, text.replace("space: grid", f"space: {space}"))
        [result] = list(
            build([lesson], out=tmp_path / space, templates=None, only=("worksheet",), paper="letter")
        )
        assert result.error is None
        # The long question and its room move whole to page 2 rather than run onto a third.
        assert len(PdfReader(result.written[0].path).pages) == 2


def test_the_docs_example_of_a_written_answer_loads(tmp_path: Path) -> None:
    body = worked(tmp_path, doc_example("Written answers"))
    assert [question.space for question in body.questions] == ["lines", "box"]

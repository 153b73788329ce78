"""True/false statements: answers written true or false, ticked and explained only in the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from kind_helpers import doc_example, pdf_texts, problems, write

from studygen.compute import work_out
from studygen.kinds.choice import TickBox, WorkedChoice
from studygen.lesson import load_lesson

LESSON = """\
title: Falling
exercises:
  - kind: true-false
    title: True or false?
    statements:
      - statement: A feather falls as fast as a hammer in a vacuum.
        answer: {answer}
        explanation: No air, no drag.
      - {{statement: Heavier falls faster., answer: FALSE}}
"""


def worked(tmp_path: Path, text: str) -> WorkedChoice:
    """Load and work a lesson with one true/false exercise; return its worked body."""
    [exercise] = work_out(load_lesson(write(tmp_path, text)).lesson)[0].exercises
    assert isinstance(exercise.body, WorkedChoice)
    return exercise.body


def test_each_statement_gets_its_box_ticked_and_its_verdict(tmp_path: Path) -> None:
    first, second = worked(tmp_path, LESSON.format(answer="true")).items
    assert first.boxes == (TickBox("true", "True", True), TickBox("false", "False", False))
    assert (first.verdict, first.reason) == ("True.", "No air, no drag.")
    assert second.boxes == (TickBox("true", "True", False), TickBox("false", "False", True))
    assert (second.verdict, second.reason) == ("False.", None)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("maybe", "7:17: exercises[0].statements[0].answer: write true or false, not 'maybe'"),
        ("yes", "7:17: exercises[0].statements[0].answer: write true or false, not 'yes'"),
        ("'1'", "7:17: exercises[0].statements[0].answer: write true or false, not '1'"),
    ],
)
def test_an_answer_other_than_true_or_false_says_what_to_write(
    tmp_path: Path, answer: str, expected: str
) -> None:
    assert problems(write(tmp_path, LESSON.format(answer=answer))) == [expected]


def test_a_statement_without_an_answer_is_named(tmp_path: Path) -> None:
    text = LESSON.replace("answer: FALSE", "explanation: x")
    assert problems(write(tmp_path, text.format(answer="true"))) == [
        "9:9: exercises[0].statements[1].answer: missing required key 'answer'"
    ]


def test_the_worksheet_ticks_nothing_and_the_key_ticks_the_answer(tmp_path: Path) -> None:
    text = pdf_texts(write(tmp_path, LESSON.format(answer="true")), tmp_path / "out")
    assert "✓" not in text["worksheet"]
    assert "No air, no drag." not in text["worksheet"]
    assert text["answer-key"].count("✓") == 2
    assert "True. No air, no drag." in text["answer-key"]


def test_the_docs_example_of_true_or_false_loads(tmp_path: Path) -> None:
    body = worked(tmp_path, doc_example("True or false"))
    assert [item.verdict for item in body.items] == ["True.", "False."]


def test_reason_lines_leave_room_to_correct_a_statement(tmp_path: Path) -> None:
    assert worked(tmp_path, LESSON.format(answer="true")).reason_lines == 0
    text = LESSON.format(answer="true").replace("    statements:", "    reason_lines: 2\n    statements:")
    assert worked(tmp_path, text).reason_lines == 2

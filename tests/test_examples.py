"""The example lessons in content/: the physics lesson uses every kind and its key agrees with its source."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from studygen.build import build
from studygen.kinds import KINDS
from studygen.lesson import load_lesson

FREE_FALL = Path(__file__).parents[1] / "content" / "free-fall.yaml"

# The Physics Classroom's worked values for g = 9.8 m/s² (the lesson's `source`), and the well problem.
FROM_THE_SOURCE = ["4.9", "19.6", "122.5", "58.8", "78.4"]
WELL = ["9.8 · 2.5² / 2 = 9.8 · 6.25 / 2 = 61.25 / 2 ≈ 30.6 m", "v = g · t = 9.8 · 2.5 = 24.5 m/s"]


def text_of(path: Path) -> str:
    """A PDF's text with runs of whitespace squeezed, as a reader would search it."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_the_physics_lesson_uses_every_kind_and_names_its_source() -> None:
    lesson = load_lesson(FREE_FALL).lesson
    assert {exercise.kind for exercise in lesson.exercises} == set(KINDS)
    assert lesson.source is not None and "The Physics Classroom" in lesson.source


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_physics_key_computes_the_sources_numbers_and_the_worksheet_hides_them(
    tmp_path: Path, paper: str
) -> None:
    [result] = list(build([FREE_FALL], out=tmp_path, paper=paper, templates=None))
    assert result.error is None, result.error.format_message()
    assert sorted(w.path.name for w in result.written) == sorted(
        ["worksheet.pdf", "answer-key.pdf", "self-check.pdf", "flashcards.pdf"]
    )
    key, worksheet = (text_of(tmp_path / "free-fall" / f"{name}.pdf") for name in ("answer-key", "worksheet"))
    for row in ("9.8 · 5 = 49", "9.8 · 5² / 2 = 9.8 · 25 / 2 = 245 / 2 = 122.5", "9.8 · 8 = 78.4"):
        assert row in key
    for value in [*FROM_THE_SOURCE, *WELL]:
        assert value in key
    for value in ["122.5", "58.8", "78.4", "30.6", "24.5", "Answer: C", "1 → B"]:
        assert value not in worksheet
    assert "g · t² / 2" not in worksheet  # the distance column hides its formula

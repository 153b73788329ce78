"""A computed table can hide its formulas on the worksheet when finding them is the exercise."""

from __future__ import annotations

from pathlib import Path

from kind_helpers import doc_example, pdf_texts, problems, write

from studygen.compute import work_out
from studygen.lesson import load_lesson

HIDDEN = """\
title: Free fall
exercises:
  - kind: computed-table
    title: Find the rule
    given: {g: 9.8}
    rows: {symbol: t, values: [1, 2]}
    columns:
      - {label: Distance d, formula: g * t^2 / 2, show_formula: false}
      - {label: Speed v, formula: g * t}
"""


def test_a_hidden_formula_is_only_in_the_keys_heading(tmp_path: Path) -> None:
    [exercise] = work_out(load_lesson(write(tmp_path, HIDDEN)).lesson)[0].exercises
    assert exercise.body.worksheet_headings == ("Distance d", "Speed v = g · t")  # type: ignore[attr-defined]
    assert exercise.body.headings == ("Distance d = g · t² / 2", "Speed v = g · t")  # type: ignore[attr-defined]


def test_the_worksheets_pdf_lacks_a_hidden_formula_and_the_key_shows_it_worked(tmp_path: Path) -> None:
    text = pdf_texts(write(tmp_path, HIDDEN), tmp_path / "out")
    assert "g·t²/2" not in text["worksheet"].replace(" ", "")
    assert "Distance d" in text["worksheet"]
    assert "v = g · t" in text["worksheet"]  # a column that does not hide it still shows it
    assert "Distance d = g · t² / 2" in text["answer-key"]
    assert "9.8 · 2² / 2" in text["answer-key"]


def test_show_formula_takes_true_or_false_only(tmp_path: Path) -> None:
    assert problems(write(tmp_path, HIDDEN.replace("show_formula: false", "show_formula: no"))) == [
        "8:65: exercises[0].columns[0].show_formula: write true or false, not 'no'"
    ]


def test_the_docs_example_of_a_hidden_formula_loads(tmp_path: Path) -> None:
    lesson = load_lesson(write(tmp_path, doc_example("Hiding a table's formulas"))).lesson
    assert lesson.exercises[0].columns[0].show_formula is False  # type: ignore[attr-defined]

"""Numeric problems: given values, asked quantities worked in order, and messages for a teacher's slips."""

from __future__ import annotations

from pathlib import Path

import pytest
from kind_helpers import doc_example, problems, write

from studygen.compute import work_out
from studygen.kinds.numeric_problem import WorkedNumericProblem
from studygen.lesson import load_lesson

PROBLEM = """\
title: Falling
exercises:
  - kind: numeric-problem
    title: A dropped ball
    prompt: A ball of mass 0.5 kg falls from rest for 3 s.
    given: {m: 0.5, g: 9.8, t: 3}
    asked:
      - {label: "Speed, v", symbol: v, formula: g * t, unit: m/s}
      - {label: "Energy, E", symbol: E, formula: m * v^2 / 2, unit: J}
"""


def worked(tmp_path: Path, text: str = PROBLEM) -> WorkedNumericProblem:
    """Load and work a lesson with one numeric problem; return its worked body."""
    [exercise] = work_out(load_lesson(write(tmp_path, text)).lesson)[0].exercises
    assert isinstance(exercise.body, WorkedNumericProblem)
    return exercise.body


def test_a_later_quantity_is_worked_from_an_earlier_answer(tmp_path: Path) -> None:
    speed, energy = worked(tmp_path).asked
    assert (speed.name, speed.formula, speed.working.line(), speed.unit) == (
        "v",
        "g · t",
        "9.8 · 3 = 29.4",
        "m/s",
    )
    assert energy.formula == "m · v² / 2"
    assert energy.working.line() == "0.5 · 29.4² / 2 = 0.5 · 864.36 / 2 = 432.18 / 2 = 216.09"


def test_a_later_quantity_uses_the_earlier_answer_as_printed(tmp_path: Path) -> None:
    text = PROBLEM.replace("unit: m/s}", "unit: m/s, decimals: 0}")
    speed, energy = worked(tmp_path, text).asked
    assert speed.working.line() == "9.8 · 3 ≈ 29"
    assert energy.working.steps[0] == "0.5 · 29² / 2"


def test_a_quantity_without_symbol_or_symbols_prints_only_its_steps(tmp_path: Path) -> None:
    text = PROBLEM.replace("symbol: E, formula: m * v^2 / 2", "formula: 2 * 3 + 1")
    _, plain = worked(tmp_path, text).asked
    assert (plain.name, plain.formula, plain.working.line()) == (None, None, "2 · 3 + 1 = 6 + 1 = 7")


def test_the_given_values_and_words_are_decided_for_the_template(tmp_path: Path) -> None:
    body = worked(tmp_path)
    assert body.given == ("m = 0.5", "g = 9.8", "t = 3")
    assert (body.given_label, body.working_label, body.answer_label, body.working_lines) == (
        "Given",
        "Working",
        "Answer",
        3,
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "m * v^2 / 2",
            "M * v^2 / 2",
            "9:50: exercises[0].asked[1].formula: unknown symbol 'M' in 'M * v^2 / 2': define it under "
            "`given:` (or as the `symbol` of a quantity asked above it) or use one of g, m, t, v",
        ),
        (
            "g * t, unit",
            "E / m, unit",
            "8:49: exercises[0].asked[0].formula: 'E' is found later, in asked[1]: a formula can use only "
            "given values and quantities asked above it",
        ),
        (
            "m * v^2 / 2",
            "E + m",
            "9:50: exercises[0].asked[1].formula: 'E' is this quantity's own symbol: a formula can use only "
            "given values and quantities asked above it",
        ),
        (
            "symbol: E",
            "symbol: v",
            "9:38: exercises[0].asked[1].symbol: 'v' is already the symbol of asked[0]: choose another",
        ),
        (
            "symbol: v",
            "symbol: t",
            "8:37: exercises[0].asked[0].symbol: 't' is also a given value: give it one role",
        ),
        (
            "g * t, unit",
            "g / (t - 3), unit",
            "8:49: exercises[0].asked[0].formula: cannot compute 'g / (t - 3)' with the given values: "
            "division by zero",
        ),
        (
            "unit: J}",
            "unit: J, decimals: 1, significant: 2}",
            "9:9: exercises[0].asked[1]: give either `decimals` or `significant`, not both",
        ),
    ],
)
def test_a_teachers_slips_are_named_at_their_place(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in PROBLEM
    assert problems(write(tmp_path, PROBLEM.replace(old, new))) == [expected]


def test_a_formula_that_does_not_parse_is_named_as_in_a_table(tmp_path: Path) -> None:
    [message] = problems(write(tmp_path, PROBLEM.replace("formula: g * t,", "formula: g ** t,")))
    assert message.startswith("8:49: exercises[0].asked[0].formula: formula 'g ** t': ")


def test_a_problem_must_ask_something(tmp_path: Path) -> None:
    text = PROBLEM.split("    asked:")[0] + "    asked: []\n"
    assert problems(write(tmp_path, text)) == ["7:12: exercises[0].asked: needs at least 1 item(s), got 0"]


def test_the_docs_example_of_a_numeric_problem_loads_and_works(tmp_path: Path) -> None:
    body = worked(tmp_path, doc_example("Numeric problems"))
    assert [asked.working.answer for asked in body.asked] == ["44.1", "29.4"]

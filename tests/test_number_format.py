"""Number formatting, fractions and exact roots: the rules one module owns, as a key prints them."""
# ruff: noqa: RUF001

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from kind_helpers import problems, write

from studygen.compute import work_out
from studygen.formulas import NumberFormat, format_number, parse, work
from studygen.kinds.computed_table import WorkedTable
from studygen.kinds.numeric_problem import WorkedNumericProblem
from studygen.lesson import load_lesson

CONTENT = Path(__file__).parents[1] / "content"
KINETIC = Path(__file__).parent / "numbers" / "kinetic-energy.yaml"


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        # Half away from zero, both ways.
        (D("1157.625"), NumberFormat(decimals=2), "1157.63"),
        (D("-1157.625"), NumberFormat(decimals=2), "−1157.63"),
        (D("-2.5"), NumberFormat(decimals=0), "−3"),
        (D("2.5"), NumberFormat(decimals=0), "3"),
        # Fixed decimals and significant figures keep their zeros.
        (D(1050), NumberFormat(decimals=2), "1050.00"),
        (D("1.2"), NumberFormat(significant=3), "1.20"),
        # Thousands separators: off by default; the group and decimal characters are parameters.
        (D("1234567.891"), NumberFormat(decimals=2), "1234567.89"),
        (D("1234567.891"), NumberFormat(decimals=2, thousands=True), "1,234,567.89"),
        (D("-1234"), NumberFormat(thousands=True), "−1,234"),
        (D("123"), NumberFormat(thousands=True), "123"),
        (D("1234.5"), NumberFormat(thousands=True, group="\u202f", decimal_mark=","), "1\u202f234,5"),
        (D("0.5"), NumberFormat(decimal_mark=","), "0,5"),
        # Scientific notation beyond the default bounds, forced on, off, or with the teacher's bounds.
        (D("1.2E23"), NumberFormat(significant=3), "1.20 × 10²³"),
        (D("1.2E23"), NumberFormat(decimals=2), "1.20 × 10²³"),
        (D("1.2E23"), NumberFormat(significant=3, scientific=False), "120" + "0" * 21),
        (D("999999999999"), NumberFormat(), "999999999999"),
        (D("1E12"), NumberFormat(), "1 × 10¹²"),
        (D("1200000"), NumberFormat(scientific=True), "1.2 × 10⁶"),
        (D("-1200000"), NumberFormat(scientific=True), "−1.2 × 10⁶"),
        (D("1200000"), NumberFormat(above=6), "1.2 × 10⁶"),
        (D("120000"), NumberFormat(above=6), "120000"),
        (D("0.0003"), NumberFormat(significant=2, scientific=True), "3.0 × 10⁻⁴"),
        (D("0.0003"), NumberFormat(below=-3), "3 × 10⁻⁴"),
        (D("0.000001"), NumberFormat(), "0.000001"),
        (D("0.0000001"), NumberFormat(), "1 × 10⁻⁷"),
        (D("0.0000001"), NumberFormat(decimals=2), "0.00"),  # fixed decimals say how small may show
        (D("9.9996E11"), NumberFormat(significant=3), "1.00 × 10¹²"),  # decided after rounding
        (D(0), NumberFormat(scientific=True), "0"),
    ],
)
def test_the_one_formatter(value: D, fmt: NumberFormat, text: str) -> None:
    assert format_number(value, fmt, exact=True) == text


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (
            "round(P * (1 + r), 2)",
            "round(1000 · (1 + 0.05), 2) = round(1000 · 1.05, 2) = round(1050, 2) = 1050.00",
        ),
        (
            "round(P * (1 + r)^2, 2)",
            "round(1000 · (1 + 0.05)², 2) = round(1000 · 1.05², 2) = "
            "round(1000 · 1.1025, 2) = round(1102.5, 2) = 1102.50",
        ),
        # Inside a step, round() shows its decimals too; the answer is then printed as asked (exactly).
        (
            "round(P * 1.1025, 2) - P",
            "round(1000 · 1.1025, 2) − 1000 = round(1102.5, 2) − 1000 = 1102.50 − 1000 = 102.5",
        ),
        # An inexact value inside round() shows two more decimals than it keeps, so the step reads right.
        ("round(P / 3, 2)", "round(1000 / 3, 2) ≈ round(333.3333, 2) = 333.33"),
    ],
)
def test_round_as_the_outermost_call_prints_its_decimals(source: str, line: str) -> None:
    working = work(parse(source), {"P": D(1000), "r": D("0.05")})
    assert working.line() == line


def test_a_format_given_wins_over_round() -> None:
    assert work(parse("round(x, 2)"), {"x": D("1050")}, NumberFormat(decimals=1)).answer == "1050.0"


@pytest.mark.parametrize(
    ("source", "display", "line"),
    [
        ("½ * g * t^2", "½ · g · t²", "½ · 9.8 · 3² = 4.9 · 9 = 44.1"),
        ("⅓ * 3", "⅓ · 3", "⅓ · 3 = 1"),
        ("9 * ⅓", "9 · ⅓", "9 · ⅓ = 3"),
        ("9 · ⅔", "9 · ⅔", "9 · ⅔ = 6"),
        ("¼ * 8 + ¾", "¼ · 8 + ¾", "¼ · 8 + ¾ = 2 + ¾ = 2.75"),
        ("3 / ⅔", "3 / ⅔", "3 / ⅔ = 4.5"),
        ("1 - ⅓", "1 − ⅓", "1 − ⅓ ≈ 0.666667"),
        ("-½ * 4", "−½ · 4", "−½ · 4 = −2"),
        ("½^2", "½²", "½² = 0.25"),
        ("⅓", "⅓", "⅓ ≈ 0.333333"),
    ],
)
def test_fractions_are_exact_and_print_as_written(source: str, display: str, line: str) -> None:
    formula = parse(source)
    assert formula.display() == display
    assert work(formula, {"g": D("9.8"), "t": D(3)}).line() == line


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("4^0.5", "4^0.5 = 2"),
        ("8^⅓", "8^⅓ = 2"),
        ("2^0.5", "2^0.5 ≈ 1.41421"),
        ("4^(-0.5)", "4^(−0.5) = 0.5"),
        ("0.25^0.5", "0.25^0.5 = 0.5"),
        ("¼^0.5", "¼^0.5 = 0.5"),
        ("4^1.5", "4^1.5 = 8"),
        ("1024^0.1", "1024^0.1 = 2"),
        ("2.25^0.5", "2.25^0.5 = 1.5"),
    ],
)
def test_powers_are_exact_where_the_result_is(source: str, line: str) -> None:
    assert work(parse(source), {}).line() == line


LESSON = """\
title: Savings
exercises:
  - kind: numeric-problem
    title: Twenty years
    prompt: 25000 at 4 % for 20 years.
    given: {P: 25000, r: 0.04, n: 20}
    asked:
      - {label: "Amount, A", symbol: A, formula: "round(P * (1 + r)^n, 2)", thousands: true}
      - {label: "Interest, I", symbol: I, formula: A - P, decimals: 2, thousands: true}
      - {label: "Cells", formula: "A * 10^20", significant: 3}
      - {label: "Cells", formula: "A * 10^8", significant: 2, scientific_above: 6}
      - {label: "Cells", formula: "A", scientific: true}
"""


def test_the_number_format_keys_of_an_answer(tmp_path: Path) -> None:
    [exercise] = work_out(load_lesson(write(tmp_path, LESSON)).lesson)[0].exercises
    assert isinstance(exercise.body, WorkedNumericProblem)
    answers = [asked.working.answer for asked in exercise.body.asked]
    assert answers == ["54,778.08", "29,778.08", "5.48 × 10²⁴", "5.5 × 10¹²", "5.477808 × 10⁴"]
    # The next quantity carries on from the amount as printed, separators and all.
    assert exercise.body.asked[1].working.line() == "54,778.08 − 25,000 = 29,778.08"


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("decimals: 2, significant: 3", "give either `decimals` or `significant`, not both"),
        ("scientific: true, scientific_above: 6", "apply only without `scientific`"),
        ("scientific_above: 0", "must be at least 1"),
        ("scientific_below: 2", "must be at most -1"),
        ("thousands: yes", "write true or false"),
    ],
)
def test_contradicting_number_formats_are_refused(tmp_path: Path, keys: str, message: str) -> None:
    lesson = f"""\
title: T
exercises:
  - kind: numeric-problem
    title: P
    prompt: p
    given: {{x: 2}}
    asked:
      - {{label: "X", formula: x, {keys}}}
"""
    found = problems(write(tmp_path, lesson))
    assert len(found) == 1 and message in found[0], found


def test_the_money_lesson_prints_to_the_cent() -> None:
    [table, problem] = work_out(load_lesson(CONTENT / "compound-interest.yaml").lesson)[0].exercises
    assert isinstance(table.body, WorkedTable) and isinstance(problem.body, WorkedNumericProblem)
    amounts = [row.cells[0].answer for row in table.body.rows]
    interest = [row.cells[1].answer for row in table.body.rows]
    assert amounts == ["1050.00", "1102.50", "1157.63", "1215.51", "1276.28"]
    assert interest == ["50.00", "102.50", "157.63", "215.51", "276.28"]
    assert [asked.working.answer for asked in problem.body.asked] == ["54,778.08", "29,778.08"]


def test_the_kinetic_energy_lesson_keeps_its_halves() -> None:
    [table, problem] = work_out(load_lesson(KINETIC).lesson)[0].exercises
    assert isinstance(table.body, WorkedTable) and isinstance(problem.body, WorkedNumericProblem)
    assert table.body.headings == ("Kinetic energy E (J) = ½ · m · v²",)
    assert [row.cells[0].line() for row in table.body.rows] == [
        "½ · 2 · 1² = 1 · 1 = 1",
        "½ · 2 · 3² = 1 · 9 = 9",
        "½ · 2 · 4.5² = 1 · 20.25 = 20.25",
        "½ · 2 · 10² = 1 · 100 = 100",
    ]
    assert [asked.working.line() for asked in problem.body.asked] == [
        "9.8 · 3 = 29.4",
        "½ · 9.8 · 3² = 4.9 · 9 = 44.1",
        "½ · 0.5 · 29.4² = 0.25 · 864.36 ≈ 216.1",
    ]

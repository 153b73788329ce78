"""Units: values with units, units derived and checked through formulas, exact conversions in the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from kind_helpers import doc_example, pdf_texts, write

from studygen.compute import work_out
from studygen.formulas import FormulaError
from studygen.kinds.computed_table import WorkedTable
from studygen.kinds.numeric_problem import WorkedNumericProblem
from studygen.lesson import load_lesson

SRC = Path(__file__).parents[1] / "src"
NNBSP = "\u202f"

FREE_FALL = """\
title: Free fall
exercises:
  - kind: computed-table
    title: A dropped stone
    given: {g: 9.8 m/s²}
    rows: {symbol: t, values: [1 s, 2 s, 3 s]}
    columns:
      - {label: d, formula: g * t^2 / 2, unit: m}
      - {label: v, formula: g * t, unit: m/s}
"""


def table(tmp_path: Path, text: str) -> WorkedTable:
    """Load and work a lesson with one computed table; return its worked body."""
    worked, found = work_out(load_lesson(write(tmp_path, text)).lesson)
    assert found == []
    body = worked.exercises[0].body
    assert isinstance(body, WorkedTable)
    return body


def problem(tmp_path: Path, given: str, asked: str) -> WorkedNumericProblem:
    """Load and work a numeric problem with these given values and asked quantities (YAML flow text)."""
    text = f"""\
title: Units
exercises:
  - kind: numeric-problem
    title: Work it out
    prompt: Work it out.
    given: {given}
    asked:
{asked}
"""
    worked, found = work_out(load_lesson(write(tmp_path, text)).lesson)
    assert found == []
    body = worked.exercises[0].body
    assert isinstance(body, WorkedNumericProblem)
    return body


def check(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    """Run `studygen check` on a lesson in a fresh process, as a teacher or CI would."""
    file = write(tmp_path, text)
    return subprocess.run(
        [sys.executable, "-m", "studygen", "check", str(file)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )


def test_a_free_fall_table_prints_units_apart_from_its_equations(tmp_path: Path) -> None:
    body = table(tmp_path, FREE_FALL)
    assert body.given == (f"g = 9.8{NNBSP}m/s²",)
    assert (body.symbol, body.row_unit, body.units) == ("t", "s", ("m", "m/s"))
    assert body.headings == ("d = g · t² / 2", "v = g · t")  # no unit fused into the equation
    assert [row.value for row in body.rows] == ["1", "2", "3"]  # the heading says `t (s)`
    assert [row.cells[0].line() for row in body.rows] == [
        "9.8 · 1² / 2 = 9.8 · 1 / 2 = 9.8 / 2 = 4.9",
        "9.8 · 2² / 2 = 9.8 · 4 / 2 = 39.2 / 2 = 19.6",
        "9.8 · 3² / 2 = 9.8 · 9 / 2 = 88.2 / 2 = 44.1",
    ]


def test_the_free_fall_key_shows_t_s_and_each_columns_unit(tmp_path: Path) -> None:
    text = pdf_texts(write(tmp_path, FREE_FALL), tmp_path / "out")
    for document in ("worksheet", "answer-key"):
        assert "t (s)" in text[document]
        assert "d = g · t² / 2 (m)" in text[document]
        assert "g = 9.8 m/s²" in text[document]  # the PDF's text layer reads U+202F as a space
    assert "88.2 / 2 = 44.1" in text["answer-key"]


def test_a_rows_unit_gives_plain_row_values_their_unit(tmp_path: Path) -> None:
    body = table(tmp_path, FREE_FALL.replace("values: [1 s, 2 s, 3 s]", "values: [1, 2, 3], unit: s"))
    assert (body.row_unit, body.units) == ("s", ("m", "m/s"))


def test_rows_in_different_units_print_theirs_and_the_key_converts(tmp_path: Path) -> None:
    text = FREE_FALL.replace("values: [1 s, 2 s, 3 s]", "values: [1 s, 0.5 min]")
    body = table(tmp_path, text)
    assert body.row_unit is None
    assert [(row.value, row.key_value) for row in body.rows] == [
        (f"1{NNBSP}s", f"1{NNBSP}s"),
        (f"0.5{NNBSP}min", f"0.5{NNBSP}min = 30{NNBSP}s"),
    ]
    assert body.rows[1].cells[1].line() == "9.8 · 30 = 294"


def test_ohms_law_with_milliamperes_and_kilohms_gives_volts_without_converting(tmp_path: Path) -> None:
    [voltage] = problem(
        tmp_path, "{I: 2 mA, R: 3 kΩ}", '      - {label: "Voltage", symbol: U, formula: I * R, unit: V}'
    ).asked
    # mA · kΩ is exactly V, so a teacher multiplies the numbers as written.
    assert (voltage.conversions, voltage.working.line(), voltage.unit) == ((), "2 · 3 = 6", "V")


def test_ohms_law_converts_milliamperes_when_the_resistance_is_in_ohms(tmp_path: Path) -> None:
    [voltage] = problem(
        tmp_path, "{I: 2 mA, R: 3000 Ω}", '      - {label: "Voltage", formula: I * R, unit: V}'
    ).asked
    assert voltage.conversions == (f"I = 2{NNBSP}mA = 0.002{NNBSP}A",)
    assert (voltage.working.line(), voltage.unit) == ("0.002 · 3000 = 6", "V")


def test_kinetic_energy_comes_out_in_joules(tmp_path: Path) -> None:
    [energy] = problem(
        tmp_path, "{m: 0.5 kg, v: 3 m/s}", '      - {label: "Energy", formula: m * v^2 / 2, unit: J}'
    ).asked
    assert (energy.working.answer, energy.unit, energy.conversions) == ("2.25", "J", ())


def test_an_undeclared_unit_is_derived_and_printed_short(tmp_path: Path) -> None:
    asked = '      - {label: "Energy", formula: m * v^2 / 2}'
    [energy] = problem(tmp_path, "{m: 0.5 kg, v: 3 m/s}", asked).asked
    assert energy.unit == "kg·m²/s²"


def test_72_km_per_h_is_converted_exactly_to_20_m_per_s(tmp_path: Path) -> None:
    speed, energy = problem(
        tmp_path,
        "{u: 72 km/h, m: 0.5 kg}",
        '      - {label: "Speed", symbol: w, formula: u, unit: m/s}\n'
        '      - {label: "Energy", formula: m * w^2 / 2, unit: J}',
    ).asked
    assert speed.conversions == (f"u = 72{NNBSP}km/h = 20{NNBSP}m/s",)
    assert (speed.working.answer, speed.unit) == ("20", "m/s")
    assert (energy.conversions, energy.working.answer) == ((), "100")  # uses the 20 m/s found above


def test_a_result_in_m_per_s_is_converted_last_to_km_per_h(tmp_path: Path) -> None:
    asked = '      - {label: "Speed", formula: d / t, unit: km/h}'
    [speed] = problem(tmp_path, "{d: 100 m, t: 10 s}", asked).asked
    assert speed.conversions == ()
    assert speed.working.line() == f"100 / 10 = 10{NNBSP}m/s = 36"
    assert speed.unit == "km/h"


def test_kilometres_and_metres_are_added_in_metres_then_converted_back(tmp_path: Path) -> None:
    asked = '      - {label: "Both", formula: a + b, unit: km}'
    [distance] = problem(tmp_path, "{a: 2 km, b: 300 m}", asked).asked
    assert distance.conversions == (f"a = 2{NNBSP}km = 2000{NNBSP}m",)
    assert distance.working.line() == f"2000 + 300 = 2300{NNBSP}m = 2.3"


def test_a_conversion_that_is_not_exact_is_rounded_and_marked(tmp_path: Path) -> None:
    [speed] = problem(tmp_path, "{u: 10 km/h}", '      - {label: "Speed", formula: u, unit: m/s}').asked
    assert speed.conversions == (f"u = 10{NNBSP}km/h ≈ 2.77778{NNBSP}m/s",)
    assert speed.working.answer == "2.77778"


def test_the_key_prints_conversions_and_units_after_answers(tmp_path: Path) -> None:
    lesson = """\
title: Speeds
exercises:
  - kind: numeric-problem
    title: A car
    prompt: A car drives at 72 km/h.
    given: {u: 72 km/h}
    asked:
      - {label: "Speed in m/s", symbol: w, formula: u, unit: m/s}
"""
    text = pdf_texts(write(tmp_path, lesson), tmp_path / "out")
    assert "u = 72 km/h = 20 m/s w = u = 20 m/s" in text["answer-key"]
    assert "= 20" not in text["worksheet"]


# Every message through the CLI: (given, asked, the message after the file name).
ERRORS = [
    (
        "{d: 3 m, t: 2 s}",
        '{label: "Sum", formula: d + t}',
        "8:33: exercises[0].asked[0].formula: the units in 'd + t' do not work out: '+' at character 3 adds "
        "m and s: both must be units of the same kind (check the formula and the units of its values)",
    ),
    (
        "{d: 3 m, t: 2 s}",
        '{label: "Speed", formula: d / t, unit: m}',
        "8:48: exercises[0].asked[0].unit: the formula 'd / t' gives m/s, but the unit is 'm': write "
        "`unit: m/s` (or another unit of that kind), or fix the formula or the units of its values",
    ),
    (
        "{d: 3 m, t: 2 s}",
        '{label: "Difference", formula: 2 * (t - d)}',
        "8:40: exercises[0].asked[0].formula: the units in '2 * (t - d)' do not work out: "
        "'\u2212' at character 8 subtracts s and m: both must be units of the same kind (check the "
        "formula and the units of its values)",
    ),
    (
        "{t: 2 s}",
        '{label: "Growth", formula: exp(t)}',
        "8:36: exercises[0].asked[0].formula: the units in 'exp(t)' do not work out: exp at character 1 "
        "needs a plain number, but its argument is in s: divide it by a value in s first",
    ),
    (
        "{t: 2 s, n: 3}",
        '{label: "Power", formula: t^n}',
        "8:35: exercises[0].asked[0].formula: the units in 't^n' do not work out: '^' at character 2 raises "
        "a value in s to a power that is not a whole number written in the formula: write a power such as "
        "^2 or ^3",
    ),
    (
        "{A: 2 m}",
        '{label: "Side", formula: sqrt(A)}',
        "8:34: exercises[0].asked[0].formula: the units in 'sqrt(A)' do not work out: √ at character 1 of "
        "a value in m has no unit: the powers inside must be even, as in √(m²)",
    ),
    (
        "{d: 3 metr}",
        '{label: "Distance", formula: d}',
        "6:16: exercises[0].given.d: unknown unit 'metr': did you mean 'metre'?",
    ),
    (
        "{d: 3 m}",
        '{label: "Distance", formula: d, unit: mtrs}',
        "8:47: exercises[0].asked[0].unit: unknown unit 'mtrs': did you mean 'metre'?",
    ),
    (
        '{d: "0,5 m"}',
        '{label: "Distance", formula: d}',
        "6:16: exercises[0].given.d: '0,5 m' is not a value: write a number, then its unit, such as "
        "`9.8 m/s²` or `72 km/h` (use a point: 0.5 m)",
    ),
    (
        "{m: 2, v: 3}",
        '{label: "Energy", formula: m * v^2 / 2, unit: J}',
        None,  # no value has a unit: `unit:` is printed as written, as before
    ),
    (
        "{note: 20 GBP, price: 5 pounds}",
        '{label: "Change", formula: note - price}',
        "8:36: exercises[0].asked[0].formula: the units in 'note - price' do not work out: '\u2212' at "
        "character 6 subtracts GBP and lb: both must be units of the same kind (check the formula and the "
        "units of its values); note that pounds (lb) are a weight: for money in pounds sterling write GBP",
    ),
    (
        "{price: 5 pounds, n: 3}",
        '{label: "Total", formula: n * price, unit: GBP}',
        "8:52: exercises[0].asked[0].unit: the formula 'n * price' gives lb, but the unit is 'GBP': write "
        "`unit: lb` (or another unit of that kind), or fix the formula or the units of its values; note "
        "that pounds (lb) are a weight: for money in pounds sterling write GBP",
    ),
    (
        "{T: 20 °C}",
        '{label: "Twice", formula: 2 * T}',
        "6:16: exercises[0].given.T: '°C' is a temperature scale with an offset, so formulas cannot "
        "multiply or add it: give the temperature in K instead (20 °C is 293.15 K)",
    ),
]


@pytest.mark.parametrize(("given", "asked", "expected"), ERRORS)
def test_each_unit_message_in_full_through_check(
    tmp_path: Path, given: str, asked: str, expected: str | None
) -> None:
    text = f"""\
title: Units
exercises:
  - kind: numeric-problem
    title: Work it out
    prompt: Work it out.
    given: {given}
    asked:
      - {asked}
"""
    result = check(tmp_path, text)
    if expected is None:
        assert (result.returncode, result.stderr) == (0, "")
        return
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == f"Error: {tmp_path / 'lesson.yaml'}:{expected}\n"


def test_a_mismatch_in_a_table_is_said_once_for_the_column(tmp_path: Path) -> None:
    result = check(tmp_path, FREE_FALL.replace("unit: m/s}", "unit: m}"))
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'lesson.yaml'}:9:42: exercises[0].columns[1].unit: the formula 'g * t' gives "
        "m/s, but the unit is 'm': write `unit: m/s` (or another unit of that kind), or fix the formula or "
        "the units of its values\n"
    )


def test_a_lesson_without_units_never_imports_pint() -> None:
    seed = Path(__file__).parents[1] / "content" / "imitation-learning.yaml"
    assert not _loading_imports_pint(seed)


def test_a_lesson_with_a_unit_imports_pint_only_then(tmp_path: Path) -> None:
    file = write(tmp_path, FREE_FALL)
    assert _loading_imports_pint(file)


def _loading_imports_pint(lesson: Path) -> bool:
    """Load and work out a lesson in a fresh interpreter; say whether that imported pint."""
    code = (
        "import sys; from pathlib import Path; from studygen.lesson import load_lesson; "
        "from studygen.compute import work_out; "
        f"work_out(load_lesson(Path({str(lesson)!r})).lesson); print('pint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC)},
        timeout=60,
        check=True,
    )
    return result.stdout == "True\n"


def test_the_docs_example_of_units_builds_with_its_commented_steps(tmp_path: Path) -> None:
    text = pdf_texts(write(tmp_path, doc_example("Units")), tmp_path / "out")["answer-key"]
    assert "u = 72 km/h = 20 m/s" in text
    assert "800 · 20² / 2 = 800 · 400 / 2 = 320000 / 2 = 160000 J" in text
    assert "2 · 3 = 6 V" in text
    assert "9.8 · 1 = 9.8 m/s = 35.28" in text


def test_money_takes_a_currency_as_its_unit_and_names_the_word_for_a_sign() -> None:
    """A currency is a unit of its own kind: `euros` prints as written; `€` says what to write."""
    from studygen.formulas.units import read_unit

    assert read_unit("euros").text == "euros"
    assert read_unit("USD").text == "USD"
    with pytest.raises(FormulaError, match="write the currency as `euros` or `EUR` instead of '€'"):
        read_unit("€")

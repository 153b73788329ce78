"""Values in text: `{=expression}` computed from values and givens, printed as numbers, errors in place."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from studygen.build import build
from studygen.errors import LessonError
from studygen.formulas.units import Quantity
from studygen.keys import LessonProblem
from studygen.lesson import load_lesson
from studygen.text_values import MAX_VALUES_PER_LESSON, MAX_VALUES_PER_TEXT, Scope, put_values

ROOT = Path(__file__).parents[1]
SEED = ROOT / "content" / "imitation-learning.yaml"

SCOPE = Scope(
    {
        name: Quantity(Decimal(number))
        for name, number in {"g": "9.8", "t": "3", "A": "1157.625", "d": "44.1"}.items()
    }
)


def put(text: str, scope: Scope = SCOPE) -> tuple[str, list[LessonProblem]]:
    """Put values into one text, returning it and the problems found."""
    problems: list[LessonProblem] = []
    fresh = Scope(scope.values, scope.given_at, scope.answers)  # a lesson of its own, counted from 0
    return put_values(text, fresh, ("intro",), problems), problems


def printed(text: str, scope: Scope = SCOPE) -> str:
    """Put values into a text that has no mistakes."""
    result, problems = put(text, scope)
    assert problems == []
    return result


def refused(text: str, scope: Scope = SCOPE) -> LessonProblem:
    """Put values into a text with one mistake and return the problem."""
    result, problems = put(text, scope)
    assert len(problems) == 1, problems
    assert result == text  # a text with a mistake is left as written
    return problems[0]


def write(tmp_path: Path, text: str) -> Path:
    """Write a lesson file."""
    file = tmp_path / "lesson.yaml"
    file.write_text(text, encoding="utf-8")
    return file


def problems_of(file: Path) -> list[str]:
    """Load a lesson that must fail and return its problems as printed."""
    with pytest.raises(LessonError) as caught:
        load_lesson(file)
    return [str(problem).removeprefix(f"{file}:") for problem in caught.value.problems]


# --- the scanner and the number printed ----------------------------------------------------------


def test_a_value_prints_the_computed_number() -> None:
    assert printed("At t = {=t} s the ball has fallen {=g * t^2 / 2} m.") == (
        "At t = 3 s the ball has fallen 44.1 m."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{=A; 2 decimals}", "1157.63"),  # half away from zero, as the number formatting rounds
        ("{=1102.5; 2 decimals}", "1102.50"),  # zeros kept
        ("{=g; 1 decimal}", "9.8"),
        ("{=A; 3 significant}", "1160"),
        ("{=1 / 3}", "0.333333"),  # not exact: 6 significant figures, as a table prints it
        ("{=-g}", "\u22129.8"),
        ("{= g*t }", "29.4"),
    ],
)
def test_a_value_is_formatted_as_tables_are(text: str, expected: str) -> None:
    assert printed(text) == expected


def test_ordinary_braces_print_as_written() -> None:
    text = "Collect D = { (s_t, a_t*) } and {x} and {} and { g } as sets."
    assert printed(text.replace("{ g }", "{ q }")) == text.replace("{ g }", "{ q }")


@pytest.mark.parametrize(
    ("text", "expected"), [(r"Write \{=g} to print g.", "Write {=g} to print g."), (r"\{g}", "{g}")]
)
def test_a_backslash_keeps_the_braces(text: str, expected: str) -> None:
    assert printed(text) == expected


def test_a_known_name_in_braces_says_to_write_the_equals_sign() -> None:
    problem = refused("At t = 3 s the ball has fallen {d} m.")
    assert problem.message == (
        r"'{d}' prints as it is: write {=d} to print the value of d, or \{d} to keep the braces"
    )
    assert problem.offset == len("At t = 3 s the ball has fallen ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x {=} y", "value '{=}': the value is empty: write an expression between `{=` and `}`"),
        ("x {=g * 2", "value '{=g * 2': `{=` is not closed: end the value with `}` on the same line"),
        ("x {=g\n* 2}", "value '{=g': `{=` is not closed"),
        ("x {={=g}}", "value '{={=g}}': a value cannot hold braces: close it with `}` before the next `{`"),
        ("x {=gg}", "value '{=gg}': unknown name 'gg' — did you mean 'g'? (known here: A, d, g, t); give it"),
        ("x {=g / (t - 3)}", "value '{=g / (t - 3)}': cannot compute it: division by zero"),
        ("x {=2 ** 3}", "value '{=2 ** 3}': '**' is not a power here (at character 3): write '2^3'"),
        ("x {=g; 2 dp}", "value '{=g; 2 dp}': unknown format '2 dp': after the `;` write `2 decimals`"),
        ("x {=g; 13 decimals}", "value '{=g; 13 decimals}': decimals must be a whole number from 0 to 12"),
        ("x {=<b>g</b>}", "value '{=<b>g</b>}': unexpected character '<' at character 1"),
    ],
)
def test_a_mistake_is_one_problem_at_the_start_of_its_value(text: str, message: str) -> None:
    problem = refused(text)
    assert problem.message.startswith(message), problem.message
    assert problem.offset == 2


def test_every_mistake_in_a_text_is_reported() -> None:
    _, problems = put("{=q} and {=g} and {=1/0}")
    assert [problem.offset for problem in problems] == [0, 18]


def test_a_text_may_hold_a_limited_number_of_values() -> None:
    assert printed("{=t}" * MAX_VALUES_PER_TEXT) == "3" * MAX_VALUES_PER_TEXT
    problem = refused("{=t}" * (MAX_VALUES_PER_TEXT + 1))
    assert problem.message == "the text has 51 values {=…}; at most 50 fit in one: split it"


def test_a_text_must_still_fit_its_field_with_its_values_put_in() -> None:
    problems: list[LessonProblem] = []
    text = "{=A} " * 10  # 50 characters as written, 90 printed
    assert put_values(text, SCOPE, ("x",), problems, limit=50) == text
    assert [p.message for p in problems] == [
        "with its values put in, the text is 90 characters long, but at most 50 fit here; shorten it by 40"
    ]


# --- scopes: lesson values, an exercise's given, a local given ---------------------------------

LOCAL_GIVEN = """\
title: Values everywhere {=n}
values: {n: 2}
self_check:
  questions:
    - question: Twice {=k}?
      given: {k: 21}
      answer: "{=2 * k}."
exercises:
  - kind: choice
    title: Choose
    options: [{id: a, label: "A {=n}"}, {id: b, label: B}]
    items:
      - {prompt: "{=k} items", answer: a, reason: "{=k + n} in all", given: {k: 3}}
  - kind: multiple-choice
    title: Pick
    questions:
      - prompt: What is {=k} + {=n}?
        given: {k: 5}
        options: [{text: "{=k + n}", correct: true}, {text: "{=k - n}", explanation: "Not {=k - n}."}]
  - kind: true-false
    title: Judge
    statements:
      - {statement: "{=k} is even", answer: false, given: {k: 7}}
  - kind: matching
    title: Pair
    pairs:
      - {left: "{=t} s", right: "falls {=4.9 * t^2} m", given: {t: 2}}
      - {left: "{=n + 1} s", right: "falls {=4.9 * (n + 1)^2} m"}
  - kind: written-answer
    title: Write
    questions:
      - {question: "Why {=k}?", answer: "Because {=k}.", given: {k: 9}}
  - kind: fill-in-the-blanks
    title: Fill
    text: "{=n} plus {=n} is [[{=2 * n}]]."
flashcards:
  - question: Square of {=x}?
    given: {x: 12}
    answer: "{=x^2}"
"""


def test_local_given_values_reach_their_own_texts(tmp_path: Path) -> None:
    worked = load_lesson(write(tmp_path, LOCAL_GIVEN)).worked
    assert worked.title == "Values everywhere 2"
    assert worked.self_check is not None
    assert (worked.self_check.questions[0].question, worked.self_check.questions[0].answer) == (
        "Twice 21?",
        "42.",
    )
    choice, multiple, true_false, matching, written, blanks = (e.body for e in worked.exercises)
    assert choice.items[0].prompt == "3 items"  # type: ignore[attr-defined]
    assert choice.items[0].reason == "5 in all"  # type: ignore[attr-defined]
    assert choice.items[0].boxes[0].label == "A 2"  # type: ignore[attr-defined]
    question = multiple.questions[0]  # type: ignore[attr-defined]
    assert question.prompt == "What is 5 + 2?"
    assert [o.text for o in question.options] == ["7", "3"]
    assert question.options[1].explanation == "Not 3."
    assert true_false.items[0].prompt == "7 is even"  # type: ignore[attr-defined]
    lefts = [row.left.text for row in matching.rows if row.left]  # type: ignore[attr-defined]
    rights = sorted(row.right.text for row in matching.rows if row.right)  # type: ignore[attr-defined]
    assert (lefts, rights) == (["2 s", "3 s"], ["falls 19.6 m", "falls 44.1 m"])
    assert written.questions[0].answer == "Because 9."  # type: ignore[attr-defined]
    assert blanks.blanks[0].answer == "4"  # type: ignore[attr-defined]
    assert worked.flashcards[0].question == "Square of 12?"
    assert worked.flashcards[0].answer == "144"


def test_a_local_given_is_not_seen_by_other_texts(tmp_path: Path) -> None:
    lesson = LOCAL_GIVEN.replace('answer: "{=x^2}"', 'answer: "{=x^2} and {=k}"')
    [problem] = problems_of(write(tmp_path, lesson))
    assert problem.startswith(
        "39:25: flashcards[0].answer: value '{=k}': unknown name 'k' (known here: n, x)"
    )


def test_the_same_name_with_the_same_value_may_be_given_again(tmp_path: Path) -> None:
    lesson = write(
        tmp_path,
        "title: T\nvalues: {g: 9.8}\nexercises:\n  - kind: numeric-problem\n    title: Fall\n"
        "    prompt: With g = {=g} and t = {=t}.\n    given: {g: 9.8, t: 3}\n"
        "    asked: [{label: d, formula: g * t^2 / 2}]\n",
    )
    assert load_lesson(lesson).worked.exercises[0].body.prompt == "With g = 9.8 and t = 3."  # type: ignore[attr-defined]


def test_a_name_given_another_value_inside_is_an_error_naming_both(tmp_path: Path) -> None:
    lesson = write(
        tmp_path,
        "title: T\nvalues: {g: 9.8}\nexercises:\n  - kind: computed-table\n    title: Fall\n"
        "    given: {g: 10}\n    rows: {symbol: t, values: [1]}\n    columns: [{label: d, formula: g * t}]\n",
    )
    assert problems_of(lesson) == [
        "6:16: exercises[0].given.g: 'g' is 10 here but 9.8 in `values.g`: a name has one value in a "
        "lesson, so make them equal or call this one something else, e.g. `g_2`"
    ]


# --- an exercise's answers never reach the worksheet --------------------------------------------

PROBLEM = """\
title: Free fall
exercises:
  - kind: numeric-problem
    title: Fall
    instructions: Work out d.
    prompt: A ball falls for {=t} s.
    given: {g: 9.8, t: 3}
    asked:
      - {label: Distance, symbol: d, formula: g * t^2 / 2}
      - {label: Speed, symbol: v, formula: g * t}
    discussion: It fell {=d} m and reached {=v} m/s, {=d / t; 3 significant} m/s on average.
"""


@pytest.mark.parametrize(
    "field", ["title: Fall", "instructions: Work out d.", "prompt: A ball falls for {=t} s."]
)
def test_an_answer_cannot_be_printed_on_the_worksheet(tmp_path: Path, field: str) -> None:
    lesson = write(tmp_path, PROBLEM.replace(field, field.rstrip(".") + " {=d}"))
    [problem] = problems_of(lesson)
    key = field.split(":")[0]
    assert f"exercises[0].{key}: value '{{=d}}': 'd' is an answer the student finds here" in problem


def test_the_discussion_prints_the_answers_in_the_key_only(tmp_path: Path) -> None:
    [result] = list(build([write(tmp_path, PROBLEM)], out=tmp_path / "out", format="html", templates=None))
    assert result.error is None, result.error
    folder = tmp_path / "out" / "lesson"
    key = (folder / "answer-key.html").read_text(encoding="utf-8")
    worksheet = (folder / "worksheet.html").read_text(encoding="utf-8")
    assert "It fell 44.1 m and reached 29.4 m/s, 14.7 m/s on average." in key
    assert "44.1" not in worksheet and "29.4" not in worksheet and "It fell" not in worksheet
    assert "A ball falls for 3 s." in worksheet


def test_an_answer_symbol_that_is_also_a_lesson_value_is_an_error(tmp_path: Path) -> None:
    lesson = write(tmp_path, PROBLEM.replace("title: Free fall", "title: Free fall\nvalues: {d: 44.1}"))
    assert problems_of(lesson) == [
        "4:5: exercises[0]: 'd' is the symbol of a quantity asked here and also a value in `values.d`: "
        "give it one role, or the worksheet could print the answer"
    ]


# --- the seed's card and lessons without values ---------------------------------------------------


def test_the_seed_card_computes_its_bound_from_its_own_given(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert "BC ≤ {=ε * T^2}" in text and "DAgger ≤ {=ε * T}" in text
    card = load_lesson(SEED).worked.flashcards[3]
    assert card.answer.endswith("At ε = 0.01, T = 200: BC ≤ 400, DAgger ≤ 2.")
    edited = write(tmp_path, text.replace("given: {ε: 0.01, T: 200}", "given: {ε: 0.02, T: 100}"))
    assert (
        load_lesson(edited)
        .worked.flashcards[3]
        .answer.endswith("At ε = 0.02, T = 100: BC ≤ 200, DAgger ≤ 2.")
    )


def test_text_without_values_is_kept_as_the_same_object() -> None:
    lesson = load_lesson(ROOT / "content" / "free-fall.yaml")
    assert lesson.worked.flashcards == tuple(lesson.lesson.flashcards)
    assert lesson.worked.intro is lesson.lesson.intro


def test_a_lesson_may_hold_a_limited_number_of_values() -> None:
    problems: list[LessonProblem] = []
    scope = Scope(SCOPE.values)  # a lesson's own count
    for _ in range(MAX_VALUES_PER_LESSON // MAX_VALUES_PER_TEXT):
        assert put_values("{=t}" * MAX_VALUES_PER_TEXT, scope, ("x",), problems).startswith("3")
    for _ in range(2):  # over the limit: said once, at the first text that goes over
        put_values("{=t}", scope, ("y",), problems)
    assert [(p.path, p.message) for p in problems] == [
        (("y",), "the lesson has more than 10,000 values {=…}: split it")
    ]


def test_long_expressions_are_refused_before_they_are_worked_out() -> None:
    problems: list[LessonProblem] = []
    scope = Scope(SCOPE.values)
    long = "{=t" + " " * 198 + "} "  # 201 characters of expression: 498 of them go over 100,000
    texts = [put_values(long * 5, scope, ("x",), problems) for _ in range(120)]
    assert texts[:99] == ["3 " * 5] * 99
    assert texts[99:] == [long * 5] * 21  # left as written: not worked out
    assert [p.message for p in problems] == [
        "the lesson's values {=…} have more than 100,000 characters of expressions in all: shorten them, "
        "or split the lesson"
    ]


# --- errors at the line and column inside the text, for each YAML style -------------------------

STYLES = {
    "plain": ("intro: It falls {=q} m.\n", "2:17"),
    "single-quoted": ("intro: 'It''s {=q} m.'\n", "2:15"),
    "double-quoted": ('intro: "It\\tfalls\\n{=q} m."\n', "2:20"),
    "plain over lines": ("intro: It falls\n  far, about\n\n    {=q} m.\n", "5:5"),
    "literal": ("intro: |\n  It falls\n    far, about {=q} m.\n", "4:16"),
    "folded": ("intro: >-\n  It falls\n  far,\n\n  about  {=q} m.\n", "6:10"),
    "folded, kept": ("intro: >+\n\n  It falls {=q} m.\n\n", "4:12"),
}


@pytest.mark.parametrize("style", list(STYLES))
def test_a_problem_points_inside_the_text_in_every_style(tmp_path: Path, style: str) -> None:
    body, where = STYLES[style]
    [problem] = problems_of(write(tmp_path, "title: T\n" + body))
    assert problem.startswith(f"{where}: intro: value '{{=q}}': unknown name 'q'"), problem


def test_the_cli_prints_one_located_line_and_exits_1(tmp_path: Path) -> None:
    lesson = write(
        tmp_path,
        "title: T\nvalues: {g: 9.8}\nflashcards:\n  - question: Fall?\n    answer: >-\n"
        "      In 3 s a ball falls\n      {=G * 9 / 2} m.\n",
    )
    process = subprocess.run(
        [sys.executable, "-m", "studygen", "check", str(lesson)], capture_output=True, text=True, check=False
    )
    assert process.returncode == 1
    assert process.stderr == (
        f"Error: {lesson}:7:7: flashcards[0].answer: value '{{=G * 9 / 2}}': unknown name 'G' — did you "
        "mean 'g'? (known here: g); give it a value under `values:` at the top of the lesson, or under a "
        "`given:` of this exercise, card, question or item\n"
    )
    assert process.stdout == ""


def test_the_documented_example_prints_what_the_docs_say(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "lesson-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Values in text") : doc.index("## Every key")]
    example = section[section.index("```yaml\n") + 8 : section.index("```\n", section.index("```yaml"))]
    worked = load_lesson(write(tmp_path, example)).worked
    assert f'The intro prints "{worked.intro}"' in section
    assert f'"{worked.flashcards[0].answer}".' in " ".join(section.split())


def test_a_value_with_a_unit_prints_with_its_unit_and_a_derived_one_too(tmp_path: Path) -> None:
    """`{=v}` prints `72 km/h`; `{=v * t}` prints the unit the formula gives; mixed units are refused."""
    from studygen.compute import work_out
    from studygen.lesson import load_lesson

    lesson = tmp_path / "speed.yaml"
    lesson.write_text(
        "title: Speed\n"
        "values: {v: 72 km/h, t: 2 h, d: 3 m}\n"
        "flashcards:\n"
        "  - question: How far at {=v} for {=t}?\n"
        "    answer: '{=v * t}.'\n",
        encoding="utf-8",
    )
    card = work_out(load_lesson(lesson).lesson)[0].flashcards[0]
    assert card.question == "How far at 72\u202fkm/h for 2\u202fh?"
    assert card.answer == "144\u202fkm."


def test_the_discussion_prints_answers_with_their_units_and_values_keep_the_teachers_unit(
    tmp_path: Path,
) -> None:
    """An answer's checked unit goes with it into the discussion; a value prints its unit as written."""
    from studygen.compute import work_out

    lesson = tmp_path / "fall.yaml"
    lesson.write_text(
        "title: Fall\n"
        "values: {P: 1000 euros}\n"
        "intro: 'Save {=P}; twice that is {=2 * P}.'\n"
        "exercises:\n"
        "  - kind: numeric-problem\n"
        "    title: Falling\n"
        "    prompt: A ball falls.\n"
        "    given: {g: 9.8 m/s², s: 3 s}\n"
        "    asked:\n"
        "      - {label: Speed, symbol: u, formula: g * s, unit: m/s}\n"
        "      - {label: Distance, symbol: d, formula: g * s^2 / 2, unit: m}\n"
        "    discussion: 'u is {=u}, d is {=d}, d over s is {=d / s}; d + g s² is {=d + g * s^2}.'\n",
        encoding="utf-8",
    )
    worked = work_out(load_lesson(lesson).lesson)[0]
    assert worked.intro == "Save 1000\u202feuros; twice that is 2000\u202feuros."
    assert worked.exercises[0].discussion == (
        "u is 29.4\u202fm/s, d is 44.1\u202fm, d over s is 14.7\u202fm/s; d + g s² is 132.3\u202fm."
    )


@pytest.mark.parametrize("expression", ["a / b", "v * s"])
def test_text_refuses_units_of_one_kind_that_differ_even_in_a_product(
    tmp_path: Path, expression: str
) -> None:
    lesson = tmp_path / "mixed.yaml"
    lesson.write_text(
        f"title: Mixed\nvalues: {{a: 1 km, b: 500 m, v: 72 km/h, s: 10 s}}\nintro: 'r = {{={expression}}}'\n",
        encoding="utf-8",
    )
    with pytest.raises(LessonError, match="different units of one kind"):
        load_lesson(lesson)


def test_an_unquoted_text_starting_with_a_value_says_to_quote_it(tmp_path: Path) -> None:
    lesson = tmp_path / "q.yaml"
    lesson.write_text("title: Q\nflashcards:\n  - question: {=n}\n    answer: a\n", encoding="utf-8")
    with pytest.raises(LessonError, match=r'put the text in quotes, e.g. "\{=n\} …"'):
        load_lesson(lesson)


def test_a_currency_sign_in_a_value_names_the_word_to_write(tmp_path: Path) -> None:
    lesson = tmp_path / "m.yaml"
    lesson.write_text("title: M\nvalues: {x: 5 €}\nintro: '{=x}'\n", encoding="utf-8")
    with pytest.raises(LessonError, match=r"write the currency as `euros` or `EUR` after the number"):
        load_lesson(lesson)

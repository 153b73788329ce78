"""Points and grading: points on exercises and their parts, the grading table, the key's total, the checks."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from kind_helpers import doc_example, pdf_texts, problems, write
from test_kinds import SAMPLES, body_html

from studygen.kinds import KINDS
from studygen.lesson import load_lesson

FALLING = """\
    title: Falling objects, test
    exercises:
      - kind: numeric-problem
        title: A ball dropped from a bridge
        prompt: A ball is dropped from rest and falls for 3 s.
        given: {g: 9.8, t: 3}
        asked:
          - {label: "Distance fallen, d (in m)", symbol: d, formula: g * t^2 / 2, points: 2}
          - {label: "Speed when it lands, v (in m/s)", formula: g * t, points: 1.5}
      - kind: written-answer
        title: Unscored
        questions:
          - {question: "Why?", answer: Because.}
      - kind: true-false
        title: True or false?
        points: 1
        statements:
          - {statement: A heavier ball falls faster., answer: false, points: 0.5}
          - {statement: Air slows a feather., answer: true, points: 0.5}
    """


def grading_rows(html: str) -> list[list[str]]:
    """The grading table's rows as printed: each row's header and cells, bands joined in order."""
    rows: dict[int, list[str]] = {}
    for band in re.findall(r'<table class="grading-table">(.*?)</table>', html, re.S):
        for number, row in enumerate(re.findall(r"<tr[^>]*>(.*?)</tr>", band, re.S)):
            cells = [
                re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)
            ]
            rows[number] = [*rows[number], *cells[1:]] if number in rows else cells
    return [rows[number] for number in sorted(rows)]


def test_the_grading_table_lists_the_exercises_with_points_and_the_total(tmp_path: Path) -> None:
    html = body_html(write(tmp_path, FALLING), "worksheet")
    assert grading_rows(html) == [
        ["Exercise", "1", "3", "Total"],
        ["Points", "3.5", "1", "4.5"],
        ["Score", "", "", ""],
    ]
    assert "<th>Class</th>" in html
    assert '<span class="score-blank"></span> / 4.5' in html


def test_the_worksheet_and_key_print_points_beside_exercises_and_parts(tmp_path: Path) -> None:
    lesson = write(tmp_path, FALLING)
    for document in ("worksheet", "answer-key"):
        html = body_html(lesson, document)
        headings = re.findall(r"<h2>(.*?)</h2>", html)
        assert headings == [
            '<span class="points">3.5 points</span><span class="exercise-number">1.</span> '
            "A ball dropped from a bridge",
            '<span class="exercise-number">2.</span> Unscored',
            '<span class="points">1 point</span><span class="exercise-number">3.</span> True or false?',
        ]
        parts = re.findall(r'<span class="item-points">(.*?)</span>', html)
        assert parts == ["2 points", "1.5 points", "0.5 points", "0.5 points"]
    texts = pdf_texts(lesson, tmp_path)
    assert "Exercise 1 3 Total Points 3.5 1 4.5 Score" in texts["worksheet"]
    assert "Total: 4.5 points" in texts["answer-key"]
    assert "Total: 4.5" not in texts["worksheet"]
    assert "Exercise 1 3 Total" not in texts["answer-key"]


def test_the_worked_lesson_carries_points_for_exports(tmp_path: Path) -> None:
    worked = load_lesson(write(tmp_path, FALLING)).worked
    problem, written, statements = worked.exercises
    assert [exercise.points.value if exercise.points else None for exercise in worked.exercises] == [
        Decimal("3.5"),
        None,
        Decimal(1),
    ]
    assert [asked.points.value for asked in problem.body.asked if asked.points] == [2, Decimal("1.5")]  # type: ignore[attr-defined]
    assert written.body.part_points() == (None,)
    assert [points.label for points in statements.body.part_points() if points] == ["0.5 points"] * 2
    assert worked.points is not None and worked.points.value == Decimal("4.5")
    assert worked.grading is not None and worked.grading.key_total == "Total: 4.5 points"


def test_each_kinds_parts_carry_their_points(tmp_path: Path) -> None:
    """Each kind with parts takes `points` on every part (a table's on each column) and prints them."""
    import yaml

    parts = {
        "computed-table": "columns",
        "choice": "items",
        "numeric-problem": "asked",
        "multiple-choice": "questions",
        "true-false": "statements",
        "matching": "pairs",
        "written-answer": "questions",
    }
    assert set(parts) | {"fill-in-the-blanks"} == set(KINDS)
    for kind, key in parts.items():
        data = yaml.safe_load((SAMPLES / f"{kind}.yaml").read_text(encoding="utf-8"))
        [exercise] = data["exercises"]
        for part in exercise[key]:
            part["points"] = "1.5"
        file = tmp_path / f"{kind}.yaml"
        file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        count = len(exercise[key])
        [worked] = load_lesson(file).worked.exercises
        assert worked.points is not None and worked.points.value == Decimal("1.5") * count, kind
        assert [p.label for p in worked.body.part_points() if p] == ["1.5 points"] * count, kind
        for document in ("worksheet", "answer-key"):
            printed = re.findall(r'class="(?:item|column)-points">1.5 points<', body_html(file, document))
            assert len(printed) == count, (kind, document)


def test_fill_in_the_blanks_gives_points_each_blank(tmp_path: Path) -> None:
    lesson = write(
        tmp_path,
        """\
        title: Words
        exercises:
          - kind: fill-in-the-blanks
            title: Words to know
            points_each: 0.5
            text: An object in [[free fall]] speeds up by [[9.8]] m/s each [[second]].
        """,
    )
    [exercise] = load_lesson(lesson).worked.exercises
    assert exercise.points is not None and exercise.points.label == "1.5 points"
    assert [blank.points.value for blank in exercise.body.blanks] == [Decimal("0.5")] * 3  # type: ignore[attr-defined]


def test_halves_print_as_numbers_do_and_one_point_is_singular(tmp_path: Path) -> None:
    lesson = write(
        tmp_path,
        """\
        title: Halves
        exercises:
          - {kind: written-answer, title: A, points: 0.5, questions: [{question: "Why?", answer: So.}]}
          - {kind: written-answer, title: B, points: 1, questions: [{question: "Why?", answer: So.}]}
          - {kind: written-answer, title: C, points: "2.50", questions: [{question: "Why?", answer: So.}]}
          - {kind: written-answer, title: D, points: 0, questions: [{question: "Why?", answer: So.}]}
        """,
    )
    worked = load_lesson(lesson).worked
    assert [exercise.points.label for exercise in worked.exercises if exercise.points] == [
        "0.5 points",
        "1 point",
        "2.5 points",
        "0 points",
    ]
    assert worked.grading is not None
    assert [row.points.number for row in worked.grading.rows] == ["0.5", "1", "2.5", "0"]
    assert worked.grading.total.number == "4"


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("0.3", "0.3 is not a whole or half point: points go in halves, such as `1`, `1.5` or `2`"),
        ("1.25", "1.25 is not a whole or half point: points go in halves, such as `1`, `1.5` or `2`"),
        ("-1", "points cannot be negative: write 0 or more, not \u22121"),
        ("nan", "expected a finite number, got 'nan'"),
        ("1e999", "the number is too large (more than 100 digits)"),
        (
            "100.5",
            "100.5 points is more than 100, the most one exercise, part or item is worth: give fewer, "
            "or split the exercise",
        ),
    ],
)
def test_points_other_than_halves_from_0_to_100_are_refused_at_their_line(
    tmp_path: Path, points: str, message: str
) -> None:
    lesson = write(
        tmp_path,
        f"""\
        title: Bad points
        exercises:
          - kind: true-false
            title: A
            statements:
              - statement: X.
                answer: true
                points: {points}
        """,
    )
    assert problems(lesson) == [f"8:17: exercises[0].statements[0].points: {message}"]


def test_an_exercise_whose_parts_disagree_is_refused_with_both_totals(tmp_path: Path) -> None:
    lesson = write(
        tmp_path,
        """\
        title: Disagree
        exercises:
          - kind: true-false
            title: A
            points: 2
            statements:
              - {statement: X., answer: true, points: 1}
              - {statement: Y., answer: true, points: 0.5}
          - kind: fill-in-the-blanks
            title: B
            points: 3
            points_each: 1
            text: A [[b]] c [[d]].
        """,
    )
    assert problems(lesson) == [
        "5:13: exercises[0].points: the exercise is worth 2 points, but the points of its `statements` "
        "add up to 1.5 points: make them agree, or give points in one place only",
        "11:13: exercises[1].points: the exercise is worth 3 points, but its 2 blanks at `points_each` "
        "add up to 2 points: make them agree, or give points in one place only",
    ]


def test_a_part_without_points_among_parts_with_points_is_refused(tmp_path: Path) -> None:
    lesson = write(
        tmp_path,
        """\
        title: Forgotten
        exercises:
          - kind: multiple-choice
            title: A
            questions:
              - prompt: Q?
                points: 1
                options: [{text: a, correct: true}, {text: b}]
              - prompt: R?
                options: [{text: a, correct: true}, {text: b}]
        """,
    )
    assert problems(lesson) == [
        "9:9: exercises[0].questions[1]: this one gives no `points`, but 1 of the 2 in `questions` do: "
        "give each of them points (0 is allowed), or none of them"
    ]


def test_parts_adding_up_to_more_than_an_exercise_may_be_worth_are_refused(tmp_path: Path) -> None:
    statements = "\n".join(f"      - {{statement: S{n}., answer: true, points: 50}}" for n in range(3))
    lesson = write(
        tmp_path,
        f"title: Many\nexercises:\n  - kind: true-false\n    title: A\n    statements:\n{statements}\n",
    )
    assert problems(lesson) == [
        "6:7: exercises[0].statements: the points of its `statements` add up to 150 points; an exercise is "
        "worth at most 100: give fewer points, or split the exercise"
    ]


def test_a_lesson_without_points_prints_none_of_it(tmp_path: Path) -> None:
    """No grading table, fields or numbers; the golden HTML of tests/kinds (no points) pins the rest."""
    for name in KINDS:
        assert "points" not in (SAMPLES / f"{name}.yaml").read_text(encoding="utf-8")
    lesson = write(tmp_path, re.sub(r",? ?points: [0-9.]+,?", "", FALLING).replace("    points: 1\n", ""))
    worked = load_lesson(lesson).worked
    assert worked.points is None and worked.grading is None
    assert all(exercise.points is None for exercise in worked.exercises)
    for document in ("worksheet", "answer-key"):
        html = body_html(lesson, document)
        for mark in ("grading", "points", "exercise-number", "Class", "Score", "Total"):
            assert mark not in html, (document, mark)
        assert "<h2>A ball dropped from a bridge</h2>" in html


def test_titles_numbered_by_hand_are_not_numbered_again(tmp_path: Path) -> None:
    numbered = FALLING.replace("title: A ball", "title: 1. A ball").replace(
        "title: Unscored", "title: 2) Unscored"
    )
    lesson = write(tmp_path, numbered.replace("title: True or", "title: 3) True or"))
    html = body_html(lesson, "worksheet")
    assert "exercise-number" not in html
    assert '<h2><span class="points">3.5 points</span>1. A ball dropped from a bridge</h2>' in html
    worked = load_lesson(write(tmp_path, numbered, "partly.yaml")).worked
    assert worked.grading is not None and worked.grading.numbered  # one title lacks its number


def worksheet_pages(file: Path, paper: str) -> list[str]:
    """Render a lesson's worksheet alone, as a build's worker does, and return each page's text."""
    import io

    from pypdf import PdfReader

    from studygen.build import Job, render_lesson
    from studygen.source import MAX_FILE_BYTES

    [document] = render_lesson(Job(file, ("worksheet",), paper, "pdf", None, MAX_FILE_BYTES)).files
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(document.data)).pages]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_fifty_exercises_with_points_keep_the_grading_table_whole_on_page_one(
    tmp_path: Path, paper: str
) -> None:
    exercises = "".join(
        f"  - {{kind: true-false, title: Set {n + 1}, points: {1 + n % 4 / 2}, "
        "statements: [{statement: A heavier ball falls faster., answer: false}]}\n"
        for n in range(50)
    )
    scored = worksheet_pages(write(tmp_path, f"title: Fifty\nexercises:\n{exercises}"), paper)
    pointless = re.sub(r"points: [0-9.]+, ", "", f"title: Fifty\nexercises:\n{exercises}")
    unscored = worksheet_pages(write(tmp_path, pointless, "none.yaml"), paper)
    assert len(unscored) <= len(scored) <= len(unscored) + 1  # the table takes half a page at most
    first = scored[0]
    assert "Exercise 1 2 3 4 5 6 7 8 9 10 Points 1 1.5 2 2.5" in first
    assert "Exercise 41 42 43 44 45 46 47 48 49 50 Total Points 1 1.5 2 2.5 1 1.5 2 2.5 1 1.5 86.5" in first
    assert "1. Set 1" in first  # the exercises start on page 1, under the table
    rest = " ".join(scored[1:])
    assert "Exercise" not in rest and "Total" not in rest


def test_the_docs_example_is_worth_what_the_docs_say(tmp_path: Path) -> None:
    worked = load_lesson(write(tmp_path, doc_example("Points and grading"))).worked
    assert worked.points is not None and worked.points.label == "6.5 points"
    assert [row.points.number for row in worked.grading.rows] == ["3.5", "2", "1"]  # type: ignore[union-attr]

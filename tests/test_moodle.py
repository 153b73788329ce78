"""`studygen export --to moodle`: the XML parsed back and checked against the structure Moodle imports."""

from __future__ import annotations

import base64
import html
import re
import struct
import zlib
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner, Result

from studygen.cli import cli

ROOT = Path(__file__).parents[1]
SEED = ROOT / "content" / "imitation-learning.yaml"

EVERY_KIND = r"""
title: "Forces / motion: <b>every</b> kind"
exercises:
  - kind: multiple-choice
    title: Pick
    instructions: Choose carefully.
    questions:
      - prompt: What does a heavier ball do in a vacuum?
        options:
          - {text: It falls faster., explanation: Mass does not matter without air.}
          - {text: It falls at the same rate., correct: true}
      - prompt: Which are forces?
        options:
          - {text: Weight, correct: true}
          - {text: Drag, correct: true}
          - {text: Speed, correct: true}
          - {text: Mass}
  - kind: true-false
    title: Judge
    statements:
      - {statement: Air slows a feather., answer: true, explanation: Drag is large for its weight.}
      - {statement: "A hammer falls faster on the Moon.", answer: false}
  - kind: numeric-problem
    title: Drop
    prompt: A ball is dropped and falls for 3 s.
    given: {m: 0.5, g: 9.8, t: 3}
    asked:
      - {label: "Distance fallen, d", symbol: d, formula: g * t^2 / 2, unit: m}
      - {label: "Speed, v", symbol: v, formula: g * t, unit: m/s}
      - {label: "Energy, E", symbol: E, formula: m * v^2 / 2, unit: J, significant: 3}
      - {label: "A third", formula: 1 / 3, decimals: 2}
  - kind: computed-table
    title: Bounds
    given: {ε: 0.05}
    rows: {symbol: T, values: [50, 200]}
    columns:
      - {label: BC, formula: ε * T^2}
  - kind: fill-in-the-blanks
    title: Gaps
    instructions: "Fill in {1:SHORTANSWER:=free} each gap."
    text: |
      The [[chloroplasts|chloroplast]] absorb light; the odd one is [[a}b#c~d/e"f\g*h]] and
      [[{1:SHORTANSWER:=x}]].
  - kind: matching
    title: Meters
    pairs:
      - {left: Ammeter, right: Current}
      - {left: Voltmeter, right: Potential difference}
    extra_right: [Charge]
  - kind: written-answer
    title: Explain
    questions:
      - question: Why does a feather fall slowly?
        answer: Drag is large compared with its weight.
        marking: One mark for drag.
  - kind: choice
    title: Classify
    options:
      - {id: yes, label: "Yes"}
      - {id: no, label: "No"}
    items:
      - {prompt: A ball in a vacuum., answer: yes, reason: No air.}
      - {prompt: A trick item., answer: none, verdict: Neither.}
"""


def run(*args: str | Path) -> Result:
    """Run the CLI in the current (temporary) folder."""
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def export(tmp_path: Path, text: str, name: str = "forces.yaml") -> ET.Element:
    """Write a lesson, export it to Moodle and parse the file written."""
    lesson = tmp_path / name
    lesson.write_text(text, encoding="utf-8")
    out = tmp_path / "out.xml"
    result = run("export", lesson, "--to", "moodle", "-o", out)
    assert result.exit_code == 0, result.output
    return ET.fromstring(out.read_bytes())


@pytest.fixture
def quiz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ET.Element:
    monkeypatch.chdir(tmp_path)
    return export(tmp_path, EVERY_KIND)


def questions(quiz: ET.Element, kind: str) -> list[ET.Element]:
    """The questions of one Moodle type, in file order."""
    return [q for q in quiz.findall("question") if q.get("type") == kind]


def text(element: ET.Element | None, path: str = "text") -> str:
    """The text of a `<text>` under element (empty if none)."""
    assert element is not None
    found = element.find(path)
    assert found is not None, path
    return found.text or ""


def fractions(question: ET.Element) -> list[Decimal]:
    return [Decimal(str(answer.get("fraction"))) for answer in question.findall("answer")]


def test_every_kind_in_one_lesson_gives_every_question_type_with_name_and_html_text(quiz: ET.Element) -> None:
    kinds = [q.get("type") for q in quiz.findall("question")]
    assert kinds[0] == "category"
    assert set(kinds) == {"category", "multichoice", "truefalse", "numerical", "cloze", "matching", "essay"}
    for question in quiz.findall("question")[1:]:
        assert text(question.find("name"))
        questiontext = question.find("questiontext")
        assert questiontext is not None and questiontext.get("format") == "html"
        assert text(questiontext)
        assert question.find("hidden") is not None and question.find("penalty") is not None


def test_every_exercise_kind_has_a_moodle_mapping() -> None:
    from studygen.exports.question_bank import _MAPPINGS
    from studygen.kinds import KINDS

    assert set(_MAPPINGS) == set(KINDS)


def test_one_right_option_is_a_single_answer_multichoice_lettered_as_printed(quiz: ET.Element) -> None:
    single = questions(quiz, "multichoice")[0]
    assert text(single, "name/text") == "01.01 Pick: What does a heavier ball do in a vacuum?"
    assert single.findtext("single") == "true"
    assert single.findtext("answernumbering") == "ABCD"
    assert single.findtext("shuffleanswers") == "false"
    assert fractions(single) == [0, 100]
    assert text(single.find("answer"), "feedback/text") == "Mass does not matter without air."
    assert text(single, "questiontext/text") == (
        "<p>Choose carefully.</p>\n<p>What does a heavier ball do in a vacuum?</p>"
    )
    assert "Answer: B" in text(single, "generalfeedback/text")


def test_several_right_options_share_the_grade_and_a_wrong_tick_takes_a_share_off(quiz: ET.Element) -> None:
    several = questions(quiz, "multichoice")[1]
    assert several.findtext("single") == "false"
    assert fractions(several) == [Decimal("33.33333")] * 3 + [Decimal("-33.33333")]
    # Moodle accepts a multiple-answer question whose right answers add up to 100 % (within its rounding).
    assert abs(sum(f for f in fractions(several) if f > 0) - 100) < Decimal("0.0001")


def test_true_false_statements_are_truefalse_with_the_right_answer_at_100(quiz: ET.Element) -> None:
    first, second = questions(quiz, "truefalse")
    for question, right in ((first, "true"), (second, "false")):
        answers = {text(a): Decimal(str(a.get("fraction"))) for a in question.findall("answer")}
        assert answers == {"true": 100 if right == "true" else 0, "false": 100 if right == "false" else 0}
        assert {a.get("format") for a in question.findall("answer")} == {"moodle_auto_format"}
    assert "Drag is large for its weight." in text(first, "generalfeedback/text")


def test_numeric_answers_are_numerical_exact_or_with_half_a_unit_of_the_last_printed_place(
    quiz: ET.Element,
) -> None:
    problem = [q for q in questions(quiz, "numerical") if text(q, "name/text").startswith("03.")]
    answers = [(text(q.find("answer")), q.findtext("answer/tolerance")) for q in problem]
    # d = 44.1 exactly; v = 29.4 exactly; E = 216.09 printed to 3 figures; 1/3 printed to 2 decimals.
    assert answers == [("44.1", "0"), ("29.4", "0"), ("216", "0.5"), ("0.33", "0.005")]
    units = [[u.findtext("unit_name") for u in q.findall("units/unit")] for q in problem]
    assert units == [["m"], ["m/s"], ["J"], []]
    assert [u.findtext("multiplier") for u in problem[0].findall("units/unit")] == ["1"]
    assert problem[0].findtext("defaultgrade") == "1.0000000"
    assert (
        text(problem[0], "generalfeedback/text")
        == "<p>d = g · t² / 2 = 9.8 · 3² / 2 = 9.8 · 9 / 2 = 88.2 / 2 = 44.1\u202fm</p>"
    )
    assert text(problem[0], "questiontext/text").endswith(
        "<p>Given: m = 0.5, g = 9.8, t = 3</p>\n<p>Distance fallen, d (m)</p>"
    )


def test_each_table_cell_is_a_numerical_question_for_its_row(quiz: ET.Element) -> None:
    cells = [q for q in questions(quiz, "numerical") if text(q, "name/text").startswith("04.")]
    assert [text(q.find("answer")) for q in cells] == ["125", "2000"]
    assert [text(q, "name/text") for q in cells] == ["04.01 Bounds: T = 50, BC", "04.02 Bounds: T = 200, BC"]
    assert "T = 200: BC = ε · T²" in text(cells[1], "questiontext/text")
    assert "0.05 · 200² = 0.05 · 40000 = 2000" in text(cells[1], "generalfeedback/text")


def test_rounded_answers_in_scientific_notation_and_zero_get_the_tolerance_of_their_last_digit() -> None:
    from studygen.exports.question_bank import tolerance
    from studygen.formulas import Working

    def working(value: str, answer: str, printed: str) -> Working:
        return Working(Decimal(value), (answer,), (), Decimal(printed))

    assert tolerance(working("125357", "1.25 \u00d7 10⁵", "125000")) == "500"
    assert tolerance(working("0.0004", "0.00", "0")) == "0.005"
    assert tolerance(working("1157.625", "1,157.63", "1157.63")) == "0.005"
    assert tolerance(working("1157.625", "1.157,63", "1157.63")) == "0.005"
    assert tolerance(working("2.5", "2.50", "2.5")) == "0"


# --- cloze: read back as Moodle's own parser reads it ---------------------------------------------------

# Moodle's qtype_multianswer_extract_question (question/type/multianswer/questiontype.php): a blank starts
# at `{N:TYPE:`; an answer runs to the first `~`, `#` or `}` not after `\` or `&`; then character
# references are decoded and `\}`, `\#` unescaped.
_ANSWER = r"(?:=|%-?[0-9]+%)?(.+?(?<!\\|&)(?=[~#}]|$))(?:#.*?(?<!\\)(?=[~}]|$))?"
_BLANK = re.compile(
    r"\{([0-9]*):(SHORTANSWER|SA|MW|NUMERICAL|NM|MULTICHOICE|MC):(" + _ANSWER + r"(?:~" + _ANSWER + r")*)\}"
)


def moodle_blanks(questiontext: str) -> list[list[str]]:
    """Each blank's accepted answers, as Moodle's cloze parser reads them (`\\*` is a literal star)."""
    blanks = []
    for match in _BLANK.finditer(questiontext):
        answers = [m.group(1) for m in re.finditer("~?" + _ANSWER, match.group(3))]
        decoded = [html.unescape(a).replace("\\}", "}").replace("\\#", "#") for a in answers]
        blanks.append([a.replace("\\*", "*") for a in decoded])
    return blanks


def test_blanks_are_one_cloze_whose_answers_moodle_reads_back_exactly(quiz: ET.Element) -> None:
    (cloze,) = questions(quiz, "cloze")
    questiontext = text(cloze, "questiontext/text")
    assert "{1:SHORTANSWER:=chloroplasts~=chloroplast}" in questiontext
    # Three blanks, no more: the instructions' and an answer's `{1:SHORTANSWER:…}` are text.
    assert moodle_blanks(questiontext) == [
        ["chloroplasts", "chloroplast"],
        ['a}b#c~d/e"f\\g*h'],
        ["{1:SHORTANSWER:=x}"],
    ]
    assert "\\*" in questiontext  # a star is the short answer's wildcard unless escaped
    assert cloze.find("defaultgrade") is None  # Moodle adds the blanks' marks up itself


def test_matching_pairs_are_subquestions_and_extra_right_items_have_empty_text(quiz: ET.Element) -> None:
    (matching,) = questions(quiz, "matching")
    rows = [(text(s), text(s, "answer/text")) for s in matching.findall("subquestion")]
    assert rows == [("Ammeter", "Current"), ("Voltmeter", "Potential difference"), ("", "Charge")]
    assert {s.get("format") for s in matching.findall("subquestion")} == {"html"}


def test_written_answers_are_essays_with_the_model_answer_and_marking_for_the_grader(
    quiz: ET.Element,
) -> None:
    (essay,) = questions(quiz, "essay")
    assert essay.findtext("responseformat") == "editor"
    assert essay.findtext("responserequired") == "1"
    grader = essay.find("graderinfo")
    assert grader is not None and grader.get("format") == "html"
    assert text(grader) == (
        "<p>Drag is large compared with its weight.</p>\n<p><strong>Marking:</strong> One mark for drag.</p>"
    )


def test_a_choice_item_is_a_multichoice_and_an_item_no_option_fits_answers_none_of_these(
    quiz: ET.Element,
) -> None:
    first, trick = [q for q in questions(quiz, "multichoice") if text(q, "name/text").startswith("08.")]
    for question, right in ((first, "Yes"), (trick, "None of these")):
        answers = {text(a): Decimal(str(a.get("fraction"))) for a in question.findall("answer")}
        assert answers == {label: 100 if label == right else 0 for label in ("Yes", "No", "None of these")}
    assert "No air." in text(first.findall("answer")[0], "feedback/text")
    assert "Neither." in text(trick, "generalfeedback/text")


# --- categories, names, bytes ---------------------------------------------------------------------------


def test_each_lesson_is_a_category_under_studygen_with_a_slash_in_its_title_doubled(quiz: ET.Element) -> None:
    category = quiz.find("question")
    assert category is not None and category.get("type") == "category"
    assert text(category, "category/text") == "$course$/studygen/Forces // motion: <b>every<//b> kind"


def test_each_version_is_a_category_of_its_own_under_its_lesson(tmp_path: Path) -> None:
    from studygen.exports import moodle
    from studygen.exports.question_bank import bank_of_versions
    from studygen.lesson import load_lesson
    from studygen.variants import Version

    lesson = tmp_path / "forces.yaml"
    lesson.write_text(EVERY_KIND, encoding="utf-8")
    worked = load_lesson(lesson).worked
    bank = bank_of_versions(lesson, [Version(n, f"Version {n}", worked) for n in (1, 2)])
    assert bank is not None
    quiz = ET.fromstring(moodle.write([bank]))
    paths = [text(q, "category/text") for q in questions(quiz, "category")]
    title = "$course$/studygen/Forces // motion: <b>every<//b> kind"
    assert paths == [f"{title}/Version 1", f"{title}/Version 2"]
    names = [text(q, "name/text") for q in quiz.findall("question") if q.get("type") != "category"]
    assert bank.count == len(names) == 2 * 15
    assert names[: len(names) // 2] == names[len(names) // 2 :]  # each version names its questions alike


def test_a_folder_gives_one_file_with_a_category_per_lesson_and_the_same_bytes_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    course = tmp_path / "course"
    course.mkdir()
    (course / "a.yaml").write_text(EVERY_KIND, encoding="utf-8")
    (course / "b.yaml").write_text(EVERY_KIND.replace("every</b> kind", "second"), encoding="utf-8")
    (course / "cards.yaml").write_text('title: Cards\nflashcards:\n  - {question: "Q?", answer: A.}\n')
    result = run("export", course, "--to", "moodle")
    assert result.exit_code == 0, result.output
    assert "cards.yaml: no exercises, nothing to export" in result.output
    assert "a.yaml: 15 questions in category 'Forces / motion: <b>every</b> kind'" in result.output
    first = (tmp_path / "output" / "course.moodle.xml").read_bytes()
    paths = [text(q, "category/text") for q in questions(ET.fromstring(first), "category")]
    assert paths == [
        "$course$/studygen/Forces // motion: <b>every<//b> kind",
        "$course$/studygen/Forces // motion: <b>second",
    ]
    assert run("export", course, "--to", "moodle").exit_code == 0
    assert (tmp_path / "output" / "course.moodle.xml").read_bytes() == first


def test_a_lesson_without_exercises_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cards.yaml").write_text('title: Cards\nflashcards:\n  - {question: "Q?", answer: A.}\n')
    result = CliRunner().invoke(cli, ["export", "cards.yaml", "--to", "moodle"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: cards.yaml: the lesson has no exercises to export: add an `exercises:` list "
        "(see docs/lesson-format.md)"
    )
    assert not (tmp_path / "output").exists()


def test_the_seed_lesson_exports_its_table_cells_and_choice_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("export", SEED, "--to", "moodle", "-o", "seed.xml")
    assert result.exit_code == 0, result.output
    quiz = ET.fromstring((tmp_path / "seed.xml").read_bytes())
    assert [text(q.find("answer")) for q in questions(quiz, "numerical")] == [
        "125",
        "2.5",
        "2000",
        "10",
        "50000",
        "50",
    ]


# --- hostile text -----------------------------------------------------------------------------------------

HOSTILE = """
title: "Ends ]]> here <script>alert(1)</script>"
exercises:
  - kind: written-answer
    title: "]]><script>x</script>"
    questions:
      - question: "Close the CDATA ]]> and <script>alert(1)</script> @@PLUGINFILE@@/x"
        answer: "<img src=x onerror=alert(1)>"
"""


def test_hostile_text_stays_text_the_file_parses_and_no_tag_reaches_moodle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    quiz = export(tmp_path, HOSTILE)
    (essay,) = questions(quiz, "essay")
    assert (
        text(essay, "name/text")
        == "01.01 ]]><script>x</script>: Close the CDATA ]]> and <script>alert(1)</script>…"
    )
    questiontext = text(essay, "questiontext/text")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in questiontext and "<script" not in questiontext
    assert "Close the CDATA ]]&gt; and" in questiontext  # text, in escaped XML rather than CDATA
    assert text(essay, "graderinfo/text") == "<p>&lt;img src=x onerror=alert(1)&gt;</p>"


# --- images ---------------------------------------------------------------------------------------------


def png() -> bytes:
    """A valid 1x1 PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
        + chunk(b"IEND", b"")
    )


def test_images_travel_inside_the_text_that_shows_them_as_base64_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "graph.png").write_bytes(png())
    lesson = """
title: Graphs
exercises:
  - kind: true-false
    title: Read it
    statements:
      - {statement: "![the graph](graph.png) The line rises.", answer: true}
"""
    quiz = export(tmp_path, lesson)
    (question,) = questions(quiz, "truefalse")
    questiontext = question.find("questiontext")
    assert questiontext is not None
    (file,) = questiontext.findall("file")
    name = str(file.get("name"))
    assert re.fullmatch(r"studygen-[0-9a-f]{16}\.png", name)
    assert file.get("encoding") == "base64" and file.get("path") == "/"
    assert base64.b64decode(file.text or "") == png()
    assert f'src="@@PLUGINFILE@@/{name}"' in text(questiontext)
    assert question.find("generalfeedback/file") is None  # a file goes with the text that shows it


# --- Moodle's own fixtures ------------------------------------------------------------------------------

# The elements of questions in Moodle's import test fixtures (moodle/moodle, question/format/xml/tests/
# fixtures/): true/false and essay from nested_categories_with_questions.xml, multiple choice from
# multichoice.xml, cloze from multianswer.xml. Structure only: the files themselves are not copied here.
# Moodle's `idnumber` is optional and left out: a second import of a lesson would collide on it.
MOODLE_ELEMENTS = {
    "truefalse": "name questiontext generalfeedback defaultgrade penalty hidden idnumber answer",
    "multichoice": "name questiontext generalfeedback defaultgrade penalty hidden single shuffleanswers "
    "answernumbering correctfeedback partiallycorrectfeedback incorrectfeedback answer",
    "essay": "name questiontext generalfeedback defaultgrade penalty hidden idnumber responseformat "
    "responserequired responsefieldlines attachments attachmentsrequired graderinfo responsetemplate",
    "cloze": "name questiontext generalfeedback penalty hidden",
}
"""Each type's elements in order, an `answer` standing for all of a question's answers."""
MOODLE_ANSWER = (["format", "fraction"], ["text", "feedback"])
MOODLE_HTML_FIELDS = {"questiontext", "generalfeedback", "feedback", "graderinfo", "responsetemplate"}
MOODLE_HTML_FIELDS |= {"correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"}


@pytest.mark.parametrize("kind", sorted(MOODLE_ELEMENTS))
def test_questions_have_the_elements_of_moodles_own_fixtures_in_their_order(
    quiz: ET.Element, kind: str
) -> None:
    question = questions(quiz, kind)[0]
    expected = [tag for tag in MOODLE_ELEMENTS[kind].split() if tag != "idnumber"]
    tags = [child.tag for child in question]
    assert [tag for n, tag in enumerate(tags) if tag != "answer" or tags[n - 1] != "answer"] == expected
    for answer in question.findall("answer"):
        assert (sorted(answer.attrib), [child.tag for child in answer]) == MOODLE_ANSWER
    for field in question.iter():
        if field.tag in MOODLE_HTML_FIELDS:
            assert field.get("format") == "html" and field.find("text") is not None, field.tag


POINTS = """\
title: Graded
exercises:
  - kind: true-false
    title: Statements
    statements:
      - {statement: Ice floats., answer: true, points: 1.5}
      - {statement: Lead floats., answer: false, points: 0.5}
  - kind: written-answer
    title: Explain
    points: 3
    questions:
      - {question: "Why does ice float?", answer: It is less dense than water.}
      - {question: "Why does lead sink?", answer: It is denser than water.}
  - kind: computed-table
    title: Speeds
    given: {g: 10}
    rows: {symbol: t, values: [1, 2, 3, 4]}
    columns:
      - {label: v, formula: g * t, points: 2}
  - kind: matching
    title: Pairs
    points: 2.5
    pairs:
      - {left: ice, right: floats}
      - {left: lead, right: sinks}
"""


def test_points_become_each_questions_mark(tmp_path: Path) -> None:
    """An item's points are its mark; an exercise's are shared by its questions, a column's by its cells."""
    marks = [
        q.findtext("defaultgrade")
        for q in export(tmp_path, POINTS).iter("question")
        if q.get("type") != "category"
    ]
    assert marks == ["1.5000000", "0.5000000", "1.5000000", "1.5000000", *["0.5000000"] * 4, "2.5000000"]


DRAWN = """\
title: Drop
exercises:
  - kind: numeric-problem
    title: A dropped ball
    prompt: A ball falls from rest for t seconds.
    given: {g: 10, t: [1, 2, 3, 4, 5, 6, 7, 8]}
    asked:
      - {label: Distance, formula: g * t^2 / 2}
"""


def test_export_variants_gives_each_version_its_category_with_its_own_answers(tmp_path: Path) -> None:
    lesson = tmp_path / "drop.yaml"
    lesson.write_text(DRAWN, encoding="utf-8")
    out = tmp_path / "drop.xml"
    result = run("export", lesson, "--to", "moodle", "--variants", "3", "--seed", "1", "-o", out)
    assert result.exit_code == 0, result.output
    quiz = ET.fromstring(out.read_bytes())
    paths = [text(q, "category/text") for q in questions(quiz, "category")]
    assert paths == [f"$course$/studygen/Drop/Version {n}" for n in (1, 2, 3)]
    answers = [text(q.find("answer")) for q in questions(quiz, "numerical")]
    texts = [text(q, "questiontext/text") for q in questions(quiz, "numerical")]
    # Each version's answer is 5 t² for the t its own question text gives.
    given = [int(re.search(r"t = (\d)", question).group(1)) for question in texts]  # type: ignore[union-attr]
    assert answers == [str(5 * t * t) for t in given]
    assert len(set(given)) > 1
    assert run("export", lesson, "--to", "moodle", "--variants", "3", "--seed", "1", "-o", out).exit_code == 0
    assert ET.fromstring(out.read_bytes()) is not None


def test_variants_are_refused_for_a_format_of_flashcards(tmp_path: Path) -> None:
    lesson = tmp_path / "drop.yaml"
    lesson.write_text(DRAWN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", str(lesson), "--to", "anki", "--variants", "2"])
    assert result.exit_code == 2
    assert "--variants makes versions of the exercises, which only --to moodle exports" in result.stderr

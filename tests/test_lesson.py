"""Loading lessons: every problem reported at once, at its line, column and key, in plain words."""

from __future__ import annotations

import typing
from decimal import Decimal
from pathlib import Path

import pytest
from kind_helpers import problems, write
from pydantic.fields import FieldInfo

from studygen import reference
from studygen.errors import LessonError
from studygen.formulas.units import Quantity
from studygen.kinds import EXERCISE_KINDS
from studygen.kinds.choice import Choice
from studygen.kinds.computed_table import ComputedTable, WorkedTable
from studygen.lesson import load_lesson
from studygen.lesson_files import find_lessons
from studygen.model import Lesson

SEED = Path(__file__).parents[1] / "content" / "imitation-learning.yaml"

TABLE = """\
title: Bounds
exercises:
  - kind: computed-table
    title: Compute
    given:
      ε: 0.05
    rows:
      symbol: T
      values: [50, 200]
    columns:
      - label: BC
        formula: ε * T^2
"""

CHOICE = """\
title: x
exercises:
  - kind: choice
    title: Sort
    options:
      - {{id: adequate, label: Adequate}}
      - {{id: breaks, label: Breaks}}
    items:
      - prompt: One
        answer: {answer}
"""


def test_seed_lesson_loads_with_every_part() -> None:
    loaded = load_lesson(SEED)
    lesson = loaded.lesson
    assert loaded.slug == "imitation-learning"
    assert lesson.title == "Practice: Imitation learning and behavioral cloning"
    assert lesson.self_check is not None and len(lesson.self_check.questions) == 6
    assert len(lesson.flashcards) == 9
    table, choice = lesson.exercises
    assert isinstance(table, ComputedTable) and isinstance(choice, Choice)
    assert table.given == {"ε": Quantity(Decimal("0.05"))}
    assert table.rows.values == [Quantity(Decimal(n)) for n in (50, 200, 1000)]
    assert [item.answer for item in choice.items] == [
        "adequate",
        "likely-to-break",
        "adequate",
        "likely-to-break",
        "none",
    ]


def seed_table() -> WorkedTable:
    """The seed's computed table as worked out for printing."""
    table = load_lesson(SEED).worked.exercises[0].body
    assert isinstance(table, WorkedTable)
    return table


def test_seed_table_is_computed() -> None:
    table = seed_table()
    assert table.headings == ("BC = ε · T²", "DAgger = ε · T")
    assert table.given == ("ε = 0.05",)
    assert [[cell.answer for cell in row.cells] for row in table.rows] == [
        ["125", "2.5"],
        ["2000", "10"],
        ["50000", "50"],
    ]
    assert [row.cells[0].line() for row in table.rows] == [
        "0.05 · 50² = 0.05 · 2500 = 125",
        "0.05 · 200² = 0.05 · 40000 = 2000",
        "0.05 · 1000² = 0.05 · 1000000 = 50000",
    ]
    assert [row.cells[1].line() for row in table.rows] == [
        "0.05 · 50 = 2.5",
        "0.05 · 200 = 10",
        "0.05 · 1000 = 50",
    ]


def test_all_problems_reported_at_once_with_lines_and_keys(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """\
        titel: Typo in a key
        language: 12 34
        self_check:
          questions:
            - question: What is BC?
              anser: Supervised learning.
        flashcards:
          - question: [a, list]
            answer: fine
        """,
    )
    assert problems(file) == [
        "1:1: titel: unknown key 'titel' (did you mean 'title'?)",
        "2:11: language: '12 34' is not a language tag: use one such as `en`, `de` or `pt-BR`",
        "6:7: self_check.questions[0].anser: unknown key 'anser' (did you mean 'answer'?)",
        "8:15: flashcards[0].question: expected text, got a list",
    ]


def test_message_format_names_the_file(tmp_path: Path) -> None:
    file = write(tmp_path, "title: x\nsubjet: y\n")
    with pytest.raises(LessonError) as caught:
        load_lesson(file)
    assert caught.value.format_message() == (
        f"{file}:2:1: subjet: unknown key 'subjet' (did you mean 'subject'?)"
    )


def test_several_problems_have_a_heading(tmp_path: Path) -> None:
    file = write(tmp_path, "title: x\nsubjet: y\nlanguage: english please\n")
    with pytest.raises(LessonError) as caught:
        load_lesson(file)
    message = caught.value.format_message()
    assert message.splitlines()[0] == f"2 problems in {file}:"


def test_a_missing_key_nobody_misspelt_is_reported(tmp_path: Path) -> None:
    file = write(tmp_path, "subject: x\n")
    assert problems(file) == ["1:1: title: missing required key 'title'"]


def test_unknown_key_without_close_match_lists_allowed_keys(tmp_path: Path) -> None:
    file = write(tmp_path, "title: x\nzzz: y\n")
    [message] = problems(file)
    assert message.startswith(
        "2:1: zzz: unknown key 'zzz'; allowed here: author, card_layout, card_size, conditions, exercises,"
    )


def test_unknown_key_inside_an_exercise_suggests_that_kinds_keys(tmp_path: Path) -> None:
    file = write(tmp_path, TABLE.replace("    given:", "    promt: Fill it in\n    given:"))
    assert problems(file) == [
        "5:5: exercises[0].promt: unknown key 'promt' (did you mean 'prompt'?)",
    ]


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    file = write(tmp_path, "title: One\nsubject: A\ntitle: Two\n")
    assert problems(file) == ["3:1: title: duplicate key: already given on line 1; keep one of them"]


def test_wrong_number_names_the_value(tmp_path: Path) -> None:
    file = write(tmp_path, TABLE.replace("[50, 200]", "[50, lots]"))
    assert problems(file) == [
        "9:20: exercises[0].rows.values[1]: expected a number such as 0.05 or 1000, got 'lots'",
    ]


def test_missing_kind_and_unknown_kind(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """\
        title: x
        exercises:
          - title: No kind
          - kind: tabel
            title: Typo
        """,
    )
    kinds = ", ".join(EXERCISE_KINDS)  # every registered kind, starting with the seed's two
    assert kinds.startswith("computed-table, choice")
    assert problems(file) == [
        f"3:5: exercises[0]: missing required key 'kind': one of {kinds}",
        f"4:11: exercises[1].kind: unknown kind 'tabel'; use one of {kinds}",
    ]


def test_bad_formula_is_reported_at_the_formula(tmp_path: Path) -> None:
    file = write(tmp_path, TABLE.replace("ε * T^2", "ε * (T^2"))
    [message] = problems(file)
    assert message.startswith("12:18: exercises[0].columns[0].formula: formula 'ε * (T^2': ")


def test_unknown_symbol_in_formula(tmp_path: Path) -> None:
    file = write(tmp_path, TABLE.replace("ε * T^2", "eps * T^2"))
    assert problems(file) == [
        "12:18: exercises[0].columns[0].formula: unknown symbol 'eps' in 'eps * T^2': "
        "define it under `given:` or use one of T, ε",
    ]


def test_division_by_zero_names_the_row(tmp_path: Path) -> None:
    file = write(tmp_path, TABLE.replace("ε * T^2", "ε / T").replace("[50, 200]", "[50, 0]"))
    [message] = problems(file)
    assert message.startswith(
        "12:18: exercises[0].columns[0].formula: cannot compute 'ε / T' for T = 0 (rows.values[1]):"
    )
    assert "division by zero" in message


def test_choice_answer_must_name_an_option(tmp_path: Path) -> None:
    file = write(tmp_path, CHOICE.format(answer="adequat"))
    assert problems(file) == [
        "10:17: exercises[0].items[0].answer: 'adequat' is not an option id: use one of "
        "adequate, breaks, none (did you mean 'adequate'?)",
    ]


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    file = write(tmp_path, "title: x\nsubject: [unclosed\nlanguage: en\n")
    # The unclosed `[` is reported where it opens, on the line to fix, not where YAML gave up.
    assert problems(file) == [
        "2:10: YAML syntax: the `[` here is never closed: close it with `]`, or put the whole text in "
        "quotes if it is not a list"
    ]


def test_yaml_11_surprises_stay_text(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """\
        title: NO
        subject: 1:30
        flashcards:
          - question: yes
            answer: 3.10
        """,
    )
    lesson = load_lesson(file).lesson
    assert lesson.title == "NO"
    assert lesson.subject == "1:30"
    assert (lesson.flashcards[0].question, lesson.flashcards[0].answer) == ("yes", "3.10")


def test_empty_value_where_text_is_needed(tmp_path: Path) -> None:
    file = write(tmp_path, "title:\n")
    assert problems(file) == ["1:7: title: expected text, got nothing (the value is empty)"]


def test_whitespace_only_text_is_refused(tmp_path: Path) -> None:
    file = write(tmp_path, "title: '   '\n")
    assert problems(file) == ["1:8: title: must not be empty"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "1:1: the file is empty: a lesson needs at least a title"),
        ("- a\n- b\n", "1:1: a lesson must be a mapping of keys such as `title:`"),
        (
            "title: &t x\nsubject: *t\n",
            "1:8: YAML syntax: anchors (&name) are not allowed in lessons (a text that starts with `&` "
            "needs the whole text in quotes)",
        ),
        (
            "title: !!python/object:os.system x\n",
            "1:8: YAML syntax: tags such as "
            "tag:yaml.org,2002:python/object:os.system are not allowed in lessons",
        ),
    ],
)
def test_refused_yaml(tmp_path: Path, text: str, expected: str) -> None:
    assert problems(write(tmp_path, text)) == [expected]


def test_deep_nesting_is_refused_cleanly(tmp_path: Path) -> None:
    file = write(tmp_path, "title: " + "[" * 5000 + "]" * 5000 + "\n")
    [message] = problems(file)
    assert "nested more than 30 levels deep" in message


def test_binary_and_non_utf8_files(tmp_path: Path) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"title: x\n\x00\x01\x02")
    assert problems(binary) == ["1:1: this is a binary file, not a YAML lesson"]
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: x\nsubject: caf\xe9\n".encode("latin-1"))
    assert problems(latin) == ["2:13: the file is not UTF-8 text: save it as UTF-8 and try again"]


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    file = tmp_path / "big.yaml"
    file.write_text("title: x\n" + "# padding\n" * 300_000)
    [message] = problems(file)
    assert "lessons are limited to 2,097,152" in message


def test_find_lessons_expands_folders_and_refuses_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("title: b\n")
    (tmp_path / "a.yml").write_text("title: a\n")
    (tmp_path / "notes.txt").write_text("not a lesson")
    assert [p.name for p in find_lessons([tmp_path])] == ["a.yml", "b.yaml"]
    with pytest.raises(Exception, match="no such file or folder"):
        find_lessons([tmp_path / "missing"])


def test_an_item_no_option_fits_needs_a_verdict(tmp_path: Path) -> None:
    file = write(tmp_path, CHOICE.format(answer="none"))
    assert problems(file) == [
        "10:17: exercises[0].items[0].answer: an item no option fits needs a `verdict` saying what it is, "
        "e.g. `verdict: Neither.`",
    ]


def test_a_value_with_all_28_digits_prints_exactly_in_its_row(tmp_path: Path) -> None:
    file = write(tmp_path, TABLE.replace("[50, 200]", "[1.234567890123456789012345678]"))
    table = load_lesson(file).worked.exercises[0].body
    assert isinstance(table, WorkedTable)
    [row] = table.rows
    assert row.value == "1.234567890123456789012345678"


def test_one_paragraph_fields_refuse_lists_and_blank_lines(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """\
        title: x
        flashcards:
          - question: |-
              Name three:
              1. one
            answer: |-
              A list is fine on the back:
              - one
              - two
        """,
    )
    assert problems(file) == [
        "3:15: flashcards[0].question: this text prints as one paragraph: a blank line, list, heading, "
        "quote or code block cannot go here",
    ]


def test_a_function_name_cannot_be_a_symbol(tmp_path: Path) -> None:
    file = write(tmp_path, TABLE.replace("      ε: 0.05", "      ε: 0.05\n      sqrt: 3"))
    assert problems(file) == [
        "7:7: exercises[0].given.sqrt: 'sqrt' cannot be used as a symbol in a formula: choose another name",
    ]


def test_too_long_text_says_how_long_it_is_and_what_fits(tmp_path: Path) -> None:
    file = write(tmp_path, f"title: {'a' * 250}\nsubject: {'b' * 201}\n")
    assert problems(file) == [
        "1:8: title: is too long (250 characters): at most 200 fit here; shorten it by 50",
        "2:10: subject: is too long (201 characters): at most 200 fit here; shorten it by 1",
    ]


def _plain_text_fields() -> list[tuple[str, str, FieldInfo]]:
    """Every field of the lesson format whose type is plain text or one-paragraph markdown."""
    found = []
    # Every part of the format, each exercise kind's included: the docs' sections come from the registry.
    for model in dict.fromkeys(model for _, model in reference.SECTIONS):
        for name, info in model.model_fields.items():
            kind = reference._type_name(
                typing.Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
            )
            if kind in ("text", "text or None") or (model is Lesson and name == "source"):
                found.append((model.__name__, name, info))
    return found


@pytest.mark.parametrize(("model", "name", "info"), _plain_text_fields())
def test_every_text_printed_in_a_fixed_place_has_a_documented_limit(
    model: str, name: str, info: FieldInfo
) -> None:
    limits = [m.max_length for m in info.metadata if getattr(m, "max_length", None) is not None]
    assert limits, f"{model}.{name} has no length limit"
    assert f"at most {limits[0]} characters" in " ".join((info.description or "").split()), name

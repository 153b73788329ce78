"""Fill in the blanks: the `[[answer]]` syntax, gap widths, the word bank, and the teacher's likely slips."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_docs import FORMAT_DOC, fenced, section
from test_kinds import SAMPLES, body_html, refused

from studygen.kinds.fill_in_the_blanks import WorkedFillInTheBlanks
from studygen.lesson import load_lesson

HEAD = "title: Plants\nexercises:\n  - kind: fill-in-the-blanks\n    title: Gaps\n"


def write(tmp_path: Path, body: str) -> Path:
    """Write a lesson with this fill-in-the-blanks exercise."""
    lesson = tmp_path / "gaps.yaml"
    lesson.write_text(HEAD + body, encoding="utf-8")
    return lesson


def worked(lesson: Path) -> WorkedFillInTheBlanks:
    """The worked body of a lesson's first exercise."""
    body = load_lesson(lesson).worked.exercises[0].body
    assert isinstance(body, WorkedFillInTheBlanks)
    return body


def problems(tmp_path: Path, body: str) -> list[str]:
    """Load a lesson with this exercise body and return its problems."""
    return refused(tmp_path, HEAD + body)


def test_an_empty_blank_is_pointed_at_its_own_line_and_column_inside_the_text(tmp_path: Path) -> None:
    text = "    text: |\n      Leaves are [[green]].\n\n      They hold [[]] and\n      [[ ]] too.\n"
    assert problems(tmp_path, text) == [
        "8:17: exercises[0].text: blank '[[]]' is empty: write its answer between the brackets, "
        "e.g. `[[Paris]]`, `[[Paris|paris]]` or `[[Paris; width=12]]`",
        "9:7: exercises[0].text: blank '[[ ]]' is empty: write its answer between the brackets, "
        "e.g. `[[Paris]]`, `[[Paris|paris]]` or `[[Paris; width=12]]`",
    ]


def test_an_unclosed_blank_says_how_to_close_it_or_write_brackets(tmp_path: Path) -> None:
    assert problems(tmp_path, "    text: |\n      Roots take in [[water\n      from the soil.\n") == [
        "6:21: exercises[0].text: a blank opened with `[[` is not closed with `]]` on the same line: close "
        "it, e.g. `[[Paris]]`, `[[Paris|paris]]` or `[[Paris; width=12]]`, or write `\\[[` for two brackets"
    ]


@pytest.mark.parametrize(
    ("blank", "message"),
    [
        (
            "[[metre||meter]]",
            "has an empty answer: write text on both sides of each `|`, e.g. `[[metre|meter]]`",
        ),
        (
            "[[metre; size=8]]",
            "has the setting 'size=8': a blank takes only `; width=N`, e.g. `[[Paris]]`, "
            "`[[Paris|paris]]` or `[[Paris; width=12]]`",
        ),
        ("[[metre; width=0]]", "has `width=0`: give a whole number of characters from 1 to 60"),
        ("[[metre; width=wide]]", "has `width=wide`: give a whole number of characters from 1 to 60"),
        # Lesson text never reaches the gap's style attribute: only a number studygen checked does.
        ("[[metre; width=1em]]", "has `width=1em`: give a whole number of characters from 1 to 60"),
    ],
)
def test_a_mistake_inside_a_blank_names_the_blank(tmp_path: Path, blank: str, message: str) -> None:
    assert problems(tmp_path, f"    text: The unit of length is the {blank}.\n") == [
        f"5:37: exercises[0].text: blank '{blank}' {message}"
    ]


def test_a_text_without_blanks_says_how_to_write_one(tmp_path: Path) -> None:
    assert problems(tmp_path, "    text: Plants need light.\n") == [
        "5:11: exercises[0].text: the text has no blanks: write each one as e.g. `[[Paris]]`, "
        "`[[Paris|paris]]` or `[[Paris; width=12]]`"
    ]


def test_a_blank_in_a_formula_cannot_print_and_is_refused(tmp_path: Path) -> None:
    assert problems(tmp_path, "    text: 'The energy $E = [[5]]$ and [[six]] more.'\n") == [
        "5:28: exercises[0].text: blank '[[5]]' is inside a link address, an image or a formula, where it "
        "cannot print: move it into the text"
    ]


def test_a_blank_in_a_link_address_cannot_print_and_is_refused(tmp_path: Path) -> None:
    assert problems(tmp_path, "    text: 'See [the notes]([[url]]) on [[leaves]].'\n") == [
        "5:28: exercises[0].text: blank '[[url]]' is inside a link address, an image or a formula, where it "
        "cannot print: move it into the text"
    ]


def test_distractors_need_a_word_bank_and_must_be_wrong(tmp_path: Path) -> None:
    body = "    text: Leaves are [[green]].\n    distractors: [Green, red]\n"
    assert problems(tmp_path, body) == [
        "6:18: exercises[0].distractors: distractors are printed in the word bank: add `word_bank: true`, "
        "or remove them",
        "6:19: exercises[0].distractors[0]: 'Green' is the answer of a blank: "
        "a distractor must be a wrong word",
    ]


def test_a_backslash_before_two_brackets_prints_them_and_makes_no_blank(tmp_path: Path) -> None:
    lesson = write(tmp_path, "    text: |\n      Write \\[[word]] in your notes, then [[this]].\n")
    assert [blank.answer for blank in worked(lesson).blanks] == ["this"]
    assert "Write [[word]] in your notes, then <span" in body_html(lesson, "worksheet")


def test_each_gap_is_sized_to_its_longest_answer_or_its_given_width(tmp_path: Path) -> None:
    lesson = write(tmp_path, "    text: '[[metre|kilometre]], [[m]], [[s; width=16]]'\n")
    blanks = worked(lesson).blanks
    assert [blank.width for blank in blanks] == ["7.3em", "3.8em", "12.2em"]  # 9, at least 4, 16 characters
    assert [blank.also for blank in blanks] == ["also: kilometre", None, None]


def test_the_word_bank_lists_every_answer_and_distractor_alphabetically(tmp_path: Path) -> None:
    body = (
        "    word_bank: true\n    distractors: [glucose, Air]\n"
        "    text: '[[water|H2O]] and [[carbon dioxide]] make sugar; [[water]] also cools.'\n"
    )
    body_ = worked(write(tmp_path, body))
    assert body_.word_bank == ("Air", "carbon dioxide", "glucose", "water", "water")
    assert body_.word_bank_label == "Word bank"


def test_the_worksheet_leaves_every_gap_empty_and_the_key_fills_it_in() -> None:
    worksheet = body_html(SAMPLES / "fill-in-the-blanks.yaml", "worksheet")
    key = body_html(SAMPLES / "fill-in-the-blanks.yaml", "answer-key")
    assert worksheet.count('<span class="gap" style="width: ') == 8 and "<em>chlorophyll" not in worksheet
    assert "Word bank" in worksheet and "also:" not in worksheet
    assert key.count('<span class="gap filled"') == 8
    # Blanks inside a list item and inside bold keep their markdown around them.
    assert '<strong><span class="gap filled" style="min-width: 5.9em"><em>stomata</em></span>' in key
    assert '<li><span class="gap filled" style="min-width: 12.2em"><em>carbon dioxide</em>' in key


def test_the_docs_example_is_a_valid_lesson(tmp_path: Path) -> None:
    [(language, body)] = fenced(section(FORMAT_DOC, "## Fill in the blanks"))
    lesson = tmp_path / "example.yaml"
    lesson.write_text(body, encoding="utf-8")
    assert language == "yaml" and [blank.answer for blank in worked(lesson).blanks] == [
        "chlorophyll",
        "carbon dioxide",
        "stomata",
    ]


def test_a_mistake_in_folded_text_still_points_at_the_blank(tmp_path: Path) -> None:
    text = (
        "    text: >-\n      Roots take in [[water]] and\n"
        "      minerals such as [[ ]], from\n      the soil.\n"
    )
    assert problems(tmp_path, text) == [
        "7:24: exercises[0].text: blank '[[ ]]' is empty: write its answer between the brackets, "
        "e.g. `[[Paris]]`, `[[Paris|paris]]` or `[[Paris; width=12]]`"
    ]


def test_more_than_forty_blanks_are_refused(tmp_path: Path) -> None:
    text = " ".join(f"[[w{n}]]" for n in range(41))
    assert problems(tmp_path, f"    text: '{text}'\n") == [
        "5:11: exercises[0].text: the text has 41 blanks; at most 40 fit: split it"
    ]

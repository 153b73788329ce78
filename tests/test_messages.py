"""Messages that say how to fix it: each case the numbers issue lists, through `studygen check`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from studygen.cli import cli
from studygen.model import Lesson
from studygen.wording import comma_advice

TABLE = """\
title: Commas
exercises:
  - kind: computed-table
    title: Compute
    given:
      r: {r}
    rows:
      symbol: t
      values: {values}
    columns:
      - label: d
        formula: r * t
"""


def check(tmp_path: Path, text: str) -> Result:
    """Run `studygen check` on a lesson written from text."""
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text(textwrap.dedent(text), encoding="utf-8")
    return CliRunner().invoke(cli, ["check", str(lesson)], prog_name="studygen")


def refused(tmp_path: Path, text: str) -> list[str]:
    """Check a lesson that must be refused; return its problem lines without the file name."""
    result = check(tmp_path, text)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.removeprefix("Error: ").splitlines()
    if len(lines) > 1:  # several problems: a heading, then one line per problem
        assert lines.pop(0).endswith(" problems in " + str(tmp_path / "lesson.yaml") + ":")
    prefix = f"{tmp_path / 'lesson.yaml'}:"
    assert all(line.startswith(prefix) for line in lines), lines
    return [line.removeprefix(prefix) for line in lines]


# --- decimal commas -----------------------------------------------------------------------------


def test_a_decimal_comma_in_a_list_is_refused_not_split_into_rows(tmp_path: Path) -> None:
    assert refused(tmp_path, TABLE.format(r="2", values="[1,5, 2, 3]")) == [
        "9:16: exercises[0].rows.values[0]: `1,5` looks like a decimal comma: use a point: 1.5 "
        "(or write `1, 5` if you meant two values)"
    ]


def test_a_decimal_comma_in_a_given_number_says_to_use_a_point(tmp_path: Path) -> None:
    for written in ("'0,05'", "0,05"):
        assert refused(tmp_path, TABLE.format(r=written, values="[1, 2]")) == [
            "6:10: exercises[0].given.r: expected a number such as 0.05 or 1000, got '0,05': "
            "use a point: 0.05"
        ]


def test_a_decimal_comma_in_braces_is_refused(tmp_path: Path) -> None:
    text = TABLE.replace("    given:\n      r: {r}\n", "    given: {{r: 9,8, s: 2}}\n")
    assert refused(tmp_path, text.format(values="[1, 2]")) == [
        "5:16: exercises[0].given.r: `9,8` looks like a decimal comma: use a point: 9.8"
    ]


def test_a_list_written_without_spaces_is_still_a_list(tmp_path: Path) -> None:
    # `[1,2,3]` is how many people write three values; only a mix of `,` and `, ` is a decimal comma.
    result = check(tmp_path, TABLE.format(r="2", values="[1,2,3]"))
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    assert result.stdout.strip().endswith("lesson.yaml: ok")


def test_leading_zero_after_a_comma_is_a_decimal_even_without_spaces(tmp_path: Path) -> None:
    assert refused(tmp_path, TABLE.format(r="2", values="[0,05]")) == [
        "9:16: exercises[0].rows.values[0]: `0,05` looks like a decimal comma: use a point: 0.05 "
        "(or write `0, 05` if you meant two values)"
    ]


@pytest.mark.parametrize(
    ("written", "advice"),
    [
        ("1,5", "use a point: 1.5"),
        ("-0,25", "use a point: -0.25"),
        ("1,000", "write 1000 without a thousands separator, or 1.000 with a point for a decimal"),
        ("1,000,000", "write 1000000 without a thousands separator"),
        ("1,5,6", None),
        ("1.5", None),
        ("abc", None),
    ],
)
def test_comma_advice(written: str, advice: str | None) -> None:
    assert comma_advice(written) == advice


# --- keys at the wrong level --------------------------------------------------------------------


def test_a_dedented_key_gets_one_message_saying_where_it_belongs(tmp_path: Path) -> None:
    text = TABLE.format(r="2", values="[1, 2]").replace("      values:", "    values:")
    assert refused(tmp_path, text) == [
        "9:5: exercises[0].values: `values` belongs under `rows:`: indent it by two more spaces"
    ]


def test_a_key_indented_too_far_gets_one_message_saying_where_it_belongs(tmp_path: Path) -> None:
    text = TABLE.format(r="2", values="[1, 2]").replace(
        "    columns:\n      - label: d\n        formula: r * t\n",
        "      columns:\n        - label: d\n          formula: r * t\n",
    )
    assert refused(tmp_path, text) == [
        "10:7: exercises[0].rows.columns: `columns` belongs beside `rows:`, not under it: "
        "indent it by two fewer spaces"
    ]


def test_a_key_slipped_into_a_list_item_belongs_beside_the_list(tmp_path: Path) -> None:
    text = TABLE.format(r="2", values="[1, 2]") + "        prompt: Fill in the table.\n"
    assert refused(tmp_path, text) == [
        "13:9: exercises[0].columns[0].prompt: `prompt` belongs beside `columns:`, not in its list: "
        "indent it by four fewer spaces"
    ]


def test_a_dedented_key_of_a_mapping_in_braces_says_to_write_it_inside(tmp_path: Path) -> None:
    text = TABLE.format(r="2", values="[1, 2]").replace(
        "    rows:\n      symbol: t\n      values: [1, 2]\n", "    rows: {symbol: t}\n    values: [1, 2]\n"
    )
    assert refused(tmp_path, text) == [
        "8:5: exercises[0].values: `values` belongs under `rows:`: write it inside the `{…}` after `rows:`"
    ]


def test_an_unknown_key_that_is_a_key_elsewhere_but_not_slipped_stays_unknown(tmp_path: Path) -> None:
    # `intro` is a lesson key, but here it sits among the exercise's keys, not at the end of them.
    text = TABLE.format(r="2", values="[1, 2]").replace(
        "    title: Compute\n", "    title: C\n    intro: Hi\n"
    )
    [message] = refused(tmp_path, text)
    assert message.startswith("5:5: exercises[0].intro: unknown key 'intro'; allowed here: columns,")


# --- PyYAML's structural errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "title: T\nself_check:\n  questions:\n    - question: Why?\n     answer: Because\n",
            "5:6: YAML syntax: `answer:` does not line up with the lines above it: indent it 6 spaces, "
            "like `question:` on line 4, or 2 spaces, like `questions:` on line 3",
            id="expected-block-end",
        ),
        pytest.param(
            "title: T\nflashcards:\n  - question: Q\n    answer: A\n - question: Q2\n   answer: A2\n",
            "5:2: YAML syntax: `- question:` does not line up with the lines above it: indent it 2 spaces, "
            "like `- question:` on line 3, or start it at the margin, like `flashcards:` on line 2",
            id="list-item-dedented",
        ),
        pytest.param(
            "title: T\nflashcards:\n  - question: Q\n       answer: A\n",
            "4:8: YAML syntax: `answer:` does not line up with the lines above it: indent it 4 spaces, "
            "like `question:` on line 3",
            id="key-indented-under-text",
        ),
        pytest.param(
            "title: Motion: average speed\n",
            "1:14: YAML syntax: a `:` followed by a space inside text needs the whole text in quotes: "
            '`title: "Motion: average speed"`',
            id="colon-in-text",
        ),
        pytest.param(
            "title: T\nsubject Physics\nauthor: Me\n",
            "2:1: YAML syntax: `subject Physics` has no `key:`: write `key: value` with a colon, or, if it "
            "continues the text above, indent it further than that text's key",
            id="missing-colon",
        ),
        pytest.param(
            "title: T\nself_check:\n\tquestions: []\n",
            "3:1: YAML syntax: a tab indents this line: indent with spaces only",
            id="tab",
        ),
        pytest.param(
            'title: "T\nsubject: x\n',
            '1:8: YAML syntax: the quote `"` here is never closed: end the text with `"`',
            id="unclosed-quote",
        ),
        pytest.param(
            "title: T\nintro: [a, b\nsubject: x\n",
            "2:8: YAML syntax: the `[` here is never closed: close it with `]`, or put the whole text in "
            "quotes if it is not a list",
            id="unclosed-bracket",
        ),
        pytest.param(
            'title: "The "best" one"\n',
            '1:14: YAML syntax: a text that starts with " ends at the next ": put the whole text in single '
            "quotes instead, e.g. 'The \"best\" one'",
            id="quote-in-quotes",
        ),
        pytest.param(
            "title: [draft] Motion\n",
            "1:16: YAML syntax: a text that starts with `[` is read as a list: put the whole text in quotes",
            id="text-starts-with-bracket",
        ),
        pytest.param(
            "title: T\nflashcards: - question: Q\n",
            "2:13: YAML syntax: a list item (`- `) cannot follow a key on its line: start it on the next "
            "line, indented",
            id="dash-after-key",
        ),
    ],
)
def test_yaml_structure_errors_say_what_to_type(tmp_path: Path, text: str, expected: str) -> None:
    assert refused(tmp_path, text) == [expected]


# --- lengths ------------------------------------------------------------------------------------


def test_too_long_text_says_its_length_and_how_much_to_cut(tmp_path: Path) -> None:
    answer = "word " * 700 + "end"
    text = f"title: T\nflashcards:\n  - question: Q\n    answer: {answer}\n"
    assert refused(tmp_path, text) == [
        "4:13: flashcards[0].answer: is too long (3,503 characters): at most 2,850 fit on a card; "
        "shorten it by 653"
    ]


def test_too_many_cards_says_how_many_there_are(tmp_path: Path) -> None:
    (most,) = [meta.max_length for meta in Lesson.model_fields["flashcards"].metadata]
    cards = "".join(f"  - {{question: Q{n}, answer: A}}\n" for n in range(most + 104))
    assert refused(tmp_path, "title: T\nflashcards:\n" + cards) == [
        f"3:3: flashcards: has {most + 104:,} cards: at most {most:,} are allowed here; remove 104"
    ]

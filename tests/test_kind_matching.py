"""Matching: the right column is shuffled the same way every time and never beside its own partner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_docs import FORMAT_DOC, fenced, section
from test_kinds import SAMPLES, body_html, refused

from studygen.kinds.matching import WorkedMatching, right_order
from studygen.lesson import load_lesson

HEAD = "title: Circuits\nexercises:\n  - kind: matching\n    title: Match them\n"


def problems(tmp_path: Path, body: str) -> list[str]:
    """Load a lesson with this exercise body and return its problems."""
    return refused(tmp_path, HEAD + body)


def worked(lesson: Path) -> WorkedMatching:
    """The worked body of a lesson's first exercise."""
    body = load_lesson(lesson).worked.exercises[0].body
    assert isinstance(body, WorkedMatching)
    return body


@pytest.mark.parametrize("pairs", range(2, 21))
@pytest.mark.parametrize("extra", [0, 1, 6])
def test_no_right_item_is_printed_beside_its_own_left_item(pairs: int, extra: int) -> None:
    for text in ("a", "b", "c", "dddd"):
        order = right_order(pairs, pairs + extra, text.encode())
        assert sorted(order) == list(range(pairs + extra))
        assert all(order[row] != row for row in range(pairs)), order


def test_when_every_shuffle_fails_the_column_is_rotated_by_one() -> None:
    assert right_order(3, 4, b"seed", shuffles=0) == [1, 2, 3, 0]


def test_the_order_comes_from_the_texts_and_is_the_same_in_every_process() -> None:
    probe = (
        "import json; from pathlib import Path; from studygen.lesson import load_lesson; "
        "body = load_lesson(Path('tests/kinds/matching.yaml')).worked.exercises[0].body; "
        "print(json.dumps([row.right.letter + row.right.text for row in body.rows]))"
    )
    orders = []
    for hash_seed in ("1", "2"):  # `hash()` of a text differs with this seed; sha256 does not
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        process = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=environment
        )
        orders.append(json.loads(process.stdout))
    assert orders[0] == orders[1]
    assert orders[0][0] == "AStores energy in a magnetic field."


def test_the_key_states_each_pair_and_the_worksheet_leaves_the_boxes_empty() -> None:
    body = worked(SAMPLES / "matching.yaml")
    assert body.pairs == ("1 → E", "2 → D", "3 → B", "4 → C")
    assert body.answer == "Answer: 1 → E, 2 → D, 3 → B, 4 → C"
    rights = {row.right.letter: row.right.text for row in body.rows if row.right}
    lefts = [row.left for row in body.rows if row.left]
    assert [rights[left.letter][:24] for left in lefts] == [
        "Measures the current thr",
        "Measures the potential d",
        "Measures resistance, wit",
        "Melts and breaks the cir",
    ]
    worksheet = body_html(SAMPLES / "matching.yaml", "worksheet")
    assert worksheet.count('<span class="letter-box"></span>') == 4 and "Answer:" not in worksheet
    key = body_html(SAMPLES / "matching.yaml", "answer-key")
    assert '<span class="letter-box">E</span>' in key and "Answer: 1 → E" in key


def test_one_pair_is_refused_because_its_answer_is_a_given(tmp_path: Path) -> None:
    message = problems(tmp_path, "    pairs:\n      - {left: Ammeter, right: current}\n")
    assert message == ["6:7: exercises[0].pairs: needs at least 2 item(s), got 1"]


def test_a_repeated_left_or_right_text_is_refused_where_it_repeats(tmp_path: Path) -> None:
    message = problems(
        tmp_path,
        "    pairs:\n"
        "      - {left: Ammeter, right: current}\n"
        "      - {left: ammeter, right: potential difference}\n"
        "    extra_right:\n"
        "      - Current\n",
    )
    assert message == [
        "7:16: exercises[0].pairs[1].left: 'ammeter' is already in this column: each item must be "
        "different, or the student cannot tell which one you mean",
        "9:9: exercises[0].extra_right[0]: 'Current' is already in this column: each item must be "
        "different, or the student cannot tell which one you mean",
    ]


def test_the_docs_example_is_a_valid_lesson(tmp_path: Path) -> None:
    [(language, body)] = fenced(section(FORMAT_DOC, "## Matching"))
    lesson = tmp_path / "example.yaml"
    lesson.write_text(body, encoding="utf-8")
    assert language == "yaml" and len(worked(lesson).pairs) == 3

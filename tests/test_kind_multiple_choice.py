"""Multiple choice: lettered options, "choose all" when several are right, the teacher's likely mistakes."""

from __future__ import annotations

from pathlib import Path

from test_docs import FORMAT_DOC, fenced, section
from test_kinds import SAMPLES, body_html, refused

from studygen.kinds.multiple_choice import WorkedMultipleChoice
from studygen.lesson import load_lesson

HEAD = "title: Forces\nexercises:\n  - kind: multiple-choice\n    title: Quiz\n    questions:\n"


def problems(tmp_path: Path, body: str) -> list[str]:
    """Load a lesson with this exercise body and return its problems."""
    return refused(tmp_path, HEAD + body)


def sample() -> WorkedMultipleChoice:
    """The worked body of the sample lesson's exercise."""
    body = load_lesson(SAMPLES / "multiple-choice.yaml").worked.exercises[0].body
    assert isinstance(body, WorkedMultipleChoice)
    return body


def test_options_are_lettered_in_order_and_the_answer_states_the_right_letters() -> None:
    one, several = sample().questions
    assert [option.letter for option in several.options] == ["A", "B", "C", "D"]
    assert [option.letter for option in several.options if option.correct] == ["B", "D"]
    assert (one.answer, several.answer) == ("Answer: A", "Answer: B, D")


def test_choose_all_that_apply_is_printed_only_where_several_options_are_right() -> None:
    one, several = sample().questions
    assert (one.several, one.note) == (False, None)
    assert (several.several, several.note) == (True, "Choose all that apply.")
    worksheet = body_html(SAMPLES / "multiple-choice.yaml", "worksheet")
    assert worksheet.count("Choose all that apply.") == 1
    assert worksheet.count('class="box round"') == 3 and worksheet.count('class="box"') == 4


def test_the_worksheet_ticks_no_box_and_states_no_answer_while_the_key_ticks_the_right_ones() -> None:
    worksheet = body_html(SAMPLES / "multiple-choice.yaml", "worksheet")
    key = body_html(SAMPLES / "multiple-choice.yaml", "answer-key")
    assert "✓" not in worksheet and "ticked" not in worksheet and "Answer:" not in worksheet
    assert "mc-explanation" not in worksheet
    assert key.count("✓") == 3 and key.count('class="mc-option ticked"') == 3


def test_a_question_with_no_correct_option_says_how_to_mark_one(tmp_path: Path) -> None:
    message = problems(
        tmp_path,
        "      - prompt: Which is a vector?\n"
        "        options:\n"
        "          - text: Speed\n"
        "          - text: Velocity\n",
    )
    assert message == [
        "8:11: exercises[0].questions[0].options: no option is marked correct: add `correct: true` to the "
        "right option (next to its `text:`), or to each right option if there are several"
    ]


def test_two_options_with_the_same_text_are_refused_at_the_repeat(tmp_path: Path) -> None:
    message = problems(
        tmp_path,
        "      - prompt: Which is a vector?\n"
        "        options:\n"
        "          - text: Velocity\n"
        "            correct: true\n"
        "          - text: Speed\n"
        "          - text: '  velocity'\n",
    )
    assert message == [
        "11:19: exercises[0].questions[0].options[2].text: option C 'velocity' repeats option A: "
        "give each option its own text, or delete one"
    ]


def test_more_than_eight_options_are_refused(tmp_path: Path) -> None:
    options = "".join(f"          - text: Option {n}\n            correct: true\n" for n in range(9))
    message = problems(tmp_path, "      - prompt: Pick.\n        options:\n" + options)
    assert message == [
        "8:11: exercises[0].questions[0].options: has 9 options: at most 8 are allowed here; remove 1"
    ]


def test_correct_must_be_true_or_false(tmp_path: Path) -> None:
    message = problems(
        tmp_path,
        "      - prompt: Pick.\n        options:\n          - text: A\n            correct: yes please\n"
        "          - text: B\n            correct: true\n",
    )
    assert message == [
        "9:22: exercises[0].questions[0].options[0].correct: expected `true` or `false`, got 'yes please'"
    ]


def test_the_docs_example_is_a_valid_lesson(tmp_path: Path) -> None:
    [(language, body)] = fenced(section(FORMAT_DOC, "## Multiple choice"))
    lesson = tmp_path / "example.yaml"
    lesson.write_text(body, encoding="utf-8")
    [exercise] = load_lesson(lesson).worked.exercises
    assert language == "yaml" and isinstance(exercise.body, WorkedMultipleChoice)
    assert [question.answer for question in exercise.body.questions] == ["Answer: A", "Answer: B, C"]

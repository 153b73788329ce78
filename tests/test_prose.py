"""Markdown: what validation accepts prints every word; what would be lost or overflow is refused."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from studygen import prose
from studygen.build import Job, render_lesson
from studygen.errors import BuildError, LessonError
from studygen.fields import Markdown
from studygen.lesson import load_lesson
from studygen.wording import shortened


def nested_list(depth: int) -> str:
    """A list nested depth levels deep, one item a level, then a paragraph after it."""
    lines = ["  " * level + f"- level{level + 1}" for level in range(depth)]
    return "\n".join(lines) + "\n\nThe paragraph after the list."


def lesson_file(tmp_path: Path, answer: str) -> Path:
    """Write a lesson whose one self-check answer is the given markdown."""
    data = {"title": "Nesting", "self_check": {"questions": [{"question": "Q", "answer": answer}]}}
    file = tmp_path / "nesting.yaml"
    file.write_text(yaml.safe_dump(data, width=1000), encoding="utf-8")
    return file


# --- nesting is bounded when the lesson is checked --------------------------------------------------


def test_lists_nested_past_the_limit_are_refused_at_their_field(tmp_path: Path) -> None:
    with pytest.raises(LessonError) as caught:
        load_lesson(lesson_file(tmp_path, nested_list(prose.MAX_BLOCK_NESTING + 1)))
    [problem] = caught.value.problems
    assert problem.key == "self_check.questions[0].answer"
    assert problem.message == ("has lists and quotes nested 9 deep; at most 8 levels print: flatten the list")


def test_lists_at_the_limit_print_every_word(tmp_path: Path) -> None:
    text = nested_list(prose.MAX_BLOCK_NESTING)
    load_lesson(lesson_file(tmp_path, text))
    printed = str(prose.block(text))
    assert [f"level{n}" in printed for n in range(1, 9)] == [True] * 8
    assert "The paragraph after the list." in printed


def test_deep_emphasis_is_refused_at_check_time(tmp_path: Path) -> None:
    with pytest.raises(LessonError, match=r"answer: has emphasis and links nested 500 deep; at most 8"):
        load_lesson(lesson_file(tmp_path, "*" * 1000 + "x" + "*" * 1000))


def test_a_nested_image_description_counts_as_nesting() -> None:
    text = "!" + "[![" * 5 + "x](a.png)" + "](b.png)" * 5
    assert prose.depth(text) >= 6


def test_plain_prose_is_not_parsed_when_checked() -> None:
    # Most text has too few markers to nest past a limit: check needs no markdown parser for it.
    assert not prose._could_nest_too_deeply("A sentence. Another one - with a dash, and T_max.")
    assert prose.nesting_problem("A sentence. Another one.") is None


# --- the renderer cannot drop text silently ----------------------------------------------------------


def test_the_renderer_refuses_text_it_would_drop() -> None:
    # A project template can send any text through `markdown`; the renderer itself must not drop any.
    with pytest.raises(
        BuildError, match=r"the text starting .- level1. has lists and quotes nested 30 deep.*flatten"
    ):
        prose.block(nested_list(30))
    with pytest.raises(BuildError, match=r"emphasis and links nested 9 deep"):
        prose.inline("*a " * 9 + "x" + " a*" * 9)


def test_a_recursion_error_while_rendering_names_the_lesson_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = lesson_file(tmp_path, "*" * 6 + "deepest" + "*" * 6)

    def overflow(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("studygen.build._render_document", overflow)
    job = Job(file, ("self-check",), "a4", "html", None, 2 * 1024 * 1024)
    with pytest.raises(BuildError) as caught:
        render_lesson(job)
    assert caught.value.format_message() == (
        f"{file}: self-check: self_check.questions[0].answer: the text is nested too deeply to lay out: "
        "put fewer lists, quotes or emphasis inside one another"
    )


# --- property: whatever validation accepts prints every word ----------------------------------------

WORDS = st.from_regex(r"w[a-z]{2,6}", fullmatch=True)


def _inline() -> st.SearchStrategy[str]:
    return st.recursive(
        WORDS,
        lambda inner: st.one_of(
            inner.map(lambda t: f"*{t}*"),
            inner.map(lambda t: f"**{t}**"),
            inner.map(lambda t: f"_{t}_"),
            WORDS.map(lambda w: f"`{w}`"),
            st.tuples(inner, WORDS).map(lambda p: f"[{p[0]}](https://example.org/{p[1]})"),
            st.lists(inner, min_size=2, max_size=3).map(" ".join),
        ),
        max_leaves=12,
    )


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *(rest + line if line else line for line in lines[1:])])


def _blocks() -> st.SearchStrategy[str]:
    paragraph = st.one_of(
        st.lists(_inline(), min_size=1, max_size=3).map(" ".join),
        # A line CommonMark would take as a link reference definition, and print nothing of.
        st.tuples(WORDS, WORDS).map(lambda pair: f"[{pair[0]}]: {pair[1]}"),
    )
    return st.recursive(
        paragraph,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(
                lambda items: "\n".join(_indent(item, "- ", "  ") for item in items)
            ),
            st.lists(inner, min_size=1, max_size=2).map(
                lambda items: "\n".join(_indent(item, "1. ", "   ") for item in items)
            ),
            inner.map(lambda block: _indent(block, "> ", "> ")),
            st.lists(inner, min_size=2, max_size=3).map("\n\n".join),
        ),
        max_leaves=14,
    )


MARKDOWN = TypeAdapter(Markdown)


@settings(max_examples=300, deadline=None)
@given(text=_blocks())
def test_every_word_validation_accepts_is_printed(text: str) -> None:
    try:
        MARKDOWN.validate_python(text)
    except ValidationError:
        return
    if prose.nesting_problem(text) is not None:
        return
    printed = html.unescape(str(prose.block(text)))
    assert [word for word in re.findall(r"\bw[a-z]+", text) if word not in printed] == [], text


# --- shortened titles ----------------------------------------------------------------------------


def test_a_long_title_is_shortened_at_a_word() -> None:
    title = "Imitation learning: when is behavioural cloning enough, and when does it break down?"
    assert shortened(title, 70) == "Imitation learning: when is behavioural cloning enough, and when…"
    assert shortened("x" * 100, 70) == "x" * 69 + "…"
    assert shortened("Short", 70) == "Short"

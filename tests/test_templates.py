"""Templates: project overrides file by file, `default:` extension, escaping and strict undefined."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from studygen.build import build
from studygen.documents import stock_templates
from studygen.errors import StudygenError

LESSON = """\
title: "Escapes <b>bold</b> & {{ 7*7 }}"
intro: "Raw <script>alert(1)</script> and {% raw %}{{ lesson }}{% endraw %} and *real emphasis*"
flashcards:
  - question: "What is {{ 6*7 }}?"
    answer: "<i>not italic</i>"
"""


def html_build(tmp_path: Path, templates: Path | None, only: str = "flashcards") -> str:
    """Build the small lesson as HTML and return one document's text."""
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text(LESSON, encoding="utf-8")
    [result] = list(build([lesson], out=tmp_path / "out", only=[only], format="html", templates=templates))
    if result.error is not None:
        raise result.error
    return result.written[0].path.read_text(encoding="utf-8")


def test_stock_templates_are_found_in_the_source_tree() -> None:
    assert (stock_templates() / "studygen.css").is_file()
    assert (stock_templates() / "worksheet.html").is_file()


def test_lesson_text_is_escaped_and_never_a_template(tmp_path: Path) -> None:
    html = html_build(tmp_path, None)
    html = html[html.index("<body") :]  # the preview's <base> holds the temporary path, digits and all
    assert "Escapes &lt;b&gt;bold&lt;/b&gt; &amp; {{ 7*7 }}" in html
    assert "What is {{ 6*7 }}?" in html
    assert "&lt;i&gt;not italic&lt;/i&gt;" in html
    assert "<i>" not in html and "<b>" not in html and "49" not in html and "42" not in html


def test_markdown_renders_but_raw_html_does_not(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text(LESSON + "exercises: []\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "flashcards.html").write_text(
        '{% extends "default:flashcards.html" %}{% block body %}{{ lesson.intro | markdown }}{% endblock %}'
    )
    html = html_build(tmp_path, tmp_path / "templates")
    assert "<em>real emphasis</em>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_project_stylesheet_replaces_the_stock_one(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "studygen.css").write_text("/* the project's own look */\n")
    html = html_build(tmp_path, templates)
    assert "/* the project's own look */" in html
    assert "studygen's default look" not in html
    # Files the project does not override still come from the stock templates.
    assert 'class="card"' in html


def test_project_template_can_extend_the_stock_one(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "flashcards.html").write_text(
        textwrap.dedent("""\
            {% extends "default:flashcards.html" %}
            {% block style %}{{ super() }} .card { outline: 1pt solid red; } /* extended */{% endblock %}
            """)
    )
    html = html_build(tmp_path, templates)
    assert "/* extended */" in html
    assert "studygen's default look" in html
    assert "What is {{ 6*7 }}?" in html


def test_an_undefined_name_in_a_template_fails_the_build(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "flashcards.html").write_text("{{ lesson.no_such_key }}")
    with pytest.raises(
        StudygenError, match=r"lesson\.yaml: flashcards: template flashcards\.html: .*no_such_key"
    ):
        html_build(tmp_path, templates)


def test_html_previews_find_the_lessons_images(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "dot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    )
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text("title: x\nflashcards: [{question: '![dot](pics/dot.svg)', answer: a}]\n")
    [result] = list(build([lesson], out=tmp_path / "out", format="html", templates=None))
    html = result.written[0].path.read_text(encoding="utf-8")
    assert f'<base href="{tmp_path.resolve().as_uri()}/">' in html
    assert '<img src="pics/dot.svg" alt="dot" />' in html


# --- long text stays on the page ------------------------------------------------------------------

LONG_TITLE = "Imitation learning: when is behavioural cloning enough, and when does it break down? " * 2


def long_text_lesson(tmp_path: Path, *, title: str, label: str = "Adequate") -> Path:
    """Write a lesson with a title, a choice exercise whose first option has label, and one card."""
    lesson = tmp_path / "long.yaml"
    data = {
        "title": title,
        "exercises": [
            {
                "kind": "choice",
                "title": "Classify",
                "options": [{"id": "a", "label": label}, {"id": "b", "label": "Inadequate"}],
                "items": [{"prompt": "A robot", "answer": "a"}],
            }
        ],
        "flashcards": [{"question": "Q", "answer": "A"}],
    }
    lesson.write_text(yaml.safe_dump(data, width=1000), encoding="utf-8")
    return lesson


def test_a_long_title_is_shortened_in_card_headers_and_printed_whole_in_the_title_block(
    tmp_path: Path,
) -> None:
    title = LONG_TITLE.strip()
    lesson = long_text_lesson(tmp_path, title=title)
    [result] = list(build([lesson], out=tmp_path / "out", format="html", templates=None))
    assert result.error is None, result.error
    short = "Imitation learning: when is behavioural cloning enough, and when…"
    cards = (tmp_path / "out" / "long" / "flashcards.html").read_text(encoding="utf-8")
    assert cards.count(f'<span class="card-lesson">{short}</span>') == 2
    worksheet = (tmp_path / "out" / "long" / "worksheet.html").read_text(encoding="utf-8")
    assert f'<h1 class="lesson-title" data-short-title="{short}">{title}</h1>' in worksheet


def test_a_card_header_that_does_not_fit_its_line_fails_the_build(tmp_path: Path) -> None:
    lesson = long_text_lesson(tmp_path, title="W" * 70)
    [result] = list(build([lesson], out=tmp_path / "out", only=["flashcards"], templates=None))
    assert result.error is not None
    assert "card 1's header is" in result.error.format_message()
    assert "mm tall, but only 4 mm fit: shorten its text" in result.error.format_message()


def test_a_long_option_label_wraps_inside_the_page(tmp_path: Path) -> None:
    label = " ".join(["Wide"] * 16)  # 79 characters, about 250 mm on one line: wider than the page
    lesson = long_text_lesson(tmp_path, title="Labels", label=label)
    [result] = list(build([lesson], out=tmp_path / "out", only=["worksheet"], templates=None))
    assert result.error is None, result.error.format_message()
    text = PdfReader(tmp_path / "out" / "long" / "worksheet.pdf").pages[0].extract_text()
    lines = [line for line in text.splitlines() if "Wide" in line]
    assert len(lines) >= 2, text
    assert " ".join(" ".join(lines).split()) == label


def test_a_bare_address_prints_once_and_a_named_link_gets_its_address(tmp_path: Path) -> None:
    from pypdf import PdfReader

    lesson = tmp_path / "links.yaml"
    lesson.write_text(
        "title: Links\nsource: 'See <https://example.org/bare> or [the notes](https://example.org/notes)'\n"
        "self_check: {questions: [{question: q, answer: a}]}\n",
        encoding="utf-8",
    )
    [result] = list(build([lesson], out=tmp_path / "out", templates=None))
    assert result.error is None, result.error.format_message()
    text = " ".join(PdfReader(result.written[0].path).pages[0].extract_text().split())
    assert text.count("example.org/bare") == 1
    assert "the notes <https://example.org/notes>" in text

"""Templates: project overrides file by file, `default:` extension, escaping and strict undefined."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from studygen.build import build
from studygen.errors import StudygenError
from studygen.render import stock_templates

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

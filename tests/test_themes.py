"""Themes: `--templates DIR` and a lesson's `templates:` folder restyle documents, sandboxed and confined."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from studygen.build import build
from studygen.cli import cli

ROOT = Path(__file__).parents[1]

LESSON = """\
title: Themed lesson
flashcards:
  - question: What is a theme?
    answer: A folder of overrides.
"""


def run(*args: str | Path) -> Result:
    """Run the CLI in-process and return its result."""
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="studygen")


def lesson_in(folder: Path, extra: str = "") -> Path:
    """Write the small lesson (plus extra top-level keys) into folder and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    lesson = folder / "lesson.yaml"
    lesson.write_text(LESSON + extra, encoding="utf-8")
    return lesson


def theme_in(folder: Path, **files: str) -> Path:
    """Make a theme folder holding the given files (`theme_css` is written as theme.css)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / ("theme.css" if name == "theme_css" else name.replace("_", "-") + ".html")).write_text(text)
    return folder


def test_templates_option_links_the_themes_stylesheet_after_the_stock_one(tmp_path: Path) -> None:
    lesson = lesson_in(tmp_path / "lessons")
    theme = theme_in(tmp_path / "school", theme_css=":root { --ink: #ff0000; }\n")
    result = run(
        "build",
        lesson,
        "--out",
        tmp_path / "out",
        "--only",
        "flashcards",
        "--format",
        "html",
        "--templates",
        theme,
    )
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "lesson" / "flashcards.html").read_text()
    link = f'<link rel="stylesheet" href="{(theme / "theme.css").resolve().as_uri()}">'
    assert link in html
    assert html.index("--ink: #111;") < html.index(link)  # the theme's values come later, so they win


def test_a_themes_custom_properties_colour_the_pdf(tmp_path: Path) -> None:
    lesson = lesson_in(tmp_path / "lessons")
    theme = theme_in(tmp_path / "school", theme_css=":root { --ink: #ff0000; }\n")
    result = run("build", lesson, "--out", tmp_path / "out", "--only", "flashcards", "--templates", theme)
    assert result.exit_code == 0, result.output
    [page, *_] = PdfReader(tmp_path / "out" / "lesson" / "flashcards.pdf").pages
    assert b"1 0 0 rg" in page.get_contents().get_data()  # red text: the theme's --ink


def test_templates_option_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = run("build", lesson_in(tmp_path), "--templates", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "'--templates': Directory" in result.output and "does not exist" in result.output


def test_a_lessons_theme_extends_the_stock_template(tmp_path: Path) -> None:
    lesson = lesson_in(tmp_path, "templates: theme/\n")
    theme_in(
        tmp_path / "theme",
        flashcards=textwrap.dedent("""\
            {% extends "default:flashcards.html" %}
            {% block body %}<p class="school">Hillside School</p>{{ super() }}{% endblock %}
            """),
    )
    [result] = build([lesson], out=tmp_path / "out", only=["flashcards"], format="html")
    assert result.error is None, result.error
    html = (tmp_path / "out" / "lesson" / "flashcards.html").read_text()
    assert '<p class="school">Hillside School</p>' in html
    assert "What is a theme?" in html and 'class="card"' in html  # the stock body, kept by super()


def test_a_lessons_theme_comes_before_the_templates_option(tmp_path: Path) -> None:
    lesson = lesson_in(tmp_path / "lessons", "templates: theme/\n")
    theme_in(tmp_path / "lessons" / "theme", flashcards="lesson's own")
    project = theme_in(tmp_path / "project", flashcards="project's")
    [result] = build([lesson], out=tmp_path / "out", only=["flashcards"], format="html", templates=project)
    assert result.error is None, result.error
    assert (tmp_path / "out" / "lesson" / "flashcards.html").read_text() == "lesson's own"


@pytest.mark.parametrize(
    ("folder", "reason"),
    [
        ("../elsewhere/", "it is outside the lesson's folder"),
        ("/tmp/", "only a folder beside the lesson may be used"),
        ("https://example.com/theme/", "only a folder beside the lesson may be used"),
        ("outside-link/", "it is outside the lesson's folder"),
        ("no-such-folder/", "there is no such folder in the lesson's folder (no-such-folder/)"),
    ],
)
def test_a_lessons_theme_must_be_a_folder_inside_its_own(tmp_path: Path, folder: str, reason: str) -> None:
    (tmp_path / "elsewhere").mkdir()
    lesson = lesson_in(tmp_path / "lessons", f"templates: {folder}\n")
    (tmp_path / "lessons" / "outside-link").symlink_to(tmp_path / "elsewhere")
    result = run("check", lesson)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {lesson}:5:12: templates: folder '{folder}' is refused: {reason}; "
        "name a folder inside the lesson's folder, e.g. `templates: theme/`\n"
    )


def test_a_theme_file_that_links_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for printing")
    lesson = lesson_in(tmp_path / "lessons")
    theme = theme_in(tmp_path / "theme")
    (theme / "flashcards.html").symlink_to(secret)
    [result] = build([lesson], out=tmp_path / "out", only=["flashcards"], format="html", templates=theme)
    assert result.error is not None
    message = str(result.error)
    assert "flashcards.html in " in message and "leads outside the theme's folder" in message
    assert not (tmp_path / "out" / "lesson" / "flashcards.html").exists()


def test_theme_templates_are_sandboxed(tmp_path: Path) -> None:
    lesson = lesson_in(tmp_path / "lessons")
    theme = theme_in(tmp_path / "theme", flashcards="{{ lesson.__class__.__mro__ }}")
    [result] = build([lesson], out=tmp_path / "out", only=["flashcards"], format="html", templates=theme)
    assert result.error is not None
    assert "template flashcards.html" in str(result.error) and "__class__" in str(result.error)
    assert not (tmp_path / "out" / "lesson" / "flashcards.html").exists()


def test_editing_or_adding_a_theme_file_rebuilds_and_nothing_else_does(tmp_path: Path) -> None:
    lesson = lesson_in(tmp_path, "templates: theme/\n")
    theme = theme_in(tmp_path / "theme", theme_css=":root { --ink: #111; }\n")

    def built() -> list[str]:
        [result] = build([lesson], out=tmp_path / "out", only=["flashcards"])
        assert result.error is None, result.error
        return [written.path.name for written in result.written]

    assert built() == ["flashcards.pdf"]
    (theme / "theme.css").write_text(":root { --ink: #222; }\n")
    assert built() == ["flashcards.pdf"]
    (theme / "header.html").write_text("never used by the flashcards")
    assert built() == []  # up to date
    (theme / "flashcards.html").write_text('{% extends "default:flashcards.html" %}')
    assert built() == ["flashcards.pdf"]  # an override that did not exist before


def test_the_example_theme_prints_the_schools_band_and_font(tmp_path: Path) -> None:
    [result] = build([ROOT / "content" / "falling-quiz.yaml"], out=tmp_path, only=["worksheet"])
    assert result.error is None, result.error
    reader = PdfReader(tmp_path / "falling-quiz" / "worksheet.pdf")
    first = reader.pages[0]
    assert "HILLSIDE SCHOOL · SCIENCE DEPARTMENT" in first.extract_text()
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert "Hillside-Headings-Bold" in fonts and "DejaVu-Sans" in fonts


def test_the_stock_stylesheet_names_every_grey_and_size() -> None:
    css = (ROOT / "templates" / "studygen.css").read_text()
    rules = css[css.index("\n}\n", css.index(":root {")) :]  # everything after the custom properties
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b", rules) == []
    assert re.findall(r"font-size: [\d.]+pt", rules) == []  # sizes come from the scale


def test_a_themes_stylesheet_reaches_no_file_outside_the_sandbox(tmp_path: Path) -> None:
    lesson = lesson_in(tmp_path, "templates: theme/\n")
    theme_in(tmp_path / "theme", theme_css='@import url("file:///etc/passwd");\n')
    [result] = build([lesson], out=tmp_path / "out", only=["flashcards"])
    assert result.error is not None
    assert "refused /etc/passwd: it is outside the lesson's folder" in str(result.error)
    assert not (tmp_path / "out" / "lesson" / "flashcards.pdf").exists()

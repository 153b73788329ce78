"""Starting a lesson: `studygen new` writes a valid starter, `studygen schema` prints the format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from kind_helpers import documents_in

from studygen.cli import cli
from studygen.lesson import load_lesson
from studygen.model import Lesson
from studygen.starter import STARTER, slug_for

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every command in an empty folder, as a teacher starting a course would."""
    monkeypatch.chdir(tmp_path)


def run(*args: str | Path) -> Result:
    """Invoke the CLI in-process."""
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="studygen")


def test_new_writes_a_lesson_that_checks_and_keeps_the_title_exactly() -> None:
    title = 'Free fall: "how far?" #1 \\ and {braces}'
    result = run("new", title)
    lesson = Path("content/free-fall-how-far-1-and-braces.yaml")
    assert (result.exit_code, result.stdout) == (
        0,
        f"Wrote {lesson}: fill it in, then run studygen check {lesson}\n",
    )
    assert load_lesson(lesson).lesson.title == title
    assert run("check", lesson).exit_code == 0


def test_the_starter_shows_every_section_of_a_lesson() -> None:
    text = STARTER.read_text(encoding="utf-8")
    keys = set(yaml.safe_load(text.replace("__TITLE__", "T")))
    commented = {
        line[2:].split(":")[0] for line in text.splitlines() if line.startswith("# ") and ": " in line
    }
    # Keys whose value needs something the teacher makes first (card stock, a theme folder) are shown
    # commented out.
    assert set(Lesson.model_fields) - keys <= commented & {"card_size", "templates"}
    assert set(Lesson.model_fields) - keys == {"card_size", "templates"}


def test_the_starter_builds_all_four_documents(tmp_path: Path) -> None:
    run("new", "Saving money")
    result = run("build", "content", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    built = documents_in(tmp_path / "out" / "saving-money")
    assert built == ["answer-key.pdf", "flashcards.pdf", "self-check.pdf", "worksheet.pdf"]


def test_new_never_overwrites_a_lesson() -> None:
    run("new", "Fractions")
    lesson = Path("content/fractions.yaml")
    lesson.write_text("title: My own work\n", encoding="utf-8")
    result = run("new", "Fractions")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {lesson} already exists: studygen new never overwrites a lesson; choose another title, "
        "or name another file with -o\n"
    )
    assert lesson.read_text(encoding="utf-8") == "title: My own work\n"


def test_new_writes_where_o_says_and_refuses_a_name_that_is_not_a_lesson() -> None:
    assert run("new", "Cells", "-o", "biology/unit-1/cells.yml").exit_code == 0
    assert load_lesson(Path("biology/unit-1/cells.yml")).lesson.title == "Cells"
    result = run("new", "Cells", "-o", "cells.txt")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: cells.txt: a lesson file ends in .yaml or .yml: choose a name that does\n",
    )


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("   ", 'the title is empty: write it in quotes, e.g. studygen new "Free fall"'),
        ("Line one\nline two", "the title contains a line break or control character: write it on one line"),
        ("x" * 201, "the title has 201 characters: shorten it to at most 200"),
    ],
)
def test_new_refuses_a_title_the_format_would_refuse(title: str, message: str) -> None:
    result = run("new", title)
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert not Path("content").exists()


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Équations du second degré", "equations-du-second-degre"),
        ("Photosynthese — Teil 2", "photosynthese-teil-2"),
        ("数学", "lesson"),
        ("  --Hello,   World!--  ", "hello-world"),
    ],
)
def test_a_title_becomes_a_plain_file_name(title: str, slug: str) -> None:
    assert slug_for(title) == slug


def test_schema_prints_the_schema_the_docs_ship() -> None:
    result = run("schema")
    assert result.exit_code == 0
    shipped = (ROOT / "docs" / "lesson.schema.json").read_text(encoding="utf-8")
    assert result.stdout == shipped
    schema = json.loads(result.stdout)
    assert schema["title"] == "Lesson"
    assert {"title", "exercises", "flashcards"} <= set(schema["properties"])

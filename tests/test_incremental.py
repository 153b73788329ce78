"""Incremental and parallel builds: what is skipped, what is rebuilt, and that parallel equals serial."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from studygen.cli import cli
from studygen.manifest import MANIFEST_NAME

ROOT = Path(__file__).resolve().parents[1]

LESSON = """\
title: Cells
intro: |
  ![A cell](cell.png)

  Every living thing is made of cells.
self_check:
  questions:
    - question: What is a cell?
      answer: The smallest unit of life.
exercises:
  - kind: true-false
    title: True or false
    statements:
      - {statement: Plants are made of cells., answer: true}
flashcards:
  - question: Cell?
    answer: The smallest unit of life.
  - question: Nucleus?
    answer: Where a cell keeps its DNA.
"""
DOCUMENTS = ("worksheet.pdf", "answer-key.pdf", "self-check.pdf", "flashcards.pdf")


def png(colour: tuple[int, int, int]) -> bytes:
    """A small PNG of one colour."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    """A lesson with every document and an image, built once into tmp_path/out."""
    file = tmp_path / "cells.yaml"
    file.write_text(LESSON, encoding="utf-8")
    (tmp_path / "cell.png").write_bytes(png((200, 40, 40)))
    assert build(file).exit_code == 0
    return file


def build(lesson: Path, *options: str) -> Result:
    """Build a lesson into out/ beside it, two documents at a time."""
    out = lesson.parent / "out"
    return CliRunner().invoke(cli, ["build", str(lesson), "--out", str(out), "--jobs", "2", *options])


def stamps(lesson: Path) -> dict[str, tuple[int, int]]:
    """Each document's inode and modification time: a publish replaces the file, changing both."""
    folder = lesson.parent / "out" / lesson.stem
    return {name: ((folder / name).stat().st_ino, (folder / name).stat().st_mtime_ns) for name in DOCUMENTS}


def rebuilt(before: dict[str, tuple[int, int]], lesson: Path) -> set[str]:
    """The documents replaced since `before`."""
    after = stamps(lesson)
    return {name for name in DOCUMENTS if after[name] != before[name]}


def test_a_rebuild_with_nothing_changed_writes_nothing_and_starts_no_worker(
    lesson: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stamps(lesson)
    manifest = (lesson.parent / "out" / "cells" / MANIFEST_NAME).read_bytes()

    def no_worker(*args: object) -> None:
        raise AssertionError("a worker was started for a lesson that is up to date")

    monkeypatch.setattr("studygen.worker.Worker.submit", no_worker)
    result = build(lesson)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{lesson} -> {lesson.parent / 'out' / 'cells'}/: up to date\n"
    assert rebuilt(before, lesson) == set()
    assert (lesson.parent / "out" / "cells" / MANIFEST_NAME).read_bytes() == manifest


def test_editing_one_flashcard_rebuilds_only_the_flashcards(lesson: Path) -> None:
    before = stamps(lesson)
    lesson.write_text(LESSON.replace("Where a cell keeps its DNA.", "Where a cell keeps its genes."))
    result = build(lesson)
    assert result.exit_code == 0, result.output
    assert rebuilt(before, lesson) == {"flashcards.pdf"}
    assert result.stdout.splitlines()[0].endswith(
        "flashcards.pdf (2 pages); up to date: worksheet.pdf, answer-key.pdf, self-check.pdf"
    )
    # The lesson file's new bytes are recorded: the next build starts nothing at all.
    assert build(lesson).stdout.splitlines()[0].endswith(": up to date")


def test_editing_an_exercise_rebuilds_the_worksheet_and_key_only(lesson: Path) -> None:
    before = stamps(lesson)
    lesson.write_text(LESSON.replace("Plants are made of cells.", "Plants are made of many cells."))
    assert build(lesson).exit_code == 0
    assert rebuilt(before, lesson) == {"worksheet.pdf", "answer-key.pdf"}


def test_changing_the_title_rebuilds_every_document(lesson: Path) -> None:
    before = stamps(lesson)
    lesson.write_text(LESSON.replace("title: Cells", "title: Living cells"))
    assert build(lesson).exit_code == 0
    assert rebuilt(before, lesson) == set(DOCUMENTS)


def test_a_comment_or_reformatting_rebuilds_nothing(lesson: Path) -> None:
    before = stamps(lesson)
    lesson.write_text("# Unit 3, week 2\n" + LESSON.replace("title: Cells", "title:   Cells"))
    result = build(lesson)
    assert result.exit_code == 0
    assert rebuilt(before, lesson) == set()
    assert result.stdout.splitlines()[0].endswith(": up to date")


def test_changing_an_image_rebuilds_the_documents_that_show_it(lesson: Path) -> None:
    before = stamps(lesson)
    (lesson.parent / "cell.png").write_bytes(png((40, 40, 200)))
    assert build(lesson).exit_code == 0
    assert rebuilt(before, lesson) == {"worksheet.pdf", "answer-key.pdf"}


def test_deleting_or_changing_an_output_rebuilds_it_and_force_rebuilds_all(lesson: Path) -> None:
    folder = lesson.parent / "out" / "cells"
    before = {name: stamps(lesson)[name] for name in ("answer-key.pdf", "flashcards.pdf")}
    (folder / "self-check.pdf").unlink()
    (folder / "worksheet.pdf").write_bytes(b"%PDF-1.7 edited by hand")
    assert build(lesson).exit_code == 0
    assert (folder / "self-check.pdf").is_file()
    assert (folder / "worksheet.pdf").read_bytes().startswith(b"%PDF-1.7\n")
    assert {name: stamps(lesson)[name] for name in before} == before
    everything = stamps(lesson)
    assert build(lesson, "--force").exit_code == 0
    assert rebuilt(everything, lesson) == set(DOCUMENTS)


def test_other_options_or_templates_rebuild(lesson: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = stamps(lesson)
    assert build(lesson, "--paper", "letter").exit_code == 0
    assert rebuilt(before, lesson) == set(DOCUMENTS)
    # A project template, read from templates/ in the folder studygen runs in, shapes documents too.
    monkeypatch.chdir(lesson.parent)
    before = stamps(lesson)
    (lesson.parent / "templates").mkdir()
    shutil.copyfile(ROOT / "templates" / "header.html", lesson.parent / "templates" / "header.html")
    with (lesson.parent / "templates" / "header.html").open("a", encoding="utf-8") as header:
        header.write("\n<p>Class 7B</p>\n")
    assert build(lesson, "--paper", "letter").exit_code == 0
    assert rebuilt(before, lesson) >= {"worksheet.pdf", "answer-key.pdf"}


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (b"{not json", "it cannot be read (JSONDecodeError)"),
        (b'{"format": "another tool", "version": 1}', "it is not a studygen build manifest of this version"),
        (
            b'{"format": "studygen build manifest", "version": 1, "documents": {"worksheet": 3}}',
            "its entries are not as studygen writes them",
        ),
    ],
)
def test_a_manifest_that_cannot_be_trusted_is_ignored_with_a_warning(
    lesson: Path, text: bytes, why: str
) -> None:
    manifest = lesson.parent / "out" / "cells" / MANIFEST_NAME
    manifest.write_bytes(text)
    before = stamps(lesson)
    result = build(lesson)
    assert result.exit_code == 0
    assert result.stderr == f"Warning: {manifest}: {why}, so it is ignored: the lesson is built again\n"
    assert rebuilt(before, lesson) == set(DOCUMENTS)
    assert json.loads(manifest.read_bytes())["format"] == "studygen build manifest"


def test_a_manifest_naming_a_file_outside_its_folder_is_not_trusted(lesson: Path) -> None:
    manifest = lesson.parent / "out" / "cells" / MANIFEST_NAME
    data = json.loads(manifest.read_bytes())
    data["documents"]["worksheet"]["files"] = {"../../cells.yaml": "0" * 64}
    manifest.write_text(json.dumps(data), encoding="utf-8")
    result = build(lesson)
    assert "its entries are not as studygen writes them" in result.stderr
    assert lesson.read_text(encoding="utf-8") == LESSON  # nothing outside the folder touched


# --- parallel ------------------------------------------------------------------------------------


def test_parallel_and_serial_builds_write_the_same_bytes(tmp_path: Path) -> None:
    outputs = {}
    lessons = [str(ROOT / "content" / name) for name in ("imitation-learning.yaml", "free-fall.yaml")]
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        result = CliRunner().invoke(cli, ["build", *lessons, "--out", str(out), "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outputs[jobs] = {path.relative_to(out): path.read_bytes() for path in sorted(out.rglob("*.pdf"))}
    assert len(outputs["1"]) == 8  # the four documents of each lesson
    assert outputs["1"] == outputs["2"]


def test_one_failing_lesson_does_not_stop_the_others_and_the_summary_names_it(tmp_path: Path) -> None:
    (tmp_path / "a-good.yaml").write_text(LESSON.replace("![A cell](cell.png)", ""), encoding="utf-8")
    (tmp_path / "b-bad.yaml").write_text("title: Bad\nflashcards: nope\n", encoding="utf-8")
    (tmp_path / "c-good.yaml").write_text("title: C\nflashcards:\n  - question: Q?\n    answer: A.\n")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(" -> ")[0] for line in lines[:2]] == [
        str(tmp_path / "a-good.yaml"),
        str(tmp_path / "c-good.yaml"),
    ]
    assert lines[2].endswith(
        f"s: 5 documents built (7 pages), 0 up to date, 1 failed: {tmp_path / 'b-bad.yaml'}"
    )
    assert result.stderr.startswith(f"Error: {tmp_path / 'b-bad.yaml'}:2:13: flashcards:")


DRAWN = """\
title: Drop
exercises:
  - kind: numeric-problem
    title: A dropped ball
    prompt: A ball falls from rest.
    given: {g: 10, t: [1, 2, 3, 4, 5, 6]}
    asked:
      - {label: Distance, formula: g * t^2 / 2}
"""


def test_versions_are_skipped_when_up_to_date_and_rebuilt_alone_for_another_seed(tmp_path: Path) -> None:
    lesson = tmp_path / "drop.yaml"
    lesson.write_text(DRAWN, encoding="utf-8")
    folder = tmp_path / "out" / "drop"

    def build_versions(*options: str) -> dict[str, tuple[int, int]]:
        result = build(lesson, "--format", "html", *options)
        assert result.exit_code == 0, result.output
        return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob("*.html")}

    first = build_versions("--variants", "3")
    assert len(first) == 2 + 2 * 3 + 1
    assert build_versions("--variants", "3") == first  # nothing changed: nothing written
    reseeded = build_versions("--variants", "3", "--seed", "2")
    changed = {name for name in first if reseeded[name] != first[name]}
    assert changed == set(first) - {"worksheet.html", "answer-key.html"}
    fewer = build_versions("--variants", "2", "--seed", "2")
    assert set(fewer) == set(first) - {"worksheet-v03.html", "answer-key-v03.html"}
    assert {name: fewer[name] for name in ("worksheet.html", "worksheet-v01.html")} == {
        name: reseeded[name] for name in ("worksheet.html", "worksheet-v01.html")
    }


def test_jobs_come_from_the_option_then_studygen_jobs_then_the_cores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studygen import build as build_module
    from studygen.pool import Pool, cores

    sizes: list[int] = []

    def recording(task: object, limits: object, size: int) -> Pool:
        sizes.append(size)
        return Pool(task, limits, size)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "Pool", recording)
    lesson = tmp_path / "c.yaml"
    lesson.write_text("title: C\nflashcards:\n  - question: Q?\n    answer: A.\n", encoding="utf-8")
    args = ["build", str(lesson), "--out", str(tmp_path / "out"), "--format", "html", "--force"]
    runner = CliRunner()
    assert runner.invoke(cli, args, env={"STUDYGEN_JOBS": "3"}).exit_code == 0
    assert runner.invoke(cli, [*args, "--jobs", "1"], env={"STUDYGEN_JOBS": "3"}).exit_code == 0
    monkeypatch.delenv("STUDYGEN_JOBS")
    assert runner.invoke(cli, args).exit_code == 0
    assert sizes == [3, 1, cores()]

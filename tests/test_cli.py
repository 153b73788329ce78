"""The command line's wiring: options, exit codes, messages, imports and what reaches the disk."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from kind_helpers import documents_in
from pypdf import PdfReader

from studygen.cli import cli
from studygen.manifest import MANIFEST_NAME

ROOT = Path(__file__).parents[1]
SEED = ROOT / "content" / "imitation-learning.yaml"
DOCUMENTS = ("worksheet", "answer-key", "self-check", "flashcards")
LETTER = (612.0, 792.0)

BROKEN = """\
title: Broken lesson
titel: a typo
exercises:
  - kind: computed-table
    title: Compute the bound
    given: {ε: 0.05}
    rows: {symbol: T, values: [50]}
    columns:
      - {label: BC, formula: ε * T^^2}
"""
"""A lesson with an unknown key (line 2) and a formula that does not parse (line 9)."""


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test from an empty folder: no content/, templates/ or output/ of the project's own."""
    monkeypatch.chdir(tmp_path)


def run(*args: str | Path) -> Result:
    """Invoke the CLI as `studygen ARGS`, stdout and stderr kept apart."""
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="studygen")


def write_broken(folder: Path, name: str = "broken.yaml") -> Path:
    """Write the broken lesson into folder and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(BROKEN, encoding="utf-8")
    return path


def assert_reports_broken(result: Result, lesson: Path) -> None:
    """Check the broken lesson's problems are on stderr, each at its line and key, without a traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("Error: ")
    where = re.escape(str(lesson))
    assert re.search(
        rf"^{where}:2:1: titel: unknown key 'titel' \(did you mean 'title'\?\)$", result.stderr, re.M
    )
    assert re.search(
        rf"^{where}:9:\d+: exercises\[0\]\.columns\[0\]\.formula: formula 'ε \* T\^\^2': unexpected '\^'",
        result.stderr,
        re.M,
    )
    assert "Traceback" not in result.output


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file in a folder (hidden ones too) by name, with its bytes."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# --- entry points --------------------------------------------------------------------------------


def test_version_option_prints_the_installed_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"studygen, version {version('studygen')}\n"


def test_python_dash_m_studygen_shows_help(tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "studygen", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith("Usage: studygen ")
    assert re.search(r"^\s+build\s", process.stdout, re.M)
    assert re.search(r"^\s+check\s", process.stdout, re.M)
    assert process.stderr == ""


def test_python_dash_m_studygen_runs_a_command(tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "studygen", "check", str(SEED)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout == f"{SEED}: ok\n"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_and_option_has_help(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.help.strip(), f"command {name!r} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"option {param.opts} of {name!r} has no help text"
    result = run(name, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: studygen {name} ")
    assert command.help.split("\n")[0] in result.stdout


# --- what the light commands import --------------------------------------------------------------

IMPORT_PROBE = """\
import importlib, json, sys
from studygen.cli import main
preload, *args = sys.argv[1:]
if preload != "-":
    importlib.import_module(preload)
sys.argv = ["studygen", *args]
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
heavy = ("weasyprint", "jinja2", "markdown_it", "PIL")
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""
"""Import a module (or `-` for none), run the real entry point, then report which heavy modules are loaded."""


@pytest.mark.parametrize(
    ("preload", "args", "loaded"),
    [
        ("-", ["--help"], []),
        ("-", ["check", "--help"], []),
        ("-", ["build", "--help"], []),
        # The seed alone: a lesson with blanks to fill in parses its markdown while it is worked out.
        ("-", ["check", "content"], []),
        ("-", ["check", "content/"], []),
        # Controls: the probe sees these modules when the renderers are imported, so it can fail.
        ("studygen.render", ["--help"], ["jinja2"]),
        ("markdown_it", ["--help"], ["markdown_it"]),
        ("studygen.pdf", ["--help"], ["PIL", "weasyprint"]),
    ],
    ids=[
        "help",
        "check-help",
        "build-help",
        "check",
        "check-folder-slash",
        "control-render",
        "control-markdown",
        "control-pdf",
    ],
)
def test_light_commands_do_not_import_the_renderers(
    tmp_path: Path, preload: str, args: list[str], loaded: list[str]
) -> None:
    (tmp_path / "content").mkdir()
    shutil.copyfile(SEED, tmp_path / "content" / SEED.name)
    process = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE, preload, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    report = json.loads(process.stdout.splitlines()[-1])
    assert report == {"code": 0, "loaded": loaded}
    if args[0] == "check" and "--help" not in args:
        assert "imitation-learning.yaml: ok" in process.stdout


# --- build ---------------------------------------------------------------------------------------


def test_build_writes_four_pdfs_and_one_line_naming_them(tmp_path: Path) -> None:
    out = tmp_path / "tmp"
    result = run("build", SEED, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    folder = out / "imitation-learning"
    assert documents_in(folder) == sorted(f"{name}.pdf" for name in DOCUMENTS)
    [line] = result.stdout.splitlines()
    listing = ", ".join(rf"{name}\.pdf \((\d+) pages?\)" for name in DOCUMENTS)
    match = re.fullmatch(rf"{re.escape(str(SEED))} -> {re.escape(str(folder))}/: {listing}", line)
    assert match, line
    printed = dict(zip(DOCUMENTS, (int(n) for n in match.groups()), strict=True))
    assert printed["flashcards"] == 9
    for name in DOCUMENTS:
        assert len(PdfReader(folder / f"{name}.pdf").pages) == printed[name], name


def test_build_only_writes_exactly_the_named_documents(tmp_path: Path) -> None:
    result = run("build", SEED, "--out", tmp_path / "out", "--only", "worksheet,answer-key")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "imitation-learning"
    assert documents_in(folder) == ["answer-key.pdf", "worksheet.pdf"]
    assert re.search(
        r": worksheet\.pdf \(\d+ pages?\), answer-key\.pdf \(\d+ pages?\)$", result.stdout.strip()
    )
    assert "self-check" not in result.stdout and "flashcards" not in result.stdout


def test_build_format_html_writes_html_files(tmp_path: Path) -> None:
    result = run("build", SEED, "--out", tmp_path / "out", "--format", "html")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "imitation-learning"
    assert documents_in(folder) == sorted(f"{name}.html" for name in DOCUMENTS)
    assert result.stdout.rstrip("\n").endswith(": " + ", ".join(f"{name}.html" for name in DOCUMENTS))
    assert (
        (folder / "worksheet.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    )


def test_build_paper_letter_prints_on_letter(tmp_path: Path) -> None:
    result = run("build", SEED, "--out", tmp_path / "out", "--only", "flashcards", "--paper", "letter")
    assert result.exit_code == 0, result.output
    page = PdfReader(tmp_path / "out" / "imitation-learning" / "flashcards.pdf").pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(LETTER, abs=0.5)


def test_build_never_writes_the_lesson_file(tmp_path: Path) -> None:
    lesson = tmp_path / "lessons" / "imitation-learning.yaml"
    lesson.parent.mkdir()
    shutil.copyfile(SEED, lesson)
    os.utime(lesson, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))  # 2001: any write shows
    before = (lesson.read_bytes(), lesson.stat().st_mtime_ns)
    assert run("build", lesson, "--out", tmp_path / "out").exit_code == 0
    assert run("check", lesson).exit_code == 0
    assert (lesson.read_bytes(), lesson.stat().st_mtime_ns) == before
    assert sorted(p.name for p in lesson.parent.iterdir()) == ["imitation-learning.yaml"]


# --- usage errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["build", "--only", "answers"], ["'--only'", "answers"]),
        (["build", "--only", "worksheet,answers"], ["'--only'", "answers"]),
        (["build", "--only", ","], ["'--only'"]),
        (["build", "--paper", "a5"], ["'--paper'", "'a5'"]),
        (["build", "--format", "docx"], ["'--format'", "'docx'"]),
        (["build", "--bogus"], ["No such option", "--bogus"]),
        (["check", "--out", "x"], ["No such option", "--out"]),
        (["publish"], ["No such command", "publish"]),
    ],
    ids=[
        "only-answers",
        "only-one-bad",
        "only-empty",
        "paper-a5",
        "format-docx",
        "unknown-option",
        "check-has-no-out",
        "unknown-command",
    ],
)
def test_usage_errors_exit_2_with_clicks_message(
    tmp_path: Path, args: list[str], mentions: list[str]
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Usage: studygen" in result.stderr
    error = result.stderr.splitlines()[-1]
    assert error.startswith("Error: ")
    for text in mentions:
        assert text in error
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing built, no output/ folder made


# --- lesson problems -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "build"])
def test_broken_lesson_exits_1_with_each_problem_at_its_line(tmp_path: Path, command: str) -> None:
    lesson = write_broken(tmp_path / "lessons")
    extra = ["--out", str(tmp_path / "out")] if command == "build" else []
    result = run(command, lesson, *extra)
    assert_reports_broken(result, lesson)
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["check", "build"])
def test_missing_path_exits_1(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nowhere.yaml"
    result = run(command, missing)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {missing}: no such file or folder\n"
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["check", "build"])
def test_folder_without_lessons_exits_1(tmp_path: Path, command: str) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a lesson\n", encoding="utf-8")
    result = run(command, empty)
    assert result.exit_code == 1
    assert result.stderr == f"Error: no lesson files (*.yaml, *.yml) in {empty}\n"
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["check", "build"])
def test_default_path_is_content_folder(command: str) -> None:
    result = run(command)  # run from an empty folder: there is no content/ here
    assert result.exit_code == 1
    assert result.stderr == "Error: content: no such file or folder\n"


def test_build_failure_stops_only_its_lesson(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    bad = write_broken(lessons, "a-broken.yaml")  # sorts first: the good lesson is built after it
    good = lessons / "b-good.yml"
    shutil.copyfile(SEED, good)
    out = tmp_path / "out"
    result = run("build", lessons, "--out", out)
    assert result.exit_code == 1
    assert_reports_broken(result, bad)
    assert str(good) not in result.stderr
    line, summary = result.stdout.splitlines()
    assert line.startswith(f"{good} -> {out / 'b-good'}/: worksheet.pdf")
    assert summary.startswith("2 lessons in ") and summary.endswith(f", 0 up to date, 1 failed: {bad}")
    assert documents_in(out / "b-good") == sorted(f"{name}.pdf" for name in DOCUMENTS)
    assert not (out / "a-broken").exists()


def test_check_reports_every_lesson_and_fails_if_one_is_broken(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    bad = write_broken(lessons, "a-broken.yaml")
    good = lessons / "nested" / "b-good.yaml"
    good.parent.mkdir()
    shutil.copyfile(SEED, good)
    result = run("check", lessons)
    assert result.stdout == f"{good}: ok\n"
    assert_reports_broken(result, bad)


# --- a failed build keeps what was there ---------------------------------------------------------


def invalid_copy(folder: Path) -> Path:
    """The broken lesson under the seed's file name: it fails while loading."""
    return write_broken(folder, SEED.name)


def copy_failing_in_answer_key(folder: Path) -> Path:
    """A valid copy of the seed whose answer key cannot render: the project's answer-key template is broken.

    The worksheet renders first and fine, so this checks nothing is written until every document rendered.
    """
    templates = Path("templates")  # `studygen build` reads project templates from the folder it runs in
    templates.mkdir()
    (templates / "answer-key.html").write_text("<p>{{ no_such_variable }}</p>\n", encoding="utf-8")
    folder.mkdir(parents=True)
    return Path(shutil.copyfile(SEED, folder / SEED.name))


@pytest.mark.parametrize("make_lesson", [invalid_copy, copy_failing_in_answer_key], ids=["invalid", "render"])
def test_failed_build_leaves_previous_outputs_untouched(tmp_path: Path, make_lesson: object) -> None:
    out = tmp_path / "out"
    assert run("build", SEED, "--out", out).exit_code == 0
    folder = out / SEED.stem
    before = folder_bytes(folder)
    assert sorted(before) == sorted([MANIFEST_NAME, *(f"{name}.pdf" for name in DOCUMENTS)])
    lesson = make_lesson(tmp_path / "other")  # type: ignore[operator]
    result = run("build", lesson, "--out", out)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output
    assert folder_bytes(folder) == before  # same names (so no *.tmp left over) and the same bytes
    assert list(out.iterdir()) == [folder]


def test_render_failure_names_its_lesson(tmp_path: Path) -> None:
    lesson = copy_failing_in_answer_key(tmp_path / "other")
    result = run("build", lesson, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "no_such_variable" in result.stderr
    assert str(lesson) in result.stderr, "with many lessons, the error must say which one failed"


@pytest.mark.parametrize("debug", [False, True])
def test_an_internal_error_says_it_is_a_bug(monkeypatch: pytest.MonkeyPatch, debug: bool) -> None:
    import studygen.check

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug in studygen")

    monkeypatch.setattr(studygen.check, "load_lesson", broken)
    result = CliRunner().invoke(cli, ["check", str(SEED), *(["--debug"] if debug else [])])
    assert result.exit_code == 1
    assert "Error: internal error in studygen (ZeroDivisionError: a bug in studygen)" in result.stderr
    assert "please report it" in result.stderr
    assert ("Traceback (most recent call last)" in result.stderr) == debug


def test_same_file_name_in_two_folders_is_refused_by_check_too(tmp_path: Path) -> None:
    for unit in ("unit-1", "unit-2"):
        (tmp_path / unit).mkdir()
        shutil.copy(SEED, tmp_path / unit / "intro.yaml")
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "would both build into the output folder 'intro': rename one of them" in result.stderr


def test_a_file_named_twice_is_one_lesson(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(SEED), str(SEED.parent / "." / SEED.name)])
    assert result.exit_code == 0
    assert result.stdout.count(": ok") == 1


def test_a_dot_file_name_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    lesson = tmp_path / "..yaml"
    shutil.copy(SEED, lesson)
    result = CliRunner().invoke(cli, ["build", str(lesson), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "a lesson's file name must not start with '.'" in result.stderr
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob("*.pdf"))


def test_an_unwritable_output_is_a_clear_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a").write_text("a file where the lesson's folder should be")
    for name in ("a", "b"):
        shutil.copy(SEED, tmp_path / f"{name}.yaml")
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'a.yaml'}: cannot write into {out / 'a'}:" in result.stderr
    assert "internal error" not in result.stderr
    assert (out / "b" / "flashcards.pdf").is_file()


def test_a_document_the_lesson_no_longer_has_is_removed(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.yaml"
    shutil.copy(SEED, lesson)
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(lesson), "--out", str(out)]).exit_code == 0
    assert (out / "lesson" / "self-check.pdf").is_file()
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text[: text.index("self_check:")] + text[text.index("exercises:") :], encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(lesson), "--out", str(out)])
    assert result.exit_code == 0 and "(no content for self-check)" in result.stdout
    assert documents_in(out / "lesson") == [
        "answer-key.pdf",
        "flashcards.pdf",
        "worksheet.pdf",
    ]


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["export", "--help"]])
def test_help_builds_no_lesson_model_and_loads_no_units(args: list[str]) -> None:
    """`--help` is typed often; the lesson model (pydantic) and pint cost it a third of a second or more."""
    probe = IMPORT_PROBE.replace(
        'heavy = ("weasyprint", "jinja2", "markdown_it", "PIL")', 'heavy = ("pydantic", "pint")'
    )
    process = subprocess.run(
        [sys.executable, "-c", probe, "-", *args], capture_output=True, text=True, check=False
    )
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout.splitlines()[-1]) == {"code": 0, "loaded": []}


def test_a_builds_parent_finds_its_lessons_without_the_lesson_model(tmp_path: Path) -> None:
    """Only the worker loads lessons: the parent of `build` never pays for pydantic and the model."""
    (tmp_path / "content").mkdir()
    shutil.copyfile(SEED, tmp_path / "content" / SEED.name)
    probe = IMPORT_PROBE.replace(
        'heavy = ("weasyprint", "jinja2", "markdown_it", "PIL")', 'heavy = ("pydantic",)'
    )
    process = subprocess.run(
        [sys.executable, "-c", probe, "-", "build", "--only", "worksheet", "--format", "html"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout.splitlines()[-1]) == {"code": 0, "loaded": []}
    assert (tmp_path / "output" / "imitation-learning" / "worksheet.html").is_file()

"""What CI jobs rely on: shards that cover a course once, GitHub annotations, and --strict."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_fit import write_deck

from studygen.annotations import error_annotations
from studygen.cli import cli
from studygen.errors import BuildError
from studygen.lesson_files import find_lessons, shard

CARD = "title: Lesson {n}\nflashcards:\n  - question: Question {n}?\n    answer: Answer {n}.\n"
BROKEN = """\
title: Broken
exercises:
  - kind: numeric-problem
    title: Speed
    prompt: "Sure to 100%: a, b"
    given: {d: 3}
    asked:
      - {label: Speed, formula: d / t}
      - {label: Time, formula: d / v}
"""


def run(*args: str | Path) -> Result:
    """Invoke the CLI in-process, stdout and stderr kept apart."""
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="studygen")


def course(folder: Path, count: int) -> Path:
    """Write a course of one-card lessons spread over three unit folders."""
    for n in range(count):
        unit = folder / "content" / f"unit-{n % 3 + 1}"
        unit.mkdir(parents=True, exist_ok=True)
        (unit / f"lesson-{n:02}.yaml").write_text(CARD.format(n=n), encoding="utf-8")
    return folder / "content"


# --- shards --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
def test_shards_cover_every_lesson_exactly_once_and_differ_by_at_most_one(tmp_path: Path, count: int) -> None:
    files = find_lessons([course(tmp_path, 23)])
    shares = [shard(files, k, count) for k in range(1, count + 1)]
    dealt = [file for share in shares for file in share]
    assert sorted(dealt) == sorted(files) and len(dealt) == len(files)
    sizes = [len(share) for share in shares]
    assert max(sizes) - min(sizes) <= 1


def test_a_shard_is_dealt_by_the_hash_of_each_path_not_by_the_listing_order(tmp_path: Path) -> None:
    files = find_lessons([course(tmp_path, 6)])
    # The documented rule, written out: order by sha256 of the path, deal every N-th from the K-th.
    by_hash = sorted(files, key=lambda f: hashlib.sha256(f.as_posix().encode()).digest())
    assert set(shard(files, 2, 3)) == set(by_hash[1::3])
    assert shard(list(reversed(files)), 2, 3) == list(reversed(shard(files, 2, 3)))


def test_build_with_a_shard_builds_only_its_lessons_and_says_how_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    course(tmp_path, 5)
    expected = shard(find_lessons([Path("content")]), 2, 2)
    result = run("build", "--shard", "2/2", "--out", "out", "--format", "html")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"Shard 2/2: {len(expected)} of the 5 lessons found"
    assert sorted(p.name for p in Path("out").iterdir()) == sorted(f.stem for f in expected)


def test_an_empty_shard_does_nothing_and_succeeds(tmp_path: Path) -> None:
    content = course(tmp_path, 1)
    result = run("check", content, "--shard", "2/2")
    assert (result.exit_code, result.stdout) == (
        0,
        "Shard 2/2: none of the 1 lesson found falls in this shard; nothing to do\n",
    )
    result = run("build", content, "--shard", "2/2", "--out", tmp_path / "out")
    assert result.exit_code == 0 and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3", "'3' is not a shard: write K/N, e.g. 2/4 for the second of four jobs"),
        ("0/3", "'0/3': K must be from 1 to N, and N at most 1000: e.g. 1/4, 2/4, 3/4 and 4/4"),
        ("4/3", "'4/3': K must be from 1 to N"),
        ("1/1001", "'1/1001': K must be from 1 to N, and N at most 1000"),
    ],
)
def test_a_wrong_shard_is_a_usage_error(tmp_path: Path, value: str, message: str) -> None:
    result = run("check", course(tmp_path, 1), "--shard", value)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


# --- GitHub annotations --------------------------------------------------------------------------


def test_check_format_github_marks_each_problem_on_its_line(tmp_path: Path) -> None:
    lesson = tmp_path / "broken.yaml"
    lesson.write_text(BROKEN, encoding="utf-8")
    result = run("check", lesson, "--format", "github")
    assert result.exit_code == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"::error file={lesson},line=8,col=33::exercises[0].asked[0].formula: unknown symbol 't' in "
        "'d / t': define it under `given:` (or as the `symbol` of a quantity asked above it) or use one of d",
        f"::error file={lesson},line=9,col=32::exercises[0].asked[1].formula: unknown symbol 'v' in "
        "'d / v': define it under `given:` (or as the `symbol` of a quantity asked above it) or use one of d",
    ]


def test_annotations_escape_what_would_end_or_split_a_command(tmp_path: Path) -> None:
    folder = tmp_path / "100%, a:b"
    folder.mkdir()
    lesson = folder / "x.yaml"
    lesson.write_text("title: [unclosed\n", encoding="utf-8")
    [line] = run("check", lesson, "--format", "github").stdout.splitlines()
    assert line.startswith(f"::error file={tmp_path}/100%25%2C a%3Ab/x.yaml,line=")
    message = line.split("::", 2)[2]
    assert "\n" not in message and "%" not in message.replace("%0A", "").replace("%25", "")


def test_an_error_without_a_line_is_marked_on_the_file_naming_it_once() -> None:
    file = Path("content/unit 1/deck.yaml")
    error = BuildError(f"{file}: flashcards: the template failed:\nline two")
    assert list(error_annotations(file, error)) == [
        "::error file=content/unit 1/deck.yaml::flashcards: the template failed:%0Aline two"
    ]


def test_a_hidden_character_in_a_name_is_a_warning_annotation_or_with_strict_an_error(tmp_path: Path) -> None:
    lesson = tmp_path / "cafe\u0301\u200b.yaml"
    lesson.write_text(CARD.format(n=1), encoding="utf-8")
    plain = run("check", lesson, "--format", "github")
    assert plain.exit_code == 0
    assert plain.stdout.startswith(
        f"::warning file={tmp_path}/cafe\u0301\\u200b.yaml::the file name contains"
    )
    strict = run("check", lesson, "--format", "github", "--strict")
    assert strict.exit_code == 1
    assert strict.stdout.startswith("::error file=") and ": ok" not in strict.stdout


# --- --strict ------------------------------------------------------------------------------------


def test_strict_fails_a_build_with_warnings_and_keeps_the_old_documents(tmp_path: Path) -> None:
    lesson = write_deck(tmp_path, listed=36)
    out = tmp_path / "out"
    assert run("build", lesson, "--out", out, "--allow-overflow").exit_code == 0
    before = (out / "cards" / "flashcards.pdf").read_bytes()
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Last card.", "The last card."))
    result = run("build", lesson, "--out", out, "--allow-overflow", "--strict")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {lesson}:8:13: flashcards[2].answer: card 3")
    assert result.stderr.endswith(
        "(a warning, failing because of --strict: fix it, or build without --strict)\n"
    )
    assert (out / "cards" / "flashcards.pdf").read_bytes() == before


def test_strict_refuses_to_build_a_lesson_with_a_hidden_character_in_its_name(tmp_path: Path) -> None:
    lesson = tmp_path / "deck\u200b.yaml"
    lesson.write_text(CARD.format(n=1), encoding="utf-8")
    result = run("build", lesson, "--out", tmp_path / "out", "--strict")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path}/deck\\u200b.yaml: the file name contains")
    assert result.stderr.endswith("rename the file (a warning, failing because of --strict)\n")
    assert not (tmp_path / "out").exists()

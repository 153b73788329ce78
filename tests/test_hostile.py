"""Hostile lessons: the real CLI refuses each one quickly, with its located message, writing nothing."""

from __future__ import annotations

import contextlib
import html
import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from studygen.cli import cli
from studygen.model import Lesson

HOSTILE = Path(__file__).parent / "hostile"
ACCEPTED = HOSTILE / "accepted"
EXPECTED = HOSTILE / "EXPECTED.txt"

CHECK_SECONDS = 10
"""A refusal is parsing and arithmetic only: even the 3 MB file takes well under a second."""

MAX_STDERR_CHARS = 20_000
"""An error names what is wrong and where; it never echoes megabytes of the lesson back."""

BUILD_LIMITS = ("--timeout", "20", "--memory", "1024")
"""Bounds for build runs, so a hostile case the checks wrongly accept cannot stall the suite."""

RAW_TAGS = re.compile(r"<\s*(script|iframe|img|link|object|embed|meta\s+http-equiv)\b", re.IGNORECASE)
"""Tags the stock templates never write: in the output, they could only come from lesson text."""


@dataclass(frozen=True)
class Case:
    """One hostile lesson: how to put it on disk and the substrings its error must contain."""

    name: str
    expect: tuple[str, ...]
    make: Callable[[Path], Path]


@dataclass(frozen=True)
class Run:
    """What one CLI run did."""

    code: int
    stdout: str
    stderr: str
    seconds: float


def run(*args: str | Path, cwd: Path) -> Run:
    """Run the CLI in this process from cwd (no project templates/ there); a crash fails the test.

    In-process keeps the corpus fast (a Python start-up per run doubled the suite's time); the same
    command line as a real process is proved for a sample of cases in test_the_real_cli_refuses_alike.
    """
    start = time.monotonic()
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="studygen")
    seconds = time.monotonic() - start
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"studygen {' '.join(map(str, args))} crashed") from result.exception
    return Run(result.exit_code, result.stdout, result.stderr, seconds)


def run_process(*args: str | Path, cwd: Path) -> Run:
    """Run the real CLI in a subprocess from cwd, PYTHONPATH untouched."""
    start = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "studygen", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        timeout=60,
        check=False,
        env=os.environ.copy(),
    )
    seconds = time.monotonic() - start
    return Run(
        process.returncode,
        process.stdout.decode("utf-8", "replace"),
        process.stderr.decode("utf-8", "replace"),
        seconds,
    )


# --- the corpus ---------------------------------------------------------------------------------


def _declared(file: Path) -> tuple[str, ...]:
    """Read the `# expect: ...` lines a case starts with (bytes, so non-UTF-8 cases can declare too)."""
    found: list[str] = []
    for line in file.read_bytes().splitlines():
        if not line.startswith(b"# expect: "):
            break
        found.append(line.removeprefix(b"# expect: ").decode("utf-8"))
    return tuple(found)


def _listed() -> dict[str, tuple[str, ...]]:
    """Read EXPECTED.txt: `file name: substring` lines for cases that cannot hold a comment."""
    listed: dict[str, tuple[str, ...]] = {}
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, expectation = line.split(": ", 1)
            listed[name] = (*listed.get(name, ()), expectation)
    return listed


def _in_place(file: Path) -> Callable[[Path], Path]:
    """Use a committed case where it is, so its relative images resolve in tests/hostile/."""
    return lambda tmp_path: file


def _committed() -> list[Case]:
    listed = _listed()
    return [
        Case(file.name, _declared(file) or listed.get(file.name, ()), _in_place(file))
        for file in sorted(HOSTILE.glob("*.yaml"))
    ]


def _lesson(tmp_path: Path, name: str, data: bytes) -> Path:
    """Write a generated case into its own lesson folder under tmp_path."""
    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    file = folder / name
    file.write_bytes(data)
    return file


BIG_FILE_BYTES = 3 * 1024 * 1024


def _three_megabytes(tmp_path: Path) -> Path:
    words = b"title: Big\nintro: >-\n" + b"  " + b"word " * (BIG_FILE_BYTES // 5) + b"\n"
    return _lesson(tmp_path, "yaml-3mb-file.yaml", words[:BIG_FILE_BYTES])


def _deep_mappings(tmp_path: Path) -> Path:
    return _lesson(
        tmp_path, "yaml-deep-mappings.yaml", b"title: Deep\nintro: " + b"{a: " * 10_000 + b"x" + b"}" * 10_000
    )


def _deep_block_lists(tmp_path: Path) -> Path:
    return _lesson(
        tmp_path, "yaml-deep-block-lists.yaml", b"title: Deep\nexercises:\n" + b"- " * 10_000 + b"x\n"
    )


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5f0d7a60000000049454e44ae426082"
)


def _symlink_outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(PNG)
    images = tmp_path / "lessons" / "images"
    images.mkdir(parents=True)
    (images / "leak.png").symlink_to(outside / "secret.png")
    return _lesson(
        tmp_path, "image-symlink-outside.yaml", b"title: Hostile\nintro: '![x](images/leak.png)'\n"
    )


def _big_data_png(tmp_path: Path) -> Path:
    source = b"data:image/png;base64," + b"A" * (65 * 1024)
    return _lesson(
        tmp_path, "image-data-png-over-64kib.yaml", b"title: Hostile\nintro: '![x](" + source + b")'\n"
    )


TABLE = """\
title: Hostile
exercises:
  - kind: computed-table
    title: Compute
    rows:
      symbol: t
      values: [{values}]
    columns:
      - label: d
        formula: {formula}
"""


def _long_formula(tmp_path: Path) -> Path:
    text = TABLE.format(values="10", formula="t+" * 100_000 + "t")
    return _lesson(tmp_path, "formula-200-kb.yaml", text.encode())


def _long_language(tmp_path: Path) -> Path:
    return _lesson(
        tmp_path, "schema-language-200-kb.yaml", b"title: Hostile\nlanguage: " + b"x" * 200_000 + b"\n"
    )


def _million_digits(tmp_path: Path) -> Path:
    text = TABLE.format(values="9" * 1_000_000, formula='"2"')
    return _lesson(tmp_path, "rows-value-million-digits.yaml", text.encode())


MOST_CARDS = next(meta.max_length for meta in Lesson.model_fields["flashcards"].metadata)
"""The deck's cap, read from the model so the case follows it when the cap is raised."""


def _too_many_cards(tmp_path: Path) -> Path:
    cards = "".join(f"  - {{question: Q{n}, answer: A}}\n" for n in range(MOST_CARDS + 104))
    return _lesson(tmp_path, "schema-too-many-flashcards.yaml", f"title: T\nflashcards:\n{cards}".encode())


def _jpeg() -> bytes:
    """A small valid JPEG."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _bomb_jpeg() -> bytes:
    """The attack as found: a few hundred bytes of JPEG whose frame header claims 13000 x 13000 pixels."""
    data = bytearray(_jpeg())
    frame = data.find(b"\xff\xc0")
    data[frame + 5 : frame + 9] = (13000).to_bytes(2, "big") * 2
    return bytes(data)


def _bomb_png() -> bytes:
    """A few KB of 1-bit PNG that decodes to 196 million pixels."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (14000, 14000)).save(out, "PNG")
    return out.getvalue()


SVG_OUTSIDE = {
    "use": "<use href='http://127.0.0.1:9/use.svg#a'/>",
    "pattern": "<pattern id='p' xlink:href='http://127.0.0.1:9/pattern.svg#p'/>",
    "style-import": "<style>@import url(http://127.0.0.1:9/import.css);</style>",
    "fe-image": "<filter id='f'><feImage href='http://127.0.0.1:9/f.png'/></filter>",
}


def _with_image(case: str, image: str, data: bytes) -> Callable[[Path], Path]:
    """Make a case whose lesson shows one image file written beside it."""

    def make(tmp_path: Path) -> Path:
        lesson = _lesson(tmp_path, case, f"title: Hostile\nintro: '![x]({image})'\n".encode())
        (lesson.parent / image).write_bytes(data)
        return lesson

    return make


def _svg(body: str) -> bytes:
    return (
        "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' "
        f"width='9' height='9'>\n{body}\n</svg>"
    ).encode()


def _fifo(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    os.mkfifo(folder / "special-fifo.yaml")  # opening it to read would block forever
    return folder / "special-fifo.yaml"


GENERATED = [
    Case(
        "yaml-3mb-file.yaml",
        (
            f":1:1: the file is {BIG_FILE_BYTES:,} bytes; lessons are limited to 2,097,152",
            "allow more with --max-lesson-kb",
        ),
        _three_megabytes,
    ),
    # The lesson itself is level 1, so the 30th `{` (column 8 + 29 * 4) is one level too deep.
    Case(
        "yaml-deep-mappings.yaml", (":2:124: YAML syntax: nested more than 30 levels deep",), _deep_mappings
    ),
    Case(
        "yaml-deep-block-lists.yaml",
        (":3:59: YAML syntax: nested more than 30 levels deep",),
        _deep_block_lists,
    ),
    Case(
        "image-symlink-outside.yaml",
        (":2:14: intro: image 'images/leak.png' is refused: it is outside the lesson's folder",),
        _symlink_outside,
    ),
    Case(
        "image-data-png-over-64kib.yaml",
        (
            ":2:14: intro: image 'data:image/png;base64,AAAA",
            "an inline image may be at most 64 KiB: save it as a file",
        ),
        _big_data_png,
    ),
    Case(
        "formula-200-kb.yaml",
        (":10:18: exercises[0].columns[0].formula:", "the formula is too long"),
        _long_formula,
    ),
    Case(
        "schema-language-200-kb.yaml",
        (":2:11: language:", "is not a language tag: use one such as `en`, `de` or `pt-BR`"),
        _long_language,
    ),
    Case(
        "rows-value-million-digits.yaml",
        (":7:16: exercises[0].rows.values[0]:", "too many digits"),
        _million_digits,
    ),
    Case(
        "schema-too-many-flashcards.yaml",
        (
            f":3:3: flashcards: has {MOST_CARDS + 104:,} cards: at most {MOST_CARDS:,} are allowed here; "
            "remove 104",
        ),
        _too_many_cards,
    ),
    Case("special-fifo.yaml", ("special-fifo.yaml:1:1: not a regular file",), _fifo),
    Case(
        "image-jpeg-bomb.yaml",
        (":2:14: intro: image 'bomb.jpg' is refused: it is 13,000 x 13,000 pixels",),
        _with_image("image-jpeg-bomb.yaml", "bomb.jpg", _bomb_jpeg()),
    ),
    Case(
        "image-jpeg-truncated.yaml",
        (":2:14: intro: image 'cut.jpg' is refused: the image is damaged",),
        _with_image("image-jpeg-truncated.yaml", "cut.jpg", _jpeg()[:300]),
    ),
    Case(
        "image-png-bomb.yaml",
        (":2:14: intro: image 'bomb.png' is refused: its header claims hundreds of millions of pixels",),
        _with_image("image-png-bomb.yaml", "bomb.png", _bomb_png()),
    ),
    *(
        Case(
            f"image-svg-outside-{kind}.yaml",
            (
                f":2:14: intro: image '{kind}.svg' is refused: line 2 of the SVG ",
                "outside the lesson's folder",
            ),
            _with_image(f"image-svg-outside-{kind}.yaml", f"{kind}.svg", _svg(body)),
        )
        for kind, body in SVG_OUTSIDE.items()
    ),
]

CASES = _committed() + GENERATED


def test_corpus_covers_enough_cases_each_with_an_expectation() -> None:
    names = [case.name for case in CASES]
    assert len(names) >= 45
    assert len(set(names)) == len(names)
    assert [case.name for case in CASES if not case.expect] == []
    assert set(_listed()) <= {file.name for file in HOSTILE.glob("*.yaml")}


def assert_refused(result: Run, case: Case) -> None:
    """A refusal: exit 1, `Error:` first, every expected substring, no traceback, a bounded message."""
    shown = f"stdout:\n{result.stdout[:2000]}\nstderr:\n{result.stderr[:2000]}"
    assert result.code == 1, shown
    assert result.stderr.startswith("Error: "), shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    assert "internal error" not in result.stderr, shown
    for expectation in case.expect:
        assert expectation in result.stderr, f"missing {expectation!r}\n{shown}"
    assert len(result.stderr) < MAX_STDERR_CHARS, shown


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_lesson_is_refused(case: Case, tmp_path: Path) -> None:
    lesson = case.make(tmp_path)

    checked = run("check", lesson, cwd=tmp_path)
    assert_refused(checked, case)
    assert checked.seconds < CHECK_SECONDS

    out = tmp_path / "out"
    built = run("build", lesson, "--out", out, *BUILD_LIMITS, cwd=tmp_path)
    assert_refused(built, case)
    assert not out.exists() or list(out.rglob("*")) == []


REAL_PROCESS_SAMPLE = (
    "yaml-nul-bytes.yaml",
    "yaml-missing-colon.yaml",
    "schema-whitespace-answer.yaml",
    "image-symlink-outside.yaml",
    "formula-200-kb.yaml",
    "yaml-deep-mappings.yaml",
)
"""One case from each family, refused by a real `python -m studygen` as by the in-process runner."""


@pytest.mark.parametrize("name", REAL_PROCESS_SAMPLE)
def test_the_real_cli_refuses_alike(name: str, tmp_path: Path) -> None:
    [case] = [case for case in CASES if case.name == name]
    lesson = case.make(tmp_path)
    for command in (("check", lesson), ("build", lesson, "--out", tmp_path / "out", *BUILD_LIMITS)):
        real = run_process(*command, cwd=tmp_path)
        assert_refused(real, case)
        assert real.stderr == run(*command, cwd=tmp_path).stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").rglob("*")) == []


# --- raw HTML is accepted and prints as text ----------------------------------------------------

ACCEPTED_FILES = sorted(ACCEPTED.glob("*.yaml"))


def _accepted_text(file: Path) -> str:
    """Read the `# accepted: ...` line: text that must appear, escaped, in the built HTML."""
    first = file.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# accepted: "), file
    return first.removeprefix("# accepted: ")


@pytest.mark.parametrize("file", ACCEPTED_FILES, ids=[file.name for file in ACCEPTED_FILES])
def test_raw_html_in_a_lesson_prints_as_text(file: Path, tmp_path: Path) -> None:
    escaped = _accepted_text(file)

    checked = run("check", file, cwd=tmp_path)
    assert (checked.code, checked.stderr) == (0, ""), checked.stderr
    assert checked.stdout.strip() == f"{file}: ok"

    out = tmp_path / "out"
    built = run("build", file, "--out", out, "--format", "html", *BUILD_LIMITS, cwd=tmp_path)
    assert (built.code, built.stderr) == (0, ""), built.stderr
    pages = sorted(out.rglob("*.html"))
    assert pages, built.stdout
    text = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    assert escaped in text
    raw = html.unescape(escaped)
    if raw != escaped:
        assert raw not in text
    assert RAW_TAGS.findall(text) == []


# --- exports refuse what build refuses, and escape what it escapes ------------------------------

CARD_CASES = [case for case in _committed() if b"flashcards" in (HOSTILE / case.name).read_bytes()]
"""Committed hostile lessons with flashcards: an export loads them as a build does, and must refuse them."""


@pytest.mark.parametrize("case", CARD_CASES, ids=[case.name for case in CARD_CASES])
@pytest.mark.parametrize("to", ["anki", "tsv"])
def test_hostile_lesson_is_refused_by_export(case: Case, to: str, tmp_path: Path) -> None:
    out = tmp_path / "out" / "deck"
    exported = run("export", case.make(tmp_path), "--to", to, "-o", out, cwd=tmp_path)
    assert_refused(exported, case)
    assert not (tmp_path / "out").exists()


def test_corpus_has_hostile_flashcards() -> None:
    assert {"image-dotdot-in-flashcard.yaml", "flashcard-duplicate-id.yaml"} <= {c.name for c in CARD_CASES}


CARD_ACCEPTED = [file for file in ACCEPTED_FILES if "flashcards:" in file.read_text(encoding="utf-8")]


@pytest.mark.parametrize("file", CARD_ACCEPTED, ids=[file.name for file in CARD_ACCEPTED])
def test_raw_html_in_a_card_exports_as_text(file: Path, tmp_path: Path) -> None:
    import json
    import sqlite3
    import zipfile

    escaped = _accepted_text(file)
    for to in ("anki", "tsv"):
        exported = run("export", file, "--to", to, "-o", tmp_path / to, cwd=tmp_path)
        assert (exported.code, exported.stderr) == (0, ""), exported.stderr
    with zipfile.ZipFile(tmp_path / "anki") as package:
        (tmp_path / "collection").write_bytes(package.read("collection.anki2"))
        assert json.loads(package.read("media")) == {}
    connection = sqlite3.connect(tmp_path / "collection")
    fields = "\n".join(row[0] for row in connection.execute("SELECT flds FROM notes"))
    connection.close()
    for text in (fields, (tmp_path / "tsv").read_text(encoding="utf-8")):
        assert escaped in text
        if html.unescape(escaped) != escaped:
            assert html.unescape(escaped) not in text
        assert RAW_TAGS.findall(text) == []

"""A killed or failing build never leaves a partial PDF under a final name, nor touches the lesson."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from studygen.manifest import MANIFEST_NAME

ROOT = Path(__file__).parents[1]
SEED = ROOT / "content" / "imitation-learning.yaml"
SLUG = SEED.stem
PDFS = tuple(f"{name}.pdf" for name in ("worksheet", "answer-key", "self-check", "flashcards"))
SEED_TITLE = 'title: "Practice: Imitation learning and behavioral cloning"'
NEW_TITLE = 'title: "Practice: Imitation learning and behavioral cloning, second edition"'
LEFTOVER = re.compile(r"^\..+\.tmp$")


def command(lesson: Path, out: Path) -> list[str]:
    """The CLI command building lesson into out."""
    return [sys.executable, "-m", "studygen", "build", str(lesson), "--out", str(out)]


def build(lesson: Path, out: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Build lesson into out to the end."""
    return subprocess.run(
        command(lesson, out), cwd=cwd, capture_output=True, text=True, timeout=180, check=False
    )


def pdf_bytes(folder: Path) -> dict[str, bytes]:
    """The four PDFs in folder by name."""
    return {name: (folder / name).read_bytes() for name in PDFS}


def page_count(data: bytes) -> int:
    """Pages of a PDF, read strictly: a truncated or corrupt file raises."""
    return len(PdfReader(io.BytesIO(data), strict=True).pages)


def stamp(path: Path) -> tuple[bytes, int]:
    """A file's bytes and modification time."""
    return path.read_bytes(), path.stat().st_mtime_ns


@dataclass(frozen=True)
class Builds:
    """The seed's outputs (previous), the modified lesson's outputs (new) and how long a build takes."""

    root: Path
    out: Path
    lesson: Path
    lesson_stamp: tuple[bytes, int]
    previous: dict[str, bytes]
    new: dict[str, bytes]
    pages: dict[str, int]
    seconds: float

    @property
    def folder(self) -> Path:
        """Where builds of the lesson write: the same for the seed and the modified copy."""
        return self.out / SLUG


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """Build the seed into out/, then a modified copy (same file name) into new/, timing it."""
    root = tmp_path_factory.mktemp("interrupted")
    out = root / "out"
    seed_before = stamp(SEED)
    first = build(SEED, out, root)
    assert first.returncode == 0, first.stderr
    assert stamp(SEED) == seed_before
    previous = pdf_bytes(out / SLUG)
    pages = {name: page_count(data) for name, data in previous.items()}

    lesson = root / "lesson" / SEED.name
    lesson.parent.mkdir()
    text = SEED.read_text(encoding="utf-8")
    assert text.count(SEED_TITLE) == 1
    lesson.write_text(text.replace(SEED_TITLE, NEW_TITLE), encoding="utf-8")
    lesson_stamp = stamp(lesson)

    started = time.monotonic()
    second = build(lesson, root / "new", root)
    seconds = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    new = pdf_bytes(root / "new" / SLUG)
    for name in PDFS:
        assert new[name] != previous[name], name  # the new title is in every document
        assert page_count(new[name]) == pages[name], name
    return Builds(root, out, lesson, lesson_stamp, previous, new, pages, seconds)


def assert_whole_outputs(builds: Builds, when: str) -> list[str]:
    """Check the out folder holds the four PDFs, each entirely the previous or the new build, and
    nothing else but temporary files; return the temporary files' names."""
    assert sorted(p.name for p in builds.out.iterdir()) == [SLUG], when
    names = sorted(p.name for p in builds.folder.iterdir())
    leftovers = [name for name in names if is_leftover(name)]
    assert sorted(set(names) - set(leftovers)) == sorted([*PDFS, MANIFEST_NAME]), (when, names)
    # The manifest is published with the documents: whole, and never naming a file that is not there.
    manifest = json.loads((builds.folder / MANIFEST_NAME).read_bytes())
    assert {file for entry in manifest["documents"].values() for file in entry["files"]} == set(PDFS), when
    for name in PDFS:
        data = (builds.folder / name).read_bytes()
        assert page_count(data) == builds.pages[name], (when, name)
        assert data in (builds.previous[name], builds.new[name]), (when, name, len(data))
    assert stamp(builds.lesson) == builds.lesson_stamp, when
    return leftovers


def kill_build(builds: Builds, stop: Callable[[subprocess.Popen[bytes], float], bool]) -> None:
    """Start a build of the modified lesson into out/, kill its process group once stop() says so.

    stop(process, elapsed) is polled; the build is killed as soon as it returns True (or if it
    finishes on its own, nothing is killed).
    """
    process = subprocess.Popen(
        command(builds.lesson, builds.out),
        cwd=builds.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    started = time.monotonic()
    try:
        while process.poll() is None:
            elapsed = time.monotonic() - started
            if stop(process, elapsed):
                os.killpg(process.pid, signal.SIGKILL)
                break
            if elapsed > 60:
                raise AssertionError("the build neither finished nor was killed within 60 seconds")
            time.sleep(0.0005)
        process.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # the worker too, whatever happened above
        process.wait(timeout=30)


def restore_previous(builds: Builds) -> None:
    """Put the seed's outputs back under the final names, so a kill can leave old and new files mixed."""
    for name, data in builds.previous.items():
        staging = builds.root / f"{name}.restore"
        staging.write_bytes(data)
        os.replace(staging, builds.folder / name)


FRACTIONS = (0.0, 0.15, 0.35, 0.55, 0.75, 0.9, 0.97, 1.03)
"""When to kill, as fractions of a full build's time (0.0 means right after start, 0.05 s)."""


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_a_killed_build_leaves_only_whole_pdfs(builds: Builds, fraction: float) -> None:
    delay = max(0.05, fraction * builds.seconds)
    restore_previous(builds)
    kill_build(builds, lambda process, elapsed: elapsed >= delay)
    assert_whole_outputs(builds, f"killed after {delay:.2f} s")


def is_leftover(name: str) -> bool:
    """Whether a file name is a build's temporary file."""
    return LEFTOVER.match(name) is not None


def started_writing(builds: Builds, watched: Callable[[str], bool]) -> Callable[..., bool]:
    """A stop condition: a watched name in the out folder appeared or was replaced since now."""
    before = {path.name: path.stat().st_ino for path in builds.folder.iterdir()}

    def stop(process: subprocess.Popen[bytes], elapsed: float) -> bool:
        with os.scandir(builds.folder) as entries:
            return any(before.get(e.name) != e.inode() for e in entries if watched(e.name))

    return stop


@pytest.mark.parametrize("trigger", ["a temporary file appears", "a PDF is replaced"])
def test_a_build_killed_while_writing_leaves_only_whole_pdfs(builds: Builds, trigger: str) -> None:
    """Kill the moment the build starts writing, or has replaced its first PDF: mid-write."""
    watched = is_leftover if trigger.endswith("appears") else PDFS.__contains__
    for attempt in range(2):
        restore_previous(builds)
        kill_build(builds, started_writing(builds, watched))
        assert_whole_outputs(builds, f"killed when {trigger}, attempt {attempt + 1}")


def test_a_rebuild_removes_leftovers(builds: Builds) -> None:
    half = builds.new["worksheet.pdf"][: len(builds.new["worksheet.pdf"]) // 2]
    (builds.folder / ".worksheet.pdf.k1ll3d.tmp").write_bytes(half)
    (builds.folder / ".flashcards.pdf.interrupted.tmp").write_bytes(b"%PDF-1.7\n")
    assert len(assert_whole_outputs(builds, "leftovers planted")) >= 2
    result = build(builds.lesson, builds.out, builds.root)
    assert result.returncode == 0, result.stderr
    assert assert_whole_outputs(builds, "after a normal rebuild") == []
    assert pdf_bytes(builds.folder) == builds.new


def broken_lessons(builds: Builds) -> dict[str, Path]:
    """Copies of the modified lesson (same file name) that fail: at load time, and at the last document."""
    text = builds.lesson.read_text(encoding="utf-8")
    invalid = builds.root / "invalid" / SEED.name
    invalid.parent.mkdir(exist_ok=True)
    invalid.write_text(text.replace(NEW_TITLE, "titel: A typo"), encoding="utf-8")
    late = builds.root / "late" / SEED.name
    late.parent.mkdir(exist_ok=True)
    (late.parent / "broken.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><rect", encoding="utf-8")
    first_answer = "      θ* = argmin_θ Σ over (s, a*) in D of L(π_θ(s), a*)."
    assert text.count(first_answer) == 1
    late.write_text(
        text.replace(first_answer, "      ![card](broken.svg)\n" + first_answer), encoding="utf-8"
    )
    return {"invalid": invalid, "fails-at-flashcards": late}


@pytest.mark.parametrize("kind", ["invalid", "fails-at-flashcards"])
def test_a_failing_build_leaves_the_previous_outputs(builds: Builds, kind: str) -> None:
    lesson = broken_lessons(builds)[kind]
    for name in assert_whole_outputs(builds, "before the failing build"):
        (builds.folder / name).unlink()  # from an earlier killed build: start from a clean folder
    before = {path.name: stamp(path) for path in builds.folder.iterdir()}
    lesson_before = stamp(lesson)
    result = build(lesson, builds.out, builds.root)
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith(f"Error: {lesson}")
    assert "Traceback" not in result.stderr
    if kind == "fails-at-flashcards":  # the first three documents rendered before the failure
        assert "flashcards" in result.stderr and "broken.svg" in result.stderr
    assert assert_whole_outputs(builds, f"after the {kind} build") == []
    assert {path.name: stamp(path) for path in builds.folder.iterdir()} == before
    assert stamp(lesson) == lesson_before


LIMITED = """\
import resource, signal, sys
import studygen.build
from studygen.cli import main

limit = int(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so a write past the limit fails with EFBIG, like a full disk
publish = studygen.build.publish

def on_a_filling_disk(*args, **kwargs):
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return publish(*args, **kwargs)

studygen.build.publish = on_a_filling_disk
sys.argv = ["studygen", *sys.argv[2:]]
main()
"""
"""Run studygen ARGS with no file allowed to grow past argv[1] bytes once it writes the lesson's documents.

The disk fills up mid-set. The limit starts at the writing: the render workers before it copy the
stock fonts (hundreds of KB each) to temporary files, which a disk this small would refuse first.
"""


def test_a_build_that_runs_out_of_space_replaces_no_document(builds: Builds) -> None:
    restore_previous(builds)
    for name in assert_whole_outputs(builds, "before the full-disk build"):
        (builds.folder / name).unlink()
    before = {path.name: stamp(path) for path in builds.folder.iterdir()}
    # Room for the new worksheet (written first) but not for the answer key that follows it.
    limit = (len(builds.new["worksheet.pdf"]) + len(builds.new["answer-key.pdf"])) // 2
    assert len(builds.new["worksheet.pdf"]) < limit < len(builds.new["answer-key.pdf"])
    result = subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), *command(builds.lesson, builds.out)[3:]],
        cwd=builds.root,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert assert_whole_outputs(builds, "after the full-disk build") == []  # no temporary file left
    assert {path.name: stamp(path) for path in builds.folder.iterdir()} == before
    assert pdf_bytes(builds.folder) == builds.previous
    assert result.stderr == (
        f"Error: {builds.lesson}: cannot write into {builds.folder}: File too large; nothing of this "
        "lesson was replaced: its previous documents are as they were\n"
    )

"""Publishing a lesson's documents: one set or nothing, and never through a link."""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner
from kind_helpers import documents_in

import studygen.outputs
from studygen.cli import cli
from studygen.outputs import OutputError, publish

ROOT = Path(__file__).parents[1]
SEED = ROOT / "content" / "imitation-learning.yaml"
UNTOUCHED = "nothing of this lesson was replaced: its previous documents are as they were"
OLD = {name: f"old {name}".encode() for name in ("worksheet.pdf", "answer-key.pdf", "flashcards.pdf")}
NEW = {"worksheet.pdf": b"new worksheet " * 1000, "answer-key.pdf": b"new answer key " * 1000}


def snapshot(folder: Path) -> dict[str, tuple[bytes | str, int]]:
    """Every entry of folder: what it holds and its modification time, links not followed."""
    return {path.name: (content(path), path.lstat().st_mtime_ns) for path in folder.iterdir()}


def content(path: Path) -> bytes | str:
    """What a folder entry holds, without following a link."""
    if path.is_symlink():
        return f"link to {os.readlink(path)}"
    if path.is_dir():
        return f"folder of {sorted(p.name for p in path.iterdir())}"
    return path.read_bytes()


def old_set(folder: Path) -> Path:
    """A lesson folder holding the previous build's documents."""
    folder.mkdir(parents=True)
    for name, data in OLD.items():
        (folder / name).write_bytes(data)
    return folder


# --- one set or nothing -----------------------------------------------------------------------------


def fail_on_second_document(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """Make every write of the second document's temporary file fail as a full disk does."""
    real_write, real_open = os.write, os.open
    second: set[int] = set()

    def opening(path: str, flags: int, *args: object, **kwargs: object) -> int:
        handle = real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]
        if str(path).startswith(".answer-key.pdf."):
            second.add(handle)
        return handle

    def writing(handle: int, data: bytes | memoryview) -> int:
        if handle in second:
            raise OSError(code, os.strerror(code))
        return real_write(handle, data)

    monkeypatch.setattr(studygen.outputs.os, "open", opening)
    monkeypatch.setattr(studygen.outputs.os, "write", writing)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_failed_write_replaces_nothing_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    folder = old_set(tmp_path / "lesson")
    before = snapshot(folder)
    fail_on_second_document(monkeypatch, code)
    with pytest.raises(OutputError) as raised:
        publish(folder, NEW, remove=["flashcards.pdf"])
    assert str(raised.value) == f"{os.strerror(code)}; {UNTOUCHED}"
    assert snapshot(folder) == before  # the worksheet written first was not renamed; flashcards kept


def test_a_failed_rename_says_which_documents_were_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = old_set(tmp_path / "lesson")
    real_replace = os.replace

    def replacing(source: str, target: str, **kwargs: int) -> None:
        if target == "answer-key.pdf":
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(source, target, **kwargs)

    monkeypatch.setattr(studygen.outputs.os, "replace", replacing)
    with pytest.raises(OutputError) as raised:
        publish(folder, NEW, remove=["flashcards.pdf"])
    assert str(raised.value) == (
        "Input/output error; only worksheet.pdf of its documents replaced: build this lesson again"
    )
    assert sorted(p.name for p in folder.iterdir()) == sorted(OLD)  # no temporary file left
    assert (folder / "worksheet.pdf").read_bytes() == NEW["worksheet.pdf"]
    assert (folder / "answer-key.pdf").read_bytes() == OLD["answer-key.pdf"]


def test_ctrl_c_during_the_renames_waits_until_the_whole_set_is_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = old_set(tmp_path / "lesson")
    real_replace = os.replace

    def replacing(source: str, target: str, **kwargs: int) -> None:
        if target == "worksheet.pdf":
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C right after the first rename
        real_replace(source, target, **kwargs)

    monkeypatch.setattr(studygen.outputs.os, "replace", replacing)
    # Python's own Ctrl-C handler, whatever an earlier test in this process left installed.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            publish(folder, NEW)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert {name: (folder / name).read_bytes() for name in NEW} == NEW
    assert sorted(p.name for p in folder.iterdir()) == sorted(OLD)


def test_a_whole_set_is_published_and_stale_documents_go_last(tmp_path: Path) -> None:
    folder = old_set(tmp_path / "lesson")
    (folder / ".worksheet.pdf.k1ll3d.tmp").write_bytes(b"half a PDF")
    publish(folder, NEW, remove=["flashcards.pdf", "self-check.pdf"])
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == NEW
    assert all(path.stat().st_mode & 0o777 == 0o644 for path in folder.iterdir())


# --- never through a link ---------------------------------------------------------------------------


@pytest.fixture
def lesson_without_flashcards(tmp_path: Path) -> Path:
    """The seed under the name `lesson`, without its flashcards: a build must remove flashcards.pdf."""
    text = SEED.read_text(encoding="utf-8")
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text(text[: text.index("\nflashcards:")] + "\n", encoding="utf-8")
    return lesson


def target_folder(tmp_path: Path) -> Path:
    """A folder outside the output folder, holding what a build must never touch."""
    target = old_set(tmp_path / "elsewhere")
    (target / ".x.tmp").write_bytes(b"someone's hidden file")
    (target / "notes.txt").write_bytes(b"someone's notes")
    return target


def build_worksheet_and_flashcards(lesson: Path, out: Path) -> tuple[int, str]:
    """Build only the worksheet and flashcards of lesson into out; the exit code and stderr."""
    args = ["build", str(lesson), "--out", str(out), "--only", "worksheet,flashcards"]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stderr


def test_a_linked_lesson_folder_is_refused_and_its_target_untouched(
    tmp_path: Path, lesson_without_flashcards: Path
) -> None:
    target = target_folder(tmp_path)
    before = snapshot(target)
    out = tmp_path / "out"
    out.mkdir()
    (out / "lesson").symlink_to(target, target_is_directory=True)
    code, stderr = build_worksheet_and_flashcards(lesson_without_flashcards, out)
    assert code == 1
    assert stderr == (
        f"Error: {lesson_without_flashcards}: cannot write into {out / 'lesson'}: it is a symbolic link, "
        "and studygen never writes through links: remove the link (not what it points at) and build "
        f"again; {UNTOUCHED}\n"
    )
    assert snapshot(target) == before
    assert os.readlink(out / "lesson") == str(target)


@pytest.mark.parametrize(
    ("linked", "words"),
    [
        ("worksheet.pdf", "worksheet.pdf in it is a symbolic link"),
        ("flashcards.pdf", "flashcards.pdf in it is a symbolic link"),
        (".worksheet.pdf.k1ll3d.tmp", ".worksheet.pdf.k1ll3d.tmp in it is a symbolic link"),
    ],
    ids=["document", "stale-document", "temporary-file"],
)
def test_a_linked_file_in_the_lesson_folder_is_refused_and_nothing_is_touched(
    tmp_path: Path, lesson_without_flashcards: Path, linked: str, words: str
) -> None:
    target = target_folder(tmp_path)
    folder = old_set(tmp_path / "out" / "lesson")
    (folder / linked).unlink(missing_ok=True)
    (folder / linked).symlink_to(target / "worksheet.pdf")
    (folder / ".answer-key.pdf.k1ll3d.tmp").write_bytes(b"a killed build's leftover")
    before, target_before = snapshot(folder), snapshot(target)
    code, stderr = build_worksheet_and_flashcards(lesson_without_flashcards, tmp_path / "out")
    assert code == 1
    assert stderr == (
        f"Error: {lesson_without_flashcards}: cannot write into {folder}: {words}, and studygen never "
        "writes through links: remove the link (not what it points at) and build again; "
        f"{UNTOUCHED}\n"
    )
    assert snapshot(folder) == before  # not even the leftover was removed
    assert snapshot(target) == target_before


def test_two_linked_files_are_named_together(tmp_path: Path) -> None:
    folder = old_set(tmp_path / "lesson")
    for name in ("worksheet.pdf", ".x.tmp"):
        (folder / name).unlink(missing_ok=True)
        (folder / name).symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputError, match=r"^\.x\.tmp, worksheet\.pdf in it are symbolic links, "):
        publish(folder, NEW)


def test_a_folder_under_a_document_name_is_refused(tmp_path: Path) -> None:
    folder = old_set(tmp_path / "lesson")
    (folder / "answer-key.pdf").unlink()
    (folder / "answer-key.pdf").mkdir()
    before = snapshot(folder)
    with pytest.raises(OutputError) as raised:
        publish(folder, NEW)
    assert str(raised.value) == (
        f"answer-key.pdf in it is a folder, not a file: move or remove it and build again; {UNTOUCHED}"
    )
    assert snapshot(folder) == before


def test_a_linked_output_folder_is_the_users_choice_and_is_followed(
    tmp_path: Path, lesson_without_flashcards: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (tmp_path / "out").symlink_to(cache, target_is_directory=True)
    old_set(cache / "lesson")
    code, stderr = build_worksheet_and_flashcards(lesson_without_flashcards, tmp_path / "out")
    assert (code, stderr) == (0, "")
    assert documents_in(cache / "lesson") == ["answer-key.pdf", "worksheet.pdf"]
    assert (cache / "lesson" / "worksheet.pdf").read_bytes().startswith(b"%PDF-")

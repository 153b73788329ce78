"""Real builds stopped by Ctrl-C, SIGTERM and SIGKILL, or over their memory limit: exit codes, exact
messages, and no process of the build left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ABORTED = "lessons listed above are done, and no lesson was left with a mix of old and new documents"


def deck(folder: Path, cards: int) -> Path:
    """Write a lesson with this many flashcards: 2,000 take half a minute to render."""
    lines = ["title: Deck", "flashcards:"]
    for n in range(cards):
        lines += [
            f"  - question: Question {n}?",
            f"    answer: Answer {n}, one sentence long enough to wrap.",
        ]
    lesson = folder / "deck.yaml"
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lesson


def start(lesson: Path, *options: str) -> subprocess.Popen[str]:
    """Start `studygen build` in its own session, as a terminal or a CI runner starts a job."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "studygen",
            "build",
            str(lesson),
            "--out",
            str(lesson.parent / "out"),
            *options,
        ],
        cwd=lesson.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def stat(pid: int) -> list[str]:
    """A process's /proc stat fields after the command name: [state, ppid, pgrp, session, ...]."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def session(sid: int) -> list[int]:
    """Processes of a session that are alive (zombies waiting for init to reap them are not)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = stat(int(entry.name))
                if int(fields[3]) == sid and fields[0] != "Z":
                    alive.append(int(entry.name))
    return alive


def children(pid: int) -> list[int]:
    """The live child processes of pid."""
    return [p for p in session(os.getsid(pid)) if int(stat(p)[1]) == pid]


def wait_for_worker(build: subprocess.Popen[str], count: int = 1) -> int:
    """Wait until the build has `count` render workers, rendering; return one's pid.

    Every child must be a render worker: no resource tracker or other helper process.
    """
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert build.poll() is None, build.communicate()
        workers = []
        for pid in children(build.pid):
            with contextlib.suppress(OSError):
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
                if command == Path(f"/proc/{build.pid}/cmdline").read_bytes():
                    continue  # forked, not yet a worker: the next look sees what it becomes
                assert b"studygen.worker" in command, f"a child that is not a render worker: {command!r}"
                workers.append(pid)
        if len(workers) >= count:
            time.sleep(1.5)  # past their start-up, into the render
            return workers[0]
        time.sleep(0.05)
    raise AssertionError(f"{count} render workers did not appear within 30 seconds")


def assert_nothing_left(sid: int) -> None:
    """Within a few seconds, no process of the build's session runs."""
    deadline = time.monotonic() + 5
    while session(sid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = session(sid)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert left == [], "left running"


@pytest.fixture
def slow_deck(tmp_path: Path) -> Path:
    """A lesson that renders for far longer than any of these tests waits."""
    return deck(tmp_path, 2000)


def test_ctrl_c_prints_one_line_exits_130_and_stops_the_worker(slow_deck: Path) -> None:
    build = start(slow_deck)
    wait_for_worker(build)
    os.killpg(build.pid, signal.SIGINT)  # what a terminal sends: the whole foreground group
    out, err = build.communicate(timeout=10)
    assert (build.returncode, out, err) == (
        130,
        "",
        f"Aborted: studygen was interrupted (Ctrl-C); {ABORTED}\n",
    )
    assert_nothing_left(build.pid)
    assert not (slow_deck.parent / "out" / "deck").exists()  # interrupted mid-render: nothing written


def test_ctrl_c_stops_every_worker_of_a_parallel_build(tmp_path: Path) -> None:
    for name in ("one", "two"):
        deck(tmp_path, 2000).rename(tmp_path / f"{name}.yaml")
    build = subprocess.Popen(
        [sys.executable, "-m", "studygen", "build", "one.yaml", "two.yaml", "--out", "out", "--jobs", "2"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    wait_for_worker(build, count=2)
    os.killpg(build.pid, signal.SIGINT)
    _, err = build.communicate(timeout=10)
    assert (build.returncode, err) == (130, f"Aborted: studygen was interrupted (Ctrl-C); {ABORTED}\n")
    assert_nothing_left(build.pid)


def test_sigterm_exits_143_with_one_line_and_stops_the_worker(slow_deck: Path) -> None:
    build = start(slow_deck)
    wait_for_worker(build)
    build.terminate()  # the parent alone, as Popen.terminate() and CI supervisors do
    out, err = build.communicate(timeout=10)
    assert (build.returncode, out, err) == (143, "", f"Aborted: studygen was stopped (SIGTERM); {ABORTED}\n")
    assert_nothing_left(build.pid)
    assert not (slow_deck.parent / "out" / "deck").exists()


def test_sigkill_to_the_parent_alone_takes_the_worker_with_it(slow_deck: Path) -> None:
    build = start(slow_deck)
    worker = wait_for_worker(build)
    build.kill()
    build.communicate(timeout=10)
    assert_nothing_left(build.pid)
    assert not Path(f"/proc/{worker}").exists() or stat(worker)[0] == "Z"


def test_a_finished_build_leaves_no_process(tmp_path: Path) -> None:
    build = start(deck(tmp_path, 3))
    out, err = build.communicate(timeout=60)
    assert (build.returncode, err) == (0, "")
    assert "flashcards.pdf (3 pages)" in out
    assert_nothing_left(build.pid)


@pytest.mark.parametrize("memory", [256, 450])
def test_hitting_the_memory_limit_names_it_whatever_failed(tmp_path: Path, memory: int) -> None:
    """At these limits the worker met SystemError, MemoryError, a GLib abort or SIGSEGV, varying by run.

    A big deck renders in parts with flat memory, unless a project template does not place the cards
    it is given (`cards`): then it renders whole, as before, and 2,000 cards need about 700 MB.
    """
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "flashcards.html").write_text('{% extends "default:flashcards.html" %}\n')
    lesson = deck(tmp_path, 2000)
    build = start(lesson, "--memory", str(memory))
    out, err = build.communicate(timeout=120)
    assert (build.returncode, out) == (1, "")
    assert err == (
        f"Error: {lesson}: rendering needed more than {memory} MiB of memory and was stopped: "
        "make the lesson smaller, or allow more with --memory\n"
    )
    assert_nothing_left(build.pid)


@pytest.mark.parametrize(
    ("stop", "code", "line"),
    [
        (signal.SIGINT, 130, f"Aborted: studygen was interrupted (Ctrl-C); {ABORTED}\n"),
        (signal.SIGTERM, 143, f"Aborted: studygen was stopped (SIGTERM); {ABORTED}\n"),
    ],
)
def test_stopping_a_deck_in_parts_stops_both_workers_and_writes_nothing(
    slow_deck: Path, stop: signal.Signals, code: int, line: str
) -> None:
    build = start(slow_deck, "--jobs", "2")
    worker = wait_for_worker(build, count=2)  # both render parts of the one deck
    workers = [pid for pid in children(build.pid) if pid != worker] + [worker]
    if stop == signal.SIGINT:
        os.killpg(build.pid, stop)  # a terminal signals the whole group; the workers ignore it
    else:
        os.kill(build.pid, stop)  # the parent alone: it must stop both workers
    out, err = build.communicate(timeout=10)
    assert (build.returncode, out, err) == (code, "", line)
    assert_nothing_left(build.pid)
    assert all(not Path(f"/proc/{pid}").exists() or stat(pid)[0] == "Z" for pid in workers)
    assert not (slow_deck.parent / "out" / "deck").exists()  # no part, no joined deck, no temporary

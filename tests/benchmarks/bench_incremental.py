"""Measure parallel and incremental builds, printing times and ratios from one run.

Run: .venv/bin/python tests/benchmarks/bench_incremental.py
Not a test: machines here are shared and noisy, so figures are read, not asserted. Each figure is the
best of three runs of the whole `studygen` process (start-up included), as a CI job pays it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[2]
SEED = ROOT / "content" / "imitation-learning.yaml"
STUDYGEN = [sys.executable, "-m", "studygen"]
LESSON = """\
title: Lesson {n}
exercises:
  - kind: numeric-problem
    title: Speed
    prompt: A car drives {n} km in 2 h.
    given: {{d: {n} km, t: 2 h}}
    asked:
      - {{label: Speed, formula: d / t, unit: km/h}}
flashcards:
  - question: What is speed?
    answer: Distance over time.
"""


def best(command: list[str], cwd: Path, before: object = None, runs: int = 3) -> float:
    """The fastest of `runs` runs of a command, calling `before()` ahead of each; fail if it fails."""
    times = []
    for _ in range(runs):
        if callable(before):
            before()
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print the figures and their ratios."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        lesson = work / SEED.name
        shutil.copyfile(SEED, lesson)
        out = work / "out"

        def clean() -> None:
            shutil.rmtree(out, ignore_errors=True)

        click_s = best([sys.executable, "-c", "import click"], work)
        help_s = best([*STUDYGEN, "--help"], work)
        cold_s = best([*STUDYGEN, "build", str(lesson), "--out", str(out)], work, clean)
        cold1_s = best([*STUDYGEN, "build", str(lesson), "--out", str(out), "--jobs", "1"], work, clean)
        same_s = best([*STUDYGEN, "build", str(lesson), "--out", str(out)], work)
        text = lesson.read_text(encoding="utf-8")
        edits = iter(range(10))

        def edit_a_card() -> None:  # the last card's answer, the lesson's last line, says one word more
            lesson.write_text(text.rstrip("\n") + f" Edit {next(edits)}.\n", encoding="utf-8")

        edit_s = best([*STUDYGEN, "build", str(lesson), "--out", str(out)], work, edit_a_card)
        course = work / "course"
        course.mkdir()
        for n in range(40):
            (course / f"lesson-{n:02}.yaml").write_text(LESSON.format(n=n + 1), encoding="utf-8")
        serial_s = best([*STUDYGEN, "build", str(course), "--out", str(out), "--jobs", "1"], work, clean, 1)
        parallel_s = best([*STUDYGEN, "build", str(course), "--out", str(out), "--jobs", "2"], work, clean, 1)
    print(f"python -c 'import click'            {click_s:6.2f} s")
    print(f"studygen --help                     {help_s:6.2f} s   = {help_s / click_s:.2f} x import click")
    print(f"build seed, cold, --jobs 2          {cold_s:6.2f} s")
    print(f"build seed, cold, --jobs 1          {cold1_s:6.2f} s")
    print(f"build seed, nothing changed         {same_s:6.2f} s   = {same_s / cold_s:.3f} x cold")
    print(f"build seed, one flashcard edited    {edit_s:6.2f} s   = {edit_s / cold_s:.2f} x cold")
    print(f"40 lessons, --jobs 1                {serial_s:6.2f} s")
    speed_up = serial_s / parallel_s
    print(f"40 lessons, --jobs 2                {parallel_s:6.2f} s   = {speed_up:.2f} x speed-up")


if __name__ == "__main__":
    main()

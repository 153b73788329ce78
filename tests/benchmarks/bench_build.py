"""Measure how fast studygen checks and builds, printing times and ratios from one run.

Run: .venv/bin/python tests/benchmarks/bench_build.py
Not a test: machines here are shared and noisy, so figures are read, not asserted. The LaTeX figure is
measured in the same run (bench_latex.py; skipped, saying so, where pdflatex is missing); for ratios
that hold on a busy machine, run bench_latex.py, which alternates the contenders.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_latex import LatexBuild, latex_missing

ROOT = Path(__file__).parents[2]
SEED = ROOT / "content" / "imitation-learning.yaml"


def timed(command: list[str], cwd: Path) -> float:
    """Run a command and return its wall-clock seconds; fail loudly if it fails."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def deck(cards: int) -> str:
    """Write a lesson with this many flashcards."""
    lines = ["title: Deck", "flashcards:"]
    for n in range(cards):
        lines += [
            f"  - question: Question {n}?",
            f"    answer: Answer {n}, one sentence long enough to wrap.",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the figures."""
    studygen = [sys.executable, "-m", "studygen"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "deck-10.yaml").write_text(deck(10))
        (work / "deck-200.yaml").write_text(deck(200))
        skipped = latex_missing()
        latex_s = None if skipped else LatexBuild(work)().seconds
        help_s = timed([*studygen, "--help"], work)
        check_s = timed([*studygen, "check", str(SEED)], work)
        build_s = timed([*studygen, "build", str(SEED), "--out", str(work / "out")], work)
        deck10_s = timed([*studygen, "build", str(work / "deck-10.yaml"), "--out", str(work / "out")], work)
        deck200_s = timed([*studygen, "build", str(work / "deck-200.yaml"), "--out", str(work / "out")], work)
    per_card_ms = (deck200_s - deck10_s) / 190 * 1000
    print(f"studygen --help                 {help_s:6.2f} s")
    print(f"studygen check (seed)           {check_s:6.2f} s")
    if latex_s is None:
        print(f"studygen build (seed, 4 PDFs)   {build_s:6.2f} s   ({skipped})")
    else:
        print(
            f"studygen build (seed, 4 PDFs)   {build_s:6.2f} s   "
            f"= {build_s / latex_s:.2f} x a clean pdflatex build of the same, {latex_s:.2f} s here"
        )
    print(f"studygen build (10 cards)       {deck10_s:6.2f} s")
    print(
        f"studygen build (200 cards)      {deck200_s:6.2f} s   "
        f"= {per_card_ms:.1f} ms a card beyond the first 10"
    )
    print(f"check / build                   {check_s / build_s:6.2f}")


if __name__ == "__main__":
    main()

"""Measure what fitting costs: a deck where a few cards are too long, against the same deck without them.

Run: PYTHONPATH=src .venv/bin/python tests/benchmarks/bench_fit.py [CARDS] [LONG]
Not a test: machines here are shared and noisy, so figures are read, not asserted. Times one render of
the flashcards document in this process (fonts configured once), counting the layouts fitting made.

Measured 1 Dec 2026 on the shared 2-core machine (load ~12): 200 cards, none long, 8.2 s, 1 layout;
3 long, 10.0 s, 6 layouts (a full one, four 3-card trials, the 3 resized cards spliced in). Hiding
cards with CSS instead, and laying the deck out again at the end, had cost 4.0 s against 30.9 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import studygen.pdf as pdf
from studygen.documents import DOCUMENTS, PAPERS
from studygen.lesson import load_lesson
from studygen.render import environment, render_document

PROSE = (
    "The learner copies the expert's actions in the states the expert visited, so its mistakes "
    "compound once it drifts away from them. "
)


def deck(cards: int, long: int) -> str:
    """Write a lesson of this many cards, `long` of them (spread out) too long for 12.5 pt."""
    lines = ["title: Deck", "flashcards:"]
    every = cards // long if long else cards + 1
    for n in range(cards):
        answer = (PROSE * 15)[:1800] if long and n % every == every // 2 else f"Answer {n}, one sentence."
        lines += [f"  - question: Question {n}?", f"    answer: {answer}"]
    return "\n".join(lines) + "\n"


def timed_render(lesson: Path, renderer: pdf.Renderer) -> tuple[float, int, int]:
    """Render a lesson's cards once; its seconds, pages and how many layouts it took."""
    loaded = load_lesson(lesson)
    html = render_document(environment(None), loaded, DOCUMENTS["flashcards"], paper=PAPERS["a4"])
    layouts = 0
    original = pdf.HTML.render

    def counted(self: object, *args: object, **kwargs: object) -> object:
        nonlocal layouts
        layouts += 1
        return original(self, *args, **kwargs)

    pdf.HTML.render = counted  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        rendered = renderer.render(html, folder=lesson.parent, allowed=[])
        return time.perf_counter() - start, rendered.pages, layouts
    finally:
        pdf.HTML.render = original  # type: ignore[method-assign]


def main() -> None:
    """Print the figures."""
    cards = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    long = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    renderer = pdf.Renderer()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for label, count in (("none long", 0), (f"{long} long", long)):
            lesson = folder / f"deck-{count}.yaml"
            lesson.write_text(deck(cards, count), encoding="utf-8")
            timed_render(lesson, renderer)  # warm up fonts and caches
            seconds, pages, layouts = timed_render(lesson, renderer)
            print(f"{cards} cards, {label}: {seconds:.2f} s, {pages} pages, {layouts} layouts")


if __name__ == "__main__":
    main()

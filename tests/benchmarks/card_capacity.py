"""Measure how many characters of typical card text fit at the smallest size: the model's caps.

Run: PYTHONPATH=src .venv/bin/python tests/benchmarks/card_capacity.py
Typical text is the seed lesson's own card answers (and questions), word for word, repeated to length:
English teaching prose with formulas, punctuation and a few long words. For each paper the fold layout
prints, one card's question (or answer) is laid out by the stock template at its smallest size, and a
bisection finds the longest prefix, cut at a word, that still ends inside its half. The caps in
`studygen.model` are the smaller paper's figure times the margin printed here.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from weasyprint import CSS, HTML

from studygen.documents import DOCUMENTS, PAPERS
from studygen.fit import SMALLEST_PT, font_sizes_css
from studygen.lesson import load_lesson
from studygen.model import Flashcard
from studygen.pdf import _overflowing
from studygen.render import environment, render_document

ROOT = Path(__file__).parents[2]
SEED = ROOT / "content" / "imitation-learning.yaml"
MARGIN = 0.8
"""Caps stay a fifth below what fits: room for wider letters, more capitals, long words that wrap
early, bold and code in markdown, and text in languages with longer words than English."""


def typical(side: str, characters: int) -> str:
    """Return the seed's card text of one side, repeated and cut at a word to about this length."""
    cards = load_lesson(SEED).lesson.flashcards
    words = " ".join(getattr(card, side) for card in cards).split()
    text = ""
    while len(text) < characters:
        text += " ".join(words) + " "
    return text[:characters].rsplit(" ", 1)[0]


def fits(side: str, characters: int, paper: str, folder: Path) -> bool:
    """Whether one card with this much typical text on one side fits at the smallest size."""
    lesson = folder / "card.yaml"
    lesson.write_text("title: Card\nflashcards:\n  - {question: Short, answer: Short.}\n", encoding="utf-8")
    loaded = load_lesson(lesson)
    # Built without validation on purpose: the caps being measured must not cut the text short.
    card = Flashcard.model_construct(
        **{"question": "Short?", "answer": "Short.", side: typical(side, characters)}
    )
    loaded = replace(loaded, worked=replace(loaded.worked, flashcards=(card,)))
    html = render_document(environment(None), loaded, DOCUMENTS["flashcards"], paper=PAPERS[paper])
    key = f"flashcards[0].{side}"
    css = CSS(string=font_sizes_css({key: SMALLEST_PT[side]}))
    document = HTML(string=html, base_url=folder.as_uri() + "/").render(stylesheets=[css])
    return not any(misfit.text == key for misfit in _overflowing(document))


def capacity(side: str, paper: str, folder: Path) -> int:
    """Find the most characters of typical text that fit one side at the smallest size."""
    low, high = 50, 20_000
    while high - low > 10:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(side, middle, paper, folder) else (low, middle)
    return low


def main() -> None:
    """Print what fits on each paper and the caps that follow."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for side in ("question", "answer"):
            figures = {paper: capacity(side, paper, folder) for paper in PAPERS}
            smallest = min(figures.values())
            cap = int(smallest * MARGIN) // 50 * 50
            shown = ", ".join(f"{paper} {count}" for paper, count in figures.items())
            print(f"{side} at {SMALLEST_PT[side]:g} pt: {shown} characters fit; cap {cap} ({MARGIN:.0%})")


if __name__ == "__main__":
    main()

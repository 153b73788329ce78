"""Build the same flashcard deck three ways in one run: studygen, LaTeX's `flashcards` class, bare WeasyPrint.

Run:  PYTHONPATH=src .venv/bin/python tests/benchmarks/bench_deck.py [CARDS ...]   (default: 1000 10000)
Needs `pdflatex` with the flashcards class (Debian: apt-get install texlive-latex-extra).

For each deck size it prints each way's wall time, CPU time (all its processes), the peak memory of its
whole process tree and of its largest process (tests/tree_memory.py), the file's size and fonts, and
the ratios to pdflatex; then where studygen's time goes, from a profile of one part rendered here.
Not a test: machines here are shared and noisy, so figures are read, not asserted; read CPU time when
the machine is busy. Targets (issue 14): 1000 cards within 4x pdflatex's wall time; each process's
peak at most 250 MB at 1000 and 10 000 cards.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from tree_memory import Measured, run_measured  # noqa: E402

MB = 1.048576
"""MB in a MiB: the targets are in MB, the kernel counts KiB."""


def card(n: int) -> tuple[str, str]:
    """The n-th card's question and answer: the same text in every way of building."""
    return f"Question {n}?", f"Answer {n}, one sentence long enough to wrap."


def lesson(cards: int) -> str:
    """The deck as a studygen lesson."""
    lines = ["title: Deck", "flashcards:"]
    for n in range(1, cards + 1):
        question, answer = card(n)
        lines += [f"  - question: {question}", f"    answer: {answer}"]
    return "\n".join(lines) + "\n"


def latex(cards: int) -> str:
    """The deck as a LaTeX `flashcards` document: ten business cards a letter sheet (Avery 5371)."""
    lines = [
        r"\documentclass[avery5371,frame]{flashcards}",
        r"\cardfrontstyle{headings}",
        r"\begin{document}",
    ]
    for n in range(1, cards + 1):
        question, answer = card(n)
        lines += [rf"\begin{{flashcard}}[{n} / {cards}]{{{question}}}", answer, r"\end{flashcard}"]
    return "\n".join([*lines, r"\end{document}"]) + "\n"


def studygen_html(lesson_file: Path) -> str:
    """The HTML studygen lays out for the whole deck (stock fold layout), as one document."""
    from studygen.build import _deck, _environment
    from studygen.cards import DEFAULT_PRINT
    from studygen.documents import DOCUMENTS, PAPERS
    from studygen.lesson import load_lesson
    from studygen.render import render_document

    loaded = load_lesson(lesson_file)
    deck = _deck(loaded, DEFAULT_PRINT, PAPERS["a4"])
    flashcards = DOCUMENTS["flashcards"]
    return render_document(_environment(None), loaded, flashcards, paper=PAPERS["a4"], cards=deck)


BARE = "import sys; from weasyprint import HTML; HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"
"""A single-document WeasyPrint render, with nothing of studygen's around it."""

OUTPUTS = {"studygen": "out/deck/flashcards.pdf", "pdflatex": "deck.pdf", "weasyprint": "bare.pdf"}


def ways(folder: Path, cards: int) -> dict[str, list[str]]:
    """Write the deck's three sources; return the command that builds each."""
    (folder / "deck.yaml").write_text(lesson(cards), encoding="utf-8")
    (folder / "deck.tex").write_text(latex(cards), encoding="utf-8")
    (folder / "deck.html").write_text(studygen_html(folder / "deck.yaml"), encoding="utf-8")
    python = sys.executable
    build = ["build", "deck.yaml", "--out", "out", "--only", "flashcards", "--jobs", "2"]
    return {
        "studygen": [python, "-m", "studygen", *build],
        "pdflatex": ["pdflatex", "-interaction=batchmode", "-halt-on-error", "deck.tex"],
        "weasyprint": [python, "-c", BARE, "deck.html", "bare.pdf"],
    }


def fonts(pdf: Path) -> int:
    """How many font objects the PDF's pages use (pdffonts' line count)."""
    import pypdf

    found = set()
    for page in pypdf.PdfReader(pdf).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            found.add(ref.idnum)
    return len(found)


def row(name: str, measured: Measured, latex_run: Measured, pdf: Path) -> str:
    """One line of the table: times, memory, the file, and the ratios to pdflatex."""
    wall = measured.seconds / latex_run.seconds
    cpu = measured.cpu_seconds / latex_run.cpu_seconds
    largest = max([measured.parent_mib, *measured.children_mib.values()])
    return (
        f"{name:<11} {measured.seconds:7.1f} s {measured.cpu_seconds:7.1f} s {measured.peak_mib * MB:6.0f} MB"
        f" {largest * MB:6.0f} MB {pdf.stat().st_size / 1e6:6.1f} MB {fonts(pdf):3d} fonts"
        f"   x{wall:5.1f} wall  x{cpu:5.1f} cpu"
    )


PHASES = {
    "load the lesson (once per worker)": "lesson.py:*(load_lesson)",
    "Jinja: the part's HTML": "render.py:*(render_document)",
    "WeasyPrint: parse HTML and CSS, lay out": "document.py:*(_render)",
    "WeasyPrint: write the PDF (fonts subset)": "document.py:*(write_pdf)",
    "fit to card: measure every box": "pdf.py:*(_overflowing)",
}


def where_the_time_goes(folder: Path) -> None:
    """Profile one part of the stock deck rendered here, after a warm-up part, and print its phases."""
    from studygen.build import Job, Part, render_part
    from studygen.cards import PART_PAGES

    job = Job(folder / "deck.yaml", ("flashcards",), "a4", "pdf", None, 10**8)
    start = time.perf_counter()
    plan = render_part(Part(job, "flashcards"))
    loaded = time.perf_counter() - start
    first, second = (Part(job, "flashcards", deck_part=part, source=plan.source) for part in plan.parts[:2])
    render_part(first)
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.runcall(render_part, second)
    seconds = time.perf_counter() - start
    stats = pstats.Stats(profile)
    pages = second.deck_part[1] if second.deck_part else PART_PAGES
    each = seconds / pages * 1000
    print(f"\nOne part of {pages} card pages, rendered in {seconds:.2f} s ({each:.0f} ms a page):")
    print(f"  {'plan the deck, loading the lesson':<45} {loaded:6.2f} s (once per worker)", flush=True)
    for label, pattern in list(PHASES.items())[1:]:
        file, function = pattern.split(":*")
        total = sum(
            entry[3]
            for key, entry in stats.stats.items()
            if key[0].endswith(file) and f"({key[2]})" == function  # type: ignore[attr-defined]
        )
        print(f"  {label:<45} {total:6.2f} s")


def main() -> None:
    """Print the figures."""
    sizes = [int(arg) for arg in sys.argv[1:]] or [1000, 10000]
    if shutil.which("pdflatex") is None:
        raise SystemExit("pdflatex is missing: apt-get install texlive-latex-extra")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    print(
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; {sys.version.split()[0]}", flush=True
    )
    for cards in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            heading = "wall       cpu    tree   largest    file   fonts   (ratios to pdflatex)"
            print(f"\n{cards} cards      {heading}", flush=True)
            commands = ways(folder, cards)
            latex_run: Measured | None = None
            for name in ("pdflatex", "studygen", "weasyprint"):  # each line printed as it is measured
                measured = run_measured(commands[name], cwd=folder, env=env)
                if measured.returncode != 0:
                    raise SystemExit(f"{name} failed:\n{measured.stdout[-2000:]}{measured.stderr[-2000:]}")
                latex_run = latex_run or measured
                print(row(name, measured, latex_run, folder / OUTPUTS[name]), flush=True)
            print(f"load average now {os.getloadavg()[0]:.1f}", flush=True)
            if cards == sizes[0]:
                where_the_time_goes(folder)


if __name__ == "__main__":
    main()

"""Write LaTeX sources equivalent to a lesson's four documents, for benchmarks against pdflatex.

Run: PYTHONPATH=src .venv/bin/python tests/benchmarks/latex_sources.py [LESSON] [FOLDER]
writes worksheet.tex, answer-key.tex (both `exam`), self-check.tex (`article`) and flashcards.tex
(`flashcards`) into FOLDER, from the lesson as studygen works it out: the same words, questions,
table values, worked steps and cards. Not a test, and not a LaTeX exporter: it writes only what the
seed lesson's exercise kinds (computed-table, choice) print, and refuses any other kind.

`flashcards_tex` takes plain (question, answer) pairs, so a deck benchmark can reuse it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
SEED = ROOT / "content" / "imitation-learning.yaml"

SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\^{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
}

UNICODE = {
    "θ": r"\ensuremath{\theta}",
    "π": r"\ensuremath{\pi}",
    "ε": r"\ensuremath{\varepsilon}",
    "Σ": r"\ensuremath{\Sigma}",
    "≈": r"\ensuremath{\approx}",
    "≤": r"\ensuremath{\leq}",
    "✓": r"\ensuremath{\checkmark}",
}
"""The characters outside Latin-1 that the seed prints, as pdflatex can set them (inputenc utf8
sets curly quotes, dashes, ², · and … itself)."""

PREAMBLE = r"""\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amssymb}
\usepackage{newunicodechar}
""" + "".join(rf"\newunicodechar{{{char}}}{{{latex}}}" + "\n" for char, latex in UNICODE.items())

CARDS_CFG = r"""\ProvidesFile{studygen-a4.cfg}
\newcommand{\cardpapermode}{portrait}
\newcommand{\cardpaper}{a4paper}
\newcommand{\cardrows}{2}
\newcommand{\cardcolumns}{1}
\setlength{\cardheight}{130mm}
\setlength{\cardwidth}{180mm}
\setlength{\topoffset}{15mm}
\setlength{\oddoffset}{15mm}
\setlength{\evenoffset}{15mm}
\endinput
"""
"""The `flashcards` class's card geometry for A4: two 180 x 130 mm cards a sheet, fronts then backs."""


def tex(text: str | None) -> str:
    """Write lesson text (plain, or markdown with `code`) as LaTeX: specials escaped, code in typewriter."""
    if not text:
        return ""
    escaped = "".join(SPECIALS.get(char, char) for char in text)
    return re.sub(r"`([^`]*)`", r"\\texttt{\1}", escaped)


def worksheet_tex(lesson: Any, *, key: bool) -> str:
    """Write the worksheet (or, with `key`, the answer key) as an `exam` document."""
    name = "Answer key" if key else "Worksheet"
    lines = [
        r"\documentclass[11pt,a4paper]{exam}",
        PREAMBLE,
        r"\usepackage[margin=18mm]{geometry}",
        r"\pagestyle{headandfoot}",
        rf"\runningheader{{{tex(lesson.short_title)}}}{{}}{{{name}}}",
        r"\firstpageheader{}{}{}",
        r"\footer{}{}{Page \thepage\ of \numpages}",
        r"\renewcommand{\solutiontitle}{}",
        *([r"\printanswers"] if key else []),
        r"\begin{document}",
        *_title(lesson, name.upper()),
    ]
    if not key:
        lines.append(r"\noindent Name \hrulefill\quad Date \rule{40mm}{0.4pt}\par\bigskip")
    for exercise in lesson.exercises:
        lines += _exercise(exercise, key=key)
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _title(lesson: Any, label: str) -> list[str]:
    """The block that opens every document: its name, the lesson's title and subject."""
    return [
        rf"\noindent{{\small\bfseries {label}}}\par\smallskip",
        rf"\noindent{{\LARGE\bfseries {tex(lesson.title)}}}\par",
        rf"\noindent {tex(lesson.subject)}\par\bigskip",
    ]


def _exercise(exercise: Any, *, key: bool) -> list[str]:
    """One exercise: its heading, instructions, its kind's body and, in the key, its discussion."""
    lines = [
        rf"\section*{{{tex(exercise.title)}}}",
        rf"\textit{{{tex(exercise.time_hint)}}}\par\medskip",
        tex(exercise.instructions) + r"\par\medskip",
    ]
    body = exercise.body
    kind = type(body).__name__
    if kind == "WorkedTable":
        lines += _table(body, key=key)
    elif kind == "WorkedChoice":
        lines += _choices(body, key=key)
    else:
        raise SystemExit(f"latex_sources.py writes only computed-table and choice exercises, not {kind}")
    if key and exercise.discussion:
        discussion = tex(exercise.discussion)
        lines.append(rf"\begin{{solution}}\textbf{{Discussion}}\par {discussion}\end{{solution}}")
    elif not key and exercise.lines:
        lines.append(rf"\fillwithlines{{{exercise.lines * 8}mm}}")
    return lines


def _table(body: Any, *, key: bool) -> list[str]:
    """A computed table: empty cells on the worksheet, every worked step in the key."""
    headings = body.headings if key else body.worksheet_headings
    columns = len(headings)
    width = f"{120 / columns:.0f}mm"
    lines = [
        tex("; ".join(body.given)) + ". " + tex(body.prompt) + r"\par\medskip",
        r"\noindent\begin{tabular}{l" + f"p{{{width}}}" * columns + "}",
        " & ".join([tex(body.symbol), *(tex(heading) for heading in headings)]) + r" \\ \hline",
    ]
    for row in body.rows:
        cells = [_steps(cell) if key else "" for cell in row.cells]
        value = row.key_value if key else row.value
        lines.append(" & ".join([tex(f"{body.symbol} = {value}"), *cells]) + r" \\[10mm]")
    lines.append(r"\end{tabular}\par\medskip")
    return lines


def _steps(cell: Any) -> str:
    """A worked cell as the key prints it: `0.05 · 50² = 0.05 · 2500 = 125`."""
    parts = [cell.steps[0]]
    for relation, step in zip(cell.relations, cell.steps[1:], strict=True):
        parts += [relation, step]
    return tex(" ".join(parts))


def _choices(body: Any, *, key: bool) -> list[str]:
    """A choice exercise: each item with its tick boxes, then room for a reason, or the key's reason."""
    lines = [r"\begin{questions}"]
    for item in body.items:
        lines += [rf"\question {tex(item.prompt)}", r"\begin{oneparcheckboxes}"]
        for box in item.boxes:
            lines.append((r"\CorrectChoice " if box.ticked else r"\choice ") + tex(box.label))
        lines.append(r"\end{oneparcheckboxes}")
        answer = f"{tex(item.verdict)} {tex(item.reason)}"
        lines.append(rf"\begin{{solutionorlines}}[{body.reason_lines * 8}mm]{answer}\end{{solutionorlines}}")
    lines.append(r"\end{questions}")
    return lines


def self_check_tex(lesson: Any) -> str:
    """Write the self-check: the questions with room to answer, then the answers on a later page."""
    check = lesson.self_check
    lines = [
        r"\documentclass[11pt,a4paper]{article}",
        PREAMBLE,
        r"\usepackage[margin=18mm]{geometry}",
        r"\usepackage{lastpage}",
        r"\usepackage{fancyhdr}",
        r"\setlength{\headheight}{14pt}",
        r"\pagestyle{fancy}\fancyhf{}",
        rf"\fancyhead[L]{{{tex(lesson.short_title)}}}\fancyhead[R]{{Self-check}}",
        r"\fancyfoot[R]{Page \thepage\ of \pageref{LastPage}}",
        r"\begin{document}",
        *_title(lesson, "SELF-CHECK"),
        tex(check.intro) + r"\par\bigskip",
        r"\begin{enumerate}",
    ]
    for question in check.questions:
        lines.append(rf"\item {tex(question.question)}\par\vspace{{{question.lines * 8}mm}}")
    lines += [r"\end{enumerate}", r"\newpage", r"\section*{Answers}", r"\begin{enumerate}"]
    for question in check.questions:
        lines.append(rf"\item \textbf{{{tex(question.question)}}}\par\smallskip {tex(question.answer)}")
    lines += [r"\end{enumerate}", r"\end{document}"]
    return "\n".join(lines) + "\n"


def flashcards_tex(title: str, cards: Sequence[tuple[str, str]]) -> str:
    """Write a deck as a `flashcards` document: two A4 cards a sheet, each front's back on the next page.

    Needs `studygen-a4.cfg` (CARDS_CFG) beside it.
    """
    lines = [
        r"\documentclass[studygen-a4,frame]{flashcards}",
        PREAMBLE,
        r"\cardfrontstyle[\large\slshape]{headings}",
        rf"\cardfrontfoot{{{tex(title)}}}",
        r"\begin{document}",
    ]
    for number, (question, answer) in enumerate(cards, start=1):
        lines.append(
            rf"\begin{{flashcard}}[{number}/{len(cards)}]{{Q. {tex(question)}}}"
            rf"\large {tex(answer)}\end{{flashcard}}"
        )
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def write_sources(lesson_file: Path, folder: Path) -> list[Path]:
    """Write the four documents of a lesson (and the cards' geometry) into folder; return the .tex files."""
    from studygen.lesson import load_lesson

    lesson = load_lesson(lesson_file).worked
    cards = [(card.question, card.answer) for card in lesson.flashcards]
    sources = {
        "worksheet": worksheet_tex(lesson, key=False),
        "answer-key": worksheet_tex(lesson, key=True),
        "self-check": self_check_tex(lesson),
        "flashcards": flashcards_tex(lesson.short_title, cards),
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "studygen-a4.cfg").write_text(CARDS_CFG, encoding="utf-8")
    written = []
    for name, source in sources.items():
        path = folder / f"{name}.tex"
        path.write_text(source, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    """Write the sources of the lesson named on the command line (the seed by default)."""
    lesson = Path(sys.argv[1]) if len(sys.argv) > 1 else SEED
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("latex")
    for path in write_sources(lesson, folder):
        print(path)


if __name__ == "__main__":
    main()

"""Fit card text to its card: shrink what is too long, down to a readable minimum, and say what still fails.

A template marks text that may shrink with `data-fit` (the lesson key the text comes from, e.g.
`flashcards[2].answer`) and `data-fit-min` (its smallest size, in points), beside `data-must-fit`; the
card holding it carries `data-card` (its number). `pdf.py` measures the layout; this module decides the
sizes. It searches by trial documents that show only the cards that overflowed, so a deck where a few
cards are long costs a few small renders and one more full one, never a full render per step.

Pure: no WeasyPrint here. A trial is a callable that lays out CSS and reports what still overflows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from studygen.errors import BuildError
from studygen.wording import quoted, shortened

SMALLEST_QUESTION_PT = 10.0
"""The smallest size a card's question prints at. The front is read at a glance, and in bold: two
points above the answer keeps the prompt the largest text on the card, as on printed quiz cards."""

SMALLEST_ANSWER_PT = 8.0
"""The smallest size a card's answer prints at: the size of a textbook's footnotes and captions, the
smallest print meant to be read through rather than looked up. DejaVu Sans has a large x-height, so
its 8 pt reads about like 9 pt of a book face; below that, students at arm's length start to squint."""

SMALLEST_PT = {"question": SMALLEST_QUESTION_PT, "answer": SMALLEST_ANSWER_PT}
"""The smallest size of each side of a card, as templates read it (`smallest_pt.answer`)."""

SMALLEST_OVERFLOW_PT = 5.0
"""With `--allow-overflow`, text that does not fit at its smallest size shrinks further, down to this:
the size of a contract's small print, still printed cleanly by home printers and readable up close.
Below it, text is no longer there for a student; the build fails instead of clipping or spilling."""

STEP_PT = 0.5
"""Sizes are tried in half points: finer steps are not visible in print and cost more trials."""

PX_PER_PT = 96 / 72
"""CSS pixels per point: WeasyPrint measures in pixels."""


@dataclass(frozen=True)
class Misfit:
    """A `data-must-fit` box that ends outside its parent in one layout."""

    label: str
    """What the template calls the box, e.g. `card 3's answer`."""
    problem: str
    """How far it runs over, e.g. `is 190 mm tall, but only 120 mm fit`."""
    hint: str
    """What the teacher should do, from `data-fit-hint`."""
    text: str | None = None
    """The lesson key of text that may shrink (`data-fit`); None for a box that cannot."""
    card: str | None = None
    """The number of the card holding it (`data-card`), if any."""
    size_pt: float = 0.0
    """Its font size in this layout, in points."""
    smallest_pt: float = 0.0
    """The smallest size it may shrink to (`data-fit-min`), in points."""
    need: float = 0.0
    """How much room it took in this layout, in CSS pixels (height or width, whichever ran over)."""
    room: float = 0.0
    """How much room there was, in the same direction."""

    def __str__(self) -> str:
        return f"{self.label} {self.problem}: {self.hint}"


Trial = Callable[[str, Sequence[str]], Sequence[Misfit]]
"""Lay out the document with extra CSS, showing only the cards named (all if none are), and return
every box that still overflows."""


@dataclass(frozen=True)
class Fitted:
    """The outcome of fitting: the size each shrunk text prints at, and the texts that cannot fit."""

    sizes: Mapping[str, float]
    """Points, by lesson key; texts that fit at their own size are not listed."""
    unfit: tuple[Misfit, ...]
    """Texts that overflow even at the smallest size tried, measured at that size (`smallest_pt`)."""


@dataclass(frozen=True)
class Shrunk:
    """Text that did not fit at its smallest size and printed smaller (`--allow-overflow`)."""

    misfit: Misfit
    """How it overflowed at its smallest size."""
    printed_pt: float
    """The size it printed at, below its smallest size."""


class TextDoesNotFit(BuildError):
    """Raised when card text overflows its card even at its smallest size; carries each such text.

    `allowed` says whether the build already allowed overflow, so the smallest size was the floor.
    """

    def __init__(self, misfits: Sequence[Misfit], *, allowed: bool = False) -> None:
        self.misfits = tuple(misfits)
        self.allowed = allowed
        super().__init__("; ".join(str(misfit) for misfit in misfits))


def fit(misfits: Iterable[Misfit], trial: Trial, *, floor: float | None = None) -> Fitted:
    """Find the largest size on the half-point grid at which each overflowing text fits its box.

    Sizes go down to each text's smallest size, or to floor when one is given (`--allow-overflow`).

    A bisection over each text's sizes, all texts stepping together, so each round is one trial of
    just the cards still searching. The first probe is a guess from the overflow itself (text height
    grows about with the square of the font size), which is usually right or one step off.
    """
    grids: dict[str, list[float]] = {}
    cards: dict[str, str | None] = {}
    low: dict[str, int] = {}  # index of the largest size known to fit; -1 while none is
    high: dict[str, int] = {}  # index of the smallest size known not to fit
    guess: dict[str, int] = {}
    failed: dict[str, Misfit] = {}  # how each text last overflowed, with the smallest size asked for
    for misfit in misfits:
        if misfit.text is None or misfit.text in grids:
            continue
        grids[misfit.text] = grid = _sizes(floor or misfit.smallest_pt, misfit.size_pt)
        cards[misfit.text] = misfit.card
        low[misfit.text], high[misfit.text] = -1, len(grid)
        guess[misfit.text] = _first_guess(misfit, grid)
        failed[misfit.text] = replace(misfit, smallest_pt=grid[0])
    while searching := [key for key in grids if high[key] - low[key] > 1]:
        probe = {key: guess.pop(key, (low[key] + high[key] + 1) // 2) for key in searching}
        sizes = {key: grids[key][index] for key, index in probe.items()}
        shown_cards = [card for key in searching if (card := cards[key]) is not None]
        over = {m.text: m for m in trial(font_sizes_css(sizes), shown_cards) if m.text in sizes}
        for key, index in probe.items():
            if key in over:
                high[key] = index
                failed[key] = replace(over[key], smallest_pt=failed[key].smallest_pt)
            else:
                low[key] = index
    fitted = {key: grids[key][low[key]] for key in grids if low[key] >= 0}
    unfit = tuple(failed[key] for key in grids if low[key] < 0)
    return Fitted(fitted, unfit)


def _sizes(smallest: float, start: float) -> list[float]:
    """List the sizes to try, smallest first: the half-point grid from the minimum up to below start."""
    count = max(1, int((start - smallest) / STEP_PT + 0.999))
    return [smallest + STEP_PT * step for step in range(count)]


def _first_guess(misfit: Misfit, grid: Sequence[float]) -> int:
    """Guess the index of the largest size that fits, from how far the text ran over at its size."""
    if misfit.need <= 0 or misfit.room <= 0:
        return (len(grid) - 1) // 2
    estimate = misfit.size_pt * (misfit.room / misfit.need) ** 0.5
    fitting = [index for index, size in enumerate(grid) if size <= estimate]
    return fitting[-1] if fitting else 0


def font_sizes_css(sizes: Mapping[str, float]) -> str:
    """Write CSS setting each text's font size; keys are written by templates, never by a lesson."""
    return "".join(
        f'[data-fit="{_css_string(key)}"] {{ font-size: {size:g}pt !important; }}\n'
        for key, size in sizes.items()
    )


def _css_string(text: str) -> str:
    """Escape text for a double-quoted CSS string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")


_KEY_PART = re.compile(r"\[(\d+)\]|\.?([A-Za-z_]+)")


def key_path(key: str) -> tuple[str | int, ...]:
    """Read a dotted lesson key such as `flashcards[2].answer` back into its path of keys and indexes."""
    return tuple(int(index) if index else name for index, name in _KEY_PART.findall(key))


def _card(misfit: Misfit, question: str | None) -> str:
    """Name the card a text is on by number and the start of its question, e.g. `card 3 ('Why…')`."""
    card = f"card {misfit.card}" if misfit.card else misfit.label
    return f"{card} ({quoted(shortened(question, 40))})" if question else card


def _side(misfit: Misfit) -> str:
    """Say which text of the card it is: `question` or `answer`, from its lesson key."""
    return misfit.text.rsplit(".", 1)[-1] if misfit.text else "text"


def unfit_message(misfit: Misfit, question: str | None, *, allowed: bool) -> str:
    """Say which card's text does not fit even at its smallest size, and how to fix it."""
    smallest = (
        "the smallest size --allow-overflow prints at" if allowed else "the smallest size it may print at"
    )
    fix = "shorten it or split it into two cards"
    return (
        f"{_card(misfit, question)}: its {_side(misfit)} does not fit on the card even at "
        f"{misfit.smallest_pt:g} pt, {smallest}: there it {misfit.problem}: "
        + (fix if allowed else f"{fix}, or build with --allow-overflow to print it smaller")
    )


def shrunk_message(shrunk: Shrunk, question: str | None) -> str:
    """Say which card's text printed below its smallest size, at what size, and how to fix it."""
    misfit = shrunk.misfit
    return (
        f"{_card(misfit, question)}: its {_side(misfit)} does not fit on the card at "
        f"{misfit.smallest_pt:g} pt, the smallest size it should print at, so it printed at "
        f"{shrunk.printed_pt:g} pt: shorten it or split it into two cards"
    )

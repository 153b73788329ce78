"""Card layouts and card sizes: where every face of a flashcard goes on which page, in millimetres.

Everything here is plain arithmetic on sizes, so the flashcards template only places boxes at the
positions it is given, and tests can check the geometry without rendering. A deck is laid out by
`lay_out(count, ...)`, a function of the cards' number, the layout, the size and the printer settings
only, so a big deck can be laid out (and rendered) a chunk at a time from any card number on.

Sheet geometry, written down once (every length in mm, origin at the page's top-left corner):

- The cards sit edge to edge in a grid of `columns` by `rows` cells, centred on the page, so one cut
  along each grid line separates them. The grid keeps `PRINTABLE_MARGIN_MM` + `MARK_ROOM_MM` clear on
  every side: the first is what home printers can print to, the second holds the cut marks.
- A page of fronts is followed by a page of backs. Printed two-sided, the sheet turns over about the
  edge the printer flips on. Turning over about a vertical edge maps a point (x, y) on the front onto
  (W - x, y) of the back; about a horizontal edge, onto (x, H - y). Because the grid is centred, the
  cell in column c is then behind column (columns - 1 - c), or the cell in row r behind row
  (rows - 1 - r), and its back is put there.
- `--flip long` (the default, what most duplex printers do) turns the sheet over its long edge: on a
  portrait page that edge is vertical, so back columns are mirrored; on a landscape page it is
  horizontal, so back rows are. `--flip short` is the other way round. Each back is printed upright
  on the back page, so a cut card turns over the same way as the sheet.
- `--back-offset X,Y` moves every back X mm to the right and Y mm down, as seen on the back page, to
  undo a printer that shifts its second side; `studygen calibrate` prints a sheet that measures it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from studygen.documents import Paper

MM_PER_UNIT = {"mm": 1.0, "cm": 10.0, "in": 25.4}
"""Units a custom `--card-size` may be written in."""

MIN_CARD_MM = 25.0
"""Shortest side a card may have: below it no question prints at a readable size."""

MAX_CARD_MM = 500.0
"""Longest side a card may have (larger than A3): anything bigger is a typing mistake."""

MIN_FOLD_PAGE_MM = (100.0, 140.0)
"""Smallest page (width, height) the fold layout folds into two faces: A6 card stock, which folds
into A7 cards. Smaller stock leaves too little room beside the fold for readable text."""

PRINTABLE_MARGIN_MM = 6.35
"""Margin, on every side, that sheet layouts leave unprinted: a quarter inch, which home inkjet and
laser printers can print inside (most need 3 to 5 mm). Lower it here for a printer that prints borderless."""

MARK_ROOM_MM = 5.0
"""Room between the printable margin and the cards for the cut marks (a 1 mm gap, then a 4 mm line)."""

DEFAULT_SHEET_CARD = "index-3x5"
"""The card size sheet layouts use when neither the command line nor the lesson names one."""

MAX_BACK_OFFSET_MM = 20.0
"""Largest back offset accepted on either axis: printers are off by a few millimetres, not centimetres."""

PART_PAGES = 100
"""Pages one part of a big deck holds, about (whole sheets): a deck of more renders in parts, on every
render worker at once, joined into one PDF afterwards. WeasyPrint's memory grows by about 0.25 MiB a
page of one document, and each part costs about 0.1 s of its own (styles, fonts, writing): at 100
pages a worker stays near 150 MB however big the deck (docs/performance.md)."""

FLOWING_PART_CARDS = 400
"""Cards one part of a big deck holds in the list layout, whose pages the renderer fills (about 15 pages)."""


@dataclass(frozen=True)
class CardSize:
    """A card's size as it is held to be read: width across, height down, in millimetres."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def portrait(self) -> CardSize:
        """The same card stood on its short side, as fold card stock is."""
        short, long = sorted((self.width_mm, self.height_mm))
        return CardSize(self.name, short, long)

    def as_paper(self) -> Paper:
        """This card as the page size of a one-card-per-page document."""
        return Paper(self.name, self.width_mm, self.height_mm)


CARD_SIZES: dict[str, CardSize] = {
    size.name: size
    for size in (
        CardSize("a6", 148, 105),
        CardSize("a7", 105, 74),
        CardSize("index-3x5", 127, 76.2),
        CardSize("index-4x6", 152.4, 101.6),
        CardSize("business", 88.9, 50.8),
    )
}
"""Named card sizes `--card-size` and `card_size:` accept, landscape as cards are read."""

_CUSTOM = re.compile(r"(\d+(?:\.\d+)?)\s*[x\u00d7]\s*(\d+(?:\.\d+)?)\s*(mm|cm|in)")

SIZE_HELP = f"{', '.join(CARD_SIZES)}, or width x height such as 90x55mm, 3.5x2in or 9x5.5cm"
"""What a card size may be, for help texts and error messages."""


def card_size(text: str) -> CardSize:
    """Read a card size: a name from CARD_SIZES or `WIDTHxHEIGHT` with a unit; raise ValueError if not one."""
    wanted = text.strip().lower()
    if wanted in CARD_SIZES:
        return CARD_SIZES[wanted]
    match = _CUSTOM.fullmatch(wanted)
    if match is None:
        raise ValueError(f"'{text}' is not a card size: use {SIZE_HELP}")
    unit = MM_PER_UNIT[match[3]]
    width, height = (round(float(match[i]) * unit, 2) for i in (1, 2))
    for side in (width, height):
        if not MIN_CARD_MM <= side <= MAX_CARD_MM:
            raise ValueError(
                f"'{text}' has a side of {side:g} mm: a card's sides must be between "
                f"{MIN_CARD_MM:g} and {MAX_CARD_MM:g} mm"
            )
    return CardSize(f"{match[1]}x{match[2]}{match[3]}", width, height)


def back_offset(text: str) -> tuple[float, float]:
    """Read `--back-offset X,Y` in millimetres; raise ValueError saying what to write if it is not."""
    parts = text.replace(" ", "").split(",")
    try:
        x, y = (float(part) for part in parts)
    except ValueError:
        raise ValueError(
            f"'{text}' is not an offset: write X,Y in millimetres, e.g. 1.5,-0.5 "
            "(right and down are positive)"
        ) from None
    if not all(math.isfinite(v) and abs(v) <= MAX_BACK_OFFSET_MM for v in (x, y)):
        most = f"{MAX_BACK_OFFSET_MM:g}"
        raise ValueError(f"'{text}': each offset must be between -{most} and {most} mm")
    return (x, y)


@dataclass(frozen=True)
class PrintSettings:
    """How the command line asks for cards; plain values, so they cross into a render worker.

    `layout` and `size` are None when not given, so the lesson's `card_layout:` and `card_size:` apply.
    """

    layout: str | None = None
    size: str | None = None
    flip: str = "long"
    back_offset: tuple[float, float] = (0.0, 0.0)


DEFAULT_PRINT = PrintSettings()
"""The fold layout on the paper, unless the lesson says otherwise."""

FLIPS = ("long", "short")
"""Edges a duplex printer can turn the sheet over: `--flip` choices."""


@dataclass(frozen=True)
class Face:
    """One side of one card, placed on a page."""

    card: int
    """Index of the card in the lesson's deck, from 0: `lesson.flashcards[face.card]`, in a part of a
    big deck too."""
    number: int
    """The number printed on the card, from `first_number`."""
    side: str
    """`front` (the question) or `back` (the answer)."""
    left_mm: float
    top_mm: float


@dataclass(frozen=True)
class CardPage:
    """One page of a deck and the faces on it."""

    side: str
    faces: tuple[Face, ...]


@dataclass(frozen=True)
class CutMark:
    """A short line in the margin showing where to cut: vertical (`across` False) or horizontal."""

    left_mm: float
    top_mm: float
    length_mm: float
    across: bool


@dataclass(frozen=True)
class Request:
    """What a layout is asked to lay out: how many cards, on what, numbered from where."""

    count: int
    paper: Paper
    size: CardSize | None
    """The card size asked for, or None for the layout's default."""
    flip: str = "long"
    back_offset: tuple[float, float] = (0.0, 0.0)
    first_number: int = 1
    total: int | None = None
    """How many cards the whole deck has (for `3 / 40`), when only a part of it is laid out."""

    def number(self, index: int) -> int:
        """The number printed on the card at index."""
        return self.first_number + index

    def card(self, index: int) -> int:
        """The index in the lesson's deck of the card laid out at index."""
        return self.first_number - 1 + index

    @property
    def deck_total(self) -> int:
        """The number printed after the slash."""
        return self.count if self.total is None else self.total


@dataclass(frozen=True)
class Layout:
    """One way to print a deck: its name on the command line, the file it writes, how it places cards."""

    name: str
    description: str
    file_stem: str
    """The output file's name without `.pdf`: fronts and backs get their own, so a teacher keeps both."""
    arrange: Callable[[Layout, Request], Deck]
    fronts: bool = True
    backs: bool = True
    shifts_backs: bool = False
    """Whether its backs print on the other side of the same sheet, so `--back-offset` applies."""
    flows: bool = False
    """Whether its cards flow like a handout, paged by the renderer (list), rather than onto set pages."""


@dataclass(frozen=True)
class Deck:
    """A deck laid out for printing: what the flashcards template receives as `cards`."""

    layout: Layout
    card: CardSize
    """The size of one face."""
    page: Paper
    pages: tuple[CardPage, ...]
    total: int
    """The number of cards in the whole deck, printed as `3 / 40`."""
    marks: tuple[CutMark, ...] = ()
    """Cut marks, the same on every page of fronts (none on backs: cut from the front)."""
    columns: int = 1
    rows: int = 1
    stock: bool = False
    """Whether the page is card stock of the chosen card size rather than the paper."""
    part: tuple[int, int] | None = None
    """In one part of a big deck rendered in parts, the numbers of its first and last cards; None when
    the whole deck is laid out at once. The list layout prints the lesson's header in the first part only."""

    @property
    def fold_scale(self) -> float:
        """How much smaller than A4 a fold deck's card stock is: its look shrinks by as much."""
        return round(min(self.page.width_mm / 210, self.page.height_mm / 297), 3)

    @property
    def scale(self) -> float:
        """How much larger or smaller than an A6 card the text prints, so it suits the card."""
        return round(max(0.5, min(self.card.width_mm / 148, self.card.height_mm / 105, 1.6)), 3)


class LayoutError(ValueError):
    """Raised when a layout cannot be made with the size and paper asked for; says what to do instead."""

    def __init__(self, message: str, *, lesson_key: str | None = None) -> None:
        super().__init__(message)
        self.lesson_key = lesson_key
        """The lesson key (`card_size` or `card_layout`) whose choice made the layout fail, if any."""


def deck_for(
    count: int,
    *,
    settings: PrintSettings,
    lesson_layout: str | None,
    lesson_size: str | None,
    paper: Paper,
    first_number: int = 1,
    total: int | None = None,
) -> Deck:
    """Lay out a lesson's cards as asked: the command line first, then the lesson, then the defaults."""
    layout = LAYOUTS[settings.layout or lesson_layout or DEFAULT_LAYOUT]
    size_text = settings.size or lesson_size
    if layout.name == "list" and size_text is not None:
        _refuse_list_size(settings, lesson_size)
        size_text = None
    request = Request(
        count,
        paper,
        card_size(size_text) if size_text is not None else None,
        settings.flip,
        settings.back_offset,
        first_number,
        total,
    )
    try:
        return lay_out(layout, request)
    except LayoutError as error:
        # Point at the lesson's own choice, so the teacher knows the option was not the only source.
        chosen = [
            (key, value)
            for key, value, given in (
                ("card_size", lesson_size, settings.size),
                ("card_layout", lesson_layout, settings.layout),
            )
            if value is not None and given is None
        ]
        if not chosen:
            raise
        also = "".join(f" (the lesson also sets {key}: {value})" for key, value in chosen[1:])
        raise LayoutError(f"{error}{also}", lesson_key=chosen[0][0]) from None


def _refuse_list_size(settings: PrintSettings, lesson_size: str | None) -> None:
    """Refuse a card size asked for with the list layout, which prints on the paper, not on cards.

    A lesson's `card_size:` is its default for the card layouts, so `--cards list` on the command line
    simply leaves it aside; a size asked for in the same breath as the list is a mistake worth naming.
    """
    if settings.size is not None:
        raise LayoutError(
            "the list layout prints every card as a row of a study sheet on the paper, so --card-size does "
            "not apply to it: leave --card-size out, or choose --cards sheet to print cards of that size"
        )
    if settings.layout is None and lesson_size is not None:
        raise LayoutError(
            "the list layout prints every card as a row of a study sheet on the paper, so a card size does "
            "not apply to it: remove card_size, or choose another card_layout such as sheet",
            lesson_key="card_size",
        )


def lay_out(layout: Layout, request: Request) -> Deck:
    """Place the cards of a request with a layout; raise LayoutError if it cannot be printed so."""
    if request.back_offset != (0.0, 0.0) and not layout.shifts_backs:
        raise LayoutError(
            f"--back-offset moves the backs of a two-sided print, and the {layout.name} layout has none: "
            "use it with --cards duplex, sheet or backs"
        )
    deck = layout.arrange(layout, request)
    last = request.number(request.count - 1)
    if request.first_number == 1 and last == request.deck_total:
        return deck
    return dataclasses.replace(deck, part=(request.first_number, last))


@dataclass(frozen=True)
class PartSize:
    """How much of a big deck one part holds: pages of set layouts, or cards of a flowing one."""

    pages: int = PART_PAGES
    flowing_cards: int = FLOWING_PART_CARDS


DEFAULT_PARTS = PartSize()


def part_size(deck: Deck, parts: PartSize) -> int:
    """How many cards one part of a big deck lays out: about `parts.pages` pages, in whole sheets."""
    if deck.layout.flows:
        return parts.flowing_cards
    per_sheet = deck.columns * deck.rows
    sheets = math.ceil(deck.total / per_sheet)
    pages_per_sheet = max(1, len(deck.pages) // max(1, sheets))
    return max(1, parts.pages // pages_per_sheet) * per_sheet


def parts_of(deck: Deck, parts: PartSize) -> list[tuple[int, int]]:
    """Cut a whole deck into parts to render one by one: each part's first card number and card count.

    A deck that fits one part is one part: it renders as one document, as any small deck does.
    """
    size = part_size(deck, parts)
    return [(first, min(size, deck.total - first + 1)) for first in range(1, deck.total + 1, size)]


def _fold(layout: Layout, request: Request) -> Deck:
    """One card per page of paper or card stock: its upper half the front, its lower half the back."""
    page = _fold_page(request.size, request.paper)
    card = CardSize(page.name, page.width_mm, page.height_mm / 2)
    pages = tuple(CardPage("front", (_face(request, i, "front", 0, 0),)) for i in range(request.count))
    return Deck(layout, card, page, pages, request.deck_total, stock=request.size is not None)


def _fold_page(size: CardSize | None, paper: Paper) -> Paper:
    """The page a fold deck prints on: the paper, or the card stock stood upright; refuse stock too small."""
    if size is None:
        return paper
    stock = size.portrait
    least_width, least_height = MIN_FOLD_PAGE_MM
    if stock.width_mm < least_width or stock.height_mm < least_height:
        raise LayoutError(
            f"{_a_card(size)} ({_dimensions(size)}) is too small to fold into two faces: fold needs "
            f"card stock of at least {least_width:g} x {least_height:g} mm (a6); choose --cards duplex "
            "or sheet for small cards, or a larger --card-size"
        )
    return stock.as_paper()


def _duplex(layout: Layout, request: Request) -> Deck:
    """One face per page of card stock (or paper): each front, then its back on the next page."""
    card = request.size or CardSize(request.paper.name, request.paper.width_mm, request.paper.height_mm)
    pages: list[CardPage] = []
    for i in range(request.count):
        pages.append(CardPage("front", (_face(request, i, "front", 0, 0),)))
        pages.append(CardPage("back", (_face(request, i, "back", *request.back_offset),)))
    return Deck(
        layout, card, card.as_paper(), tuple(pages), request.deck_total, stock=request.size is not None
    )


def _study_list(layout: Layout, request: Request) -> Deck:
    """Every card in order on the paper, flowing like a handout: one run of faces, paged by the renderer."""
    faces = tuple(_face(request, i, "front", 0, 0) for i in range(request.count))
    whole_page = CardSize(request.paper.name, request.paper.width_mm, request.paper.height_mm)
    return Deck(layout, whole_page, request.paper, (CardPage("front", faces),), request.deck_total)


def _on_sheets(layout: Layout, request: Request) -> Deck:
    """Lay cards out in a centred grid on sheets: fronts, then backs behind them (see the module's notes)."""
    card = request.size or CARD_SIZES[DEFAULT_SHEET_CARD]
    page, columns, rows = _best_sheet(request.paper, card)
    left = (page.width_mm - columns * card.width_mm) / 2
    top = (page.height_mm - rows * card.height_mm) / 2
    # A vertical turning edge mirrors columns; a horizontal one mirrors rows.
    long_edge_vertical = page.height_mm >= page.width_mm
    mirror_columns = long_edge_vertical == (request.flip == "long")
    dx, dy = request.back_offset
    per_sheet = columns * rows
    pages: list[CardPage] = []
    for start in range(0, request.count, per_sheet):
        cells = [
            (i, *divmod(i - start, columns)) for i in range(start, min(request.count, start + per_sheet))
        ]
        fronts = tuple(
            _face(request, i, "front", left + c * card.width_mm, top + r * card.height_mm)
            for i, r, c in cells
        )
        behind = [(i, r, columns - 1 - c) if mirror_columns else (i, rows - 1 - r, c) for i, r, c in cells]
        backs = tuple(
            _face(request, i, "back", left + c * card.width_mm + dx, top + r * card.height_mm + dy)
            for i, r, c in behind
        )
        if layout.fronts:
            pages.append(CardPage("front", fronts))
        if layout.backs:
            pages.append(CardPage("back", backs))
    marks = _cut_marks(left, top, columns, rows, card) if layout.fronts else ()
    return Deck(layout, card, page, tuple(pages), request.deck_total, marks, columns, rows)


def _face(request: Request, index: int, side: str, left_mm: float, top_mm: float) -> Face:
    """Place one face of the card laid out at index."""
    return Face(request.card(index), request.number(index), side, left_mm, top_mm)


def _best_sheet(paper: Paper, card: CardSize) -> tuple[Paper, int, int]:
    """Choose portrait or landscape paper, whichever holds more cards; refuse a card that fits neither."""
    clear = 2 * (PRINTABLE_MARGIN_MM + MARK_ROOM_MM)
    best: tuple[Paper, int, int] | None = None
    short, long = sorted((paper.width_mm, paper.height_mm))
    for width, height in ((short, long), (long, short)):
        columns = math.floor((width - clear) / card.width_mm + 1e-9)
        rows = math.floor((height - clear) / card.height_mm + 1e-9)
        if columns >= 1 and rows >= 1 and (best is None or columns * rows > best[1] * best[2]):
            best = (Paper(paper.name, width, height), columns, rows)
    if best is None:
        room = f"{short - clear:g} x {long - clear:g} mm"
        raise LayoutError(
            f"{_a_card(card)} ({_dimensions(card)}) does not fit on {paper.name} paper inside the "
            f"margins a home printer can print ({room}): choose a smaller --card-size, or --cards duplex "
            "to print one card per page of card stock"
        )
    return best


def _cut_marks(left: float, top: float, columns: int, rows: int, card: CardSize) -> tuple[CutMark, ...]:
    """Marks in the margin at the end of every grid line, a 1 mm gap away from the cards."""
    gap, length = 1.0, MARK_ROOM_MM - 1.0
    right = left + columns * card.width_mm
    bottom = top + rows * card.height_mm
    marks: list[CutMark] = []
    for c in range(columns + 1):
        x = left + c * card.width_mm
        marks += [CutMark(x, top - gap - length, length, False), CutMark(x, bottom + gap, length, False)]
    for r in range(rows + 1):
        y = top + r * card.height_mm
        marks += [CutMark(left - gap - length, y, length, True), CutMark(right + gap, y, length, True)]
    return tuple(marks)


def _a_card(size: CardSize) -> str:
    """Name a card with the article it is read with: `an a7 card`, `an 88x55mm card`, `a business card`."""
    article = "an" if size.name[0] in "aeiou8" or size.name.startswith(("11", "18")) else "a"
    return f"{article} {size.name} card"


def _dimensions(size: CardSize) -> str:
    """Write a size as `88.9 x 50.8 mm`."""
    return f"{size.width_mm:g} x {size.height_mm:g} mm"


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("fold", "one card per page, folded along the dashed line", "flashcards", _fold),
        Layout(
            "duplex",
            "one face per page: each question, then its answer on the next page",
            "flashcards",
            _duplex,
            shifts_backs=True,
        ),
        Layout(
            "sheet",
            "several cards per sheet with cut marks: a page of fronts, then their backs",
            "flashcards",
            _on_sheets,
            shifts_backs=True,
        ),
        Layout(
            "fronts",
            "the sheet layout's fronts only, for printers without duplex",
            "flashcards-fronts",
            _on_sheets,
            backs=False,
        ),
        Layout(
            "backs",
            "the sheet layout's backs only, to print on the back of the fronts",
            "flashcards-backs",
            _on_sheets,
            fronts=False,
            shifts_backs=True,
        ),
        Layout(
            "list", "a study sheet: each question beside its answer", "flashcards", _study_list, flows=True
        ),
    )
}
"""Card layouts `--cards` and `card_layout:` accept."""

DEFAULT_LAYOUT = "fold"

OUTPUT_NAMES = tuple(dict.fromkeys(layout.file_stem for layout in LAYOUTS.values()))
"""Every name the flashcards document is written under: a lesson without cards removes them all."""

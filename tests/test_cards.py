"""Flashcard layouts and sizes: page counts, page sizes, every back behind its front, read from the PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from kind_helpers import documents_in
from pypdf import PdfReader

from studygen.build import Job, build, render_lesson
from studygen.calibrate import calibration_sheet, scale_reading
from studygen.cards import (
    LAYOUTS,
    MARK_ROOM_MM,
    PRINTABLE_MARGIN_MM,
    LayoutError,
    PrintSettings,
    Request,
    card_size,
    deck_for,
    lay_out,
)
from studygen.cli import cli
from studygen.documents import PAPERS
from studygen.source import MAX_FILE_BYTES

PT_PER_MM = 72 / 25.4
A4 = PAPERS["a4"]
LETTER = PAPERS["letter"]


def deck_lesson(folder: Path, cards: int, extra: str = "") -> Path:
    """Write a lesson with numbered cards: `Question 3?` on the front of card 3, `Answer 3.` on its back."""
    lines = ["title: Deck", *([extra] if extra else []), "flashcards:"]
    for n in range(1, cards + 1):
        lines += [f"  - question: Question {n}?", f"    answer: Answer {n}."]
    lesson = folder / "deck.yaml"
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lesson


def build_deck(lesson: Path, out: Path, paper: str = "a4", **settings: Any) -> Path:
    """Render a lesson's flashcards with these card settings, as a build's worker does; return the file.

    It renders in this test process rather than a worker (the build tests cover workers), so WeasyPrint
    is imported once per test process, not once per layout tried.
    """
    job = Job(lesson, ("flashcards",), paper, "pdf", None, MAX_FILE_BYTES, PrintSettings(**settings))
    [rendered] = render_lesson(job).files
    out.mkdir(parents=True, exist_ok=True)
    written = out / rendered.name
    written.write_bytes(rendered.data)
    return written


def size_mm(reader: PdfReader, page: int = 0) -> tuple[float, float]:
    """A page's width and height in millimetres, to 0.1 mm."""
    box = reader.pages[page].mediabox
    return (round(float(box.width) / PT_PER_MM, 1), round(float(box.height) / PT_PER_MM, 1))


def text_at(reader: PdfReader, page: int) -> dict[str, tuple[float, float]]:
    """Where each `Question n?` / `Answer n.` starts on a page: (x, y) in mm from the top-left corner."""
    height = float(reader.pages[page].mediabox.height)
    found: dict[str, tuple[float, float]] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, font_size: object) -> None:
        match = re.search(r"(Question|Answer) \d+", text)
        if match:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found[match[0]] = (x / PT_PER_MM, (height - y) / PT_PER_MM)

    reader.pages[page].extract_text(visitor_text=visit)
    return found


# --- geometry, without rendering -----------------------------------------------------------------


def test_ten_business_cards_fit_a_letter_sheet_inside_printable_margins() -> None:
    deck = lay_out(LAYOUTS["sheet"], Request(10, LETTER, card_size("business")))
    assert (deck.columns, deck.rows, len(deck.pages)) == (2, 5, 2)
    assert (deck.page.width_mm, deck.page.height_mm) == (215.9, 279.4)
    faces = deck.pages[0].faces
    clear = PRINTABLE_MARGIN_MM + MARK_ROOM_MM
    assert min(f.left_mm for f in faces) >= clear and min(f.top_mm for f in faces) >= clear
    assert max(f.left_mm for f in faces) + 88.9 <= 215.9 - clear
    assert max(f.top_mm for f in faces) + 50.8 <= 279.4 - clear


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a6", (148, 105)),
        ("index-4x6", (152.4, 101.6)),
        ("90x55mm", (90, 55)),
        ("3.5x2in", (88.9, 50.8)),
        ("9x5.5cm", (90, 55)),
        (" 90 \u00d7 55 MM ", (90, 55)),  # a multiplication sign, as some teachers type it
    ],
)
def test_card_sizes_read_names_and_custom_sizes_in_mm_cm_and_inches(
    text: str, expected: tuple[float, float]
) -> None:
    size = card_size(text)
    assert (size.width_mm, size.height_mm) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a5", "'a5' is not a card size: use a6, a7, index-3x5, index-4x6, business, or width x height"),
        ("90x55", "'90x55' is not a card size"),
        ("10x55mm", "'10x55mm' has a side of 10 mm: a card's sides must be between 25 and 500 mm"),
    ],
)
def test_a_size_that_is_not_one_says_what_to_write(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        card_size(text)


# --- every layout, several sizes: page count and page size -----------------------------------------

CASES = [
    # layout, size, paper, pages for 5 cards, page size in mm
    ("fold", None, "a4", 5, (210.0, 297.0)),
    ("fold", "a6", "a4", 5, (105.0, 148.0)),
    ("fold", "index-4x6", "letter", 5, (101.6, 152.4)),
    ("duplex", "a6", "a4", 10, (148.0, 105.0)),
    ("duplex", "index-3x5", "letter", 10, (127.0, 76.2)),
    ("duplex", "90x55mm", "a4", 10, (90.0, 55.0)),
    ("sheet", "business", "letter", 2, (215.9, 279.4)),  # 10 to a sheet: fronts, backs
    ("sheet", "a6", "a4", 6, (210.0, 297.0)),  # 2 to a sheet
    ("sheet", "index-3x5", "letter", 4, (279.4, 215.9)),  # 4 to a landscape sheet
    ("fronts", "business", "a4", 1, (210.0, 297.0)),
    ("backs", "a7", "a4", 2, (297.0, 210.0)),  # 4 to a landscape sheet
    ("list", None, "a4", 1, (210.0, 297.0)),
]


@pytest.mark.parametrize(("layout", "size", "paper", "pages", "page_mm"), CASES)
def test_each_layout_has_its_page_count_and_page_size(
    tmp_path: Path, layout: str, size: str | None, paper: str, pages: int, page_mm: tuple[float, float]
) -> None:
    pdf = build_deck(deck_lesson(tmp_path, 5), tmp_path / "out", paper, layout=layout, size=size)
    reader = PdfReader(pdf)
    assert len(reader.pages) == pages
    assert {size_mm(reader, i) for i in range(pages)} == {page_mm}
    text = " ".join(page.extract_text() for page in reader.pages)
    sides = (LAYOUTS[layout].fronts, LAYOUTS[layout].backs)
    for n in range(1, 6):
        assert (f"Question {n}?" in text, f"Answer {n}." in text) == (
            sides if layout != "fold" else (True, True)
        )


# --- sheets: back i behind front i ------------------------------------------------------------------


def cell(point: tuple[float, float], left: float, top: float, card: tuple[float, float]) -> tuple[int, int]:
    """The (column, row) of a centred grid that a point falls in."""
    return (int((point[0] - left) // card[0]), int((point[1] - top) // card[1]))


@pytest.mark.parametrize(
    ("flip", "size", "paper", "grid"),
    [
        ("long", "business", "letter", (2, 5)),  # portrait: the sheet turns over a vertical edge
        ("short", "business", "letter", (2, 5)),  # portrait: over a horizontal edge
        ("long", "index-3x5", "letter", (2, 2)),  # landscape: the long edge is horizontal
        ("short", "index-3x5", "letter", (2, 2)),
    ],
)
def test_each_back_prints_behind_its_front_under_each_flip(
    tmp_path: Path, flip: str, size: str, paper: str, grid: tuple[int, int]
) -> None:
    count = grid[0] * grid[1] + 1  # a second sheet, with one card
    reader = PdfReader(
        build_deck(
            deck_lesson(tmp_path, count), tmp_path / "out", paper, layout="sheet", size=size, flip=flip
        )
    )
    card = card_size(size)
    width, height = size_mm(reader)
    left = (width - grid[0] * card.width_mm) / 2
    top = (height - grid[1] * card.height_mm) / 2
    vertical_edge = (height > width) == (flip == "long")
    checked = 0
    for sheet in range(len(reader.pages) // 2):
        fronts, backs = text_at(reader, 2 * sheet), text_at(reader, 2 * sheet + 1)
        for name, (x, y) in fronts.items():
            back_x, back_y = backs[name.replace("Question", "Answer")]
            # Where the back's point lands when the sheet is turned over, seen from the front.
            behind = (width - back_x, back_y) if vertical_edge else (back_x, height - back_y)
            assert cell(behind, left, top, (card.width_mm, card.height_mm)) == cell(
                (x, y), left, top, (card.width_mm, card.height_mm)
            ), name
            checked += 1
    assert checked == count


def test_back_offset_moves_every_back_and_no_front(tmp_path: Path) -> None:
    lesson = deck_lesson(tmp_path, 3)
    plain = PdfReader(build_deck(lesson, tmp_path / "a", "letter", layout="sheet", size="business"))
    moved = PdfReader(
        build_deck(lesson, tmp_path / "b", "letter", layout="sheet", size="business", back_offset=(1.5, -2.0))
    )
    assert text_at(moved, 0) == text_at(plain, 0)
    before, after = text_at(plain, 1), text_at(moved, 1)
    assert before.keys() == after.keys() == {"Answer 1", "Answer 2", "Answer 3"}
    for name, (x, y) in before.items():
        assert after[name][0] - x == pytest.approx(1.5, abs=0.01)
        assert after[name][1] - y == pytest.approx(-2.0, abs=0.01)


def test_duplex_back_offset_moves_the_answer_page_only(tmp_path: Path) -> None:
    lesson = deck_lesson(tmp_path, 1)
    plain = PdfReader(build_deck(lesson, tmp_path / "a", layout="duplex", size="a6"))
    moved = PdfReader(build_deck(lesson, tmp_path / "b", layout="duplex", size="a6", back_offset=(-1.0, 0.5)))
    assert text_at(moved, 0) == text_at(plain, 0)
    (x, y), (x2, y2) = text_at(plain, 1)["Answer 1"], text_at(moved, 1)["Answer 1"]
    assert (round(x2 - x, 2), round(y2 - y, 2)) == (-1.0, 0.5)


def test_card_numbers_can_start_at_an_offset_for_a_deck_laid_out_in_parts() -> None:
    deck = lay_out(LAYOUTS["sheet"], Request(3, A4, card_size("a7"), first_number=41, total=60))
    assert [face.number for face in deck.pages[0].faces] == [41, 42, 43]
    assert [face.card for face in deck.pages[0].faces] == [40, 41, 42]  # in the lesson's deck
    assert deck.total == 60


# --- output names, lesson defaults, errors ------------------------------------------------------------


def test_fronts_and_backs_are_separate_files_and_a_lesson_without_cards_removes_both(tmp_path: Path) -> None:
    lesson = deck_lesson(tmp_path, 2, extra="intro: hello")
    out = tmp_path / "out"

    def publish(**settings: Any) -> str:
        """Build the deck for real, publishing into out/deck/; return the one file's name."""
        only = ["flashcards"]
        [result] = list(build([lesson], out=out, only=only, templates=None, cards=PrintSettings(**settings)))
        assert result.error is None, result.error
        [written] = result.written
        return written.path.name

    assert publish(layout="fronts") == "flashcards-fronts.pdf"
    assert publish(layout="backs") == "flashcards-backs.pdf"
    assert publish() == "flashcards.pdf"
    folder = out / "deck"
    assert documents_in(folder) == [
        "flashcards-backs.pdf",
        "flashcards-fronts.pdf",
        "flashcards.pdf",
    ]
    lesson.write_text("title: Deck\nexercises: []\n", encoding="utf-8")
    [result] = list(build([lesson], out=out, only=["flashcards"], templates=None))
    assert result.skipped == ["flashcards"]
    assert documents_in(folder) == []


def test_the_lesson_chooses_layout_and_size_and_the_command_line_wins(tmp_path: Path) -> None:
    lesson = deck_lesson(tmp_path, 3, extra="card_layout: duplex\ncard_size: a7")
    reader = PdfReader(build_deck(lesson, tmp_path / "a"))
    assert (len(reader.pages), size_mm(reader)) == (6, (105.0, 74.0))
    reader = PdfReader(build_deck(lesson, tmp_path / "b", layout="sheet", size="business"))
    assert (len(reader.pages), size_mm(reader)) == (2, (210.0, 297.0))


def test_an_impossible_choice_made_in_the_lesson_says_so(tmp_path: Path) -> None:
    lesson = deck_lesson(tmp_path, 1, extra="card_size: business")
    code, stderr = run("build", lesson, "--out", tmp_path / "out")
    assert code == 1
    assert stderr.startswith(f"Error: {lesson}:2:12: card_size: a business card (88.9 x 50.8 mm) is too")
    assert stderr.endswith("or a larger --card-size\n")
    assert run("build", lesson, "--out", tmp_path / "out", "--cards", "sheet")[0] == 0


def run(*args: object) -> tuple[int, str]:
    """Run the CLI; its exit code and standard error."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stderr


def test_a_lesson_with_an_unknown_layout_or_size_fails_at_its_line(tmp_path: Path) -> None:
    lesson = deck_lesson(tmp_path, 1, extra="card_layout: poster\ncard_size: huge")
    code, stderr = run("check", lesson)
    assert code == 1
    assert f"{lesson}:2:14: card_layout: 'poster' is not a card layout: choose one of fold, duplex" in stderr
    assert f"{lesson}:3:12: card_size: 'huge' is not a card size: use a6, a7" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--card-size", "a5"], "Invalid value for '--card-size': 'a5' is not a card size"),
        (["--cards", "poster"], "Invalid value for '--cards': 'poster' is not one of"),
        (["--back-offset", "2"], "'2' is not an offset: write X,Y in millimetres, e.g. 1.5,-0.5"),
        (["--back-offset", "30,0"], "'30,0': each offset must be between -20 and 20 mm"),
        (["--flip", "sideways"], "Invalid value for '--flip'"),
    ],
)
def test_wrong_card_options_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    code, stderr = run("build", deck_lesson(tmp_path, 1), "--out", tmp_path / "out", *args)
    assert code == 2
    assert message in " ".join(stderr.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--card-size", "business"],
            "flashcards: a business card (88.9 x 50.8 mm) is too small to fold into two faces: fold needs "
            "card stock of at least 100 x 140 mm (a6); choose --cards duplex or sheet for small cards, or a "
            "larger --card-size",
        ),
        (
            ["--cards", "sheet", "--card-size", "200x250mm"],
            "flashcards: a 200x250mm card (200 x 250 mm) does not fit on A4 paper inside the margins a home "
            "printer can print (187.3 x 274.3 mm): choose a smaller --card-size, or --cards duplex to print "
            "one card per page of card stock",
        ),
        (
            ["--back-offset", "1,0"],
            "flashcards: --back-offset moves the backs of a two-sided print, and the fold layout has none: "
            "use it with --cards duplex, sheet or backs",
        ),
    ],
)
def test_impossible_combinations_fail_on_one_line_that_says_what_to_do(
    tmp_path: Path, args: list[str], message: str
) -> None:
    lesson = deck_lesson(tmp_path, 1)
    code, stderr = run("build", lesson, "--out", tmp_path / "out", *args)
    assert code == 1
    assert stderr == f"Error: {lesson}: {message}\n"
    assert not (tmp_path / "out" / "deck" / "flashcards.pdf").exists()


@pytest.mark.parametrize(
    ("extra", "args", "where", "message"),
    [
        (
            "card_layout: fold\ncard_size: business",
            [],
            "3:12: card_size",
            "a business card (88.9 x 50.8 mm) is too small to fold into two faces: fold needs card stock of "
            "at least 100 x 140 mm (a6); choose --cards duplex or sheet for small cards, or a larger "
            "--card-size (the lesson also sets card_layout: fold)",
        ),
        (
            "card_size: a7",
            [],
            "2:12: card_size",
            "an a7 card (105 x 74 mm) is too small to fold into two faces: fold needs card stock of at least "
            "100 x 140 mm (a6); choose --cards duplex or sheet for small cards, or a larger --card-size",
        ),
        (
            "card_size: 200x250mm",
            ["--cards", "sheet"],
            "2:12: card_size",
            "a 200x250mm card (200 x 250 mm) does not fit on A4 paper inside the margins a home printer can "
            "print (187.3 x 274.3 mm): choose a smaller --card-size, or --cards duplex to print one card per "
            "page of card stock",
        ),
        (
            "card_layout: list\ncard_size: a7",
            [],
            "3:12: card_size",
            "the list layout prints every card as a row of a study sheet on the paper, so a card size does "
            "not apply to it: remove card_size, or choose another card_layout such as sheet",
        ),
    ],
)
def test_a_layout_the_lesson_chose_fails_at_the_lesson_line(
    tmp_path: Path, extra: str, args: list[str], where: str, message: str
) -> None:
    lesson = deck_lesson(tmp_path, 1, extra=extra)
    code, stderr = run("build", lesson, "--out", tmp_path / "out", *args)
    assert (code, stderr) == (1, f"Error: {lesson}:{where}: {message}\n")


def test_a_card_size_asked_for_with_the_list_layout_is_refused() -> None:
    settings = PrintSettings(layout="list", size="a7")
    with pytest.raises(LayoutError, match="so --card-size does not apply to it: leave --card-size out"):
        deck_for(3, settings=settings, lesson_layout=None, lesson_size=None, paper=PAPERS["a4"])


def test_the_command_lines_list_leaves_the_lessons_card_size_aside() -> None:
    deck = deck_for(
        3, settings=PrintSettings(layout="list"), lesson_layout="sheet", lesson_size="a7", paper=PAPERS["a4"]
    )
    assert (deck.layout.name, deck.card.width_mm, deck.card.height_mm) == ("list", 210, 297)


# --- calibration ------------------------------------------------------------------------------------


@pytest.mark.parametrize("flip", ["long", "short"])
@pytest.mark.parametrize("shift", [(2.0, -1.0), (-3.5, 4.0), (0.0, 0.0)])
def test_the_scales_read_the_offset_that_undoes_a_printers_shift(
    flip: str, shift: tuple[float, float]
) -> None:
    # A printer moves its second side by shift, as seen on the back; turning the sheet over puts the
    # back's centre cross this far right of and below the front's centre.
    dx, dy = shift
    seen = (-dx, dy) if flip == "long" else (dx, -dy)
    assert scale_reading(*seen, flip) == (-dx or 0.0, -dy or 0.0)


def test_the_calibration_sheet_labels_its_scales_for_its_flip() -> None:
    long = calibration_sheet(A4, "long", (0.0, 0.0))
    short = calibration_sheet(A4, "short", (0.0, 0.0))
    right_end = {t.at_mm: t.label for t in long.across}[15], {t.at_mm: t.label for t in short.across}[15]
    lower_end = {t.at_mm: t.label for t in long.down}[15], {t.at_mm: t.label for t in short.down}[15]
    assert right_end == ("+15", "-15") and lower_end == ("-15", "+15")


def test_calibrate_writes_a_two_sided_sheet_with_the_cross_moved_by_the_offset(tmp_path: Path) -> None:
    out = tmp_path / "sheets" / "letter.pdf"
    code = CliRunner().invoke(
        cli, ["calibrate", "-o", str(out), "--paper", "letter", "--back-offset", "2,-1"]
    )
    assert code.exit_code == 0, code.output
    assert f"{out} (2 pages): print it two-sided at actual size" in code.stdout
    reader = PdfReader(out)
    assert [size_mm(reader, i) for i in (0, 1)] == [(215.9, 279.4)] * 2
    front = " ".join(reader.pages[0].extract_text().split())
    assert "--flip long" in front and "--back-offset 2,-1" in front and "Read X where" in front
    assert "Back of the studygen calibration sheet" in reader.pages[1].extract_text()


def test_calibrate_refuses_a_bad_offset_as_usage() -> None:
    result = CliRunner().invoke(cli, ["calibrate", "--back-offset", "a,b"])
    assert result.exit_code == 2
    assert "'a,b' is not an offset" in result.stderr

"""Fit to card: long text shrinks to its card, and only what cannot fit fails (or warns), by name and line."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

import studygen.pdf as pdf
from studygen.cards import DEFAULT_PRINT, deck_for
from studygen.cli import cli
from studygen.documents import DOCUMENTS, PAPERS
from studygen.fit import Misfit, fit, font_sizes_css
from studygen.lesson import load_lesson
from studygen.render import environment, render_document

ROOT = Path(__file__).parents[1]
SEED = ROOT / "content" / "imitation-learning.yaml"
PROSE = (
    "The learner copies the expert's actions in the states the expert visited, so its mistakes "
    "compound once it drifts away from them. "
)
LONG_QUESTION = (PROSE * 10)[:1200].rsplit(" ", 1)[0]
"""Too long for the front at 15 pt (its size for a long question), short enough for 10 pt."""
LONG_ANSWER = (PROSE * 15)[:1800].rsplit(" ", 1)[0]
"""Too long for the back at 12.5 pt (its size for a long answer), short enough for 8 pt."""


def items(count: int) -> str:
    """A list answer of this many one-number items: few characters, many lines."""
    return "|-\n" + "".join(f"      - item {n}\n" for n in range(count))


def write_deck(folder: Path, listed: int, *, long: bool = True) -> Path:
    """Write a deck: a short card, a long one (or another short one), a list `listed` lines long, and a
    short card after it."""
    lesson = folder / "cards.yaml"
    lesson.write_text(
        "title: Cards\nflashcards:\n"
        "  - question: Short?\n    answer: Yes.\n"
        + (
            f"  - question: {LONG_QUESTION}\n    answer: {LONG_ANSWER}\n"
            if long
            else "  - {question: Two, answer: Ok}\n"
        )
        + f"  - question: Which items are on the list of everything?\n    answer: {items(listed)}"
        "  - question: After?\n    answer: Last card.\n",
        encoding="utf-8",
    )
    return lesson


def build(lesson: Path, *flags: str) -> Result:
    """Build a lesson's flashcards with the CLI, stdout and stderr kept apart."""
    out = lesson.parent / "out"
    return CliRunner().invoke(cli, ["build", str(lesson), "--out", str(out), "--only", "flashcards", *flags])


def sizes(page: object) -> dict[str, float]:
    """Map each text run on a PDF page to its printed size in points (rotated text included)."""
    found: dict[str, float] = {}

    def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found[text.strip()] = round(size * math.hypot(tm[0], tm[1]) * 0.75, 2)  # px to pt

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return found


def size_of(page: object, words: str) -> float:
    """The size a page prints the run starting with words at."""
    return next(size for text, size in sizes(page).items() if text.startswith(words))


def squeeze(text: str) -> str:
    """Drop all whitespace, so text compares across line breaks."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def shrunk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, PdfReader]:
    """A deck whose list fits only below 8 pt, built with --allow-overflow."""
    lesson = write_deck(tmp_path_factory.mktemp("shrunk"), listed=36)
    result = build(lesson, "--allow-overflow")
    return result, PdfReader(lesson.parent / "out" / "cards" / "flashcards.pdf")


def test_a_long_card_prints_smaller_than_a_short_one_and_keeps_every_word(
    shrunk: tuple[Result, PdfReader],
) -> None:
    _, reader = shrunk
    short, long = reader.pages[0], reader.pages[1]
    assert size_of(short, "Short?") == 19 and size_of(short, "Yes.") == 15  # as before
    assert 10 <= size_of(long, "The learner") < 15  # the question, shrunk
    answer = [size for text, size in sizes(long).items() if text.startswith(("The", "compound", "its"))]
    assert min(answer) >= 8
    assert sorted(set(answer))[0] < 12.5  # the answer, shrunk below its long-text size
    text = squeeze(long.extract_text())
    assert squeeze(LONG_QUESTION) in text and squeeze(LONG_ANSWER) in text
    assert len(reader.pages) == 4


def test_allow_overflow_prints_what_cannot_fit_smaller_on_its_own_card_with_a_warning(
    shrunk: tuple[Result, PdfReader],
) -> None:
    result, reader = shrunk
    assert result.exit_code == 0, result.output
    lesson = Path(result.stdout.split(" -> ")[0])
    assert result.stderr == (
        f"Warning: {lesson}:8:13: flashcards[2].answer: card 3 ('Which items are on the list of…'): "
        "its answer does not fit on the card at 8 pt, the smallest size it should print "
        "at, so it printed at 6 pt: shorten it or split it into two cards\n"
    )
    listed, after = reader.pages[2], reader.pages[3]
    assert size_of(listed, "item 0") == 6
    assert all(f"item {n}" in listed.extract_text() for n in range(36))  # nothing clipped
    assert "item" not in after.extract_text()  # nothing spilled onto the next card
    assert size_of(after, "Last card.") == 15


def test_text_that_cannot_fit_at_the_minimum_fails_naming_card_and_line(tmp_path: Path) -> None:
    lesson = write_deck(tmp_path, listed=36, long=False)
    result = build(lesson)
    assert result.exit_code == 1
    message = result.stderr
    assert re.fullmatch(
        rf"Error: {re.escape(str(lesson))}:7:13: flashcards\[2\]\.answer: card 3 \('Which items are on the "
        r"list of…'\): its answer does not fit on the card even at 8 pt, the smallest size it "
        r"may print at: there it is (over )?(\d+) mm tall, but only (\d+) mm fit: shorten it or split it "
        r"into two cards, or build with --allow-overflow to print it smaller\n",
        message,
    ), message
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_text_too_long_even_for_allow_overflow_fails_rather_than_clip(tmp_path: Path) -> None:
    lesson = write_deck(tmp_path, listed=80, long=False)
    result = build(lesson, "--allow-overflow")
    assert result.exit_code == 1
    assert "flashcards[2].answer: card 3 (" in result.stderr
    assert (
        "does not fit on the card even at 5 pt, the smallest size --allow-overflow prints at" in result.stderr
    )
    assert result.stderr.endswith(": shorten it or split it into two cards\n")
    assert not (tmp_path / "out").exists()


def test_the_seed_cards_print_at_their_sizes_as_before(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(SEED), "--out", str(tmp_path), "--only", "flashcards"])
    assert result.exit_code == 0 and not result.stderr, result.output
    reader = PdfReader(tmp_path / "imitation-learning" / "flashcards.pdf")
    for page in reader.pages:  # header 8 pt, fold label 6.5 pt, question 19 pt, answer 15 pt
        assert sorted(set(sizes(page).values())) == [6.5, 8, 15, 19]


def fake_trial(room: dict[str, float], calls: list[list[str]]) -> object:
    """A trial in which text of size s needs s² of room, recording which cards each trial shows."""

    def trial(css: str, cards: list[str]) -> list[Misfit]:
        calls.append(list(cards))
        asked = dict(re.findall(r'\[data-fit="([^"]+)"\] \{ font-size: ([\d.]+)pt', css))
        return [
            Misfit("text", "is too tall", "shorten it", key, key[-1], float(size), 8.0)
            for key, size in asked.items()
            if float(size) ** 2 > room[key]
        ]

    return trial


def test_fitting_finds_the_largest_half_point_size_trying_only_the_cards_that_overflow() -> None:
    room = {"card1": 12.2**2, "card2": 7.9**2}  # 12 pt fits the first; nothing from 8 pt up fits the second
    calls: list[list[str]] = []
    over = [Misfit("text", "is too tall", "", key, key[-1], 15.0, 8.0, 15.0**2, room[key]) for key in room]
    fitted = fit(over, fake_trial(room, calls))  # type: ignore[arg-type]
    assert fitted.sizes == {"card1": 12.0}
    assert [misfit.text for misfit in fitted.unfit] == ["card2"]
    assert fitted.unfit[0].smallest_pt == 8.0
    assert all(set(cards) <= {"1", "2"} for cards in calls)
    assert len(calls) <= 5  # a bisection of 14 sizes, started from a guess


def test_fitting_css_names_only_template_keys() -> None:
    assert font_sizes_css({"flashcards[0].answer": 9.5}) == (
        '[data-fit="flashcards[0].answer"] { font-size: 9.5pt !important; }\n'
    )


def test_fitting_lays_the_deck_out_once_and_then_only_the_long_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = [f"  - {{question: Card {n}, answer: Answer {n}.}}" for n in range(20)]
    cards[9] = f"  - question: Long\n    answer: {LONG_ANSWER}"
    lesson = tmp_path / "deck.yaml"
    lesson.write_text("title: Deck\nflashcards:\n" + "\n".join(cards) + "\n", encoding="utf-8")
    loaded = load_lesson(lesson)
    deck = deck_for(20, settings=DEFAULT_PRINT, lesson_layout=None, lesson_size=None, paper=PAPERS["a4"])
    html = render_document(environment(None), loaded, DOCUMENTS["flashcards"], paper=PAPERS["a4"], cards=deck)
    layouts: list[int] = []
    render = pdf.HTML.render

    def counted(self: object, *args: object, **kwargs: object) -> object:
        document = render(self, *args, **kwargs)
        layouts.append(len(document.pages))
        return document

    monkeypatch.setattr(pdf.HTML, "render", counted)
    rendered = pdf.Renderer().render(html, folder=tmp_path, allowed=[])
    assert layouts[0] == 20 and all(pages <= 2 for pages in layouts[1:]), layouts
    assert 2 <= len(layouts) <= 6
    reader = PdfReader(io.BytesIO(rendered.data))
    assert rendered.pages == len(reader.pages) == 20
    texts = [squeeze(page.extract_text()) for page in reader.pages]
    assert [n for n, text in enumerate(texts) if squeeze(LONG_ANSWER) in text] == [9]
    assert all(f"Answer{n}." in texts[n] for n in range(20) if n != 9)
    assert size_of(reader.pages[9], "The learner") < 12.5


def test_a_card_that_cannot_fit_is_named_by_its_question_as_printed(tmp_path: Path) -> None:
    """A question with a value in it is named as the card prints it, not as the lesson writes it."""
    items = "".join(f"      - item number {i} of a long list\n" for i in range(70))
    lesson = tmp_path / "long.yaml"
    lesson.write_text(
        "title: Long\nvalues: {n: 7}\nflashcards:\n  - question: Card {=n} asks a long one\n    answer: |\n"
        + items,
        encoding="utf-8",
    )
    result = build(lesson)
    assert result.exit_code == 1
    assert "flashcards[0].answer: card 1 ('Card 7 asks a long one'): its answer does not fit" in result.stderr

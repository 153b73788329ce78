"""Fonts: studygen prints with its own fonts on any machine, embeds them, and refuses glyphs none has."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from studygen import fonts
from studygen.build import build
from studygen.lesson import load_lesson

ROOT = Path(__file__).parents[1]

LESSON = """\
title: "Fonts: θ* = argmin Σ L(π(s), a*)"
flashcards:
  - question: "**Bold**, *italic*, ***both*** and `code` with ≤ ≥ ∞ √ ∫ → ½"
    answer: "Greek αβγδ ΔΩ, Cyrillic ж, and *`italic code`* and **`bold code`**"
"""


def no_system_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point fontconfig, in this process and the render workers, at a folder without a single font."""
    (tmp_path / "no-fonts").mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{tmp_path / 'no-fonts'}</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    fonts._system_has.cache_clear()


def flashcards_pdf(lesson: Path, out: Path) -> bytes:
    """Build the lesson's flashcards and return the PDF's bytes."""
    [result] = build([lesson], out=out, only=["flashcards"])
    assert result.error is None, result.error
    return (out / lesson.stem / "flashcards.pdf").read_bytes()


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    """The lesson with bold, italic, code, Greek and math signs."""
    file = tmp_path / "fonts.yaml"
    file.write_text(LESSON, encoding="utf-8")
    return file


@pytest.mark.fresh_workers  # a worker lent from an earlier build would still see the system's fonts
def test_pages_are_the_same_without_any_system_font(
    lesson: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usual = flashcards_pdf(lesson, tmp_path / "usual")
    no_system_fonts(tmp_path, monkeypatch)
    bare = flashcards_pdf(lesson, tmp_path / "bare")
    # Italic code is the upright mono file under the italic face's name (templates/fonts/fonts.css).
    assert (
        font_names(bare)
        == font_names(usual)
        == {
            "DejaVu-Sans",
            "DejaVu-Sans-Bold",
            "DejaVu-Sans-Bold-Italic",
            "DejaVu-Sans-Mono-Bold",
            "DejaVu-Sans-Mono-Italic",
        }
    )
    assert bare == usual  # same fonts, same glyphs, same places: the same bytes


def font_names(pdf: bytes) -> set[str]:
    """The names of the fonts a PDF's pages use, without their subset tags."""
    import io

    reader = PdfReader(io.BytesIO(pdf))
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_a_character_no_font_has_fails_at_its_line(tmp_path: Path) -> None:
    lesson = tmp_path / "emoji.yaml"
    lesson.write_text(
        LESSON + "  - question: Which animal?\n    answer: A crab 🦀, twice 🦀\n", encoding="utf-8"
    )
    [result] = build([lesson], out=tmp_path / "out", only=["flashcards"])
    assert result.error is not None
    assert result.error.format_message() == (
        f"{lesson}:6:20: flashcards[1].answer: '🦀' (U+1F980) is in no font studygen or this machine has, "
        "so it would print as an empty box: install a font that has it on this machine, choose a theme "
        "font that has it (docs/fonts.md), or write it another way"
    )
    assert not (tmp_path / "out" / "emoji").exists()


def test_a_themes_font_files_count_and_the_system_is_asked_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_system_fonts(tmp_path, monkeypatch)
    lesson = tmp_path / "coins.yaml"
    lesson.write_text("title: Coins\nflashcards:\n  - question: What is ₿?\n    answer: A coin.\n")
    loaded = load_lesson(lesson)
    # The bitcoin sign is in TeX Gyre Adventor, which the example theme ships, but not in DejaVu Sans.
    [problem] = fonts.missing_glyphs(loaded.lesson)
    assert problem.path == ("flashcards", 0, "question") and "U+20BF" in problem.message
    assert fonts.missing_glyphs(loaded.lesson, [ROOT / "content" / "themes" / "hillside"]) == []


def test_the_coverage_file_matches_the_fonts() -> None:
    written = (fonts.stock_fonts() / fonts.COVERAGE).read_text(encoding="ascii")
    assert written == fonts.coverage_text(), "run `python -m studygen.fonts` to write it again"
    assert {ord(char) for char in "θΣπ≤√½²ж"} <= fonts._stock_coverage()


def test_characters_that_are_not_drawn_need_no_glyph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_system_fonts(tmp_path, monkeypatch)
    lesson = tmp_path / "marks.yaml"
    # Our fonts lack the direction isolates U+2066 and U+2069, which are never drawn.
    marks = "soft\u00adhyphen, \u2066isolated\u2069, zero\u200bwidth, \u200fmark, \u2764\ufe0f"
    lesson.write_text(f'title: Marks\nflashcards:\n  - question: "{marks}"\n    answer: A.\n')
    assert fonts.missing_glyphs(load_lesson(lesson).lesson) == []

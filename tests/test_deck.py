"""Big decks render in parts, on every worker at once, and join into one PDF that reads like one render."""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from pathlib import Path

import pypdf
import pytest
from tree_memory import run_measured

from studygen import cards as card_layouts
from studygen.build import Job, LessonResult, Part, RenderedFile, RenderedPart, build, render_part
from studygen.deck import Jobs
from studygen.errors import BuildError, StudygenError

LAYOUTS = {"fold": None, "duplex": "a6", "sheet": "a6", "fronts": "a6", "backs": "a6", "list": None}
"""Every layout, with a card size for those that take one (a6: two cards to an A4 sheet)."""

CARDS = 9
SMALL_PARTS = {"PART_PAGES": 4, "FLOWING_PART_CARDS": 7}
"""Parts small enough that a 9-card deck has several in every layout: fold 3 (of 4 cards), duplex 5
(of 2), sheet 3 (of 2 sheets: a page of fronts and one of backs each), fronts and backs 2, list 2."""

LONG_QUESTION = " ".join(["The learner copies the expert's actions in the states the expert visited."] * 14)
"""Too long for a fold card's front at its usual size: it must shrink to fit, in its part as whole."""


def write_deck(path: Path, cards: int, *, layout: str | None = None, size: str | None = None) -> Path:
    """Write a lesson of numbered cards in bold, plain and code (three fonts) with letters only its last
    card uses; in the fold layout, with a long question on card 7 that must shrink."""
    lines = ["title: Deck", "language: de", "author: A. Teacher"]
    lines += [f"card_layout: {layout}"] * (layout is not None) + [f"card_size: {size}"] * (size is not None)
    lines.append("flashcards:")
    for n in range(1, cards + 1):
        question = LONG_QUESTION if n == 7 and layout in (None, "fold") else f"Question {n} **bold**?"
        answer = "Ωμέγα ŝĉĝ, the last." if n == cards else f"Answer {n}, with `code` in it."
        lines += [f"  - question: {question}", f"    answer: {answer}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def built(results: list[LessonResult]) -> list[LessonResult]:
    """Fail the test on a lesson that did not build."""
    for result in results:
        assert result.error is None, result.error
    return results


def output(folder: Path, layout: str) -> Path:
    """The deck file a layout writes."""
    return folder / layout / f"{card_layouts.LAYOUTS[layout].file_stem}.pdf"


def fonts(pdf: pypdf.PdfReader) -> dict[str, set[int]]:
    """Each font the pages use, by name without its subset tag, with the numbers of the objects holding it."""
    found: dict[str, set[int]] = {}
    for page in pdf.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            found.setdefault(str(ref.get_object()["/BaseFont"]).split("+")[1], set()).add(ref.idnum)
    return found


def card_lines(pdf: pypdf.PdfReader) -> list[str]:
    """Every line of the cards' own text, in order, whatever page it is on."""
    text = "\n".join(page.extract_text() for page in pdf.pages)
    return [line for line in text.splitlines() if re.search(r"Question|Answer|learner|Ωμέγα", line)]


def test_decks_in_parts_read_like_one_render_in_every_layout(tmp_path: Path) -> None:
    """One test, so its builds run once: every layout whole, then in parts on two workers, then again.

    Built in parts, a deck has the pages, text, page sizes, metadata and fonts (one object each) of the
    deck rendered whole, about its size, the same bytes every build, and is one document to the manifest.
    """
    lessons = [
        write_deck(tmp_path / f"{name}.yaml", CARDS, layout=name, size=size) for name, size in LAYOUTS.items()
    ]
    built(list(build(lessons, out=tmp_path / "whole", only=["flashcards"])))
    with pytest.MonkeyPatch.context() as patch:
        for constant, value in SMALL_PARTS.items():
            patch.setattr(card_layouts, constant, value)
        built(list(build(lessons, out=tmp_path / "parts", only=["flashcards"], jobs=2)))
        again = list(build(lessons, out=tmp_path / "parts", only=["flashcards"]))
        shutil.copytree(tmp_path / "parts" / "fold", tmp_path / "edited" / "fold")  # its manifest too
        text = lessons[0].read_text(encoding="utf-8").replace("Answer 5,", "Answer five,")
        lessons[0].write_text(text, encoding="utf-8")
        edited, _ = built(list(build([lessons[0], lessons[3]], out=tmp_path / "edited", only=["flashcards"])))
    for layout in LAYOUTS:
        reads_like_one_render(output(tmp_path / "whole", layout), output(tmp_path / "parts", layout), layout)
    list_pages_name_their_cards(tmp_path / "whole", tmp_path / "parts")
    glyphs_of_later_parts_join_the_font(output(tmp_path / "parts", "fold"))
    # The joiner cannot merge structure trees: a deck in parts is plain, claiming no PDF/UA it lacks.
    whole_root = pypdf.PdfReader(output(tmp_path / "whole", "fold")).trailer["/Root"]
    parts_root = pypdf.PdfReader(output(tmp_path / "parts", "fold")).trailer["/Root"]
    assert "/StructTreeRoot" in whole_root and "/StructTreeRoot" not in parts_root
    assert "/Metadata" not in parts_root  # no XMP, so no pdfuaid claim
    # One document to the manifest: nothing rebuilt when nothing changed; all of it when a card did.
    assert all(result.written == [] and len(result.unchanged) == 1 for result in again)
    assert [(written.path.name, written.pages) for written in edited.written] == [("flashcards.pdf", CARDS)]
    assert "Answer five" in pypdf.PdfReader(output(tmp_path / "edited", "fold")).pages[4].extract_text()
    # The same bytes, built again from scratch on one worker rather than two.
    assert (
        output(tmp_path / "edited", "fronts").read_bytes()
        == output(tmp_path / "parts", "fronts").read_bytes()
    )


def reads_like_one_render(whole_file: Path, parts_file: Path, layout: str) -> None:
    """Check a deck built in parts against the same deck rendered whole."""
    whole, parts = pypdf.PdfReader(whole_file), pypdf.PdfReader(parts_file)
    if layout != "list":  # set pages: the same pages, page for page
        assert len(parts.pages) == len(whole.pages), layout
        assert [p.extract_text() for p in parts.pages] == [p.extract_text() for p in whole.pages], layout
        assert [p.mediabox for p in parts.pages] == [p.mediabox for p in whole.pages], layout
    assert card_lines(parts) == card_lines(whole), layout
    last_card = "Question 9 bold?" if layout == "fronts" else "Ωμέγα ŝĉĝ, the last."
    assert last_card in parts.pages[-1].extract_text(), layout
    assert parts.metadata == whole.metadata and parts.metadata.title == "Deck — Karteikarten", layout
    assert parts.trailer["/Root"]["/Lang"] == whole.trailer["/Root"]["/Lang"] == "de", layout
    # One font object per font, as in the single render, not one per part; the file about as big.
    assert fonts(parts).keys() == fonts(whole).keys() >= {"DejaVu-Sans", "DejaVu-Sans-Bold"}, layout
    assert all(len(numbers) == 1 for numbers in fonts(parts).values()), layout
    assert parts_file.stat().st_size < 1.1 * whole_file.stat().st_size, layout


def list_pages_name_their_cards(whole_folder: Path, parts_folder: Path) -> None:
    """Check the list in parts: each page names its cards, and every part's first page has page headers."""
    whole = pypdf.PdfReader(output(whole_folder, "list"))
    parts = pypdf.PdfReader(output(parts_folder, "list"))
    assert whole.pages[0].extract_text().endswith("Seite 1 von 1")  # a deck in one part: as before
    assert [page.extract_text().splitlines()[-1] for page in parts.pages] == [
        "Karten 1\u20137 von 9",
        "Karten 8\u20139 von 9",
    ]
    assert parts.pages[0].extract_text().startswith("KARTEIKARTEN\nDeck\nA. Teacher\n1  Question 1")
    assert "KARTEIKARTEN" not in parts.pages[1].extract_text()  # the lesson's header opens the deck only
    assert "\nDeck Karteikarten\n" in parts.pages[1].extract_text()  # the page headers


def glyphs_of_later_parts_join_the_font(pdf: Path) -> None:
    """Check that letters only the last part uses are drawn by the one shared font."""
    from fontTools.ttLib import TTFont

    last = pypdf.PdfReader(pdf).pages[-1]
    assert "Ωμέγα ŝĉĝ, the last." in last.extract_text()
    (plain,) = [
        ref for ref in last["/Resources"]["/Font"].values() if ref["/BaseFont"].endswith("+DejaVu-Sans")
    ]
    descendant = plain["/DescendantFonts"][0]
    font = TTFont(io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_data()))
    order, glyphs = font.getGlyphOrder(), font["glyf"]
    runs = zip(descendant["/W"][::2], descendant["/W"][1::2], strict=True)
    used = [int(first) + n for first, widths in runs for n in range(len(widths))]
    drawn = [gid for gid in used if glyphs[order[gid]].numberOfContours != 0]
    assert len(drawn) >= len(used) - 2  # all but the space (and the like) have an outline


def test_text_that_cannot_fit_in_a_later_part_fails_at_its_card_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lesson = write_deck(tmp_path / "deck.yaml", 10)
    lines = lesson.read_text(encoding="utf-8").splitlines()
    lines[-3] = "    answer: |-\n" + "".join(f"      - item {n}\n" for n in range(36)).rstrip("\n")
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(card_layouts, "PART_PAGES", 4)
    (result,) = build([lesson], out=tmp_path / "out", only=["flashcards"])
    message = str(result.error)
    assert message.startswith(
        f"{lesson}:22:13: flashcards[8].answer: card 9 ('Question 9 **bold**?'): its answer does not fit"
    ), message
    assert not (tmp_path / "out").exists()


def test_a_character_no_font_has_fails_a_deck_in_parts_once_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lesson = write_deck(tmp_path / "deck.yaml", CARDS)
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Ωμέγα ŝĉĝ, the last.", "A crab 🦀."))
    monkeypatch.setattr(card_layouts, "PART_PAGES", 4)
    (result,) = build([lesson], out=tmp_path / "out", only=["flashcards"])
    assert result.error is not None
    assert result.error.format_message().startswith(
        f"{lesson}:22:20: flashcards[8].answer: '🦀' (U+1F980) is in no font studygen or this machine has"
    )
    assert not (tmp_path / "out").exists()


def test_a_deck_in_parts_asked_for_as_an_archive_says_it_is_written_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lesson = write_deck(tmp_path / "deck.yaml", CARDS)
    monkeypatch.setattr(card_layouts, "PART_PAGES", 4)
    (result,) = built(list(build([lesson], out=tmp_path / "out", only=["flashcards"], pdf="archive")))
    assert result.warnings == [
        f"{lesson}: flashcards.pdf is over 4 pages, so it is joined from parts and written as a plain, "
        "untagged PDF, not as --pdf archive: put the cards in smaller lessons to write each deck to that "
        "standard"
    ]
    assert (
        "/OutputIntents" not in pypdf.PdfReader(tmp_path / "out" / "deck" / "flashcards.pdf").trailer["/Root"]
    )


def test_a_deck_part_of_a_lesson_that_changed_since_it_was_planned_fails(tmp_path: Path) -> None:
    lesson = write_deck(tmp_path / "deck.yaml", 3)
    part = Part(
        Job(lesson, ("flashcards",), "a4", "pdf", None, 10**6),
        "flashcards",
        deck_part=(1, 2),
        source="0" * 64,
    )
    with pytest.raises(
        BuildError,
        match=r"deck\.yaml: the lesson changed while its flashcards were being built: build again$",
    ):
        render_part(part)


def test_a_failing_part_fails_its_deck_once_and_drops_the_parts_still_queued() -> None:
    job = Job(Path("deck.yaml"), ("flashcards",), "a4", "pdf", None, 10**6)
    others = [((0, "self-check", 0), Part(job, "self-check"), "deck.yaml")]
    jobs = Jobs([((0, "flashcards", 0), Part(job, "flashcards"), "deck.yaml"), *others])
    assert next(jobs)[0] == (0, "flashcards", 0)
    plan = RenderedPart("flashcards", "print", None, parts=((1, 4), (5, 4), (9, 2)), source="abc", deck="d1")
    assert jobs.collect((0, "flashcards", 0), plan) is None
    dealt = [next(jobs), next(jobs)]
    assert [(key, part.deck_part, part.source, part.deck) for key, part, _ in dealt] == [
        ((0, "flashcards", 1), (1, 4), "abc", "d1"),
        ((0, "flashcards", 5), (5, 4), "abc", "d1"),
    ]
    error = StudygenError("deck.yaml: rendering took longer than 180 seconds")
    assert jobs.collect((0, "flashcards", 5), error) == ((0, "flashcards"), error)
    pdf = RenderedFile("flashcards.pdf", b"%PDF", 4)
    assert jobs.collect((0, "flashcards", 1), RenderedPart("flashcards", "print", pdf)) is None  # too late
    assert next(jobs)[0] == (0, "self-check", 0)  # the deck's third part was never handed out
    with pytest.raises(StopIteration):
        next(jobs)


LEAN_LIST = """{#- Lays the cards out as the stock list does, a line each, at a fraction of its cost. #}
{%- for face in cards.pages[0].faces %}{% set card = lesson.flashcards[face.card] %}
<p>{{ face.number }} / {{ cards.total }} {{ card.question | inline }} {{ card.answer | inline }}</p>
{%- endfor %}
"""
"""A project's list layout that places the cards it is given: the memory test measures parts and the join,
not the cost of laying out a card."""

MB = 1.048576
"""MB in a MiB: the target is in MB, the kernel counts KiB."""


def test_memory_stays_flat_as_the_deck_grows(tmp_path: Path) -> None:
    """Each process's peak stays under 250 MB, and about the same at 450 and at 3,000 cards.

    3,000 cards go past the old cap of 2,000, through eight parts of the list layout and their join; a
    lean template keeps their layout cheap so the test takes seconds. tests/benchmarks/bench_deck.py
    measures the stock look at 1,000 and 10,000 cards, where the parts' pages are what memory holds.
    """
    (tmp_path / "templates" / "cards").mkdir(parents=True)
    (tmp_path / "templates" / "cards" / "list.html").write_text(LEAN_LIST, encoding="utf-8")
    small, big = (measured_build(tmp_path, cards) for cards in (450, 3000))
    assert max(big) * MB <= 250, big
    assert max(big) - max(small) < 30, (small, big)  # seven times the cards, about the same memory
    pdf = pypdf.PdfReader(tmp_path / "out" / "deck3000" / "flashcards.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    numbers = [int(number) for number in re.findall(r"^(\d+) / 3000 ", text, re.MULTILINE)]
    assert numbers == list(range(1, 3001))  # every card once, in order, across parts
    assert "3000 / 3000 Question 3000 bold? Ωμέγα ŝĉĝ, the last." in text
    assert fonts(pdf).keys() == {"DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVu-Sans-Mono"}
    assert all(len(numbers) == 1 for numbers in fonts(pdf).values())


def measured_build(folder: Path, cards: int) -> list[float]:
    """Build a deck with the CLI on two workers; check both rendered and none is left; return each
    process's peak in MiB, the parent's first."""
    lesson = write_deck(folder / f"deck{cards}.yaml", cards)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    build = ["build", lesson.name, "--out", "out", "--only", "flashcards", "--cards", "list", "--jobs", "2"]
    command = [sys.executable, "-m", "studygen", *build]
    measured = run_measured(command, cwd=folder, env=env)
    assert (measured.returncode, measured.stderr) == (0, "")
    assert "flashcards.pdf (" in measured.stdout
    assert len(measured.children_mib) == 2  # both workers rendered parts
    assert all(not Path(f"/proc/{pid}").exists() for pid in measured.children_mib)  # and both stopped
    return [measured.parent_mib, *measured.children_mib.values()]

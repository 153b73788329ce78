"""`studygen export`: Anki packages read back with zipfile and sqlite3, text imports line by line, errors."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from studygen.cli import cli
from studygen.exports.anki import NOTE_TYPE_ID, ZIP_TIME
from studygen.identity import note_guid

ROOT = Path(__file__).parents[1]
SEED = ROOT / "content" / "imitation-learning.yaml"

LESSON = """\
title: "Cells: the basics"
flashcards:
  - question: What is the *powerhouse* of the cell?
    answer: The mitochondrion.
  - question: What holds the DNA?
    answer: |-
      The nucleus.

      - in plants
      - in animals
  - id: membrane
    question: What surrounds a cell?
    answer: The cell membrane.
"""
"""Three cards: markdown on both sides, a list in an answer, and one card with an `id:`."""


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test from an empty folder, without a SOURCE_DATE_EPOCH from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def run(*args: str | Path) -> Result:
    """Invoke the CLI as `studygen ARGS`."""
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="studygen")


def write(path: Path, text: str, mtime: int | None = 1_700_000_000) -> Path:
    """Write a lesson (folders made as needed), with a fixed modification time unless None."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path.absolute().relative_to(Path.cwd())  # as a teacher types it, so messages name it so


@dataclass(frozen=True)
class Note:
    """One note of an .apkg as Anki's database holds it."""

    guid: str
    front: str
    back: str
    deck: str
    due: int
    mod: int
    note_type: int


@dataclass(frozen=True)
class Package:
    """What an .apkg holds: its notes in card order, its media by name, its zip members."""

    notes: list[Note]
    media: dict[str, bytes]
    members: list[zipfile.ZipInfo]


def read_apkg(path: Path, tmp_path: Path) -> Package:
    """Open an .apkg as Anki does: a zip with an SQLite collection, a media index and numbered files."""
    with zipfile.ZipFile(path) as package:
        members = package.infolist()
        database = tmp_path / "collection.anki2"
        database.write_bytes(package.read("collection.anki2"))
        index = json.loads(package.read("media"))
        media = {name: package.read(number) for number, name in index.items()}
    connection = sqlite3.connect(database)
    try:
        decks = json.loads(connection.execute("SELECT decks FROM col").fetchone()[0])
        rows = connection.execute(
            "SELECT notes.guid, notes.flds, cards.did, cards.due, notes.mod, notes.mid "
            "FROM notes JOIN cards ON cards.nid = notes.id ORDER BY cards.did, cards.due"
        ).fetchall()
    finally:
        connection.close()
    notes = [
        Note(guid, *fields.split("\x1f"), decks[str(deck)]["name"], due, mod, mid)
        for guid, fields, deck, due, mod, mid in rows
    ]
    return Package(notes, media, members)


def export_anki(lesson: Path, tmp_path: Path, name: str = "deck.apkg") -> Package:
    """Export a lesson or folder to an .apkg and read it back."""
    result = run("export", lesson, "--to", "anki", "-o", tmp_path / name)
    assert result.exit_code == 0, result.output
    return read_apkg(tmp_path / name, tmp_path)


# --- Anki packages ------------------------------------------------------------------------------


def test_apkg_holds_the_cards_in_order_as_html_in_one_deck(tmp_path: Path) -> None:
    lesson = write(tmp_path / "cells.yaml", LESSON)
    result = run("export", lesson, "--to", "anki", "-o", "deck.apkg")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "cells.yaml: 3 cards in deck 'Cells: the basics'",
        "Wrote deck.apkg",
    ]
    notes = read_apkg(tmp_path / "deck.apkg", tmp_path).notes
    assert [(n.front, n.back) for n in notes] == [
        ("What is the <em>powerhouse</em> of the cell?", "<p>The mitochondrion.</p>"),
        ("What holds the DNA?", "<p>The nucleus.</p>\n<ul>\n<li>in plants</li>\n<li>in animals</li>\n</ul>"),
        ("What surrounds a cell?", "<p>The cell membrane.</p>"),
    ]
    assert {n.deck for n in notes} == {"Cells: the basics"}
    assert [n.due for n in notes] == [1, 2, 3]  # new cards come up in the lesson's order
    assert {n.note_type for n in notes} == {NOTE_TYPE_ID}
    assert [n.guid for n in notes] == [
        note_guid("cells", "question:What is the *powerhouse* of the cell?"),
        note_guid("cells", "question:What holds the DNA?"),
        note_guid("cells", "id:membrane"),
    ]


def test_a_folder_gives_one_apkg_with_a_deck_per_lesson(tmp_path: Path) -> None:
    write(tmp_path / "course" / "cells.yaml", LESSON)
    (tmp_path / "course" / "unit-2").mkdir()
    shutil.copyfile(SEED, tmp_path / "course" / "unit-2" / SEED.name)
    write(tmp_path / "course" / "no-cards.yaml", "title: Only a title\n")
    result = run("export", "course", "--to", "anki")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "course/cells.yaml: 3 cards in deck 'Cells: the basics'",
        "course/no-cards.yaml: no flashcards, nothing to export",
        "course/unit-2/imitation-learning.yaml: 9 cards in deck "
        "'Practice: Imitation learning and behavioral cloning'",
        f"Wrote {Path('output') / 'course.apkg'}",
    ]
    notes = read_apkg(tmp_path / "output" / "course.apkg", tmp_path).notes
    decks = [n.deck for n in notes]
    assert decks.count("Cells: the basics") == 3
    assert decks.count("Practice: Imitation learning and behavioral cloning") == 9
    assert len({n.guid for n in notes}) == 12


def test_fixing_an_answer_keeps_the_guid_and_makes_the_note_newer(tmp_path: Path) -> None:
    lesson = write(tmp_path / "cells.yaml", LESSON, mtime=1_700_000_000)
    before = export_anki(lesson, tmp_path, "before.apkg").notes
    write(lesson, LESSON.replace("The mitochondrion.", "The mitochondria."), mtime=1_700_000_600)
    after = export_anki(lesson, tmp_path, "after.apkg").notes

    assert [n.guid for n in after] == [n.guid for n in before]
    assert after[0].back == "<p>The mitochondria.</p>"
    # Anki replaces an imported note only with a newer one: the edited lesson's notes are newer.
    assert {n.mod for n in before} == {1_700_000_000}
    assert {n.mod for n in after} == {1_700_000_600}


def test_rewording_a_question_makes_a_new_card_unless_it_has_an_id(tmp_path: Path) -> None:
    lesson = write(tmp_path / "cells.yaml", LESSON)
    before = export_anki(lesson, tmp_path, "before.apkg").notes
    reworded = LESSON.replace("What holds the DNA?", "Which part holds the DNA?").replace(
        "What surrounds a cell?", "What is around a cell?"
    )
    after = export_anki(write(lesson, reworded), tmp_path, "after.apkg").notes

    assert after[0].guid == before[0].guid
    assert after[1].guid != before[1].guid  # known by its question: a new card, as docs/exports.md says
    assert after[2].guid == before[2].guid  # known by its id: the same card, reworded


def test_reordering_adding_and_removing_cards_keeps_the_others_guids(tmp_path: Path) -> None:
    lesson = write(tmp_path / "cells.yaml", LESSON)
    before = {n.front: n.guid for n in export_anki(lesson, tmp_path, "before.apkg").notes}
    cards = LESSON.split("\n  - ")
    shuffled = "\n  - ".join(
        [cards[0], cards[3], "question: A new card?\n    answer: Yes.", cards[1]]
    )  # the DNA card removed, a card added, the others swapped
    after = {n.front: n.guid for n in export_anki(write(lesson, shuffled), tmp_path, "after.apkg").notes}
    assert after["What surrounds a cell?"] == before["What surrounds a cell?"]
    assert (
        after["What is the <em>powerhouse</em> of the cell?"]
        == before["What is the <em>powerhouse</em> of the cell?"]
    )
    assert len(set(after.values())) == 3


def test_two_cards_with_the_same_question_get_different_guids(tmp_path: Path) -> None:
    text = LESSON + "  - question: What is the *powerhouse*   of the cell?\n    answer: Again.\n"
    notes = export_anki(write(tmp_path / "cells.yaml", text), tmp_path).notes
    assert len({n.guid for n in notes}) == 4
    assert notes[3].guid == note_guid("cells", "question:What is the *powerhouse* of the cell?#2")


def test_same_lesson_gives_the_same_bytes(tmp_path: Path) -> None:
    lesson = write(tmp_path / "a" / "cells.yaml", LESSON)
    assert run("export", lesson, "--to", "anki", "-o", "one.apkg").exit_code == 0
    assert run("export", lesson, "--to", "anki", "-o", "two.apkg").exit_code == 0
    assert (tmp_path / "one.apkg").read_bytes() == (tmp_path / "two.apkg").read_bytes()
    members = read_apkg(tmp_path / "one.apkg", tmp_path).members
    assert {member.date_time for member in members} == {ZIP_TIME}


def test_source_date_epoch_fixes_the_time_whatever_the_files_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    one = write(tmp_path / "a" / "cells.yaml", LESSON, mtime=1_700_000_000)
    two = write(tmp_path / "b" / "cells.yaml", LESSON, mtime=None)  # a fresh clone: the time is now
    assert run("export", one, "--to", "anki", "-o", "one.apkg").exit_code == 0
    assert run("export", two, "--to", "anki", "-o", "two.apkg").exit_code == 0
    assert (tmp_path / "one.apkg").read_bytes() == (tmp_path / "two.apkg").read_bytes()
    assert {n.mod for n in read_apkg(tmp_path / "one.apkg", tmp_path).notes} == {1_600_000_000}


def test_a_bad_source_date_epoch_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run("export", write(tmp_path / "cells.yaml", LESSON), "--to", "anki")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: SOURCE_DATE_EPOCH is 'yesterday': set it to whole seconds since 1970, "
        "e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or unset it\n"
    )
    assert not (tmp_path / "output").exists()


def png(colour: tuple[int, int, int]) -> bytes:
    """A small PNG of one colour."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(out, "PNG")
    return out.getvalue()


IMAGE_LESSON = """\
title: Shapes
flashcards:
  - question: "Which shape is this? ![a shape](images/shape.png)"
    answer: "A square. ![the same](images/shape.png)"
  - question: What colour is this?
    answer: "![colour](other.png)"
"""


def test_images_the_cards_show_are_packed_as_media_under_names_from_their_bytes(tmp_path: Path) -> None:
    lesson = write(tmp_path / "shapes" / "shapes.yaml", IMAGE_LESSON)
    (tmp_path / "shapes" / "images").mkdir()
    (tmp_path / "shapes" / "images" / "shape.png").write_bytes(png((200, 0, 0)))
    (tmp_path / "shapes" / "other.png").write_bytes(png((0, 0, 200)))
    (tmp_path / "shapes" / "unused.png").write_bytes(png((0, 200, 0)))
    package = export_anki(lesson, tmp_path)

    assert sorted(package.media.values()) == sorted([png((200, 0, 0)), png((0, 0, 200))])
    shape = next(name for name, data in package.media.items() if data == png((200, 0, 0)))
    assert shape.startswith("studygen-") and shape.endswith(".png")
    assert package.notes[0].front == f'Which shape is this? <img src="{shape}" alt="a shape" />'
    assert f'<img src="{shape}" alt="the same" />' in package.notes[0].back


def test_a_changed_image_makes_the_lessons_notes_newer(tmp_path: Path) -> None:
    lesson = write(tmp_path / "shapes" / "shapes.yaml", IMAGE_LESSON, mtime=1_700_000_000)
    (tmp_path / "shapes" / "images").mkdir()
    (tmp_path / "shapes" / "other.png").write_bytes(png((0, 0, 200)))
    shape = tmp_path / "shapes" / "images" / "shape.png"
    shape.write_bytes(png((200, 0, 0)))
    for path in (shape, tmp_path / "shapes" / "other.png"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    assert {n.mod for n in export_anki(lesson, tmp_path, "before.apkg").notes} == {1_700_000_000}
    shape.write_bytes(png((250, 0, 0)))
    os.utime(shape, (1_700_000_900, 1_700_000_900))
    # Only the image changed: the notes must still be newer, or Anki would keep showing the old one.
    assert {n.mod for n in export_anki(lesson, tmp_path, "after.apkg").notes} == {1_700_000_900}


def test_an_image_file_swapped_for_a_link_after_loading_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studygen.exports import decks
    from studygen.lesson import load_lesson

    lesson = write(tmp_path / "shapes" / "shapes.yaml", IMAGE_LESSON)
    (tmp_path / "shapes" / "images").mkdir()
    (tmp_path / "shapes" / "images" / "shape.png").write_bytes(png((200, 0, 0)))
    (tmp_path / "shapes" / "other.png").write_bytes(png((0, 0, 200)))
    loaded = load_lesson(lesson)
    (tmp_path / "secret.png").write_bytes(png((1, 2, 3)))
    (tmp_path / "shapes" / "other.png").unlink()
    (tmp_path / "shapes" / "other.png").symlink_to(tmp_path / "secret.png")
    with pytest.raises(decks.BuildError) as refused:
        decks.deck_of(loaded, updated=0)
    assert "image 'other.png' is refused: it is outside the lesson's folder" in refused.value.format_message()


# --- Anki text import and Quizlet -----------------------------------------------------------------


def test_tsv_has_anki_headers_and_one_card_a_line_with_fields_quoted_as_anki_reads_them(
    tmp_path: Path,
) -> None:
    text = LESSON + '  - question: "A `tab`\\there and a \\"quote\\""\n    answer: "```\\na\\tb\\n```"\n'
    lesson = write(tmp_path / "cells.yaml", text)
    result = run("export", lesson, "--to", "tsv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"Wrote {Path('output') / 'cells.anki.txt'}"
    lines = (tmp_path / "output" / "cells.anki.txt").read_text(encoding="utf-8").split("\n")
    assert lines[:5] == [
        "#separator:Tab",
        "#html:true",
        "#notetype:Basic",
        "#guid column:1",
        "#deck:Cells: the basics",
    ]
    guid = note_guid("cells", "question:What is the *powerhouse* of the cell?")
    assert lines[5] == f"{guid}\tWhat is the <em>powerhouse</em> of the cell?\t<p>The mitochondrion.</p>"
    assert lines[6].endswith('\t"<p>The nucleus.</p>')  # a field with line breaks is quoted whole
    assert lines[7:11] == ["<ul>", "<li>in plants</li>", "<li>in animals</li>", '</ul>"']
    membrane = note_guid("cells", "id:membrane")
    assert lines[11] == f"{membrane}\tWhat surrounds a cell?\t<p>The cell membrane.</p>"
    last = "\n".join(lines[12:])
    quoted_guid = note_guid("cells", 'question:A `tab` here and a "quote"')  # `\t` is a tab
    assert last == (
        f"{quoted_guid}\t"
        '"A <code>tab</code>\there and a &quot;quote&quot;"\t'
        '"<pre><code>a\tb\n</code></pre>"\n'
    )


def test_tsv_of_several_lessons_names_each_cards_deck_in_column_2(tmp_path: Path) -> None:
    write(tmp_path / "course" / "cells.yaml", LESSON)
    write(tmp_path / "course" / "more.yaml", 'title: More\nflashcards:\n  - {question: "Q?", answer: "A."}\n')
    assert run("export", "course", "--to", "tsv", "-o", "course.txt").exit_code == 0
    lines = (tmp_path / "course.txt").read_text(encoding="utf-8").splitlines()
    assert lines[4] == "#deck column:2"
    assert lines[-1] == f"{note_guid('more', 'question:Q?')}\tMore\tQ?\t<p>A.</p>"
    assert lines[5].split("\t")[1] == "Cells: the basics"


def test_tsv_writes_the_images_beside_it_and_says_where_to_put_them(tmp_path: Path) -> None:
    lesson = write(tmp_path / "shapes" / "shapes.yaml", IMAGE_LESSON)
    (tmp_path / "shapes" / "images").mkdir()
    (tmp_path / "shapes" / "images" / "shape.png").write_bytes(png((200, 0, 0)))
    (tmp_path / "shapes" / "other.png").write_bytes(png((0, 0, 200)))
    result = run("export", lesson, "--to", "tsv", "-o", "out/shapes.txt")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "Wrote out/shapes.txt and 2 images beside it: copy the studygen-*.* files into Anki's "
        "collection.media folder before importing"
    )
    images = sorted(p.name for p in (tmp_path / "out").glob("studygen-*.png"))
    assert len(images) == 2
    assert all(name in (tmp_path / "out" / "shapes.txt").read_text(encoding="utf-8") for name in images)


def test_quizlet_is_term_tab_definition_one_card_a_line_in_plain_text(tmp_path: Path) -> None:
    text = LESSON + '  - question: "See [the notes](https://example.org/n) <b>now</b>"\n    answer: "a\\tb"\n'
    lesson = write(tmp_path / "cells.yaml", text)
    result = run("export", lesson, "--to", "quizlet")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "cells.quizlet.txt").read_text(encoding="utf-8") == (
        "What is the powerhouse of the cell?\tThe mitochondrion.\n"
        "What holds the DNA?\tThe nucleus. • in plants • in animals\n"
        "What surrounds a cell?\tThe cell membrane.\n"
        "See the notes (https://example.org/n) <b>now</b>\ta b\n"
    )


# --- card ids -------------------------------------------------------------------------------------


def test_a_card_id_used_twice_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = LESSON + "  - id: membrane\n    question: Again?\n    answer: Yes.\n"
    lesson = write(tmp_path / "cells.yaml", text)
    for command in (["check", lesson], ["export", lesson, "--to", "anki"]):
        result = run(*command)
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: cells.yaml:14:9: flashcards[3].id: the id 'membrane' is already the id of "
            "flashcards[2]: give each card its own id\n"
        )
    assert not (tmp_path / "output").exists()


def test_a_card_id_must_be_a_slug(tmp_path: Path) -> None:
    lesson = write(tmp_path / "cells.yaml", LESSON.replace("id: membrane", "id: Cell Membrane"))
    result = run("export", lesson, "--to", "anki")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cells.yaml:11:9: flashcards[2].id: 'Cell Membrane' is not an id")


# --- errors ---------------------------------------------------------------------------------------


def test_a_lesson_without_flashcards_is_one_error_line(tmp_path: Path) -> None:
    lesson = write(tmp_path / "plain.yaml", "title: No cards here\n")
    result = run("export", lesson, "--to", "anki")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: plain.yaml: the lesson has no flashcards to export: add a `flashcards:` list, "
        "each card with a `question:` and an `answer:`\n"
    )
    assert not (tmp_path / "output").exists()


def test_a_missing_path_is_one_error_line(tmp_path: Path) -> None:
    result = run("export", "nowhere.yaml", "--to", "tsv")
    assert (result.exit_code, result.stderr) == (1, "Error: nowhere.yaml: no such file or folder\n")


def test_an_unwritable_out_is_one_error_line_and_writes_nothing(tmp_path: Path) -> None:
    lesson = write(tmp_path / "cells.yaml", LESSON)
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = run("export", lesson, "--to", "anki", "-o", "a-file/deck.apkg")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: cannot write a-file/deck.apkg: ")
    assert "Traceback" not in result.output


def test_a_broken_lesson_in_a_folder_stops_the_export_before_anything_is_written(tmp_path: Path) -> None:
    write(tmp_path / "course" / "cells.yaml", LESSON)
    write(tmp_path / "course" / "typo.yaml", "title: Typo\nflashcards:\n  - question: Q?\n    anser: A.\n")
    result = run("export", "course", "--to", "anki")
    assert result.exit_code == 1
    assert "course/typo.yaml:4:5: flashcards[0].anser: unknown key 'anser' (did you mean 'answer'?)" in (
        result.stderr
    )
    assert not (tmp_path / "output").exists()


def test_export_keeps_the_previous_file_when_it_fails(tmp_path: Path) -> None:
    lesson = write(tmp_path / "cells.yaml", LESSON)
    assert run("export", lesson, "--to", "anki", "-o", "deck.apkg").exit_code == 0
    before = (tmp_path / "deck.apkg").read_bytes()
    write(lesson, LESSON.replace("answer: The cell membrane.", "anser: The cell membrane."))
    assert run("export", lesson, "--to", "anki", "-o", "deck.apkg").exit_code == 1
    assert (tmp_path / "deck.apkg").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cells.yaml", "deck.apkg"]


# --- docs/exports.md ------------------------------------------------------------------------------

EXPORTS_DOC = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")


def test_exports_doc_examples_are_valid_usage_and_name_every_format() -> None:
    import shlex

    from studygen.exports import EXPORTS

    first_block = EXPORTS_DOC.split("```")[1]
    examples = [shlex.split(line.split("#")[0]) for line in first_block.splitlines() if line.strip()]
    assert len(examples) == 4
    for _, name, *rest in examples:
        with cli.make_context("studygen", [name]) as parent:
            cli.commands[name].make_context(name, rest, parent=parent)  # raises on any usage error
    for name, export in EXPORTS.items():
        assert f"| `{name}` | `output/<name>{export.suffix}` |" in EXPORTS_DOC


def test_exports_doc_shows_the_tsv_header_as_written(tmp_path: Path) -> None:
    assert run("export", SEED, "--to", "tsv", "-o", "seed.txt").exit_code == 0
    written = (tmp_path / "seed.txt").read_text(encoding="utf-8").splitlines()
    shown = EXPORTS_DOC.split("```\n#separator:Tab\n", 1)[1].split("```", 1)[0].splitlines()
    assert ["#separator:Tab", *shown[:4]] == written[:5]
    assert shown[4].split("\t")[:2] == written[5].split("\t")[:2]

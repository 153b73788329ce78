"""Anki package (.apkg): one deck per lesson, with the images the cards show, the same bytes every time."""

from __future__ import annotations

import io
import itertools
import json
import sqlite3
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from studygen.identity import stable_id

if TYPE_CHECKING:
    from studygen.exports.decks import Deck

NOTE_TYPE_ID = stable_id("note type", "front and back")
"""Fixed for good: Anki updates imported notes only while their note type stays the same one."""

NOTE_TYPE_NAME = "studygen card"

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every member of the package carries this time (zip's earliest), so the bytes depend on the cards only."""

# Fields and templates are part of the note type's identity in Anki: change them and re-imports stop
# updating. The look (CSS) may change freely.
_FIELDS = [{"name": "Front"}, {"name": "Back"}]
_TEMPLATES = [
    {
        "name": "Card 1",
        "qfmt": "{{Front}}",
        "afmt": '{{FrontSide}}\n\n<hr id="answer">\n\n{{Back}}',
    }
]
_CSS = """\
.card { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 20px; text-align: left;
  color: black; background-color: white; line-height: 1.4; max-width: 40em; margin: 0 auto; }
img { max-width: 100%; }
pre { white-space: pre-wrap; }
"""


def write(decks: Sequence[Deck]) -> bytes:
    """Write decks into one .apkg: a zip of an Anki collection (SQLite) and the images the cards show."""
    collection = _collection(decks)
    media = {medium.name: medium.data for deck in decks for medium in deck.media}
    names = sorted(media)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        _add(package, "collection.anki2", collection)
        _add(package, "media", json.dumps({str(i): name for i, name in enumerate(names)}).encode())
        for index, name in enumerate(names):
            _add(package, str(index), media[name])
    return out.getvalue()


def _add(package: zipfile.ZipFile, name: str, data: bytes) -> None:
    """Add one member with a fixed time and mode, so the zip carries nothing of the clock or the disk."""
    member = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o644 << 16
    package.writestr(member, data)


def _collection(decks: Sequence[Deck]) -> bytes:
    """Build the Anki collection in memory with genanki and return the database file's bytes."""
    import genanki  # here: only `export --to anki` pays for it

    model = genanki.Model(NOTE_TYPE_ID, NOTE_TYPE_NAME, fields=_FIELDS, templates=_TEMPLATES, css=_CSS)
    # Note and card ids only need to be unique in the file: Anki matches notes by GUID.
    ids = itertools.count(max(deck.updated for deck in decks) * 1000)
    connection = sqlite3.connect(":memory:")
    try:
        cursor = connection.cursor()
        package: Any = genanki.Package([])
        package.write_to_db(cursor, 0, ids)  # the empty collection's tables
        for deck in decks:
            _anki_deck(genanki, model, deck).write_to_db(cursor, deck.updated, ids)
        connection.commit()
        return connection.serialize()
    finally:
        connection.close()


def _anki_deck(genanki: Any, model: Any, deck: Deck) -> Any:
    """Make one genanki deck: notes in the lesson's order, each due in that order among new cards."""
    anki_deck = genanki.Deck(deck.deck_id, deck.name)
    for position, card in enumerate(deck.cards, start=1):
        note = genanki.Note(model=model, fields=[card.question, card.answer], guid=card.guid, due=position)
        anki_deck.add_note(note)
    return anki_deck

"""Anki's text import (.txt, tab-separated): header lines, then one card a line with its GUID."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studygen.exports.decks import Deck

# Anki reads these header lines (2.1.54 and later) instead of asking: tab-separated HTML fields of
# the stock "Basic" note type, the note's GUID in column 1 so a re-import updates rather than adds.
_HEADER = ("#separator:Tab", "#html:true", "#notetype:Basic", "#guid column:1")


def write(decks: Sequence[Deck]) -> bytes:
    """Write the decks' cards as Anki text import; several lessons carry their deck in column 2."""
    one = len(decks) == 1
    lines = [*_HEADER, f"#deck:{decks[0].name}" if one else "#deck column:2"]
    for deck in decks:
        for card in deck.cards:
            deck_column = [] if one else [deck.name]
            fields = [card.guid, *deck_column, card.question, card.answer]
            lines.append("\t".join(field(text) for text in fields))
    return ("\n".join(lines) + "\n").encode()


def field(text: str) -> str:
    """Write one field as Anki reads it: quoted, quotes doubled, if it holds a tab, quote or line break."""
    if any(character in text for character in '\t\n\r"'):
        return '"' + text.replace('"', '""') + '"'
    return text

"""A lesson's flashcards as an exported deck: HTML fields, stable GUIDs, images packed by content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from studygen import prose
from studygen.errors import BuildError, shown
from studygen.identity import card_keys, note_guid, stable_id
from studygen.lesson import LoadedLesson
from studygen.resources import image_file


@dataclass(frozen=True)
class Medium:
    """An image file a deck shows, under the name the export stores it as."""

    name: str
    """`studygen-<digest>.png`: named after its bytes, so two lessons' `diagram.png` never collide."""
    data: bytes
    source: Path


@dataclass(frozen=True)
class Card:
    """One flashcard ready to export: its note's GUID and its two sides as HTML."""

    guid: str
    question: str
    """HTML of one paragraph's content (no `<p>`), escaped: raw HTML in a lesson shows as text."""
    answer: str
    """HTML of paragraphs, lists and code, escaped the same way."""
    plain_question: str
    """The question's markdown as the lesson prints it (computed values substituted)."""
    plain_answer: str


@dataclass(frozen=True)
class Deck:
    """One lesson's cards, in the order the lesson lists them."""

    slug: str
    name: str
    """The lesson's title on one line: the deck's name in Anki."""
    deck_id: int
    """Fixed for the lesson's file name, so every export of the lesson names the same deck."""
    cards: tuple[Card, ...]
    media: tuple[Medium, ...]
    updated: int
    """Seconds since 1970 that the notes carry as their modification time (see `export.updated`)."""

    @property
    def count(self) -> int:
        """How many cards the deck holds."""
        return len(self.cards)


def deck_of(loaded: LoadedLesson, *, updated: int | None) -> Deck:
    """Turn a loaded lesson's cards into a deck; `updated` None means the lesson's and images' file times."""
    media: dict[str, Medium] = {}

    def packed(source: str) -> str:
        return pack(source, loaded.folder, media)

    worked = loaded.worked.flashcards
    keys = card_keys(loaded.lesson.flashcards, [card.question for card in worked])
    try:
        cards = tuple(
            Card(
                guid=note_guid(loaded.slug, key),
                question=str(prose.inline(card.question, image_source=packed)).strip(),
                answer=str(prose.block(card.answer, image_source=packed)).strip(),
                plain_question=card.question,
                plain_answer=card.answer,
            )
            for card, key in zip(worked, keys, strict=True)
        )
    except (BuildError, ValueError) as error:
        message = error.format_message() if isinstance(error, BuildError) else str(error)
        raise BuildError(f"{shown(loaded.file)}: flashcards: {message}") from None
    files = [loaded.file, *(medium.source for medium in media.values())]
    return Deck(
        slug=loaded.slug,
        name=" ".join(loaded.worked.title.split()),
        deck_id=stable_id("deck", loaded.slug),
        cards=cards,
        media=tuple(media.values()),
        updated=updated if updated is not None else max(int(file.stat().st_mtime) for file in files),
    )


def pack(source: str, folder: Path, media: dict[str, Medium]) -> str:
    """Check an image as `check` does, keep its bytes under a name made from them, and return that name."""
    file = image_file(source, folder)
    if file is None:  # an inline `data:` image (at most 64 KiB) travels inside the card's HTML
        return source
    data = file.read_bytes()
    suffix = ".jpg" if file.suffix.lower() == ".jpeg" else file.suffix.lower()
    name = f"studygen-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    media.setdefault(name, Medium(name, data, file))
    return name

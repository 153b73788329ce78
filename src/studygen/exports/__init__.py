"""The registry of exports: each format lessons travel in, one module each.

An export is a module of this package with a `write(parts) -> bytes` function, a `gather` that turns
one loaded lesson into the part it contributes (a flashcard deck, a Moodle question bank), and one
line in `EXPORTS`; `studygen export --to` choices, default file names and docs read this registry.
The modules import nothing heavy at the top, so the CLI can list the formats instantly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from studygen.exports import anki, moodle, quizlet, tsv

if TYPE_CHECKING:
    from studygen.exports.decks import Deck, Medium
    from studygen.lesson import LoadedLesson


class Part(Protocol):
    """What one lesson contributes to an export file: a name, how many items, and the images they show."""

    @property
    def name(self) -> str:
        """The lesson's title, as the app shows it (a deck's or a category's name)."""

    @property
    def count(self) -> int:
        """How many cards or questions the lesson gives."""

    @property
    def media(self) -> tuple[Medium, ...]:
        """The image files the items show."""


P = TypeVar("P", bound=Part)


@dataclass(frozen=True)
class Gathering:
    """What `studygen export` asks of every lesson besides the lesson itself."""

    updated: int | None = None
    """The modification time (seconds since 1970) exported items carry; None: the lesson's own."""
    variants: int = 0
    """How many versions to export, each with its own drawn values (`--variants`); 0 for the lesson as
    written. Only formats with `versions` take them."""
    seed: int = 1
    """The seed the versions are drawn with, as `studygen build --seed`."""


@dataclass(frozen=True)
class Export(Generic[P]):
    """One export format: its name for `--to`, its file suffix, and how it gathers and writes lessons."""

    name: str
    suffix: str
    description: str
    gather: Callable[[LoadedLesson, Gathering], P | None]
    """Turn a loaded lesson into its part, as the export asks; None when the lesson has nothing this
    format exports."""
    write: Callable[[Sequence[P]], bytes]
    media_beside: bool
    """Whether the images the items show are written beside the file (it cannot carry them itself)."""
    item: str = "card"
    """What one exported item is called in messages: "card", "question"."""
    group: str = "deck"
    """What a lesson becomes in the app: "deck", "category"."""
    needs: str = "flashcards"
    """What a lesson must have to give anything, for the message when none has it."""
    how: str = "add a `flashcards:` list, each card with a `question:` and an `answer:`"
    """How a teacher gives a lesson what this format exports."""
    versions: bool = False
    """Whether the format exports versions (`--variants`): each a set of questions of its own."""


def _deck(loaded: LoadedLesson, asked: Gathering) -> Deck | None:
    """Gather a lesson's flashcards as a deck, or None if it has none."""
    from studygen.exports.decks import deck_of  # here: the CLI lists formats without the lesson model

    return deck_of(loaded, updated=asked.updated) if loaded.worked.flashcards else None


EXPORTS: dict[str, Export[Any]] = {
    export.name: export
    for export in (
        Export("anki", ".apkg", "Anki package: one deck per lesson, images inside", _deck, anki.write, False),
        Export(
            "tsv", ".anki.txt", "Anki text import: tab-separated, with header lines", _deck, tsv.write, True
        ),
        Export(
            "quizlet",
            ".quizlet.txt",
            "Quizlet paste import: term, tab, definition",
            _deck,
            quizlet.write,
            False,
        ),
        Export(
            "moodle",
            ".moodle.xml",
            "Moodle XML for a question bank: the exercises, one category per lesson, images inside",
            moodle.gather,
            moodle.write,
            False,
            item="question",
            group="category",
            needs="exercises",
            how="add an `exercises:` list (see docs/lesson-format.md)",
            versions=True,
        ),
    )
}
"""Every export format, in the order `--help` lists them."""

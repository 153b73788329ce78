"""The registry of exports: each format a lesson's flashcards travel in, one module each.

An export is one module of this package with a `write(decks) -> bytes` function and one line in
`EXPORTS`; `studygen export --to` choices, default file names and docs read this registry. The
modules import nothing heavy at the top, so the CLI can list the formats instantly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from studygen.exports import anki, quizlet, tsv

if TYPE_CHECKING:
    from studygen.exports.decks import Deck


@dataclass(frozen=True)
class Export:
    """One export format: its name for `--to`, its file suffix and how it writes decks."""

    name: str
    suffix: str
    description: str
    write: Callable[[Sequence[Deck]], bytes]
    media_beside: bool
    """Whether the images the cards show are written beside the file (it cannot carry them itself)."""


EXPORTS: dict[str, Export] = {
    export.name: export
    for export in (
        Export("anki", ".apkg", "Anki package: one deck per lesson, images inside", anki.write, False),
        Export("tsv", ".anki.txt", "Anki text import: tab-separated, with header lines", tsv.write, True),
        Export(
            "quizlet", ".quizlet.txt", "Quizlet paste import: term, tab, definition", quizlet.write, False
        ),
    )
}
"""Every export format, in the order `--help` lists them."""

"""Big flashcard decks in parts: deal each deck's parts out to the render workers, then join them.

A deck of more than one part's cards (`studygen.cards.parts_of`) is rendered by its document's worker
as a plan only: the parts to render. The build queues those parts ahead of every other document, so
both workers render the deck at once, and joins the parts' PDFs, in order, into one file with one copy
of each font (`studygen.joining`) once the last has arrived. The deck is still one document to the
build and its manifest: it is published, or fails, as a whole.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from studygen.errors import StudygenError

if TYPE_CHECKING:
    from studygen.build import Part, RenderedFile, RenderedPart

Key = tuple[int, str, int]
"""What the pool knows a job by: the lesson's place in the build, the document, and the number of the
first card of a deck's part (0 for a whole document)."""

Task = tuple[Key, "Part", str]
"""A job for the pool: its key, the part to render and the lesson's name for its errors."""


@dataclass
class _Deck:
    """A deck being rendered in parts: what has arrived so far."""

    plan: RenderedPart
    files: dict[int, RenderedFile] = field(default_factory=dict)
    """Each part's PDF, by the number of its first card."""
    failed: bool = False


class Jobs:
    """The build's jobs: the parts of decks being rendered first, then each lesson's documents in order.

    The pool reads it with `next()` whenever a worker is free. It can run dry and be refilled: when a
    deck's plan arrives, `collect` queues its parts, before the pool asks for the next job.
    """

    def __init__(self, documents: Iterable[Task]) -> None:
        self._documents = iter(documents)
        self._parts: deque[Task] = deque()
        self._asked: dict[tuple[int, str], Task] = {}
        self._decks: dict[tuple[int, str], _Deck] = {}

    def __iter__(self) -> Iterator[Task]:
        """Be read by the pool."""
        return self

    def __next__(self) -> Task:
        """Hand out a deck's next part if one waits, else the next document."""
        if self._parts:
            return self._parts.popleft()
        task = next(self._documents)
        key, _, _ = task
        self._asked[key[:2]] = task
        return task

    def collect(self, key: Key, outcome: Any) -> tuple[tuple[int, str], Any] | None:
        """Take one job's outcome; return (lesson, document) and its answer once the document is done."""
        from studygen.build import RenderedPart

        document = key[:2]
        deck = self._decks.get(document)
        if deck is not None:
            return self._collect_part(document, deck, key[2], outcome)
        if isinstance(outcome, RenderedPart) and outcome.parts:
            self._deal(document, outcome)
            return None
        self._asked.pop(document, None)
        return document, outcome

    def _deal(self, document: tuple[int, str], plan: RenderedPart) -> None:
        """Queue a deck's parts, in order, ahead of the documents still to render."""
        _, part, name = self._asked.pop(document)
        self._decks[document] = _Deck(plan)
        for first, count in plan.parts:
            piece = dataclasses.replace(part, deck_part=(first, count), source=plan.source, deck=plan.deck)
            self._parts.append(((*document, first), piece, name))

    def _collect_part(
        self, document: tuple[int, str], deck: _Deck, first: int, outcome: Any
    ) -> tuple[tuple[int, str], Any] | None:
        """Keep a part's PDF; join the deck once every part is in; fail it at its first failing part."""
        if deck.failed:
            return None  # a part that was already running when another one failed
        if isinstance(outcome, StudygenError):
            deck.failed = True
            # Its parts still queued are dropped; one still running reports later and is ignored.
            self._parts = deque(task for task in self._parts if task[0][:2] != document)
            return document, outcome
        assert outcome.file is not None
        deck.files[first] = outcome.file
        if len(deck.files) < len(deck.plan.parts):
            return None
        del self._decks[document]
        joined = join_files([deck.files[first] for first, _ in deck.plan.parts])
        return document, dataclasses.replace(deck.plan, file=joined, parts=(), source=None, deck=None)


def join_files(files: list[RenderedFile]) -> RenderedFile:
    """Join a deck's parts, in order, into the one file a single render would have written."""
    from studygen import joining  # pikepdf: only a build with a big deck needs it

    used: dict[str, str] = {}
    for file in files:
        used.update(file.used)
    return dataclasses.replace(
        files[0],
        data=joining.join(file.data for file in files),
        pages=sum(file.pages or 0 for file in files),
        warnings=tuple(warning for file in files for warning in file.warnings),
        used=dict(sorted(used.items())),
    )

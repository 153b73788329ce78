"""A flashcard's identity outside studygen: the note id Anki keeps a card's learning history under.

Anki matches an imported note to the one already in a collection by its GUID. A GUID made from the
card's whole text (genanki's default) changes with every typo fixed, so a re-import would add a second
card and leave the old one behind. Here a GUID comes from the lesson's file name and the card's key:
its `id:` if it has one, else its question. So fixing an answer, reordering, adding or removing cards
keeps every other card's identity; rewording a question without an `id:` makes it a new card.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from studygen.keys import LessonProblem

if TYPE_CHECKING:  # the CLI imports this for `export --to`'s choices: `--help` must not build the model
    from studygen.model import Flashcard, Lesson

GUID_LENGTH = 20
"""Hexadecimal digits of a note's GUID (80 bits): no two cards of a course come near sharing one."""


def card_keys(cards: Sequence[Flashcard], questions: Sequence[str]) -> list[str]:
    """Name each card for its GUID: `id:` plus its id, or `question:` plus the question it prints.

    `questions` are the questions as they print (computed values substituted), in the same order as
    `cards`. Two cards with the same question and no id are told apart by which comes first.
    """
    keys: list[str] = []
    seen: Counter[str] = Counter()
    for card, question in zip(cards, questions, strict=True):
        if card.id is not None:
            keys.append(f"id:{card.id}")
            continue
        # Spaces and line breaks are how YAML folded the text, not what the teacher wrote.
        words = " ".join(question.split())
        seen[words] += 1
        keys.append(f"question:{words}" + (f"#{seen[words]}" if seen[words] > 1 else ""))
    return keys


def note_guid(lesson_slug: str, key: str) -> str:
    """Derive a note's GUID from the lesson's file name and the card's key; letters a-f and digits only."""
    digest = hashlib.sha256(f"studygen card\x1f{lesson_slug}\x1f{key}".encode()).hexdigest()
    return digest[:GUID_LENGTH]


def stable_id(*words: str) -> int:
    """Derive a fixed Anki id (deck, note type) from words, in the range genanki recommends."""
    digest = hashlib.sha256("\x1f".join(("studygen", *words)).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def duplicate_card_ids(lesson: Lesson) -> list[LessonProblem]:
    """Refuse a card `id:` that an earlier card of the lesson already has."""
    problems: list[LessonProblem] = []
    first: dict[str, int] = {}
    for index, card in enumerate(lesson.flashcards):
        if card.id is None:
            continue
        if card.id in first:
            message = (
                f"the id '{card.id}' is already the id of flashcards[{first[card.id]}]: "
                "give each card its own id"
            )
            problems.append(LessonProblem(("flashcards", index, "id"), message))
        else:
            first[card.id] = index
    return problems

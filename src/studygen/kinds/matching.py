"""The matching exercise: two columns to pair, the right one in an order that gives no pair away."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import Field, PrivateAttr

from studygen.fields import MAX_LOCAL_VALUES, Exercise, Flag, InlineMarkdown, LocalValues, Model, Points
from studygen.keys import LessonProblem, Path_
from studygen.kinds import words
from studygen.kinds.base import Kind
from studygen.kinds.points import given_points
from studygen.language import gettext
from studygen.wording import quoted
from studygen.worked import WorkedBody, WorkedPoints

MAX_PAIRS = 20
"""Pairs one exercise may have: with the extras, the right column stays within the letters A to Z."""

MAX_EXTRA = 6
"""Extra right-hand items (distractors) one exercise may have."""

SHUFFLES = 64
"""Shuffles tried before falling back to a rotation; each succeeds with a chance of at least 1/3."""


class Pair(Model):
    """One left-hand item and the right-hand item it matches."""

    left: InlineMarkdown = Field(max_length=300)
    """The item in the left column, numbered 1, 2, 3… in this order, e.g. `ammeter`."""
    right: InlineMarkdown = Field(max_length=300)
    """What it matches, e.g. `measures current`; printed, lettered, in the right column."""
    given: LocalValues = Field(default_factory=dict, max_length=MAX_LOCAL_VALUES)
    """Values only this pair's two texts print, e.g. `{t: 2}` for `falls {=4.9 * t^2} m` (see Values in
    text); not printed by themselves."""
    points: Points | None = None
    """What matching this pair is worth, e.g. `1`; printed beside its left item (see Points and
    grading)."""


class Matching(Exercise):
    """Two columns to pair: the student writes the letter of the matching right item beside each left one."""

    kind: Literal["matching"]
    """Says what kind of exercise this is."""
    parts: ClassVar[str] = "pairs"
    pairs: list[Pair] = Field(min_length=2, max_length=MAX_PAIRS)
    """The pairs, as they belong together. The right column is printed in a shuffled order that is the
    same on every build of the same text, and never puts an item beside its own partner."""
    extra_right: list[InlineMarkdown] = Field(default_factory=list, max_length=MAX_EXTRA)
    """Right-hand items that match nothing, mixed into the right column so the last pair is not a given."""
    shuffle: Flag = True
    """Each version built with `--variants` orders the right column its own way, the key's letters
    following; `false` keeps the order of a build without `--variants` in every version."""

    _shuffle_salt: bytes = PrivateAttr(b"")
    """Set by `studygen.drawing` for a version: mixed into the column's seed, so each version orders it
    its own way. Empty for the lesson as written, whose order is the same as before versions existed."""


@dataclass(frozen=True)
class WorkedLeft:
    """A left-hand item: its number, its text and the letter the key writes beside it."""

    number: int
    """1 for the first pair, in the lesson's order."""
    text: str
    """One-paragraph markdown."""
    letter: str
    """The letter of its partner in the right column; printed in the key only."""
    points: WorkedPoints | None = None
    """What matching this pair is worth, or None."""


@dataclass(frozen=True)
class WorkedRight:
    """A right-hand item: its letter and its text."""

    letter: str
    """A, B, C… down the printed column."""
    text: str
    """One-paragraph markdown."""


@dataclass(frozen=True)
class WorkedMatchingRow:
    """One printed row: a left item beside a right item; either is None when its column is shorter."""

    left: WorkedLeft | None
    """The left item of this row, or None below the last one."""
    right: WorkedRight | None
    """The right item of this row, or None below the last one."""


@dataclass(frozen=True)
class WorkedMatching(WorkedBody):
    """A matching exercise with the right column's order and every pair's letter decided."""

    rows: tuple[WorkedMatchingRow, ...]
    """The two columns side by side, row by row."""
    pairs: tuple[str, ...]
    """Each pair as the key lists it: "1 → C"."""
    answer: str
    """How the key states all pairs: "Answer: 1 → C, 2 → A, 3 → B"."""

    def part_points(self) -> tuple[WorkedPoints | None, ...]:
        """Return each pair's points, in the lesson's order (the left column's)."""
        return tuple(row.left.points for row in self.rows if row.left is not None)


def work_matching(exercise: Matching, path: Path_, problems: list[LessonProblem]) -> WorkedMatching | None:
    """Check the columns for repeats, shuffle the right one and letter it, deciding each pair's letter."""
    found = len(problems)
    rights = [pair.right for pair in exercise.pairs] + list(exercise.extra_right)
    pairs = range(len(exercise.pairs))
    left_paths: list[Path_] = [(*path, "pairs", n, "left") for n in pairs]
    _check_repeats([pair.left for pair in exercise.pairs], left_paths, problems)
    right_paths: list[Path_] = [(*path, "pairs", n, "right") for n in pairs]
    right_paths += [(*path, "extra_right", n) for n in range(len(exercise.extra_right))]
    _check_repeats(rights, right_paths, problems)
    if len(problems) > found:
        return None
    texts = [text for pair in exercise.pairs for text in (pair.left, pair.right)] + rights
    order = right_order(len(exercise.pairs), len(rights), _seed(texts) + exercise._shuffle_salt)
    letter_of = {item: words.LETTERS[position] for position, item in enumerate(order)}
    lefts = [
        WorkedLeft(number + 1, pair.left, letter_of[number], given_points(pair.points))
        for number, pair in enumerate(exercise.pairs)
    ]
    column = [WorkedRight(words.LETTERS[position], rights[item]) for position, item in enumerate(order)]
    rows = tuple(
        WorkedMatchingRow(lefts[n] if n < len(lefts) else None, column[n] if n < len(column) else None)
        for n in range(max(len(lefts), len(column)))
    )
    stated = tuple(words.MATCHED.format(number=left.number, letter=left.letter) for left in lefts)
    return WorkedMatching(rows, stated, gettext(words.STATED_ANSWER).format(answers=", ".join(stated)))


def _check_repeats(texts: Sequence[str], paths: Sequence[Path_], problems: list[LessonProblem]) -> None:
    """Refuse a text that repeats an earlier one in its column (ignoring case and spacing)."""
    seen: set[str] = set()
    for text, where in zip(texts, paths, strict=False):
        same = " ".join(text.split()).casefold()
        if same in seen:
            problems.append(
                LessonProblem(
                    where,
                    f"{quoted(text)} is already in this column: each item must be different, "
                    "or the student cannot tell which one you mean",
                )
            )
        seen.add(same)


def _seed(texts: Sequence[str]) -> bytes:
    """Hash the exercise's texts: the same lesson shuffles the same way on every machine and every run."""
    return hashlib.sha256("\0".join(texts).encode("utf-8")).digest()


def right_order(pairs: int, count: int, seed: bytes, shuffles: int = SHUFFLES) -> list[int]:
    """Order the right column: position p shows item order[p], and no pair's item sits beside its left.

    Items 0 to pairs - 1 are the pairs' right-hand texts, the rest extras. Shuffles come from the seed
    (never `random` or `hash()`, which differ between runs); the first with no item in its own pair's
    row wins. Should every try fail, rotating the column by one is such an order too.
    """
    for attempt in range(shuffles):
        order = _shuffle(count, seed + attempt.to_bytes(4, "big"))
        if all(order[row] != row for row in range(pairs)):
            return order
    return [*range(1, count), 0]


def _shuffle(count: int, seed: bytes) -> list[int]:
    """Shuffle 0 … count - 1 (Fisher-Yates), drawing each swap from a hash of the seed and the step."""
    order = list(range(count))
    for step in range(count - 1, 0, -1):
        draw = int.from_bytes(hashlib.sha256(seed + step.to_bytes(4, "big")).digest(), "big")
        swap = draw % (step + 1)  # a 256-bit draw: the remainder's bias is far below anything visible
        order[step], order[swap] = order[swap], order[step]
    return order


KIND = Kind(
    "matching",
    Matching,
    work_matching,
    "kinds/matching.html",
    (("`pairs[]` of a matching exercise", Pair),),
)
"""The matching exercise's entry in the kinds registry."""

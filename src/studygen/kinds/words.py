"""The words studygen itself prints in exercises: the English message ids of the translation catalogue.

Work functions translate these with `studygen.language.gettext` as they put them into worked bodies;
templates print them as they are given. Each is a message id in `locale/studygen.pot`, and every
catalogue translates it (tests/test_languages.py checks both).
"""

from __future__ import annotations

GIVEN = "Given"
"""Heads the given values of a numeric problem."""
WORKING = "Working"
"""Labels the ruled lines a student works a numeric problem on."""
ANSWER = "Answer"
"""Labels a numeric problem's answer blank."""
TRUE = "True"
"""The tick box of a true statement."""
FALSE = "False"
"""The tick box of a false statement."""
MARKING = "Marking"
"""Labels the marking note under a written answer's model answer in the key."""

NONE_OF_THESE = "None of these"
"""The extra answer a choice item that no option fits has where it is a multiple choice (Moodle)."""

CHOOSE_ALL = "Choose all that apply."
"""Printed under a multiple-choice question with several correct options."""

STATED_ANSWER = "Answer: {answers}"
"""How the key states the answer of a question, e.g. "Answer: B, D"."""

WORD_BANK = "Word bank"
"""Heading of the words offered for the blanks of a fill-in-the-blanks text."""

ALSO_ACCEPTED = "also: {alternatives}"
"""After a filled-in blank in the key, the other answers it accepts."""

MATCHED = "{number} → {letter}"
"""One pair as the key lists it, e.g. "1 → C"."""

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""The letters that name options and the right-hand column, in order."""

ONE_POINT = "{points} point"
"""Beside an exercise or item worth exactly one point: "1 point"."""
POINTS = "{points} points"
"""Beside an exercise or item worth any other number of points: "2 points", "0.5 points"."""
EXERCISE = "Exercise"
"""Heads the row of exercise numbers in the grading table."""
POINTS_HEADING = "Points"
"""Heads the row of points in the grading table."""
SCORE = "Score"
"""Heads the row of score boxes in the grading table, and names the score field by the name."""
TOTAL = "Total"
"""Heads the total's column of the grading table."""
CLASS = "Class"
"""Names the class field beside the name, on a worksheet with points."""
KEY_TOTAL = "Total: {points}"
"""How the answer key states what the lesson is worth, e.g. "Total: 20 points"."""

VERSION = "Version {number}"
"""The label each version prints on every page of its worksheet and key, and in its PDF title."""
VERSION_COLUMN = "V{number}"
"""A version's column heading in answers-all: "V3"."""

ABOUT_ONE_MINUTE = "about {minutes} minute"
"""The time hint of an exercise of one minute; its plural is ABOUT_MINUTES."""
ABOUT_MINUTES = "about {minutes} minutes"
"""The time hint of an exercise, printed after its materials: "Pen and paper, about 5 minutes."."""

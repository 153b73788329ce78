"""Words the exercise kinds print themselves, kept together until the translation catalogue takes them.

A work function puts these into its worked body; templates print them as given, so a later
translation catalogue replaces this module and touches no template.
"""

from __future__ import annotations

CHOOSE_ALL = "Choose all that apply."
"""Printed under a multiple-choice question with several correct options."""

ANSWER = "Answer: {answers}"
"""How the key states the answer of a question, e.g. "Answer: B, D"."""

WORD_BANK = "Word bank"
"""Heading of the words offered for the blanks of a fill-in-the-blanks text."""

ALSO_ACCEPTED = "also: {alternatives}"
"""After a filled-in blank in the key, the other answers it accepts."""

MATCHED = "{number} → {letter}"
"""One pair as the key lists it, e.g. "1 → C"."""

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""The letters that name options and the right-hand column, in order."""

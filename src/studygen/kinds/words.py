"""The words studygen itself prints in exercises, kept in one place for a later translation catalogue.

Work functions put these into worked bodies; templates print them as they are given.
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

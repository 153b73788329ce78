"""Quizlet's paste import: plain text, a tab between term and definition, a line break between cards."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studygen.exports.decks import Deck

# Quizlet shows what it is given as text and has no quoting: a tab or line break inside a card
# would split it. So the cards' own HTML (studygen's, lesson text escaped in it) becomes one line.
_ITEM = re.compile(r"<li>")
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_IMAGE = re.compile(r'<img src="[^"]*" alt="([^"]*)"[^>]*>')
_TAG = re.compile(r"<[^>]*>")


def write(decks: Sequence[Deck]) -> bytes:
    """Write every card as `term<TAB>definition`, one card a line, in the lessons' order."""
    lines = [f"{plain(card.question)}\t{plain(card.answer)}" for deck in decks for card in deck.cards]
    return ("\n".join(lines) + "\n").encode()


def plain(fragment: str) -> str:
    """Flatten studygen's HTML of a card side to one line of text: lists as `•`, links with their address."""
    text = _LINK.sub(_link_text, fragment)
    text = _IMAGE.sub(lambda match: f"[{match.group(1)}]" if match.group(1) else "", text)
    text = _ITEM.sub("• ", text)
    text = html.unescape(_TAG.sub(" ", text))
    return " ".join(text.split())


def _link_text(match: re.Match[str]) -> str:
    """Write a link as its text followed by its address, as the printed cards do."""
    address, text = html.unescape(match.group(1)), match.group(2)
    return text if html.unescape(_TAG.sub("", text)).strip() == address else f"{text} ({address})"

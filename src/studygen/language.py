"""The language a lesson prints in: studygen's own words from a gettext catalogue, and how numbers read.

Catalogues are `locale/<language>.po` files inside the package, read with Babel; English needs none,
because its words are the catalogues' message ids (`locale/studygen.pot` lists them). A tag with a
region (`fr-CA`) takes its language's words (`fr`) and its own number style from CLDR (`de-CH` groups
with an apostrophe). A lesson is worked out and rendered inside `speaking(...)`, so the work functions,
the one number formatter and the templates print in its language without passing it through every call.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

CATALOGUES = Path(__file__).parent / "locale"
"""Where the catalogues live: `de.po`, `fr.po`, `es.po`, and `studygen.pot`, the words to translate."""

ENGLISH = "en"
"""The language of the message ids: it prints them as they are, with no catalogue."""

MIN_GROUPING = {"es": 2}
"""Digits the first group needs before a language groups a number's thousands at all (CLDR's
minimumGroupingDigits; Babel does not read it): Spanish writes 1234,5 but 12.345,5. Others: 1."""


@dataclass(frozen=True)
class NumberStyle:
    """How a language writes the marks inside a number: 1,234.5 in English, 1.234,5 in German."""

    decimal_mark: str = "."
    group: str = ","
    """Between groups of three digits, where a teacher asks for `thousands: true`."""
    min_grouping: int = 1
    """A number's whole part is grouped only when it has at least 3 + this many digits."""


@dataclass(frozen=True)
class PrintLanguage:
    """A lesson's language as studygen prints it: its words, their plural forms and its numbers."""

    tag: str
    """The tag as the lesson gives it, e.g. `fr-CA`: what `<html lang>` and hyphenation use."""
    catalogue: str
    """The catalogue its words come from (`fr`), or `en` when they print in English."""
    numbers: NumberStyle = NumberStyle()
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Each message id's translation: one form, or the plural forms in the catalogue's order."""
    plural: Callable[[int], int] = field(default=lambda n: int(n != 1))
    """Which plural form a whole number takes (the catalogue's `Plural-Forms`)."""
    fractions_as_whole_part: bool = False
    """Whether 1.5 takes the form of 1 (French: "1,5 point"), rather than the plural (English)."""
    missing: str | None = None
    """Why some words print in English, as a warning says it; None when none do."""

    def gettext(self, message: str) -> str:
        """Translate one of studygen's words, or keep it in English if the catalogue lacks it."""
        forms = self.words.get(message)
        return forms[0] if forms and forms[0] else message

    def ngettext(self, singular: str, plural: str, count: int | Decimal) -> str:
        """Translate words that depend on a count ("1 point", "2 points"); English if none are translated.

        A count may be a fraction (1.5 points): it takes the form its language gives fractions.
        """
        form = self._form(Decimal(count))
        forms = self.words.get(singular)
        if forms and 0 <= form < len(forms) and forms[form]:
            return forms[form]
        return singular if count == 1 else plural

    def _form(self, count: Decimal) -> int:
        """Which plural form a count takes; a fraction as its language treats fractions."""
        if count == count.to_integral_value():
            return self.plural(int(count))
        return self.plural(int(count) if self.fractions_as_whole_part else 2)


ENGLISH_LANGUAGE = PrintLanguage(ENGLISH, ENGLISH)
"""English, as the message ids write it: no catalogue to read, numbers as 1,234.5."""

_speaking: ContextVar[PrintLanguage] = ContextVar("speaking", default=ENGLISH_LANGUAGE)


@contextmanager
def speaking(language: PrintLanguage) -> Iterator[PrintLanguage]:
    """Print in a language for the length of a `with` block: work a lesson out, or render it."""
    token = _speaking.set(language)
    try:
        yield language
    finally:
        _speaking.reset(token)


def current() -> PrintLanguage:
    """The language being printed in now (English outside any `speaking` block)."""
    return _speaking.get()


def gettext(message: str) -> str:
    """Translate one of studygen's words into the language being printed in."""
    return _speaking.get().gettext(message)


def ngettext(singular: str, plural: str, count: int | Decimal) -> str:
    """Translate words that depend on a count into the language being printed in."""
    return _speaking.get().ngettext(singular, plural, count)


def shipped() -> tuple[str, ...]:
    """The languages with a catalogue of their own, English first: `en`, `de`, `es`, `fr`."""
    return (ENGLISH, *sorted(path.stem for path in CATALOGUES.glob("*.po")))


@cache
def language_for(tag: str) -> PrintLanguage:
    """Find the words and number style for a BCP 47 tag; English words, and why, when there is no catalogue.

    `de-AT` takes the `de` catalogue; the numbers follow the whole tag. Cached: a build asks once per
    lesson and document, and the catalogue files do not change during it.
    """
    if tag == ENGLISH:
        return ENGLISH_LANGUAGE
    base = tag.split("-")[0].lower()
    numbers, cldr_known, fractions = _number_style(tag)
    if base == ENGLISH:
        return PrintLanguage(tag, ENGLISH, numbers)
    po = CATALOGUES / f"{base}.po"
    if not po.is_file():
        return PrintLanguage(tag, ENGLISH, numbers, missing=_no_catalogue(tag, cldr_known))
    words, plural = _read_catalogue(po)
    lacking = [message for message in message_ids() if message not in words]
    missing = _lacking(base, lacking) if lacking else None
    return PrintLanguage(tag, base, numbers, words, plural, fractions, missing)


def _number_style(tag: str) -> tuple[NumberStyle, bool, bool]:
    """Read a tag's decimal mark, group mark and fraction plurals from CLDR: the whole tag's, else its
    language's (`de-DE-x-school` writes as `de`), else English ones."""
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol, get_group_symbol

    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        try:
            locale = Locale.parse(tag.split("-")[0], sep="-")
        except (UnknownLocaleError, ValueError):
            return NumberStyle(), False, False
    grouping = MIN_GROUPING.get(locale.language, 1)
    style = NumberStyle(get_decimal_symbol(locale), get_group_symbol(locale), grouping)
    return style, True, locale.plural_form(Decimal("1.5")) == "one"


def _read_catalogue(po: Path) -> tuple[dict[str, tuple[str, ...]], Callable[[int], int]]:
    """Read a .po file's translations and its plural rule; fuzzy or empty entries count as missing."""
    from babel.messages.pofile import read_po

    with po.open("rb") as file:
        catalog = read_po(file)
    words: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        forms = tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)
        if all(forms):
            words[_singular(message.id)] = tuple(str(form) for form in forms)
    return words, stdlib_gettext.c2py(catalog.plural_expr)


@cache
def message_ids() -> tuple[str, ...]:
    """Every word studygen prints itself, as `locale/studygen.pot` lists them (plurals by their singular)."""
    from babel.messages.pofile import read_po

    with (CATALOGUES / "studygen.pot").open("rb") as file:
        catalog = read_po(file)
    return tuple(_singular(message.id) for message in catalog if message.id)


def _singular(message_id: str | tuple[str, ...] | list[str]) -> str:
    """A message's id by its singular: Babel gives a plural message's ids as a tuple."""
    return message_id if isinstance(message_id, str) else message_id[0]


def _no_catalogue(tag: str, numbers_known: bool) -> str:
    """Say that a language has no catalogue, what prints in English, and what to do."""
    numbers = f"numbers print as {tag} writes them" if numbers_known else "numbers print as in English"
    return (
        f"studygen has no catalogue for {tag!r}, so its own words (Name, Date, Page 1 of 2, …) print in "
        f"English and {numbers}: use one of {', '.join(shipped())}, or add a catalogue (docs/languages.md)"
    )


def _lacking(base: str, lacking: list[str]) -> str:
    """Say which words a catalogue lacks, that they print in English, and where to add them."""
    shown = ", ".join(repr(message) for message in lacking[:3]) + (", …" if len(lacking) > 3 else "")
    return (
        f"the {base!r} catalogue lacks {len(lacking)} of studygen's words, which print in English: {shown}; "
        f"translate them in locale/{base}.po (docs/languages.md)"
    )


def value_separator() -> str:
    """What separates numbers in a list, `a = 1.5, b = 2`: a semicolon where the decimal mark is a comma."""
    return "; " if _speaking.get().numbers.decimal_mark == "," else ", "

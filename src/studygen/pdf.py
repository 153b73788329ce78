"""Turn HTML into PDF with WeasyPrint, the only module that imports it, inside a file sandbox."""

from __future__ import annotations

import copy
import hashlib
import logging
import math
import mimetypes
import multiprocessing
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import cssselect2  # type: ignore[import-untyped]

from studygen.errors import BuildError, shown
from studygen.fit import (
    PX_PER_PT,
    SMALLEST_OVERFLOW_PT,
    Misfit,
    Shrunk,
    TextDoesNotFit,
    fit,
    font_sizes_css,
)
from studygen.fonts import stock_fonts
from studygen.latex import MAX_SVG_CHARACTERS, SVG_DATA_PREFIX
from studygen.libraries import load_weasyprint_libraries
from studygen.resources import MAX_DATA_URL_CHARS, MAX_IMAGE_BYTES

load_weasyprint_libraries()  # before WeasyPrint's first import: it then opens its libraries at once

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

# The sandbox enforces the same limits the lesson check states, as a second line of defence.
MAX_RESOURCE_BYTES = MAX_IMAGE_BYTES


class SandboxedFetcher(URLFetcher):  # type: ignore[misc]
    """Fetch only regular files under the allowed folders and small `data:` URLs; refuse all else.

    Nothing ever goes to the network: every scheme but `file:` and `data:` is refused before any
    connection is attempted.
    """

    def __init__(self, allowed: Sequence[Path]) -> None:
        super().__init__(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)
        self.allowed = tuple(folder.resolve() for folder in allowed)
        self.refused: list[str] = []
        """Why each refused fetch was refused: WeasyPrint logs some refusals only as warnings."""
        self.used: dict[str, str] = {}
        """Each file fetched, by path, with the SHA-256 of its bytes: what a rebuild must compare."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Return the resource at url if the sandbox allows it, else raise ValueError saying why."""
        try:
            return self._fetch(url, headers)
        except ValueError as refusal:
            self.refused.append(str(refusal))
            raise

    def _fetch(self, url: str, headers: object) -> URLFetcherResponse:
        """Fetch url under the sandbox's rules."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            # A lesson's own inline images are PNG or JPEG (`check` refuses SVG); an SVG is a typeset formula.
            limit = MAX_SVG_CHARACTERS if url.startswith(SVG_DATA_PREFIX) else MAX_DATA_URL_CHARS
            if len(url) > limit:
                raise ValueError(f"data: URL of {len(url):,} characters is over the {limit:,} limit")
            return super().fetch(url, headers)
        if scheme != "file":
            raise ValueError(f"refused {url[:80]}: only files in the lesson's folder may be used")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused {url[:80]}: only local files in the lesson's folder may be used")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(folder) for folder in self.allowed):
            raise ValueError(f"refused {path}: it is outside the lesson's folder")
        if not path.is_file():
            raise ValueError(f"refused {path}: not a regular file")
        size = path.stat().st_size
        if size > MAX_RESOURCE_BYTES:
            raise ValueError(f"refused {path}: {size:,} bytes is over the {MAX_RESOURCE_BYTES:,} limit")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        body = path.read_bytes()
        self.used[str(path)] = hashlib.sha256(body).hexdigest()
        return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": content_type})


@dataclass(frozen=True)
class RenderedPdf:
    """A PDF in memory, how many pages it has, and the card text that printed without fitting."""

    data: bytes
    pages: int
    shrunk: tuple[Shrunk, ...] = ()
    """Text that overflowed its card at its smallest size and printed smaller (`allow_overflow`)."""
    used: dict[str, str] = field(default_factory=dict)
    """Each file the render read (images, stylesheets), by path, with the SHA-256 of its bytes."""


class Renderer:
    """Render HTML pages to PDF, sharing one font configuration across documents."""

    def __init__(self) -> None:
        self.fonts = FontConfiguration()
        # Our own fonts come first for every document, read once per process through the sandbox, so
        # a page looks the same whatever fonts the machine has (see docs/fonts.md).
        folder = stock_fonts()
        try:
            self.font_faces = CSS(
                filename=str(folder / "fonts.css"),
                url_fetcher=SandboxedFetcher([folder]),
                font_config=self.fonts,
            )
        except OSError as error:  # WeasyPrint copies each font into a temporary folder first
            raise BuildError(
                f"cannot prepare studygen's fonts ({error.strerror or error}): free some disk space "
                "in the temporary folder and build again"
            ) from None
        if multiprocessing.parent_process() is not None:  # a render worker, never the user's own process
            quiet_unraisable_hook()

    def render(
        self,
        html: str,
        *,
        folder: Path,
        allowed: Sequence[Path],
        allow_overflow: bool = False,
        variant: str | None = "pdf/ua-1",
    ) -> RenderedPdf:
        """Render an HTML page whose relative links resolve in folder; fail on any refused resource.

        The PDF is tagged (its headings, paragraphs, tables and images' alt text), in WeasyPrint's
        `variant`: `pdf/ua-1` for accessibility, `pdf/a-3u` for archiving; with None, plain and untagged.

        Card text too long for its box shrinks to fit (`studygen.fit`); text that cannot fit even at
        its smallest size fails the build, or with allow_overflow shrinks further, down to the floor.
        """
        fetcher = SandboxedFetcher([folder, *allowed])
        with _collect_errors() as errors, _pillow_warnings_as_errors(errors):
            page = HTML(string=html, base_url=folder.resolve().as_uri() + "/", url_fetcher=fetcher)

            def lay_out(css: str, cards: Sequence[str] = ()) -> Any:
                sheets = [self.font_faces]
                if css:
                    sheets.append(CSS(string=css, url_fetcher=fetcher, font_config=self.fonts))
                shown = _only_cards(page, cards) if cards else page
                return shown.render(stylesheets=sheets, font_config=self.fonts)

            document, shrunk = _fitted(lay_out, allow_overflow)
            data = document.write_pdf(pdf_variant=variant, pdf_tags=variant is not None)
        # Refusals WeasyPrint only warned about (a font inside an SVG) still fail the build.
        errors += [refusal for refusal in fetcher.refused if not any(refusal in error for error in errors)]
        if errors:
            raise BuildError(
                shown("a file it uses was refused or is broken: " + "; ".join(dict.fromkeys(errors)))
            )
        return RenderedPdf(data, len(document.pages), shrunk, dict(sorted(fetcher.used.items())))


def _fitted(lay_out: Callable[..., Any], allow_overflow: bool) -> tuple[Any, tuple[Shrunk, ...]]:
    """Lay the document out with every shrinkable text at the largest size that fits its box.

    Returns the final layout and, with allow_overflow, the texts that fit only below their smallest
    size. Nothing is ever clipped: what fits at no size fails the build.
    """
    document = lay_out("")
    misfits = _overflowing(document)
    _refuse_fixed(misfits)
    if not misfits:
        return document, ()

    def trial(css: str, cards: Sequence[str]) -> list[Misfit]:
        return _overflowing(lay_out(css, cards))

    fitted = fit(misfits, trial, floor=SMALLEST_OVERFLOW_PT if allow_overflow else None)
    if fitted.unfit:
        raise TextDoesNotFit(fitted.unfit, allowed=allow_overflow)
    texts = {misfit.text: misfit for misfit in misfits if misfit.text is not None}
    shrunk = tuple(
        Shrunk(texts[key], size) for key, size in fitted.sizes.items() if size < texts[key].smallest_pt
    )
    resized = [misfit.card for misfit in misfits if misfit.text in fitted.sizes]
    document = _relaid(document, fitted.sizes, resized, lay_out)
    # A trial shows only the cards being sized; a layout in which a card's room depends on its
    # neighbours would disagree with it, and must fail rather than clip.
    _refuse_fixed(_overflowing(document), all_of_them=True)
    return document, shrunk


def _relaid(
    document: Any, sizes: Mapping[str, float], resized: list[str | None], lay_out: Callable[..., Any]
) -> Any:
    """Lay the document out again at the fitted sizes: only the changed cards' pages, where it can.

    In a layout of one card per page (fold, duplex) the resized cards, and any card sharing a page
    with one (text that ran past its page in the first layout lands on the next card's), are laid out
    alone and their pages put in place of the old ones: a deck with a few long cards costs one full
    layout, not two. Where a page holds several cards (a sheet) the whole deck is laid out again.
    """
    css = font_sizes_css(sizes)
    changed = {card for card in resized if card is not None}
    if None in resized or not changed:
        return lay_out(css)
    pages = _cards_on_each_page(document)
    for cards in pages:
        if cards & changed:
            changed |= cards
    trial = lay_out(css, sorted(changed, key=_card_order))
    new_pages: dict[str, list[Any]] = {}
    for page, cards in zip(trial.pages, _cards_on_each_page(trial), strict=True):
        if len(cards) != 1:
            return lay_out(css)
        new_pages.setdefault(next(iter(cards)), []).append(page)
    spliced: list[Any] = []
    for page, cards in zip(document.pages, pages, strict=True):
        if not cards & changed:
            spliced.append(page)
        for card in sorted(cards & changed, key=_card_order):
            spliced += new_pages.pop(card, [])
    return document.copy(spliced)


def _card_order(card: str) -> tuple[int, str]:
    """Sort card numbers as numbers."""
    return (int(card), card) if card.isdigit() else (0, card)


def _cards_on_each_page(document: Any) -> list[set[str]]:
    """Name the cards each page shows: by their `data-card` element, or by a box of their fitted text
    that the layout carried onto a later page on its own."""
    card_of_text: dict[str, str] = {}

    def walk(box: Any, card: str | None, found: set[str]) -> None:
        element: Any = getattr(box, "element", None)
        if element is not None and hasattr(element, "get"):
            text = element.get(FIT)
            card = element.get(CARD) or card or card_of_text.get(text or "")
            if text and card:
                card_of_text[text] = card
        if card:
            found.add(card)
        for child in getattr(box, "children", ()):
            walk(child, card, found)

    pages: list[set[str]] = []
    for page in document.pages:
        pages.append(set())
        walk(page._page_box, None, pages[-1])
    return pages


def _only_cards(page: HTML, cards: Sequence[str]) -> HTML:
    """Make a copy of a parsed page without the cards not named, for a trial that lays out only those.

    The cards are removed from a copy of the element tree rather than hidden by CSS: WeasyPrint works
    out the style of every element, shown or not, which cost a trial of 3 cards in a 200-card deck
    about 40% of a full layout. Relies on WeasyPrint 70's `HTML` keeping its tree in `etree_element`
    and `wrapper_element`.
    """
    kept = set(cards)
    root = copy.deepcopy(page.etree_element)
    for parent in list(root.iter()):
        for child in list(parent):
            card = child.get(CARD)
            if card is not None and card not in kept:
                parent.remove(child)
    trial = copy.copy(page)
    trial.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    trial.etree_element = trial.wrapper_element.etree_element
    return trial


def _refuse_fixed(misfits: Sequence[Misfit], *, all_of_them: bool = False) -> None:
    """Fail the build on overflowing boxes that cannot shrink (or on all of them)."""
    fixed = [str(misfit) for misfit in misfits if all_of_them or misfit.text is None]
    if fixed:
        raise BuildError("; ".join(fixed))


MUST_FIT = "data-must-fit"
"""Attribute a template puts on a box that must end inside its parent; its value names the box."""

FIT_HINT = "data-fit-hint"
"""Optional attribute beside `data-must-fit`: what the teacher should do when the box does not fit."""

FIT = "data-fit"
"""Optional attribute beside `data-must-fit`: the box's text may shrink; its value is the lesson key
the text comes from. `data-fit-min` gives the smallest size in points (see `studygen.fit`)."""

FIT_MIN = "data-fit-min"

CARD = "data-card"
"""Attribute on the element holding one card (a page, or a cell of a sheet): the card's number."""


def _overflowing(document: Any) -> list[Misfit]:
    """Find every `data-must-fit` box that ends outside its parent: clipped or cut-off text is lost.

    A box is measured by its border box: its own margins, and the space below its last line, may hang
    past its parent without hiding anything (a table that ends its exercise does exactly that).
    """
    found: list[Misfit] = []
    seen: set[int] = set()

    def walk(box: Any, parent: Any, card: str | None, page_bottom: float) -> None:
        element: Any = getattr(box, "element", None)
        attributes = element if element is not None and hasattr(element, "get") else {}
        card = attributes.get(CARD) or card
        label = attributes.get(MUST_FIT)
        if label and id(element) not in seen and parent is not None:
            seen.add(id(element))
            over = _overflow(box, parent, page_bottom)
            if over:
                problem, need, room = over
                found.append(_misfit(attributes, box, card, problem, need, room))
        sized = isinstance(box.width, int | float) and isinstance(box.height, int | float)
        for child in getattr(box, "children", ()):
            walk(child, box if sized else None, card, page_bottom)

    for page in document.pages:
        walk(page._page_box, None, None, page._page_box.margin_height())
    return found


def _misfit(attributes: Any, box: Any, card: str | None, problem: str, need: float, room: float) -> Misfit:
    """Describe one overflowing box from its template attributes and its layout."""
    smallest = attributes.get(FIT_MIN)
    return Misfit(
        label=attributes.get(MUST_FIT),
        problem=problem,
        hint=attributes.get(FIT_HINT) or "shorten its text",
        text=attributes.get(FIT) if smallest else None,
        card=card,
        size_pt=box.style["font_size"] / PX_PER_PT,
        smallest_pt=float(smallest) if smallest else 0.0,
        need=need,
        room=room,
    )


def _overflow(box: Any, parent: Any, page_bottom: float) -> tuple[str, float, float] | None:
    """Say how far a box's border box runs past its parent's content box, or None if it fits.

    A box that reaches the bottom of the page was cut there by the layout: its height is a lower bound.
    """
    left = box.position_x + box.margin_left
    top = box.position_y + box.margin_top
    across = parent.content_box_x() + parent.width - left
    down = parent.content_box_y() + parent.height - top
    if box.border_width() > across + 0.5:
        wide = f"is {_mm(box.border_width(), up=True)} mm wide, but only {_mm(across)} mm fit across the page"
        return wide, box.border_width(), across
    if box.border_height() > down + 0.5:
        cut = "over " if top + box.border_height() >= page_bottom - 0.5 else ""
        tall = f"is {cut}{_mm(box.border_height(), up=True)} mm tall, but only {_mm(down)} mm fit"
        return tall, box.border_height(), down
    return None


def _mm(pixels: float, *, up: bool = False) -> str:
    """Write a CSS length in pixels as whole millimetres, rounded down (or up for what a box needs),
    so `need > room` always reads so."""
    return f"{math.ceil(pixels * 25.4 / 96) if up else int(pixels * 25.4 / 96)}"


@contextmanager
def _collect_errors() -> Iterator[list[str]]:
    """Collect WeasyPrint's logged errors: it logs missing or refused resources instead of raising."""
    messages: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.args, tuple):
                record.args = tuple(
                    _with_cause(a) if isinstance(a, BaseException) else a for a in record.args
                )
            messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = Collector(level=logging.ERROR)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def _with_cause(error: BaseException) -> str:
    """Describe an error by what caused it: WeasyPrint's image errors carry no text of their own."""
    parts: list[str] = []
    current: BaseException | None = error
    while current is not None and len(parts) < 5:
        text = str(current).strip()
        if text:
            parts.append(text if isinstance(current, ValueError) else f"{type(current).__name__}: {text}")
        current = current.__cause__ or current.__context__
    return ": ".join(dict.fromkeys(parts)) or type(error).__name__


@contextmanager
def _pillow_warnings_as_errors(errors: list[str]) -> Iterator[None]:
    """Keep library warnings off the terminal; a decompression bomb fails the build instead."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        if warning.category.__name__ == "DecompressionBombWarning":
            errors.append(f"an image is too large to decode safely ({warning.message})")


def quiet_unraisable_hook() -> None:
    """Make the worker drop exceptions Python can only ignore (a MemoryError while collecting garbage).

    Python prints those as `Exception ignored in ...` straight onto stderr, glued to studygen's own
    error line; the worker's reply (or the parent's memory message) already says what went wrong.
    Call it once at the start of the render worker.
    """
    sys.unraisablehook = lambda unraisable: None

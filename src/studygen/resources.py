"""Check the files a lesson's text points at: images must be files inside the lesson's own folder.

Each image is also opened the way the renderer will open it: a PNG or JPEG must decode completely
within a pixel limit, and an SVG must be plain XML that refers to nothing outside itself but PNG and
JPEG files beside it. So `check` refuses a broken or hostile image at the line that shows it, and the
renderer is never the first to find out.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import typing
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from pydantic import BaseModel

from studygen import prose
from studygen.errors import quoted
from studygen.fields import IsMarkdown
from studygen.keys import LessonProblem, Path_
from studygen.model import Lesson

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
"""Image files a lesson may show."""

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""Largest image file a lesson may show."""

MAX_DATA_URL_CHARS = 64 * 1024
"""Largest inline `data:` image; anything bigger belongs in a file beside the lesson."""

MAX_IMAGE_PIXELS = 25_000_000
"""Most pixels a PNG or JPEG may have (a 6000 x 4000 photo is 24 million); decoding takes 3-4 bytes each."""

_DATA_IMAGE = re.compile(r"data:image/(png|jpeg);base64,", re.IGNORECASE)

_HOW = "images must be PNG, JPEG or SVG files in the lesson's folder, e.g. `![diagram](images/diagram.png)`"


def check_images(lesson: Lesson, folder: Path) -> list[LessonProblem]:
    """Find every image in the lesson's markdown and refuse those that are not safe local files."""
    problems: list[LessonProblem] = []
    root = folder.resolve()
    for path, text in markdown_fields(lesson):
        for source in prose.image_sources(text):
            reason = _refusal(source, root)
            if reason is not None:
                message = f"image {quoted(source)} is refused: {reason}"
                problems.append(LessonProblem(path, message, near=source[:200]))
    return problems


def check_nesting(lesson: Lesson) -> list[LessonProblem]:
    """Refuse markdown nested deeper than prints: the parser would drop the rest, or layout overflow."""
    problems: list[LessonProblem] = []
    for path, text in markdown_fields(lesson):
        found = prose.nesting_problem(text)
        if found is not None:
            message, line = found
            problems.append(LessonProblem(path, message, near=line[:200] or None))
    return problems


def deepest_markdown(lesson: Lesson) -> Path_ | None:
    """Name the markdown field that nests deepest, for a renderer failure that names no field."""
    depths = [(prose.depth(text), path) for path, text in markdown_fields(lesson)]
    deepest = max(depths, default=(0, None), key=lambda pair: pair[0])
    return deepest[1] if deepest[0] > 0 else None


def markdown_fields(model: BaseModel, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Yield every markdown text in a lesson with its path of keys."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        here = (*path, name)
        if isinstance(value, str) and _is_markdown(info.annotation, info.metadata):
            yield here, value
        else:
            yield from _nested(value, here)


def _nested(value: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    """Descend into models and lists of models."""
    if isinstance(value, BaseModel):
        yield from markdown_fields(value, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nested(item, (*path, index))


def _is_markdown(annotation: Any, metadata: list[Any]) -> bool:
    """Tell whether a field is markdown: its type, or the one inside `Markdown | None`, is marked so."""
    found = list(metadata)
    for argument in typing.get_args(annotation):
        if typing.get_origin(argument) is typing.Annotated:
            found += typing.get_args(argument)[1:]
    return any(isinstance(marker, IsMarkdown) for marker in found)


def image_file(source: str, folder: Path) -> Path | None:
    """Find the file a lesson's image shows, checked again as `check` checks it; None for an inline image.

    Raises ValueError with the reason if the image is refused (say, the file changed since the lesson
    was loaded), so an export never packs a file from outside the lesson's folder.
    """
    root = folder.resolve()
    reason = _refusal(source, root)
    if reason is not None:
        raise ValueError(f"image {quoted(source)} is refused: {reason}")
    if source.lower().startswith("data:"):
        return None
    return (root / unquote(urlsplit(source).path)).resolve()


def _refusal(source: str, root: Path) -> str | None:
    """Say why an image source is refused, or None if it is a safe file in the lesson's folder."""
    if source.lower().startswith("data:"):
        if not _DATA_IMAGE.match(source):
            return "inline images must be base64 PNG or JPEG"
        if len(source) > MAX_DATA_URL_CHARS:
            return f"an inline image may be at most {MAX_DATA_URL_CHARS // 1024} KiB: save it as a file"
        return _inline_problem(source)
    parts = urlsplit(source)
    if parts.scheme or parts.netloc:
        return f"studygen never fetches from the network or outside the lesson's folder; {_HOW}"
    relative = unquote(parts.path)
    if not relative or relative.startswith(("/", "\\")):
        return f"absolute paths are not allowed; {_HOW}"
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        return f"it is outside the lesson's folder; {_HOW}"
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        return _HOW
    if not target.is_file():
        return f"there is no such file in the lesson's folder ({relative})"
    size = target.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"the file is {size:,} bytes; images may be at most {MAX_IMAGE_BYTES:,}"
    data = target.read_bytes()
    if target.suffix.lower() == ".svg":
        return _svg_problem(data, target.parent, root)
    return _raster_problem(data)


def _inline_problem(source: str) -> str | None:
    """Say why an inline `data:image/png|jpeg;base64,` image does not decode, or None if it does."""
    payload = source.split(",", 1)[1]
    try:
        data = base64.b64decode(unquote(payload), validate=True)
    except binascii.Error:
        return "the inline image is not valid base64: save the image as a file instead"
    return _raster_problem(data)


_UNREADABLE = "open it in an image editor and save it again as PNG or JPEG"


def _raster_problem(data: bytes) -> str | None:
    """Say why bytes are not a PNG or JPEG that decodes whole within the pixel limit, or None."""
    # Here, not at the top: only lessons that show an image pay for importing Pillow.
    from PIL import Image, UnidentifiedImageError

    too_many = (
        f"images may have at most {MAX_IMAGE_PIXELS:,} pixels: "
        "save it at a smaller size; a printed page needs at most about 2500 x 3500"
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning would print raw on the terminal; the limit below says it better.
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:  # checked before a single pixel is decoded
                    return f"it is {width:,} x {height:,} pixels; {too_many}"
                image.verify()  # checksums and structure, cheaply
            # verify() decodes no pixels, so a truncated JPEG passes it: decode it all (50 ms at 5 MiB).
            with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as image:
                image.load()
    except Image.DecompressionBombError:
        return f"its header claims hundreds of millions of pixels; {too_many}"
    except UnidentifiedImageError:
        return f"it is not a PNG or JPEG image: {_UNREADABLE}"
    except (OSError, SyntaxError, ValueError, EOFError) as error:  # what Pillow raises for broken data
        return f"the image is damaged ({error or type(error).__name__}): {_UNREADABLE}"
    return None


SVG_TRUSTED_IMAGES = (".png", ".jpg", ".jpeg")
"""What an SVG may show from the lesson's folder: pictures only, never another SVG, font or stylesheet."""

_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s*(['"])(.*?)\3""", re.IGNORECASE | re.DOTALL)

_SVG_HOW = (
    "an SVG may refer only to its own parts (`#id`) and to PNG or JPEG files in the lesson's folder: "
    "embed what it needs, or export it again as a plain SVG"
)


class _SvgRefused(Exception):
    """Raised inside the SVG scan to stop at the first thing refused."""


def _svg_problem(data: bytes, folder: Path, root: Path) -> str | None:
    """Say why an SVG file is refused (not XML, a DTD, a reference outside it), or None if it is plain."""
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        # Entities are how an SVG reads other files or explodes in memory; plain SVG never needs them.
        return "the SVG has a <!DOCTYPE> or <!ENTITY> declaration: export it again as a plain SVG"
    parser = expat.ParserCreate(namespace_separator=" ")
    styles: list[bool] = []

    def check(text: str, kind: str) -> None:
        for reference in _references(text, kind):
            reason = _svg_reference_problem(reference, folder, root)
            if reason:
                raise _SvgRefused(f"line {parser.CurrentLineNumber} of the SVG {reason}")

    def start(tag: str, attributes: dict[str, str]) -> None:
        styles.append(tag.rsplit(" ", 1)[-1] == "style")
        for name, value in attributes.items():
            check(value, "href" if name.rsplit(" ", 1)[-1] == "href" else "css")

    def stylesheet(target: str, text: str) -> None:
        if target.lower() == "xml-stylesheet":
            raise _SvgRefused(f"line {parser.CurrentLineNumber} of the SVG links a stylesheet; {_SVG_HOW}")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: styles.pop()
    parser.CharacterDataHandler = lambda text: check(text, "css") if styles and styles[-1] else None
    parser.ProcessingInstructionHandler = stylesheet
    try:
        parser.Parse(data, True)
    except _SvgRefused as refusal:
        return str(refusal)
    except expat.ExpatError as error:
        return f"it is not a readable SVG file ({error}): export it again as a plain SVG"
    return None


def _references(text: str, kind: str) -> list[str]:
    """Find the URLs an SVG attribute or stylesheet text refers to: an href's value, CSS url() and @import."""
    if kind == "href":
        return [text.strip()]
    found: list[str] = []
    for match in _CSS_URL.finditer(text):
        if match.group(4) is not None:
            found.append("@import " + match.group(4))
        else:
            found.append(match.group(2).strip())
    return found


def _svg_reference_problem(reference: str, folder: Path, root: Path) -> str | None:
    """Say why one reference inside an SVG is refused, or None if it is a fragment or a safe picture."""
    if not reference or reference.startswith("#"):
        return None
    shown_reference = quoted(reference)
    if reference.startswith("@import"):
        return f"imports a stylesheet ({shown_reference}); {_SVG_HOW}"
    if reference.lower().startswith("data:"):
        if not _DATA_IMAGE.match(reference):
            return f"refers to {shown_reference}; {_SVG_HOW}"
        problem = _inline_problem(reference)
        return f"shows an inline image that is refused: {problem}" if problem else None
    parts = urlsplit(reference)
    relative = unquote(parts.path)
    target = (folder / relative).resolve()
    if parts.scheme or parts.netloc or relative.startswith(("/", "\\")) or not target.is_relative_to(root):
        return f"refers to {shown_reference}, outside the lesson's folder; {_SVG_HOW}"
    if target.suffix.lower() not in SVG_TRUSTED_IMAGES or not target.is_file():
        return f"refers to {shown_reference}, which is not a PNG or JPEG file beside it; {_SVG_HOW}"
    if target.stat().st_size > MAX_IMAGE_BYTES:
        return f"shows {shown_reference}, which is over {MAX_IMAGE_BYTES:,} bytes"
    problem = _raster_problem(target.read_bytes())
    return f"shows {shown_reference}, which is refused: {problem}" if problem else None

"""Remember what each document was built from, so a rebuild skips every document that did not change.

Each lesson's output folder holds a manifest, published together with the documents it describes.
A document is up to date when the lesson file's bytes, the environment (studygen's own code, the
templates, the fonts, the build options), every file its render read (images, stylesheets) and its
own output are all as recorded: then it is skipped without reading the lesson at all. When only the
lesson file changed, a worker reads the lesson and compares the document's fingerprint (a hash of
the parts of the lesson that document prints): editing a flashcard leaves the worksheet's unchanged.
A manifest that cannot be read, or is not ours, is ignored with a warning and never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = ".studygen-manifest.json"
"""The manifest's file name in each lesson's output folder."""

FORMAT = "studygen build manifest"
VERSION = 1

MAX_HASHED_BYTES = 256 * 1024 * 1024
"""The largest file a rebuild hashes to compare (outputs, images); a larger one is simply rebuilt."""

ABSENT = "absent"
"""The hash of a theme file a template was looked for in and not found: creating it later must rebuild
what the stock template printed."""

FONT_FOLDERS = (
    "/etc/fonts",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)
"""Where fontconfig finds fonts and its configuration: a font installed or removed rebuilds PDFs."""


@dataclass(frozen=True)
class Built:
    """What one document was last built from, and what it wrote."""

    lesson: str
    """SHA-256 of the lesson file's bytes."""
    environment: str
    """SHA-256 of studygen's code, the templates, the fonts and the build options."""
    fingerprint: str
    """SHA-256 of the parts of the lesson this document prints."""
    files: dict[str, str] = field(default_factory=dict)
    """Each file written, by name, with the SHA-256 of its bytes; none when the lesson had nothing for it."""
    pages: int | None = None
    used: dict[str, str] = field(default_factory=dict)
    """Each file the render read (images, stylesheets), by path, with the SHA-256 of its bytes."""


class ManifestError(Exception):
    """Raised when a manifest cannot be trusted; the message says why."""


def read_manifest(folder: Path) -> dict[str, Built]:
    """Read a lesson folder's manifest: what each document was built from; empty if there is none."""
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ManifestError(f"it cannot be read ({type(error).__name__})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ManifestError("it is not a studygen build manifest of this version")
    try:
        return {str(name): _built(entry) for name, entry in data["documents"].items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ManifestError("its entries are not as studygen writes them") from None


def _built(entry: Any) -> Built:
    """Check one document's entry field by field, refusing anything a build would not have written."""
    if not isinstance(entry, dict) or set(entry) != set(Built.__dataclass_fields__):
        raise ValueError("wrong keys")
    hashes = (entry["lesson"], entry["environment"], entry["fingerprint"])
    if not all(isinstance(value, str) for value in hashes):
        raise ValueError("a hash is not text")
    for mapping in (entry["files"], entry["used"]):
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise ValueError("a file list is not names and hashes")
    if any(name != Path(name).name or name in ("", ".", "..", MANIFEST_NAME) for name in entry["files"]):
        raise ValueError("a file name leaves the folder")
    if entry["pages"] is not None and not isinstance(entry["pages"], int):
        raise ValueError("pages is not a number")
    return Built(**entry)


def manifest_bytes(documents: Mapping[str, Built]) -> bytes:
    """Write a manifest: the same entries always give the same bytes."""
    data = {
        "format": FORMAT,
        "version": VERSION,
        "documents": {name: asdict(documents[name]) for name in sorted(documents)},
    }
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def is_current(built: Built, folder: Path) -> bool:
    """Whether what a document wrote and every file its render read are still as recorded."""
    outputs = all(file_hash(folder / name) == digest for name, digest in built.files.items())
    # A theme file looked for and not found is recorded as absent: creating it makes the document stale.
    return outputs and all((file_hash(Path(path)) or ABSENT) == digest for path, digest in built.used.items())


def file_hash(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes; None if it is missing, a link, not a regular file, or too big.

    A manifest may come from a CI cache, so its paths are not trusted: nothing but a regular file of
    at most MAX_HASHED_BYTES is read, and only its hash is compared, never shown.
    """
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_HASHED_BYTES:
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def lesson_hash(file: Path, max_bytes: int) -> str | None:
    """SHA-256 of a lesson file, or None for one the loader would refuse (too big, not a regular file)."""
    try:
        info = os.stat(file)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
        return None  # never opened here: a FIFO would block the build; the worker says what is wrong
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return None


def environment_hash(options: Mapping[str, object], template_folders: Sequence[Path | None]) -> str:
    """Hash what shapes every document besides its lesson: studygen's code and word catalogues, templates,
    fonts, options."""
    digest = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode())
    code = Path(__file__).parent
    for path in _files([code], suffixes=(".py", ".yaml", ".po", ".pot")):
        _add_file(digest, path, code)
    folders = [folder for folder in template_folders if folder is not None and folder.is_dir()]
    for folder in folders:
        digest.update(f"\0templates {folder.resolve()}".encode())
        for path in _files([folder]):
            _add_file(digest, path, folder)
    fonts = [Path(folder).expanduser() for folder in FONT_FOLDERS]
    for path in _files([folder for folder in fonts if folder.is_dir()]):
        # Font files are large: their size and time stand for their bytes.
        info = path.stat()
        digest.update(f"\0font {path}\0{info.st_size}\0{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def fingerprint(data: object, ignored: Iterable[str]) -> str:
    """Hash a lesson's data as read from YAML, leaving out the top-level keys a document does not print."""
    kept = (
        {key: value for key, value in data.items() if key not in set(ignored)}
        if isinstance(data, dict)
        else data
    )
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()


def _files(folders: Iterable[Path], suffixes: tuple[str, ...] = ()) -> Iterator[Path]:
    """Every regular file under the folders, in a fixed order, optionally only these suffixes."""
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(name for name in dirs if name != "__pycache__")
            for name in sorted(names):
                if not suffixes or name.endswith(suffixes):
                    yield Path(root, name)


def _add_file(digest: Any, path: Path, root: Path) -> None:
    """Add a file's place and bytes to a hash."""
    digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
    try:
        digest.update(path.read_bytes())
    except OSError:
        digest.update(b"\0unreadable")

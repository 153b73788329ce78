"""Publish a lesson's documents as one set (all replaced, or none), and never through a link."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

_TEMPORARY_SUFFIX = ".tmp"
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_TEMPORARY_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
_UNTOUCHED = "nothing of this lesson was replaced: its previous documents are as they were"


class OutputError(Exception):
    """Raised when a lesson's documents cannot be published; the message says what is left where."""


def publish(folder: Path, documents: Mapping[str, bytes], *, remove: Sequence[str] = ()) -> None:
    """Replace documents in folder all together, then delete the named ones the lesson no longer has.

    The folder's parent may be a link (the user chose it); the folder itself and every file in it
    that studygen touches must not be one, so nothing is ever written or deleted through a link.
    """
    with _nothing_replaced_on_error():
        descriptor = _open_lesson_folder(folder)
    try:
        with _nothing_replaced_on_error():
            _refuse_links(descriptor, [*documents, *remove])
            _remove_leftovers(descriptor)
            temporaries = _write_temporaries(descriptor, documents)
        _rename_all(descriptor, temporaries)
        _remove_stale(descriptor, remove)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def _nothing_replaced_on_error() -> Iterator[None]:
    """Report an operating-system error before any rename as one that left the old documents in place."""
    try:
        yield
    except OSError as error:
        raise OutputError(f"{_reason(error)}; {_UNTOUCHED}") from None


def _open_lesson_folder(folder: Path) -> int:
    """Make folder if needed and open it, refusing it if it is a link or not a folder."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    parent = os.open(folder.parent, _FOLDER_FLAGS)
    try:
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder.name, dir_fd=parent)
            os.fsync(parent)  # the new folder's entry survives a crash along with its files
        try:
            # O_NOFOLLOW: a link swapped in after the check above is refused here, not followed.
            return os.open(folder.name, _FOLDER_FLAGS | os.O_NOFOLLOW, dir_fd=parent)
        except NotADirectoryError:
            mode = os.stat(folder.name, dir_fd=parent, follow_symlinks=False).st_mode
            raise OutputError(_not_a_folder(mode)) from None
    finally:
        os.close(parent)


def _not_a_folder(mode: int) -> str:
    """Say why the lesson's folder cannot hold the lesson's documents and what to do about it."""
    if stat.S_ISLNK(mode):
        return (
            "it is a symbolic link, and studygen never writes through links: remove the link "
            f"(not what it points at) and build again; {_UNTOUCHED}"
        )
    return f"it is a file, not a folder: move or remove it and build again; {_UNTOUCHED}"


def _refuse_links(descriptor: int, names: Sequence[str]) -> None:
    """Refuse to go on if a document or temporary file studygen would touch is a link or a folder."""
    links, folders = [], []
    with os.scandir(descriptor) as entries:
        for entry in entries:
            if entry.name in names or _is_leftover(entry.name):
                if entry.is_symlink():
                    links.append(entry.name)
                elif entry.name in names and entry.is_dir(follow_symlinks=False):
                    folders.append(entry.name)
    if links:
        raise OutputError(
            f"{_these(links, 'is a symbolic link', 'are symbolic links')}, and studygen never writes "
            f"through links: remove {_these(links, 'the link', 'the links', named=False)} (not what "
            f"{_these(links, 'it points', 'they point', named=False)} at) and build again; {_UNTOUCHED}"
        )
    if folders:
        raise OutputError(
            f"{_these(folders, 'is a folder, not a file', 'are folders, not files')}: move or remove "
            f"{_these(folders, 'it', 'them', named=False)} and build again; {_UNTOUCHED}"
        )


def _remove_leftovers(descriptor: int) -> None:
    """Delete temporary files a killed build left in the folder (never a finished output)."""
    with os.scandir(descriptor) as entries:
        leftovers = [e.name for e in entries if _is_leftover(e.name) and e.is_file(follow_symlinks=False)]
    for name in leftovers:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=descriptor)  # unlink removes a name, never what a link points at


def _write_temporaries(descriptor: int, documents: Mapping[str, bytes]) -> dict[str, str]:
    """Write and sync every document under a temporary name beside its own; return final -> temporary.

    If any write fails, every temporary file written so far is removed and no document is replaced.
    """
    temporaries: dict[str, str] = {}
    try:
        for name, data in documents.items():
            temporary = f".{name}.{secrets.token_hex(4)}{_TEMPORARY_SUFFIX}"
            _write_synced(descriptor, temporary, data)
            temporaries[name] = temporary  # only once it is ours: O_EXCL never opens someone else's
        os.fsync(descriptor)
    except BaseException:
        for temporary in temporaries.values():
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=descriptor)
        raise
    return temporaries


def _write_synced(descriptor: int, name: str, data: bytes) -> None:
    """Create name afresh (never opening an existing file or link), write data and sync it to disk.

    If the write fails, the half-written file is removed.
    """
    handle = os.open(name, _TEMPORARY_FLAGS, 0o600, dir_fd=descriptor)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fchmod(handle, 0o644)
        os.fsync(handle)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=descriptor)
        raise
    finally:
        os.close(handle)


def _rename_all(descriptor: int, temporaries: Mapping[str, str]) -> None:
    """Rename every temporary file over its document, with Ctrl-C and SIGTERM held until all are done."""
    done: list[str] = []
    with _signals_held():
        try:
            for name, temporary in temporaries.items():
                os.replace(temporary, name, src_dir_fd=descriptor, dst_dir_fd=descriptor)
                done.append(name)
            os.fsync(descriptor)
        except OSError as error:
            for name, temporary in temporaries.items():
                if name not in done:
                    with contextlib.suppress(OSError):
                        os.unlink(temporary, dir_fd=descriptor)
            replaced = f"only {_listed(done)} of its documents" if done else "none of its documents"
            raise OutputError(f"{_reason(error)}; {replaced} replaced: build this lesson again") from None


def _remove_stale(descriptor: int, names: Sequence[str]) -> None:
    """Delete the documents the lesson no longer has, now that the new set is in place."""
    for name in names:
        try:
            # A handout for a part the lesson no longer has would be published as if it were current.
            os.unlink(name, dir_fd=descriptor)
        except FileNotFoundError:
            continue
        except OSError as error:
            raise OutputError(
                f"{_reason(error)}; the new documents are in place, but {name}, which this lesson no "
                "longer has, is still there: delete it by hand"
            ) from None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back Ctrl-C, SIGTERM and SIGHUP until the block ends, so they cannot split a set in two.

    Python runs signal handlers in the main thread only, whichever thread the signal reached, so
    swapping the handlers there for a recorder (and replaying what it caught) holds them reliably.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers can only be swapped in the main thread; a library caller takes its chances
        return
    caught: list[int] = []
    previous = {number: signal.getsignal(number) for number in _HELD_SIGNALS}
    held = [number for number, handler in previous.items() if handler is not None]  # None: not Python's
    for number in held:
        signal.signal(number, lambda received, _frame: caught.append(received))
    try:
        yield
    finally:
        for number in held:
            signal.signal(number, previous[number])
        for received in dict.fromkeys(caught):
            signal.raise_signal(received)  # now handled as if it arrived here: KeyboardInterrupt, exit...


def has_leftovers(folder: Path) -> bool:
    """Whether a killed build left temporary files in a lesson's folder, for the next build to remove."""
    try:
        with os.scandir(folder) as entries:
            return any(_is_leftover(entry.name) for entry in entries)
    except OSError:
        return False


def _is_leftover(name: str) -> bool:
    """Whether a file name is a build's temporary file."""
    return name.startswith(".") and name.endswith(_TEMPORARY_SUFFIX)


def _reason(error: OSError) -> str:
    """The operating system's words for an error, without the errno number."""
    return error.strerror or errno.errorcode.get(error.errno or 0, str(error))


def _listed(names: Sequence[str]) -> str:
    """Names joined for a sentence."""
    return ", ".join(names)


def _these(names: Sequence[str], one: str, many: str, *, named: bool = True) -> str:
    """Words for one name or several, after the names themselves unless named is False."""
    words = one if len(names) == 1 else many
    return f"{_listed(sorted(names))} in it {words}" if named else words

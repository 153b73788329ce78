"""Load WeasyPrint's C libraries (Pango, HarfBuzz, fontconfig) without a library search per name."""

from __future__ import annotations

import contextlib
import importlib
import io
import sys


def load_weasyprint_libraries() -> None:
    """Import WeasyPrint with its C libraries opened by the file names it lists, on Linux.

    WeasyPrint tries several names for each library (`libpango-1.0-0`, `pango-1.0-0`, `pango-1.0`,
    `libpango-1.0.so.0`, …). For every name that does not open as it is, cffi calls
    `ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then gcc, then ld, as child
    processes: about twenty of them, 0.3 s or more of every render worker's start on a 2-core machine.
    Each list also holds the library's soname (`libpango-1.0.so.0`), which the dynamic loader opens
    from the same places that search looks in, and that soname is what the search would return. So
    the search is skipped while WeasyPrint imports. Should that fail, nothing of it is kept, and the
    usual import runs next, with WeasyPrint's own message about what is missing.
    """
    if not sys.platform.startswith("linux") or "weasyprint" in sys.modules:
        return
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        # WeasyPrint prints installation help before it raises; the usual import prints it if need be.
        with contextlib.redirect_stdout(io.StringIO()):
            importlib.import_module("weasyprint")
    except OSError:
        for name in [name for name in sys.modules if name.partition(".")[0] == "weasyprint"]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search


def _not_searched(name: str) -> None:
    """Find no library by a short name, so cffi moves on to the next name WeasyPrint lists."""
    return None

"""studygen: printable study material from one YAML lesson."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """Read `__version__` only when asked: importlib.metadata costs a start-up most commands do not need."""
    if name != "__version__":
        raise AttributeError(f"module 'studygen' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("studygen")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"

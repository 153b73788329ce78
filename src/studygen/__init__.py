"""studygen: printable study material from one YAML lesson."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("studygen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

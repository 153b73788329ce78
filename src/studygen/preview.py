"""Serve a watch session's HTML previews on localhost, with a page that reloads itself after a rebuild.

Standard library only, in a thread beside the watcher. It answers on 127.0.0.1 alone, and only to
requests that name it as their host (a web page elsewhere that points its own name at 127.0.0.1 is
refused), and it serves nothing but files inside the preview, output and lesson folders: a path
with `..`, an absolute path, a hidden file, or a link that leads outside is not found. Pages may run
only the reload script served here, and load nothing from the network.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from studygen.documents import DOCUMENTS
from studygen.errors import StudygenError
from studygen.resources import IMAGE_SUFFIXES

HOST = "127.0.0.1"
"""The only address the preview listens on: this computer, never the network."""

POLL_MS = 250
"""How often an open preview page asks whether a rebuild happened."""

RELOAD_SCRIPT = f"""\
// studygen watch: reload this page once a rebuild changed the documents (no network, no other script).
(function () {{
  var shown = document.currentScript.dataset.version;
  function poll() {{
    fetch("/version", {{cache: "no-store"}})
      .then(function (response) {{ return response.text(); }})
      .then(function (version) {{
        if (version.trim() !== shown) {{ location.reload(); }} else {{ setTimeout(poll, {POLL_MS}); }}
      }})
      .catch(function () {{ setTimeout(poll, 1000); }});
  }}
  setTimeout(poll, {POLL_MS});
}})();
"""

PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'unsafe-inline'; font-src 'self' data:; base-uri 'self'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""What a served page may load: this server's reload script and the lesson's own images, nothing else."""

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
"""The files the preview serves, by ending; anything else is not found."""

NOT_FOUND = b"Not found: nothing in the preview has that address.\n"
"""The answer to every path that names nothing servable, whether missing or refused: they look alike."""

_BASE = re.compile(r'<base href="[^"]*">')
"""The base.html template's `<base>`, which points a preview at the lesson folder as a file: URL."""


@dataclass
class LessonState:
    """What the preview shows of one lesson: where its files are, and its last error if the build failed."""

    file: Path
    error: str | None = None


@dataclass
class Site:
    """What the server shows, changed by the watcher between rebuilds; `version` counts the changes."""

    previews: Path
    """The folder the HTML previews are built into: <previews>/<slug>/<document>.html."""
    out: Path
    """The build's output folder, for the PDFs: <out>/<slug>/<document>.pdf."""
    lessons: dict[str, LessonState] = field(default_factory=dict)
    version: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, lessons: Mapping[str, LessonState]) -> None:
        """Show these lessons from now on, and tell every open page to reload."""
        with self.lock:
            self.lessons = dict(lessons)
            self.version += 1


class Preview:
    """The preview server, running in a thread until `stop`."""

    def __init__(self, site: Site, port: int) -> None:
        try:
            self._server = _Server((HOST, port), _Handler)
        except OSError as error:
            raise StudygenError(
                f"cannot serve the preview on port {port} ({error.strerror}): choose another with "
                "--port, or --port 0 for any free one"
            ) from None
        self._server.site = site
        self._thread = threading.Thread(target=self._server.serve_forever, name="preview", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The index page's address."""
        return f"http://{HOST}:{self._server.server_address[1]}/"

    def stop(self) -> None:
        """Stop answering and close the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that knows the site it shows."""

    daemon_threads = True
    site: Site


class _Handler(BaseHTTPRequestHandler):
    """Answer GET and HEAD for the index, the version, the reload script and the lessons' files."""

    server: _Server
    server_version = "studygen-preview"
    sys_version = ""

    def do_GET(self) -> None:
        """Send what the path names, or an error page."""
        self._answer(body=True)

    def do_HEAD(self) -> None:
        """Send the headers GET would."""
        self._answer(body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Print nothing per request: the terminal is for rebuilds and errors."""

    def _answer(self, *, body: bool) -> None:
        """Route a request, refusing a foreign Host header before looking at the path."""
        if not self._host_is_ours():
            self._send(HTTPStatus.FORBIDDEN, b"This preview only answers at its own address.\n", body=body)
            return
        site = self.server.site
        path = urlsplit(self.path).path
        if path == "/":
            with site.lock:
                page = _index(site)
            self._send(HTTPStatus.OK, page.encode(), ".html", body=body)
        elif path == "/version":
            self._send(HTTPStatus.OK, f"{site.version}\n".encode(), content_type="text/plain", body=body)
        elif path == "/reload.js":
            self._send(HTTPStatus.OK, RELOAD_SCRIPT.encode(), content_type="text/javascript", body=body)
        else:
            self._send_file(path, body=body)

    def _host_is_ours(self) -> bool:
        """Whether the request names this server: a DNS-rebinding page names its own host instead."""
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in {f"{HOST}:{port}", f"localhost:{port}"}

    def _send_file(self, path: str, *, body: bool) -> None:
        """Send a preview page, a PDF or a lesson's image, if the path names one that may be served."""
        site = self.server.site
        parts = _segments(path)
        route, slug, rest = (parts[0], parts[1], parts[2:]) if parts and len(parts) >= 3 else ("", "", [])
        with site.lock:
            lesson = site.lessons.get(slug)
            version = site.version
        found = _lesson_file(site, route, slug, rest, lesson) if lesson is not None else None
        try:
            data = found.read_bytes() if found is not None else None
        except OSError:
            data = None
        if found is None or data is None or lesson is None:
            self._send(HTTPStatus.NOT_FOUND, NOT_FOUND, body=body)
            return
        if route == "preview":
            data = _live(data.decode("utf-8", "replace"), slug, lesson, version).encode()
        self._send(HTTPStatus.OK, data, found.suffix.lower(), body=body)

    def _send(
        self,
        status: HTTPStatus,
        data: bytes,
        suffix: str = "",
        *,
        content_type: str = "text/plain; charset=utf-8",
        body: bool,
    ) -> None:
        """Send a response that no browser caches, sniffs, frames or lets load anything from elsewhere."""
        self.send_response(status)
        self.send_header("Content-Type", TYPES.get(suffix, content_type))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if suffix != ".pdf":  # the browser's PDF viewer is a page of its own, which a policy would block
            self.send_header("Content-Security-Policy", PAGE_POLICY)
        self.end_headers()
        if body:
            self.wfile.write(data)


def _segments(path: str) -> list[str] | None:
    """Split a URL path into its decoded segments, or None if one could step outside or is hidden."""
    if not path.startswith("/"):
        return None
    try:
        parts = [unquote(part, errors="strict") for part in path[1:].split("/")]
    except UnicodeDecodeError:
        return None
    for part in parts:
        if not part or part.startswith(".") or any(character in part for character in "/\\\0:"):
            return None
    return parts


def _lesson_file(site: Site, route: str, slug: str, rest: list[str], lesson: LessonState) -> Path | None:
    """Find the file a route names for a lesson, inside the folder that route serves from, or None."""
    folders = {
        "preview": (site.previews / slug, (".html",)),
        "pdf": (site.out / slug, (".pdf",)),
        "lessons": (lesson.file.parent, IMAGE_SUFFIXES),
    }
    if route not in folders:
        return None
    folder, suffixes = folders[route]
    if Path(rest[-1]).suffix.lower() not in suffixes:
        return None
    return _inside(folder, rest)


def _inside(folder: Path, parts: Iterable[str]) -> Path | None:
    """The regular file these segments name under folder once every link is followed, if it stays inside."""
    try:
        root = folder.resolve(strict=True)
        file = folder.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a loop of links
        return None
    if not file.is_relative_to(root) or not file.is_file():
        return None
    return file


def _live(page: str, slug: str, lesson: LessonState, version: int) -> str:
    """Make a built preview page live: images from this server, the last error on top, the reload script."""
    page = _BASE.sub(f'<base href="/lessons/{quote(slug)}/">', page, count=1)
    if lesson.error is not None:
        page = re.sub(r"(<body[^>]*>)", lambda body: body.group(1) + _banner(lesson.error), page, count=1)
    script = f'<script src="/reload.js" data-version="{version}"></script>\n'
    end = page.rfind("</body>")
    return page[:end] + script + page[end:] if end >= 0 else page + script


def _banner(error: str | None) -> str:
    """A box at the top of a page that says the lesson no longer builds, and why."""
    return (
        '<div role="alert" id="studygen-error" style="border: 2px solid #b00; background: #fee; '
        'padding: 0.5em 1em; margin: 0 0 1em; font: 14px/1.4 sans-serif; white-space: pre-wrap;">'
        f"<strong>This lesson no longer builds</strong>; the page below is from its last good build. "
        f"Fix the lesson and save it.\n{html.escape(error or '')}</div>"
    )


def _index(site: Site) -> str:
    """The index page: every lesson, with its previews and PDFs, and its error if its build failed."""
    items = [_index_entry(site, slug, lesson) for slug, lesson in sorted(site.lessons.items())]
    listing = "\n".join(items) if items else "<p>No lessons yet.</p>"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>studygen preview</title>\n"
        "<style>body { font: 16px/1.5 sans-serif; margin: 2em; } li { margin: 0.2em 0; } "
        ".error { color: #b00; white-space: pre-wrap; }</style>\n</head>\n<body>\n"
        f"<h1>studygen preview</h1>\n<ul>\n{listing}\n</ul>\n"
        f'<script src="/reload.js" data-version="{site.version}"></script>\n</body>\n</html>\n'
    )


def _index_entry(site: Site, slug: str, lesson: LessonState) -> str:
    """One lesson's line on the index page: its previews, then its PDFs, in the documents' order."""
    groups = []
    for label, route, folder, suffix in (
        ("preview", "preview", site.previews, ".html"),
        ("PDF", "pdf", site.out, ".pdf"),
    ):
        files = sorted(
            (file for file in (folder / slug).glob(f"*{suffix}") if not file.name.startswith(".")),
            key=_document_order,
        )
        links = [
            f'<a href="/{route}/{quote(slug)}/{quote(file.name)}">{html.escape(file.stem)}</a>'
            for file in files
        ]
        if links:
            groups.append(f"{label}: {' · '.join(links)}")
    error = f'<div class="error">{html.escape(lesson.error)}</div>' if lesson.error else ""
    return (
        f"<li><strong>{html.escape(slug)}</strong> ({html.escape(str(lesson.file))})<br>"
        f"{' — '.join(groups) or 'nothing built yet'}{error}</li>"
    )


def _document_order(file: Path) -> tuple[int, str]:
    """Sort a lesson's files as the build lists its documents: worksheet, answer key, self-check, cards."""
    names = list(DOCUMENTS)
    first = next((index for index, name in enumerate(names) if file.stem.startswith(name)), len(names))
    return first, file.name

"""Untrusted lessons never reach the network or files outside their folder, through the real CLI."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
import secrets
import struct
import subprocess
import sys
import threading
import urllib.request
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, StreamObject

from studygen.cli import cli
from studygen.manifest import MANIFEST_NAME

ROOT = Path(__file__).parents[1]
SEED = ROOT / "content" / "imitation-learning.yaml"
DOCUMENTS = ("worksheet", "answer-key", "self-check", "flashcards")


# --- a server that must never hear from studygen ------------------------------------------------------


def png(text: bytes = b"") -> bytes:
    """Make a valid 1x1 PNG, with text (the canary) in a tEXt chunk if given."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    chunks = chunk(b"IHDR", header)
    if text:
        chunks += chunk(b"tEXt", b"Comment\0" + text)
    chunks += chunk(b"IDAT", zlib.compress(b"\0\xff\0\0")) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


@dataclass
class Server:
    """A local HTTP server that records every connection and request it gets."""

    port: int
    hits: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """Serve a tiny PNG for any path on 127.0.0.1, recording each hit, so a fetch would succeed."""
    hits: list[str] = []
    lock = threading.Lock()
    body = png()

    class Recorder(BaseHTTPRequestHandler):
        def setup(self) -> None:
            with lock:
                hits.append(f"connection from {self.client_address}")
            super().setup()

        def answer(self) -> None:
            with lock:
                hits.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_HEAD = do_POST = answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    recorded = Server(httpd.server_address[1], hits)
    try:
        # The server really answers and records: a fetch that reached it would be seen.
        with urllib.request.urlopen(recorded.url("/probe"), timeout=5) as response:
            assert response.read() == body
        assert "GET /probe" in hits
        hits.clear()
        yield recorded
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# --- a canary outside the lesson's folder ------------------------------------------------------------


@dataclass(frozen=True)
class Canary:
    """Secret files outside the lesson's folder, each holding a unique token."""

    token: str
    folder: Path

    @property
    def txt(self) -> Path:
        return self.folder / "canary.txt"

    @property
    def png(self) -> Path:
        return self.folder / "canary.png"

    @property
    def svg(self) -> Path:
        return self.folder / "canary.svg"


def make_canary(root: Path) -> Canary:
    """Write root/secret/canary.{txt,png,svg}, each containing a fresh random token."""
    canary = Canary("CANARY" + secrets.token_hex(12).upper(), root / "secret")
    canary.folder.mkdir()
    canary.txt.write_text(f"secret {canary.token}\n", encoding="utf-8")
    canary.png.write_bytes(png(canary.token.encode()))
    canary.svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
        f'<g id="t"><text x="0" y="20">{canary.token}</text></g></svg>',
        encoding="utf-8",
    )
    return canary


# --- lessons ----------------------------------------------------------------------------------------

MARKDOWN_FIELDS = (
    "intro",
    "self_check.intro",
    "question",
    "answer",
    "table.instructions",
    "prompt",
    "table.discussion",
    "choice.instructions",
    "item.prompt",
    "verdict",
    "reason",
    "choice.discussion",
    "card.question",
    "card.answer",
)
TEXT_FIELDS = (
    "title",
    "subject",
    "author",
    "source",
    "table.title",
    "materials",
    "column.label",
    "choice.title",
    "option.label",
)


def lesson_data(text: Callable[[str], str]) -> dict[str, Any]:
    """A lesson using every kind of text field; text(name) gives each field's text."""
    return {
        "title": text("title"),
        "subject": text("subject"),
        "author": text("author"),
        "source": text("source"),
        "intro": text("intro"),
        "self_check": {
            "intro": text("self_check.intro"),
            "questions": [{"question": text("question"), "answer": text("answer")}],
        },
        "exercises": [
            {
                "kind": "computed-table",
                "title": text("table.title"),
                "materials": text("materials"),
                "minutes": 5,
                "instructions": text("table.instructions"),
                "given": {"ε": "0.05"},
                "prompt": text("prompt"),
                "rows": {"symbol": "T", "values": [50, 200]},
                "columns": [{"label": text("column.label"), "formula": "ε * T^2"}],
                "lines": 2,
                "discussion": text("table.discussion"),
            },
            {
                "kind": "choice",
                "title": text("choice.title"),
                "instructions": text("choice.instructions"),
                "options": [
                    {"id": "adequate", "label": text("option.label")},
                    {"id": "likely-to-break", "label": "Likely to break"},
                ],
                "items": [
                    {
                        "prompt": text("item.prompt"),
                        "answer": "adequate",
                        "verdict": text("verdict"),
                        "reason": text("reason"),
                    }
                ],
                "discussion": text("choice.discussion"),
            },
        ],
        "flashcards": [{"question": text("card.question"), "answer": text("card.answer")}],
    }


def to_yaml(value: Any, indent: int = 0) -> str:
    """Write data as block YAML with every text double-quoted on one line (so each field has one line)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list):
                lines.append(f"{pad}{key}:")
                lines.append(to_yaml(item, indent + 2))
            else:
                lines.append(f"{pad}{key}: {scalar(item)}")
    else:
        for item in value:
            if isinstance(item, dict):
                nested = to_yaml(item, indent + 2)
                lines.append(pad + "- " + nested[indent + 2 :])
            elif isinstance(item, list):
                raise TypeError("lists of lists are not part of the lesson format")
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return "\n".join(lines)


def scalar(value: Any) -> str:
    """Write one scalar: text as a double-quoted YAML (JSON) string, numbers as they are."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def plain(name: str) -> str:
    """Harmless text for a field."""
    return f"Plain {name.replace('.', ' ')}."


def with_image(target: str, markdown: str) -> Callable[[str], str]:
    """Harmless text everywhere except target, which holds markdown."""
    return lambda name: markdown if name == target else plain(name)


@dataclass(frozen=True)
class Refused:
    """A lesson whose one image the load-time check must refuse, at the line of the field holding it."""

    name: str
    target: str
    markdown: str


def refused_lessons(server: Server, canary: Canary) -> list[Refused]:
    """Every way a markdown image could point at the network or outside the lesson's folder."""
    hidden_svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="' + server.url("/md/data-svg.png") + '"/></svg>'
    )
    data_svg = "data:image/svg+xml;base64," + base64.b64encode(hidden_svg.encode()).decode()
    port = server.port
    return [
        Refused("http", "intro", f"![a]({server.url('/md/http.png')})"),
        Refused("https-uppercase", "question", f"![a](HTTPS://127.0.0.1:{port}/md/https.png)"),
        Refused("protocol-relative", "answer", f"![a](//127.0.0.1:{port}/md/protocol-relative.png)"),
        Refused("reference-style", "self_check.intro", f"![a][r]\n\n[r]: {server.url('/md/reference.png')}"),
        Refused("html-entity-scheme", "prompt", f"![a](&#104;ttp://127.0.0.1:{port}/md/entity.png)"),
        Refused(
            "image-in-link", "reason", f"[![a]({server.url('/md/nested.png')})](https://example.invalid)"
        ),
        Refused("file-url", "table.instructions", f"![a]({canary.png.as_uri()})"),
        Refused("file-localhost", "verdict", f"![a](file://localhost{canary.png})"),
        Refused("absolute-path", "table.discussion", f"![a]({canary.png})"),
        Refused("parent-folder", "card.question", "![a](../secret/canary.png)"),
        Refused("parent-folder-encoded", "card.answer", "![a](%2e%2e/secret/canary.png)"),
        Refused("backslash-unc", "choice.instructions", r"![a](\\\\127.0.0.1\\share\\x.png)"),
        Refused("symlink-to-png", "item.prompt", "![a](escape.png)"),
        Refused("symlink-to-svg", "choice.discussion", "![a](escape.svg)"),
        Refused("symlinked-folder", "intro", "![a](secret-link/canary.png)"),
        Refused("data-svg", "answer", f"![a]({data_svg})"),
    ]


def svg(body: str, prolog: str = "") -> str:
    """Wrap SVG elements in a document."""
    return (
        f"{prolog}<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' "
        f"width='60' height='60'>{body}</svg>"
    )


def lesson_svgs(server: Server, canary: Canary) -> dict[str, str]:
    """SVG files inside the lesson's folder; all but ok.svg reach (or try to reach) outside it."""
    nested = svg(f"<image href='{server.url('/svg/nested-data.png')}' width='9' height='9'/>")
    nested_url = "data:image/svg+xml;base64," + base64.b64encode(nested.encode()).decode()
    images = [
        server.url("/svg/from-svg.png"),
        f"//127.0.0.1:{server.port}/svg/protocol-relative.png",
        canary.png.as_uri(),
        "../secret/canary.png",
        "escape.png",
        nested_url,
    ]
    return {
        "ok.svg": svg("<image href='ok.png' width='30' height='30'/><rect width='5' height='5'/>"),
        "remote-image.svg": svg(
            "".join(f"<image xlink:href='{src}' width='9' height='9'/>" for src in images)
            + f"<use href='{canary.svg.as_uri()}#t'/><use href='../secret/canary.svg#t'/>"
            + f"<use href='{server.url('/svg/use.svg')}#t'/><rect width='5' height='5'/>"
        ),
        "remote-font.svg": svg(
            "<style>@font-face { font-family: Leak; src: url("
            + server.url("/svg/font.woff")
            + f"), url({canary.txt.as_uri()}), url(../secret/canary.txt); }}</style>"
            "<text x='0' y='20' font-family='Leak'>font</text>"
        ),
        "remote-import.svg": svg(
            f"<style>@import url({server.url('/svg/import.css')});</style><rect width='5' height='5'/>",
            prolog=f"<?xml-stylesheet type='text/css' href='{server.url('/svg/pi.css')}'?>",
        ),
        "xxe.svg": svg(
            "<text x='0' y='20'>&leak;</text>",
            prolog=(
                f"<!DOCTYPE svg SYSTEM '{server.url('/svg/doctype.dtd')}' ["
                f"<!ENTITY leak SYSTEM '{canary.txt.as_uri()}'>"
                f"<!ENTITY % remote SYSTEM '{server.url('/svg/parameter.dtd')}'> %remote;]>"
            ),
        ),
    }


def disguised_png(server: Server, canary: Canary) -> str:
    """A `data:image/png` URL that is really an SVG pulling in the network and the canary."""
    body = svg(
        f"<image href='{server.url('/data/disguised.png')}' width='9' height='9'/>"
        f"<image href='{canary.png.as_uri()}' width='9' height='9'/>"
        f"<use href='{canary.svg.as_uri()}#t'/>"
    )
    return "data:image/png;base64," + base64.b64encode(body.encode()).decode()


SVG_LESSONS = {
    "svg-remote-image": "![d](remote-image.svg)",
    "svg-remote-font": "![d](remote-font.svg)",
    "svg-remote-import": "![d](remote-import.svg)",
    "svg-xxe": "![d](xxe.svg)",
}
"""Lessons whose image is a file in the folder, but whose SVG reaches out: the load-time check reads the SVG
and refuses them; the render sandbox, tested directly below, would refuse what they reach for too."""

REFUSED_WHEN_RENDERED = ("svg-remote-image", "data-png-disguised-svg")
"""Lessons whose image pulls in the network and the canary: the fetcher must refuse each; the build fails."""

BROKEN_SVG = ("svg-remote-import", "svg-xxe")
"""Lessons whose SVG WeasyPrint cannot load at all (an @import, external entities): the build fails."""

RAW_HTML = (
    "<img src={http}/raw/img.png>",
    "<img src=../secret/canary.png>",
    "<img src={canary_png}>",
    "<link rel=attachment href={canary_txt}>",
    "<link rel=stylesheet href={http}/raw/style.css>",
    "<style>@import url({http}/raw/import.css);</style>",
    "<object data={http}/raw/object.png></object>",
    "<iframe src={http}/raw/iframe.html></iframe>",
    "<embed src={http}/raw/embed.png>",
    "<svg><image href={http}/raw/svg-image.png /></svg>",
    "<a rel=attachment href=../secret/canary.txt>attached</a>",
    "<div style=background:url({http}/raw/background.png)>div</div>",
)
"""Raw HTML a lesson might hide in markdown; each must print as the characters typed."""

LINKS = (
    "[link]({http}/md/link)",
    "<{http}/md/autolink>",
    "[file link]({canary_txt})",
    "[parent link](../secret/canary.txt)",
    "{{{{ lesson.title|upper }}}} {{% include ../secret/canary.txt %}}",
)
"""Links print (and may be clicked later) and template syntax is text; studygen must never fetch them."""


def raw_html_text(server: Server, canary: Canary, visible: str) -> Callable[[str], str]:
    """Raw HTML in every field: an <img> per field, and every other construct spread over the markdown."""
    values = {"http": server.url(""), "canary_png": canary.png.as_uri(), "canary_txt": canary.txt.as_uri()}
    extras = [snippet.format(**values) for snippet in (*RAW_HTML, *LINKS)]
    spread: dict[str, list[str]] = {name: [] for name in MARKDOWN_FIELDS}
    for index, snippet in enumerate(extras):
        spread[MARKDOWN_FIELDS[index % len(MARKDOWN_FIELDS)]].append(snippet)

    def text(name: str) -> str:
        words = [f"Field {name}", f"<img src={server.url('/field/' + name + '.png')}>", *spread.get(name, [])]
        if name == "intro":
            words.append(visible)
        return " ".join(words)

    return text


# --- running the CLI -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One CLI run and the server hits recorded while it ran."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    hits: tuple[str, ...]


def studygen(server: Server, cwd: Path, *args: str | Path) -> Run:
    """Run `python -m studygen ARGS` in cwd and report what the server heard meanwhile."""
    before = len(server.hits)
    result = subprocess.run(
        [sys.executable, "-m", "studygen", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Run(
        tuple(map(str, args)), result.returncode, result.stdout, result.stderr, tuple(server.hits[before:])
    )


@dataclass
class Sandbox:
    """Everything the CLI tests share: the folders, the lessons and the runs."""

    root: Path
    lesson_folder: Path
    canary: Canary
    visible: str
    refused: list[Refused]
    runs: dict[str, Run]

    def file(self, name: str) -> Path:
        return self.lesson_folder / f"{name}.yaml"


RUNS = (
    "check folder",
    "build folder pdf",
    "build folder html",
    "check raw-html",
    "build raw-html pdf",
    "build raw-html html",
    "build svg-ok pdf",
    "build seed pdf",
)


@pytest.fixture(scope="module")
def sandbox(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    """Write the hostile lessons into root/lesson/ and run the CLI on them, each command once."""
    root = tmp_path_factory.mktemp("sandbox")
    canary = make_canary(root)
    folder = root / "lesson"
    folder.mkdir()
    (folder / "escape.png").symlink_to("../secret/canary.png")
    (folder / "escape.svg").symlink_to(canary.svg)
    (folder / "secret-link").symlink_to("../secret", target_is_directory=True)
    (folder / "ok.png").write_bytes(png())
    for name, text in lesson_svgs(server, canary).items():
        (folder / name).write_text(text, encoding="utf-8")
    assert (folder / "escape.png").read_bytes() == canary.png.read_bytes()  # the links do lead out

    visible = "VISIBLE" + secrets.token_hex(8).upper()
    refused = refused_lessons(server, canary)
    lessons = {r.name: lesson_data(with_image(r.target, r.markdown)) for r in refused}
    lessons.update({name: lesson_data(with_image("intro", md)) for name, md in SVG_LESSONS.items()})
    lessons["data-png-disguised-svg"] = lesson_data(
        with_image("intro", f"![d]({disguised_png(server, canary)})")
    )
    lessons["svg-ok"] = lesson_data(with_image("intro", "![d](ok.svg)"))
    lessons["raw-html"] = lesson_data(raw_html_text(server, canary, visible))
    for name, data in lessons.items():
        (folder / f"{name}.yaml").write_text(to_yaml(data) + "\n", encoding="utf-8")

    raw, ok = folder / "raw-html.yaml", folder / "svg-ok.yaml"
    commands: dict[str, tuple[str | Path, ...]] = {
        "check folder": ("check", folder),
        "build folder pdf": ("build", folder, "--out", root / "out-pdf"),
        "build folder html": ("build", folder, "--out", root / "out-html", "--format", "html"),
        "check raw-html": ("check", raw),
        "build raw-html pdf": ("build", raw, "--out", root / "raw-pdf"),
        "build raw-html html": ("build", raw, "--out", root / "raw-html", "--format", "html"),
        "build svg-ok pdf": ("build", ok, "--out", root / "ok-pdf"),
        "build seed pdf": ("build", SEED, "--out", root / "seed-pdf"),
    }
    assert tuple(commands) == RUNS
    runs = {name: studygen(server, root, *args) for name, args in commands.items()}
    return Sandbox(root, folder, canary, visible, refused, runs)


# --- looking for leaks in the outputs ---------------------------------------------------------------------


@dataclass
class PdfScan:
    """What a PDF holds that matters here: where a token shows up, images, attachments."""

    found: list[str]
    images: int
    attachments: list[str]
    text: str


def scan_pdf(data: bytes, token: str) -> PdfScan:
    """Look for token in a PDF's raw bytes, page text and every decoded stream; count images and files."""
    needles = (token.encode(), token.encode("utf-16-be"))
    found = [f"raw bytes ({needle[:8]!r}...)" for needle in needles if needle in data]
    reader = PdfReader(io.BytesIO(data), strict=True)
    text = "".join(page.extract_text() for page in reader.pages)
    if token in text or token in re.sub(r"\s+", "", text):
        found.append("page text")
    images = 0
    attachments: list[str] = []
    for idnum in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(idnum)
        if not isinstance(obj, StreamObject):
            continue
        body = obj.get_data()
        if any(needle in body for needle in needles):
            found.append(f"stream {idnum} ({obj.get('/Type')}, {obj.get('/Subtype')})")
        if obj.get("/Subtype") == "/Image":
            images += 1
        if obj.get("/Type") == "/EmbeddedFile":
            attachments.append(f"embedded file stream {idnum}")
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        attachments.append("/EmbeddedFiles in the catalog's /Names")
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots", None) or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                attachments.append(f"/FileAttachment annotation on page {number}")
    return PdfScan(found, images, attachments, text)


def outputs(folder: Path) -> list[Path]:
    """Every file a build wrote under folder."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


# --- the tests --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("run", RUNS)
def test_no_run_reaches_the_server(sandbox: Sandbox, run: str) -> None:
    assert sandbox.runs[run].hits == ()


def test_the_leak_scanner_can_fail(sandbox: Sandbox) -> None:
    """Control: a token in a compressed stream, an attachment and visible lesson text are all found."""
    token = sandbox.canary.token
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    contents = DecodedStreamObject()
    contents.set_data(f"BT 10 10 Td ({token}) Tj ET".encode())
    page.replace_contents(contents)
    page.compress_content_streams()
    writer.add_attachment("canary.txt", b"attached")
    planted = io.BytesIO()
    writer.write(planted)
    scan = scan_pdf(planted.getvalue(), token)
    assert token.encode() not in planted.getvalue()  # only the decoded stream holds it
    assert [where.split(" ")[0] for where in scan.found] == ["stream"]
    assert len(scan.attachments) == 2  # the embedded file and the catalog's /EmbeddedFiles
    worksheet = (sandbox.root / "raw-pdf" / "raw-html" / "worksheet.pdf").read_bytes()
    assert scan_pdf(worksheet, sandbox.visible).found == ["page text"]


@pytest.mark.parametrize(
    "run", ["check folder", "build folder pdf", "build folder html"], ids=["check", "pdf", "html"]
)
def test_every_refused_image_is_reported_at_its_line(sandbox: Sandbox, run: str) -> None:
    result = sandbox.runs[run]
    assert result.code == 1
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    for lesson in sandbox.refused:
        file = sandbox.file(lesson.name)
        line = next(
            number
            for number, text in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1)
            if json.dumps(lesson.markdown, ensure_ascii=False) in text
        )
        pattern = rf"^Error: {re.escape(str(file))}:{line}:\d+: [\w.\[\]]+: image '.*' is refused: .+$"
        assert re.search(pattern, result.stderr, re.M), (lesson.name, line, result.stderr)
        assert f"{file}: ok" not in result.stdout
        assert f"{file} ->" not in result.stdout


def in_process(server: Server, cwd: Path, *args: str | Path) -> Run:
    """Run `studygen ARGS` in this process from cwd (the folder run above proves the real process)."""
    before = len(server.hits)
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="studygen")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    hits = tuple(server.hits[before:])
    return Run(tuple(map(str, args)), result.exit_code, result.stdout, result.stderr, hits)


def test_each_refused_lesson_alone_fails_the_check(sandbox: Sandbox, server: Server) -> None:
    """Checked one by one, every refused lesson exits 1 with its one problem, and nothing is fetched."""
    for lesson in sandbox.refused:
        run = in_process(server, sandbox.root, "check", sandbox.file(lesson.name))
        assert run.code == 1, lesson.name
        assert run.hits == (), lesson.name
        [line] = run.stderr.splitlines()
        assert line.startswith(f"Error: {sandbox.file(lesson.name)}:") and "is refused" in line, line


def test_refused_lessons_write_nothing(sandbox: Sandbox) -> None:
    for lesson in sandbox.refused:
        for out in ("out-pdf", "out-html"):
            assert outputs(sandbox.root / out / lesson.name) == [], (out, lesson.name)


def test_check_accepts_the_lessons_whose_images_are_plain_files_in_their_folder(sandbox: Sandbox) -> None:
    stdout = sandbox.runs["check folder"].stdout
    for name in ("svg-ok", "raw-html"):
        assert f"{sandbox.file(name)}: ok" in stdout.splitlines()


@pytest.mark.parametrize("run", ["check folder", "build folder pdf", "build folder html"])
def test_check_reads_each_svg_and_inline_image_and_refuses_what_reaches_out(
    sandbox: Sandbox, run: str
) -> None:
    """An SVG reaching outside, or an inline "PNG" that is an SVG, is refused at its line before rendering."""
    result = sandbox.runs[run]
    for name in (*SVG_LESSONS, "data-png-disguised-svg"):
        file = sandbox.file(name)
        line = error_line(result, file)
        assert re.match(rf"Error: {re.escape(str(file))}:\d+:\d+: intro: image '.*' is refused: ", line), line
        expected = "is not a PNG or JPEG image" if name.startswith("data") else " of the SVG "
        assert expected in line or "<!DOCTYPE>" in line, line
        assert f"{file}: ok" not in result.stdout and f"{file} ->" not in result.stdout


@pytest.fixture(scope="module")
def rendered(sandbox: Sandbox, server: Server) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Render each hostile image straight through the sandboxed renderer, skipping the load-time check.

    The fetcher is the second line of defence: what an SVG reaches for must be refused there too.
    Each entry is the build error's message and what the server heard meanwhile.
    """
    from studygen.errors import BuildError
    from studygen.pdf import Renderer

    renderer = Renderer()
    sources = {
        "svg-remote-image": "remote-image.svg",
        "svg-remote-import": "remote-import.svg",
        "svg-xxe": "xxe.svg",
        "data-png-disguised-svg": disguised_png(server, sandbox.canary),
    }
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for name, source in sources.items():
        before = len(server.hits)
        try:
            renderer.render(f"<p>x</p><img src='{source}'>", folder=sandbox.lesson_folder, allowed=[])
        except BuildError as error:
            found[name] = (error.format_message(), tuple(server.hits[before:]))
        else:
            found[name] = ("rendered", tuple(server.hits[before:]))
    return found


def error_line(run: Run, file: Path) -> str:
    """The one error line a run printed for a lesson file."""
    [line] = [text for text in run.stderr.splitlines() if text.startswith(f"Error: {file}:")]
    return line


@pytest.mark.parametrize("name", REFUSED_WHEN_RENDERED)
def test_an_image_reaching_outside_is_refused_by_the_fetcher(
    rendered: dict[str, tuple[str, tuple[str, ...]]], name: str
) -> None:
    """What the image pulls in reaches the fetcher, which refuses it; the render fails saying so."""
    message, hits = rendered[name]
    assert hits == ()
    assert re.search(r"a file it uses was refused or is broken: .*refused ", message), message


@pytest.mark.parametrize("name", BROKEN_SVG)
def test_an_svg_that_cannot_load_fails_the_render_with_its_cause(
    rendered: dict[str, tuple[str, tuple[str, ...]]], name: str
) -> None:
    message, hits = rendered[name]
    assert hits == ()
    assert re.search(r"Failed to load image at '[^']*': \S", message), message


def test_the_svg_image_refusals_name_what_was_refused(
    rendered: dict[str, tuple[str, tuple[str, ...]]],
) -> None:
    """Each outside reference in remote-image.svg reached the fetcher and was refused there."""
    message, _ = rendered["svg-remote-image"]
    for refused in ("/svg/from-svg.png", "/svg/protocol-relative.png", "/svg/nested-data.png", "escape.png"):
        assert refused in message


def test_an_svg_may_show_an_image_from_its_own_folder(sandbox: Sandbox) -> None:
    """Control: the fetcher does serve the lesson's own files, so the refusals above are not vacuous."""
    result = sandbox.runs["build svg-ok pdf"]
    assert result.code == 0, result.stderr
    scan = scan_pdf((sandbox.root / "ok-pdf" / "svg-ok" / "worksheet.pdf").read_bytes(), "unused")
    assert scan.images >= 1
    assert f"{sandbox.file('svg-ok')} ->" in sandbox.runs["build folder pdf"].stdout


@pytest.mark.parametrize("run", ["check raw-html", "build raw-html pdf", "build raw-html html"])
def test_raw_html_is_accepted(sandbox: Sandbox, run: str) -> None:
    result = sandbox.runs[run]
    assert result.code == 0, result.stderr
    assert result.stderr == ""


class Tags(HTMLParser):
    """Collect the real tags and attributes of an HTML page (escaped text is not a tag)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: Counter[str] = Counter()
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names[tag] += 1
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def test_raw_html_prints_as_text_in_html_output(sandbox: Sandbox, server: Server) -> None:
    documents = {
        name: (sandbox.root / "raw-html" / "raw-html" / f"{name}.html").read_text(encoding="utf-8")
        for name in DOCUMENTS
    }
    everything = "\n".join(documents.values())
    for name in (*MARKDOWN_FIELDS, *TEXT_FIELDS):
        assert f"&lt;img src={server.url('/field/' + name + '.png')}&gt;" in everything, name
    for opening in (
        "&lt;img src=../secret/canary.png&gt;",
        "&lt;link rel=attachment href=",
        "&lt;link rel=stylesheet href=",
        "&lt;style&gt;@import url(",
        "&lt;object data=",
        "&lt;iframe src=",
        "&lt;embed src=",
        "&lt;svg&gt;&lt;image href=",
        "&lt;a rel=attachment href=",
        "&lt;div style=",
        "{{ lesson.title|upper }} {% include ../secret/canary.txt %}",
    ):
        assert opening in everything, opening
    links: list[str] = []
    for name, html in documents.items():
        tags = Tags()
        tags.feed(html)
        tags.close()
        links += [value for tag, attribute, value in tags.attributes if (tag, attribute) == ("a", "href")]
        assert tags.names["style"] == 1, name  # the template's own
        # The template's own <base>, so a preview finds the lesson's images: the lesson folder, nothing else.
        assert tags.names["base"] == 1, name
        for forbidden in ("img", "link", "object", "iframe", "embed", "svg", "image"):
            assert tags.names[forbidden] == 0, (name, forbidden)
        for tag, attribute, value in tags.attributes:
            assert attribute not in ("src", "data", "rel", "style"), (name, tag, attribute, value)
            if tag == "base":
                assert (attribute, value) == ("href", sandbox.lesson_folder.resolve().as_uri() + "/"), value
            elif attribute == "href":
                assert tag == "a" and not value.lower().startswith("file:"), (name, value)
    assert server.url("/md/link") in links and server.url("/md/autolink") in links  # printed, not fetched


def test_raw_html_pdfs_carry_no_images_or_attachments(sandbox: Sandbox) -> None:
    for name in DOCUMENTS:
        scan = scan_pdf((sandbox.root / "raw-pdf" / "raw-html" / f"{name}.pdf").read_bytes(), "unused")
        assert scan.images == 0, name
        assert scan.attachments == [], name
    worksheet = scan_pdf((sandbox.root / "raw-pdf" / "raw-html" / "worksheet.pdf").read_bytes(), "unused")
    assert "<img src=" in worksheet.text  # the tag is printed as the characters typed


def test_no_output_contains_the_canary(sandbox: Sandbox) -> None:
    folders = ("out-pdf", "out-html", "raw-pdf", "raw-html", "ok-pdf", "seed-pdf")
    files = [path for folder in folders for path in outputs(sandbox.root / folder)]
    assert {path.suffix for path in files} == {".pdf", ".html", ".json"}  # .json: the build manifests
    assert all(path.name == MANIFEST_NAME for path in files if path.suffix == ".json")
    pdfs = [p for p in files if p.suffix == ".pdf"]
    assert len(pdfs) >= 16 and len(files) > len(pdfs)  # raw-html, svg-ok and the seed in both formats
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".pdf":
            scan = scan_pdf(data, sandbox.canary.token)
            assert scan.found == [], (path, scan.found)
            assert scan.attachments == [], (path, scan.attachments)
        else:  # HTML, and the manifests, which name only the files a render read, by hash
            assert sandbox.canary.token not in data.decode("utf-8"), path
            if path.name == MANIFEST_NAME:
                assert "/secret/" not in data.decode("utf-8"), path  # no file there was read


def test_the_seed_lesson_builds_with_the_server_up(sandbox: Sandbox) -> None:
    result = sandbox.runs["build seed pdf"]
    assert result.code == 0, result.stderr
    built = sorted(p.name for p in outputs(sandbox.root / "seed-pdf") if p.name != MANIFEST_NAME)
    assert built == sorted(f"{d}.pdf" for d in DOCUMENTS)


# --- the fetcher itself ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fetch_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Canary]:
    """An allowed folder holding a file, a subfolder and a symlink out to a canary."""
    root = tmp_path_factory.mktemp("fetcher")
    canary = make_canary(root)
    allowed = root / "allowed"
    (allowed / "sub").mkdir(parents=True)
    (allowed / "picture.png").write_bytes(png(b"inside"))
    (allowed / "escape.txt").symlink_to(canary.txt)
    (allowed / "escape-folder").symlink_to(canary.folder, target_is_directory=True)
    return allowed, canary


REFUSED_URLS: dict[str, Callable[[Server, Path, Canary], str]] = {
    "http": lambda s, a, c: s.url("/fetch/x"),
    "http-uppercase": lambda s, a, c: s.url("/fetch/upper").replace("http", "HTTP"),
    "https": lambda s, a, c: f"https://127.0.0.1:{s.port}/fetch/https",
    "ftp": lambda s, a, c: f"ftp://127.0.0.1:{s.port}/fetch/ftp",
    "leading-space": lambda s, a, c: " " + s.url("/fetch/space"),
    "file-etc-passwd": lambda s, a, c: "file:///etc/passwd",
    "file-single-slash": lambda s, a, c: "file:/etc/passwd",
    "file-uppercase-scheme": lambda s, a, c: "FILE:///etc/passwd",
    "file-remote-host": lambda s, a, c: f"file://127.0.0.1:{s.port}{a}/picture.png",
    "file-canary": lambda s, a, c: c.txt.as_uri(),
    "file-dot-dot": lambda s, a, c: f"{a.as_uri()}/../secret/canary.txt",
    "file-dot-dot-encoded": lambda s, a, c: f"{a.as_uri()}/%2e%2e/secret/canary.txt",
    "file-symlink-out": lambda s, a, c: (a / "escape.txt").as_uri(),
    "file-symlinked-folder": lambda s, a, c: (a / "escape-folder" / "canary.txt").as_uri(),
    "file-folder": lambda s, a, c: (a / "sub").as_uri(),
    "file-allowed-folder-itself": lambda s, a, c: a.as_uri(),
    "file-missing": lambda s, a, c: (a / "missing.png").as_uri(),
    "data-over-limit": lambda s, a, c: "data:text/plain;base64," + "QUFB" * (64 * 1024 // 4 + 1),
}


@pytest.mark.parametrize("kind", list(REFUSED_URLS))
def test_the_fetcher_refuses(kind: str, server: Server, fetch_folder: tuple[Path, Canary]) -> None:
    from studygen.pdf import SandboxedFetcher

    allowed, canary = fetch_folder
    url = REFUSED_URLS[kind](server, allowed, canary)
    with pytest.raises(ValueError):
        SandboxedFetcher([allowed]).fetch(url)
    assert server.hits == []


def test_the_fetcher_returns_a_file_in_its_folder(server: Server, fetch_folder: tuple[Path, Canary]) -> None:
    from studygen.pdf import SandboxedFetcher

    allowed, _ = fetch_folder
    response = SandboxedFetcher([allowed]).fetch((allowed / "picture.png").as_uri())
    assert response.read() == (allowed / "picture.png").read_bytes()
    assert response.content_type == "image/png"
    assert server.hits == []


def test_the_fetcher_returns_a_small_data_url(server: Server, fetch_folder: tuple[Path, Canary]) -> None:
    from studygen.pdf import SandboxedFetcher

    allowed, _ = fetch_folder
    response = SandboxedFetcher([allowed]).fetch("data:text/plain;base64," + base64.b64encode(b"hi").decode())
    assert response.read() == b"hi"
    assert server.hits == []

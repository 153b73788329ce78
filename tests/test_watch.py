"""`studygen watch`: rebuilds on save, errors and their fixes, the preview's refusals, a clean stop, and
the live preview in a real headless Chromium."""

from __future__ import annotations

import html
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from test_incremental import LESSON, png
from test_signals import assert_nothing_left, children

from studygen.preview import LessonState, Preview, Site

WAIT = 60.0
"""Seconds a test waits for a line: generous, since other tests share the cores; most take one."""

ONE_CARD = "title: Tiny\nflashcards:\n  - question: {question}\n    answer: An answer.\n"
PAGE = """\
title: Live
self_check:
  intro: "![A red cell](cell.png)"
  questions:
    - question: {question}
      answer: It is shown.
"""
ABORTED = "lessons listed above are done, and no lesson was left with a mix of old and new documents"


class Watching:
    """A `studygen watch` process in its own session, with what it has printed so far."""

    def __init__(self, folder: Path, *options: str, built: bool = True) -> None:
        """Start watching folder/content with options; with `built`, wait until the first build is done."""
        self.folder = folder
        self.process = subprocess.Popen(
            [sys.executable, "-m", "studygen", "watch", "content", "--out", "out", "--port", "0", *options],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        self._readers = [
            threading.Thread(target=_collect, args=(stream, lines), daemon=True)
            for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self._readers:
            reader.start()
        try:
            self.url = self.wait_for(r"Preview: (http://127\.0\.0\.1:\d+/)").group(1)
            if built:
                self.wait_for(r"Watching content, .*templates for changes; Ctrl-C stops")
        except BaseException:
            self.stop(signal.SIGKILL)
            raise

    def wait_for(self, pattern: str, *, err: bool = False, after: int = 0) -> re.Match[str]:
        """Wait for a line (from index `after`) of stdout, or stderr, to match pattern in full."""
        lines = self.err if err else self.out
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for line in lines[after:]:
                if (match := re.fullmatch(pattern, line)) is not None:
                    return match
            assert self.process.poll() is None, (self.out, self.err)
            time.sleep(0.02)
        raise AssertionError(f"no line {pattern!r} in {lines}")

    def get(self, path: str) -> tuple[int, str]:
        """GET a path of the preview: the status and the body."""
        port = int(self.url.rsplit(":", 1)[1].strip("/"))
        return fetch(port, path)

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Send the whole session a signal, as a terminal does for Ctrl-C, and wait for the exit code."""
        os.killpg(self.process.pid, signum)
        code = self.process.wait(timeout=WAIT)
        for reader in self._readers:  # they stop at the end of what the process printed
            reader.join(timeout=WAIT)
        assert self.process.stdout is not None and self.process.stderr is not None
        self.process.stdout.close()
        self.process.stderr.close()
        return code


def _collect(stream: IO[str], lines: list[str]) -> None:
    """Append each line a process prints to lines, as it comes."""
    for line in stream:
        lines.append(line.rstrip("\n"))


def fetch(port: int, path: str, host: str | None = None) -> tuple[int, str]:
    """GET a raw path (sent as written, `..` and all) from the preview on 127.0.0.1:port."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def watching(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Watching]:
    """One watch session over three lessons, each test editing its own: cards, broken and live."""
    folder = tmp_path_factory.mktemp("watch")
    content = folder / "content"
    content.mkdir()
    (content / "cards.yaml").write_text(LESSON, encoding="utf-8")
    (content / "cell.png").write_bytes(png((200, 40, 40)))
    (content / "broken.yaml").write_text(ONE_CARD.format(question="Fine?"), encoding="utf-8")
    (content / "live.yaml").write_text(PAGE.format(question="Before the save?"), encoding="utf-8")
    (folder / "templates").mkdir()  # the project's templates, which the session watches too
    session = Watching(folder)
    yield session
    session.stop()


def stamps(folder: Path) -> dict[str, int]:
    """Each PDF's inode in a lesson's output folder: a publish replaces the file."""
    return {file.name: file.stat().st_ino for file in folder.glob("*.pdf")}


def save(file: Path, text: str) -> None:
    """Save a file as an editor does: write a new file, then move it over the old one."""
    temporary = file.with_name(f".{file.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(file)


def test_editing_a_flashcard_rebuilds_only_the_flashcards(watching: Watching) -> None:
    folder = watching.folder / "out" / "cards"
    before = stamps(folder)
    assert set(before) == {"worksheet.pdf", "answer-key.pdf", "self-check.pdf", "flashcards.pdf"}
    after = len(watching.out)
    edited = LESSON.replace("Nucleus?", "The nucleus?")
    with (watching.folder / "content" / "cards.yaml").open("w", encoding="utf-8") as file:
        for half in (edited[:200], edited[200:]):  # a save the watcher hears as several events
            file.write(half)
            file.flush()
            time.sleep(0.03)
    watching.wait_for(
        r"\d\d:\d\d:\d\d content/cards\.yaml changed: rebuilt out/cards/flashcards\.pdf \(2 pages\) "
        r"in \d+\.\d\d s",
        after=after,
    )
    time.sleep(0.5)  # longer than a burst's quiet time: a second rebuild would have started by now
    assert len(watching.out) == after + 1, watching.out[after:]
    now = stamps(folder)
    assert {name for name in before if now[name] != before[name]} == {"flashcards.pdf"}
    assert "The nucleus?" in watching.get("/preview/cards/flashcards.html")[1]


def test_an_error_is_one_located_line_and_saving_the_fix_rebuilds(watching: Watching) -> None:
    lesson = watching.folder / "content" / "broken.yaml"
    after, errors = len(watching.out), len(watching.err)
    save(lesson, "title: Tiny\nflashcards: nope\n")
    watching.wait_for(
        r"\d\d:\d\d:\d\d content/broken\.yaml changed: content/broken\.yaml failed \(the preview shows "
        r"the error\) in \d+\.\d\d s",
        after=after,
    )
    error = watching.wait_for(r"Error: content/broken\.yaml:2:13: flashcards: .*", err=True, after=errors)
    assert len(watching.err) == errors + 1, watching.err  # one line, no traceback
    status, page = watching.get("/preview/broken/flashcards.html")
    assert status == 200
    assert "This lesson no longer builds" in page and html.escape(error.group(0)[len("Error: ") :]) in page
    assert "Fine?" in page  # the last good build, still shown under the error

    after = len(watching.out)
    save(lesson, ONE_CARD.format(question="Fixed?"))
    watching.wait_for(
        r"\d\d:\d\d:\d\d content/broken\.yaml changed: rebuilt out/broken/flashcards\.pdf \(1 page\) "
        r"in \d+\.\d\d s",
        after=after,
    )
    page = watching.get("/preview/broken/flashcards.html")[1]
    assert "Fixed?" in page and "This lesson no longer builds" not in page


def test_saving_an_image_rebuilds_the_documents_of_the_lessons_beside_it(watching: Watching) -> None:
    after = len(watching.out)
    (watching.folder / "content" / "cell.png").write_bytes(png((40, 200, 40)))
    line = watching.wait_for(
        r"\d\d:\d\d:\d\d content/cell\.png changed: rebuilt (.*) in \d+\.\d\d s", after=after
    )
    cards = "out/cards/worksheet.pdf (1 page), out/cards/answer-key.pdf (1 page)"
    assert line.group(1) == f"{cards}, out/live/self-check.pdf (2 pages)"


def test_a_new_lesson_is_built_and_listed_and_a_removed_one_is_dropped(watching: Watching) -> None:
    after = len(watching.out)
    save(watching.folder / "content" / "extra.yaml", ONE_CARD.format(question="New?"))
    watching.wait_for(
        r"\d\d:\d\d:\d\d content/extra\.yaml changed: rebuilt out/extra/flashcards\.pdf \(1 page\) in .*",
        after=after,
    )
    assert '<a href="/preview/extra/flashcards.html">' in watching.get("/")[1]
    after = len(watching.out)
    (watching.folder / "content" / "extra.yaml").unlink()
    watching.wait_for(
        r"\d\d:\d\d:\d\d content/extra\.yaml changed: content/extra\.yaml removed from the preview in .*",
        after=after,
    )
    assert "extra" not in watching.get("/")[1]
    assert watching.get("/preview/extra/flashcards.html")[0] == 404


def test_saving_a_template_rebuilds_with_it_in_the_warm_worker(watching: Watching) -> None:
    for look in ("school look 1", "school look 2"):  # the second proves the worker's templates reload
        after = len(watching.out)
        save(
            watching.folder / "templates" / "studygen.css",
            f'{{% include "default:studygen.css" %}}/* {look} */',
        )
        line = watching.wait_for(
            r"\d\d:\d\d:\d\d templates/studygen\.css changed: rebuilt (.*) in \d+\.\d\d s", after=after
        )
        assert "out/cards/worksheet.pdf (1 page)" in line.group(1)
        assert f"/* {look} */" in watching.get("/preview/cards/worksheet.html")[1]


def test_the_page_in_chromium_shows_a_save_without_the_test_reloading_it(watching: Watching) -> None:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "chromium"
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "chromedriver")
    browser = webdriver.Chrome(options=options, service=service)
    try:
        browser.get(watching.url)
        browser.find_element(By.CSS_SELECTOR, 'a[href="/preview/live/self-check.html"]').click()
        page = WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException,))
        # A click returns before the next page has loaded, and a page may reload between finding its
        # body and reading it: wait, looking again each time.
        page.until(lambda now: "Before the save?" in now.find_element(By.TAG_NAME, "body").text)
        image = "return document.querySelector('img[alt=\"A red cell\"]').naturalWidth;"
        page.until(lambda now: now.execute_script(image) == 8)  # the lesson folder's 8-pixel PNG
        browser.execute_script("window.studygenTest = 'not reloaded yet';")
        save(watching.folder / "content" / "live.yaml", PAGE.format(question="After the save?"))
        page.until(lambda now: "After the save?" in now.find_element(By.TAG_NAME, "body").text)
        assert browser.execute_script("return window.studygenTest === undefined;")  # the page reloaded itself
        assert "Before the save?" not in browser.find_element(By.TAG_NAME, "body").text
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """A preview server over one lesson, with files and links inside and outside what it may serve."""
    root = tmp_path_factory.mktemp("served")
    lessons, previews, out = root / "lessons", root / "previews", root / "out"
    for folder in (lessons / "images", previews / "cells", out / "cells"):
        folder.mkdir(parents=True)
    (lessons / "cells.yaml").write_text("title: Cells\n", encoding="utf-8")
    (lessons / "images" / "cell.png").write_bytes(png((1, 2, 3)))
    (lessons / ".hidden.png").write_bytes(png((1, 2, 3)))
    (root / "secret.png").write_bytes(png((9, 9, 9)))
    (root / "secret.pdf").write_bytes(b"%PDF-secret")
    (lessons / "out.png").symlink_to(root / "secret.png")
    (lessons / "in.png").symlink_to(lessons / "images" / "cell.png")
    (lessons / "folder-out").symlink_to(root)
    (previews / "cells" / "worksheet.html").write_text(
        '<!DOCTYPE html><html><head><base href="file:///x/"></head><body class="w">Hi</body></html>',
        encoding="utf-8",
    )
    (previews / "cells" / ".studygen-manifest.json").write_text("{}", encoding="utf-8")
    site = Site(previews=previews, out=out)
    site.update({"cells": LessonState(lessons / "cells.yaml")})
    preview = Preview(site, 0)
    yield int(preview.url.rsplit(":", 1)[1].strip("/")), root
    preview.stop()


@pytest.mark.parametrize(
    "path",
    [
        "/lessons/cells/../secret.png",
        "/lessons/cells/../../secret.png",
        "/lessons/cells/%2e%2e/secret.png",
        "/lessons/cells/..%2fsecret.png",
        "/lessons/cells/%2Fetc%2Fpasswd.png",
        "/lessons/cells//etc/passwd.png",
        "//etc/passwd",
        "/pdf/cells/../../secret.pdf",
        "/pdf/cells/%2e%2e%2f%2e%2e%2fsecret.pdf",
        "/lessons/cells/out.png",
        "/lessons/cells/folder-out/secret.png",
        "/lessons/cells/.hidden.png",
        "/lessons/cells/cells.yaml",
        "/preview/cells/.studygen-manifest.json",
        "/lessons/cells/images/cell.png%00.yaml",
        "/lessons/elsewhere/images/cell.png",
        "/lessons/cells/C:%5Csecret.png",
        "/lessons/cells/%ff.png",
    ],
)
def test_the_preview_refuses_paths_outside_its_folders(served: tuple[int, Path], path: str) -> None:
    port, _ = served
    assert fetch(port, path) == (404, "Not found: nothing in the preview has that address.\n")


def test_the_preview_serves_its_files_with_a_policy_that_allows_nothing_else(
    served: tuple[int, Path],
) -> None:
    port, _ = served
    assert fetch(port, "/lessons/cells/images/cell.png")[0] == 200
    assert fetch(port, "/lessons/cells/in.png")[0] == 200  # a link that stays inside is followed
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/preview/cells/worksheet.html")
    response = connection.getresponse()
    page = response.read().decode()
    assert response.status == 200
    assert "script-src 'self'; connect-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert '<base href="/lessons/cells/">' in page and "file:" not in page
    assert page.endswith('Hi<script src="/reload.js" data-version="1"></script>\n</body></html>')
    connection.close()


def test_the_preview_refuses_a_request_for_another_host(served: tuple[int, Path]) -> None:
    port, _ = served
    # A page elsewhere can point its own name at 127.0.0.1 (DNS rebinding); its Host header gives it away.
    assert fetch(port, "/lessons/cells/images/cell.png", host=f"attacker.example:{port}")[0] == 403
    assert fetch(port, "/", host=f"localhost:{port}")[0] == 200


def tiny(folder: Path) -> Path:
    """Write folder/content/tiny.yaml, a lesson of one flashcard."""
    (folder / "content").mkdir()
    lesson = folder / "content" / "tiny.yaml"
    lesson.write_text(ONE_CARD.format(question="Q?"), encoding="utf-8")
    return lesson


def test_a_theme_given_with_templates_is_used_and_watched(tmp_path: Path) -> None:
    tiny(tmp_path)
    theme = tmp_path / "school"
    theme.mkdir()
    save(theme / "theme.css", ":root { --ink: #123456; }")
    session = Watching(tmp_path, "--templates", "school")
    try:
        assert "school/theme.css" in session.get("/preview/tiny/flashcards.html")[1]
        after = len(session.out)
        save(theme / "theme.css", ":root { --ink: #654321; }")
        line = session.wait_for(
            r"\d\d:\d\d:\d\d school/theme\.css changed: rebuilt (.*) in \d+\.\d\d s", after=after
        )
        assert "out/tiny/flashcards.pdf" in line.group(1)
    finally:
        assert session.stop() == 130


@pytest.mark.parametrize(
    ("signum", "code", "how"),
    [(signal.SIGINT, 130, "interrupted (Ctrl-C)"), (signal.SIGTERM, 143, "stopped (SIGTERM)")],
)
def test_a_signal_stops_a_waiting_watch_with_one_line_and_no_process_left(
    tmp_path: Path, signum: int, code: int, how: str
) -> None:
    tiny(tmp_path).write_text("title: Nothing to print yet\n", encoding="utf-8")  # quick: no PDF to render
    session = Watching(tmp_path)
    port = int(session.url.rsplit(":", 1)[1].strip("/"))
    assert len(children(session.process.pid)) == 1  # the warm render worker
    assert session.stop(signum) == code  # watchfiles hears it while waiting, and says only "interrupted"
    assert session.err == [f"Aborted: studygen was {how}; {ABORTED}"]
    assert_nothing_left(session.process.pid)
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


def test_sigterm_stops_a_watch_in_the_middle_of_a_build_with_no_process_left(tmp_path: Path) -> None:
    tiny(tmp_path)
    session = Watching(tmp_path, built=False)
    deadline = time.monotonic() + WAIT
    while not children(session.process.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert session.stop(signal.SIGTERM) == 143  # the worker is rendering the first build's documents
    assert session.err == [f"Aborted: studygen was stopped (SIGTERM); {ABORTED}"]
    assert_nothing_left(session.process.pid)


def test_a_port_in_use_is_one_error_line(tmp_path: Path) -> None:
    tiny(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "studygen", "watch", "content", "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=WAIT,
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: cannot serve the preview on port {port} (Address already in use): choose another with "
        "--port, or --port 0 for any free one\n"
    )


def test_the_command_line_does_not_import_the_watcher_until_watch_runs() -> None:
    probe = "import sys, studygen.cli; print(sorted({'watchfiles', 'studygen.watch'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout == "[]\n"

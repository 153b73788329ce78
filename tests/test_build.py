"""End to end: the seed lesson built into four PDFs, checked by structure and text, never by bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from studygen.build import build

ROOT = Path(__file__).parents[1]
SEED_LESSON = ROOT / "content" / "imitation-learning.yaml"
# The lesson page the seed lesson was written from, kept beside the tests: the word-for-word checks
# compare every built PDF against it.
SEED_TEXT = Path(__file__).parent / "seed" / "imitation-learning-practice.txt"
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def squeeze(text: str) -> str:
    """Drop all whitespace, so text compares across line breaks and PDF spacing."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PdfReader]:
    """Build the seed lesson once for every test in this module."""
    out = tmp_path_factory.mktemp("output")
    [result] = list(build([SEED_LESSON], out=out, templates=None))
    assert result.error is None, result.error
    return {w.path.stem: PdfReader(w.path) for w in result.written}


def pages_text(reader: PdfReader) -> list[str]:
    """Extract each page's text."""
    return [page.extract_text() for page in reader.pages]


def all_text(reader: PdfReader) -> str:
    """Extract the whole document's text, whitespace removed."""
    return squeeze("".join(pages_text(reader)))


def test_four_documents_are_written(built: dict[str, PdfReader]) -> None:
    assert sorted(built) == ["answer-key", "flashcards", "self-check", "worksheet"]


@pytest.mark.parametrize("name", ["worksheet", "answer-key", "self-check", "flashcards"])
def test_pages_are_a4_with_fonts_embedded(built: dict[str, PdfReader], name: str) -> None:
    reader = built[name]
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
        fonts = page["/Resources"]["/Font"].values()
        assert fonts
        for font in fonts:
            font = font.get_object()
            if "/DescendantFonts" in font:  # composite fonts keep the descriptor one level down
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.parametrize("name", ["worksheet", "answer-key", "self-check", "flashcards"])
def test_metadata(built: dict[str, PdfReader], name: str) -> None:
    reader = built[name]
    title = "Practice: Imitation learning and behavioral cloning"
    assert reader.metadata is not None
    assert reader.metadata.title is not None and reader.metadata.title.startswith(title)
    assert reader.metadata.subject == "Reinforcement learning"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_flashcards_one_card_per_page(built: dict[str, PdfReader]) -> None:
    texts = pages_text(built["flashcards"])
    assert len(texts) == 9
    for number, text in enumerate(texts, start=1):
        assert f"{number} / 9" in text
        assert "Practice: Imitation learning" in text
        assert "Page" not in text  # no page footer on cards


def test_computed_answers_in_key_and_not_in_worksheet(built: dict[str, PdfReader]) -> None:
    key = all_text(built["answer-key"])
    worksheet = all_text(built["worksheet"])
    steps = [
        "0.05·50²=0.05·2500=125",
        "0.05·200²=0.05·40000=2000",
        "0.05·1000²=0.05·1000000=50000",
        "0.05·50=2.5",
        "0.05·200=10",
        "0.05·1000=50",
    ]
    for step in steps:
        assert step in key
        assert step not in worksheet
    for heading in ("BC=ε·T²", "DAgger=ε·T"):
        assert heading in key and heading in worksheet


def test_no_answer_anywhere_in_the_worksheet(built: dict[str, PdfReader]) -> None:
    worksheet = all_text(built["worksheet"])
    for answer in ("2500", "40000", "Discussion", "Notrlatall", "BCasastartingpoint", "✓"):
        assert squeeze(answer).lower() not in worksheet.lower()
    assert "Name" in worksheet and "Date" in worksheet


def test_self_check_answers_start_after_the_last_question(built: dict[str, PdfReader]) -> None:
    questions, answers = seed_self_check()
    texts = [squeeze(t) for t in pages_text(built["self-check"])]
    question_pages = [min(i for i, t in enumerate(texts) if squeeze(q) in t) for q in questions]
    answer_pages = [i for i, t in enumerate(texts) for a in answers if squeeze(a)[:40] in t]
    assert len(answer_pages) == 6
    assert min(answer_pages) > max(question_pages)
    assert "Answers" in texts[min(answer_pages)]


def seed_self_check() -> tuple[list[str], list[str]]:
    """Return the seed's six self-check questions and their answers."""
    lines = seed_sections()["self-check"].splitlines()
    questions = [re.sub(r"^\d\. ", "", line) for line in lines if re.match(r"^\d\. ", line)]
    answers = [lines[i + 1] for i, line in enumerate(lines) if line == "Show answer"]
    return questions, answers


def seed_sections() -> dict[str, str]:
    """Split the seed page into its sections by their headings."""
    text = SEED_TEXT.read_text(encoding="utf-8")
    parts = re.split(r"^Section titled “[^”]*”", text, flags=re.M)
    return {
        "self-check": parts[1],
        "part 1": parts[2],
        "part 2": parts[3],
        "flashcards": parts[4],
    }


def test_every_self_check_question_and_answer_word_for_word(built: dict[str, PdfReader]) -> None:
    questions, answers = seed_self_check()
    assert len(questions) == len(answers) == 6
    text = all_text(built["self-check"])
    for question, answer in zip(questions, answers, strict=True):
        assert squeeze(question) in text
        assert squeeze(answer) in text
    intro = seed_sections()["self-check"].splitlines()[0]
    assert intro.startswith("Six short questions.")
    assert squeeze(intro) in text


def test_every_flashcard_word_for_word(built: dict[str, PdfReader]) -> None:
    lines = seed_sections()["flashcards"].splitlines()
    cards = [(lines[i][3:], lines[i + 1]) for i, line in enumerate(lines) if line.startswith("Q. ")]
    texts = [squeeze(t) for t in pages_text(built["flashcards"])]
    assert len(cards) == len(texts) == 9
    for (question, answer), page in zip(cards, texts, strict=True):
        assert squeeze(question) in page
        assert squeeze(answer) in page


def test_part_one_word_for_word(built: dict[str, PdfReader]) -> None:
    section = seed_sections()["part 1"]
    instructions = next(line for line in section.splitlines() if line.startswith("Pen and paper"))
    prompt = re.search(r"ε = 0\.05\. Fill in .*?\)\.", section)
    discussion = section[section.index("The DAgger bounds") :].strip()
    assert prompt is not None
    worksheet, key = all_text(built["worksheet"]), all_text(built["answer-key"])
    assert squeeze(instructions) in worksheet and squeeze(instructions) in key
    assert squeeze(prompt.group()) in worksheet
    assert squeeze(discussion) in key
    assert squeeze(discussion) not in worksheet


def test_part_two_word_for_word(built: dict[str, PdfReader]) -> None:
    section = seed_sections()["part 2"]
    head, answers = section.split("Show answer")
    instructions = next(line for line in head.splitlines() if line.startswith("About 4 minutes"))
    scenarios = [line[2:] for line in head.splitlines() if line.startswith("- ")]
    closing = answers[answers.index("The discriminating questions") :].splitlines()[0]
    verdicts = [v for v in re.split(r"(?:^|\s)- (?=[A-Z])", answers[: answers.index(closing)]) if v.strip()]
    assert len(scenarios) == len(verdicts) == 5
    worksheet, key = all_text(built["worksheet"]), all_text(built["answer-key"])
    assert squeeze(instructions) in worksheet
    for scenario in scenarios:
        assert squeeze(scenario) in worksheet and squeeze(scenario) in key
    for verdict in verdicts:
        assert squeeze(verdict) in key
        assert squeeze(verdict)[:25] not in worksheet
    assert squeeze(closing) in key and squeeze(closing) not in worksheet


def test_letter_paper(tmp_path: Path) -> None:
    [result] = list(build([SEED_LESSON], out=tmp_path, paper="letter", only=["flashcards"], templates=None))
    assert result.error is None
    reader = PdfReader(result.written[0].path)
    assert len(reader.pages) == 9
    assert (
        float(reader.pages[0].mediabox.width),
        float(reader.pages[0].mediabox.height),
    ) == pytest.approx(LETTER, abs=0.5)


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    first = list(build([SEED_LESSON], out=tmp_path / "a", only=["answer-key"], templates=None))
    second = list(build([SEED_LESSON], out=tmp_path / "b", only=["answer-key"], templates=None))
    assert first[0].written[0].path.read_bytes() == second[0].written[0].path.read_bytes()


def test_html_format_is_standalone(tmp_path: Path) -> None:
    [result] = list(build([SEED_LESSON], out=tmp_path, format="html", templates=None))
    names = sorted(w.path.name for w in result.written)
    assert names == ["answer-key.html", "flashcards.html", "self-check.html", "worksheet.html"]
    key = (tmp_path / "imitation-learning" / "answer-key.html").read_text()
    assert '<span class="step">0.05 · 50²</span> <span class="step">= 0.05 · 2500' in key
    assert "<style>" in key and "<link" not in key


def test_a_long_card_that_fits_keeps_every_word_on_its_own_page(tmp_path: Path) -> None:
    words = " ".join(f"w{n}" for n in range(200))[:900].rsplit(" ", 1)[0]
    lesson = tmp_path / "cards.yaml"
    lesson.write_text(
        f"title: Cards\nflashcards:\n  - question: Long?\n    answer: {words}\n"
        "  - question: Next\n    answer: ok\n",
        encoding="utf-8",
    )
    [result] = list(build([lesson], out=tmp_path / "out", templates=None))
    assert result.error is None, result.error
    texts = pages_text(PdfReader(result.written[0].path))
    assert len(texts) == 2
    assert squeeze(words) in squeeze(texts[0])
    assert "w1" not in texts[1]


def test_an_answer_key_table_wider_than_the_page_fails_by_name(tmp_path: Path) -> None:
    columns = "".join(f"      - {{label: P{n}, formula: a * T^2 + b * T + c * {n}}}\n" for n in range(1, 7))
    lesson = tmp_path / "wide.yaml"
    lesson.write_text(
        "title: Wide\nexercises:\n  - kind: computed-table\n    title: Wide table\n"
        "    given: {a: 12.345, b: 67.891, c: 0.0001234}\n"
        "    rows: {symbol: T, values: [123.45, 9876.5]}\n    columns:\n" + columns,
        encoding="utf-8",
    )
    [result] = list(build([lesson], out=tmp_path / "out", only=["answer-key"], templates=None))
    assert result.error is not None
    message = result.error.format_message()
    assert re.fullmatch(
        rf"{re.escape(str(lesson))}: answer-key: the table of exercise 1 is (\d+) mm wide, but only "
        r"(\d+) mm fit across the page: use fewer or shorter columns, or split it into two",
        message,
    ), message
    need, room = map(int, re.findall(r"(\d+) mm", message))
    assert need > room == 174  # A4 less its 18 mm margins


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_table_that_ends_its_exercise_builds_in_worksheet_and_key(tmp_path: Path, paper: str) -> None:
    # No `lines:` under the table on the worksheet, no `discussion:` under it in the key: the table's
    # own bottom margin hangs past its exercise, which is not overflow.
    lesson = tmp_path / "fall.yaml"
    lesson.write_text(
        "title: Free fall\nexercises:\n  - kind: computed-table\n    title: How far does it fall?\n"
        "    given: {g: 9.8}\n    rows: {symbol: t, values: [1, 2, 3]}\n"
        "    columns:\n      - {label: d, formula: g * t^2 / 2}\n",
        encoding="utf-8",
    )
    [result] = list(build([lesson], out=tmp_path / "out", paper=paper, templates=None))
    assert result.error is None, result.error.format_message()
    assert [w.path.name for w in result.written] == ["worksheet.pdf", "answer-key.pdf"]
    key = pages_text(PdfReader(result.written[1].path))
    assert len(key) == 1
    assert "44.1" in key[0]  # 9.8 · 3² / 2

"""Languages: studygen's own words from the catalogue of the lesson's `language:`, and its number style."""
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner
from kind_helpers import write

from studygen import language
from studygen.build import Job, LessonResult, build, render_lesson
from studygen.compute import time_hint
from studygen.formulas import NumberFormat, format_number
from studygen.kinds import words
from studygen.kinds.points import worked_points
from studygen.language import ENGLISH_LANGUAGE, language_for, message_ids, speaking
from studygen.render import css_content, css_string
from studygen.source import MAX_FILE_BYTES

ROOT = Path(__file__).parents[1]
TEMPLATES = ROOT / "templates"

# One small lesson that prints most of studygen's words: a table with a grouped decimal, points of
# 1, 2 and 1.5, a time hint, a true/false exercise, a self-check and a flashcard.
LESSON = """\
title: Numbers
language: {language}
source: A book
exercises:
  - kind: computed-table
    title: Table
    minutes: 1
    given: {{a: 1234.5}}
    rows: {{symbol: n, values: [1]}}
    columns:
      - {{label: Big, formula: a * n, thousands: true, points: 2}}
  - kind: true-false
    title: Judge
    minutes: 5
    reason_lines: 1
    statements:
      - {{statement: One is one., answer: true, points: 1}}
      - {{statement: Two is three., answer: false, points: 1.5}}
self_check:
  questions:
    - {{question: "Why?", answer: Because.}}
flashcards:
  - {{question: Ask, answer: Tell}}
"""

# What each shipped language prints: its school words, its plural forms and its number marks.
EXPECTED = {
    "en": [
        "<title>Numbers — Worksheet</title>", "<th>Name</th>", "<th>Class</th>", "<th>Date</th>",
        "<th>Score</th>", ">Exercise</th>", ">Points</th>", ">Total</td>", "Source:", "2 points", "1 point",
        "1.5 points", "About 1 minute.", "About 5 minutes.", " True</span>", " False</span>",
        ">Reason</span>", '"Page " counter(page) " of " counter(pages)', 'content: "fold"', ">Q.</span>",
        "<h2>Answers</h2>", "1,234.5", "Total: 4.5 points",
    ],
    "de": [
        "<title>Numbers — Arbeitsblatt</title>", "<title>Numbers — Lösungen</title>", "<th>Name</th>",
        "<th>Klasse</th>", "<th>Datum</th>", "<th>Erreicht</th>", ">Aufgabe</th>", ">Punkte</th>",
        ">Σ</td>", "Quelle:", "2 Punkte", "1 Punkt", "1,5 Punkte", "Etwa 1 Minute.", "Etwa 5 Minuten.",
        " Richtig</span>", " Falsch</span>", ">Begründung</span>",
        '"Seite " counter(page) " von " counter(pages)', 'content: "hier falten"', ">F.</span>",
        "<h2>Lösungen</h2>", "Selbstkontrolle", "1.234,5", "Insgesamt: 4,5 Punkte",
    ],
    "fr": [
        "<title>Numbers — Fiche d’exercices</title>", "<title>Numbers — Corrigé</title>", "<th>Nom</th>",
        "<th>Classe</th>", "<th>Date</th>", "<th>Note</th>", ">Exercice</th>", ">Barème</th>",
        ">Total</td>", "Source\u00a0:", "2 points", "1 point", "1,5 point", "Environ 1 minute.",
        "Environ 5 minutes.", " Vrai</span>", " Faux</span>", ">Justification</span>",
        '"Page " counter(page) " sur " counter(pages)', 'content: "plier ici"', ">Q.</span>",
        "<h2>Réponses</h2>", "Auto-évaluation", "1\u202f234,5", "Total\u00a0: 4,5 points",
    ],
    "es": [
        "<title>Numbers — Hoja de ejercicios</title>", "<title>Numbers — Soluciones</title>",
        "<th>Nombre</th>", "<th>Curso</th>", "<th>Fecha</th>", "<th>Nota</th>", ">Ejercicio</th>",
        ">Puntos</th>", ">Total</td>", "Fuente:", "2 puntos", "1 punto", "1,5 puntos",
        "Aproximadamente 1 minuto.", "Aproximadamente 5 minutos.", " Verdadero</span>", " Falso</span>",
        ">Justificación</span>", '"Página " counter(page) " de " counter(pages)', 'content: "doblar aquí"',
        ">P.</span>", "<h2>Respuestas</h2>", "Autoevaluación", "1234,5", "Total: 4,5 puntos",
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every document of the small lesson as HTML, in each shipped language, joined per language."""
    folder = tmp_path_factory.mktemp("languages")
    built = {}
    for tag in EXPECTED:
        file = folder / f"{tag}.yaml"
        file.write_text(LESSON.format(language=tag), encoding="utf-8")
        documents = ("worksheet", "answer-key", "self-check", "flashcards")
        rendered = render_lesson(Job(file, documents, "a4", "html", None, MAX_FILE_BYTES))
        built[tag] = "\n".join(document.data.decode() for document in rendered.files)
    return built


@pytest.mark.parametrize("tag", list(EXPECTED))
def test_each_shipped_language_prints_its_own_words_plurals_and_numbers(
    html: dict[str, str], tag: str
) -> None:
    missing = [text for text in EXPECTED[tag] if text not in html[tag]]
    assert not missing, missing
    assert f'<html lang="{tag}">' in html[tag]  # what WeasyPrint hyphenates by


@pytest.mark.parametrize("tag", ["de", "fr", "es"])
def test_a_translated_lesson_prints_no_english_word_of_studygen(html: dict[str, str], tag: str) -> None:
    printed = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html[tag], flags=re.S)  # the words, not the markup
    english = ["Worksheet", "Answer key", "Self-check", "Flashcards", "Name", "Class", "Date", "Score"]
    english += ["Exercise", "Points", "Total", "Source", "point", "minute", "About", "True", "False"]
    english += ["Reason", "Answers", "Q."]
    translations = {form for forms in language_for(tag).words.values() for form in forms}
    # Only words the language writes otherwise: French writes "Date", "Total" and "Source" too.
    different = [word for word in english if not any(word in form for form in translations)]
    assert len(different) > 10
    assert [word for word in different if re.search(rf"\b{re.escape(word)}", printed)] == []


def test_a_german_pdf_prints_seite_1_von_1_from_the_stylesheet(tmp_path: Path) -> None:
    import io

    from pypdf import PdfReader

    file = tmp_path / "de.yaml"
    file.write_text(LESSON.format(language="de"), encoding="utf-8")
    [key] = render_lesson(Job(file, ("answer-key",), "a4", "pdf", None, MAX_FILE_BYTES)).files
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(key.data)).pages).split())
    assert "Seite 1 von 1" in text and "Lösungen" in text.title()
    assert "1.234,5" in text and "Insgesamt: 4,5 Punkte" in text


@pytest.mark.parametrize(
    ("tag", "thousand", "big", "small"),
    [
        # CLDR's marks, as Babel gives them; French groups with a narrow no-break space (U+202F).
        ("en", "1,234.5", "12,345.5", "0.5"),
        ("de", "1.234,5", "12.345,5", "0,5"),
        ("fr", "1\u202f234,5", "12\u202f345,5", "0,5"),
        # Spanish leaves a 4-digit number whole (CLDR minimumGroupingDigits 2, as the RAE advises).
        ("es", "1234,5", "12.345,5", "0,5"),
        # A region keeps its own numbers: Swiss German groups with an apostrophe, keeps the point.
        ("de-CH", "1’234.5", "12’345.5", "0.5"),
        ("fr-CA", "1\u00a0234,5", "12\u00a0345,5", "0,5"),
        ("de-ZZ", "1.234,5", "12.345,5", "0,5"),  # a region CLDR does not know: as its language writes
    ],
)
def test_numbers_print_as_each_language_writes_them(tag: str, thousand: str, big: str, small: str) -> None:
    grouped = NumberFormat(thousands=True)
    with speaking(language_for(tag)):
        assert format_number(D("1234.5"), grouped, exact=True) == thousand
        assert format_number(D("12345.5"), grouped, exact=True) == big
        assert format_number(D("0.5"), exact=True) == small
        assert format_number(D("-1234.5"), exact=True) == f"\u22121234{small[1]}5"  # grouped only if asked


def test_a_number_format_that_names_its_marks_keeps_them_in_any_language() -> None:
    with speaking(language_for("de")):
        assert format_number(
            D("1234.5"), NumberFormat(thousands=True, group=",", decimal_mark="."), exact=True
        ) == ("1,234.5")


@pytest.mark.parametrize(
    ("tag", "points"),
    [
        ("en", ["1 point", "2 points", "0.5 points", "1.5 points", "0 points"]),
        ("de", ["1 Punkt", "2 Punkte", "0,5 Punkte", "1,5 Punkte", "0 Punkte"]),
        # French takes the singular below 2, fractions included (CLDR: i = 0,1).
        ("fr", ["1 point", "2 points", "0,5 point", "1,5 point", "0 point"]),
        ("es", ["1 punto", "2 puntos", "0,5 puntos", "1,5 puntos", "0 puntos"]),
    ],
)
def test_points_take_the_plural_their_language_gives_them(tag: str, points: list[str]) -> None:
    with speaking(language_for(tag)):
        labels = [worked_points(D(value)).label for value in ("1", "2", "0.5", "1.5", "0")]
    assert labels == points


def test_the_time_hint_capitalises_only_its_first_letter() -> None:
    with speaking(language_for("de")):
        assert time_hint(5, None) == "Etwa 5 Minuten."
        assert time_hint(1, "Stift") == "Stift, etwa 1 Minute."
    assert time_hint(5, "Pen and paper") == "Pen and paper, about 5 minutes."


def test_formula_arguments_part_with_a_semicolon_where_the_decimal_mark_is_a_comma(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """\
        title: Runden
        language: de
        exercises:
          - kind: numeric-problem
            title: Runden
            prompt: Runde.
            given: {x: 2.345, y: 1.5}
            asked:
              - {label: Gerundet, symbol: r, formula: "round(x * 2, 2)"}
        """,
    )
    [answer_key] = render_lesson(Job(file, ("answer-key",), "a4", "html", None, MAX_FILE_BYTES)).files
    text = re.sub(r"<[^>]+>", "", answer_key.data.decode())
    assert "Gegeben: x = 2,345; y = 1,5" in text  # given values: a comma would read as a decimal mark
    assert "r = round(x · 2; 2) = round(2,345 · 2; 2) = round(4,69; 2) = 4,69" in text


@pytest.fixture
def fresh_catalogues() -> Iterator[None]:
    """Forget the catalogues read so far, before and after a test that swaps them."""
    language_for.cache_clear()
    message_ids.cache_clear()
    yield
    language_for.cache_clear()
    message_ids.cache_clear()


@pytest.fixture(scope="module")
def strict_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LessonResult]:
    """One --strict build of the small lesson in a language without a catalogue, an unknown one, and
    a region of a shipped one: the lesson's result by its language."""
    folder = tmp_path_factory.mktemp("strict")
    files = []
    for tag in ("pt-BR", "xx", "de-AT"):
        files.append(folder / f"{tag}.yaml")
        files[-1].write_text(LESSON.format(language=tag), encoding="utf-8")
    results = build(files, out=folder / "out", format="html", strict=True)
    return {result.file.stem: result for result in results}


def test_a_language_without_a_catalogue_warns_once_at_its_line(strict_build: dict[str, LessonResult]) -> None:
    result = strict_build["pt-BR"]
    assert result.error is not None and result.written == []
    # Four documents warn of it; the lesson hears it once (else: "4 warnings, failing because of --strict").
    assert result.error.format_message() == (
        f"{result.file}:2:11: language: studygen has no catalogue for 'pt-BR', so its own words (Name, "
        "Date, Page 1 of 2, …) print in English and numbers print as pt-BR writes them: use one of en, "
        "de, es, fr, or add a catalogue (docs/languages.md) (a warning, failing because of --strict: fix "
        "it, or build without --strict)"
    )


def test_an_unknown_language_says_its_numbers_print_as_in_english(
    strict_build: dict[str, LessonResult],
) -> None:
    error = strict_build["xx"].error
    assert error is not None
    assert "studygen has no catalogue for 'xx'" in error.format_message()
    assert "numbers print as in English" in error.format_message()


def test_a_region_takes_its_language_s_words_without_a_warning(strict_build: dict[str, LessonResult]) -> None:
    result = strict_build["de-AT"]
    assert result.error is None and result.warnings == []
    worksheet = next(written.path for written in result.written if written.path.name == "worksheet.html")
    assert "<th>Klasse</th>" in worksheet.read_text() and '<html lang="de-AT">' in worksheet.read_text()


def test_without_a_catalogue_each_document_prints_english_words_and_carries_the_warning(
    tmp_path: Path,
) -> None:
    file = write(tmp_path, LESSON.format(language="pt-BR"))
    rendered = render_lesson(Job(file, ("worksheet", "flashcards"), "a4", "html", None, MAX_FILE_BYTES))
    worksheet, cards = (document.data.decode() for document in rendered.files)
    assert "<th>Name</th>" in worksheet and "<title>Numbers — Worksheet</title>" in worksheet
    assert '<html lang="pt-BR">' in worksheet and 'content: "fold"' in cards
    assert all(len(document.warnings) == 1 for document in rendered.files)


def test_words_a_catalogue_lacks_print_in_english_and_the_warning_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_catalogues: None
) -> None:
    catalogues = tmp_path / "locale"
    catalogues.mkdir()
    shipped = language.CATALOGUES
    (catalogues / "studygen.pot").write_bytes((shipped / "studygen.pot").read_bytes())
    german = (shipped / "de.po").read_text(encoding="utf-8")
    german = german.replace('msgstr "Klasse"', 'msgstr ""').replace('msgstr "hier falten"', 'msgstr ""')
    (catalogues / "de.po").write_text(german, encoding="utf-8")
    monkeypatch.setattr(language, "CATALOGUES", catalogues)
    partial = language_for("de")
    assert partial.gettext("Class") == "Class" and partial.gettext("Name") == "Name"
    assert partial.gettext("Date") == "Datum"
    assert partial.missing == (
        "the 'de' catalogue lacks 2 of studygen's words, which print in English: 'Class', 'fold'; "
        "translate them in locale/de.po (docs/languages.md)"
    )


def test_every_shipped_catalogue_translates_every_word_with_its_placeholders() -> None:
    assert language.shipped() == ("en", "de", "es", "fr")
    for tag in ("de", "fr", "es"):
        catalogue = language_for(tag)
        assert catalogue.missing is None, catalogue.missing
        for message, forms in catalogue.words.items():
            wanted = set(re.findall(r"\{\w+\}", message))
            assert all(set(re.findall(r"\{\w+\}", form)) == wanted for form in forms), (tag, message)


def test_the_template_lists_every_word_studygen_translates_and_no_other() -> None:
    in_templates = {
        match
        for path in TEMPLATES.rglob("*")
        if path.suffix in (".html", ".css") and path.name != "calibrate.html"
        for match in re.findall(r"""_\("((?:[^"\\]|\\.)*)"\)""", path.read_text(encoding="utf-8"))
    }
    titles = {"Worksheet", "Answer key", "Self-check", "Flashcards", "Answers of all versions"}
    filters = {"{label}:"}  # the `colon` filter's
    not_words = {"MATCHED", "LETTERS", "POINTS", "ABOUT_MINUTES"}  # a pair's arrow, letters, plurals
    in_code = {
        value
        for name, value in vars(words).items()
        if name.isupper() and isinstance(value, str) and name not in not_words
    }
    assert set(message_ids()) == in_templates | titles | filters | in_code


def test_the_document_titles_are_words_of_the_catalogue() -> None:
    from studygen.documents import ANSWERS_ALL, DOCUMENTS

    assert {document.title for document in [*DOCUMENTS.values(), ANSWERS_ALL]} <= set(message_ids())


def test_css_strings_are_escaped_so_a_translation_cannot_break_out_of_the_stylesheet() -> None:
    assert css_string('a"b\\c</style>\nd') == '"a\\"b\\\\c\\3c /style>\\a d"'
    assert css_content("Page {page} of {pages}") == '"Page " counter(page) " of " counter(pages)'
    assert css_content("{page}/{pages}") == 'counter(page) "/" counter(pages)'


def test_messages_stay_in_english_with_a_decimal_point_in_a_german_lesson(tmp_path: Path) -> None:
    from kind_helpers import problems

    file = write(
        tmp_path,
        """\
        title: Punkte
        language: de
        exercises:
          - kind: true-false
            title: Urteil
            points: 3
            statements:
              - {statement: Eins., answer: true, points: 1}
              - {statement: Zwei., answer: false, points: 1.5}
        """,
    )
    [problem] = problems(file)
    assert "the exercise is worth 3 points" in problem and "add up to 2.5 points" in problem


def test_moodle_gets_answers_with_a_point_and_none_of_these_in_the_lesson_s_language(tmp_path: Path) -> None:
    from studygen.cli import cli

    file = write(
        tmp_path,
        """\
        title: Preise
        language: de
        exercises:
          - kind: numeric-problem
            title: Laptop
            prompt: Netto 1249,90 €, dazu 19 %.
            given: {N: 1249.90, m: 0.19}
            asked:
              - {label: Brutto, symbol: B, formula: "N * (1 + m)", decimals: 2, thousands: true}
          - kind: choice
            title: Wahl
            options: [{id: a, label: Ja}, {id: b, label: Nein}]
            items:
              - {prompt: "Eins?", answer: a}
              - {prompt: "Keins?", answer: none, verdict: Keins.}
        """,
    )
    out = tmp_path / "quiz.xml"
    result = CliRunner().invoke(cli, ["export", str(file), "--to", "moodle", "-o", str(out)])
    assert result.exit_code == 0, result.output
    xml = out.read_text(encoding="utf-8")
    assert "<text>1487.38</text>" in xml  # Moodle reads the answer with a point
    assert "1.487,38" in xml  # the feedback prints as the key does
    assert "Keine davon" in xml


def test_english_prints_without_reading_any_catalogue() -> None:
    assert language_for("en") is ENGLISH_LANGUAGE
    assert ENGLISH_LANGUAGE.words == {}


def test_a_locale_name_with_an_underscore_is_refused_with_the_tag_to_write(tmp_path: Path) -> None:
    from kind_helpers import problems

    file = write(tmp_path, "title: Zahlen\nlanguage: de_DE\n")
    [problem] = problems(file)
    assert problem == "2:11: language: 'de_DE' is not a language tag: write it with a hyphen, `de-DE`"


def test_versions_are_named_as_a_german_school_names_them(tmp_path: Path) -> None:
    from studygen.answers_all import answers_all
    from studygen.lesson import load_lesson
    from studygen.variants import versions

    file = write(
        tmp_path,
        """\
        title: Gruppen
        language: de
        exercises:
          - kind: numeric-problem
            title: Weg
            prompt: Wie weit?
            given: {v: [1.25, 3.75], t: 2}
            asked:
              - {label: Weg, symbol: s, formula: v * t}
        """,
    )
    drawn = versions(load_lesson(file), 2, 1)
    assert [version.label for version in drawn] == ["Gruppe 1", "Gruppe 2"]
    [table] = answers_all(drawn)
    assert table.versions == ("G1", "G2")
    [row] = table.sections[0][1]
    assert set(row.answers) <= {"2\\,5", "7\\,5"} and len(row.answers) == 2  # markdown: the comma escaped

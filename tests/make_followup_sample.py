"""Write agreements/exempelkommun/uppfoljning/: two years of the yearly follow-up, filled in.

Usage: python tests/make_followup_sample.py

For 2023 and then 2024 it runs ``overens followup new`` (so 2024 starts from what 2023
says), fills in the year's workbook as the kommun's officer would (status, comments,
measures) and returns some of the questionnaires as organisations would, into ``svar/``.
Everything is fictional. When LibreOffice Calc is installed each filled-in workbook is
passed through it, as make_register_sample.py does, so that the committed files are ones a
spreadsheet program saved. Run it again after changing agreement.yaml; it starts by
removing the folder uppfoljning/ it wrote before.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import openpyxl

from make_register_sample import FOLDER, through_calc
from overens_docs import followup_new

# Per year: each item's status, the kommun's comment, the organisations' comment, measure.
YEAR_ENTRIES: dict[int, dict[str, tuple[str | None, ...]]] = {
    2023: {
        "k1": ("genomfört", "Dialogkonferensen hölls den 14 oktober.", None,
               "Antal deltagande organisationer: 31"),
        "k2": ("pågår", "Webbsidan om bidrag är påbörjad.", "Bidragen är fortfarande svåra "
               "att överblicka.", None),
        "k3": ("ej påbörjat", None, None, None),
        "k4": ("pågår", "Skolornas lokaler kan bokas på kvällar från hösten.", None,
               "Antal bokningar: 112"),
        "k5": ("genomfört", None, None, None),
        "o1": ("genomfört", None, "31 organisationer deltog.", None),
        "o2": ("pågår", None, "Flera föreningar har bytt ordförande.", None),
        "o3": ("genomfört", None, None, "Redovisningar inkomna: 24 av 26"),
        "o4": ("ej påbörjat", None, None, None),
        "g1": ("pågår", "En träff för nya föreningar hölls i maj.", None, None),
        "h1": ("pågår", None, "Förteckningen är halvfärdig.", None),
        "h2": ("genomfört", "Webbsidan publicerades i mars.", None, None),
        "h3": ("genomfört", None, None, None),
        "h4": ("ej aktuellt", "Planeras till 2024.", None, None),
    },
    2024: {
        "k1": ("genomfört", "Dialogkonferensen hölls den 12 oktober.", None,
               "Antal deltagande organisationer: 35"),
        "k2": ("genomfört", "Alla bidrag finns nu på en sida.", None, None),
        "k3": ("pågår", "Två fleråriga överenskommelser om stöd är tecknade.", None, None),
        "k4": ("genomfört", None, None, "Antal bokningar: 187"),
        "k5": ("genomfört", None, None, None),
        "o1": ("genomfört", None, "35 organisationer deltog.", None),
        "o2": ("genomfört", None, None, None),
        "o3": ("genomfört", None, None, "Redovisningar inkomna: 26 av 26"),
        "o4": ("pågår", None, "Tre föreningar har haft medlemsträffar om överenskommelsen.",
               None),
        "g1": ("pågår", None, None, None),
        "h1": ("genomfört", "Förteckningen finns på kommunens webbplats.", None, None),
        "h2": ("genomfört", None, None, None),
        "h3": ("genomfört", None, None, None),
        "h4": ("pågår", None, "Två introduktionsträffar har hållits.", None),
    },
}
# Per year: the organisations (file name in enkater/) that answered, and their answers.
ANSWERS: dict[int, dict[str, dict[str, tuple[str | None, str | None]]]] = {
    2023: {
        "exempelstads-idrottsallians": {
            "o1": ("genomfört", None), "o2": ("pågår", None), "o3": ("genomfört", None),
            "o4": ("ej påbörjat", "Vi har inte hunnit."), "g1": ("pågår", None),
            "h1": ("pågår", None), "h3": ("genomfört", None), "h4": ("ej aktuellt", None)},
        "kulturforeningen-angen": {
            "o1": ("genomfört", "Bra konferens."), "o2": ("genomfört", None),
            "o3": ("genomfört", None), "o4": ("pågår", None), "g1": ("ej påbörjat", None),
            "h1": ("ej påbörjat", "Vi vet inte var förteckningen finns."),
            "h3": ("genomfört", None), "h4": (None, None)},
    },
    2024: {
        "exempelstads-idrottsallians": {
            "o1": ("genomfört", None), "o2": ("genomfört", None), "o3": ("genomfört", None),
            "o4": ("pågår", None), "g1": ("pågår", None), "h1": ("genomfört", None),
            "h3": ("genomfört", None), "h4": ("pågår", None)},
        "foreningen-grannar-vanner-i-norrby": {
            "o1": ("genomfört", None), "o2": ("genomfört", None), "o3": ("pågår", None),
            "o4": ("ej påbörjat", "Vi vill gärna ha material på fler språk."),
            "g1": ("pågår", None), "h1": ("genomfört", "Lokalförteckningen är till stor hjälp."),
            "h3": ("genomfört", None), "h4": (None, None)},
        "stiftelsen-oppna-hander": {
            "o1": ("genomfört", None), "o2": ("genomfört", None), "o3": ("genomfört", None),
            "o4": ("genomfört", None), "g1": ("genomfört", None), "h1": ("genomfört", None),
            "h3": ("genomfört", "Bra att uppföljningen redovisas öppet."),
            "h4": ("genomfört", None)},
    },
}


def fill(path: Path, entries: Mapping[str, tuple[str | None, ...]], target: Path) -> None:
    """The workbook at ``path`` with ``entries`` written into the columns after the locked
    ones (F onwards), by the id in column A, saved as ``target`` (through Calc if it is
    installed)."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    for row in sheet.iter_rows(min_row=1):
        values = entries.get(str(row[0].value))
        if values is None:
            continue
        for offset, value in enumerate(values):
            row[5 + offset].value = value
    with tempfile.TemporaryDirectory() as work:
        written = Path(work) / target.name
        book.save(written)
        if not through_calc(written, target):
            shutil.copyfile(written, target)


def main() -> None:
    folder = FOLDER / "uppfoljning"
    if folder.exists():
        shutil.rmtree(folder)
    for year, entries in YEAR_ENTRIES.items():
        result = followup_new(FOLDER, year)
        assert not result.report.fails(), result.report.findings
        assert result.folder is not None
        workbook = result.folder.workbook
        fill(workbook, entries, workbook)
        for name, answers in ANSWERS[year].items():
            fill(result.folder.questionnaires / f"{name}.xlsx", answers,
                 result.folder.answers / f"{name}.xlsx")
        print(f"{result.folder.folder}: the workbook, {len(result.questionnaires)} "
              f"questionnaires, {len(ANSWERS[year])} returned")
    if shutil.which("soffice") is None:
        print("LibreOffice Calc not found: the filled-in workbooks are openpyxl's",
              file=sys.stderr)


if __name__ == "__main__":
    main()

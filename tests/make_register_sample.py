"""Write agreements/exempelkommun/organisations.xlsx: a register as an officer keeps it.

Usage: python tests/make_register_sample.py

A sheet of instructions first, then "Organisationer": a title, the header row in Swedish, and
fictional organisations in every state (signed the current text, signed an older one,
withdrawn, invited). The current text's fingerprint is computed from agreement.yaml, so run
this again after changing the agreement. When LibreOffice Calc is installed the workbook is
passed through it, so that the committed file is one a spreadsheet program saved (shared
strings, saved formula values) rather than one openpyxl wrote.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from stdnum import luhn

from overens_docs._domain import read_agreement
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._load import load_yaml

FOLDER = Path(__file__).resolve().parents[1] / "agreements" / "exempelkommun"
HEADER = ["Namn", "Organisationsnummer", "Typ", "Företrädare", "Titel", "Status",
          "Undertecknad", "Version", "Utträdd", "Ceremoni", "Inbjuden", "Beslut", "Kontakt"]
OLDER_VERSION = "5D1E 0A7C 93F2"  # the 2018 text, which overens-docs did not yet keep
CEREMONY_2018 = datetime.date(2018, 4, 20)
CEREMONY_2022 = datetime.date(2022, 4, 20)
CEREMONY_NEXT = datetime.date(2026, 12, 10)  # agreement.yaml's signing.ceremonies
LETTERS = datetime.date(2026, 9, 1)  # the invitations sent in the autumn


def number(first_nine: str) -> str:
    """A made-up organisation number with a valid check digit."""
    return f"{first_nine[:6]}-{first_nine[6:]}{luhn.calc_check_digit(first_nine)}"


def rows(current: str) -> list[list[object]]:
    short = short_form(current)
    as_number = int(number("802461357").replace("-", ""))  # typed as a number in Excel
    return [
        # Signed the current text at the ceremony of 2022.
        ["Exempelstads Idrottsallians", number("802460011"), "paraplyorganisation",
         "Maria Lind", "Ordförande", "undertecknat", CEREMONY_2022, short, None,
         CEREMONY_2022, None, "Styrelsen 2022-03-30, § 5",
         "kansli@idrottsalliansen.example.org"],
        ['Föreningen "Grannar & Vänner" i Norrby', as_number, "förening", "Ahmed Yusuf",
         "Ordförande", "Undertecknat", CEREMONY_2022, short, None, CEREMONY_2022, None,
         "Årsmötet 2022-02-27, § 12", "070-123 45 67"],
        # Joined later, each on its own.
        ["Kulturföreningen Ängen", number("802470022"), "förening", "Eva Åkesson",
         "Ordförande", "undertecknat", datetime.date(2022, 9, 14), short, None, None, None,
         "Styrelsen 2022-08-22, § 3", "angen@example.org"],
        ["Stiftelsen Öppna Händer", number("802480033"), "stiftelse", "Johan Berg",
         "Verksamhetschef", "undertecknat", datetime.date(2023, 2, 1), current, None, None,
         None, "Styrelsen 2023-01-18, § 2", "info@oppnahander.example.org"],
        # Signed the 2018 text: to sign the revised one again, at the next ceremony.
        ["Exempelstads Pingstförsamling", number("252001122"), "trossamfund", "Samuel Ek",
         "Pastor", "undertecknat", CEREMONY_2018, OLDER_VERSION, None, CEREMONY_NEXT, None,
         "Församlingsmötet 2018-03-11, § 7", "pastor@pingst.example.org"],
        ["Syjuntan Östra Gärdet", number("802490044"), "förening", "Britt Holm", "Kassör",
         "utträtt", CEREMONY_2018, OLDER_VERSION, datetime.date(2021, 6, 30), None, None,
         "Årsmötet 2018-02-10, § 9", None],
        # Invited: to the next ceremony; on its own, written to before (a reminder is
        # due); on its own, with a phone number only (its letter goes by post).
        ["Nätverket Unga röster", None, "nätverk", "Leo Nilsson", "Kontaktperson",
         "inbjuden", None, None, None, CEREMONY_NEXT, None, None, "unga.roster@example.org"],
        ["Pensionärsföreningen Solrosen", number("802500055"), "förening", "Gun Persson",
         "Ordförande", "inbjuden", None, None, None, None, LETTERS, None,
         "solrosen@example.org"],
        ["Kooperativet Åkerbären ek. för.", number("769650066"), "kooperativ", "Omar Haddad",
         "Styrelseordförande", "inbjuden", None, None, None, None, None, None,
         "073-987 65 43"],
    ]


def instructions(sheet: Worksheet) -> None:
    lines = [
        "Register över organisationer som har bjudits in till överenskommelsen.",
        "overens-docs läser bladet Organisationer: en rad per organisation, under rubrikraden.",
        "Status: inbjuden, undertecknat eller utträtt. Undertecknat kräver datum i "
        "Undertecknad; utträtt kräver datum i Utträdd.",
        "Version: textens fingeravtryck som organisationen skrev under (står på dokumenten).",
        "Ceremoni: datumet för den ceremoni (i agreement.yaml) som organisationen är "
        "inbjuden till; tomt om den skriver under på egen hand.",
        "Inbjuden: när inbjudan (eller senaste påminnelsen) skickades; nästa brev blir då en "
        "påminnelse.",
        "Kontakt och e-post skrivs aldrig ut och publiceras aldrig.",
        "Kör 'overens status' för att se vilka som inte har skrivit under, med kontaktuppgifter.",
    ]
    for line in lines:
        sheet.append([line])
    sheet.append([])
    sheet.append(["Antal som har undertecknat:",
                  '=COUNTIF(Organisationer!F:F,"undertecknat")'])
    sheet.column_dimensions["A"].width = 100


def workbook(current: str) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Instruktioner"
    instructions(first)
    sheet = book.create_sheet("Organisationer")
    sheet.append(["Överenskommelse om samverkan mellan Exempelkommun och idéburna "
                  "organisationer – register"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(HEADER)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows(current):
        sheet.append(row)
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    status = DataValidation(type="list", formula1='"inbjuden,undertecknat,utträtt"',
                            allow_blank=True)
    sheet.add_data_validation(status)
    status.add("F4:F500")
    sheet.freeze_panes = "B4"
    for letter, width in zip("ABCDEFGHIJKLM",
                             (42, 20, 20, 18, 18, 14, 13, 72, 12, 12, 12, 32, 34), strict=True):
        sheet.column_dimensions[letter].width = width
    return book


def through_calc(path: Path, target: Path) -> bool:
    """Open and save ``path`` with LibreOffice Calc into ``target``; False if not installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return False
    with tempfile.TemporaryDirectory() as work:
        profile = Path(work) / "profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
             "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", work, str(path)],
            check=True, capture_output=True, timeout=120)
        converted = Path(work) / path.name
        if not converted.is_file():
            return False  # LibreOffice without Calc exits 0 and writes nothing
        shutil.copyfile(converted, target)
    return True


def main() -> None:
    agreement = read_agreement(load_yaml(FOLDER / "agreement.yaml"), FOLDER)
    current = text_fingerprint(agreement)
    target = FOLDER / "organisations.xlsx"
    with tempfile.TemporaryDirectory() as work:
        written = Path(work) / "organisations.xlsx"
        workbook(current).save(written)
        if not through_calc(written, target):
            shutil.copyfile(written, target)
            print("LibreOffice Calc not found: wrote openpyxl's file", file=sys.stderr)
    print(f"{target}: current text {short_form(current)}")


if __name__ == "__main__":
    main()

"""The signing process as a build runs it, on the exempelkommun sample: who gets documents,
which date their pages print, the ceremony file, letters, the mailing list, the public list.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pikepdf
import pytest
from pypdf import PdfReader

from conftest import ROOT, RunCli
from overens_docs import build, verify
from overens_docs._pdf.check import accessibility_problems, problems

pytestmark = pytest.mark.libreoffice

EXEMPELKOMMUN = ROOT / "agreements" / "exempelkommun"
TO_SIGN = {"exempelstads-pingstforsamling", "natverket-unga-roster",
           "pensionarsforeningen-solrosen", "kooperativet-akerbaren-ek-for"}


def _last_page(path: Path) -> str:
    pages = PdfReader(path).pages
    return " ".join((pages[-1].extract_text() or "").split())


def _date_lines(text: str) -> list[str]:
    """What each "Ort och datum" line of a signature page holds, in the order printed."""
    return [part.strip().split("Underskrift")[0].strip()
            for part in text.split("Exempelstad den")[1:]]


@pytest.fixture(scope="module")
def sample_built(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    out = tmp_path_factory.mktemp("exempelkommun-built")
    result = build([EXEMPELKOMMUN], out=out, progress=False)
    assert not result.report.fails() and not result.build_failed, result.report.findings
    return out / "exempelkommun"


def test_documents_for_those_to_sign_only(sample_built: Path) -> None:
    made = {path.stem for path in (sample_built / "organisations").glob("*.pdf")}
    assert made == TO_SIGN  # not the withdrawn one, not those who signed this text
    assert not (sample_built / "organisations" / "syjuntan-ostra-gardet.pdf").exists()
    assert verify(sample_built).findings == []


def test_a_date_only_for_those_who_sign_on_it(sample_built: Path) -> None:
    organisations = sample_built / "organisations"
    at_ceremony = _last_page(organisations / "natverket-unga-roster.pdf")
    assert "Exempelstad den 10 december 2026" in at_ceremony  # its ceremony's, both parties
    assert at_ceremony.count("10 december 2026") == 2
    for own in ("pensionarsforeningen-solrosen", "kooperativet-akerbaren-ek-for"):
        page = _last_page(organisations / f"{own}.pdf")
        assert "2022" not in page and "2026" not in page  # signs on its own: by hand
        assert page.count("Exempelstad den Ort och datum") == 2
    again = _last_page(organisations / "exempelstads-pingstforsamling.pdf")
    assert "2018" not in again and "10 december 2026" in again  # not its old date


def test_the_ceremony_file_holds_exactly_its_invited(sample_built: Path) -> None:
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in
                    PdfReader(sample_built / "signature-pages.pdf").pages)
    assert "Exempelstads Pingstförsamling" in text and "Nätverket Unga röster" in text
    for absent in ("Solrosen", "Åkerbären", "Syjuntan", "Idrottsallians", "Ängen"):
        assert absent not in text
    assert "Exempelstad den 10 december 2026" in text
    manifest = json.loads((sample_built / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ceremony"] == {"date": "2026-12-10", "organisations": [
        "252001-1228", "natverket-unga-roster"]}


def test_letters_and_the_mailing_list(sample_built: Path) -> None:
    letters = sample_built / "letters"
    assert {path.stem for path in letters.glob("*.pdf")} == TO_SIGN
    assert {path.stem for path in letters.glob("*.docx")} == TO_SIGN
    for pdf in letters.glob("*.pdf"):
        assert problems(pdf, pages=1) == []
        assert accessibility_problems(pdf, tagged=True) == []
        with pikepdf.open(pdf) as document:
            title = str(document.docinfo.Title)
        assert title.startswith("Överenskommelse om samverkan") and "– brev till " in title
    reminder = _last_page(letters / "pensionarsforeningen-solrosen.pdf")
    assert reminder.startswith("Exempelkommun 16 november 2026 Pensionärsföreningen Solrosen")
    assert "Påminnelse" in reminder and "1 september 2026" in reminder
    assert "senast den 31 december 2026" in reminder
    ceremony = _last_page(letters / "natverket-unga-roster.pdf")
    assert "ceremoni den 10 december 2026 i Exempelstad: Stadshusets festsal" in ceremony
    again = _last_page(letters / "exempelstads-pingstforsamling.pdf")
    assert "Underteckna den reviderade överenskommelsen" in again
    assert "20 april 2018" in again
    rows = list(csv.reader(io.StringIO(
        (letters / "mailing-list.csv").read_bytes().decode("utf-8-sig"), newline=""),
        delimiter=";"))
    assert rows[0] == ["Organisation", "Kontaktperson", "E-post", "Kontakt", "Anledning", "Brev"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Exempelstads Pingstförsamling", "Nätverket Unga röster",
                            "Pensionärsföreningen Solrosen", "Kooperativet Åkerbären ek. för."}
    assert by_name["Kooperativet Åkerbären ek. för."][2:4] == ["", "073-987 65 43"]
    assert by_name["Nätverket Unga röster"][5] == "natverket-unga-roster.pdf"


def test_the_public_list_counts_only_the_current_text(sample_built: Path) -> None:
    page = (sample_built / "signatories.html").read_text(encoding="utf-8")
    assert "4 organisationer har undertecknat den gällande texten" in page
    assert "Har undertecknat en tidigare version (fingeravtryck 5D1E 0A7C 93F2)" in page
    assert "Syjuntan" not in page
    for personal in ("example.org", "070-", "073-", "Samuel Ek"):
        assert personal not in page


def test_an_organisation_added_in_excel_gets_documents_a_letter_and_a_row(
        tmp_path: Path, run_cli: RunCli) -> None:
    """The officer adds two invited organisations to the register in Excel (one to the
    ceremony) and builds again."""
    folder = tmp_path / "exempelkommun"
    shutil.copytree(EXEMPELKOMMUN, folder)
    book = openpyxl.load_workbook(folder / "organisations.xlsx")
    sheet = book["Organisationer"]
    header = [cell.value for cell in sheet[3]]

    def add(values: dict[str, object]) -> None:
        sheet.append([values.get(str(name)) for name in header])

    add({"Namn": "Föreningen Nya Vänner", "Företrädare": "Lina Ny", "Titel": "Ordförande",
         "Status": "inbjuden", "Kontakt": "nya@example.org"})
    add({"Namn": "Ceremoniföreningen", "Företrädare": "Ola Fest", "Titel": "Ordförande",
         "Status": "inbjuden", "Ceremoni": "2026-12-10", "Kontakt": "fest@example.org"})
    book.save(folder / "organisations.xlsx")
    result = run_cli("build", folder, "--out", tmp_path / "build")
    assert result.exit_code == 0, result.stdout + result.stderr
    built = tmp_path / "build" / "exempelkommun"
    page = _last_page(built / "organisations" / "foreningen-nya-vanner.pdf")
    assert page.count("Exempelstad den Ort och datum") == 2  # a blank date line
    assert "Lina Ny" in page
    assert "10 december 2026" in _last_page(built / "organisations" / "ceremoniforeningen.pdf")
    assert (built / "letters" / "foreningen-nya-vanner.pdf").is_file()
    assert (built / "letters" / "foreningen-nya-vanner.docx").is_file()
    listing = (built / "letters" / "mailing-list.csv").read_bytes().decode("utf-8-sig")
    assert ("Föreningen Nya Vänner;Lina Ny;nya@example.org;;Inbjudan att underteckna "
            "överenskommelsen;foreningen-nya-vanner.pdf") in listing
    ceremony = " ".join(" ".join((p.extract_text() or "").split()) for p in
                        PdfReader(built / "signature-pages.pdf").pages)
    assert "Ceremoniföreningen" in ceremony and "Nya Vänner" not in ceremony
    assert "signature-pages.pdf: the ceremony of 2026-12-10, 3 organisations." in result.stdout
    assert verify(built).findings == []


def test_only_refuses_a_withdrawn_organisation_and_keeps_the_ceremony_file(
        sample_built: Path, tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "out"
    shutil.copytree(sample_built, out / "exempelkommun")
    result = run_cli("build", EXEMPELKOMMUN, "--out", out, "--only", "802490-0444")
    assert result.exit_code == 1
    assert "build-only-withdrawn" in result.stderr
    before = (out / "exempelkommun" / "signature-pages.pdf").read_bytes()
    result = run_cli("build", EXEMPELKOMMUN, "--out", out, "--only", "802500-0558")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (out / "exempelkommun" / "signature-pages.pdf").read_bytes() == before
    assert verify(out / "exempelkommun").findings == []

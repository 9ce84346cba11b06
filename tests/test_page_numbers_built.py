"""Signature pages numbered at assembly, in the templates' masters and in a real build of
the sample: every glyph a number needs in the footer's font, "sida N av N" where the text
pages print theirs, artifacts that pass the checks, and --only numbering anew."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from conftest import OREBRO
from overens_docs._pdf import check as _check
from overens_docs._pdf.page_numbers import (
    FONT,
    is_stamp,
)
from overens_docs._render.docx import PAGE_NUMBER_GLYPHS, with_page_number_glyphs
from test_page_numbers import _stamps

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PAGE_RUN = ('<w:r><w:rPr><w:rFonts w:ascii="Liberation Sans"/><w:sz w:val="17"/></w:rPr>'
             '<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>')


def _docx(footer_runs: str) -> bytes:
    relationships = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                     'relationships"><Relationship Id="rIdFooter1" Type="footer" '
                     'Target="footer1.xml"/></Relationships>')
    document = (f'<w:document xmlns:w="{_W}" xmlns:r="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships"><w:body><w:p><w:r><w:t>Text</w:t></w:r>'
                '</w:p><w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/>'
                '</w:sectPr></w:body></w:document>')
    footer = (f'<w:ftr xmlns:w="{_W}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
              f'{footer_runs}</w:p></w:ftr>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in (("word/document.xml", document),
                              ("word/_rels/document.xml.rels", relationships),
                              ("word/footer1.xml", footer)):
            package.writestr(name, content)
    return buffer.getvalue()


def test_the_master_gets_every_glyph_in_the_footers_font() -> None:
    data = with_page_number_glyphs(_docx(_PAGE_RUN))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        document = package.read("word/document.xml").decode()
    added = re.search(r"<w:p>(?:(?!<w:p>).)*" + PAGE_NUMBER_GLYPHS + r".*?</w:p>", document)
    assert added is not None
    paragraph = added.group()
    assert '<w:pStyle w:val="Footer"/>' in paragraph
    assert '<w:rFonts w:ascii="Liberation Sans"/><w:sz w:val="17"/>' in paragraph
    assert 'w:line="20" w:lineRule="exact"' in paragraph  # one point high
    assert document.index(PAGE_NUMBER_GLYPHS) < document.index("<w:sectPr>")
    assert set("sida av0123456789") <= set(PAGE_NUMBER_GLYPHS)


def test_a_master_whose_footer_prints_no_page_number_is_left_as_it_is() -> None:
    data = _docx("<w:r><w:t>Dnr 1</w:t></w:r>")
    assert with_page_number_glyphs(data) == data


# Built by LibreOffice: the sample agreement.

def _pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def _footer_words(pdf: Path) -> list[list[tuple[str, float, float]]]:
    """Per page: the words of its last line (the footer), with where each ends and its
    baseline's distance from the top (pdftotext -bbox)."""
    pages = _pdftotext(pdf, "-bbox").split("<page ")[1:]
    found = []
    for page in pages:
        words = [(word, float(x_max), float(y_max)) for x_max, y_max, word in re.findall(
            r'xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>', page)]
        bottom = max(y for _, _, y in words)
        found.append([word for word in words if abs(word[2] - bottom) < 0.5])
    return found


@pytest.fixture
def sample_build(orebro_built: Path) -> Path:
    return orebro_built


@pytest.mark.libreoffice
def test_signature_pages_pdf_counts_its_own_pages(sample_build: Path) -> None:
    pages = _pdftotext(sample_build / "signature-pages.pdf", "-layout").split("\f")[:-1]
    assert len(pages) == 15
    for number, text in enumerate(pages, 1):
        assert re.findall(r"sida \d+ av \d+", text) == [f"sida {number} av 15"]


@pytest.mark.libreoffice
def test_a_copy_ends_with_its_page_count_as_its_text_pages_print_it(sample_build: Path) -> None:
    copy = sample_build / "organisations" / "arlingsbo-pensionarsforening.pdf"
    pages = _pdftotext(copy, "-layout").split("\f")[:-1]
    count = len(pages)
    assert [re.findall(r"sida \d+ av \d+", text) for text in pages] == [
        [f"sida {number} av {count}"] for number in range(1, count + 1)]
    footers = _footer_words(copy)
    text_page, signature_page = footers[0][-4:], footers[-1][-4:]
    assert [word for word, _, _ in signature_page] == ["sida", str(count), "av", str(count)]
    # where the text pages' number ends, on the same baseline
    for (_, x_text, y_text), (_, x_stamp, y_stamp) in zip(text_page[-1:], signature_page[-1:],
                                                           strict=True):
        assert x_stamp == pytest.approx(x_text, abs=0.05)
        assert y_stamp == pytest.approx(y_text, abs=0.01)


@pytest.mark.libreoffice
def test_the_built_stamps_are_artifacts_and_pass_the_checks(sample_build: Path) -> None:
    for path in (sample_build / "signature-pages.pdf",
                 sample_build / "organisations" / "arlingsbo-pensionarsforening.pdf"):
        assert _check.problems(path) == []
        assert _check.accessibility_problems(path, tagged=True) == []
        with pikepdf.open(path) as pdf:
            signature_pages = pdf.pages if path.name == "signature-pages.pdf" else pdf.pages[-1:]
            for page in signature_pages:
                assert _stamps(page) == 1 and is_stamp(page.obj.Contents[-1].read_bytes())
                font = page.obj.Resources.Font[FONT]
                assert "/FontFile2" in font.FontDescriptor and "/ToUnicode" in font


@pytest.mark.libreoffice
def test_verify_holds_and_still_finds_a_changed_signature_page(
        sample_build: Path, tmp_path: Path, run_cli: Any) -> None:
    assert run_cli("verify", sample_build).exit_code == 0
    folder = tmp_path / "orebro"
    shutil.copytree(sample_build, folder)
    copy = folder / "organisations" / "arlingsbo-pensionarsforening.pdf"
    with pikepdf.open(copy, allow_overwriting_input=True) as pdf:
        page = pdf.pages[-1]
        page.obj.Contents = pikepdf.Array([*page.obj.Contents,
                                           pdf.make_stream(b"q 72 72 200 20 re f Q\n")])
        pdf.save(copy)
    result = run_cli("verify", folder, "--format", "json")
    rules = {finding["rule"] for finding in json.loads(result.stdout)["findings"]}
    assert result.exit_code == 1 and "verify-signature-page" in rules


@pytest.mark.libreoffice
def test_only_numbers_the_ceremony_file_anew(sample_build: Path, tmp_path: Path,
                                             run_cli: Any) -> None:
    out, folder = tmp_path / "out", tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    shutil.copytree(sample_build, out / "orebro")
    organisations = folder / "organisations.yaml"
    organisations.write_text(organisations.read_text(encoding="utf-8").replace(
        "organisations:\n", "organisations:\n  - id: nykomlingen\n    name: Nykomlingarnas "
        "förening\n    representative: Nils Ny\n    representative_title: Ordförande\n", 1),
        encoding="utf-8")
    result = run_cli("build", folder, "--out", out, "--only", "nykomlingen")
    assert result.exit_code == 0, result.stderr
    ceremony = out / "orebro" / "signature-pages.pdf"
    pages = _pdftotext(ceremony, "-layout").split("\f")[:-1]
    assert "Nykomlingarnas förening" in pages[0]
    for number, text in enumerate(pages, 1):
        assert re.findall(r"sida \d+ av \d+", text) == [f"sida {number} av 16"]
    with pikepdf.open(ceremony) as pdf:
        assert [_stamps(page) for page in pdf.pages] == [1] * 16
    assert run_cli("verify", out / "orebro").exit_code == 0

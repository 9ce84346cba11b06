"""``overens build`` end to end on the Örebro sample, checked like a user would check it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import OREBRO
from overens_docs import build
from overens_docs._domain import Organisation
from overens_docs._read import read_target
from overens_docs._targets import Target

pytestmark = pytest.mark.libreoffice
TRICKY = 'Föreningen "Ett & Två" <Unga> i Västerås'


@pytest.fixture(scope="module")
def built_in_parallel(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """The sample built the way large lists are: two signature batches converted side by
    side, and the organisations' files written by forked worker processes."""
    out = tmp_path_factory.mktemp("parallel")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("overens_docs._build.processes.PARALLEL_FROM", 4)
        result = build([OREBRO], out=out, progress=False)
    assert not result.report.fails() and not result.build_failed, result.report.findings
    return out / "orebro"


@pytest.fixture(scope="module")
def built_spawned(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """The sample built in parallel with worker processes started the way macOS and Windows
    start them ("spawn": nothing inherited, everything they need pickled)."""
    out = tmp_path_factory.mktemp("spawned")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("overens_docs._build.processes.PARALLEL_FROM", 4)
        patch.setattr("overens_docs._build.processes.START_METHOD", "spawn")
        result = build([OREBRO], out=out, progress=False)
    assert not result.report.fails() and not result.build_failed, result.report.findings
    return out / "orebro"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """The sample, with two organisations whose names slug alike, built once."""
    folder = tmp_path_factory.mktemp("agreements") / "orebro"
    shutil.copytree(OREBRO, folder)
    organisations = folder / "organisations.yaml"
    organisations.write_text(organisations.read_text(encoding="utf-8") + (
        "  - name: Åkesson & Co ideell förening\n"
        "    representative: Åke Åkesson\n    representative_title: Ordförande\n"
        "  - name: Akesson & Co ideell forening\n"
        "    representative: Ake Akesson\n    representative_title: Ordförande\n"),
        encoding="utf-8")
    out = folder.parent.parent / "build"
    result = build([folder], out=out, progress=False)
    assert not result.report.fails() and not result.build_failed, result.report.findings
    return out / "orebro"


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    texts = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    import html  # noqa: PLC0415

    return html.unescape("".join(texts))


def _organisations(built: Path) -> list[dict[str, object]]:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    return [entry for entry in manifest["files"] if entry["kind"] == "organisation-pdf"]


def test_every_output_is_written_and_listed(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"] for entry in manifest["files"]}
    on_disk = {str(path.relative_to(built)) for path in built.rglob("*") if path.is_file()}
    assert listed == on_disk - {"manifest.json"}
    assert {"agreement.docx", "agreement.pdf", "signature-pages.pdf"} <= listed
    assert len(_organisations(built)) == 17
    for entry in manifest["files"]:
        import hashlib  # noqa: PLC0415

        data = (built / str(entry["path"])).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_names_that_slug_alike_do_not_overwrite_each_other(built: Path) -> None:
    assert (built / "organisations/akesson-co-ideell-forening.pdf").is_file()
    assert (built / "organisations/akesson-co-ideell-forening-2.pdf").is_file()
    assert "Åkesson & Co" in _text(built / "organisations/akesson-co-ideell-forening.pdf")
    assert "Akesson & Co" in _text(built / "organisations/akesson-co-ideell-forening-2.pdf")


def test_tricky_name_comes_out_exactly_in_pdf_and_docx(built: Path) -> None:
    pdf = built / "organisations/foreningen-ett-tva-unga-i-vasteras.pdf"
    text = _text(pdf)
    assert TRICKY in text
    assert "802988-4569" in text
    assert "Jonatan Ekvall" in text
    assert TRICKY in _docx_text(pdf.with_suffix(".docx"))


def _listed(folder: Path) -> dict[str, Organisation]:
    read = read_target(Target(folder)).whole("test")
    return {o.id: o for o in read[1]}


@pytest.mark.parametrize("build_fixture", ["built", "built_in_parallel", "built_spawned"])
def test_every_organisation_pdf_holds_the_text_and_its_own_signature_page(
        build_fixture: str, request: pytest.FixtureRequest) -> None:
    built: Path = request.getfixturevalue(build_fixture)
    agreement_pages = len(PdfReader(built / "agreement.pdf").pages)
    listed = _listed(OREBRO)
    assert any(len(o.name) > 120 for o in listed.values())
    for entry in _organisations(built):
        if entry["organisation"] not in listed:
            continue  # the two added in the fixture are checked by name elsewhere
        organisation = listed[str(entry["organisation"])]
        pdf = built / str(entry["path"])
        reader = PdfReader(pdf)
        assert len(reader.pages) == entry["pages"] == agreement_pages + 1
        pages = _text(pdf).split("\f")
        full = " ".join(" ".join(pages).split())
        assert "Principen om självständighet och oberoende" in full
        assert "(principen om öppenhet, om dialog och om mångfald)" in full
        signature = " ".join(pages[agreement_pages].split())
        # The signature page's number is stamped as the PDFs are assembled (_assemble).
        assert f"För {organisation.name}" in signature, organisation.name
        assert organisation.representative in signature
        assert organisation.representative_title in signature
        if organisation.org_number:
            assert f"Organisationsnummer {organisation.org_number}" in signature
        others = [o.name for o in listed.values() if o.id != organisation.id]
        assert not [name for name in others if f"För {name}" in signature]


def _pdffonts(pdf: Path) -> list[list[str]]:
    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    return [line.split() for line in lines]


def test_organisation_pdfs_have_their_own_identifier_and_font_names(
        built_in_parallel: Path) -> None:
    """Each file has its own permanent /ID, and no two different font subsets in one file
    share a name (printers that cache fonts by name would mix up their glyphs)."""
    pdfs = sorted((built_in_parallel / "organisations").glob("*.pdf"))
    identifiers = set()
    for pdf in [*pdfs, built_in_parallel / "signature-pages.pdf"]:
        trailer: Any = PdfReader(pdf).trailer
        identifiers.add(trailer["/ID"][0].original_bytes)
        fonts = [(font[0], font[-2]) for font in _pdffonts(pdf)]  # name, object number
        names = [name for name, _ in set(fonts)]
        assert len(names) == len(set(names)), (pdf.name, fonts)
    assert len(identifiers) == len(pdfs) + 1


def test_pdfs_are_pdfa_with_embedded_fonts_and_pass_qpdf(built: Path,
                                                         built_in_parallel: Path) -> None:
    for pdf in [built / "agreement.pdf", built / "signature-pages.pdf",
                built_in_parallel / "signature-pages.pdf",
                *sorted((built / "organisations").glob("*.pdf"))[:3],
                *sorted((built_in_parallel / "organisations").glob("*.pdf"))[-3:]]:
        subprocess.run(["qpdf", "--check", str(pdf)], check=True, capture_output=True)
        fonts = _pdffonts(pdf)
        assert fonts and all(font[-5] == "yes" for font in fonts), fonts
        reader = PdfReader(pdf)
        root: Any = reader.trailer["/Root"]
        xmp = root["/Metadata"].get_object().get_data().decode()
        assert 'pdfaid:part="2"' in xmp or "<pdfaid:part>2</pdfaid:part>" in xmp
        assert 'pdfaid:conformance="B"' in xmp or "<pdfaid:conformance>B<" in xmp
        assert root["/Lang"] == "sv-SE"
        assert "/OutputIntents" in root
        info = reader.metadata
        assert info is not None
        # Each file has its own title: the agreement's, and for a copy or the ceremony file
        # whose it is (see test_accessible.py).
        assert info.title is not None
        assert info.title.startswith(
            "Överenskommelse om samverkan i Örebro mellan det civila samhället och kommunen")
        assert info.author == "Örebro kommun"
        assert info.producer != "pypdf"


def test_signature_pages_come_in_list_order(built: Path, built_in_parallel: Path) -> None:
    organisations = (OREBRO / "organisations.yaml").read_text(encoding="utf-8")
    first = re.findall(r"^    name: (.+)$", organisations, flags=re.MULTILINE)[0]
    assert first in _text(built / "signature-pages.pdf").split("\f")[0]
    assert len(PdfReader(built / "signature-pages.pdf").pages) == 17
    # Across the two batches of a parallel build too.
    pages = _text(built_in_parallel / "signature-pages.pdf").split("\f")[:-1]
    names = [o.name for o in _listed(OREBRO).values()]
    assert len(pages) == len(names) == 15
    for page, name in zip(pages, names, strict=True):
        assert f"För {name}" in " ".join(page.split()), name


def test_no_template_syntax_survives(built: Path) -> None:
    for path in built.rglob("*.pdf"):
        text = _text(path)
        assert not re.search(r"\{\{|\{%|\{#|XoverensX", text), path


def test_the_signature_blocks_stand_side_by_side(built: Path) -> None:
    """The public body on the left, the organisation on the right, as at a ceremony."""
    listed = _listed(OREBRO)
    for entry in _organisations(built):
        organisation = listed.get(str(entry["organisation"]))
        if organisation is None:
            continue
        last = _text(built / str(entry["path"])).split("\f")[-2]
        # A long name wraps in its column: its first word is beside the public body's.
        first = re.escape(organisation.name.split()[0])
        assert re.search(rf"^\s*För Örebro kommun\s{{2,}}För {first}", last, re.MULTILINE), last
        for label in ("Ort och datum", "Underskrift", "Namnförtydligande", "Titel"):
            assert re.search(rf"^\s*{label}\s{{2,}}{label}\s*$", last, re.MULTILINE), label


def test_every_page_has_the_one_header_with_the_title(built: Path) -> None:
    """One header on every page, the text's first page and the signature pages included
    (so that a logo put there is on every page): the title, small, above the text; the
    text's first page and each signature page print the title in their body too."""
    title = "Överenskommelse om samverkan i Örebro"
    for page in _text(built / "agreement.pdf").split("\f")[:-1]:
        assert page.split("\n")[0].strip().startswith(title)  # the header
    first = " ".join(_text(built / "agreement.pdf").split("\f")[0].split()[:40])
    assert first.count(title) == 2  # the header, then the title itself
    pdf = built / str(_organisations(built)[0]["path"])
    signature = " ".join(_text(pdf).split("\f")[-2].split())
    assert signature.startswith(title)
    assert signature.count(title) == 2 and f"Underskrifter {title}" in signature

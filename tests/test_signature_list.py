"""signing.layout: list: signature-pages.pdf as one ceremony list (needs LibreOffice)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import OREBRO, RunCli
from overens_docs import build
from overens_docs._build.manifest import Manifest, read_manifest
from overens_docs._verify import verify_build, verify_returned

pytestmark = pytest.mark.libreoffice

LONG_NAME = ("Riksföreningen för långa namn och ännu längre förkortningar i Mellersta Sverige "
             "med omnejd, som samlar föreningar för kultur, idrott, friluftsliv, studier, "
             "socialt arbete, trossamfund och allt annat som ideella krafter vill göra "
             "tillsammans i hela länet och grannlänen")[:250]


def _text(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def _with_list_layout(folder: Path) -> None:
    agreement = folder / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8")
                         + "signing:\n  place: Örebro\n  layout: list\n", encoding="utf-8")
    organisations = folder / "organisations.yaml"
    organisations.write_text(organisations.read_text(encoding="utf-8") + (
        f"  - name: {LONG_NAME}\n    org_number: 802002-8711\n"
        "    representative: Lena Lång\n    representative_title: Ordförande\n"),
        encoding="utf-8")


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """The Örebro sample with a 250-character name added, built with a ceremony list, in
    parallel: the list is converted with the first, smaller batch of signature pages."""
    folder = tmp_path_factory.mktemp("agreements") / "orebro"
    shutil.copytree(OREBRO, folder)
    _with_list_layout(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("overens_docs._build.processes.PARALLEL_FROM", 4)
        result = build([folder], out=folder.parent.parent / "build", progress=False)
    assert not result.report.fails() and not result.build_failed, result.report.findings
    return folder.parent.parent / "build" / "orebro"


def test_the_ceremony_list_has_several_organisations_per_page_and_the_public_body_once(
        listed: Path) -> None:
    manifest = read_manifest(listed)
    assert isinstance(manifest, Manifest)
    assert manifest.signature_layout == "list"
    assert manifest.signature_list is not None
    organisations = len(manifest.organisations)
    assert organisations == 16
    pages = _text(listed / "signature-pages.pdf").split("\f")[:-1]
    assert 2 <= len(pages) <= organisations // 4
    assert pages[0].count("För Örebro kommun") == 1
    assert sum(page.count("För Örebro kommun") for page in pages) == 1
    assert sum(page.count("Underskrifter") for page in pages) == 1
    for number, page in enumerate(pages, 1):
        assert f"sida {number} av {len(pages)}" in page  # the list counts its own pages
        assert "Textens fingeravtryck" in page
        assert page.count("Namnförtydligande") >= 1  # the repeated header row
    bare = "".join("".join(pages).split())
    for entry in manifest.signature_list:
        assert "".join(entry.name.split()) in bare, entry.name
        if entry.org_number:
            assert entry.org_number in bare
    numbers = [len(re.findall(r"\b\d{6}-\d{4}\b", page)) for page in pages]
    assert max(numbers) >= 5, numbers  # several organisations on a page


def test_the_ceremony_list_is_archival_and_titled_as_a_list(listed: Path) -> None:
    with pikepdf.open(listed / "signature-pages.pdf") as pdf:
        assert str(pdf.docinfo.Title).endswith("– underskriftslista")
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert "/OutputIntents" in pdf.Root


def test_each_organisation_keeps_its_own_signature_page_in_list_layout(listed: Path) -> None:
    manifest = json.loads((listed / "manifest.json").read_text(encoding="utf-8"))
    entries = [entry for entry in manifest["files"] if entry["kind"] == "organisation-pdf"]
    assert len(entries) == 16
    long = next(entry for entry in entries if entry["path"].startswith(
        "organisations/riksforeningen"))
    text_pages = len(pikepdf.open(listed / "agreement.pdf").pages)
    assert long["pages"] == text_pages + 1  # a 250-character name still fits on one page
    page = _text(listed / long["path"], "-layout").split("\f")[-2]
    assert re.search(r"^\s*För Örebro kommun\s{2,}För Riksföreningen", page, re.MULTILINE)


def test_verify_checks_that_everyone_is_on_the_list(listed: Path, tmp_path: Path) -> None:
    assert verify_build(listed).findings == []
    copy = tmp_path / "orebro"
    shutil.copytree(listed, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["signature_list"][2]["name"] = "Föreningen Som Inte Står Där"
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    rules = [finding.rule for finding in verify_build(copy).findings]
    assert rules.count("verify-list") == 1
    assert rules.count("verify-signature-page") == 1  # its own page names another


def test_a_returned_copy_is_known_by_its_name_in_list_layout(listed: Path,
                                                             tmp_path: Path) -> None:
    manifest = read_manifest(listed)
    assert isinstance(manifest, Manifest)
    entry = next(e for e in manifest.of_kind("organisation-pdf")
                 if e.path.startswith("organisations/riksforeningen"))
    resaved = tmp_path / "returned.pdf"
    with pikepdf.open(listed / entry.path) as pdf:
        pdf.save(resaved)
    returned = verify_returned(listed, resaved)
    assert returned.holds
    assert returned.organisation == entry.organisation


def test_only_remakes_the_whole_list(listed: Path, tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "build"
    shutil.copytree(listed, out / "orebro")
    folder = tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    _with_list_layout(folder)
    before = (out / "orebro" / "signature-pages.pdf").read_bytes()
    manifest = read_manifest(out / "orebro")
    assert isinstance(manifest, Manifest)
    result = run_cli("build", folder, "--out", out, "--only", manifest.organisations[3])
    assert result.exit_code == 0, result.stderr
    assert verify_build(out / "orebro").findings == []
    after = _text(out / "orebro" / "signature-pages.pdf")
    assert after == _text_of(before, tmp_path)
    assert "– underskriftslista" in str(
        pikepdf.open(out / "orebro" / "signature-pages.pdf").docinfo.Title)


def _text_of(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "before.pdf"
    path.write_bytes(data)
    return _text(path)


def test_only_is_refused_when_the_layout_changed(listed: Path, tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "build"
    shutil.copytree(listed, out / "orebro")
    folder = tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    _with_list_layout(folder)
    agreement = folder / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace(
        "layout: list", "layout: pages"), encoding="utf-8")
    manifest = read_manifest(out / "orebro")
    assert isinstance(manifest, Manifest)
    result = run_cli("build", folder, "--out", out, "--only", manifest.organisations[0],
                     "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == [
        "build-only-layout-changed"]


def test_a_fault_in_the_list_template_is_reported_at_the_list_template(
        tmp_path: Path, soffice: str) -> None:
    """The list template beside the agreement's own template is its own file: a name the
    data lacks is reported there, not at agreement.docx."""
    import zipfile  # noqa: PLC0415 -- this test only

    folder = tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    _with_list_layout(folder)
    agreement = folder / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8")
                         + "template:\n  document: own.docx\n", encoding="utf-8")
    defaults = Path(__file__).resolve().parents[1] / "templates" / "default"
    shutil.copy(defaults / "agreement.docx", folder / "own.docx")
    with zipfile.ZipFile(defaults / "signature-list.docx") as source, zipfile.ZipFile(
            folder / "signature-list.docx", "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p><w:r><w:t>{{ x }}</w:t></w:r></w:p>"
                                                  b"</w:body>", 1)
            target.writestr(item, data)
    result = build([folder], out=tmp_path / "build", progress=False)
    assert result.build_failed
    faults = [f for f in result.report.findings if f.rule == "template-undefined"]
    assert len(faults) == 1, result.report.findings
    assert faults[0].file.endswith("signature-list.docx")
    assert "'x'" in faults[0].message
    assert not (tmp_path / "build" / "orebro").exists()

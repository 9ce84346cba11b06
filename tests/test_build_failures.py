"""``overens build`` when something is wrong: invalid input, an unknown name in the
template, LibreOffice missing, an organisation whose files cannot be made, a delivered PDF
that is not fit to archive; and the PDF form path. Nothing is ever half-written."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import OREBRO, RunCli
from overens_docs._domain import Organisation
from test_build import TRICKY, _listed, _text

pytestmark = pytest.mark.libreoffice
EXEMPELKOMMUN = OREBRO.parent / "exempelkommun"


def test_build_refuses_invalid_input_with_validation_findings(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    agreement = orebro_copy / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace(
        "principles: [kvalitet]", "principles: [kvalitetx]", 1), encoding="utf-8")
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "[unknown-principle]" in result.stderr
    assert not (tmp_path / "out").exists()


def test_each_agreement_of_a_run_is_built_or_reported_on_its_own(run_cli: RunCli, tmp_path: Path) -> None:
    """An invalid agreement, and one whose build folder cannot be written, do not stop
    the others of the run from being built."""
    agreements, out = tmp_path / "agreements", tmp_path / "out"
    for name in ("a-invalid", "b-blocked", "c-valid"):
        shutil.copytree(EXEMPELKOMMUN, agreements / name)
    agreement = agreements / "a-invalid" / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace(
        "principles: [", "principles: [nowhere, ", 1), encoding="utf-8")
    (out / "b-blocked").mkdir(parents=True)
    (out / "b-blocked" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_cli("build", agreements, "--out", out, "--format", "json")
    assert result.exit_code == 2  # a usage error: b-blocked's folder is not a build's
    document = json.loads(result.stdout)
    assert document["summary"]["built"] == [str(out / "c-valid")]
    assert {f["rule"] for f in document["findings"] if f["severity"] == "error"} == {
        "unknown-principle"}
    assert "was not written by 'overens build'" in document["error"]
    assert document["exit_code"] == 2
    assert (out / "c-valid" / "manifest.json").is_file()
    assert not (out / "a-invalid").exists()
    assert (out / "b-blocked" / "notes.txt").read_text(encoding="utf-8") == "mine"
    shutil.rmtree(out / "b-blocked")
    again = run_cli("build", agreements, "--out", out)
    assert again.exit_code == 1  # a-invalid's findings
    lines = again.stdout.splitlines()
    assert lines[0] == f"{out / 'c-valid'} is up to date (built from the same inputs; --force builds it again)"
    assert lines[1].startswith(f"Built {out / 'b-blocked'}: ")


def test_only_builds_the_organisation_in_the_agreement_that_lists_it(run_cli: RunCli, tmp_path: Path) -> None:
    agreements, out = tmp_path / "agreements", tmp_path / "out"
    shutil.copytree(OREBRO, agreements / "orebro")
    shutil.copytree(EXEMPELKOMMUN, agreements / "exempelkommun")
    assert run_cli("build", agreements, "--out", out).exit_code == 0
    result = run_cli("build", agreements, "--out", out, "--only", "asens-hembygd")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Built {out / 'orebro'}: 1 organisation, 2 files, ")
    by_file_name = run_cli("build", agreements, "--out", out,
                           "--only", "asens-fiktiva-hembygdsforening")
    assert by_file_name.exit_code == 2
    assert "--only takes the id: --only asens-hembygd" in by_file_name.stderr
    typo = run_cli("build", agreements, "--out", out, "--only", "asens-hembygdsforening")
    assert typo.exit_code == 2
    assert "Did you mean: asens-hembygd" in typo.stderr


def test_only_one_organisation(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    """--only rewrites that organisation's two files (and its page of the ceremony file, the
    public list and the manifest) in an earlier build, and nothing else."""
    alone = run_cli("build", orebro_copy, "--out", tmp_path / "out",
                    "--only", "ett-och-tva-vasteras")
    assert alone.exit_code == 1 and "build-only-without-build" in alone.stderr
    assert run_cli("build", orebro_copy, "--out", tmp_path / "out").exit_code == 0
    folder = tmp_path / "out/orebro"
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out",
                     "--only", "ett-och-tva-vasteras")
    assert result.exit_code == 0, result.stderr
    rewritten = sorted(p.name for p in folder.rglob("*")
                       if p.is_file() and p.stat().st_mtime_ns != before.get(p))
    assert rewritten == ["foreningen-ett-tva-unga-i-vasteras.docx",
                         "foreningen-ett-tva-unga-i-vasteras.pdf", "manifest.json",
                         "signatories.csv", "signatories.html", "signature-pages.pdf"]
    unknown = run_cli("build", orebro_copy, "--out", tmp_path / "out", "--only", "nobody")
    assert unknown.exit_code == 2


def test_template_using_a_name_the_data_lacks_is_a_finding(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    from overens_docs._package_data import data_dir  # noqa: PLC0415

    source = data_dir("templates") / "default" / "agreement.docx"
    broken = orebro_copy / "broken.docx"  # in the agreement's folder, where templates may be
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(broken, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{ agreement.title }}", b"{{ agreement.kommunnamn }}", 1)
            copy.writestr(item, data)
    agreement = orebro_copy / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8")
                         + "template:\n  document: broken.docx\n", encoding="utf-8")
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert "[template-undefined]" in result.stderr
    assert "kommunnamn" in result.stderr
    assert "broken.docx" in result.stderr
    assert not (tmp_path / "out" / "orebro").exists()


def test_missing_libreoffice_says_how_to_install(run_cli: RunCli, orebro_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert "apt-get install" in result.stderr
    assert "libreoffice-writer-nogui" in result.stderr
    assert not (tmp_path / "out" / "orebro").exists()


def test_a_failed_build_leaves_the_previous_one_untouched(run_cli: RunCli, orebro_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run_cli("build", orebro_copy, "--out", out).exit_code == 0
    before = (out / "orebro" / "manifest.json").read_bytes()
    monkeypatch.setenv("PATH", str(tmp_path))
    assert run_cli("build", orebro_copy, "--out", out).exit_code == 3
    assert (out / "orebro" / "manifest.json").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["orebro", "orebro.versions"]


def test_agreement_can_use_the_pdf_form_for_signature_pages(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    agreement = orebro_copy / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8")
                         + "template:\n  signature_form: pdf-form/signature-page.pdf\n",
                         encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", orebro_copy, "--out", out)
    assert result.exit_code == 0, result.stderr
    pdf = out / "orebro/organisations/foreningen-ett-tva-unga-i-vasteras.pdf"
    pages = _text(pdf).split("\f")
    text_pages = len(PdfReader(out / "orebro/agreement.pdf").pages)
    signature = " ".join(pages[text_pages].split())
    assert TRICKY in signature
    assert "802988-4569" in signature
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert all(line.split()[-5] == "yes" for line in fonts), fonts
    subprocess.run(["qpdf", "--check", str(pdf)], check=True, capture_output=True)


# Failures are injected by patching this process's classes, which a forked worker inherits
# and a spawned one would not; the spawned path is built in full by `built_spawned`.
@pytest.mark.parametrize(("parallel_from", "start_method"),
                         [(40, None), (4, "fork")], ids=["in-process", "forked"])
@pytest.mark.parametrize("failing", ["pdf", "docx"])
def test_one_organisation_failing_is_named_and_nothing_is_half_written(  # noqa: PLR0917 -- fixtures
        run_cli: Any, orebro_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        failing: str, parallel_from: int, start_method: str | None) -> None:
    from overens_docs._pdf.assemble import Assembler  # noqa: PLC0415
    from overens_docs._render.personalise import Personaliser  # noqa: PLC0415

    victim = _listed(orebro_copy)
    organisation = next(o for o in victim.values() if o.name == TRICKY)
    if failing == "pdf":
        original_pdf = Assembler.organisation_pdf

        def broken_pdf(self: Assembler, batch: Any, page: int, identity: str, *args: Any, **kwargs: Any) -> tuple[bytes, int, list[str]]:
            if identity == organisation.id:
                raise OSError("disk full")
            return original_pdf(self, batch, page, identity, *args, **kwargs)

        monkeypatch.setattr(Assembler, "organisation_pdf", broken_pdf)
    else:
        original_docx = Personaliser.document

        def broken_docx(self: Personaliser, org: Organisation) -> bytes:
            if org.id == organisation.id:
                raise OSError("disk full")
            return original_docx(self, org)

        monkeypatch.setattr(Personaliser, "document", broken_docx)
    monkeypatch.setattr("overens_docs._build.processes.PARALLEL_FROM", parallel_from)
    monkeypatch.setattr("overens_docs._build.processes.START_METHOD", start_method)
    out = tmp_path / "out"
    result = run_cli("build", orebro_copy, "--out", out)
    assert result.exit_code == 3
    failures = [line for line in result.stderr.splitlines() if "build-organisation-failed" in line]
    assert len(failures) == 1
    lines = (orebro_copy / "organisations.yaml").read_text(encoding="utf-8").splitlines()
    name_line = next(number for number, text in enumerate(lines, 1) if "Ett & Två" in text)
    item_line = max(number for number, text in enumerate(lines[:name_line], 1)
                    if text.lstrip().startswith("- "))  # the finding points at its entry
    assert f"organisations.yaml:{item_line}:" in failures[0]
    assert TRICKY in failures[0] and "OSError: disk full" in failures[0]
    assert not out.exists() or not any(out.iterdir())  # nothing moved into place


def test_a_delivered_pdf_that_lost_what_makes_it_archival_fails_the_build(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last stage checks the files as delivered, not only LibreOffice's output: an
    assembly that dropped the output intent is caught before anything moves into place."""
    from overens_docs._pdf.master import Master  # noqa: PLC0415

    original = Master.archival

    def lossy(self: Master, pdf: Any) -> None:
        original(self, pdf)
        del pdf.Root["/OutputIntents"]

    monkeypatch.setattr(Master, "archival", lossy)
    out = tmp_path / "out"
    result = run_cli("build", orebro_copy, "--out", out, "--format", "json")
    assert result.exit_code == 3
    findings = json.loads(result.stdout)["findings"]
    assert findings and all("output intent" in f["message"] for f in findings)
    assert {f["rule"] for f in findings} <= {"build-organisation-failed", "pdf-archival"}
    assert not out.exists() or not any(out.iterdir())

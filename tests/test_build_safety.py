"""A build never loses or mixes files, and every broken input to it is a finding."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import OREBRO, RunCli, template_variant
from overens_docs._errors import ConversionError
from overens_docs._pdf.convert import Conversion

pytestmark = pytest.mark.libreoffice


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("where", ["agreements folder", "agreement folder", "inside it"])
def test_out_overlapping_the_inputs_is_refused_and_changes_nothing(
        run_cli: RunCli, orebro_copy: Path, where: str) -> None:
    agreements = orebro_copy.parent
    out = {"agreements folder": agreements, "agreement folder": orebro_copy,
           "inside it": orebro_copy / "build"}[where]
    before = _snapshot(agreements)
    result = run_cli("build", orebro_copy, "--out", out)
    assert result.exit_code == 2, result.stderr
    assert "overlap" in result.stderr and "Traceback" not in result.stderr
    assert _snapshot(agreements) == before


def test_a_folder_a_build_did_not_write_is_never_replaced(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "orebro").mkdir(parents=True)
    (out / "orebro" / "budget.xlsx").write_bytes(b"the officer's own file")
    (out / "notes.txt").write_text("unrelated", encoding="utf-8")
    before = _snapshot(out)
    result = run_cli("build", orebro_copy, "--out", out)
    assert result.exit_code == 2
    assert "was not written by 'overens build'" in result.stderr
    assert _snapshot(out) == before


def test_unrelated_files_beside_the_build_are_left_alone(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("unrelated", encoding="utf-8")
    assert run_cli("build", orebro_copy, "--out", out).exit_code == 0
    assert run_cli("build", orebro_copy, "--out", out, "--force").exit_code == 0  # replaces its own
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "orebro", "orebro.versions"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "unrelated"


def test_out_naming_a_file_is_a_clear_usage_error(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    file = tmp_path / "out.txt"
    file.write_text("x", encoding="utf-8")
    result = run_cli("build", orebro_copy, "--out", file)
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.stderr
    assert "staging" not in result.stderr and "cannot read" not in result.stderr


def test_only_after_a_rename_removes_the_old_files(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", orebro_copy, "--out", out).exit_code == 0
    organisations = orebro_copy / "organisations.yaml"
    text = organisations.read_text(encoding="utf-8")
    organisations.write_text(text.replace('Föreningen "Ett & Två" <Unga> i Västerås',
                                          "Ett & Två Unga i Västerås"), encoding="utf-8")
    result = run_cli("build", orebro_copy, "--out", out, "--only", "ett-och-tva-vasteras")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "orebro" / "manifest.json").read_text(encoding="utf-8"))
    mine = sorted(entry["path"] for entry in manifest["files"]
                  if entry["organisation"] == "ett-och-tva-vasteras")
    assert mine == ["organisations/ett-tva-unga-i-vasteras.docx",
                    "organisations/ett-tva-unga-i-vasteras.pdf"]
    on_disk = {str(p.relative_to(out / "orebro")) for p in (out / "orebro").rglob("*")
               if p.is_file()}
    assert on_disk == {entry["path"] for entry in manifest["files"]} | {"manifest.json"}


def test_build_json_output_is_one_json_document(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["summary"]["built"] == [str(tmp_path / "out" / "orebro")]


def test_built_files_get_the_usual_permissions(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert run_cli("build", orebro_copy, "--out", tmp_path / "out").exit_code == 0
    finally:
        os.umask(old)
    folder = tmp_path / "out" / "orebro"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert stat.S_IMODE((folder / "manifest.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((folder / "agreement.pdf").stat().st_mode) == 0o644


def test_a_very_long_title_builds(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    """Word's document properties hold 255 characters; the schema allows a longer title."""
    agreement = orebro_copy / "agreement.yaml"
    lines = agreement.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[index] = "title: " + ("Överenskommelse om samverkan " * 10)[:260]
    agreement.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("kind", ["not a docx", "a folder"])
def test_a_template_that_is_not_a_word_document_is_a_finding_at_the_key(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path, kind: str) -> None:
    template = orebro_copy / "mall.docx"
    if kind == "a folder":
        template.mkdir()
    else:
        template.write_text("not a zip", encoding="utf-8")
    agreement = orebro_copy / "agreement.yaml"
    text = agreement.read_text(encoding="utf-8")
    line = len(text.splitlines()) + 2  # the document: line
    agreement.write_text(text + "template:\n  document: mall.docx\n", encoding="utf-8")
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out", "--format", "json")
    assert result.exit_code == 3
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["line"]) for f in findings] == [
        ("template-unreadable" if kind == "not a docx" else "template-missing", line)]
    assert findings[0]["file"].endswith("agreement.yaml")


def test_a_pdf_from_libreoffice_that_is_not_a_pdf_is_a_finding(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Conversion.wait

    def garbled(self: Conversion) -> list[Path]:
        outputs = original(self)
        outputs[-1].write_bytes(b"%PDF-1.7 garbage")
        return outputs

    monkeypatch.setattr(Conversion, "wait", garbled)
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out", "--format", "json")
    assert result.exit_code == 3
    findings = json.loads(result.stdout)["findings"]
    assert findings and "not a readable PDF" in findings[0]["message"]


def test_a_stopped_libreoffice_leaves_nothing_behind(tmp_path: Path, soffice: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice stopped mid-start leaves lu*.tmp folders in TMPDIR and a socket in /tmp.
    Its TMPDIR is a private folder that goes away; a socket that appeared while it ran and
    that nobody listens on any more is removed (checked here in a folder of our own, since
    other programs may use /tmp meanwhile)."""
    import socket  # noqa: PLC0415

    from overens_docs._pdf import convert as _convert  # noqa: PLC0415

    pipes = tmp_path / "pipes"
    pipes.mkdir()
    monkeypatch.setattr(_convert, "_PIPES", pipes)
    started: list[dict[str, str]] = []
    original_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> Any:
        started.append(kwargs["env"])
        with socket.socket(socket.AF_UNIX) as dead:  # as a killed LibreOffice leaves it
            dead.bind(str(pipes / "OSL_PIPE_0_SingleOfficeIPC_test"))
        return original_popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    document = tmp_path / "x.docx"
    document.write_bytes((Path(__file__).parents[1] / "templates/default/agreement.docx")
                         .read_bytes())
    with pytest.raises(ConversionError, match="--timeout"):
        Conversion([document], tmp_path / "out", timeout=0.3).wait()
    private = Path(started[0]["TMPDIR"])
    assert private.name == "tmp" and not private.exists()
    assert private.parent.name.startswith("overens-lo-profile-")  # its own, not /tmp
    assert list(pipes.iterdir()) == []


def test_libreoffice_starts_without_its_graphics_test(tmp_path: Path, soffice: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A new profile makes LibreOffice test its graphics output at every start (0.8 s of
    CPU, most of its start), and every conversion has a new profile: the profile says it
    has run this version, so the test is skipped; the document is converted all the same."""
    seen: list[tuple[bool, str]] = []
    original_close = Conversion._close

    def close(self: Conversion) -> None:
        user = self._temporary.path / "profile" / "user"
        seen.append(((user / "GraphicsRenderTests.log").exists(),
                     (user / "registrymodifications.xcu").read_text(encoding="utf-8")))
        original_close(self)

    monkeypatch.setattr(Conversion, "_close", close)
    document = tmp_path / "x.docx"
    document.write_bytes((Path(__file__).parents[1] / "templates/default/agreement.docx")
                         .read_bytes())
    [pdf] = Conversion([document], tmp_path / "out").wait()
    assert pdf.read_bytes().startswith(b"%PDF")
    [(tested, settings)] = seen
    assert "ooSetupLastVersion" in settings  # LibreOffice kept what the profile said
    assert not tested


def test_the_libreoffice_time_limit_is_an_option(run_cli: Any, orebro_copy: Path,
                                                 tmp_path: Path) -> None:
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out", "--timeout", "0.2")
    assert result.exit_code == 3
    assert "did not finish converting" in result.stderr
    assert "--timeout SECONDS" in result.stderr
    with pytest.raises(SystemExit) as usage:  # argparse's own exit for a usage error
        run_cli("build", orebro_copy, "--timeout", "soon")
    assert usage.value.code == 2


def _template_repeating(tmp_path: Path, tag: bytes, times: int) -> Path:
    """The default template with ``tag`` printed ``times`` times, to fill a page."""
    return template_variant(tmp_path, tag, b" ".join([tag] * times))


def _use_template(folder: Path, template: Path) -> None:
    """Use ``template``, copied into the agreement's folder (where templates may be)."""
    shutil.copy(template, folder / template.name)
    agreement = folder / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8")
                         + f"template:\n  document: {template.name}\n", encoding="utf-8")


def test_an_overflowing_signature_page_names_the_organisation_and_its_row(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    _use_template(orebro_copy, _template_repeating(
        tmp_path, b"{{ organisation.representative_title }}", 12))
    organisations = orebro_copy / "organisations.yaml"
    text = organisations.read_text(encoding="utf-8")
    long_title = "Ordförande och kassör samt sekreterare " * 5
    organisations.write_text(
        text + f"  - name: Föreningen Lång Titel\n    representative: Eva Ek\n"
               f"    representative_title: {long_title.strip()}\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out", "--format", "json")
    assert result.exit_code == 3
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["file"].endswith("organisations.yaml"), f["line"])
            for f in findings] == [("signature-page-overflow", True, line)]
    assert "Föreningen Lång Titel" in findings[0]["message"]


def test_an_overflowing_public_body_side_is_blamed_on_the_signatory_not_the_organisations(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    _use_template(orebro_copy, _template_repeating(tmp_path, b"{{ public_signatory.title }}", 40))
    agreement = orebro_copy / "agreement.yaml"
    lines = agreement.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines)
                 if line.strip() == "title: Kommunens ansvariga politiker")
    lines[index] = lines[index].split("title:")[0] + "title: " + (
        "Kommunstyrelsens ordförande och ledamot av fullmäktige " * 4).strip()
    agreement.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out", "--format", "json")
    assert result.exit_code == 3
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["signature-page-overflow"]
    assert findings[0]["file"].endswith("agreement.yaml")
    assert index - 2 <= findings[0]["line"] - 1 <= index  # the signatory, or its title
    assert "public body's signatory" in findings[0]["message"]


@pytest.mark.parametrize("second", ["orebro", "Orebro", "ÖREBRO", "o\u0308rebro"])
def test_two_agreements_that_would_share_a_build_folder_are_refused_before_anything_is_built(
        run_cli: RunCli, tmp_path: Path, second: str) -> None:
    """The same name in two places, or names that differ only by case or Unicode form (one
    folder on Windows and macOS): refused, with a finding at each, and nothing written."""
    first = tmp_path / "a" / ("örebro" if second.lower().startswith(("ö", "o\u0308")) else "orebro")
    other = tmp_path / "b" / second
    for folder in (first, other):
        shutil.copytree(OREBRO, folder)
    result = run_cli("build", first, other, "--out", tmp_path / "out", "--format", "json")
    assert result.exit_code == 1, result.stdout
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["build-same-folder"] * 2
    assert {Path(f["file"]).parent.name for f in findings} == {first.name, second}
    assert not (tmp_path / "out").exists()


def test_the_same_folder_named_twice_is_built_once(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    result = run_cli("build", orebro_copy, orebro_copy.parent / "." / "orebro", "--out",
                     tmp_path / "out", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["built"] == [str(tmp_path / "out" / "orebro")]

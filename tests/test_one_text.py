"""One agreement text, provably: the fingerprint on every page, byte-identical builds,
--only that never mixes versions, and `overens verify`."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from conftest import OREBRO
from overens_docs import build
from overens_docs._domain.fingerprint import short_form

pytestmark = pytest.mark.libreoffice


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def _build(folder: Path, out: Path, **options: Any) -> Path:
    result = build([folder], out=out, progress=False, **options)
    assert not result.report.fails() and not result.build_failed, result.report.findings
    return out / folder.name


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> tuple[Path, Path]:
    """The sample built twice, a few seconds apart, with the parallel path (two signature
    batches, forked workers) to cover everything that could differ."""
    base = tmp_path_factory.mktemp("twice")
    folders = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("overens_docs._build.processes.PARALLEL_FROM", 4)
        for index in (1, 2):
            folders.append(_build(OREBRO, base / f"out{index}"))
            time.sleep(1.1 if index == 1 else 0)  # PDF dates have one-second resolution
    return folders[0], folders[1]


@pytest.fixture(scope="module")
def changed_text(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """The sample with one commitment reworded, built."""
    folder = tmp_path_factory.mktemp("changed") / "orebro"
    shutil.copytree(OREBRO, folder)
    agreement = folder / "agreement.yaml"
    text = agreement.read_text(encoding="utf-8")
    assert "i dialog mellan" in text
    agreement.write_text(text.replace("i dialog mellan", "i samtal mellan"), encoding="utf-8")
    return _build(folder, folder.parent / "out")


def test_the_same_inputs_give_the_same_bytes(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert len(files) > 30
    different = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert different == []


def test_copies_are_the_same_bytes_whichever_process_makes_them(tmp_path: Path,
                                                                soffice: str) -> None:
    """Assembly reuses a base document for a run of copies, and what a base copied before
    decides how a copy's objects are numbered: each copy must depend on its place only,
    not on which worker made it or what that worker made before (workers take the copies
    as they become free)."""
    folder = tmp_path / "many"
    folder.mkdir()
    shutil.copy(OREBRO / "agreement.yaml", folder)
    rows = "".join(f"  - name: Förening nummer {index}\n    representative: Åsa Öberg\n"
                   f"    representative_title: Ordförande\n" for index in range(120))
    (folder / "organisations.yaml").write_text("organisations:\n" + rows, encoding="utf-8")
    built = []
    for copies_in_parallel in (False, True):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("overens_docs._build.processes.PARALLEL_FROM", 4)
            if not copies_in_parallel:  # every copy made here, one after another
                patch.setattr("overens_docs._build.processes.processes_for", lambda count: 0)
            built.append(_build(folder, tmp_path / f"out-{copies_in_parallel}"))
    serial, parallel = built
    files = sorted(p.relative_to(serial) for p in serial.rglob("*.pdf"))
    assert len(files) > 120
    assert [str(f) for f in files
            if (serial / f).read_bytes() != (parallel / f).read_bytes()] == []


def test_the_fingerprint_is_in_the_manifest_and_on_every_signature_page(
        two_builds: tuple[Path, Path]) -> None:
    built = two_builds[0]
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    fingerprint = manifest["text_fingerprint"]
    assert len(fingerprint) == 64 and int(fingerprint, 16) >= 0
    printed = f"Textens fingeravtryck: {short_form(fingerprint)}"
    assert printed in " ".join(_text(built / "agreement.pdf").split())
    for page in _text(built / "signature-pages.pdf").split("\f")[:-1]:
        assert printed in " ".join(page.split())
    organisation_pdfs = [e["path"] for e in manifest["files"] if e["kind"] == "organisation-pdf"]
    assert len(organisation_pdfs) == len(manifest["organisations"]) == 15
    for relative in organisation_pdfs:
        last = _text(built / relative).split("\f")[-2]
        assert printed in " ".join(last.split())


def test_the_fingerprint_does_not_depend_on_the_tool_or_the_template(
        two_builds: tuple[Path, Path], changed_text: Path) -> None:
    """The same text through the PDF form gives the same fingerprint; a changed text another."""
    ours = json.loads((two_builds[0] / "manifest.json").read_text(encoding="utf-8"))
    changed = json.loads((changed_text / "manifest.json").read_text(encoding="utf-8"))
    assert ours["text_fingerprint"] != changed["text_fingerprint"]


def _copy_build(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "build" / built.name
    shutil.copytree(built, copy)
    return copy


def _verify(run_cli: Any, folder: Path, *extra: str | Path) -> tuple[int, list[dict[str, Any]]]:
    result = run_cli("verify", folder, "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout).get("findings", [])


def test_verify_passes_on_a_fresh_build(run_cli: Any, two_builds: tuple[Path, Path]) -> None:
    assert _verify(run_cli, two_builds[0]) == (0, [])


def test_verify_counts_what_it_checks_and_takes_a_folder_of_builds(
        run_cli: Any, two_builds: tuple[Path, Path], tmp_path: Path) -> None:
    manifest = json.loads((two_builds[0] / "manifest.json").read_text(encoding="utf-8"))
    files = len(manifest["files"]) + 1  # and the manifest itself
    result = run_cli("verify", two_builds[0])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == f"OK: {files} files checked, 0 errors, 0 warnings"
    builds = tmp_path / "build"  # as build/ holds one folder per agreement
    for name in ("orebro", "orebro-again"):
        shutil.copytree(two_builds[0], builds / name)
    (builds / "orebro-again" / "agreement.html").write_text("changed", encoding="utf-8")
    result = run_cli("verify", builds, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert len(document["summary"]["files"]) == 2 * files
    assert [(f["rule"], f["file"]) for f in document["findings"]] == [
        ("verify-changed", str(builds / "orebro-again" / "agreement.html"))]


def test_verify_finds_a_page_from_a_build_of_another_text(
        run_cli: Any, two_builds: tuple[Path, Path], changed_text: Path, tmp_path: Path) -> None:
    folder = _copy_build(two_builds[0], tmp_path)
    victim = folder / "organisations" / "arlingsbo-pensionarsforening.pdf"
    other = changed_text / "organisations" / "arlingsbo-pensionarsforening.pdf"
    with pikepdf.open(victim, allow_overwriting_input=True) as pdf, pikepdf.open(other) as donor:
        pdf.pages[0] = donor.pages[0]
        pdf.save(victim)
    # Even with the manifest's hash updated to match, the page content gives it away.
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["path"] == "organisations/arlingsbo-pensionarsforening.pdf":
            entry["sha256"] = hashlib.sha256(victim.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, findings = _verify(run_cli, folder)
    assert code == 1
    assert [(f["rule"], Path(f["file"]).name, f.get("page")) for f in findings] == [
        ("verify-text", victim.name, 1)]


@pytest.mark.parametrize("damage", ["changed byte", "deleted file", "added file"])
def test_verify_finds_any_change_to_the_folder(run_cli: Any, two_builds: tuple[Path, Path],
                                               tmp_path: Path, damage: str) -> None:
    folder = _copy_build(two_builds[0], tmp_path)
    target = folder / "organisations" / "arlingsbo-pensionarsforening.docx"
    if damage == "changed byte":
        data = bytearray(target.read_bytes())
        data[-10] ^= 1
        target.write_bytes(bytes(data))
        expected = "verify-changed"
    elif damage == "deleted file":
        target.unlink()
        expected = "verify-missing"
    else:
        target = folder / "organisations" / "extra.pdf"
        target.write_bytes(b"%PDF-1.7")
        expected = "verify-unexpected"
    code, findings = _verify(run_cli, folder)
    assert code == 1
    assert [(f["rule"], Path(f["file"]).name) for f in findings] == [(expected, target.name)]


def _returned(run_cli: Any, folder: Path, file: Path) -> tuple[int, dict[str, Any]]:
    result = run_cli("verify", folder, "--file", file, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def test_a_returned_copy_is_recognised(run_cli: Any, two_builds: tuple[Path, Path],
                                       changed_text: Path, tmp_path: Path) -> None:
    folder = two_builds[0]
    built = folder / "organisations" / "arlingsbo-pensionarsforening.pdf"
    code, answer = _returned(run_cli, folder, built)
    assert (code, answer["verdict"], answer["organisation"]) == (0, "identical", "arlingsbo-pension")

    appended = tmp_path / "appended.pdf"  # bytes after the built file that are no update
    appended.write_bytes(built.read_bytes() + b"\n% signature\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    code, answer = _returned(run_cli, folder, appended)
    assert (code, answer["verdict"]) == (1, "changed-after-build")

    resaved = tmp_path / "resaved.pdf"
    with pikepdf.open(built) as pdf:
        pdf.save(resaved, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    code, answer = _returned(run_cli, folder, resaved)
    assert (code, answer["verdict"], answer["organisation"]) == (
        0, "same-text-resaved", "arlingsbo-pension")

    other = changed_text / "organisations" / "arlingsbo-pensionarsforening.pdf"
    code, answer = _returned(run_cli, folder, other)
    assert code == 1 and answer["verdict"] == "different-text"
    assert answer["differing_pages"]

    scanned = tmp_path / "scanned.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(scanned)
    code, answer = _returned(run_cli, folder, scanned)
    assert (code, answer["verdict"]) == (1, "no-text-layer")


def test_only_after_a_text_change_is_refused_and_changes_nothing(
        run_cli: Any, two_builds: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    shutil.copytree(two_builds[0], out / "orebro")
    before = {p: p.read_bytes() for p in (out / "orebro").rglob("*") if p.is_file()}
    agreement = folder / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace(
        "i dialog mellan", "i samtal mellan"), encoding="utf-8")
    result = run_cli("build", folder, "--out", out, "--only", "ett-och-tva-vasteras",
                     "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["build-only-text-changed"]
    assert "full build" in findings[0]["message"]
    assert {p: p.read_bytes() for p in (out / "orebro").rglob("*") if p.is_file()} == before


def test_only_keeps_the_ceremony_file_and_manifest_whole(
        run_cli: Any, two_builds: tuple[Path, Path], tmp_path: Path) -> None:
    """A new organisation built with --only joins the ceremony file and the manifest at its
    place in the list, and the folder still verifies."""
    out = tmp_path / "out"
    folder = tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    shutil.copytree(two_builds[0], out / "orebro")
    organisations = folder / "organisations.yaml"
    organisations.write_text(organisations.read_text(encoding="utf-8") + (
        "  - id: nykomlingen\n    name: Nykomlingarnas förening\n"
        "    representative: Nils Ny\n    representative_title: Ordförande\n"),
        encoding="utf-8")
    result = run_cli("build", folder, "--out", out, "--only", "nykomlingen")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "orebro" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["organisations"][-1] == "nykomlingen"
    assert len(manifest["organisations"]) == 16
    pages = _text(out / "orebro" / "signature-pages.pdf").split("\f")[:-1]
    assert len(pages) == 16 and "Nykomlingarnas förening" in pages[-1]
    assert _verify(run_cli, out / "orebro") == (0, [])

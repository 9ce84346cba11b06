"""A build folder built from the same inputs, and intact, is left as it is (as make does);
any change to an input, to the tool or to the folder builds it again; --force always does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import OREBRO, ROOT, RunCli
from overens_docs._build import freshness, signature_pages
from overens_docs._build.plan import plan
from overens_docs._pdf import convert as _convert
from overens_docs._read import read_paths


def _key(folder: Path, out: Path) -> str | None:
    inputs = read_paths([folder])
    assert not inputs.report.fails()
    [read] = inputs.whole("test")
    return freshness.inputs_key(plan(*read, out, None))


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.libreoffice
def test_an_unchanged_build_is_up_to_date_and_force_builds_it_the_same(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path, soffice: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also: a small agreement's signature pages are converted side by side with the text."""
    started: list[list[str]] = []
    conversion = _convert.Conversion

    def spy(documents: list[Path], *arguments: Any, **options: Any) -> Any:
        started.append([document.name for document in documents])
        return conversion(documents, *arguments, **options)

    monkeypatch.setattr(signature_pages, "Conversion", spy)
    out = tmp_path / "out"
    assert run_cli("build", orebro_copy, "--out", out).exit_code == 0
    # One LibreOffice for the text, one beside it for the one batch.
    assert started == [["agreement.docx", "master.docx"], ["signatures-0.docx"]]
    before = _snapshot(out / "orebro")
    again = run_cli("build", orebro_copy, "--out", out, "--format", "json")
    assert again.exit_code == 0
    summary = json.loads(again.stdout)["summary"]
    assert summary["built"] == [] and summary["up_to_date"] == [str(out / "orebro")]
    assert _snapshot(out / "orebro") == before  # not even rewritten
    forced = run_cli("build", orebro_copy, "--out", out, "--force")
    assert forced.exit_code == 0 and "Built" in forced.stdout and "up to date" not in forced.stdout
    after = _snapshot(out / "orebro")
    assert {name: data for name, (_, data) in after.items()} == {
        name: data for name, (_, data) in before.items()}
    assert after["manifest.json"][0] != before["manifest.json"][0]
    assert len(started) == 4


@pytest.mark.libreoffice
def test_a_changed_input_or_a_damaged_build_is_built_again(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path, soffice: str) -> None:
    out = tmp_path / "out"
    assert run_cli("build", orebro_copy, "--out", out).exit_code == 0
    pdf = out / "orebro" / "agreement.pdf"
    whole = pdf.read_bytes()
    pdf.write_bytes(whole + b"\n")
    result = run_cli("build", orebro_copy, "--out", out)
    assert "Built" in result.stdout and "up to date" not in result.stdout
    assert pdf.read_bytes() == whole
    notes = out / "orebro" / "notes.txt"  # a file no build wrote: the build stops
    notes.write_text("mine", encoding="utf-8")
    result = run_cli("build", orebro_copy, "--out", out)
    assert result.exit_code == 1 and "[build-unlisted-file]" in result.stderr
    assert notes.read_text(encoding="utf-8") == "mine"
    notes.unlink()
    organisations = orebro_copy / "organisations.yaml"
    organisations.write_text(organisations.read_text(encoding="utf-8").replace(
        "Ett & Två", "Ett och Två"), encoding="utf-8")
    result = run_cli("build", orebro_copy, "--out", out, "--format", "json")
    assert json.loads(result.stdout)["summary"]["built"] == [str(out / "orebro")]
    assert run_cli("verify", out / "orebro").exit_code == 0


def test_the_key_covers_the_inputs_the_templates_and_the_tool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freshness, "_libreoffice", lambda: "a LibreOffice")
    freshness._tool.cache_clear()  # worked out once per process: maybe before an edit
    folder = tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    out = tmp_path / "out"
    first = _key(folder, out)
    assert first is not None and first == _key(folder, out)
    assert _key(OREBRO, out) == first  # where the inputs are does not matter, their bytes do
    agreement = folder / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8") + "# a comment\n",
                         encoding="utf-8")
    second = _key(folder, out)
    assert second != first
    code = tmp_path / "package"
    shutil.copytree(freshness._PACKAGE, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(freshness, "_PACKAGE", code)
    freshness._tool.cache_clear()
    try:
        assert _key(folder, out) == second
        (code / "_convert.py").write_text("# changed\n", encoding="utf-8")
        freshness._tool.cache_clear()
        assert _key(folder, out) != second
    finally:
        freshness._tool.cache_clear()
    monkeypatch.setattr(freshness, "_libreoffice", lambda: None)  # missing: never up to date
    assert _key(folder, out) is None


def test_the_key_is_the_same_however_overens_is_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed wheel carries the schemas and templates inside the package (_data);
    a checkout and nox's editable install have them beside it. Switching between
    `nox -s build` and an installed `overens build` must not rebuild anything."""
    monkeypatch.setattr(freshness, "_libreoffice", lambda: "a LibreOffice")
    freshness._tool.cache_clear()
    out = tmp_path / "out"
    editable = _key(OREBRO, out)
    installed = tmp_path / "site-packages" / "overens_docs"
    shutil.copytree(freshness._PACKAGE, installed, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("schemas", "templates"):  # as pyproject.toml's force-include puts them
        shutil.copytree(ROOT / name, installed / "_data" / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(freshness, "_PACKAGE", installed)
    monkeypatch.setattr(freshness, "data_dir", lambda name: installed / "_data" / name)
    freshness._tool.cache_clear()
    try:
        assert _key(OREBRO, out) == editable
    finally:
        freshness._tool.cache_clear()
    assert not freshness.up_to_date(out / "orebro", None)

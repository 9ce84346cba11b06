"""Everyday use: finding LibreOffice on every platform, what a build says it wrote, and
an unknown --only id answered with the ids that are there."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import OREBRO, CliResult, RunCli
from overens_docs import _i18n, verify
from overens_docs._build import Summary
from overens_docs._build.manifest import Listed, Manifest, ManifestProblem, read_manifest
from overens_docs._build.plan import written_by_a_build
from overens_docs._cli.commands import built_line as _built
from overens_docs._errors import ToolMissingError
from overens_docs._pdf import convert as _convert


@pytest.fixture
def no_soffice_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OVERENS_SOFFICE", raising=False)
    monkeypatch.setattr("shutil.which", lambda _name: None)


def test_overens_soffice_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = tmp_path / "my-soffice"
    chosen.write_text("")
    monkeypatch.setenv("OVERENS_SOFFICE", str(chosen))
    assert _convert.find_soffice() == str(chosen)


def test_an_overens_soffice_that_does_not_exist_is_an_error_not_a_fallback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERENS_SOFFICE", str(tmp_path / "nowhere" / "soffice.exe"))
    with pytest.raises(ToolMissingError, match=r"OVERENS_SOFFICE is set to '.*soffice\.exe', "
                                               r"but there is no such file"):
        _convert.find_soffice()


@pytest.mark.usefixtures("no_soffice_on_path")
@pytest.mark.parametrize(("platform", "places"), [
    ("win32", "_WINDOWS_PLACES"), ("darwin", "_MACOS_PLACES")])
def test_libreoffice_is_found_in_its_standard_place(
        platform: str, places: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = tmp_path / "soffice"
    installed.write_text("")
    monkeypatch.setattr(_convert, places, (str(tmp_path / "absent"), str(installed)))
    assert _convert.find_soffice(platform) == str(installed)


def test_the_standard_places_are_where_the_installers_put_it() -> None:
    assert r"C:\Program Files\LibreOffice\program\soffice.exe" in _convert._WINDOWS_PLACES
    assert r"C:\Program Files (x86)\LibreOffice\program\soffice.exe" in _convert._WINDOWS_PLACES
    assert _convert._MACOS_PLACES == ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)


@pytest.mark.usefixtures("no_soffice_on_path")
@pytest.mark.parametrize(("platform", "hint"), [
    ("win32", "winget install TheDocumentFoundation.LibreOffice"),
    ("darwin", "brew install --cask libreoffice"),
    ("linux", "sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui"),
])
def test_the_install_hint_fits_the_platform(platform: str, hint: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_convert, "_WINDOWS_PLACES", ())
    monkeypatch.setattr(_convert, "_MACOS_PLACES", ())
    with pytest.raises(ToolMissingError) as raised:
        _convert.find_soffice(platform)
    assert hint in str(raised.value)
    assert "OVERENS_SOFFICE" in str(raised.value)
    other_hints = {"winget", "brew", "apt-get"} - {hint.split(maxsplit=1)[0], hint.split()[1]}
    assert not any(other in str(raised.value) for other in other_hints)


def _manifest() -> Manifest:
    manifest = Manifest("x", "f" * 64, ["a", "b"])
    for path, pages, organisation in [("agreement.pdf", 4, None),
                                      ("organisations/a.pdf", 5, "a"),
                                      ("organisations/a.docx", None, "a"),
                                      ("organisations/b.pdf", 5, "b")]:
        manifest.add(path, b"", kind="k", pages=pages, organisation=organisation)
    return manifest


def test_the_build_summary_says_what_was_written(tmp_path: Path) -> None:
    folder, manifest = tmp_path / "orebro", _manifest()
    assert _built(folder, Summary.of(manifest, None), 3.14) == (
        f"Built {folder}: 2 organisations, 4 files, 14 pages in 3.1 s")
    assert _built(folder, Summary.of(manifest, "a"), 1.0) == (
        f"Built {folder}: 1 organisation, 2 files, 5 pages in 1.0 s")
    _i18n.set_language("sv")
    assert _built(folder, Summary.of(manifest, None), 3.14) == (
        f"Byggde {folder}: 2 organisationer, 4 filer, 14 sidor på 3,1 s")


@pytest.mark.parametrize("damage", [
    b"", b"\xff\xfe", b"[1, 2]", b'{"agreement": "x"}',
    b'{"agreement": "x", "text_fingerprint": "f", "organisations": [], "files": []}',
    b'{"agreement": "x", "text_fingerprint": "%s", "organisations": [], "files": [{"path": 1}]}'
    % (b"f" * 64)])
def test_a_damaged_manifest_is_a_finding_not_a_traceback(tmp_path: Path, damage: bytes) -> None:
    (tmp_path / "manifest.json").write_bytes(damage)
    problem = read_manifest(tmp_path)
    assert isinstance(problem, ManifestProblem) and not problem.missing
    assert "manifest.json" in problem.reason
    [finding] = verify(tmp_path).findings
    assert finding.rule == "verify-manifest" and finding.file.endswith("manifest.json")
    assert not written_by_a_build(tmp_path)  # so a build will not replace the folder


def test_a_manifest_is_read_back_as_written(tmp_path: Path) -> None:
    manifest = _manifest()
    manifest.signature_list = [Listed("a", "Föreningen \"Ett & Två\" <Unga>", None)]
    manifest.inputs = "0" * 64
    manifest.write(tmp_path)
    assert read_manifest(tmp_path) == manifest
    assert isinstance(read_manifest(tmp_path / "absent"), ManifestProblem)


def test_an_unknown_only_id_lists_the_nearest_ids(run_cli: RunCli, tmp_path: Path) -> None:
    result: CliResult = run_cli("build", OREBRO, "--out", tmp_path, "--only", "asens-hembyd")
    assert result.exit_code == 2
    assert "no organisation has the id 'asens-hembyd'. Did you mean: asens-hembygd?" in (
        result.stderr)


def test_an_id_like_none_lists_the_first_ids(run_cli: RunCli, tmp_path: Path) -> None:
    result: CliResult = run_cli("build", OREBRO, "--out", tmp_path, "--only", "zzzz",
                                "--lang", "sv")
    assert result.exit_code == 2
    assert "ingen organisation har id 'zzzz'. Id som finns: idrott-pahittsta, " in result.stderr
    assert " och 10 till." in result.stderr

"""Everyday use: finding LibreOffice on every platform, what a build says it wrote, and
an unknown --only id answered with the ids that are there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import OREBRO, CliResult
from overens_docs import _convert, _i18n
from overens_docs._cli import _built
from overens_docs._errors import ToolMissingError


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


def _manifest(folder: Path) -> Path:
    folder.mkdir()
    files = [
        {"path": "agreement.pdf", "pages": 4, "organisation": None},
        {"path": "organisations/a.pdf", "pages": 5, "organisation": "a"},
        {"path": "organisations/a.docx", "pages": None, "organisation": "a"},
        {"path": "organisations/b.pdf", "pages": 5, "organisation": "b"},
    ]
    (folder / "manifest.json").write_text(json.dumps(
        {"agreement": "x", "text_fingerprint": "f", "organisations": ["a", "b"],
         "files": files}))
    return folder


def test_the_build_summary_says_what_was_written(tmp_path: Path) -> None:
    folder = _manifest(tmp_path / "orebro")
    assert _built(folder, 3.14, only=None) == (
        f"Built {folder}: 2 organisations, 4 files, 14 pages in 3.1 s")
    assert _built(folder, 1.0, only="a") == (
        f"Built {folder}: 1 organisation, 2 files, 5 pages in 1.0 s")
    _i18n.set_language("sv")
    assert _built(folder, 3.14, only=None) == (
        f"Byggde {folder}: 2 organisationer, 4 filer, 14 sidor på 3,1 s")


def test_a_build_without_a_readable_manifest_still_says_it_was_built(tmp_path: Path) -> None:
    assert _built(tmp_path, 2.0, only=None) == f"Built {tmp_path} in 2.0 s"


def test_an_unknown_only_id_lists_the_nearest_ids(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result: CliResult = run_cli("build", OREBRO, "--out", tmp_path, "--only", "asens-hembyd")
    assert result.exit_code == 2
    assert "no organisation has the id 'asens-hembyd'. Did you mean: asens-hembygd?" in (
        result.stderr)


def test_an_id_like_none_lists_the_first_ids(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result: CliResult = run_cli("build", OREBRO, "--out", tmp_path, "--only", "zzzz",
                                "--lang", "sv")
    assert result.exit_code == 2
    assert "ingen organisation har id 'zzzz'. Id som finns: idrott-pahittsta, " in result.stderr
    assert " och 10 till." in result.stderr

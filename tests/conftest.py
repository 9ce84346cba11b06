"""Shared fixtures: the repository's paths and a way to run the CLI like a user."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

from overens_docs import _i18n, build
from overens_docs._cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "examples"
OREBRO = ROOT / "agreements" / "orebro"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


class RunCli(Protocol):
    """The ``run_cli`` fixture: ``overens ARGS...`` run in this process."""

    def __call__(self, *arguments: str | Path) -> CliResult: ...


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in English under an English locale, whatever the developer's own
    locale is, and leaves English behind (the CLI chooses the language for the process)."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    _i18n.set_language("en")
    yield
    _i18n.set_language("en")


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run ``overens ARGS...`` in-process and return its exit code and output."""

    def run(*arguments: str | Path) -> CliResult:
        exit_code = main([str(argument) for argument in arguments])
        captured = capsys.readouterr()
        return CliResult(exit_code, captured.out, captured.err)

    return run


@pytest.fixture
def orebro_copy(tmp_path: Path) -> Path:
    """A private copy of the Örebro sample, to break on purpose."""
    target = tmp_path / "orebro"
    shutil.copytree(OREBRO, target)
    return target


@pytest.fixture(scope="session")
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.fail("LibreOffice (soffice) is not installed: apt-get install -y "
                    "--no-install-recommends libreoffice-writer-nogui fonts-liberation2")
    return found


@pytest.fixture(scope="session")
def orebro_built(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """The Örebro sample built once for the whole run. Tests only read it; one that changes
    a build copies it first."""
    out = tmp_path_factory.mktemp("orebro-built")
    result = build([OREBRO], out=out, progress=False)
    assert not result.report.fails() and not result.build_failed, result.report.findings
    return out / "orebro"


def template_variant(tmp_path: Path, old: bytes, new: bytes) -> Path:
    """The default Word template with the first ``old`` in its body replaced by ``new``."""
    source = ROOT / "templates" / "default" / "agreement.docx"
    copy = tmp_path / "variant.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(copy, "w") as target:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                assert old in data
                data = data.replace(old, new, 1)
            target.writestr(item, data)
    return copy

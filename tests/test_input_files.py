"""Every input file is a regular file inside its folder, and a refused one is never read.

The agreement, the organisation list (YAML, CSV or Excel) and the templates are read
through one function (:mod:`overens_docs._load.input_files`): a link out of the folder, a
FIFO, a device, a file of the operating system (/proc, /sys, /dev) or a file too large is
a finding, ``input-refused``, and nothing of what such a file holds reaches any output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import OREBRO, ROOT, RunCli
from overens_docs._load import input_files

PRIVATE = "HEMLIGT-4711 lösenord=hunter2"
NAMES = ["agreement.yaml", "organisations.yaml", "organisations.csv", "organisations.xlsx"]


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside every agreement folder, that nothing may read."""
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "secret.yaml"
    path.write_text(f"title: {PRIVATE}\norganisations: [{{name: {PRIVATE}}}]\n", encoding="utf-8")
    return path


def _folder(tmp_path: Path, name: str, target: str | Path) -> Path:
    """The Örebro sample with ``name`` replaced by a link to ``target``."""
    folder = tmp_path / "agreements" / "orebro"
    shutil.copytree(OREBRO, folder)
    if name != "organisations.yaml":
        (folder / "organisations.yaml").unlink()
    if (folder / name).exists():
        (folder / name).unlink()
    (folder / name).symlink_to(target)
    return folder


def _refused(result: object, name: str) -> None:
    stdout: str = getattr(result, "stdout")  # noqa: B009 -- a CliResult
    stderr: str = getattr(result, "stderr")  # noqa: B009
    assert PRIVATE not in stdout + stderr and "hunter2" not in stdout + stderr
    findings = json.loads(stdout)["findings"]
    refused = [f for f in findings if f["rule"] == "input-refused"]
    assert [Path(f["file"]).name for f in refused] == [name], findings
    assert getattr(result, "exit_code") == 1  # noqa: B009


@pytest.mark.parametrize("name", NAMES)
def test_a_link_out_of_the_folder_is_refused_unread(
        run_cli: RunCli, tmp_path: Path, secret: Path, name: str) -> None:
    folder = _folder(tmp_path, name, secret)
    result = run_cli("validate", folder, "--format", "json")
    _refused(result, name)
    assert "leads out of" in json.loads(result.stdout)["findings"][0]["message"]


@pytest.mark.parametrize("name", NAMES)
def test_a_relative_link_up_and_out_is_refused_too(
        run_cli: RunCli, tmp_path: Path, secret: Path, name: str) -> None:
    folder = _folder(tmp_path, name, Path("..") / ".." / "outside" / secret.name)
    _refused(run_cli("validate", folder, "--format", "json"), name)


@pytest.mark.parametrize(("name", "target"), [
    ("agreement.yaml", "/proc/self/environ"),
    ("organisations.csv", "/proc/self/cmdline"),
    ("organisations.yaml", "/dev/zero"),
    ("agreement.yaml", "/dev/null"),
    ("organisations.xlsx", "/sys/kernel/mm/transparent_hugepage/enabled"),
])
def test_a_file_of_the_operating_system_is_refused_unread(
        run_cli: RunCli, tmp_path: Path, name: str, target: str) -> None:
    if not Path(target).exists():
        pytest.skip(f"{target} does not exist on this system")
    folder = _folder(tmp_path, name, target)
    result = run_cli("validate", folder, "--format", "json")
    _refused(result, name)
    assert "PATH=" not in result.stdout and "operating system" in result.stdout


def test_a_file_of_the_operating_system_named_on_the_command_line_is_refused(
        run_cli: RunCli) -> None:
    result = run_cli("validate", "/proc/self/environ", "--format", "json")
    assert "PATH=" not in result.stdout + result.stderr
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["input-refused"]


@pytest.mark.parametrize("name", ["agreement.yaml", "organisations.csv", "organisations.xlsx"])
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, name: str) -> None:
    """Opening a FIFO to read waits for someone to write: run in a process of its own, so
    that a wait fails the test rather than hanging it."""
    folder = tmp_path / "agreements" / "orebro"
    shutil.copytree(OREBRO, folder)
    if name != "agreement.yaml":
        (folder / "organisations.yaml").unlink()
    if (folder / name).exists():
        (folder / name).unlink()
    os.mkfifo(folder / name)
    result = subprocess.run(
        [sys.executable, "-m", "overens_docs", "validate", str(folder), "--format", "json"],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
        env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    findings = json.loads(result.stdout)["findings"]
    assert [(Path(f["file"]).name, f["rule"]) for f in findings] == [(name, "input-refused")]
    assert "FIFO" in findings[0]["message"]


def test_a_file_larger_than_the_limit_is_refused(
        run_cli: RunCli, orebro_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(input_files, "MAX_INPUT_BYTES", 4096)
    big = orebro_copy / "organisations.yaml"
    assert big.stat().st_size > 4096
    result = run_cli("validate", orebro_copy, "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert ("organisations.yaml", "input-refused") in [
        (Path(f["file"]).name, f["rule"]) for f in findings]


def test_a_link_inside_the_folder_is_read(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    (folder / "organisations.yaml").rename(folder / "lista.yaml")
    (folder / "organisations.yaml").symlink_to("lista.yaml")
    assert run_cli("validate", folder).exit_code == 0


def test_a_folder_reached_through_a_link_is_read(run_cli: RunCli, tmp_path: Path) -> None:
    shutil.copytree(OREBRO, tmp_path / "real")
    (tmp_path / "agreements").mkdir()
    (tmp_path / "agreements" / "orebro").symlink_to(tmp_path / "real")
    assert run_cli("validate", tmp_path / "agreements" / "orebro").exit_code == 0


def test_the_gate_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(input_files.InputRefusedError, match="a folder"):
        input_files.read_input(tmp_path / "folder", (tmp_path,))
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(input_files.InputRefusedError, match="loop"):
        input_files.read_input(loop)
    with pytest.raises(FileNotFoundError):
        input_files.read_input(tmp_path / "missing")

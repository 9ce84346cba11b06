"""What a killed run leaves is removed by the next, and only that; an old build that cannot
be removed is a warning; ``overens diff --out`` writes its pair whole or not at all.

Staging folders, old builds moved aside, work folders and LibreOffice profiles are
scratch folders (:mod:`overens_docs._scratch`): ours by name, with a lock file that their
process holds while it lives.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import OREBRO, ROOT, RunCli
from overens_docs import _scratch
from overens_docs._scratch import Scratch, sweep

_HOLD = """
import sys, time
from pathlib import Path
from overens_docs._scratch import Scratch
scratch = Scratch.make(Path(sys.argv[1]), sys.argv[2])
print(scratch.path, flush=True)
time.sleep(600)
"""


def _holder(parent: Path, prefix: str) -> tuple[subprocess.Popen[str], Path]:
    """Another process that makes a scratch folder in ``parent`` and lives on."""
    process = subprocess.Popen([sys.executable, "-c", _HOLD, str(parent), prefix],
                               stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None
    return process, Path(process.stdout.readline().strip())


def _end(process: subprocess.Popen[str]) -> None:
    """Kill ``process`` as a run is killed: no chance to clean up."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


@pytest.mark.parametrize("prefix", [".orebro.staging-", "overens-lo-profile-"])
def test_a_folder_of_a_live_run_is_kept_and_of_a_killed_one_removed(
        tmp_path: Path, prefix: str) -> None:
    process, folder = _holder(tmp_path, prefix)
    try:
        (folder / "half-written.pdf").write_bytes(b"%PDF")
        assert sweep(tmp_path) == []
        assert folder.is_dir() and folder.with_name(folder.name + ".lock").is_file()
    finally:
        _end(process)
    assert sweep(tmp_path) == [folder]
    assert list(tmp_path.iterdir()) == []


def test_only_our_folders_are_swept(tmp_path: Path) -> None:
    """Names that are not ours, even with an unlocked lock beside them, stay; a link named
    like ours is not followed."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine", encoding="utf-8")
    names = ["orebro", ".orebro", "staging-abcdefgh", ".orebro.staging-abc",
             ".orebro.staging-abcdefghi", "overens-lo-profile", "overens-lo-profile-ABCDEFGH",
             ".orebro.backup-abcdefgh"]
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / (name + ".lock")).write_text("1\n", encoding="utf-8")
    (tmp_path / ".orebro.staging-linklink").symlink_to(elsewhere)
    (tmp_path / ".orebro.staging-linklink.lock").write_text("1\n", encoding="utf-8")
    before = sorted(path.name for path in tmp_path.iterdir())
    assert sweep(tmp_path) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    assert (elsewhere / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_a_folder_without_its_lock_is_removed_only_when_old(tmp_path: Path) -> None:
    new, old = tmp_path / ".overens-work-newnewnw", tmp_path / ".overens-work-oldoldol"
    new.mkdir()
    old.mkdir()
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert sweep(tmp_path) == [old]
    assert new.is_dir()


def test_a_lock_without_its_folder_goes_when_nobody_holds_it(tmp_path: Path) -> None:
    process, folder = _holder(tmp_path, ".overens-work-")
    try:
        shutil.rmtree(folder)
        stale = tmp_path / ".overens-work-staleabc.lock"
        stale.write_text("1\n", encoding="utf-8")
        sweep(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name + ".lock"]
    finally:
        _end(process)
    sweep(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_scratch_folder_goes_with_its_lock(tmp_path: Path) -> None:
    with Scratch.make(tmp_path, ".overens-work-") as scratch:
        (scratch.path / "x").write_text("x", encoding="utf-8")
        assert scratch.lock.is_file()
    assert list(tmp_path.iterdir()) == []


def _small(tmp_path: Path) -> Path:
    folder = tmp_path / "agreements" / "orebro"
    shutil.copytree(OREBRO, folder)
    return folder


@pytest.mark.libreoffice
def test_an_old_build_that_cannot_be_removed_is_a_warning_and_goes_next_time(
        run_cli: RunCli, tmp_path: Path, soffice: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder, out = _small(tmp_path), tmp_path / "out"
    assert run_cli("build", folder, "--out", out).exit_code == 0
    real_rmtree = shutil.rmtree

    def stubborn(path: Path, *args: object, **kwargs: object) -> None:
        if ".old-" not in Path(path).name:  # the old build stays, as an open file keeps it
            real_rmtree(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_scratch.shutil, "rmtree", stubborn)  # type: ignore[attr-defined]
    result = run_cli("build", folder, "--out", out, "--force", "--format", "json")
    assert result.exit_code == 0, result.stdout
    [warning] = json.loads(result.stdout)["findings"]
    assert (warning["rule"], warning["severity"]) == ("build-old-folder", "warning")
    [old] = [path for path in out.iterdir() if ".old-" in path.name and path.is_dir()]
    assert old.name in warning["message"] and (old / "manifest.json").is_file()
    assert run_cli("verify", out / "orebro").exit_code == 0  # the new build is whole
    monkeypatch.undo()
    assert run_cli("build", folder, "--out", out, "--force").exit_code == 0
    assert sorted(path.name for path in out.iterdir()) == ["orebro", "orebro.versions"]


def _processes_using(path: Path) -> list[int]:
    """Ids of the live processes whose command line names ``path`` (LibreOffice)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(path).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.libreoffice
def test_what_a_killed_build_leaves_is_removed_by_the_next(tmp_path: Path, soffice: str) -> None:
    """A build killed while LibreOffice converts leaves its staging and work folders, and
    LibreOffice's profile, which its LibreOffice (outliving the build) holds until it ends;
    the next build removes them all and builds. (That a profile still held is kept is
    ``test_a_folder_of_a_live_run_is_kept_and_of_a_killed_one_removed``: here, whether the
    orphaned LibreOffice has ended when the next build sweeps is a race, so it is awaited.)"""
    folder, out, temporary = _small(tmp_path), tmp_path / "out", tmp_path / "tmp"
    temporary.mkdir()
    environment = {**os.environ, "TMPDIR": str(temporary), "LANG": "C.UTF-8"}
    command = [sys.executable, "-m", "overens_docs", "build", str(folder), "--out", str(out)]
    killed = subprocess.Popen(command, env=environment, cwd=ROOT)
    deadline = time.monotonic() + 120
    while not list(temporary.glob("overens-lo-profile-*/profile")):
        assert time.monotonic() < deadline and killed.poll() is None, "no LibreOffice started"
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    left = sorted(path.name.split("-")[0] for path in out.iterdir()
                  if path.is_dir() and path.name.startswith("."))
    assert left == [".orebro.staging", ".overens"], left  # staging and work folders
    profiles = sorted(temporary.glob("overens-lo-profile-*[!k]"))
    assert profiles
    deadline = time.monotonic() + 120
    while any(_processes_using(profile) for profile in profiles):  # the orphan ends
        assert time.monotonic() < deadline, "LibreOffice outlived its build by two minutes"
        time.sleep(0.2)
    subprocess.run(command, env=environment, cwd=ROOT, check=True, timeout=300)
    assert sorted(path.name for path in out.iterdir()) == ["orebro", "orebro.versions"]
    assert not [path for path in temporary.iterdir() if path.name.startswith("overens-")]


@pytest.mark.libreoffice
def test_diff_out_leaves_the_previous_pair_when_it_fails(
        run_cli: RunCli, tmp_path: Path, soffice: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from overens_docs._errors import ConversionError  # noqa: PLC0415
    from overens_docs._revise import diff  # noqa: PLC0415

    old, new = ROOT / "tests" / "examples" / "revision" / "old", \
        ROOT / "tests" / "examples" / "revision" / "new"
    out = tmp_path / "out"
    assert run_cli("diff", old, new, "--out", out).exit_code == 1  # the texts differ
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    assert sorted(before) == ["jamforelsedokument.docx", "jamforelsedokument.pdf"]

    def failing(*_args: object, **_kwargs: object) -> list[Path]:
        raise ConversionError("LibreOffice failed")

    monkeypatch.setattr(diff, "convert", failing)
    (new / "agreement.yaml").stat()  # the same inputs: a failed run must change nothing
    assert run_cli("diff", old, new, "--out", out).exit_code == 3
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before

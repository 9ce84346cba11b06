"""A build folder as someone may leave it: paths in its manifest are data, and a damaged
build is findings.

- A manifest that lists a path outside the build folder (absolute, with ``..``, through a
  link) is refused as a whole: ``overens verify`` says so, ``--only`` refuses to run, and
  nothing outside the build folder is read, replaced or deleted.
- ``overens verify`` on a damaged build (an empty or garbled PDF, a file missing or turned
  into a folder, a broken manifest entry) gives findings and its JSON, never a traceback.
- Fuzz: mutated manifests and damaged files through ``verify`` and ``build --only``.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import OREBRO
from overens_docs._cli import main

pytestmark = pytest.mark.libreoffice
VICTIM = "victim.txt"  # a file beside the build folder that nothing may touch
ONLY = "asens-hembygd"


@pytest.fixture
def place(tmp_path: Path, orebro_built: Path) -> Path:
    """A copy of the built Örebro sample in ``place/out/orebro``, its agreement folder in
    ``place/agreements/orebro``, and a file nothing may touch in ``place/victim.txt``."""
    shutil.copytree(orebro_built, tmp_path / "out" / "orebro", symlinks=True)
    shutil.copytree(OREBRO, tmp_path / "agreements" / "orebro")
    (tmp_path / VICTIM).write_text("the officer's own file", encoding="utf-8")
    return tmp_path


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the build folder (what a build may change)."""
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and not path.is_symlink() and "out" not in path.relative_to(
                root).parts[:1]}


def _run(*arguments: str | Path) -> tuple[int, dict[str, Any]]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        exit_code = main([str(argument) for argument in arguments])
    return exit_code, json.loads(stdout.getvalue())


def _edit_manifest(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    manifest = folder / "manifest.json"
    document = json.loads(manifest.read_text(encoding="utf-8"))
    change(document)
    manifest.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _path_of(organisation: str) -> Callable[[dict[str, Any], str], None]:
    """Set the path of ``organisation``'s PDF in the manifest."""
    def change(document: dict[str, Any], path: str) -> None:
        for entry in document["files"]:
            if entry["organisation"] == organisation and entry["path"].endswith(".pdf"):
                entry["path"] = path
    return change


OUTSIDE = ["/tmp/victim.txt",  # noqa: S108 -- a path a manifest must not lead to "../victim.txt", "organisations/../../victim.txt",
           "C:\\victim.txt", "..\\victim.txt", "organisations\\..\\..\\victim.txt",
           "./../victim.txt", "organisations//../../victim.txt", "", "link/victim.txt",
           "organisations/asens-hembygd.pdf/../../../victim.txt"]


@pytest.mark.parametrize("path", OUTSIDE)
def test_a_manifest_path_outside_the_folder_refuses_verify_and_only(place: Path, path: str) -> None:
    build = place / "out" / "orebro"
    (build / "link").symlink_to(place)
    _edit_manifest(build, lambda document: _path_of(ONLY)(document, path))
    before = _snapshot(place)
    exit_code, verified = _run("verify", build, "--format", "json")
    assert exit_code == 1
    assert [f["rule"] for f in verified["findings"]] == ["verify-manifest"], verified
    exit_code, built = _run("build", place / "agreements" / "orebro", "--out", place / "out",
                            "--only", ONLY, "--format", "json")
    assert exit_code == 1, built
    assert [f["rule"] for f in built["findings"]] == ["build-only-without-build"]
    assert _snapshot(place) == before


def test_a_listed_file_that_is_a_link_out_is_refused(place: Path) -> None:
    build = place / "out" / "orebro"
    pdf = _copy_of(build)
    pdf.unlink()
    pdf.symlink_to(place / VICTIM)
    exit_code, verified = _run("verify", build, "--format", "json")
    assert exit_code == 1
    assert [f["rule"] for f in verified["findings"]] == ["verify-manifest"]
    assert "link" in verified["findings"][0]["message"]


def _copy_of(build: Path) -> Path:
    """The PDF of organisation ``ONLY`` in ``build``, as its manifest lists it."""
    files = json.loads((build / "manifest.json").read_text(encoding="utf-8"))["files"]
    return build / str(next(entry["path"] for entry in files
                            if entry["organisation"] == ONLY and entry["path"].endswith(".pdf")))


def _to_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for index in range(len(data) // 3, len(data) // 3 + 2000):
        data[index % len(data)] ^= 0x5A
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], object]] = {
    "agreement.pdf empty": lambda build: (build / "agreement.pdf").write_bytes(b""),
    "agreement.pdf garbled": lambda build: _garble(build / "agreement.pdf"),
    "agreement.pdf not a PDF": lambda build: (build / "agreement.pdf").write_bytes(b"%PDF-1.7"),
    "a copy empty": lambda build: _copy_of(build).write_bytes(b""),
    "a copy garbled": lambda build: _garble(_copy_of(build)),
    "a copy a folder": lambda build: _to_folder(_copy_of(build)),
    "signature pages garbled": lambda build: _garble(build / "signature-pages.pdf"),
    "signature pages truncated": lambda build: (build / "signature-pages.pdf").write_bytes(
        (build / "signature-pages.pdf").read_bytes()[:5000]),
    "agreement.pdf missing": lambda build: (build / "agreement.pdf").unlink(),
    "manifest a folder": lambda build: _to_folder(build / "manifest.json"),
    "manifest truncated": lambda build: (build / "manifest.json").write_bytes(
        (build / "manifest.json").read_bytes()[:200]),
    "an entry without its organisation": lambda build: _edit_manifest(
        build, lambda document: document["files"][0].pop("organisation")),
    "pages a text": lambda build: _edit_manifest(
        build, lambda document: document["files"][0].__setitem__("pages", "ten")),
    "organisations not a list": lambda build: _edit_manifest(
        build, lambda document: document.__setitem__("organisations", {"a": 1})),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_verify_on_a_damaged_build_gives_findings_and_json(place: Path, damage: str) -> None:
    build = place / "out" / "orebro"
    DAMAGE[damage](build)
    exit_code, verified = _run("verify", build, "--format", "json")
    assert exit_code == 1, verified
    assert verified["findings"], verified


# --- fuzz: mutated manifests -------------------------------------------------------------

JUNK: list[Any] = [None, "", "x", -1, 10 ** 30, 1.5, True, [], {}, [None], {"path": 1},
                   "/etc/passwd", "../victim.txt", "organisations/../../victim.txt",
                   "C:\\x", "a" * 5000, "\u202e.pdf", "agreement.pdf", ONLY, "0" * 64,
                   "organisation-pdf", "pages", "list"]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _plausible(document: Any, rng: random.Random) -> str:
    """A change a person might make that keeps the manifest's form: the build behind it
    is then checked, or updated, as it stands."""
    files = document["files"]
    first, second = rng.sample(range(len(files)), 2)
    choice = rng.randrange(4)
    if choice == 0:
        files[first]["path"], files[second]["path"] = files[second]["path"], files[first]["path"]
        return f"paths of {first} and {second} swapped"
    if choice == 1:
        files[first]["sha256"] = "0" * 64
        return f"sha256 of {first} zeroed"
    if choice == 2:
        files[first]["organisation"] = rng.choice(document["organisations"])
        return f"organisation of {first} changed"
    del files[first]
    return f"entry {first} removed"


def _mutate(document: Any, rng: random.Random) -> str:
    if rng.random() < 0.4:
        return _plausible(document, rng)
    target = rng.choice(_paths(document)[1:])
    *parent_path, last = target
    parent = document
    for part in parent_path:
        parent = parent[part]
    action = rng.random()
    if action < 0.6:
        parent[last] = rng.choice(JUNK)
        return f"{target} = {parent[last]!r:.40}"
    if action < 0.8:
        del parent[last]
        return f"del {target}"
    if isinstance(parent, list):
        parent.append(parent[last])
        return f"{target} twice"
    parent[f"{last}2"] = parent[last]
    return f"{target} copied"


@pytest.mark.parametrize("block", range(2))
def test_mutated_manifests_through_verify_and_only(place: Path, orebro_built: Path,
                                                   block: int) -> None:
    build = place / "out" / "orebro"
    pristine = (build / "manifest.json").read_bytes()
    before = _snapshot(place)
    failures = []
    for case in range(25):
        rng = random.Random(f"manifest-{block}-{case}")  # noqa: S311 -- reproducible
        document = json.loads(pristine)
        done = [_mutate(document, rng) for _ in range(rng.choice([1, 1, 2, 3]))]
        data = json.dumps(document, ensure_ascii=False).encode()
        if rng.random() < 0.1:
            data = data[:rng.randrange(len(data))]
            done.append("truncated")
        (build / "manifest.json").write_bytes(data)
        commands: list[tuple[str | Path, ...]] = [("verify", build, "--format", "json")]
        if case % 12 == 0:  # --only runs LibreOffice when the manifest holds: a few
            commands.append(("build", place / "agreements" / "orebro", "--out",
                             place / "out", "--only", ONLY, "--format", "json"))
        for command in commands:
            try:
                exit_code, document_out = _run(*command)
            except BaseException as error:  # noqa: BLE001 -- any exception is the failure
                failures.append(f"{case} {done} {command[0]}: {type(error).__name__}: {error}")
                continue
            # 3: --only refused by a check of what it would deliver (a list edited so that
            # the ceremony file no longer matches it): findings too.
            if exit_code not in (0, 1, 3) or (exit_code and not document_out.get("findings")):
                failures.append(f"{case} {done} {command[0]}: exit {exit_code}")
        if _snapshot(place) != before:
            failures.append(f"{case} {done}: a file outside the build folder changed")
        shutil.rmtree(build)
        shutil.copytree(orebro_built, build, symlinks=True)
    assert not failures, "\n".join(failures[:10])

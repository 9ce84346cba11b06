"""Whether a build folder is up to date: built from exactly these inputs, and intact.

A build's outputs are a function of its inputs (the same inputs give the same bytes), so a
build can be skipped, as make skips a target, when the manifest in the destination records
the same inputs and every file it lists is there, unchanged, with nothing else beside them.

"The inputs" must cover everything that can change a byte of the output, so the key is a
SHA-256 over: the agreement folder's input files (``agreement.yaml`` and the organisation
list), the templates (the folder of them, and the ones the plan uses), the date every output
carries (which may come from ``SOURCE_DATE_EPOCH``), overens-docs itself (its version and a
hash of every file of the package, code and messages; cheap, and right for an
editable install whose code changes without a new version), the versions of Python and of
the libraries it builds with, and which LibreOffice converts (the
contents of its launcher and version files). All of these are the same wherever the same
versions are installed, however they were installed (an editable install in nox's
environment, a wheel installed with pipx), so the manifest that records the key stays
byte-reproducible and switching between them rebuilds nothing.
What the key cannot see (a font installed or upgraded since) is what ``--force`` is for.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import re
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path

from overens_docs._build.manifest import MANIFEST, Manifest, read_manifest
from overens_docs._build.plan import Plan
from overens_docs._errors import ToolMissingError
from overens_docs._package_data import data_dir
from overens_docs._pdf.convert import find_soffice
from overens_docs._targets import AGREEMENT_FILE, ORGANISATION_FILES

_FORMAT = "overens-inputs-1"
_PACKAGE = Path(__file__).resolve().parents[1]  # the overens_docs folder
_DISTRIBUTION = "overens-docs"
_REQUIREMENT_NAME = re.compile(r"\A[A-Za-z0-9._-]+")
# An installed package carries the schemas and templates in here; a checkout (and an
# editable install) has them beside it. Templates count on their own, wherever they are.
_PACKAGED_DATA = "_data"


def _files(folder: Path, *, skip: str | None = None) -> Iterator[Path]:
    """Every file under ``folder``, in a fixed order, without Python's caches (and
    without the subfolder ``skip``)."""
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if (path.is_file() and "__pycache__" not in parts and path.suffix != ".pyc"
                and parts[0] != skip):
            yield path


def _digest(paths: Iterable[Path], root: Path | None = None) -> str:
    """One SHA-256 over the names (relative to ``root``) and contents of ``paths``."""
    digest = hashlib.sha256()
    for path in paths:
        name = str(path.relative_to(root)) if root is not None else path.name
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.cache
def _tool() -> dict[str, object]:
    """overens-docs, Python and the libraries it builds with (the same for every agreement
    of a run, so worked out once)."""
    try:
        version = metadata.version(_DISTRIBUTION)
        requirements = metadata.requires(_DISTRIBUTION) or []
    except metadata.PackageNotFoundError:  # run from a checkout without installing
        version, requirements = "unknown", []
    libraries: dict[str, str | None] = {}
    for requirement in requirements:
        if "extra ==" in requirement:
            continue
        name = _REQUIREMENT_NAME.match(requirement)
        if name is None:
            continue
        try:
            libraries[name.group(0)] = metadata.version(name.group(0))
        except metadata.PackageNotFoundError:
            libraries[name.group(0)] = None
    return {"version": version, "code": _digest(_files(_PACKAGE, skip=_PACKAGED_DATA), _PACKAGE),
            "python": platform.python_version(), "libraries": libraries}


def _libreoffice() -> str | None:
    """Which LibreOffice converts: a hash of its launcher and its version file (the same
    for the same release wherever it is installed); None when it is missing (then nothing
    is up to date, and the build says that LibreOffice is missing)."""
    try:
        soffice = Path(find_soffice()).resolve()
    except ToolMissingError:
        return None
    version_files = (soffice.parent / "versionrc", soffice.parent / "version.ini",
                     soffice.parent.parent / "Resources" / "versionrc")  # Linux, Windows, macOS
    return _digest(path for path in (soffice, *version_files) if path.is_file())


def inputs_key(plan: Plan) -> str | None:
    """The key of everything this build's outputs are made from; None when it cannot be
    known (LibreOffice missing): such a build is never up to date."""
    libreoffice = _libreoffice()
    if libreoffice is None:
        return None
    folder = plan.agreement.folder
    inputs = [folder / name for name in (AGREEMENT_FILE, *ORGANISATION_FILES)
              if (folder / name).is_file()]
    templates = data_dir("templates")
    used = [path for path in (plan.template, plan.form, plan.signature_list, plan.letters)
            if path is not None]
    document = {
        "format": _FORMAT,
        "agreement": plan.destination.name,
        "inputs": _digest(inputs),
        "templates": _digest(_files(templates), templates),
        "used": _digest(used),
        "date": plan.date.isoformat(),
        "all": plan.every,
        "tool": _tool(),
        "libreoffice": libreoffice,
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def up_to_date(destination: Path, key: str | None) -> bool:
    """Whether ``destination`` was built from the inputs ``key`` stands for, and holds
    exactly the files its manifest lists, each with the SHA-256 listed."""
    if key is None:
        return False
    manifest = read_manifest(destination)
    if not isinstance(manifest, Manifest) or manifest.inputs != key:
        return False
    present = {path.relative_to(destination).as_posix() for path in destination.rglob("*")
               if path.is_file()}
    if present != {*manifest.files, MANIFEST}:
        return False
    for relative, entry in manifest.files.items():
        path = destination / relative
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry.sha256:
            return False
    return True

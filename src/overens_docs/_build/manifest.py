"""``manifest.json``: what a build wrote into its folder, read and written here only.

The manifest records the text fingerprint, the organisations in list order, what the
ceremony file is (``pages`` or a ``list``, and who is on a list), every file with its
SHA-256, size, pages and organisation, and the key of the inputs it was built from
(:mod:`freshness`). ``overens verify``, ``--only`` and the next build read it back; it is
data written by a program, but a person can edit or damage it, so it is checked against
``schemas/manifest.schema.json`` as it is read, and a manifest that does not hold is a
:class:`ManifestProblem`, never a traceback.

The paths it lists are data, not orders: every one must name a file inside the build
folder, as a build writes it (:func:`path_problem`: relative, with ``/``, no ``..``, no
link on the way that leads out), or the whole manifest is refused. Everything that reads,
replaces or deletes a listed file (``--only``, ``overens verify``, the up-to-date check)
gets its paths from :func:`read_manifest` only, so nothing outside the build folder is
ever read, replaced or deleted because a manifest says so. The manifest itself is read
through the input gate (:func:`overens_docs._load.input_files.read_input`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import fastjsonschema

from overens_docs._build.output import write_atomic
from overens_docs._findings import Finding, Severity, excerpt
from overens_docs._i18n import _
from overens_docs._load.input_files import InputRefusedError, read_input
from overens_docs._package_data import schema
from overens_docs._targets import display

MANIFEST = "manifest.json"
# What a build names its files: folders and names of letters, digits, '.', '_' and '-'.
# (Possessive, as each name ends at a "/" or the end: no backtracking to keep for a long path.)
_WRITTEN = re.compile(r"\A[A-Za-z0-9_][A-Za-z0-9._-]*+(?:/[A-Za-z0-9_][A-Za-z0-9._-]*+)*+\Z")


def path_problem(folder: Path, relative: str) -> str | None:
    """Why ``relative`` (a path a manifest lists) may not be taken for a file inside the
    build folder ``folder``, or None: an absolute path (on any system), a ``..``, a ``\\``,
    a name no build writes, or a path that leads out of ``folder`` through a link."""
    if (PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).is_absolute()
            or PureWindowsPath(relative).drive or "\\" in relative
            or ".." in PurePosixPath(relative).parts or not _WRITTEN.match(relative)):
        return _("it lists the path '{path}', which is not a file inside the build folder "
                 "as a build names it").format(path=excerpt(relative))
    path = folder / relative
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of links
        inside = False
    if not inside or path.is_symlink():
        return _("it lists '{path}', which is a link, or leads out of the build folder "
                 "through one").format(path=excerpt(relative))
    return None


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One written file, as the manifest lists it (small enough to send between processes)."""

    path: str  # relative to the build folder, with "/"
    kind: str
    sha256: str
    size: int
    pages: int | None
    organisation: str | None

    @classmethod
    def of(cls, path: str, data: bytes, *, kind: str, pages: int | None,
           organisation: str | None) -> FileRecord:
        return cls(path, kind, hashlib.sha256(data).hexdigest(), len(data), pages, organisation)

    def as_json(self) -> dict[str, object]:
        return {"path": self.path, "kind": self.kind, "sha256": self.sha256,
                "bytes": self.size, "pages": self.pages, "organisation": self.organisation}


@dataclass(frozen=True, slots=True)
class Listed:
    """One organisation on the ceremony list (``signing.layout: list``), as built."""

    organisation: str  # its id
    name: str
    org_number: str | None

    def as_json(self) -> dict[str, str | None]:
        return {"organisation": self.organisation, "name": self.name,
                "org_number": self.org_number}


@dataclass(frozen=True, slots=True)
class Ceremony:
    """Whose signature pages ``signature-pages.pdf`` holds, in order (their ids), and the
    ceremony's date (None: everyone who is to sign, not one ceremony)."""

    date: str | None
    organisations: list[str]

    def as_json(self) -> dict[str, object]:
        return {"date": self.date, "organisations": self.organisations}


@dataclass
class Manifest:
    """What a build wrote: see the module's docstring."""

    agreement: str
    text_fingerprint: str
    organisations: list[str] = field(default_factory=list)  # ids, in list order
    files: dict[str, FileRecord] = field(default_factory=dict)  # by path
    signature_layout: str = "pages"  # what signature-pages.pdf is: "pages" or "list"
    signature_list: list[Listed] | None = None  # with layout "list": who is on it
    inputs: str | None = None  # the key of the inputs it was built from (see freshness.py)
    ceremony: Ceremony | None = None  # who is in signature-pages.pdf (None: no such file)
    every: bool = False  # built with --all: documents for everyone who has not withdrawn

    @property
    def ceremony_ids(self) -> list[str]:
        """Whose pages signature-pages.pdf holds, in order (a manifest written before
        ceremonies: every listed organisation)."""
        return self.organisations if self.ceremony is None else self.ceremony.organisations

    def add(self, relative: str, data: bytes, *, kind: str, pages: int | None,
            organisation: str | None = None) -> None:
        self.record(FileRecord.of(relative, data, kind=kind, pages=pages,
                                  organisation=organisation))

    def record(self, entry: FileRecord) -> None:
        self.files[entry.path] = entry

    def of_kind(self, kind: str) -> list[FileRecord]:
        """The files of ``kind``, by path."""
        return [self.files[path] for path in sorted(self.files)
                if self.files[path].kind == kind]

    def updated_with(self, newer: Manifest, *, replacing: set[str]) -> tuple[Manifest, list[str]]:
        """This manifest after a build of some organisations (--only): every entry of the
        organisations in ``replacing`` gives way to ``newer``'s, and ``newer``'s other files
        (the ceremony file) replace their entries. Also returns the paths listed before and
        not now (an organisation renamed since), whose files the caller removes."""
        stale = [name for name, entry in self.files.items()
                 if entry.organisation in replacing and name not in newer.files]
        files = {name: entry for name, entry in self.files.items() if name not in stale}
        files.update(newer.files)
        return Manifest(self.agreement, newer.text_fingerprint, newer.organisations,
                        files, newer.signature_layout, newer.signature_list,
                        ceremony=newer.ceremony, every=self.every), stale

    def as_json(self) -> dict[str, object]:
        document: dict[str, object] = {
            "agreement": self.agreement, "text_fingerprint": self.text_fingerprint,
            "organisations": self.organisations, "signature_layout": self.signature_layout}
        if self.signature_list is not None:
            document["signature_list"] = [listed.as_json() for listed in self.signature_list]
        if self.ceremony is not None:
            document["ceremony"] = self.ceremony.as_json()
        if self.every:
            document["all"] = True
        document["files"] = [self.files[name].as_json() for name in sorted(self.files)]
        if self.inputs is not None:
            document["inputs"] = self.inputs
        return document

    def write(self, folder: Path) -> None:
        """Write ``manifest.json`` into ``folder``, atomically."""
        write_atomic(folder / MANIFEST, (json.dumps(self.as_json(), ensure_ascii=False,
                                                    indent=2) + "\n").encode())


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    """Why a folder has no manifest that can be used: there is none (``missing``), or it is
    not one that a build wrote (unreadable, not JSON, or not of the manifest's form)."""

    file: str  # the manifest's path, as findings show paths
    reason: str
    missing: bool

    def finding(self, rule: str, advice: str) -> Finding:
        """This problem as a finding of ``rule``, followed by ``advice``."""
        return Finding(self.file, None, None, "$", rule, Severity.ERROR,
                       f"{self.reason} {advice}".strip())


@functools.cache
def _valid() -> Callable[[Any], Any]:
    return fastjsonschema.compile(schema("manifest"), use_default=False)


def _first_error(document: object) -> str:
    """Where and how ``document`` breaks the manifest's schema, in jsonschema's words
    (only called when it does: jsonschema is slow to import)."""
    from jsonschema import Draft202012Validator  # noqa: PLC0415
    from jsonschema.exceptions import best_match  # noqa: PLC0415

    error = best_match(Draft202012Validator(schema("manifest")).iter_errors(document))
    if error is None:  # pragma: no cover -- fastjsonschema and jsonschema disagree
        return "?"
    return f"{error.json_path}: {error.message}"[:300]


def _parsed(document: dict[str, Any]) -> Manifest:
    listing = document.get("signature_list")
    ceremony = document.get("ceremony")
    return Manifest(
        document["agreement"], document["text_fingerprint"], list(document["organisations"]),
        {entry["path"]: FileRecord(entry["path"], entry["kind"], entry["sha256"],
                                   entry["bytes"], entry["pages"], entry["organisation"])
         for entry in document["files"]},
        document.get("signature_layout", "pages"),
        None if listing is None else [Listed(item["organisation"], item["name"],
                                             item["org_number"]) for item in listing],
        document.get("inputs"),
        None if ceremony is None else Ceremony(ceremony["date"], list(ceremony["organisations"])),
        document.get("all", False))


def read_manifest(folder: Path) -> Manifest | ManifestProblem:  # noqa: PLR0911 -- one return per way a manifest fails
    """The manifest in build folder ``folder``, or why there is none that can be used."""
    path = folder / MANIFEST
    shown = display(path)
    try:
        data = read_input(path, (folder,))
    except FileNotFoundError:
        return ManifestProblem(shown, _("There is no manifest.json here."), missing=True)
    except InputRefusedError as refused:
        return ManifestProblem(shown, refused.reason, missing=False)
    except OSError as error:
        return ManifestProblem(shown, _("manifest.json cannot be read ({reason}).").format(
            reason=error.strerror or error), missing=False)
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        return ManifestProblem(shown, _("manifest.json is not JSON ({reason}).").format(
            reason=str(error)[:200]), missing=False)
    try:
        _valid()(document)
    except fastjsonschema.JsonSchemaException:
        return ManifestProblem(
            shown, _("manifest.json is not what a build writes ({reason}).").format(
                reason=excerpt(_first_error(document), 300)), missing=False)
    for entry in document["files"]:
        problem = path_problem(folder, entry["path"])
        if problem is not None:
            return ManifestProblem(shown, _("manifest.json is not what a build writes "
                                            "({reason}).").format(reason=problem),
                                   missing=False)
    return _parsed(document)

"""Writing outputs so that nothing is ever half-written.

A build writes into a staging folder beside its destination and swaps it into place only
when everything in it is whole; single files are written under a temporary name and
renamed. A crash leaves the previous build untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def as_usual(path: Path, *, folder: bool) -> None:
    """Give ``path``, made by ``tempfile`` (0700 or 0600), the permissions any other new
    folder or file gets here (0777 or 0666 less the umask), so others can read a build."""
    path.chmod((0o777 if folder else 0o666) & ~_umask())


def staging_folder(destination: Path) -> Path:
    """A new, empty folder beside ``destination`` to build into."""
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.staging-",
                                    dir=destination.parent))
    as_usual(staging, folder=True)
    return staging


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        as_usual(Path(temporary), folder=False)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One written file, as the manifest lists it (small enough to send between processes)."""

    path: str
    kind: str
    sha256: str
    size: int
    pages: int | None
    organisation: str | None

    @classmethod
    def of(cls, path: str, data: bytes, *, kind: str, pages: int | None,
           organisation: str | None) -> FileRecord:
        return cls(path, kind, hashlib.sha256(data).hexdigest(), len(data), pages, organisation)


@dataclass
class Manifest:
    """``manifest.json``: the text fingerprint, the organisations in list order, and every
    file a build wrote with its SHA-256, pages and organisation."""

    agreement: str
    text_fingerprint: str
    organisations: list[str] = field(default_factory=list)  # ids, in list order
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    signature_layout: str = "pages"  # what signature-pages.pdf is: "pages" or "list"
    # With layout "list": who is on the list ({"organisation", "name", "org_number"} each).
    signature_list: list[dict[str, str | None]] | None = None
    inputs: str | None = None  # the key of the inputs it was built from (see freshness.py)

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        """The manifest at ``path``, or None when there is none that a build wrote."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            listing = document.get("signature_list")
            return cls(str(document["agreement"]), str(document["text_fingerprint"]),
                       [str(item) for item in document["organisations"]],
                       {str(entry["path"]): dict(entry) for entry in document["files"]},
                       str(document.get("signature_layout", "pages")),
                       [dict(entry) for entry in listing] if listing is not None else None,
                       inputs=str(document["inputs"]) if document.get("inputs") else None)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def add(self, relative: str, data: bytes, *, kind: str, pages: int | None,
            organisation: str | None = None) -> None:
        self.record(FileRecord.of(relative, data, kind=kind, pages=pages,
                                  organisation=organisation))

    def record(self, entry: FileRecord) -> None:
        self.files[entry.path] = {
            "path": entry.path, "kind": entry.kind, "sha256": entry.sha256,
            "bytes": entry.size, "pages": entry.pages, "organisation": entry.organisation,
        }

    def updated_with(self, newer: Manifest, *, replacing: set[str]) -> tuple[Manifest, list[str]]:
        """This manifest after a build of some organisations (--only): every entry of the
        organisations in ``replacing`` gives way to ``newer``'s, and ``newer``'s other files
        (the ceremony file) replace their entries. Also returns the paths listed before and
        not now (an organisation renamed since), whose files the caller removes."""
        stale = [name for name, entry in self.files.items()
                 if entry.get("organisation") in replacing and name not in newer.files]
        files = {name: entry for name, entry in self.files.items() if name not in stale}
        files.update(newer.files)
        return Manifest(self.agreement, newer.text_fingerprint, newer.organisations,
                        files, newer.signature_layout, newer.signature_list), stale

    def write(self, path: Path) -> None:
        document: dict[str, Any] = {
            "agreement": self.agreement, "text_fingerprint": self.text_fingerprint,
            "organisations": self.organisations, "signature_layout": self.signature_layout}
        if self.signature_list is not None:
            document["signature_list"] = self.signature_list
        document["files"] = [self.files[name] for name in sorted(self.files)]
        if self.inputs is not None:
            document["inputs"] = self.inputs
        write_atomic(path, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode())


def swap_into_place(staging: Path, destination: Path) -> None:
    """Replace ``destination`` (a folder) by ``staging`` with two renames."""
    old = None
    if destination.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{destination.name}.old-", dir=destination.parent))
        old.rmdir()
        destination.replace(old)
    staging.replace(destination)
    if old is not None:
        shutil.rmtree(old)


def write_staged(path: Path, data: bytes) -> None:
    """Write into the staging folder, which is moved into place only when whole, so a
    temporary name per file would be work done twice; a failed write leaves nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.write_bytes(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def move_files(staging: Path, destination: Path) -> None:
    """Move every file of ``staging`` to the same place under ``destination`` (--only)."""
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = destination / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)

"""Every text that has been built, kept where no later build deletes it.

A build replaces its folder ``OUT/<agreement>/`` wholesale, so each build also keeps what a
copy of its text must be compared with in ``OUT/<agreement>.versions/<FINGERPRINT>/``
(the fingerprint's printed digits, ``BA92-C2D9-A1B2``): ``agreement.pdf`` and
``manifest.json`` as that text was first built, ``copy.pdf``, the first organisation's copy
as built (its text pages are every copy's, so a copy is compared with them page by page),
and ``copies.json``, what every organisation's copy of it showed:

- the text pages (every copy has the same): each one's ``raw`` digest
  (:mod:`.._pdf.page_content`), to tell one layout of a text from another;
- per organisation: its name and number, the SHA-256 and size of every PDF of it that was
  built (a copy signed by incremental updates starts with those bytes), and the digest of
  its signature page as ``signature-pages.pdf`` holds it (without its page number).

A later build of the same text adds to ``copies.json`` (an organisation added with
``--only``) and never removes from it; one whose text pages differ (another template) is
kept beside it, as ``<FINGERPRINT>-2``. Nothing here is ever deleted or replaced by
another file: ``overens verify --file`` and ``overens receive`` read these folders to check a
copy of an earlier text.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from overens_docs._build.manifest import MANIFEST, Manifest
from overens_docs._build.output import write_atomic
from overens_docs._domain.fingerprint import short_form
from overens_docs._pdf.page_content import raw_digests

SUFFIX = ".versions"
COPIES = "copies.json"
EXAMPLE = "copy.pdf"  # one organisation's copy as built: the text pages every copy has
_FORMAT = "overens-copies-1"


def versions_folder(build_folder: Path) -> Path:
    """Where the texts built into ``build_folder`` are kept."""
    return build_folder.with_name(build_folder.name + SUFFIX)


def folder_name(fingerprint: str) -> str:
    """``BA92-C2D9-A1B2``: the digits a copy prints, as a folder's name."""
    return short_form(fingerprint).replace(" ", "-")


def page_text(page: Any) -> str:
    """A page's text as pypdf extracts it, white space folded."""
    return " ".join((page.extract_text() or "").split())


@dataclass
class Copy:
    """One organisation's copies of a text, as built."""

    name: str
    org_number: str | None
    pages: int
    files: list[tuple[str, int]] = field(default_factory=list)  # (sha256, bytes) per build
    signature_pages: list[str] = field(default_factory=list)  # raw digests, no page number


@dataclass
class Copies:
    """What every organisation's copy of one text showed: see the module's docstring."""

    agreement: str
    text_fingerprint: str
    signature_layout: str
    text_pages: list[str]  # each text page's raw digest
    organisations: dict[str, Copy] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {"format": _FORMAT, "agreement": self.agreement,
                "text_fingerprint": self.text_fingerprint,
                "signature_layout": self.signature_layout,
                "text_pages": self.text_pages,
                "organisations": {
                    identifier: {"name": copy.name, "org_number": copy.org_number,
                                 "pages": copy.pages,
                                 "files": [{"sha256": sha, "bytes": size}
                                           for sha, size in copy.files],
                                 "signature_pages": copy.signature_pages}
                    for identifier, copy in sorted(self.organisations.items())}}

    def merge(self, newer: Copies) -> bool:
        """Add what ``newer`` (a build of the same text pages) knows; whether anything was."""
        changed = False
        for identifier, copy in newer.organisations.items():
            mine = self.organisations.setdefault(
                identifier, Copy(copy.name, copy.org_number, copy.pages))
            for item in copy.files:
                if item not in mine.files:
                    mine.files.append(item)
                    changed = True
            for digest in copy.signature_pages:
                if digest not in mine.signature_pages:
                    mine.signature_pages.append(digest)
                    changed = True
        return changed


def read_copies(folder: Path) -> Copies | None:
    """The ``copies.json`` in ``folder``, or None when there is none that can be read."""
    try:
        document = json.loads((folder / COPIES).read_text(encoding="utf-8"))
        if document.get("format") != _FORMAT:
            return None
        return Copies(
            str(document["agreement"]), str(document["text_fingerprint"]),
            str(document["signature_layout"]),
            [str(digest) for digest in document["text_pages"]],
            {str(identifier): Copy(str(item["name"]), item.get("org_number"),
                                   int(item["pages"]),
                                   [(str(entry["sha256"]), int(entry["bytes"]))
                                    for entry in item["files"]],
                                   [str(digest) for digest in item["signature_pages"]])
             for identifier, item in document["organisations"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def kept(build_folder: Path) -> list[tuple[Path, Copies]]:
    """Every text kept for ``build_folder``, by folder name."""
    found = []
    versions = versions_folder(build_folder)
    for folder in sorted(versions.iterdir()) if versions.is_dir() else []:
        copies = read_copies(folder)
        if copies is not None:
            found.append((folder, copies))
    return found


def _text_pages(first: Path) -> list[str]:
    """The raw digests of the text pages of ``first``, an organisation's PDF (all its pages
    but the last, its signature page)."""
    with pikepdf.open(first) as pdf:
        return raw_digests(pdf)[:len(pdf.pages) - 1]


def _organisations(folder: Path, manifest: Manifest,
                   names: dict[str, tuple[str, str | None]],
                   digests: list[str] | None = None) -> dict[str, Copy]:
    signature_pages = _signature_pages(folder, manifest, digests)
    made: dict[str, Copy] = {}
    for entry in manifest.of_kind("organisation-pdf"):
        identifier = entry.organisation or entry.path
        name, number = names.get(identifier, (identifier, None))
        copy = made.setdefault(identifier, Copy(name, number, entry.pages or 0))
        copy.files.append((entry.sha256, entry.size))
        if identifier in signature_pages:
            copy.signature_pages.append(signature_pages[identifier])
    return made


def copies_of(folder: Path, manifest: Manifest,
              names: dict[str, tuple[str, str | None]]) -> Copies | None:
    """What the copies in build folder ``folder`` show (``names``: each organisation's name
    and number), or None when it has no organisation's PDF."""
    entries = manifest.of_kind("organisation-pdf")
    if not entries:
        return None
    return Copies(manifest.agreement, manifest.text_fingerprint, manifest.signature_layout,
                  _text_pages(folder / entries[0].path), _organisations(folder, manifest, names))


def _signature_pages(folder: Path, manifest: Manifest,
                     digests: list[str] | None = None) -> dict[str, str]:
    """Each organisation's signature page in ``signature-pages.pdf`` (layout ``pages``):
    its raw digest, from ``digests`` (taken as the build wrote it: reading the file again
    would hold all of its pages in memory at once) or read from the file."""
    ceremony = folder / "signature-pages.pdf"
    if manifest.signature_layout != "pages" or not ceremony.is_file():
        return {}
    if digests is None:
        with pikepdf.open(ceremony) as pdf:
            digests = raw_digests(pdf, stamp=False)
    if len(digests) != len(manifest.ceremony_ids):
        return {}
    return dict(zip(manifest.ceremony_ids, digests, strict=True))


def keep(build_folder: Path, manifest: Manifest, names: dict[str, tuple[str, str | None]],
         signature_pages: list[str] | None = None) -> Path | None:
    """Keep the text built into ``build_folder`` (see the module's docstring); the folder
    it is kept in, or None when there is nothing to keep (no organisation).
    ``signature_pages``: the raw digests of ``signature-pages.pdf``'s pages, page numbers
    left out, when the build knows them (else they are read from the file)."""
    entries = manifest.of_kind("organisation-pdf")
    if not entries:
        return None
    raw = _text_pages(build_folder / entries[0].path)
    base = folder_name(manifest.text_fingerprint)
    for folder, earlier in kept(build_folder):
        if (folder.name.split("-")[:3] == base.split("-")
                and earlier.text_fingerprint == manifest.text_fingerprint
                and earlier.text_pages == raw):
            newer = Copies(manifest.agreement, manifest.text_fingerprint,
                           manifest.signature_layout, [],
                           _organisations(build_folder, manifest, names, signature_pages))
            if earlier.merge(newer):
                _write_copies(folder, earlier)
            return folder
    copies = Copies(manifest.agreement, manifest.text_fingerprint, manifest.signature_layout,
                    raw, _organisations(build_folder, manifest, names, signature_pages))
    number, folder = 1, versions_folder(build_folder) / base
    while folder.exists():
        number += 1
        folder = versions_folder(build_folder) / f"{base}-{number}"
    _make(folder, build_folder, copies, entries[0].path)
    return folder


def _make(folder: Path, build_folder: Path, copies: Copies, example: str) -> None:
    """``folder`` made whole beside itself, then renamed into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.keeping")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for name, kept_as in (("agreement.pdf", "agreement.pdf"), (MANIFEST, MANIFEST),
                              (example, EXAMPLE)):
            if (build_folder / name).is_file():
                shutil.copyfile(build_folder / name, staging / kept_as)
        _write_copies(staging, copies)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_copies(folder: Path, copies: Copies) -> None:
    write_atomic(folder / COPIES, (json.dumps(copies.as_json(), ensure_ascii=False, indent=2)
                                   + "\n").encode())

"""What an organisation was given: the pages of its copy as built, to compare a returned
copy with.

A returned copy is compared with a build of the text it carries: the current build folder
(where every organisation's PDF is, so each page is known exactly), or a text kept from an
earlier build (:mod:`.._build.versions`), where the text pages are known exactly and each
signature page by its digest as the ceremony file holds it, or else by what it must say.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from overens_docs._build import versions
from overens_docs._build.manifest import Manifest, read_manifest
from overens_docs._build.versions import Copies, page_text
from overens_docs._domain.fingerprint import short_form
from overens_docs._pdf.page_content import page_digests, raw_digests
from overens_docs._pdf.page_numbers import TEXT
from overens_docs._targets import display


@dataclass(frozen=True, slots=True)
class Expected:
    """One page as built. ``raw`` and ``shown`` are its digests (with its page number
    stamp); ``text`` its text. For a signature page known only from the ceremony file,
    ``unstamped`` holds its digests there, ``number`` the page number it must end with,
    and ``needles`` what it must say (name, number, fingerprint) when it can only be read."""

    raw: str | None
    shown: str | None
    text: str | None
    unstamped: tuple[str, ...] = ()
    number: str | None = None
    needles: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        """Whether the page is known exactly (its digests and text), not by what it says."""
        return self.shown is not None and self.text is not None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A build a returned copy may be of: the current build folder, or a kept text."""

    copies: Copies
    source: Path  # the build folder, or the kept text's folder
    manifest: Manifest | None  # the current build's (its organisations' PDFs are there)
    example: Path | None = None  # an organisation's PDF as built: the text pages

    @property
    def shown(self) -> str:
        return display(self.source)

    @property
    def fingerprint(self) -> str:
        return self.copies.text_fingerprint

    def built_files(self) -> dict[str, list[tuple[str, int]]]:
        """Per organisation: the SHA-256 and size of every PDF of it that was built."""
        return {identifier: copy.files for identifier, copy in self.copies.organisations.items()}

    def expected_text_pages(self) -> list[Expected]:
        """The text pages every copy has (whose copy it is unknown): exactly, from a copy
        as built; by their raw digests alone when there is none."""
        count = len(self.copies.text_pages)
        if self.example is not None and self.example.is_file():
            return _exactly(self.example)[:count]
        return [Expected(raw, None, None) for raw in self.copies.text_pages]

    def expected(self, organisation: str) -> list[Expected]:
        """Every page of ``organisation``'s copy, as built."""
        if self.manifest is not None:
            entry = next((e for e in self.manifest.of_kind("organisation-pdf")
                          if e.organisation == organisation), None)
            if entry is not None and (self.source / entry.path).is_file():
                return _exactly(self.source / entry.path)
        copy = self.copies.organisations[organisation]
        pages = self.expected_text_pages()
        total = len(pages) + 1
        needles = tuple(value for value in (copy.name, copy.org_number,
                                            short_form(self.fingerprint)) if value)
        return [*pages, Expected(None, None, None, tuple(copy.signature_pages),
                                 TEXT.format(page=total, pages=total), needles)]


def _exactly(path: Path) -> list[Expected]:
    with pikepdf.open(path) as pdf:
        digests = page_digests(pdf)
    texts = [page_text(page) for page in PdfReader(path).pages]
    return [Expected(digest.raw, digest.shown, text)
            for digest, text in zip(digests, texts, strict=True)]


def candidates(build_folder: Path) -> list[Candidate]:
    """The current build in ``build_folder`` (first), then every text kept beside it."""
    found: list[Candidate] = []
    kept = versions.kept(build_folder)
    manifest = read_manifest(build_folder)
    if isinstance(manifest, Manifest):
        names = {identifier: (copy.name, copy.org_number) for _folder, copies in kept
                 if copies.text_fingerprint == manifest.text_fingerprint
                 for identifier, copy in copies.organisations.items()}
        names.update({entry.organisation: (entry.name, entry.org_number)
                      for entry in manifest.signature_list or []})
        try:
            current = versions.copies_of(build_folder, manifest, names)
        except (OSError, pikepdf.PdfError, PyPdfError, ValueError):  # damaged: verify says why
            current = None
        if current is not None:
            first = manifest.of_kind("organisation-pdf")[0].path
            found.append(Candidate(current, build_folder, manifest, build_folder / first))
    found.extend(Candidate(copies, folder, None, folder / versions.EXAMPLE)
                 for folder, copies in kept)
    return found


def bare(text: str) -> str:
    """``text`` without white space: a name wraps differently in a table cell."""
    return "".join(text.split())


def owner(candidate: Candidate, texts: list[str], pdf: pikepdf.Pdf) -> str | None:
    """The organisation whose signature page follows the text pages of ``candidate`` (or
    is anywhere in the copy, when pages were inserted or dropped): by its content as the
    ceremony file holds it, else by the longest name on it."""
    index = len(candidate.copies.text_pages)
    if len(texts) <= index:
        return None
    order = [*range(index, len(texts)), *range(index)]  # where it belongs first
    digests = raw_digests(pdf, stamp=False)
    organisations = candidate.copies.organisations
    for page in order:
        for identifier, copy in organisations.items():
            if digests[page] in copy.signature_pages:
                return identifier
    for page in order:
        text = bare(texts[page])
        named = [(len(copy.name), identifier) for identifier, copy in organisations.items()
                 if copy.name and bare(copy.name) in text]
        if named:
            return max(named)[1]
    return None

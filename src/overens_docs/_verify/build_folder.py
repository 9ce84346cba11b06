"""Verify a build folder: is every file as built, and every copy this build's text?

:func:`verify_build` checks a build folder against its ``manifest.json``: every file is
there with its SHA-256 and nothing else is; every organisation's PDF is exactly the build's
text pages (compared by their content, so a page swapped in from another build is found
even in a file whose hash was updated to match) plus that organisation's signature page;
and every signature page carries the text fingerprint. When the ceremony file is a list
(``signing.layout: list``), every organisation it is for (the manifest's ``ceremony``) must
be on it, with its name and organisation number, and each organisation's own signature page
must name it. Letters and the mailing list are checked as files (their SHA-256).
"""

from __future__ import annotations

import difflib
import hashlib
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from overens_docs._build.manifest import MANIFEST, Manifest, ManifestProblem, read_manifest
from overens_docs._domain.fingerprint import short_form
from overens_docs._findings import Finding, Report, Severity, excerpt
from overens_docs._i18n import _
from overens_docs._pdf.page_numbers import TEXT, unstamped
from overens_docs._targets import display

LIST = "list"  # the manifest's signature_layout for a ceremony list


def _bare(text: str) -> str:
    """``text`` without white space: a name wraps differently in a table cell."""
    return "".join(text.split())


def _finding(file: str, rule: str, message: str, page: int | None = None) -> Finding:
    return Finding(file, None, None, "$", rule, Severity.ERROR, message, page=page)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _same_text(copy: str, agreement: str, pages: int) -> bool:
    """Whether a page of an organisation's copy reads as the same page of agreement.pdf.

    The copy has one page more (its signature page), so a page count printed on the page
    ("sida 2 av 6" against "sida 2 av 5") is the one difference allowed."""
    if copy == agreement:
        return True
    mine, theirs = copy.split(" "), agreement.split(" ")
    matcher = difflib.SequenceMatcher(None, theirs, mine, autojunk=False)
    return all(tag == "equal" or (tag == "replace" and theirs[i1:i2] == [str(pages)]
                                  and mine[j1:j2] == [str(pages + 1)])
               for tag, i1, i2, j1, j2 in matcher.get_opcodes())


def _page_hashes(path: Path, pages: range | None = None) -> list[str]:
    """Per page: a hash of what it draws (its content streams, decoded), but for its page
    number stamp, which differs between an organisation's copy and signature-pages.pdf;
    any other stream counts."""
    with pikepdf.open(path) as pdf:
        chosen = pdf.pages if pages is None else [pdf.pages[i] for i in pages]
        return [hashlib.sha256(b"".join(part.read_bytes() for part in unstamped(page)))
                .hexdigest() for page in chosen]


def _stamped(path: Path) -> list[bool]:
    """Per page: whether it carries a page number stamp."""
    with pikepdf.open(path) as pdf:
        return [len(unstamped(page)) < len(_contents(page)) for page in pdf.pages]


def _contents(page: pikepdf.Page) -> list[pikepdf.Object]:
    contents = page.obj.get("/Contents")
    return [] if contents is None else (
        list(contents) if isinstance(contents, pikepdf.Array) else [contents])


def _misnumbered(shown: str, text: str, page: int, pages: int) -> Iterator[Finding]:
    """A stamped signature page (page ``page`` of ``pages``) whose stamp reads otherwise."""
    expected = TEXT.format(page=page, pages=pages)
    if not text.endswith(expected):
        yield _finding(shown, "verify-page-number",
                       _("This signature page's page number is not the one it was built "
                         "with ('{expected}').").format(expected=expected), page)


def _texts(path: Path) -> list[str]:
    """Each page's text, white space folded."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


# What reading a damaged or garbled PDF raises, in pikepdf (qpdf) and in pypdf (whose
# parser lets the odd KeyError or TypeError through on a broken object).
_UNREADABLE = (pikepdf.PdfError, PyPdfError, OSError, ValueError, KeyError, IndexError,
               TypeError, AttributeError, RecursionError, zlib.error)


def _unreadable(path: Path, error: BaseException) -> Finding:
    return _finding(display(path), "verify-unreadable", _(
        "It is not a readable PDF ({error}).").format(error=excerpt(
            str(error) or type(error).__name__, 200)))


def _guarded(path: Path, findings: Callable[[], Iterator[Finding]]) -> Iterator[Finding]:
    """The findings about the PDF ``path``, or, when it cannot be read, that finding: a
    damaged build is findings, never a traceback."""
    try:
        yield from findings()
    except _UNREADABLE as error:
        yield _unreadable(path, error)


def verify_build(folder: Path) -> Report:
    """Every problem with the build in ``folder``, as findings (none: it holds).
    ``report.files`` names the manifest and every file it lists: what was checked."""
    report = Report()
    report.files.append(display(folder / MANIFEST))
    manifest = read_manifest(folder)
    if isinstance(manifest, ManifestProblem) and manifest.missing:
        report.extend([_finding(display(folder / MANIFEST), "verify-manifest",
                                _("There is no manifest.json that a build wrote here, so "
                                  "nothing can be verified. Is this a build folder?"))])
        return report
    if isinstance(manifest, ManifestProblem):
        report.extend([manifest.finding("verify-manifest", _(
            "Nothing can be verified against it: build again."))])
        return report
    report.files.extend(display(folder / relative) for relative in sorted(manifest.files))
    report.extend(_files(folder, manifest))
    report.extend(_organisation_pdfs(folder, manifest))
    ceremony = folder / "signature-pages.pdf"
    report.extend(_guarded(ceremony, lambda: _ceremony(folder, manifest)))
    return report


def _files(folder: Path, manifest: Manifest) -> Iterator[Finding]:
    for relative, entry in sorted(manifest.files.items()):
        path = folder / relative
        if not path.is_file():
            yield _finding(display(path), "verify-missing",
                           _("The manifest lists this file, but it is not there."))
        elif _readable_sha256(path) != entry.sha256:
            yield _finding(display(path), "verify-changed",
                           _("The file has changed since it was built (its SHA-256 differs "
                             "from the manifest's)."))
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*")
               if path.is_file()}
    for relative in sorted(present - set(manifest.files) - {MANIFEST}):
        yield _finding(display(folder / relative), "verify-unexpected",
                       _("The manifest does not list this file: it was not written by the "
                         "build."))


@dataclass
class _Build:
    """What every organisation's PDF in a build is compared with."""

    manifest: Manifest
    text: list[str]  # agreement.pdf's pages, as text
    signature_pages: list[str]  # signature-pages.pdf's pages, as content hashes
    text_pages: list[str] | None = None  # the text pages' content, as the first copy has it

    @property
    def fingerprint(self) -> str:
        return short_form(self.manifest.text_fingerprint)


def _readable_sha256(path: Path) -> str | None:
    try:
        return _sha256(path)
    except OSError:
        return None


def _organisation_pdfs(folder: Path, manifest: Manifest) -> Iterator[Finding]:
    agreement = folder / "agreement.pdf"
    entries = [entry for entry in manifest.of_kind("organisation-pdf")
               if (folder / entry.path).is_file()]
    if not agreement.is_file() or not entries:
        return
    ceremony = folder / "signature-pages.pdf"
    pages = ceremony.is_file() and manifest.signature_layout != LIST
    try:
        text = _texts(agreement)
    except _UNREADABLE as error:  # the copies cannot be compared with it
        yield _unreadable(agreement, error)
        return
    try:
        signature_pages = _page_hashes(ceremony) if pages else []
    except _UNREADABLE:  # said where the ceremony file is checked; compare without it
        signature_pages = []
    build = _Build(manifest, text, signature_pages)
    for entry in entries:
        path = folder / entry.path
        yield from _guarded(path, lambda path=path, entry=entry: _organisation_pdf(  # type: ignore[misc]
            path, entry.organisation, build))


def _organisation_pdf(path: Path, organisation: str | None,
                      build: _Build) -> Iterator[Finding]:
    shown = display(path)
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
    if pages != len(build.text) + 1:
        yield _finding(shown, "verify-pages",
                       _("It has {pages} pages; the text has {text} and one signature page "
                         "follows.").format(pages=pages, text=len(build.text)))
        return
    hashes = _page_hashes(path, range(len(build.text)))
    if build.text_pages is None:  # the first copy: its text pages read as agreement.pdf
        build.text_pages = hashes
        for number, (mine, theirs) in enumerate(zip(_texts(path), build.text, strict=False), 1):
            if not _same_text(mine, theirs, len(build.text)):
                yield _finding(shown, "verify-text",
                               _("This page's text differs from agreement.pdf's."), number)
    for number, (mine, theirs) in enumerate(zip(hashes, build.text_pages, strict=True), 1):
        if mine != theirs:
            yield _finding(shown, "verify-text",
                           _("This page is not the build's text page: its content differs "
                             "from the same page of the other copies."), number)
    text = " ".join((PdfReader(path).pages[pages - 1].extract_text() or "").split())
    if _stamped(path)[-1]:
        yield from _misnumbered(shown, text, pages, pages)
    if build.fingerprint not in text:
        yield _finding(shown, "verify-fingerprint",
                       _("The signature page does not carry the text fingerprint "
                         "{fingerprint}.").format(fingerprint=build.fingerprint), pages)
    listed = build.manifest.organisations
    on_ceremony = build.manifest.ceremony_ids
    names = {entry.organisation: entry.name for entry in build.manifest.signature_list or []}
    if organisation in names and _bare(names[organisation]) not in _bare(text):
        yield _finding(shown, "verify-signature-page",
                       _("The signature page is not the one built for {organisation} (its "
                         "name, {name}, is not on it).").format(organisation=organisation,
                                                                name=names[organisation]),
                       pages)
    if organisation not in listed:
        yield _finding(shown, "verify-organisation",
                       _("The manifest does not say which listed organisation this copy is "
                         "for."))
    elif organisation in on_ceremony and len(build.signature_pages) == len(on_ceremony) and (
            _page_hashes(path, range(pages - 1, pages))[0]
            != build.signature_pages[on_ceremony.index(organisation)]):
        yield _finding(shown, "verify-signature-page",
                       _("The signature page is not the one built for {organisation} (it "
                         "differs from that organisation's page in signature-pages.pdf).")
                       .format(organisation=organisation), pages)


def _ceremony(folder: Path, manifest: Manifest) -> Iterator[Finding]:
    path = folder / "signature-pages.pdf"
    if not path.is_file():
        return
    fingerprint = short_form(manifest.text_fingerprint)
    texts = _texts(path)
    if manifest.signature_layout == LIST:
        yield from _listed(display(path), manifest, texts)
    elif len(texts) != len(manifest.ceremony_ids):
        yield _finding(display(path), "verify-pages",
                       _("It has {pages} pages for {organisations} organisations.").format(
                           pages=len(texts), organisations=len(manifest.ceremony_ids)))
    if manifest.signature_layout != LIST:
        for number, (text, stamped) in enumerate(zip(texts, _stamped(path), strict=True), 1):
            if stamped:
                yield from _misnumbered(display(path), text, number, len(texts))
    for number, text in enumerate(texts, 1):
        if fingerprint not in text:
            yield _finding(display(path), "verify-fingerprint",
                           _("This signature page does not carry the text fingerprint "
                             "{fingerprint}.").format(fingerprint=fingerprint), number)


def _listed(shown: str, manifest: Manifest, texts: list[str]) -> Iterator[Finding]:
    """Every listed organisation is on the ceremony list, with its organisation number."""
    listing = manifest.signature_list
    if listing is None:
        yield _finding(shown, "verify-manifest",
                       _("The manifest says signature-pages.pdf is a list, but not who is "
                         "on it."))
        return
    on_list = {entry.organisation for entry in listing}
    for organisation in manifest.ceremony_ids:
        if organisation not in on_list:
            yield _finding(shown, "verify-list",
                           _("The manifest lists {organisation}, but not on the ceremony "
                             "list.").format(organisation=organisation))
    everything = _bare(" ".join(texts))
    for entry in listing:
        missing = [value for value in (entry.name, entry.org_number)
                   if value and _bare(value) not in everything]
        if missing:
            yield _finding(shown, "verify-list",
                           _("{organisation} is not on the ceremony list as built: "
                             "{missing} cannot be found in it.").format(
                               organisation=entry.organisation,
                               missing=", ".join(missing)))

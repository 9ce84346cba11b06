"""Stage: put PDFs together with pikepdf (qpdf), keeping them PDF/A.

A writer that starts a new PDF drops the catalog's ``/Metadata`` (XMP, which carries the
PDF/A identification), ``/OutputIntents`` and ``/Lang``, and writes its own Info. Every
file written here gets them back from the LibreOffice master. Each file is tagged: the
master's structure tree comes along with its text pages, and each signature page brings its
own elements (see :mod:`overens_docs._pdf.structure`).

pikepdf rather than pypdf because this runs once per organisation, thousands of times.
The text pages and catalog entries are copied once into a base document; each
organisation's file is that base with its signature page appended, saved, and the page
taken off again: about 1 ms per file, where pypdf needed about 15.

LibreOffice names the font subsets of every PDF it writes alike (``BAAAAA+LiberationSans``),
so the text pages and the signature pages would carry different subsets under one name,
which printers that cache fonts by name get wrong; the signature pages' subsets are
renamed.

Each file gets its own permanent identifier (the first ``/ID`` string), derived from the
master's (itself computed from its content, see :mod:`overens_docs._reproducible`) and the
organisation's id; qpdf would otherwise give every file saved in the same second the same
one. The second ``/ID`` string is computed from the file's content, so that the same
inputs give the same bytes.

Each signature page gets its page number here, where it is known: "sida N av N" in an
organisation's PDF, "sida k av M" in the ceremony file (:mod:`overens_docs._pdf.page_numbers`).
"""

from __future__ import annotations

import ctypes
import hashlib
import html
import io
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pikepdf

from overens_docs._errors import OverensError
from overens_docs._pdf.page_numbers import PageNumberError, PageNumbers, find_footer, stamp
from overens_docs._pdf.reading import fonts
from overens_docs._pdf.structure import ARRAY_LIMIT, TaggedPages, Tree, keep_pages

# PDF/A wants every annotation printed and shown (flag Print set; Invisible, Hidden, NoView
# and ToggleNoView clear). The signature pages come from a plain export, which does not
# see to that.
_PRINT = 4
_NOT_SHOWN = 1 | 2 | 32 | 256
_SUBSET = re.compile(r"/[A-Z]{6}\+(.+)")  # "/BAAAAA+LiberationSans"

# The first title in XMP's dc:title (LibreOffice writes one, x-default).
_DC_TITLE = re.compile(rb"(<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>)[^<]*(</rdf:li>)")

# How many organisations' files one base document makes before it is made anew. Every page
# and structure element copied into it stays in it (qpdf cannot delete an object), and
# saving costs time in proportion to all its objects, not only those written: after 500
# copies, 50 times as long as the first save. What a base has copied before decides how
# the objects of a copy are numbered, so a copy's bytes depend on its place in its base's
# run: bases start at every multiple of this in the order of all copies (see
# :meth:`Assembler.organisation_pdf`), and workers take the copies in runs of this length.
COPIES_PER_BASE = 50

# Inspects a document as it is about to be saved; returns the problems found.
Check = Callable[[pikepdf.Pdf], list[str]]


class AssemblyError(OverensError):
    """A PDF to assemble from cannot be read."""


def _open(path: Path) -> pikepdf.Pdf:
    """``path`` opened without a file position of its own: memory-mapped (or read into
    memory where it cannot be), so that worker processes forked from this one can read
    from it too, while this one does (see :mod:`overens_docs._build.processes`)."""
    try:
        return pikepdf.open(path, access_mode=pikepdf.AccessMode.mmap_only)
    except (pikepdf.PdfError, OSError, ValueError):
        pass
    try:
        return pikepdf.open(io.BytesIO(path.read_bytes()))
    except (pikepdf.PdfError, OSError) as error:
        raise AssemblyError(f"{path.name} is not a readable PDF ({error})") from error


class Assembler:
    """Makes each organisation's PDF (the master's text pages plus its signature page) and
    the ceremony file of all signature pages. Every input is opened once."""

    def __init__(self, master: Path, text_pages: int, signatures: Iterable[Path], *,
                 salt: str = "", page_numbers: bool = True) -> None:
        """``salt`` makes the signature pages' font subset tags differ from those of other
        assemblies whose pages may end up in one file (see :meth:`signature_pages_pdf`).
        ``page_numbers``: stamp each signature page's number (see
        :mod:`overens_docs._pdf.page_numbers`) as the text pages print theirs."""
        self.master = _open(master)
        self.text_pages = text_pages
        self.page_numbers: PageNumbers | None = None
        self.unnumbered: str | None = None  # why the signature pages are not numbered
        if page_numbers:
            try:
                self.page_numbers = PageNumbers(find_footer(
                    self.master.pages[text_pages - 1], len(self.master.pages)))
            except PageNumberError as reason:
                self.unnumbered = str(reason)
        keep_pages(self.master, text_pages)  # its own signature page stays behind
        # A master not from LibreOffice may be untagged: each page is tagged as a paragraph.
        self._untagged_text = (None if "/StructTreeRoot" in self.master.Root
                               else TaggedPages(self.master))
        self.signatures = [_open(path) for path in signatures]
        for index, document in enumerate(self.signatures):
            _rename_subsets(document, f"{salt}{index}")
        self._tagged = [TaggedPages(document) for document in self.signatures]
        self._base: pikepdf.Pdf | None = None
        self._last = -1  # the sequence number of the last copy made (see COPIES_PER_BASE)
        # Every copy's last page is "sida N av N": one stamp and font per base.
        self._copy_stamp: tuple[pikepdf.Object, pikepdf.Object] | None = None
        self._stamped_resources: dict[tuple[int, int], pikepdf.Object] = {}
        self._tree: Tree | None = None
        self._key = 0  # the ParentTree number of each copy's signature page
        self._master_id = bytes(self.master.trailer.ID[0])
        self._xmp = self.master.Root.Metadata.read_bytes()  # each copy retitles it

    @property
    def signature_counts(self) -> list[int]:
        return [len(document.pages) for document in self.signatures]

    def _archival(self, pdf: pikepdf.Pdf) -> None:
        """Give ``pdf`` the master's PDF/A identification, output intent, language and Info."""
        master = self.master
        pdf.Root.Metadata = pdf.copy_foreign(master.Root.Metadata)
        # LibreOffice writes /OutputIntents as a direct array; copying needs an indirect one.
        pdf.Root.OutputIntents = pdf.copy_foreign(master.make_indirect(master.Root.OutputIntents))
        pdf.Root.Lang = master.Root.Lang
        pdf.docinfo = pdf.copy_foreign(master.docinfo)  # type: ignore[assignment]
        # The title, not the file name, in the viewer's title bar (as in the master).
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)

    def _title(self, pdf: pikepdf.Pdf, title: str) -> None:
        """Give ``pdf`` its own title, in the Info dictionary and the XMP ``dc:title`` alike
        (PDF/A wants the two to agree)."""
        pdf.docinfo.Title = pikepdf.String(title)
        escaped = html.escape(title, quote=False).encode()
        pdf.Root.Metadata = pdf.make_stream(_DC_TITLE.sub(
            lambda match: match.group(1) + escaped + match.group(2), self._xmp, count=1))
        pdf.Root.Metadata.Type = pikepdf.Name.Metadata
        pdf.Root.Metadata.Subtype = pikepdf.Name.XML

    def _save(self, pdf: pikepdf.Pdf, identity: str) -> bytes:
        permanent = hashlib.md5(  # noqa: S324 -- an identifier, as the PDF standard does
            self._master_id + identity.encode()).digest()
        pdf.trailer.ID = pikepdf.Array([pikepdf.String(permanent)] * 2)
        buffer = io.BytesIO()
        # Keep the XMP as LibreOffice wrote it (it already agrees with the Info dictionary),
        # and copy streams as they are: decoding and recompressing them changes nothing.
        # Object streams (PDF 1.5, allowed in PDF/A-2) make the file smaller and quicker.
        pdf.save(buffer, min_version=self.master.pdf_version, fix_metadata_version=False,
                 deterministic_id=True,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none, recompress_flate=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()

    def _text(self) -> pikepdf.Pdf:
        """The base document: the master's text pages and its catalog entries."""
        if self._base is None:
            base = pikepdf.new()
            base.pages.extend(self.master.pages[: self.text_pages])
            for page in base.pages:
                _printable(page)
            if self._untagged_text is None:
                # After the pages: their copies are what the elements' /Pg become.
                base.Root.StructTreeRoot = base.copy_foreign(self.master.Root.StructTreeRoot)
            self._tree = Tree(base, self._role_maps())
            if self._untagged_text is not None:
                for number, page in enumerate(base.pages):
                    self._tree.graft(page, self._untagged_text, number, number)
            self._key = self._tree.next_key
            self._archival(base)
            if self.page_numbers is not None:
                count = self.text_pages + 1
                self._copy_stamp = (self.page_numbers.stream_object(base, count, count),
                                    self.page_numbers.font_for(base))
                self._stamped_resources = {}
            self._base = base
        return self._base

    def _role_maps(self) -> list[pikepdf.Object]:
        return [tagged.role_map for tagged in self._tagged]

    def text_document(self) -> pikepdf.Pdf:
        """The text pages with the catalog entries every organisation's PDF shares."""
        return self._text()

    def organisation_pdf(self, signature_file: int, signature_page: int, identity: str, *,
                         check: Check | None = None, title: str | None = None,
                         sequence: int | None = None) -> tuple[bytes, int, list[str]]:
        """One organisation's PDF, its page count, and what ``check`` found in the document
        as it is saved; ``identity`` (its id) makes the file identifier unique, ``title``
        (the agreement's and the organisation's name) is its document title.

        ``sequence`` is the copy's place among all copies of the build (default: the one
        after the last made here). A new base document is made at every multiple of
        :data:`COPIES_PER_BASE` and whenever the copies are not made in order, so that the
        bytes of a copy depend on its place only, not on which process made it."""
        sequence = self._last + 1 if sequence is None else sequence
        if self._base is not None and (sequence % COPIES_PER_BASE == 0
                                       or sequence != self._last + 1):
            self._base = None
            _give_back_memory()
        self._last = sequence
        base = self._text()
        tree = self._tree
        assert tree is not None  # noqa: S101 -- made with the base
        base.pages.append(self.signatures[signature_file].pages[signature_page])
        elements = 0
        try:
            page = base.pages[-1]
            _printable(page)
            if self._copy_stamp is not None:
                stamp(page, *self._copy_stamp, self._stamped_resources)
            elements = tree.graft(page, self._tagged[signature_file], signature_page,
                                  self._key)
            if title is not None:
                self._title(base, title)
            found = check(base) if check is not None else []
            return self._save(base, identity), len(base.pages), found
        finally:
            tree.ungraft(self._key, elements, self._key)
            del base.pages[-1]

    def signature_pages_pdf(self, earlier: Path | None = None, *, replacing: int = -1,
                            inserting: int = -1, title: str | None = None,
                            selection: Sequence[int] | None = None,
                            identity: str = "signature-pages") -> tuple[bytes, int]:
        """The ceremony file: every signature page, in order, or those of ``selection``
        (their indexes among all, in that order). With ``earlier`` (an earlier ceremony
        file), its pages with this assembly's one page in place of page index
        ``replacing``, or inserted before page index ``inserting`` (--only). ``identity``
        makes the file identifier (another for each file made from the same pages)."""
        if earlier is None and selection is not None:
            every = [(tagged, number) for tagged in self._tagged
                     for number in range(len(tagged.pdf.pages))]
            return self._ceremony([every[index] for index in selection], title, identity)
        if earlier is None:
            if all(tagged.whole() is not None for tagged in self._tagged):
                return self._ceremony([(tagged, None) for tagged in self._tagged], title,
                                      identity)
            return self._ceremony([(tagged, number) for tagged in self._tagged
                                   for number in range(len(tagged.pdf.pages))], title, identity)
        with _open(earlier) as previous:
            before = TaggedPages(previous)
            pages = [(before, number) for number in range(len(previous.pages))]
            new = (self._tagged[0], 0)
            if 0 <= replacing < len(pages):
                pages[replacing] = new
            else:
                pages.insert(inserting if inserting >= 0 else len(pages), new)
            return self._ceremony(pages, title, identity)

    def whole_pdf(self, title: str) -> tuple[bytes, int]:
        """The one signature PDF (the ceremony list) as a whole, with its structure tree as
        LibreOffice made it: its tables run over pages, so it is not taken page by page."""
        source = self.signatures[0]
        pdf = pikepdf.new()
        pdf.pages.extend(source.pages)
        for page in pdf.pages:
            _printable(page)
        if "/StructTreeRoot" in source.Root:  # after the pages, as in _text()
            pdf.Root.StructTreeRoot = pdf.copy_foreign(source.Root.StructTreeRoot)
            pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        self._archival(pdf)
        self._title(pdf, title)
        return self._save(pdf, "signature-pages"), len(pdf.pages)

    def _ceremony(self, parts: Sequence[tuple[TaggedPages, int | None]], title: str | None,
                  identity: str = "signature-pages") -> tuple[bytes, int]:
        """The ceremony file of ``parts``, in order: each a page of a source (its number),
        or all of a source's pages with its whole structure tree (None)."""
        pdf = pikepdf.new()
        tree = Tree(pdf, [source.role_map for source in {id(s): s for s, _ in parts}.values()])
        # Each source's elements in a Div of their own when all of them together would be
        # more than an array may hold in older readers (a page's go into a Sect anyway).
        group = sum(len(source.whole() or []) if number is None else 1
                    for source, number in parts) > ARRAY_LIMIT
        key = 0
        for source, number in parts:
            if number is None:
                start = len(pdf.pages)
                pdf.pages.extend(source.pdf.pages)
                key = tree.adopt(source, pdf.pages[start:], key, group=group)
            else:
                pdf.pages.append(source.pdf.pages[number])
                tree.graft(pdf.pages[-1], source, number, key)
                key += 1
        numbers = self.page_numbers
        font = numbers.font_for(pdf) if numbers is not None else None
        resources: dict[tuple[int, int], pikepdf.Object] = {}
        count = len(pdf.pages)
        for index, page in enumerate(pdf.pages):
            _printable(page)
            if numbers is not None and font is not None:
                # Every page numbered anew: with --only, pages of the earlier file too.
                stamp(page, numbers.stream_object(pdf, index + 1, count), font, resources)
        self._archival(pdf)
        if title is not None:
            self._title(pdf, title)
        data = self._save(pdf, identity)
        pdf.close()
        del pdf, tree
        _give_back_memory()
        return data, count


def _give_back_memory() -> None:
    """Return the memory freed by a large PDF just made to the system. glibc's allocator
    keeps it otherwise (qpdf's many small objects leave its heap fragmented): after the
    ceremony file of 1,000 pages, about 65 MB of the 85 MB it took, for the rest of the
    build. Elsewhere (no glibc), nothing."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return
    trim(0)


def _rename_subsets(document: pikepdf.Pdf, salt: str) -> None:
    """Give the font subsets in ``document`` (in memory) tags of their own."""
    for font in fonts(document):
        name = str(font.get("/BaseFont", ""))
        subset = _SUBSET.fullmatch(name)
        if subset is None:
            continue
        digest = hashlib.sha256(f"{salt}/{name}".encode()).digest()
        tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
        font.BaseFont = pikepdf.Name(f"/{tag}+{subset.group(1)}")
        descriptor = font.get("/FontDescriptor")
        if descriptor is not None and "/FontName" in descriptor:
            descriptor.FontName = font.BaseFont


def _printable(page: pikepdf.Page) -> None:
    """Make a copied ``page``'s annotations print and show, as PDF/A wants."""
    for annotation in page.obj.get("/Annots") or []:
        flags = int(annotation.get("/F", 0))
        if flags & (_PRINT | _NOT_SHOWN) != _PRINT:
            annotation.F = (flags | _PRINT) & ~_NOT_SHOWN

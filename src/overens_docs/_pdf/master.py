"""The master PDF every delivered PDF takes its catalog from, and the signature batches
assembled with it.

A writer that starts a new PDF drops the catalog's ``/Metadata`` (XMP, which carries the
PDF/A identification), ``/OutputIntents`` and ``/Lang``, and writes its own Info. Every
file assembled here gets them back from the LibreOffice master (:meth:`Master.archival`),
with a title of its own (:meth:`Master.retitle`).

LibreOffice names the font subsets of every PDF it writes alike (``BAAAAA+LiberationSans``),
so the text pages and the signature pages would carry different subsets under one name,
which printers that cache fonts by name get wrong; the signature pages' subsets are
renamed (:func:`open_signatures`), the same way wherever a batch is opened.

Each file gets its own permanent identifier (the first ``/ID`` string), derived from the
master's (itself computed from its content, see :mod:`overens_docs._reproducible`) and an
identity of the file; qpdf would otherwise give every file saved in the same second the same
one. The second ``/ID`` string is computed from the file's content.
"""

from __future__ import annotations

import ctypes
import hashlib
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from overens_docs._errors import OverensError
from overens_docs._pdf.page_numbers import PageNumberError, PageNumbers, find_footer
from overens_docs._pdf.reading import fonts
from overens_docs._pdf.structure import TaggedPages, keep_pages

# PDF/A wants every annotation printed and shown (flag Print set; Invisible, Hidden, NoView
# and ToggleNoView clear). The signature pages come from a plain export, which does not
# see to that.
_PRINT = 4
_NOT_SHOWN = 1 | 2 | 32 | 256
_SUBSET = re.compile(r"/[A-Z]{6}\+(.+)")  # "/BAAAAA+LiberationSans"

# The first title in XMP's dc:title (LibreOffice writes one, x-default).
_DC_TITLE = re.compile(rb"(<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>)[^<]*(</rdf:li>)")


class AssemblyError(OverensError):
    """A PDF to assemble from cannot be read."""


def open_pdf(path: Path, *, whole_tree: bool = False) -> pikepdf.Pdf:
    """``path`` opened without a file position of its own: memory-mapped (or read into
    memory where it cannot be), so that worker processes forked from this one can read
    from it too, while this one does (see :mod:`overens_docs._build.processes`).

    Its objects are read as they are used. qpdf's default, pushing the attributes that
    pages inherit from the page tree down to every page as the file is opened, reads
    every object of it: 40 MB and 0.1 s for a batch of 500 signature pages, of which a
    worker uses a part at a time. Here each page is given what it inherits when it is
    copied (:func:`own_attributes`); ``whole_tree``: qpdf's default, for a small PDF whose
    pages are copied with ``Pdf.pages`` (which pushes them anyway)."""
    try:
        return pikepdf.open(path, access_mode=pikepdf.AccessMode.mmap_only,
                            inherit_page_attributes=whole_tree)
    except (pikepdf.PdfError, OSError, ValueError):
        pass
    try:
        return pikepdf.open(io.BytesIO(path.read_bytes()), inherit_page_attributes=whole_tree)
    except (pikepdf.PdfError, OSError) as error:
        raise AssemblyError(f"{path.name} is not a readable PDF ({error})") from error


# What a page inherits from its ancestors in the page tree (ISO 32000-1, 7.7.3.4).
_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_TREE_DEPTH = 64  # the deepest page tree followed (a loop in a damaged file ends there)


def own_attributes(page: pikepdf.Object) -> None:
    """Give ``page`` (a page dictionary) as its own what it inherits from the page tree,
    before it is copied without its tree (see :func:`open_pdf`). The pages LibreOffice
    writes hold their own already: then this looks at four keys and does nothing."""
    missing = [key for key in _INHERITABLE if key not in page]
    node = page.get("/Parent")
    for _depth in range(_TREE_DEPTH):
        if not missing or not isinstance(node, pikepdf.Dictionary):
            return
        for key in [key for key in missing if key in node]:
            page[key] = node[key]
            missing.remove(key)
        node = node.get("/Parent")


@dataclass(frozen=True, slots=True)
class Batch:
    """A PDF of signature pages (LibreOffice's export of one batch, a filled form, or an
    earlier ceremony file), and the salt its font subsets are renamed with (None: they
    keep their names, as in an earlier ceremony file, renamed when it was made)."""

    path: Path
    salt: str | None


def open_signatures(batch: Batch) -> tuple[pikepdf.Pdf, TaggedPages]:
    """``batch`` opened, its font subsets renamed, its structure ready to be copied."""
    document = open_pdf(batch.path)
    if batch.salt is not None:
        rename_subsets(document, batch.salt)
    return document, TaggedPages(document)


class Master:
    """The master PDF (the text pages, then one signature page), opened once."""

    def __init__(self, path: Path, text_pages: int, *, page_numbers: bool = True) -> None:
        """``page_numbers``: read how the text pages print their number, to stamp each
        signature page's (see :mod:`overens_docs._pdf.page_numbers`)."""
        self.pdf = open_pdf(path, whole_tree=True)  # its text pages are copied whole
        self.text_pages = text_pages
        self.page_numbers: PageNumbers | None = None
        self.unnumbered: str | None = None  # why the signature pages are not numbered
        if page_numbers:
            try:
                self.page_numbers = PageNumbers(find_footer(
                    self.pdf.pages[text_pages - 1], len(self.pdf.pages)))
            except PageNumberError as reason:
                self.unnumbered = str(reason)
        keep_pages(self.pdf, text_pages)  # its own signature page stays behind
        self.identifier = bytes(self.pdf.trailer.ID[0])
        self.xmp = self.pdf.Root.Metadata.read_bytes()  # each file retitles it
        self.version = self.pdf.pdf_version

    def close(self) -> None:
        self.pdf.close()

    def archival(self, pdf: pikepdf.Pdf) -> None:
        """Give ``pdf`` the master's PDF/A identification, output intent, language and
        Info."""
        master = self.pdf
        pdf.Root.Metadata = pdf.copy_foreign(master.Root.Metadata)
        # LibreOffice writes /OutputIntents as a direct array; copying needs an indirect one.
        pdf.Root.OutputIntents = pdf.copy_foreign(master.make_indirect(master.Root.OutputIntents))
        pdf.Root.Lang = master.Root.Lang
        pdf.docinfo = pdf.copy_foreign(master.docinfo)  # type: ignore[assignment]
        # The title, not the file name, in the viewer's title bar (as in the master).
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)

    def retitled_xmp(self, title: str) -> bytes:
        """The master's XMP with ``title`` as its ``dc:title``."""
        escaped = html.escape(title, quote=False).encode()
        return _DC_TITLE.sub(lambda match: match.group(1) + escaped + match.group(2),
                             self.xmp, count=1)

    def retitle(self, pdf: pikepdf.Pdf, title: str) -> None:
        """Give ``pdf`` its own title, in the Info dictionary and the XMP ``dc:title`` alike
        (PDF/A wants the two to agree)."""
        pdf.docinfo.Title = pikepdf.String(title)
        pdf.Root.Metadata = pdf.make_stream(self.retitled_xmp(title))
        pdf.Root.Metadata.Type = pikepdf.Name.Metadata
        pdf.Root.Metadata.Subtype = pikepdf.Name.XML

    def file_identifier(self, identity: str) -> bytes:
        """The permanent half of the ``/ID`` of the file made for ``identity``."""
        return hashlib.md5(  # noqa: S324 -- an identifier, as the PDF standard does
            self.identifier + identity.encode()).digest()

    def save(self, pdf: pikepdf.Pdf, identity: str) -> bytes:
        """``pdf`` saved as a file of its own (see the module's docstring)."""
        pdf.trailer.ID = pikepdf.Array([pikepdf.String(self.file_identifier(identity))] * 2)
        buffer = io.BytesIO()
        # Keep the XMP as LibreOffice wrote it (it already agrees with the Info dictionary),
        # and copy streams as they are: decoding and recompressing them changes nothing.
        # Object streams (PDF 1.5, allowed in PDF/A-2) make the file smaller and quicker.
        pdf.save(buffer, min_version=self.version, fix_metadata_version=False,
                 deterministic_id=True,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none, recompress_flate=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()


def give_back_memory() -> None:
    """Return the memory freed by a large PDF just made to the system. glibc's allocator
    keeps it otherwise (qpdf's many small objects leave its heap fragmented). Elsewhere (no
    glibc), nothing."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return
    trim(0)


def rename_subsets(document: pikepdf.Pdf, salt: str) -> None:
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


def printable(page: pikepdf.Page) -> None:
    """Make a copied ``page``'s annotations print and show, as PDF/A wants."""
    for annotation in page.obj.get("/Annots") or []:
        flags = int(annotation.get("/F", 0))
        if flags & (_PRINT | _NOT_SHOWN) != _PRINT:
            annotation.F = (flags | _PRINT) & ~_NOT_SHOWN

"""Assembly as the tests on small PDFs use it: a master and a list of signature batches,
each organisation's PDF by the batch's position, and the ceremony file as bytes (written
with :class:`~overens_docs._pdf.ceremony.CeremonyFile`, as a build writes it)."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from overens_docs._pdf.assemble import Assembler, Batch, Check
from overens_docs._pdf.ceremony import CeremonyFile
from overens_docs._pdf.master import Master
from overens_docs._pdf.page_numbers import PageNumbers


class Assembly:
    """An :class:`Assembler` of ``master`` (``text_pages`` text pages, then a signature
    page) with the signature batches ``batches``, their font subsets renamed with ``salt``
    and each batch's position, as a build renames them."""

    def __init__(self, master: Path, text_pages: int, batches: list[Path], *,
                 salt: str = "", page_numbers: bool = True) -> None:
        self.master = Master(master, text_pages, page_numbers=page_numbers)
        self.assembler = Assembler(self.master)
        self.batches = [Batch(path, f"{salt}{index}") for index, path in enumerate(batches)]
        self.found: list[str] = []  # what the last ceremony file's checks found
        self.digests: list[str] = []  # the last ceremony file's pages, as it took them

    @property
    def unnumbered(self) -> str | None:
        return self.master.unnumbered

    @property
    def page_numbers(self) -> PageNumbers | None:
        return self.master.page_numbers

    @property
    def signatures(self) -> list[pikepdf.Pdf]:
        """The batch the assembler holds open, if any."""
        opened = self.assembler.open_batch
        return [] if opened is None else [opened]

    def organisation_pdf(self, batch: int, page: int, identity: str, *,
                         check: Check | None = None, title: str | None = None,
                         ) -> tuple[bytes, int, list[str]]:
        return self.assembler.organisation_pdf(self.batches[batch], page, identity,
                                               check=check, title=title)

    def signature_pages_pdf(self, earlier: Path | None = None, *, replacing: int = -1,
                            inserting: int = -1, title: str | None = None,
                            ) -> tuple[bytes, int]:
        """Every batch's pages; or, with ``earlier``, its pages with the first batch's one
        page in place of page index ``replacing``, or inserted before ``inserting``."""
        title = title if title is not None else str(self.master.pdf.docinfo.get("/Title", ""))
        buffer = io.BytesIO()
        if earlier is None:
            count = sum(len(pikepdf.open(batch.path).pages) for batch in self.batches)
            ceremony = CeremonyFile(buffer, self.master, count, title=title)
            self.found = [problem for batch in self.batches
                          for problem in ceremony.add_batch(batch)]
            ceremony.finish()
            self.digests = ceremony.page_digests
            return buffer.getvalue(), count
        with pikepdf.open(earlier) as previous:
            before = len(previous.pages)
        replaced = 0 <= replacing < before
        position = replacing if replaced else (inserting if inserting >= 0 else before)
        count = before if replaced else before + 1
        ceremony = CeremonyFile(buffer, self.master, count, title=title)
        old = Batch(earlier, None)
        self.found = (ceremony.add_pages(old, range(position))
                      + ceremony.add_pages(self.batches[0], [0])
                      + ceremony.add_pages(old, range(position + replaced, before)))
        ceremony.finish()
        self.digests = ceremony.page_digests
        return buffer.getvalue(), count


XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>2</pdfaid:part>'
       b'<pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta>'
       b'<?xpacket end="w"?>')


def make_font(pdf: pikepdf.Pdf, name: str, *, embedded: bool = True) -> pikepdf.Object:
    descriptor = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor,
                                    FontName=pikepdf.Name(f"/{name}"))
    if embedded:
        descriptor.FontFile2 = pikepdf.Stream(pdf, b"not really a font")
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType,
        BaseFont=pikepdf.Name(f"/{name}"), FontDescriptor=pdf.make_indirect(descriptor)))


def add_page(pdf: pikepdf.Pdf, text: str, font: pikepdf.Object,
             annotation_flags: int | None = None) -> None:
    content = pikepdf.Stream(pdf, f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842], Contents=content,
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)), StructParents=0)
    if annotation_flags is not None:
        annotation = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                        Rect=[72, 72, 144, 90])
        if annotation_flags:
            annotation.F = annotation_flags
        page.Annots = pikepdf.Array([pdf.make_indirect(annotation)])
    pdf.pages.append(pikepdf.Page(page))


def archival(master: pikepdf.Pdf) -> None:
    """Give ``master`` what LibreOffice's PDF/A export has: XMP saying PDF/A-2b, an output
    intent, a language, a title and a document id."""
    master.Root.Metadata = pikepdf.Stream(master, XMP)
    master.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1)])
    master.Root.Lang = pikepdf.String("sv-SE")
    master.docinfo.Title = "Överenskommelse"
    master.trailer.ID = pikepdf.Array([pikepdf.String(b"0123456789abcdef")] * 2)


def small_assembly(tmp_path: Path) -> Assembly:
    """A master of two text pages and a placeholder page, and two signature 'batches' whose
    font subsets are named like the master's, as LibreOffice names them."""
    master = pikepdf.new()
    font = make_font(master, "BAAAAA+LiberationSerif")
    for text in ("Text page 1", "Text page 2", "Placeholder signature page"):
        add_page(master, text, font)
    archival(master)
    master.save(tmp_path / "master.pdf")
    batches = []
    for batch, flags in enumerate((None, 2)):  # no annotation; a hidden, unprintable one
        signatures = pikepdf.new()
        font = make_font(signatures, "BAAAAA+LiberationSerif")
        for page in range(2):
            add_page(signatures, f"Signature {batch}-{page}", font, annotation_flags=flags)
        signatures.save(tmp_path / f"signatures-{batch}.pdf")
        batches.append(tmp_path / f"signatures-{batch}.pdf")
    return Assembly(tmp_path / "master.pdf", 2, batches)


def opened(data: bytes) -> pikepdf.Pdf:
    """A PDF made in memory, opened."""
    return pikepdf.open(io.BytesIO(data))


def page_content(page: pikepdf.Page) -> bytes:
    """What ``page``'s content streams hold, decoded and joined."""
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    return b"".join(stream.read_bytes() for stream in streams)

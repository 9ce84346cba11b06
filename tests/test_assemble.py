"""Assembly and checks of PDFs, on small PDFs made here (no LibreOffice needed)."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from assembly import Assembly, small_assembly
from assembly import add_page as _page
from assembly import make_font as _font
from assembly import opened as _open
from assembly import page_content as _content
from overens_docs._pdf import check as _check
from overens_docs._pdf import reading as _reading


@pytest.fixture
def assembler(tmp_path: Path) -> Assembly:
    """See :func:`assembly.small_assembly`."""
    return small_assembly(tmp_path)


def test_organisation_pdf_is_the_text_and_its_own_signature_page(assembler: Assembly) -> None:
    for batch, page, text in ((0, 1, b"Signature 0-1"), (1, 0, b"Signature 1-0"),
                              (0, 0, b"Signature 0-0")):
        data, pages, _ = assembler.organisation_pdf(batch, page, f"org-{batch}-{page}")
        pdf = _open(data)
        assert pages == len(pdf.pages) == 3
        contents = [_content(p) for p in pdf.pages]
        assert b"Text page 1" in contents[0] and b"Text page 2" in contents[1]
        assert text in contents[2]  # and nobody else's: the base is reused
        assert b"Placeholder" not in data


def test_assembled_files_keep_pdfa_identification_and_are_tagged(
        assembler: Assembly) -> None:
    for data in (assembler.organisation_pdf(0, 0, "a")[0], assembler.signature_pages_pdf()[0]):
        pdf = _open(data)
        assert b"<pdfaid:part>2</pdfaid:part>" in pdf.Root.Metadata.read_bytes()
        assert pdf.Root.OutputIntents[0].S == pikepdf.Name.GTS_PDFA1
        assert str(pdf.Root.Lang) == "sv-SE"
        assert str(pdf.docinfo.Title) == "Överenskommelse"
        # The pages made here are untagged, so each is tagged as one paragraph.
        assert _check.structure_problems(pdf, ua=False) == []
        assert all("/StructParents" in page.obj for page in pdf.pages)


def test_an_organisation_copy_is_tagged_page_by_page_and_the_base_stays_clean(
        assembler: Assembly) -> None:
    for _ in range(2):  # the base takes each copy's page and its structure off again
        for batch, page in ((0, 0), (1, 1)):
            pdf = _open(assembler.organisation_pdf(batch, page, "a")[0])
            parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
            assert sorted(int(key) for key, _ in parents.items()) == [0, 1, 2]
            assert [int(p.obj.StructParents) for p in pdf.pages] == [0, 1, 2]
            document = pdf.Root.StructTreeRoot.K[0]
            assert len(document.K) == 3  # a section per page, none left over
            assert [str(section.S) for section in document.K] == ["/Sect"] * 3
            last = parents[2][0]
            assert last.P.objgen == document.K[2].objgen
            assert last.Pg.objgen == pdf.pages[2].obj.objgen
            assert b"/P <</MCID 0>> BDC" in _content(pdf.pages[2])


def test_a_page_without_its_parent_tree_entry_is_found(assembler: Assembly) -> None:
    pdf = _open(assembler.organisation_pdf(0, 0, "a")[0])
    del pdf.pages[2].obj["/StructParents"]
    assert _check.structure_problems(pdf, ua=False) == ["page 3 has no /StructParents"]
    pdf = _open(assembler.organisation_pdf(0, 0, "a")[0])
    del pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)[2]
    assert _check.structure_problems(pdf, ua=False) == [
        "page 3: the structure tree does not cover all of its tagged content (ParentTree)"]


def test_text_outside_the_structure_tree_is_found() -> None:
    pdf = pikepdf.new()
    font = _font(pdf, "AAAAAA+Embedded")
    _page(pdf, "untagged", font)
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructTreeRoot, ParentTree=pikepdf.Dictionary(Nums=[0, []])))
    assert _check.structure_problems(pdf, ua=False) == [
        "page 1 has text outside the structure tree"]
    pdf.pages[0].obj.Contents = pikepdf.Stream(
        pdf, b"/Artifact BMC BT /F1 12 Tf 72 720 Td (sida 1 av 1) Tj ET EMC")
    assert _check.structure_problems(pdf, ua=False) == []


def _streams(page: pikepdf.Page) -> list[pikepdf.Object]:
    contents = page.obj.Contents
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def test_what_a_copy_found_in_a_signature_page_serves_the_ceremony_file_with_the_same_page(
        assembler: Assembly) -> None:
    """The ceremony file's check has what each copy's check found in the same content
    streams; content no copy had is parsed, and then known."""
    known: _check.KnownContent = {}
    for batch, page in ((0, 0), (0, 1), (1, 0)):
        assembler.organisation_pdf(batch, page, f"o{batch}{page}",
                                   check=lambda document: _check.delivered_organisation_pdf(
                                       document, pages=3, known=known))
    ceremony = _open(assembler.signature_pages_pdf()[0])
    keys = [{_check.content_key(stream) for stream in _streams(page)}
            for page in ceremony.pages]
    assert all(page_keys <= set(known) for page_keys in keys[:3])
    assert not keys[3] <= set(known)
    assert _check.structure_problems(ceremony, ua=False, known=known) == []
    assert keys[3] <= set(known)


def _tagged_batch(path: Path, batch: int, pages: int, *, grouped: bool = False) -> Path:
    """A signature batch tagged as LibreOffice tags one: under ``Document``, each page's
    heading and a paragraph holding a span; the ParentTree entry of each page (by its
    /StructParents) and of a link on it (by the link's /StructParent, numbered after the
    pages' as LibreOffice numbers them). ``grouped``: all of them in a Div under
    ``Document``, as LibreOffice groups a long document's elements by 8,191."""
    pdf = pikepdf.new()
    font = _font(pdf, "BAAAAA+LiberationSerif")
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root, K=pikepdf.Array()))
    numbers: list[int | pikepdf.Object] = []
    links: list[int | pikepdf.Object] = []
    for number in range(pages):
        _page(pdf, "", font)
        page = pdf.pages[-1].obj
        page.Contents = pikepdf.Stream(pdf, (
            f"/H1 <</MCID 0>> BDC BT /F1 12 Tf 72 720 Td (Heading {batch}-{number}) Tj ET EMC "
            f"/Span <</MCID 1>> BDC BT /F1 12 Tf 72 700 Td (Signature {batch}-{number}) Tj ET "
            "EMC").encode())
        page.StructParents = number

        def element(kind: str, parent: pikepdf.Object, kids: object,
                    on: pikepdf.Object = page) -> pikepdf.Object:
            return pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name(kind), P=parent, Pg=on, K=kids))

        heading = element("/H1", document, 0)
        paragraph = element("/P", document, pikepdf.Array())
        span = element("/Span", paragraph, 1)
        paragraph.K.append(span)
        link = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 72, 144, 90],
            F=4, StructParent=pages + number))
        page.Annots = pikepdf.Array([link])
        link_element = element("/Link", paragraph, pikepdf.Dictionary(
            Type=pikepdf.Name.OBJR, Obj=link, Pg=page))
        paragraph.K.append(link_element)
        document.K.extend([heading, paragraph])
        numbers.extend([number, pikepdf.Array([heading, span])])
        links.extend([pages + number, link_element])
    if grouped:
        group = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Div, P=document, K=document.K))
        for kid in group.K:
            kid.P = group
        document.K = pikepdf.Array([group])
    root.K = pikepdf.Array([document])
    root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(numbers + links)))
    root.ParentTreeNextKey = 2 * pages
    root.RoleMap = pikepdf.Dictionary(Signature=pikepdf.Name.P)
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.save(path / f"tagged-{batch}.pdf")
    return path / f"tagged-{batch}.pdf"


@pytest.fixture
def tagged(assembler: Assembly, tmp_path: Path) -> Assembly:
    """The master of :func:`assembler` with two batches of three tagged signature pages."""
    return Assembly(tmp_path / "master.pdf", 2,
                     [_tagged_batch(tmp_path, batch, 3) for batch in range(2)])


def _ceremony_structure(pdf: pikepdf.Pdf, *, links: bool = True,
                        ) -> list[tuple[str, str, int]]:
    """Per marked-content id of each page, and per link (with ``links``): what the
    ParentTree says is there (the element's type, the text of its heading or span, the
    number of its element's page)."""
    parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    found = []
    for page in pdf.pages:
        texts = str(_content(page)).split("(")
        found += [(str(element.S), texts[1 + int(element.K)].split(")")[0],
                   index[element.Pg.objgen])
                  for element in parents[int(page.obj.StructParents)]]
        if links:
            link = page.obj.Annots[0]
            element = parents[int(link.StructParent)]
            assert element.K.Obj.objgen == link.objgen
            found.append((str(element.S), "", index[element.Pg.objgen]))
    return found


def test_the_ceremony_file_takes_each_batch_with_its_whole_structure(tagged: Assembly) -> None:
    """All of a batch's pages and its structure tree are taken at once: every element stays
    where it was, under one Document, and each page's and each link's ParentTree number
    is moved past the earlier batch's."""
    pdf = _open(tagged.signature_pages_pdf()[0])
    assert len(pdf.pages) == 6
    document = pdf.Root.StructTreeRoot.K[0]
    assert [str(kid.S) for kid in document.K] == ["/H1", "/P"] * 6
    assert all(kid.P.objgen == document.objgen for kid in document.K)
    pages = [pdf.pages[number // 2].obj.objgen for number in range(12)]
    assert [kid.Pg.objgen for kid in document.K] == pages
    assert _ceremony_structure(pdf) == [
        entry for number, (batch, page) in enumerate((b, p) for b in range(2) for p in range(3))
        for entry in (("/H1", f"Heading {batch}-{page}", number),
                      ("/Span", f"Signature {batch}-{page}", number), ("/Link", "", number))]
    numbers = [int(page.obj.StructParents) for page in pdf.pages]
    assert numbers == [0, 1, 2, 6, 7, 8]  # the second batch's after all of the first's
    assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == 12
    assert str(pdf.Root.StructTreeRoot.RoleMap.Signature) == "/P"
    assert _check.structure_problems(pdf, ua=False) == []


def test_more_elements_than_an_array_may_hold_are_grouped_per_batch(
        tagged: Assembly, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("overens_docs._pdf.ceremony.ARRAY_LIMIT", 11)
    pdf = _open(tagged.signature_pages_pdf()[0])
    document = pdf.Root.StructTreeRoot.K[0]
    assert [str(kid.S) for kid in document.K] == ["/Div", "/Div"]
    for group in document.K:
        assert group.P.objgen == document.objgen
        assert [str(kid.S) for kid in group.K] == ["/H1", "/P"] * 3
        assert all(kid.P.objgen == group.objgen for kid in group.K)
    assert _check.structure_problems(pdf, ua=False) == []


def test_a_page_of_a_batch_grouped_in_a_div_takes_its_own_elements(tmp_path: Path,
                                                                    assembler: Assembly,
                                                                    ) -> None:
    """A Div that spans pages is not a page's: its children on the page are."""
    grouped = Assembly(tmp_path / "master.pdf", 2,
                        [_tagged_batch(tmp_path, 0, 3, grouped=True)])
    for page in (1, 2, 0):
        pdf = _open(grouped.organisation_pdf(0, page, "o")[0])
        section = pdf.Root.StructTreeRoot.K[0].K[-1]
        assert [str(kid.S) for kid in section.K] == ["/H1", "/P"]
        assert _ceremony_structure(pdf, links=False)[-2:] == [
            ("/H1", f"Heading 0-{page}", 2), ("/Span", f"Signature 0-{page}", 2)]
        assert _check.structure_problems(pdf, ua=False) == []
    ceremony = _open(Assembly(tmp_path / "master.pdf", 2, [
        _tagged_batch(tmp_path, 0, 3, grouped=True)]).signature_pages_pdf()[0])
    assert [str(kid.S) for kid in ceremony.Root.StructTreeRoot.K[0].K] == ["/Div"]
    assert _check.structure_problems(ceremony, ua=False) == []


def test_a_copy_does_not_change_how_the_ceremony_file_takes_its_batch(tagged: Assembly,
                                                                       ) -> None:
    """Taking a page's structure out for an organisation's copy cuts its elements off the
    batch's tree in the process that made the copy; the ceremony file opens the batch for
    itself, so it still takes the batch's tree whole, and holds the same."""
    whole = _open(tagged.signature_pages_pdf()[0])
    tagged.organisation_pdf(1, 2, "o")
    again = _open(tagged.signature_pages_pdf()[0])
    document = again.Root.StructTreeRoot.K[0]
    assert [str(kid.S) for kid in document.K] == ["/H1", "/P"] * 6
    assert _check.structure_problems(again, ua=False) == []
    assert _ceremony_structure(again, links=True) == _ceremony_structure(whole, links=True)


def test_a_page_is_checked_stream_by_stream_only_where_that_is_the_same() -> None:
    """Streams that each close what they open are checked one by one (a page number is
    stamped as a stream of its own), from what is known of them; a marked-content
    sequence open across two streams makes the page be parsed as a whole."""
    pdf = pikepdf.new()
    font = _font(pdf, "AAAAAA+Embedded")
    _page(pdf, "x", font)
    page = pdf.pages[0]

    def found(*streams: bytes, known: _check.KnownContent | None = None) -> list[object]:
        page.obj.Contents = pikepdf.Array([pikepdf.Stream(pdf, data) for data in streams])
        content = _check.page_content(page, {} if known is None else known)
        if known is None:
            assert content == _check.page_content(page)  # stream by stream == whole page
        return [*sorted(content.ids), *(["untagged"] if content.untagged_text else [])]

    tagged = b"/P <</MCID 0>> BDC BT (a) Tj ET EMC"
    stamp = b"/Artifact <</Type /Pagination>> BDC BT (sida 1 av 1) Tj ET EMC"
    assert found(tagged, stamp) == [0]
    assert found(tagged, b"BT (b) Tj ET") == [0, "untagged"]
    assert found(b"/P <</MCID 3>> BDC", b"BT (c) Tj ET EMC") == [3]  # open across two
    assert found(b"/Artifact BMC", b"BT (d) Tj ET", b"EMC") == []
    # What is known of a stream is not parsed again: a (false) fact planted is what counts.
    planted = {_check.content_key(pikepdf.Stream(pdf, tagged)):
               _check.PageContent(frozenset({7}), untagged_text=True)}
    assert found(tagged, stamp, known=planted) == [7, "untagged"]


def test_each_file_gets_its_own_stable_identifier(assembler: Assembly) -> None:
    def identifier(org: str) -> bytes:
        return bytes(_open(assembler.organisation_pdf(0, 0, org)[0]).trailer.ID[0])

    assert identifier("a") == identifier("a") != identifier("b")
    assert identifier("a") != bytes(_open(assembler.signature_pages_pdf()[0]).trailer.ID[0])


def test_signature_font_subsets_get_names_of_their_own(assembler: Assembly) -> None:
    pdf = _open(assembler.signature_pages_pdf()[0])
    names = {str(font.BaseFont) for font in _reading.fonts(pdf)}
    assert len(names) == 2  # one per batch, and neither is the master's
    assert "/BAAAAA+LiberationSerif" not in names
    for font in _reading.fonts(pdf):
        assert str(font.BaseFont).endswith("+LiberationSerif")
        assert font.FontDescriptor.FontName == font.BaseFont


def test_annotations_become_printable_and_visible(assembler: Assembly) -> None:
    pdf = _open(assembler.organisation_pdf(1, 1, "a")[0])
    assert [int(annotation.F) for annotation in pdf.pages[-1].Annots] == [4]


def test_a_font_that_is_not_embedded_is_reported(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    _page(pdf, "embedded", _font(pdf, "AAAAAA+Embedded"))
    assert _check.page_problems(pdf) == []
    _page(pdf, "not embedded", _font(pdf, "Helvetica", embedded=False))
    assert _check.page_problems(pdf) == ["fonts not embedded: /Helvetica"]


"""Signature pages numbered at assembly, on small PDFs made here (no LibreOffice needed):
the footer read from the text pages, the stamp drawn in its font and place as an artifact,
a ceremony file numbered anew, and `overens verify` leaving out exactly the stamp."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest

from assembly import Assembly, archival
from overens_docs._pdf import check as _check
from overens_docs._pdf.page_content import raw_digests
from overens_docs._pdf.page_numbers import (
    FONT,
    PageNumberError,
    PageNumbers,
    find_footer,
    is_stamp,
    stamp,
    unstamped,
    without_number,
)
from overens_docs._verify import build_folder as _verify

CHARACTERS = " adisv0123456789XYZ"  # the test font's characters, codes 1, 2, ...
WIDTHS = {" ": 278, "a": 556, "d": 556, "i": 222, "s": 500, "v": 500}  # digits: 556
SIZE, BASELINE, COLOUR = 8.5, 37.189, b"0.2509803921 0.2509803921 0.2509803921 rg"


def _width(character: str) -> int:
    return WIDTHS.get(character, 556)


def _to_unicode(characters: str, code_length: int = 1) -> bytes:
    """A ToUnicode CMap as LibreOffice writes one, codes from 1; the first run of digits as
    a range, every other character on its own."""
    digits = 2 * code_length
    run = re.search(r"[0-9]+", characters)
    ranged = range(run.start() + 1, run.end() + 1) if run else range(0)
    singles = [(code, character) for code, character in enumerate(characters, 1)
               if code not in ranged]
    lines = [b"/CIDInit/ProcSet findresource begin 12 dict begin begincmap",
             f"1 begincodespacerange <{0:0{digits}X}> <{'F' * digits}> endcodespacerange"
             .encode(), f"{len(singles)} beginbfchar".encode(),
             *(f"<{code:0{digits}X}> <{ord(character):04X}>".encode()
               for code, character in singles), b"endbfchar"]
    if ranged:
        lines += [b"1 beginbfrange", f"<{ranged[0]:0{digits}X}> <{ranged[-1]:0{digits}X}> "
                  f"<{ord(characters[ranged[0] - 1]):04X}>".encode(), b"endbfrange"]
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)


def _simple_font(pdf: pikepdf.Pdf, characters: str = CHARACTERS) -> pikepdf.Object:
    """A TrueType subset font as LibreOffice writes one: codes from 1, /Widths, ToUnicode."""
    descriptor = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor,
                                    FontName=pikepdf.Name("/CAAAAA+LiberationSans"),
                                    FontFile2=pikepdf.Stream(pdf, b"not really a font"))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType,
        BaseFont=pikepdf.Name("/CAAAAA+LiberationSans"), FirstChar=0,
        LastChar=len(characters), Widths=[0, *(_width(c) for c in characters)],
        FontDescriptor=pdf.make_indirect(descriptor),
        ToUnicode=pikepdf.Stream(pdf, _to_unicode(characters))))


def _type0_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """A Type0 font, Identity-H, with two-byte codes and a /W array."""
    descendant = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, DW=1000,
        W=[1, [_width(c) for c in CHARACTERS[:6]], 7, len(CHARACTERS), 556])
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0,
        BaseFont=pikepdf.Name("/DAAAAA+LiberationSans"), Encoding=pikepdf.Name("/Identity-H"),
        DescendantFonts=[descendant], ToUnicode=pikepdf.Stream(pdf, _to_unicode(CHARACTERS, 2))))


def _codes(text: str, code_length: int = 1) -> str:
    return "".join(f"{CHARACTERS.index(c) + 1:0{2 * code_length}X}" for c in text)


def _footer_runs(page: int, pages: int) -> bytes:
    """'sida k av N' as LibreOffice draws it: four runs, each an artifact, right-aligned."""
    runs, x = [], 483.4
    for text in ("sida ", str(page), " av ", str(pages)):
        runs.append(b"/Artifact BMC\nq " + COLOUR + f"\nBT\n{x:.1f} {BASELINE} Td /F2 {SIZE} "
                    f"Tf<{_codes(text)}>Tj\nET\nQ\nEMC\n".encode())
        x += sum(_width(c) for c in text) * SIZE / 1000
    return b"".join(runs)


def _page(pdf: pikepdf.Pdf, body: bytes, resources: pikepdf.Object) -> None:
    content = pikepdf.Stream(pdf, b"0.1 w\n/P <</MCID 0>> BDC BT /F2 12 Tf 72 720 Td ("
                             + body + b") Tj ET EMC\n")
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595.3, 841.9], Contents=content,
        Resources=resources)))


def _master(path: Path, *, font_characters: str = CHARACTERS, text_pages: int = 2) -> None:
    master = pikepdf.new()
    resources = master.make_indirect(pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F2=_simple_font(master, font_characters))))
    for number in range(1, text_pages + 2):  # the text pages, then the placeholder
        _page(master, f"Text page {number}".encode(), resources)
        master.pages[-1].contents_add(master.make_stream(
            _footer_runs(number, text_pages + 1)))
    archival(master)
    master.save(path)


def _batch(path: Path, pages: int, first: int = 0) -> None:
    """Signature pages sharing one resource dictionary, as LibreOffice writes them."""
    batch = pikepdf.new()
    resources = batch.make_indirect(pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F2=_simple_font(batch))))
    for number in range(first, first + pages):
        _page(batch, f"Signature {number}".encode(), resources)
    batch.save(path)


@pytest.fixture
def numbered(tmp_path: Path) -> Assembly:
    """Two text pages that print 'sida k av 3', and two batches of two signature pages."""
    _master(tmp_path / "master.pdf")
    _batch(tmp_path / "signatures-0.pdf", 2)
    _batch(tmp_path / "signatures-1.pdf", 2, first=2)
    return Assembly(tmp_path / "master.pdf", 2,
                     [tmp_path / "signatures-0.pdf", tmp_path / "signatures-1.pdf"])


def _open(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


_DRAWN = re.compile(rb"(-?[0-9.]+) ([0-9.]+) Td\n<([0-9A-F]+)> Tj")


def _stamp_of(page: pikepdf.Page, code_length: int = 1,
              size: float = SIZE) -> tuple[str, float, float]:
    """What the stamp on ``page`` says, and where its text starts and ends."""
    streams = list(page.obj.Contents)
    data = streams[-1].read_bytes()
    assert is_stamp(data), data
    match = _DRAWN.search(data)
    assert match is not None
    step = 2 * code_length
    codes = [int(match.group(3)[i:i + step], 16) for i in range(0, len(match.group(3)), step)]
    text = "".join(CHARACTERS[code - 1] for code in codes)
    start = float(match.group(1))
    return text, start, start + sum(_width(c) for c in text) * size / 1000


def _stamps(page: pikepdf.Page) -> int:
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    return sum(is_stamp(stream.read_bytes()) for stream in streams)


def test_the_footer_is_read_from_the_text_pages(tmp_path: Path) -> None:
    _master(tmp_path / "master.pdf")
    with pikepdf.open(tmp_path / "master.pdf") as master:
        footer = find_footer(master.pages[1], 3)
        assert (footer.size, footer.colour, footer.baseline) == (SIZE, COLOUR, BASELINE)
        width = sum(_width(c) for c in "sida 2 av 3") * SIZE / 1000
        assert footer.right == pytest.approx(483.4 + width, abs=0.06)
        assert str(footer.font.BaseFont) == "/CAAAAA+LiberationSans"


def test_a_copy_ends_with_sida_n_av_n_where_the_text_pages_end_theirs(
        numbered: Assembly) -> None:
    assert numbered.unnumbered is None and numbered.page_numbers is not None
    right = numbered.page_numbers.footer.right
    for batch, page in ((0, 1), (1, 0), (0, 0)):  # the base is reused between copies
        pdf = _open(numbered.organisation_pdf(batch, page, "a")[0])
        text, _, end = _stamp_of(pdf.pages[-1])
        assert text == "sida 3 av 3"
        assert end == pytest.approx(right, abs=0.001)
        assert f" {BASELINE} Td".encode() in pdf.pages[-1].obj.Contents[-1].read_bytes()
        # the font is the text pages' own object, under a name of its own
        font = pdf.pages[-1].obj.Resources.Font[FONT]
        assert font.objgen == pdf.pages[0].obj.Resources.Font.F2.objgen
        assert [_stamps(p) for p in pdf.pages] == [0, 0, 1]
        assert _check.structure_problems(pdf, ua=False) == []
        assert _check.page_problems(pdf) == []


def test_the_ceremony_file_counts_its_own_pages(numbered: Assembly) -> None:
    pdf = _open(numbered.signature_pages_pdf()[0])
    assert [_stamp_of(page)[0] for page in pdf.pages] == [f"sida {k} av 4" for k in range(1, 5)]
    assert _check.structure_problems(pdf, ua=False) == []
    assert _check.page_problems(pdf) == []
    assert _check.pages_accessibility(pdf) == []


def test_the_stamp_is_a_pagination_artifact_in_a_stream_of_its_own(
        numbered: Assembly, tmp_path: Path) -> None:
    with pikepdf.open(tmp_path / "signatures-0.pdf") as source:
        original = source.pages[1].obj.Contents.read_bytes()
    pdf = _open(numbered.organisation_pdf(0, 1, "a")[0])
    *streams, last = pdf.pages[-1].obj.Contents
    assert original in [stream.read_bytes() for stream in streams]  # as it was
    operators = [(str(i.operator), list(i.operands))
                 for i in pikepdf.parse_content_stream(last)]
    assert operators[0] == ("BDC", [pikepdf.Name.Artifact, pikepdf.Dictionary(
        Type=pikepdf.Name.Pagination, Subtype=pikepdf.Name.Footer)])
    assert operators[-1][0] == "EMC" and "BT" in [name for name, _ in operators]
    # LibreOffice's shared resources are left as they were
    for source in numbered.signatures:
        for page in source.pages:
            assert FONT not in page.obj.Resources.Font


def test_only_renumbers_every_page_of_an_earlier_ceremony_file(
        numbered: Assembly, tmp_path: Path) -> None:
    earlier = tmp_path / "signature-pages.pdf"
    earlier.write_bytes(numbered.signature_pages_pdf()[0])
    _batch(tmp_path / "new.pdf", 1, first=9)
    only = Assembly(tmp_path / "master.pdf", 2, [tmp_path / "new.pdf"], salt="new:")
    for data, pages in ((only.signature_pages_pdf(earlier, inserting=0)[0], 5),
                        (only.signature_pages_pdf(earlier, replacing=2)[0], 4)):
        pdf = _open(data)
        assert [_stamp_of(page)[0] for page in pdf.pages] == [
            f"sida {k} av {pages}" for k in range(1, pages + 1)]
        for page in pdf.pages:  # the earlier stamp replaced, not doubled, and last
            stamps = [is_stamp(stream.read_bytes()) for stream in page.obj.Contents]
            assert stamps == [False] * (len(stamps) - 1) + [True]
        assert b"Signature 9" in b"".join(s.read_bytes() for s in pdf.pages[
            0 if pages == 5 else 2].obj.Contents)
        assert _check.structure_problems(pdf, ua=False) == []



def test_the_ceremony_file_knows_its_pages_digests_as_they_are_read_back(
        numbered: Assembly, tmp_path: Path) -> None:
    """The digests the ceremony file takes as it writes (for the text kept, see
    _build/versions.py) are those read back from it, stamps left out: of a whole file, and
    of one with a page inserted or replaced (--only), whose earlier pages were stamped."""
    data = numbered.signature_pages_pdf()[0]
    assert numbered.digests == raw_digests(_open(data), stamp=False)
    assert not set(numbered.digests) & set(raw_digests(_open(data)))  # stamps left out
    earlier = tmp_path / "signature-pages.pdf"
    earlier.write_bytes(data)
    _batch(tmp_path / "new.pdf", 1, first=9)
    only = Assembly(tmp_path / "master.pdf", 2, [tmp_path / "new.pdf"], salt="new:")
    for inserting, replacing, pages in ((0, -1, 5), (-1, 2, 4)):
        data = only.signature_pages_pdf(earlier, inserting=inserting, replacing=replacing)[0]
        assert only.digests == raw_digests(_open(data), stamp=False)
        assert len(only.digests) == pages
        assert set(numbered.digests) - set(only.digests) == (
            set() if pages == 5 else {numbered.digests[2]})


def test_the_same_inputs_give_the_same_bytes(numbered: Assembly, tmp_path: Path) -> None:
    again = Assembly(tmp_path / "master.pdf", 2,
                      [tmp_path / "signatures-0.pdf", tmp_path / "signatures-1.pdf"])
    assert numbered.organisation_pdf(1, 1, "a")[0] == again.organisation_pdf(1, 1, "a")[0]
    assert numbered.signature_pages_pdf()[0] == again.signature_pages_pdf()[0]


def test_a_font_without_every_glyph_is_refused_and_nothing_is_drawn(tmp_path: Path) -> None:
    _master(tmp_path / "master.pdf", font_characters=" adisv0123456XYZ89")  # no 7
    with pikepdf.open(tmp_path / "master.pdf") as master, pytest.raises(
            PageNumberError, match="lacks the glyphs for '7'"):
        PageNumbers(find_footer(master.pages[0], 3))
    _master(tmp_path / "short.pdf", font_characters=" adis0123456789")  # no v
    _batch(tmp_path / "signatures.pdf", 1)
    assembler = Assembly(tmp_path / "short.pdf", 2, [tmp_path / "signatures.pdf"])
    assert assembler.unnumbered is not None and "'v'" in assembler.unnumbered
    pdf = _open(assembler.organisation_pdf(0, 0, "a")[0])
    assert _stamps(pdf.pages[-1]) == 0


def test_text_pages_without_a_page_number_leave_the_signature_pages_unnumbered(
        tmp_path: Path) -> None:
    master = pikepdf.new()
    resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F2=_simple_font(master)))
    _page(master, b"Text", resources)
    with pytest.raises(PageNumberError, match="print no page number"):
        find_footer(master.pages[0], 1)


def test_a_type0_font_draws_two_byte_codes(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F2=_type0_font(pdf)))
    _page(pdf, b"Text", resources)
    pdf.pages[0].contents_add(pdf.make_stream(
        b"/Artifact BMC\nq 0 g BT 400 30 Td /F2 10 Tf <" + _codes("sida 1 av 12", 2).encode()
        + b"> Tj ET Q EMC\n"))
    footer = find_footer(pdf.pages[0], 12)
    assert footer.right == pytest.approx(400 + sum(_width(c) for c in "sida 1 av 12") / 100)
    numbers = PageNumbers(footer)
    stamp(pdf.pages[0], pdf.make_stream(numbers.stream(3, 12)), numbers.font_for(pdf))
    text, _, end = _stamp_of(pdf.pages[0], code_length=2, size=10)
    assert text == "sida 3 av 12"
    assert end == pytest.approx(footer.right, abs=0.001)


def test_verify_leaves_out_exactly_the_stamp(numbered: Assembly, tmp_path: Path) -> None:
    copy, ceremony = tmp_path / "copy.pdf", tmp_path / "ceremony.pdf"
    copy.write_bytes(numbered.organisation_pdf(1, 0, "a")[0])
    ceremony.write_bytes(numbered.signature_pages_pdf()[0])
    signature_page = _verify._page_hashes(copy, range(2, 3))[0]
    assert signature_page == _verify._page_hashes(ceremony)[2]  # numbered 3 of 3, 3 of 4
    assert _verify._stamped(copy) == [False, False, True]

    def altered(extra: bytes) -> str:
        with pikepdf.open(copy) as pdf:
            page = pdf.pages[2]
            streams = list(page.obj.Contents)
            page.obj.Contents = pikepdf.Array([*streams, pdf.make_stream(extra)])
            pdf.save(tmp_path / "altered.pdf")
        return _verify._page_hashes(tmp_path / "altered.pdf", range(2, 3))[0]

    assert altered(b"q 1 0 0 RG 72 72 m 500 500 l S Q\n") != signature_page
    # A stream that looks like a stamp but shows text otherwise is no stamp either
    looks_alike = (b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq\n0 g\nBT\n"
                   b"/OverensPageNumber 8.5 Tf\n400 37 Td\n(Ogiltigt avtal) Tj\nET\nQ\nEMC\n")
    assert not is_stamp(looks_alike)
    assert altered(looks_alike) != signature_page


def test_a_stamp_is_recognised_only_at_the_end_of_a_page(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    _page(pdf, b"Text", pikepdf.Dictionary())
    page = pdf.pages[0]
    assert unstamped(page) == [page.obj.Contents]  # a page of one stream keeps it
    assert without_number("Textens fingeravtryck: BA92 sida 4 av 15") == (
        "Textens fingeravtryck: BA92")


# The master .docx: every glyph of a page number, in the footer's font.

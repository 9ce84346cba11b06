"""Font codes read from plain values: ToUnicode CMaps and CID widths."""

from __future__ import annotations

from overens_docs._pdf.font_codes import cid_widths, to_unicode

CMAP = b"""/CIDInit /ProcSet findresource begin
2 beginbfchar
<0003> <0073>
<0004> <00E5>
endbfchar
2 beginbfrange
<0010> <0012> <0030>
<0020> <0021> [<0061> <0076>]
endbfrange
endcmap"""


def test_a_cmap_gives_the_text_of_each_code() -> None:
    assert to_unicode(CMAP, 2) == {3: "s", 4: "å", 0x10: "0", 0x11: "1", 0x12: "2",
                                   0x20: "a", 0x21: "v"}
    assert to_unicode(b"1 beginbfchar <0141> <0041> <41> <0061> endbfchar", 1) == {0x41: "a"}


def test_cid_widths_take_both_forms_of_the_w_array() -> None:
    assert cid_widths([3, [500.0, 600], 10, 12, 250]) == {
        3: 500.0, 4: 600.0, 10: 250.0, 11: 250.0, 12: 250.0}
    assert cid_widths([1, 2]) == {}  # cut short: nothing made up

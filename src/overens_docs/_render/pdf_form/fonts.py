"""The fonts of a PDF form's fields: which characters each can draw, and how wide they are.

pypdf draws a field's text with the font named in its ``/DA`` and maps each character to a
glyph through that font's ToUnicode CMap; a character the font does not cover comes out as
a wrong glyph or as nothing. So the characters a font can draw are read here, from its
ToUnicode map and widths, before anything is filled in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from overens_docs._errors import OverensError
from overens_docs._i18n import _
from overens_docs._pdf.font_codes import cid_widths, to_unicode


@dataclass(frozen=True)
class FieldFont:
    """What this module needs to know about a field's font, read from the PDF."""

    resource: str  # the /DA font name without the slash, e.g. "DejaVu"
    name: str  # /BaseFont
    widths: dict[str, float]  # drawable character -> advance width in 1/1000 em
    top: float  # FontBBox top, in em
    bottom: float  # FontBBox bottom, in em (negative)

    @property
    def leading(self) -> float:
        """pypdf's line distance factor (FontBBox height)."""
        return self.top - self.bottom

    def text_width(self, text: str) -> float:
        """Width of ``text`` at 1 pt."""
        return sum(self.widths.get(char, 0.0) for char in text) / 1000




def _codes(path: Path, field: str, name: str, font: DictionaryObject,
           ) -> tuple[object, int, dict[int, float], float]:
    """The font's descriptor, the bytes per code, each code's width and the width of a
    code that has none, for the font types a form may use."""
    subtype = font.get("/Subtype")
    if subtype == "/Type0":
        descendant = cast(DictionaryObject, cast(ArrayObject, font["/DescendantFonts"])[0])
        descendant = cast(DictionaryObject, descendant.get_object())
        if font.get("/Encoding") != "/Identity-H":
            raise OverensError(
                _("{path}: field '{field}' uses font {font} with encoding {encoding}; only "
                  "Identity-H is supported for Type0 fonts").format(
                    path=path, field=field, font=name, encoding=font.get("/Encoding")))
        code_widths = cid_widths([
            [float(cast(float, w)) for w in item] if isinstance(item, ArrayObject)
            else float(cast(float, item))
            for item in (entry.get_object()
                         for entry in cast(ArrayObject, descendant.get("/W", ArrayObject())))])
        return (descendant.get("/FontDescriptor"), 2, code_widths,
                float(cast(float, descendant.get("/DW", 1000))))
    if subtype in {"/TrueType", "/Type1"}:
        first = int(cast(int, font.get("/FirstChar", 0)))
        simple_widths = cast(ArrayObject, font.get("/Widths", ArrayObject()))
        return (font.get("/FontDescriptor"), 1,
                {first + i: float(cast(float, w)) for i, w in enumerate(simple_widths)}, 0.0)
    raise OverensError(
        _("{path}: field '{field}' uses font {font} of unsupported type {type}").format(
            path=path, field=field, font=name, type=subtype))


def read_font(path: Path, field: str, resource: str, font: DictionaryObject) -> FieldFont:
    """Read which characters an embedded font draws, and their widths."""
    name = str(font.get("/BaseFont", resource)).lstrip("/")
    descriptor, code_bytes, code_widths, missing_width = _codes(path, field, name, font)
    descriptor_dict = (
        cast(DictionaryObject, cast(DictionaryObject, descriptor).get_object())
        if descriptor is not None else None
    )
    if descriptor_dict is None or not any(
        key in descriptor_dict for key in ("/FontFile", "/FontFile2", "/FontFile3")
    ):
        raise OverensError(
            _("{path}: field '{field}' uses font {font}, which is not embedded in the PDF; a "
              "signature form needs embedded fonts").format(path=path, field=field, font=name))
    cmap = font.get("/ToUnicode")
    if cmap is None:
        raise OverensError(
            _("{path}: field '{field}' uses font {font} without a ToUnicode map, so it is "
              "unknown which characters it can draw").format(path=path, field=field, font=name))
    mapping = to_unicode(cast(StreamObject, cmap.get_object()).get_data(), code_bytes)
    by_char: dict[str, list[int]] = {}
    for code, text in mapping.items():
        by_char.setdefault(text, []).append(code)
    widths: dict[str, float] = {}
    for text, codes in by_char.items():
        # A character mapped from several glyphs is ambiguous: pypdf may pick the wrong one
        # (it writes ToUnicode as NFKC, so "ª" and "a" both say "a"). Such characters are not
        # drawable, except the space (pypdf draws the font's space for it anyway).
        if len(text) != 1 or (len(codes) > 1 and text != " "):
            continue
        if unicodedata.category(text).startswith("C"):
            continue
        width = code_widths.get(codes[0], missing_width)
        if width > 0 or text == " ":
            widths[text] = width
    bbox = [
        float(v) for v in cast(ArrayObject, descriptor_dict.get("/FontBBox", [0, -250, 0, 1000]))
    ]
    top = bbox[3] / 1000 if bbox[3] > 0 else 1.0
    bottom = bbox[1] / 1000 if bbox[1] < 0 else -0.25
    return FieldFont(resource=resource, name=name, widths=widths, top=top, bottom=bottom)

"""The fonts of a PDF form's fields: which characters each can draw, and how wide they are.

pypdf draws a field's text with the font named in its ``/DA`` and maps each character to a
glyph through that font's ToUnicode CMap; a character the font does not cover comes out as
a wrong glyph or as nothing. So the characters a font can draw are read here, from its
ToUnicode map and widths, before anything is filled in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from overens_docs._errors import OverensError
from overens_docs._i18n import _

_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


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




def read_font(path: Path, field: str, resource: str, font: DictionaryObject) -> FieldFont:
    """Read which characters an embedded font draws, and their widths."""
    name = str(font.get("/BaseFont", resource)).lstrip("/")
    subtype = font.get("/Subtype")
    if subtype == "/Type0":
        descendant = cast(DictionaryObject, cast(ArrayObject, font["/DescendantFonts"])[0])
        descendant = cast(DictionaryObject, descendant.get_object())
        descriptor = descendant.get("/FontDescriptor")
        code_bytes = 2
        if font.get("/Encoding") != "/Identity-H":
            raise OverensError(
                _("{path}: field '{field}' uses font {font} with encoding {encoding}; only "
                  "Identity-H is supported for Type0 fonts").format(
                    path=path, field=field, font=name, encoding=font.get("/Encoding")))
        code_widths, missing_width = _cid_widths(descendant)
    elif subtype in {"/TrueType", "/Type1"}:
        descriptor = font.get("/FontDescriptor")
        code_bytes = 1
        first = int(cast(int, font.get("/FirstChar", 0)))
        simple_widths = cast(ArrayObject, font.get("/Widths", ArrayObject()))
        code_widths = {first + i: float(cast(float, w)) for i, w in enumerate(simple_widths)}
        missing_width = 0.0
    else:
        raise OverensError(
            _("{path}: field '{field}' uses font {font} of unsupported type {type}").format(
                path=path, field=field, font=name, type=subtype))
    descriptor_dict = (
        cast(DictionaryObject, descriptor.get_object()) if descriptor is not None else None
    )
    if descriptor_dict is None or not any(
        key in descriptor_dict for key in ("/FontFile", "/FontFile2", "/FontFile3")
    ):
        raise OverensError(
            _("{path}: field '{field}' uses font {font}, which is not embedded in the PDF; a "
              "signature form needs embedded fonts").format(path=path, field=field, font=name))
    to_unicode = font.get("/ToUnicode")
    if to_unicode is None:
        raise OverensError(
            _("{path}: field '{field}' uses font {font} without a ToUnicode map, so it is "
              "unknown which characters it can draw").format(path=path, field=field, font=name))
    mapping = _parse_to_unicode(cast(StreamObject, to_unicode.get_object()).get_data(), code_bytes)
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


def _cid_widths(descendant: DictionaryObject) -> tuple[dict[int, float], float]:
    """The /W widths of a CIDFont by CID (= code for Identity-H), and its default width."""
    default = float(cast(float, descendant.get("/DW", 1000)))
    widths: dict[int, float] = {}
    entries = list(cast(ArrayObject, descendant.get("/W", ArrayObject())))
    index = 0
    while index < len(entries):
        first = int(cast(int, entries[index]))
        following = entries[index + 1].get_object() if index + 1 < len(entries) else None
        if isinstance(following, ArrayObject):
            for offset, width in enumerate(following):
                widths[first + offset] = float(cast(float, width))
            index += 2
        elif index + 2 < len(entries):
            last, width = int(cast(int, following)), float(cast(float, entries[index + 2]))
            for code in range(first, last + 1):
                widths[code] = width
            index += 3
        else:
            break
    return widths, default


def _parse_to_unicode(data: bytes, code_bytes: int) -> dict[int, str]:
    """The code -> text mapping of a ToUnicode CMap (bfchar and bfrange sections)."""
    mapping: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        hexes = _HEX.findall(section)
        for source, target in zip(hexes[::2], hexes[1::2], strict=False):
            mapping[_code(source)] = _text(target)
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(
            rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])", section
        ):
            first, last = _code(low), _code(high)
            if last - first > 0xFFFF:
                continue
            if target.startswith(b"["):
                for offset, item in enumerate(_HEX.findall(target)):
                    mapping[first + offset] = _text(item)
            else:
                start = _text(target.strip(b"<>"))
                if not start:
                    continue
                for offset in range(last - first + 1):
                    mapping[first + offset] = start[:-1] + chr(ord(start[-1]) + offset)
    limit = 1 << (8 * code_bytes)
    return {code: text for code, text in mapping.items() if code < limit}


def _code(hex_digits: bytes) -> int:
    digits = re.sub(rb"\s", b"", hex_digits)
    return int(digits, 16) if digits else 0


def _text(hex_digits: bytes) -> str:
    digits = re.sub(rb"\s", b"", hex_digits)
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii")).decode("utf-16-be", "replace")

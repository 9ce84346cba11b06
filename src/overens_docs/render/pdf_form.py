"""Fill a fillable PDF signature page (an AcroForm) and flatten it, with pypdf only.

An agreement may choose a PDF form as its signature page instead of the Word template's
(``template: {signature_form: pdf-form/signature-page.pdf}`` in ``agreement.yaml``). The form
must have the text fields in :data:`FIELDS`, and the fonts its fields use must be embedded in
the PDF and cover every character of the values (see ``templates/pdf-form/README.md``).

pypdf draws the text of a field with the font named in the field's ``/DA`` and maps each
character to a glyph through that font's ToUnicode CMap. A character the font does not cover
comes out as a wrong glyph or as nothing, with only a logged warning; so every value is
checked against the font first and :class:`~overens_docs.errors.OverensError` names the field
and the characters. pypdf wraps text only when the field's font size is 0 (auto) and then
starts at 12 pt; this module wraps and sizes the text itself (the ``/DA`` size at most, smaller
until the text fits the field, never below :data:`MIN_FONT_SIZE`) and passes pypdf finished
lines and a fixed size. The four name and title fields are bottom-aligned, so they sit on their
signature line.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, PdfObject, StreamObject

from overens_docs.errors import OverensError

FIELDS: tuple[str, ...] = (
    "title",
    "public_body",
    "signatory_name",
    "signatory_title",
    "org_name",
    "org_number",
    "representative",
    "representative_title",
    "page_label",
)

MIN_FONT_SIZE = 5.0
"""The smallest size a value is shrunk to; a value that does not fit even then is an error."""
_DEFAULT_FONT_SIZE = 10.0  # for a /DA with size 0 (auto)
_FONT_SIZE_STEP = 0.25
_MULTILINE = 1 << 12  # field flag bit 13
_ALIGN_RIGHT = 2
_DA_FONT = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+(-?\d+(?:\.\d*)?|-?\.\d+)\s+Tf")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_PYPDF_FIELD_LOGGER = "pypdf.generic._appearance_stream"
_ONE_LINE_RATIO = 0.8
"""A multi-line field's value that fits on one line at 80 % of the field's size is not wrapped."""
_BOTTOM_ALIGNED = frozenset(
    {"signatory_name", "signatory_title", "representative", "representative_title"}
)
"""Fields that sit on a signature line: their text goes to the bottom of the field."""


@dataclass(frozen=True)
class _FieldFont:
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


@dataclass(frozen=True)
class _Field:
    name: str
    font: _FieldFont
    size: float  # the /DA size, or the default for auto (0)
    width: float  # the width text may use
    height: float  # the height text may use
    multiline: bool
    align_right: bool


class SignatureForm:
    """A fillable one-page signature form, loaded once and filled any number of times."""

    def __init__(self, template: Path | str) -> None:
        self.path = Path(template)
        try:
            self._reader = PdfReader(self.path)
            page_count = len(self._reader.pages)
        except (OSError, PdfReadError) as error:
            raise OverensError(f"{self.path}: cannot read the PDF form: {error}") from error
        if page_count != 1:
            raise OverensError(
                f"{self.path}: a signature form must have exactly one page, it has {page_count}"
            )
        root = cast(DictionaryObject, self._reader.trailer["/Root"].get_object())
        acro_form = root.get("/AcroForm")
        if acro_form is None:
            raise OverensError(f"{self.path}: the PDF has no form fields (no /AcroForm)")
        self._acro_form = cast(DictionaryObject, acro_form.get_object())
        self._fields = self._read_fields()

    # -- inspection ---------------------------------------------------------------------------

    def field_names(self) -> set[str]:
        """Names of the form's text fields."""
        return set(self._fields)

    def missing_fields(self) -> list[str]:
        """The required :data:`FIELDS` that the form does not have, in :data:`FIELDS` order."""
        return [name for name in FIELDS if name not in self._fields]

    def unsupported_characters(self, text: str, field: str | None = None) -> set[str]:
        """Characters of ``text`` that the font of ``field`` cannot draw.

        Without ``field``: characters that the font of at least one field cannot draw.
        Whitespace is always fine (it is drawn as a space or a line break).
        """
        if field is not None:
            fonts = [self._field(field).font]
        else:
            fonts = list({id(f.font): f.font for f in self._fields.values()}.values())
        needed = {char for char in text if not char.isspace()}
        if not fonts:
            return needed
        return {char for char in needed for font in fonts if char not in font.widths}

    # -- filling ------------------------------------------------------------------------------

    def fill(self, values: dict[str, str]) -> bytes:
        """Fill every field (absent values are empty), flatten, and return the PDF's bytes.

        The result has no form left: the text is part of the page, the widget annotations and
        the /AcroForm entry are removed.
        """
        unknown = sorted(set(values) - set(self._fields))
        if unknown:
            raise OverensError(f"{self.path}: the form has no field named {', '.join(unknown)}")
        prepared: dict[str, tuple[str, str, float]] = {}
        for name, field in self._fields.items():
            value = values.get(name, "")
            bad = self.unsupported_characters(value, name)
            if bad:
                listed = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in sorted(bad))
                raise OverensError(
                    f"{self.path}: the value of field {name!r} has characters that the form's "
                    f"font {field.font.name} cannot draw: {listed}"
                )
            text, size = _layout(field, value)
            if not text:
                continue
            prepared[name] = (text, "/" + field.font.resource, size)

        writer = PdfWriter(clone_from=self._reader)
        with _quiet_pypdf_encoding_warning():
            writer.update_page_form_field_values(
                None, prepared, auto_regenerate=False, flatten=True
            )
        writer.remove_annotations(subtypes="/Widget")
        del writer.root_object["/AcroForm"]
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    # -- reading the form ---------------------------------------------------------------------

    def _field(self, name: str) -> _Field:
        try:
            return self._fields[name]
        except KeyError:
            raise OverensError(f"{self.path}: the form has no field named {name}") from None

    def _read_fields(self) -> dict[str, _Field]:
        fields: dict[str, _Field] = {}
        fonts: dict[int, _FieldFont] = {}
        page = self._reader.pages[0]
        for reference in cast(ArrayObject, page.get("/Annots", ArrayObject())):
            widget = cast(DictionaryObject, reference.get_object())
            if widget.get("/Subtype") != "/Widget":
                continue
            field = widget if "/T" in widget else _parent(widget)
            if field is None or str(_inherited(field, "/FT")) != "/Tx":
                continue
            name = _qualified_name(field)
            if name in fields:
                continue  # a field with several widgets: the first one decides the layout
            fields[name] = self._read_field(name, widget, field, fonts)
        return fields

    def _read_field(
        self,
        name: str,
        widget: DictionaryObject,
        field: DictionaryObject,
        fonts: dict[int, _FieldFont],
    ) -> _Field:
        default_appearance = _inherited(widget, "/DA") or self._acro_form.get("/DA")
        match = None
        if default_appearance is not None:
            raw = str(default_appearance.get_object()).encode("latin-1", "replace")
            matches = _DA_FONT.findall(raw)
            match = matches[-1] if matches else None
        if match is None:
            raise OverensError(f"{self.path}: field {name!r} has no font in its /DA")
        resource, size_text = match[0].decode("latin-1"), float(match[1])
        font_dict = self._font_resource(widget, resource)
        if font_dict is None:
            raise OverensError(
                f"{self.path}: field {name!r} uses font /{resource}, which is not in the "
                "form's resources (/DR)"
            )
        key = id(font_dict)
        if key not in fonts:
            fonts[key] = _read_font(self.path, name, resource, font_dict)

        rect = [float(v) for v in cast(ArrayObject, widget["/Rect"])]
        border = cast(DictionaryObject, field.get("/BS", DictionaryObject()))
        border_width = float(cast(float, border.get("/W", 1)))
        characteristics = _inherited(field, "/MK")
        colour = None
        if isinstance(characteristics, DictionaryObject):
            colour = characteristics.get("/BC")
        if not colour:
            border_width = 0.0  # pypdf draws no border and keeps no margin without a colour
        margin = border_width * (2 if border.get("/S") in {"/B", "/I"} else 1)
        side = 2 * max(margin, 1.0)
        flags = int(cast(int, _inherited(field, "/Ff") or 0))
        return _Field(
            name=name,
            font=fonts[key],
            size=size_text if size_text > 0 else _DEFAULT_FONT_SIZE,
            # pypdf clips at rect width - 2*side and starts the text at x = side
            width=abs(rect[2] - rect[0]) - 3 * side,
            height=abs(rect[3] - rect[1]) - 2 * margin,
            multiline=bool(flags & _MULTILINE),
            align_right=int(cast(int, _inherited(field, "/Q") or 0)) == _ALIGN_RIGHT,
        )

    def _font_resource(self, widget: DictionaryObject, resource: str) -> DictionaryObject | None:
        resources = _inherited(widget, "/DR") or self._acro_form.get("/DR")
        if resources is None:
            return None
        font_dicts = cast(DictionaryObject, resources.get_object()).get("/Font")
        if font_dicts is None:
            return None
        font = cast(DictionaryObject, font_dicts.get_object()).get("/" + resource)
        return None if font is None else cast(DictionaryObject, font.get_object())


# -- fonts ------------------------------------------------------------------------------------


def _read_font(path: Path, field: str, resource: str, font: DictionaryObject) -> _FieldFont:
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
                f"{path}: field {field!r} uses font {name} with encoding "
                f"{font.get('/Encoding')}; only Identity-H is supported for Type0 fonts"
            )
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
            f"{path}: field {field!r} uses font {name} of unsupported type {subtype}"
        )
    descriptor_dict = (
        cast(DictionaryObject, descriptor.get_object()) if descriptor is not None else None
    )
    if descriptor_dict is None or not any(
        key in descriptor_dict for key in ("/FontFile", "/FontFile2", "/FontFile3")
    ):
        raise OverensError(
            f"{path}: field {field!r} uses font {name}, which is not embedded in the PDF; "
            "a signature form needs embedded fonts"
        )
    to_unicode = font.get("/ToUnicode")
    if to_unicode is None:
        raise OverensError(
            f"{path}: field {field!r} uses font {name} without a ToUnicode map, so it is "
            "unknown which characters it can draw"
        )
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
    return _FieldFont(resource=resource, name=name, widths=widths, top=top, bottom=bottom)


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


# -- layout -----------------------------------------------------------------------------------


def _layout(field: _Field, value: str) -> tuple[str, float]:
    """The value as finished lines (joined by newlines) and the font size to draw them at."""
    paragraphs = [_spaces(line) for line in value.splitlines()] or [""]
    if not field.multiline:
        paragraphs = [" ".join(p for p in paragraphs if p)]
    if not any(p.strip() for p in paragraphs):
        return "", field.size
    font = field.font
    size = field.size
    one_line = _one_line_size(field, paragraphs)
    if one_line is not None:
        lines, size = paragraphs, one_line
    while one_line is None:
        if field.multiline:
            lines = [line for p in paragraphs for line in _wrap(font, p, field.width / size)]
            needed = size * (font.top - font.bottom + (len(lines) - 1) * font.leading)
            fits = needed <= field.height + 0.01
        else:
            lines = paragraphs
            fits = (
                font.text_width(lines[0]) * size <= field.width
                and size * (font.top - font.bottom) <= field.height + 0.01
            )
        if fits:
            break
        if size - _FONT_SIZE_STEP < MIN_FONT_SIZE:
            raise OverensError(
                f"the value of field {field.name!r} ({len(value)} characters) does not fit "
                f"the field even at {MIN_FONT_SIZE:g} pt"
            )
        size -= _FONT_SIZE_STEP
    if field.multiline and field.name in _BOTTOM_ALIGNED:
        spare = field.height - size * (font.top - font.bottom + (len(lines) - 1) * font.leading)
        lines = [""] * int(spare // (size * font.leading)) + lines
    if field.align_right:
        # pypdf clips right-aligned text about 2 pt before it ends; a space makes up for it
        lines = [line + " " for line in lines]
    return "\n".join(lines), size


def _one_line_size(field: _Field, paragraphs: list[str]) -> float | None:
    """The size at which a one-paragraph value of a multi-line field fits on one line, if that
    is not much smaller than the field's size (a short name reads better unwrapped)."""
    if not field.multiline or len(paragraphs) != 1:
        return None
    width = field.font.text_width(paragraphs[0])
    if width * field.size <= field.width:
        return field.size
    size = field.width / width
    size = max(_FONT_SIZE_STEP * int(size / _FONT_SIZE_STEP), MIN_FONT_SIZE)
    height = size * (field.font.top - field.font.bottom)
    if size >= field.size * _ONE_LINE_RATIO and height <= field.height:
        return size
    return None


def _spaces(text: str) -> str:
    return "".join(" " if char.isspace() else char for char in text)


def _wrap(font: _FieldFont, paragraph: str, width: float) -> list[str]:
    """Break a paragraph into lines no wider than ``width`` (in em at 1 pt = text units)."""
    lines: list[str] = []
    current = ""
    for word in paragraph.split(" "):
        candidate = f"{current} {word}" if current else word
        if font.text_width(candidate) <= width or (not current and not word):
            current = candidate
            continue
        if current:
            lines.append(current)
        rest = word
        while font.text_width(rest) > width:  # a word longer than the line: break it
            cut = len(rest)
            while cut > 1 and font.text_width(rest[:cut]) > width:
                cut -= 1
            lines.append(rest[:cut])
            rest = rest[cut:]
        current = rest
    lines.append(current)
    return lines


# -- small helpers ----------------------------------------------------------------------------


def _parent(node: DictionaryObject) -> DictionaryObject | None:
    parent = node.get("/Parent")
    return None if parent is None else cast(DictionaryObject, parent.get_object())


def _inherited(node: DictionaryObject, key: str) -> PdfObject | None:
    current: DictionaryObject | None = node
    for _ in range(64):  # guard against /Parent loops
        if current is None:
            return None
        if key in current:
            return current[key]
        current = _parent(current)
    return None


def _qualified_name(field: DictionaryObject) -> str:
    parts: list[str] = []
    current: DictionaryObject | None = field
    for _ in range(64):
        if current is None:
            break
        if "/T" in current:
            parts.append(str(current["/T"]))
        current = _parent(current)
    return ".".join(reversed(parts))


class _DropEncodingWarning(logging.Filter):
    """pypdf warns that a value "contains characters not supported by font encoding" for the
    line breaks of a multi-line value; the characters were checked already."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Text string")


@contextmanager
def _quiet_pypdf_encoding_warning() -> Iterator[None]:
    logger = logging.getLogger(_PYPDF_FIELD_LOGGER)
    quiet = _DropEncodingWarning()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)

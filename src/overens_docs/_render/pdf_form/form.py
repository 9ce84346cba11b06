"""Fill a fillable PDF signature page (an AcroForm) and flatten it, with pypdf only.

An agreement may choose a PDF form as its signature page instead of the Word template's
(``template: {signature_form: pdf-form/signature-page.pdf}`` in ``agreement.yaml``). The form
must have the text fields in :data:`FIELDS`, and the fonts its fields use must be embedded in
the PDF and cover every character of the values (see ``templates/pdf-form/README.md``).

Every value is checked against its field's font first (:mod:`fonts`), and
:class:`~overens_docs._errors.OverensError` names the field and the characters it cannot
draw; the value is then laid out to fit its field (:mod:`layout`) and drawn by pypdf.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, PdfObject

from overens_docs._errors import OverensError
from overens_docs._i18n import _
from overens_docs._render.pdf_form.fonts import FieldFont, read_font
from overens_docs._render.pdf_form.layout import Field, layout

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
    "text_fingerprint",
)

_DEFAULT_FONT_SIZE = 10.0  # for a /DA with size 0 (auto)
_MULTILINE = 1 << 12  # field flag bit 13
_ALIGN_RIGHT = 2
_DA_FONT = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+(-?\d+(?:\.\d*)?|-?\.\d+)\s+Tf")
_PYPDF_FIELD_LOGGER = "pypdf.generic._appearance_stream"


class SignatureForm:
    """A fillable one-page signature form, loaded once and filled any number of times."""

    def __init__(self, template: Path | str) -> None:
        self.path = Path(template)
        try:
            self._reader = PdfReader(self.path)
            page_count = len(self._reader.pages)
        except (OSError, PdfReadError) as error:
            raise OverensError(_("{path}: cannot read the PDF form: {error}").format(
                path=self.path, error=error)) from error
        if page_count != 1:
            raise OverensError(
                _("{path}: a signature form must have exactly one page, it has {count}").format(
                    path=self.path, count=page_count))
        root = cast(DictionaryObject, self._reader.trailer["/Root"].get_object())
        acro_form = root.get("/AcroForm")
        if acro_form is None:
            raise OverensError(_("{path}: the PDF has no form fields (no /AcroForm)").format(
                path=self.path))
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
            raise OverensError(_("{path}: the form has no field named {names}").format(
                path=self.path, names=", ".join(unknown)))
        prepared: dict[str, tuple[str, str, float]] = {}
        for name, field in self._fields.items():
            value = values.get(name, "")
            bad = self.unsupported_characters(value, name)
            if bad:
                listed = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in sorted(bad))
                raise OverensError(
                    _("{path}: the value of field '{field}' has characters that the form's "
                      "font {font} cannot draw: {characters}").format(
                        path=self.path, field=name, font=field.font.name, characters=listed))
            text, size = layout(field, value)
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

    def _field(self, name: str) -> Field:
        try:
            return self._fields[name]
        except KeyError:
            raise OverensError(_("{path}: the form has no field named {names}").format(
                path=self.path, names=name)) from None

    def _read_fields(self) -> dict[str, Field]:
        fields: dict[str, Field] = {}
        fonts: dict[int, FieldFont] = {}
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
        fonts: dict[int, FieldFont],
    ) -> Field:
        default_appearance = _inherited(widget, "/DA") or self._acro_form.get("/DA")
        match = None
        if default_appearance is not None:
            raw = str(default_appearance.get_object()).encode("latin-1", "replace")
            matches = _DA_FONT.findall(raw)
            match = matches[-1] if matches else None
        if match is None:
            raise OverensError(_("{path}: field '{field}' has no font in its /DA").format(
                path=self.path, field=name))
        resource, size_text = match[0].decode("latin-1"), float(match[1])
        font_dict = self._font_resource(widget, resource)
        if font_dict is None:
            raise OverensError(
                _("{path}: field '{field}' uses font /{font}, which is not in the form's "
                  "resources (/DR)").format(path=self.path, field=name, font=resource))
        key = id(font_dict)
        if key not in fonts:
            fonts[key] = read_font(self.path, name, resource, font_dict)

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
        return Field(
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


# -- small helpers ----------------------------------------------------------------------------


def _parent(node: DictionaryObject) -> DictionaryObject | None:
    parent = node.get("/Parent")
    return None if parent is None else cast(DictionaryObject, parent.get_object())


def _inherited(node: DictionaryObject, key: str) -> PdfObject | None:
    current: DictionaryObject | None = node
    for _step in range(64):  # guard against /Parent loops
        if current is None:
            return None
        if key in current:
            return current[key]
        current = _parent(current)
    return None


def _qualified_name(field: DictionaryObject) -> str:
    parts: list[str] = []
    current: DictionaryObject | None = field
    for _step in range(64):
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

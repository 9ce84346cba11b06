"""Stage: Word templates (docxtpl) -> .docx bytes.

Every template is read as data first (:mod:`template_file`: through the input gate,
inflated within bounds, without macros) and rendered in the one sandboxed, limited,
strict, autoescaping Jinja environment (:mod:`jinja_env`); a template that takes anything
from outside itself, a name the data lacks, a broken or unsafe tag, a render past its
limits, and template syntax that survives rendering are each a :class:`TemplateError`
naming the kind of problem.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from jinja2.exceptions import SecurityError
from lxml import etree

from overens_docs._domain import Agreement
from overens_docs._findings import excerpt
from overens_docs._i18n import _
from overens_docs._render.context import Context, render_context
from overens_docs._render.jinja_env import environment
from overens_docs._render.jinja_limits import LimitError
from overens_docs._render.template_file import TemplateError, external_message, read_template
from overens_docs._reproducible import FALLBACK, normalise_docx

_TAG = re.compile(r"<[^<>]+>")
_LISTING = "\t\a\n\f"  # what docxtpl's resolve_listing turns into Word markup
_LEFTOVER = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")
# What python-docx and docxtpl raise on a package that is whole but not a Word document
# they can read (parts missing or of the wrong kind, XML of the wrong shape).
UNREADABLE = (OSError, ValueError, KeyError, IndexError, AttributeError, TypeError,
              zipfile.BadZipFile, PackageNotFoundError, etree.XMLSyntaxError)


@dataclass(frozen=True, slots=True)
class CoreProperties:
    """Document properties; LibreOffice copies them into the PDF's Info and XMP metadata."""

    title: str
    subject: str
    author: str
    language: str = "sv-SE"

    @classmethod
    def of(cls, agreement: Agreement, *, title: str | None = None) -> CoreProperties:
        """The agreement's properties; ``title`` instead of the agreement's own title."""
        public_body = agreement.public_body.name
        return cls(title=_property(title or agreement.title),
                   subject=_property(
                       f"Överenskommelse mellan {public_body} och idéburna organisationer"),
                   author=_property(public_body))


    @classmethod
    def titled(cls, title: str, subject: str, author: str) -> CoreProperties:
        """Properties with each cut to the length Word allows."""
        return cls(title=_property(title), subject=_property(subject),
                   author=_property(author))


_PROPERTY_LENGTH = 255  # Word's limit for a document property (python-docx enforces it)


def _property(text: str) -> str:
    """``text`` cut to the length Word allows a document property; the document's own
    text is not cut, only its title in the file's metadata."""
    if len(text) <= _PROPERTY_LENGTH:
        return text
    return text[:_PROPERTY_LENGTH - 1].rstrip() + "…"


class _Template(DocxTemplate):  # type: ignore[misc]
    def resolve_listing(self, xml: str) -> str:
        """docxtpl turns tabs, line breaks, ``\\a`` and ``\\f`` in the text into Word's own
        markup, in passes over every paragraph and run that take a third of a signature
        batch's rendering; a part with none of them anywhere is left as it is."""
        if any(character in xml for character in _LISTING):
            return str(super().resolve_listing(xml))
        return xml


# The core properties' relationship as LibreOffice writes it ("officedocument", lower case);
# python-docx knows only the standard type.
_LIBREOFFICE_CORE = (b"http://schemas.openxmlformats.org/officedocument/2006/relationships/"
                     b"metadata/core-properties")
_CORE = b"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def _package(data: bytes) -> io.BytesIO:
    """A template's bytes, with the core properties' relationship named as python-docx
    knows it. A template saved by LibreOffice names it otherwise, and python-docx would add
    core properties of its own under the same name: two docProps/core.xml in every
    rendered document (and zipfile's "Duplicate name" warning)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        relationships = package.read("_rels/.rels") if "_rels/.rels" in package.namelist() \
            else b""
        if _LIBREOFFICE_CORE not in relationships:
            return io.BytesIO(data)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as fixed:
            for item in package.infolist():
                content = package.read(item.filename)
                if item.filename == "_rels/.rels":
                    content = content.replace(_LIBREOFFICE_CORE, _CORE)
                fixed.writestr(item, content)
    return buffer


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture a template prints where it names it (``{{ chart.picture }}``): a PNG, its
    width on the page, and the alternative text that stands for it (Word's "Alt Text",
    which LibreOffice exports as the PDF Figure's /Alt)."""

    png: bytes
    width_cm: float
    alt: str
    name: str = "Diagram"


class _Figure(InlineImage):  # type: ignore[misc]
    """docxtpl's inline image, with its alternative text and name."""

    def __init__(self, document: DocxTemplate, picture: Picture) -> None:
        super().__init__(document, io.BytesIO(picture.png), Cm(picture.width_cm))
        self.picture = picture

    def _insert_image(self) -> str:
        inline = self.tpl.current_rendering_part.new_pic_inline(
            io.BytesIO(self.picture.png), self.width, self.height)
        inline.docPr.set("name", self.picture.name)
        inline.docPr.set("descr", self.picture.alt)
        return (f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r>"
                '<w:t xml:space="preserve">')


def _with_pictures(value: Any, document: DocxTemplate) -> Any:
    """``value`` (a context) with each :class:`Picture` in it bound to ``document``."""
    if isinstance(value, Picture):
        return _Figure(document, value)
    if isinstance(value, dict):
        return {key: _with_pictures(item, document) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_pictures(item, document) for item in value]
    return value


def open_template(template: Path, within: Sequence[Path] = ()) -> DocxTemplate:
    """The Word template at ``template`` (a file in one of the folders ``within``, default
    its own), read as data; :class:`TemplateError` if it is not one, or is refused."""
    data = read_template(template, within).data
    try:
        document = _Template(_package(data))
        document.init_docx()
    except UNREADABLE as error:
        raise TemplateError(
            "template-unreadable",
            _("{file} is not a Word document (.docx) that can be read ({error}). Save it from "
              "Word as 'Word-dokument (*.docx)'.").format(file=excerpt(template.name),
                                                          error=excerpt(error, 200))
        ) from error
    return document


def render(template: Path, context: Mapping[str, Any], core: CoreProperties,
           within: Sequence[Path] = ()) -> bytes:
    """Render ``template`` with ``context`` (in which a :class:`Picture` is printed as a
    picture); raises :class:`TemplateError`."""
    outside = read_template(template, within).external
    if outside:
        raise TemplateError("template-external", external_message(outside[0]))
    document = open_template(template, within)
    try:
        with environment().limited():
            document.render(_with_pictures(dict(context), document),
                            jinja_env=environment(), autoescape=True)
    except (LimitError, RecursionError, OverflowError, MemoryError) as error:
        raise TemplateError("template-limit", _(
            "The template asks too much of a render: {problem}. Simplify the loops and "
            "calculations in its tags.").format(problem=excerpt(
                error if isinstance(error, LimitError) else type(error).__name__, 200))
        ) from error
    except jinja2.UndefinedError as error:
        match = _UNDEFINED_NAME.search(str(error))
        name = next((group for group in match.groups() if group), str(error)) if match else str(
            error)
        raise TemplateError(
            "template-undefined",
            _("The template uses '{name}', which the data does not provide ({error}).").format(
                name=excerpt(name), error=excerpt(error, 200))) from error
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError("template-syntax",
                            _("The template has a tag Jinja cannot read: {error}.").format(
                                error=excerpt(error.message, 200))) from error
    except SecurityError as error:
        raise TemplateError("template-unsafe",
                            _("The template tries something the sandbox forbids: {error}.")
                            .format(error=excerpt(error, 200))) from error
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError,
            AttributeError) as error:
        # A tag that does with a value what it cannot: loops over a number, divides by 0,
        # includes another template.
        raise TemplateError("template-failed",
                            _("A tag of the template fails with this data: {error}.")
                            .format(error=excerpt(f"{type(error).__name__}: {error}", 200))
                            ) from error
    properties = document.docx.core_properties
    properties.title, properties.subject, properties.author = core.title, core.subject, core.author
    properties.language = core.language
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    leftovers = leftover_tags(data)
    if leftovers:
        raise TemplateError(
            "template-leftover",
            _("Template syntax survived rendering: {leftovers}. A tag is probably split by "
              "formatting in Word; retype it in one go.").format(
                leftovers=excerpt(", ".join(leftovers), 300)))
    return data


@dataclass(frozen=True, slots=True)
class DocumentTemplate:
    """A Word template together with the agreement it is rendered for.

    Plain data, so that worker processes can receive it however they are started.
    """

    path: Path
    agreement: Context  # agreement_context(...), made once
    core: CoreProperties
    when: datetime.datetime = FALLBACK  # the build date: every ZIP entry carries it
    # The folders the template may be in (default: its own; see template_file).
    within: tuple[Path, ...] = field(default=())

    def render(self, organisations: Sequence[Context], *, include_text: bool,
               ceremony: Context | None = None) -> bytes:
        context = render_context(self.agreement, organisations, include_text=include_text,
                                 ceremony=ceremony)
        return normalise_docx(render(self.path, context, self.core, self.within), self.when)


def template_sources(template: Path, within: Sequence[Path] = ()) -> list[tuple[str, str]]:
    """The Jinja source of each part of a Word template (body, headers, footers), as
    docxtpl renders it: after it has joined tags that Word split across runs."""
    return sources(open_template(template, within))


def sources(document: DocxTemplate) -> list[tuple[str, str]]:
    """The Jinja source of each part of an open Word template (see template_sources)."""
    found = [("word/document.xml", document.patch_xml(document.get_xml()))]
    for uri in (document.HEADER_URI, document.FOOTER_URI):
        for _relationship, part in document.get_headers_footers(uri):
            found.append((str(part.partname).lstrip("/"),
                          document.patch_xml(document.get_part_xml(part))))
    return found


def xml_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def leftover_tags(data: bytes) -> list[str]:
    """``{{``, ``{%``, ``{#`` (and closers) still in the text of a rendered .docx."""
    found = []
    for name, content in xml_parts(data).items():
        if name.endswith(".xml") and name.startswith("word/"):
            text = _TAG.sub("", content.decode("utf-8"))
            found += [_("'{tag}' in {part}").format(tag=match.group(), part=name)
                      for match in _LEFTOVER.finditer(text)]
    return found




def style_ids(styles_xml: bytes) -> dict[str, str]:
    """A template's styles: each style's name, as Word matches names (case does not count:
    Word writes "heading 1", LibreOffice "Heading 1" for the same built-in style), to
    its id (what a paragraph's ``w:pStyle`` names)."""
    found: dict[str, str] = {}
    for style in etree.fromstring(styles_xml).iter(_w("style")):
        name = style.find(_w("name"))
        identifier = style.get(_w("styleId"))
        if name is not None and identifier is not None:
            found.setdefault(str(name.get(_w("val"), "")).casefold(), identifier)
    return found


# Every glyph a stamped page number ("sida 12 av 345") needs. See with_page_number_glyphs.
PAGE_NUMBER_GLYPHS = "sida 0123456789 av"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_PAGE_FIELD = re.compile(r"\A\s*PAGE(?:\s|$)")


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


def _footer_parts(parts: Mapping[str, bytes], body: Any) -> list[str]:
    """The footer parts the document's sections refer to, the first section's first."""
    relationships = etree.fromstring(parts["word/_rels/document.xml.rels"])
    targets = {item.get("Id"): item.get("Target") for item in relationships
               if item.tag == f"{{{_RELATIONSHIPS}}}Relationship"}
    found: list[str] = []
    for reference in body.iter(_w("footerReference")):
        target = targets.get(reference.get(f"{{{_R}}}id"))
        if target is not None:
            name = target.lstrip("/") if target.startswith("/") else f"word/{target}"
            if name in parts and name not in found:
                found.append(name)
    return found


def _page_number_format(footer: Any) -> tuple[Any, Any] | None:
    """The paragraph properties and run properties of the page number in ``footer`` (its
    first PAGE field), or None if it prints none."""
    for paragraph in footer.iter(_w("p")):
        for simple in paragraph.iter(_w("fldSimple")):
            if _PAGE_FIELD.match(simple.get(_w("instr"), "")):
                run = simple.find(_w("r"))
                return (paragraph.find(_w("pPr")),
                        run.find(_w("rPr")) if run is not None else None)
        for instruction in paragraph.iter(_w("instrText")):
            if _PAGE_FIELD.match(instruction.text or ""):
                return paragraph.find(_w("pPr")), instruction.getparent().find(_w("rPr"))
    return None


def with_page_number_glyphs(data: bytes) -> bytes:
    """``data`` (a rendered .docx, the master that assembly takes the text pages from)
    with a paragraph at the very end that holds every glyph of a stamped page number, in
    the font of the page number in the first section's footer (its paragraph style and its
    run's formatting), one point high. Unchanged if no footer prints a page number.

    LibreOffice embeds only the glyphs a document uses: the text pages' footer font has
    the digits of its own page numbers, and assembly stamps the signature pages' numbers
    with that font (:mod:`overens_docs._pdf.page_numbers`). The paragraph ends up on the
    master's own signature page, which assembly leaves out; one point high, it cannot push
    that page onto a second one, which would change the page count the text pages print.
    """
    parts = xml_parts(data)
    document = etree.fromstring(parts["word/document.xml"])
    body = document.find(_w("body"))
    if body is None:
        return data
    for name in _footer_parts(parts, body):
        page_format = _page_number_format(etree.fromstring(parts[name]))
        if page_format is not None:
            break
    else:
        return data
    paragraph_properties, run_properties = page_format
    paragraph = etree.SubElement(body, _w("p"))
    properties = etree.SubElement(paragraph, _w("pPr"))
    style = None if paragraph_properties is None else paragraph_properties.find(_w("pStyle"))
    if style is not None:
        properties.append(copy.deepcopy(style))
    etree.SubElement(properties, _w("spacing"), {_w("before"): "0", _w("after"): "0",
                                                 _w("line"): "20", _w("lineRule"): "exact"})
    run = etree.SubElement(paragraph, _w("r"))
    if run_properties is not None:
        run.append(copy.deepcopy(run_properties))
    text = etree.SubElement(run, _w("t"))
    text.text = PAGE_NUMBER_GLYPHS
    section = body.find(_w("sectPr"))
    if section is not None:  # the body's last section stays last
        body.append(section)
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True,
                                                encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(
            buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, parts[item.filename])
    return buffer.getvalue()

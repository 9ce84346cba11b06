"""Stage: Word templates (docxtpl) -> .docx bytes.

Every template is rendered in the one sandboxed, strict, autoescaping Jinja environment
(:mod:`jinja_env`); a name the data lacks, a broken or unsafe tag, and template syntax that
survives rendering are each a :class:`TemplateError` naming the kind of problem.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError
from lxml import etree

from overens_docs._domain import Agreement
from overens_docs._errors import OverensError
from overens_docs._i18n import _
from overens_docs._render.context import Context, render_context
from overens_docs._render.jinja_env import environment
from overens_docs._reproducible import FALLBACK, normalise_docx

_TAG = re.compile(r"<[^>]+>")
_LEFTOVER = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


class TemplateError(OverensError):
    """A template cannot be rendered with the data; ``rule`` names the kind of problem."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True, slots=True)
class CoreProperties:
    """Document properties; LibreOffice copies them into the PDF's Info and XMP metadata."""

    title: str
    subject: str
    author: str
    language: str = "sv-SE"

    @classmethod
    def of(cls, agreement: Agreement) -> CoreProperties:
        public_body = agreement.public_body.name
        return cls(title=_property(agreement.title),
                   subject=_property(
                       f"Överenskommelse mellan {public_body} och idéburna organisationer"),
                   author=_property(public_body))


_PROPERTY_LENGTH = 255  # Word's limit for a document property (python-docx enforces it)


def _property(text: str) -> str:
    """``text`` cut to the length Word allows a document property; the document's own
    text is not cut, only its title in the file's metadata."""
    if len(text) <= _PROPERTY_LENGTH:
        return text
    return text[:_PROPERTY_LENGTH - 1].rstrip() + "…"


def open_template(template: Path) -> DocxTemplate:
    """The Word template at ``template``; :class:`TemplateError` if it is not one."""
    document = DocxTemplate(str(template))
    try:
        document.init_docx()
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError,
            etree.XMLSyntaxError) as error:  # a part that is not XML
        raise TemplateError(
            "template-unreadable",
            _("{file} is not a Word document (.docx) that can be read ({error}). Save it from "
              "Word as 'Word-dokument (*.docx)'.").format(file=template.name, error=error)
        ) from error
    return document


def render(template: Path, context: Mapping[str, Any], core: CoreProperties) -> bytes:
    """Render ``template`` with ``context``; raises :class:`TemplateError`."""
    document = open_template(template)
    try:
        document.render(dict(context), jinja_env=environment(), autoescape=True)
    except jinja2.UndefinedError as error:
        match = _UNDEFINED_NAME.search(str(error))
        name = next((group for group in match.groups() if group), str(error)) if match else str(
            error)
        raise TemplateError(
            "template-undefined",
            _("The template uses '{name}', which the data does not provide ({error}).").format(
                name=name, error=error)) from error
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError("template-syntax",
                            _("The template has a tag Jinja cannot read: {error}.").format(
                                error=error.message)) from error
    except SecurityError as error:
        raise TemplateError("template-unsafe",
                            _("The template tries something the sandbox forbids: {error}.")
                            .format(error=error)) from error
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
              "formatting in Word; retype it in one go.").format(leftovers=", ".join(leftovers)))
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

    def render(self, organisations: Sequence[Context], *, include_text: bool) -> bytes:
        context = render_context(self.agreement, organisations, include_text=include_text)
        return normalise_docx(render(self.path, context, self.core), self.when)


def template_sources(template: Path) -> list[tuple[str, str]]:
    """The Jinja source of each part of a Word template (body, headers, footers), as
    docxtpl renders it: after it has joined tags that Word split across runs."""
    document = open_template(template)
    sources = [("word/document.xml", document.patch_xml(document.get_xml()))]
    for uri in (document.HEADER_URI, document.FOOTER_URI):
        for _relationship, part in document.get_headers_footers(uri):
            sources.append((str(part.partname).lstrip("/"),
                            document.patch_xml(document.get_part_xml(part))))
    return sources


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



"""Stage: Word templates (docxtpl) -> .docx bytes, and personalised copies made fast.

Rendering a docxtpl template costs tens of milliseconds (it re-parses the package each
time), too slow for thousands of organisations. :class:`Personaliser` therefore renders
the template once per *shape* of organisation (with or without an organisation number)
with placeholder values, then writes each organisation's copy by replacing the
placeholders with the escaped real values. It proves itself first: the first
organisation of each shape is also rendered the slow way, and the two must be identical.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError
from markupsafe import escape

from overens_docs.errors import OverensError
from overens_docs.model import Organisation
from overens_docs.render.jinja_env import environment

_TAG = re.compile(r"<[^>]+>")
_LEFTOVER = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")
# Plain letters: any other character would make LibreOffice embed a fallback font.
_PLACEHOLDER = "XoverensX{}XplaceholderX"
_PLACEHOLDER_BYTES = re.compile(rb"XoverensX(\w+?)XplaceholderX")
ORGANISATION_FIELDS = ("id", "name", "org_number", "representative", "representative_title")
# The signature batches are rendered before LibreOffice has counted the text's pages.
PAGE_NUMBER_PLACEHOLDER = _PLACEHOLDER.format("page")

# A part split at its placeholders: literal bytes, then a field name, then bytes, ...
_Segments = list[bytes | str]


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


def render(template: Path, context: Mapping[str, Any], core: CoreProperties) -> bytes:
    """Render ``template`` with ``context``; raises :class:`TemplateError`."""
    document = DocxTemplate(str(template))
    try:
        document.render(dict(context), jinja_env=environment(), autoescape=True)
    except jinja2.UndefinedError as error:
        match = _UNDEFINED_NAME.search(str(error))
        name = next((group for group in match.groups() if group), str(error)) if match else str(
            error)
        raise TemplateError(
            "template-undefined",
            f"The template uses '{name}', which the data does not provide ({error}).") from error
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError("template-syntax",
                              f"The template has a tag Jinja cannot read: {error.message}."
                              ) from error
    except SecurityError as error:
        raise TemplateError("template-unsafe",
                              f"The template tries something the sandbox forbids: {error}."
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
            f"Template syntax survived rendering: {', '.join(leftovers)}. A tag is probably "
            "split by formatting in Word; retype it in one go.")
    return data


def _xml_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def leftover_tags(data: bytes) -> list[str]:
    """``{{``, ``{%``, ``{#`` (and closers) still in the text of a rendered .docx."""
    found = []
    for name, content in _xml_parts(data).items():
        if name.endswith(".xml") and name.startswith("word/"):
            text = _TAG.sub("", content.decode("utf-8"))
            found += [f"'{match.group()}' in {name}" for match in _LEFTOVER.finditer(text)]
    return found


def placeholder_organisation(*, with_number: bool) -> dict[str, Any]:
    values: dict[str, Any] = {field: _PLACEHOLDER.format(field) for field in ORGANISATION_FIELDS}
    if not with_number:
        values["org_number"] = None
    return values


def _split(content: bytes) -> _Segments | None:
    """``content`` split at its placeholders, or ``None`` if it has none."""
    pieces = _PLACEHOLDER_BYTES.split(content)
    if len(pieces) == 1:
        return None
    return [piece if index % 2 == 0 else piece.decode("ascii")
            for index, piece in enumerate(pieces)]


def _fill(segments: _Segments, values: Mapping[str, object]) -> bytes:
    return b"".join(
        segment if isinstance(segment, bytes)
        else str(escape("" if values.get(segment) is None else values[segment])).encode()
        for segment in segments)


class _Package:
    """A .docx whose parts are fixed but for their placeholders, ready to be copied fast.

    The parts without placeholders are compressed and framed into a zip archive once. Each
    copy appends only the filled parts to that archive (zipfile rewrites the central
    directory), so a copy costs one compression instead of one per part.
    """

    def __init__(self, data: bytes) -> None:
        parts = _xml_parts(data)
        self.filled = {name: segments for name, content in parts.items()
                       if (segments := _split(content)) is not None}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            for name, content in parts.items():
                if name not in self.filled:
                    package.writestr(name, content)
        self.fixed = buffer.getvalue()

    def copy(self, values: Mapping[str, object]) -> bytes:
        """The .docx with placeholders filled from ``values``."""
        buffer = io.BytesIO(self.fixed)
        with zipfile.ZipFile(buffer, "a") as package:
            for name, segments in self.filled.items():
                package.writestr(name, _fill(segments, values), zipfile.ZIP_DEFLATED,
                                 compresslevel=1)
        return buffer.getvalue()


def fill_page_number(document: bytes, page_number: int) -> bytes:
    """Put the real page number where ``PAGE_NUMBER_PLACEHOLDER`` was rendered."""
    return _Package(document).copy({"page": page_number})


class Personaliser:
    """Writes one organisation's .docx in about a millisecond (see the module docstring)."""

    def __init__(self, render_for: Callable[[dict[str, Any]], bytes]) -> None:
        self._render_for = render_for
        self._documents: dict[bool, bytes] = {}
        self._masters: dict[bool, _Package] = {}
        self._proven: set[bool] = set()
        self.fast = True

    def master_document(self, *, with_number: bool) -> bytes:
        """The template rendered with placeholders for one organisation (its signature page)."""
        if with_number not in self._documents:
            self._documents[with_number] = self._render_for(
                placeholder_organisation(with_number=with_number))
        return self._documents[with_number]

    def _master(self, with_number: bool) -> _Package:
        if with_number not in self._masters:
            self._masters[with_number] = _Package(self.master_document(with_number=with_number))
        return self._masters[with_number]

    def prove(self, organisations: Iterable[Organisation]) -> None:
        """Prove the fast path for each shape now, before other processes copy this one."""
        for organisation in organisations:
            if not self.fast:
                return
            if (organisation.org_number is not None) not in self._proven:
                self.document(organisation)

    def document(self, organisation: Organisation) -> bytes:
        shape = organisation.org_number is not None
        if not self.fast:
            return self._render_for(organisation.context())
        data = self._master(shape).copy(organisation.context())
        if shape not in self._proven:
            slow = self._render_for(organisation.context())
            if _xml_parts(slow) != _xml_parts(data):
                # The template transforms organisation fields (a filter, a comparison):
                # placeholders cannot stand in for them, so render every copy in full.
                self.fast = False
                return slow
            self._proven.add(shape)
        return data

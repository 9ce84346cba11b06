"""A Word template read as data, never as a program.

A template is a document someone may send the officer, so before docxtpl parses it
:func:`read_template` reads it through the one gate every input passes
(:func:`overens_docs._load.input_files.read_input`: a regular file inside its folder) and
inflates it within bounds, its XML without DTDs
(:func:`overens_docs._load.package.read_package`). It then finds, in every part:

- what points out of the document (:class:`External`): every relationship whose target
  is external (a picture inserted with "Link to file", a link, a linked OLE object, an
  attached template, a subdocument) and every field that includes or links another file
  (``INCLUDEPICTURE``, ``INCLUDETEXT``, ``LINK``, ``DDE``, ...). A build refuses such a
  template (``template-external``) and ``overens template check`` names each one, so that
  nothing the documents show depends on a file or a server nobody reviewing sees, and
  LibreOffice is never asked to fetch anything (its profile forbids that too:
  :mod:`overens_docs._pdf.convert`);
- macros (a ``vbaProject.bin`` and what goes with it), which are left out of the package
  that is rendered, so that no document made from the template carries them; the template
  then says so (``template-macros``, a warning).
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from overens_docs._errors import OverensError
from overens_docs._findings import excerpt
from overens_docs._i18n import _
from overens_docs._load.input_files import InputRefusedError, read_input
from overens_docs._load.package import PackageError, read_package

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PACKAGE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# Fields whose result comes from another file or program.
_OUTSIDE_FIELDS = frozenset({"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "DDE",
                             "DDEAUTO", "IMPORT", "RD"})
_FIELD_CODE = re.compile(r"\A\s*([A-Za-z]+)")
# What makes macros: Word's VBA project and data, and key bindings and toolbars for them.
_MACRO_TYPES = re.compile(r"vbaProject|vbaData|wordVbaData|keyMapCustomizations|"
                          r"attachedToolbars", re.IGNORECASE)
_MACRO_NAMES = re.compile(r"(?:\A|/)(?:vbaProject\.bin|vbaProjectSignature\.bin|vbaData\.xml|"
                          r"attachedToolbars\.bin|customizations\.xml)\Z", re.IGNORECASE)
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# A main part that is a macro-enabled document or a template (.docm, .dotm, .dotx) is
# rendered as a plain document: python-docx opens nothing else.
_OTHER_MAINS = frozenset({
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False)


class TemplateError(OverensError):
    """A template cannot be rendered with the data; ``rule`` names the kind of problem."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True, slots=True)
class External:
    """Something a template takes from outside itself."""

    part: str  # the part it is in: word/document.xml, word/header1.xml, word/settings.xml
    kind: str  # the relationship's type (image, hyperlink, oleObject, ...) or the field
    target: str  # where it points
    key: str | None = None  # the relationship's id, by which the part refers to it


@dataclass(frozen=True, slots=True)
class TemplateFile:
    """A template that may be rendered: the package without macros, what it takes from
    outside itself, and the macro parts left out."""

    data: bytes
    external: tuple[External, ...] = ()
    macros: tuple[str, ...] = ()


def _source_part(rels: str) -> str:
    """``word/_rels/document.xml.rels`` -> ``word/document.xml`` (the part it belongs to)."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name.removesuffix(".rels"))


def _relationships(parts: dict[str, bytes]) -> Iterator[tuple[str, etree._Element]]:
    for name, content in parts.items():
        if name.endswith(".rels"):
            root = etree.fromstring(content, _PARSER)
            for item in root.iter(f"{_PACKAGE_RELATIONSHIPS}Relationship"):
                yield name, item


def _field_instructions(root: etree._Element) -> Iterator[str]:
    """The instruction of every field in a part, whole though Word splits it in runs."""
    open_fields: list[list[str]] = []
    for element in root.iter(f"{_W}fldSimple", f"{_W}fldChar", f"{_W}instrText"):
        if element.tag == f"{_W}fldSimple":
            yield element.get(f"{_W}instr", "")
        elif element.tag == f"{_W}instrText":
            if open_fields:
                open_fields[-1].append(element.text or "")
        elif element.get(f"{_W}fldCharType") == "begin":
            open_fields.append([])
        elif element.get(f"{_W}fldCharType") == "end" and open_fields:
            yield "".join(open_fields.pop())


def _outside(parts: dict[str, bytes], macros: set[str]) -> list[External]:
    found = [External(_source_part(rels), str(item.get("Type", "")).rsplit("/", 1)[-1],
                      str(item.get("Target", "")), item.get("Id"))
             for rels, item in _relationships(parts)
             if str(item.get("TargetMode", "")).lower() == "external"]
    for name, content in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name not in macros:
            for instruction in _field_instructions(etree.fromstring(content, _PARSER)):
                code = _FIELD_CODE.match(instruction)
                if code is not None and code.group(1).upper() in _OUTSIDE_FIELDS:
                    target = instruction[code.end():].strip()
                    found.append(External(name, code.group(1).upper(), target))
    return found


def _macro_parts(parts: dict[str, bytes]) -> set[str]:
    """The parts that make macros: by name, and by content type."""
    names = {name for name in parts if _MACRO_NAMES.search(name)}
    types = etree.fromstring(parts.get("[Content_Types].xml", b"<Types/>"), _PARSER)
    for override in types.iter(f"{_CONTENT_TYPES}Override"):
        if _MACRO_TYPES.search(override.get("ContentType", "")):
            names.add(str(override.get("PartName", "")).lstrip("/"))
    names &= set(parts)
    return names | {posixpath.join(posixpath.dirname(name), "_rels",
                                   posixpath.basename(name) + ".rels") for name in names}


def _without(parts: dict[str, bytes], removed: set[str]) -> dict[str, bytes]:
    """``parts`` without ``removed``, nothing referring to them, and a plain document's
    content type for the main part."""
    kept = {name: content for name, content in parts.items() if name not in removed}
    for name, content in kept.items():
        if name.endswith(".rels"):
            root = etree.fromstring(content, _PARSER)
            folder = posixpath.dirname(_source_part(name))
            for item in list(root):
                target = posixpath.normpath(posixpath.join(folder, item.get("Target", "")))
                if target.lstrip("/") in removed or _MACRO_TYPES.search(item.get("Type", "")):
                    root.remove(item)
            kept[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                        standalone=True)
    types = etree.fromstring(kept.get("[Content_Types].xml", b"<Types/>"), _PARSER)
    for item in list(types):
        if str(item.get("PartName", "")).lstrip("/") in removed or _MACRO_TYPES.search(
                item.get("ContentType", "")):
            types.remove(item)
        elif item.get("ContentType") in _OTHER_MAINS:
            item.set("ContentType", _MAIN)
    kept["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                 encoding="UTF-8", standalone=True)
    return kept


def _packed(original: bytes, parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(
            buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in parts:
                target.writestr(info, parts[info.filename])
    return buffer.getvalue()


def _main_types(parts: dict[str, bytes]) -> bool:
    """Whether the main part's content type needs making plain (a .dotx, .docm, .dotm)."""
    types = parts.get("[Content_Types].xml", b"")
    return any(main.encode() in types for main in _OTHER_MAINS)


def read_template(path: Path, within: Sequence[Path] = ()) -> TemplateFile:
    """The template at ``path`` as data (see the module's docstring); :class:`TemplateError`
    when it is refused as input or is not a package that can be read."""
    try:
        status = path.stat()
    except OSError:
        status = None
    key = (status.st_mtime_ns, status.st_size, status.st_ino) if status else None
    return _read(path, tuple(within), key)


@functools.lru_cache(maxsize=8)
def _read(path: Path, within: tuple[Path, ...], _changed: object) -> TemplateFile:
    """Read once per file and version: a build renders its template many times."""
    try:
        package = read_package(read_input(path, within))
        parts = package.parts
        macros = _macro_parts(parts)
        external = tuple(_outside(parts, macros))
        data = package.data
        if macros or _main_types(parts):
            data = _packed(package.data, _without(parts, macros))
    except InputRefusedError as refused:
        raise TemplateError(refused.rule, refused.reason) from refused
    except (PackageError, etree.XMLSyntaxError, ValueError, zipfile.BadZipFile) as error:
        raise TemplateError("template-unreadable", _(
            "{file} is not a Word document (.docx) that can be read ({error}). Save it from "
            "Word as 'Word-dokument (*.docx)'.").format(
                file=excerpt(path.name), error=excerpt(error, 200))) from error
    return TemplateFile(data, external, tuple(sorted(name for name in macros
                                                     if not name.endswith(".rels"))))


def external_message(external: External) -> str:
    """Why a template may not take ``external`` from outside itself."""
    if external.kind == "hyperlink":
        return _("The paragraph links to '{target}' outside the document: the documents are "
                 "archived as PDF/A, which may not link out. Remove the link.").format(
                     target=excerpt(external.target))
    if external.kind.isupper():  # a field
        return _("The field {field} takes '{target}' from outside the template: the "
                 "documents must not depend on another file. Put its content into the "
                 "template instead.").format(field=external.kind,
                                             target=excerpt(external.target))
    return _("The template shows '{target}' from outside itself (a picture inserted with "
             "'Link to file'?): insert the picture into the document instead.").format(
                 target=excerpt(external.target))


def macros_message(macros: Sequence[str]) -> str:
    return _("The template holds macros ({parts}): they are left out of every document made "
             "from it, and never run. Save it as 'Word-dokument (*.docx)' to be rid of them.",
             ).format(parts=excerpt(", ".join(macros), 120))

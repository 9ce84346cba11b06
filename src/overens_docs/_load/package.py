"""Office Open XML packages (``.xlsx``, ``.docx``) read with bounds, before any parser
sees them.

A workbook or a Word template is a ZIP archive of XML parts, and both can be made to
hurt: a part of a few kilobytes may inflate to gigabytes (a ZIP bomb), and XML may declare
entities that expand without end (the "billion laughs") or fetch files. So every part is
inflated here first, counting what it really inflates to (never trusting the sizes the
archive states), and refused past :data:`MAX_PART_BYTES`, :data:`MAX_TOTAL_BYTES` or
:data:`MAX_PARTS`; every XML part must be UTF-8 and declare no DTD and no entity. Only a
package that passes is handed to openpyxl or docxtpl, which then read bytes known to be
bounded. Any damage (a broken archive, a part that does not inflate, an unknown method of
compression, a password) is a :class:`PackageError` that says where, never a traceback.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from overens_docs._errors import OverensError
from overens_docs._i18n import _

MAX_PARTS = 10_000
MAX_PART_BYTES = 128 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
_CHUNK = 1 << 20
# What a damaged archive raises while it is read (zipfile's own errors, zlib's, an unknown
# or unsupported method, a password, a truncated stream).
_DAMAGED = (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError,
            ValueError, OSError, KeyError)
# The XML declaration's encoding, and what makes a DTD.
_DECLARED = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^<>]*?\bencoding=[\"']([A-Za-z0-9._-]+)")
_DTD = (b"<!DOCTYPE", b"<!ENTITY", b"<!ELEMENT", b"<!ATTLIST")
_XML_SUFFIXES = (".xml", ".rels", ".vml")


class PackageError(OverensError):
    """A package that is damaged, or too large once inflated, or whose XML declares a DTD;
    the message says which part and why."""


@dataclass(frozen=True, slots=True)
class Package:
    """A package whose parts all inflated within bounds: the archive's bytes, and each
    part's inflated bytes by name, in the archive's order."""

    data: bytes
    parts: dict[str, bytes]


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The part ``info`` inflated, stopping as soon as it passes its limit or ``budget``."""
    most = min(MAX_PART_BYTES, budget)
    chunks, size = [], 0
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            size += len(chunk)
            if size > most:
                if most == budget:
                    raise PackageError(_("its parts inflate to more than {megabytes} MB (a "
                                         "ZIP bomb?)").format(
                                             megabytes=MAX_TOTAL_BYTES >> 20))
                raise PackageError(_("the part {part} inflates to more than {megabytes} MB "
                                     "(a ZIP bomb?)").format(
                                         part=info.filename, megabytes=MAX_PART_BYTES >> 20))
            chunks.append(chunk)
    return b"".join(chunks)


def _inflated(archive: zipfile.ZipFile) -> dict[str, bytes]:
    """Every part of ``archive`` inflated, within the limits."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise PackageError(_("it has more than {count} parts").format(count=MAX_PARTS))
    parts: dict[str, bytes] = {}
    budget = MAX_TOTAL_BYTES
    for info in infos:
        if not info.is_dir():
            parts[info.filename] = content = _inflate(archive, info, budget)
            budget -= len(content)
    return parts


def _xml_problem(name: str, content: bytes) -> str | None:
    """Why the XML part ``name`` may not be parsed, or None."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4]:
        return _("the part {part} is not UTF-8").format(part=name)
    declared = _DECLARED.match(content)
    if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return _("the part {part} declares the encoding {encoding}, not UTF-8").format(
            part=name, encoding=declared.group(1).decode("ascii"))
    if any(marker in content for marker in _DTD):
        return _("the part {part} declares a DTD or entities, which Word and Excel never "
                 "write and which can make a reader expand text without end or fetch "
                 "files").format(part=name)
    return None


def read_package(data: bytes) -> Package:
    """Every part of the package ``data``, inflated and checked (see the module's
    docstring); :class:`PackageError` saying why when it does not hold."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = _inflated(archive)
    except PackageError:
        raise
    except _DAMAGED as error:
        raise PackageError(_("it is damaged ({error})").format(
            error=str(error) or type(error).__name__)) from error
    for name, content in parts.items():
        problem = _xml_problem(name, content) if name.lower().endswith(_XML_SUFFIXES) else None
        if problem is not None:
            raise PackageError(problem)
    return Package(data, parts)

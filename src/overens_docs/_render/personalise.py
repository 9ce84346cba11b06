"""Personalised copies of a rendered .docx, made fast.

Rendering a docxtpl template costs tens of milliseconds (it re-parses the package each
time), too slow for thousands of organisations. :class:`Personaliser` therefore renders
the template once per *shape* of organisation (which of its optional values it has: an
organisation number, a signing date, a ceremony, ...; see
:data:`~overens_docs._render.context.OPTIONAL_FIELDS`) with placeholder values, then writes each
organisation's copy by replacing the placeholders with the escaped real values.

That is only right when the template prints an organisation's values as they are. A
template that branches on them (``{% if organisation.name|length > 60 %}``) or transforms
them (``{{ organisation.name|upper }}``) would give later organisations the first one's
branch, so :func:`prints_organisation_values_only` reads the template's Jinja first and
such templates are rendered in full for every organisation. The fast path then proves
itself: the first organisation of each shape is also rendered the slow way, and the two
must be identical.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping

from jinja2 import nodes
from markupsafe import escape

from overens_docs._domain import Organisation
from overens_docs._render.context import (
    OPTIONAL_FIELDS,
    ORGANISATION_FIELDS,
    Context,
    organisation_context,
)
from overens_docs._render.docx import DocumentTemplate, template_sources, xml_parts
from overens_docs._render.jinja_env import environment
from overens_docs._reproducible import zip_info

# Plain letters: any other character would make LibreOffice embed a fallback font.
_PLACEHOLDER = "XoverensX{}XplaceholderX"
_PLACEHOLDER_BYTES = re.compile(rb"XoverensX([a-z_]+)XplaceholderX")  # a field's name

# A part split at its placeholders: literal bytes, then a field name, then bytes, ...
_Segments = list[bytes | str]


# What a template may test an organisation for (``{% if organisation.org_number %}``):
# which of its optional values it has (a number, a signing date, a ceremony, ...).
_Shape = tuple[bool, ...]
_SHAPE_FIELDS = frozenset(field for fields in OPTIONAL_FIELDS.values() for field in fields)


def _shape(values: Context) -> _Shape:
    return tuple(values[first] is not None for first in OPTIONAL_FIELDS)


def _shape_of(*, with_number: bool) -> _Shape:
    """The shape of an organisation with (or without) a number and nothing else optional."""
    return tuple(with_number and key == "org_number" for key in OPTIONAL_FIELDS)


def _uses_outside_printing(node: nodes.Node, names: set[str],
                            parent: nodes.Node | None) -> bool:
    """Whether ``node`` (under ``parent``) uses an organisation's values other than by
    printing them as they are, or by testing whether it has an optional value."""
    if isinstance(node, nodes.For) and isinstance(node.iter, nodes.Name) and (
            node.iter.name == "organisations") and isinstance(node.target, nodes.Name):
        inner = names | {node.target.name}
        return any(_uses_outside_printing(child, inner, node)
                   for child in [*node.body, *node.else_, *([node.test] if node.test else [])])
    if isinstance(node, nodes.Name) and node.name in names | {"organisations"}:
        # A bare reference: fine only as the truth test of an if ("if organisations").
        return not (isinstance(parent, nodes.If) and parent.test is node)
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and (
            node.node.name in names):
        printed = isinstance(parent, nodes.Output)
        shape_test = isinstance(parent, nodes.If) and parent.test is node and (
            node.attr in _SHAPE_FIELDS)
        return not (printed or shape_test)
    return any(_uses_outside_printing(child, names, node) for child in node.iter_child_nodes())


def prints_organisation_values_only(template: DocumentTemplate) -> bool:
    """Whether the template uses organisations' values only by printing them as they are
    (and by testing whether an optional one is there): then placeholders can stand in."""
    for _, source in template_sources(template.path, template.within):
        tree = environment().parse(source)
        if _uses_outside_printing(tree, set(), None):
            return False
    return True


def placeholder_organisation(shape: _Shape) -> Context:
    """Placeholders for an organisation of ``shape``: its absent values None."""
    values: Context = {field: _PLACEHOLDER.format(field) for field in ORGANISATION_FIELDS}
    for present, fields in zip(shape, OPTIONAL_FIELDS.values(), strict=True):
        if not present:
            values.update(dict.fromkeys(fields))
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


# The records of a ZIP archive (APPNOTE.TXT 4.3.12, 4.3.16), as zipfile writes them.
_CENTRAL_RECORD = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")


class _Package:
    """A .docx whose parts are fixed but for their placeholders, ready to be copied fast.

    The parts without placeholders are compressed and framed into a zip archive once. Each
    copy is that archive's entries, the filled parts appended, and the central directory:
    the fixed entries' records as they were and the filled parts' after them (what
    zipfile's append mode writes, byte for byte, without reading the archive again for
    each copy). Every entry keeps the date of the rendered document's entries (the build
    date), never the clock's.
    """

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            self.date = source.infolist()[0].date_time
        parts = xml_parts(data)
        self.filled = {name: segments for name, content in parts.items()
                       if (segments := _split(content)) is not None}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            for name, content in parts.items():
                if name not in self.filled:
                    package.writestr(zip_info(name, self.date), content)
        fixed = buffer.getvalue()
        end = _END_RECORD.unpack_from(fixed, len(fixed) - _END_RECORD.size)
        self._count, size, offset = end[3], end[5], end[6]
        self._entries = fixed[:offset]
        self._directory = fixed[offset:offset + size]

    def copy(self, values: Mapping[str, object]) -> bytes:
        """The .docx with placeholders filled from ``values``."""
        out, directory = [self._entries], [self._directory]
        position = len(self._entries)
        for name, segments in self.filled.items():
            data = _fill(segments, values)
            compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
            packed = compressor.compress(data) + compressor.flush()
            info = zip_info(name, self.date)
            info.CRC, info.compress_size, info.file_size = zlib.crc32(data), len(packed), len(data)
            info.header_offset = position
            header = info.FileHeader(zip64=False)
            out += [header, packed]
            position += len(header) + len(packed)
            directory.append(_central_record(info))
        listing = b"".join(directory)
        out += [listing, _END_RECORD.pack(b"PK\x05\x06", 0, 0,
                                          self._count + len(self.filled),
                                          self._count + len(self.filled), len(listing),
                                          position, 0)]
        return b"".join(out)


def _central_record(info: zipfile.ZipInfo) -> bytes:
    """``info``'s record in the central directory (a small file: no ZIP64 fields)."""
    year, month, day, hour, minute, second = info.date_time
    name = info.filename.encode("ascii")  # a part name of a .docx is ASCII
    return _CENTRAL_RECORD.pack(
        b"PK\x01\x02", info.create_version, info.create_system, info.extract_version,
        info.reserved, info.flag_bits, info.compress_type,
        hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day,
        info.CRC, info.compress_size, info.file_size, len(name), len(info.extra),
        len(info.comment), 0, info.internal_attr, info.external_attr,
        info.header_offset) + name + info.extra + info.comment


class Personaliser:
    """Writes one organisation's .docx in about a millisecond (see the module docstring).

    Plain data once proven (:meth:`prove`), so that worker processes can receive it.
    """

    def __init__(self, template: DocumentTemplate) -> None:
        self.template = template
        self._documents: dict[_Shape, bytes] = {}
        self._masters: dict[_Shape, _Package] = {}
        self._proven: set[_Shape] = set()
        self.fast = True

    def _render_for(self, organisation: Context) -> bytes:
        return self.template.render([organisation], include_text=True)

    def master_document(self, *, with_number: bool, shape: _Shape | None = None) -> bytes:
        """The template rendered with placeholders for one organisation (its signature
        page): of ``shape``, else with (or without) a number and nothing else optional."""
        shape = _shape_of(with_number=with_number) if shape is None else shape
        if shape not in self._documents:
            self._documents[shape] = self._render_for(placeholder_organisation(shape))
        return self._documents[shape]

    def _master(self, shape: _Shape) -> _Package:
        if shape not in self._masters:
            self._masters[shape] = _Package(self.master_document(with_number=False,
                                                                 shape=shape))
        return self._masters[shape]

    def prove(self, organisations: Iterable[Organisation]) -> None:
        """Decide on the fast path and prove it for each shape now, before other processes
        copy this one."""
        if self.fast and not prints_organisation_values_only(self.template):
            self.fast = False
        for organisation in organisations:
            if not self.fast:
                return
            if _shape(organisation_context(organisation)) not in self._proven:
                self.document(organisation)

    def document(self, organisation: Organisation) -> bytes:
        values = organisation_context(organisation)
        shape = _shape(values)
        if not self.fast:
            return self._render_for(values)
        data = self._master(shape).copy(values)
        if shape not in self._proven:
            slow = self._render_for(values)
            if xml_parts(slow) != xml_parts(data):
                # The template transforms organisation fields (a filter, a comparison):
                # placeholders cannot stand in for them, so render every copy in full.
                self.fast = False
                return slow
            self._proven.add(shape)
        return data

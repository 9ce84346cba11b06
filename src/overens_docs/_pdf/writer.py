"""Writing a PDF object by object, as it is made, without holding the whole file.

qpdf writes a PDF from a document held whole in memory: for a ceremony file of 30,000
signature pages, about two million objects. :class:`PdfWriter` writes objects taken from
any number of source documents (pikepdf) into one file as they come: a source can be
closed once its objects are written, and memory depends on the largest source, not on the
file. Each object is written once, under a number of its own; an object that refers to
another gets that one's number, and the other is written too (the whole graph an object
reaches, so a page is written with its resources and fonts, once per source).

What the PDF says is what qpdf says: each dictionary and array is qpdf's own unparsed form
(``unparse``), in which only the references change number, and each stream's data is
copied as it is stored. Small objects go into compressed object streams and the
cross-reference table is a compressed stream (PDF 1.5, as PDF/A-2 allows), as qpdf writes
them. The same objects in the same order give the same bytes.

What a source's object must not bring along (a page's ``/Parent``, the whole page tree; a
structure element's ``/P``, the whole tree) is replaced in the source, in memory, by a
placeholder that :meth:`PdfWriter.alias` gives the number of an object written elsewhere.
"""

from __future__ import annotations

import array
import hashlib
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

import pikepdf

# A reference in unparsed PDF, after a delimiter; literal strings are matched first and
# left alone (qpdf escapes every parenthesis inside one, so none ends early). Possessive,
# and a string's closing parenthesis optional: the time is linear in what is read, even in
# text that is not qpdf's (an unclosed string is read once, not from each parenthesis).
_REFERENCE = re.compile(rb"\((?:\\.|[^\\)])*+\)?|(?<![\w.#/+-])(\d++) (\d++) R")
_OBJECTS_PER_STREAM = 100
_BINARY_MARK = b"%\xe2\xe3\xcf\xd3\n"  # tells transfer programs that the file is binary


@dataclass(frozen=True, slots=True)
class Reference:
    """An indirect reference to object ``number`` of the file being written, in values
    made here (see :func:`serialise`)."""

    number: int


Value = (int | float | Decimal | bool | str | bytes | Reference | pikepdf.Object | None
         | Sequence["Value"] | Mapping[str, "Value"])


def serialise(value: Value) -> bytes:  # noqa: PLR0911 -- one return per kind of value
    """``value`` in PDF syntax: a mapping is a dictionary (its keys are names, given with
    their slash), a list an array, ``str`` a name, ``bytes`` a string, :class:`Reference`
    a reference; a pikepdf object must be direct and refer to nothing."""
    if value is None:
        return b"null"
    if value is True or value is False:
        return b"true" if value else b"false"
    if isinstance(value, Reference):
        return b"%d 0 R" % value.number
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, float | Decimal):
        text = format(value, "f") if isinstance(value, Decimal) else f"{value:.6f}"
        return (text.rstrip("0").rstrip(".") if "." in text else text).encode() or b"0"
    if isinstance(value, str):
        return pikepdf.Name(value).unparse()
    if isinstance(value, bytes):
        return b"<" + value.hex().encode() + b">"
    if isinstance(value, pikepdf.Object):
        return value.unparse()
    if isinstance(value, Mapping):
        return b"<< " + b" ".join(serialise(key) + b" " + serialise(item)
                                  for key, item in sorted(value.items())) + b" >>"
    return b"[ " + b" ".join(serialise(item) for item in value) + b" ]"


class PdfWriter:
    """A PDF written to ``out`` object by object (see the module's docstring). Call
    :meth:`finish` once, with the catalog's and the Info dictionary's numbers."""

    def __init__(self, out: BinaryIO, *, version: str = "1.7") -> None:
        self._out = out
        self._position = 0
        self._digest = hashlib.md5()  # noqa: S324 -- the file identifier, as PDF does it
        # Per object number: its type in the cross-reference stream (1 a place in the
        # file, 2 in an object stream), the offset or object stream, the index in it.
        self._types = bytearray(b"\0")
        self._places = array.array("Q", [0])
        self._indexes = array.array("I", [0])
        self._pending: list[tuple[int, bytes]] = []  # small objects for an object stream
        self._numbers: dict[int, dict[tuple[int, int], int]] = {}  # per source: objgen ->
        self._references: dict[int, dict[bytes, bytes]] = {}  # per source: its "n g R" ->
        self._emit(b"%PDF-" + version.encode() + b"\n" + _BINARY_MARK)

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._digest.update(data)
        self._position += len(data)

    def reserve(self) -> int:
        """A number for an object that will be written later."""
        self._types.append(0)
        self._places.append(0)
        self._indexes.append(0)
        return len(self._types) - 1

    def alias(self, source: pikepdf.Pdf, obj: pikepdf.Object, number: int) -> None:
        """Write a reference to object ``number`` wherever ``obj`` (an indirect object of
        ``source``) is referred to, and never ``obj`` itself."""
        self._numbers.setdefault(id(source), {})[obj.objgen] = number

    def number_of(self, source: pikepdf.Pdf, obj: pikepdf.Object) -> int | None:
        """The number ``obj`` of ``source`` has been given, if it has one."""
        return self._numbers.get(id(source), {}).get(obj.objgen)

    def forget(self, source: pikepdf.Pdf) -> None:
        """Drop what is known of ``source``'s objects (before it is closed)."""
        self._numbers.pop(id(source), None)
        self._references.pop(id(source), None)

    def add(self, source: pikepdf.Pdf, obj: pikepdf.Object,
            replacing: Mapping[str, pikepdf.Object | int] | None = None) -> int:
        """Write ``obj`` (an object of ``source``) and every object it reaches that has no
        number yet; returns its number. ``replacing`` gives ``obj`` (a dictionary) other
        values for some keys, in what is written only (``/Parent``, say, a placeholder
        made with :meth:`alias`). A direct ``obj`` is written as an object of its own."""
        numbers = self._numbers.setdefault(id(source), {})
        if obj.is_indirect:
            found = numbers.get(obj.objgen)
            if found is not None:
                return found
            first = numbers[obj.objgen] = self.reserve()
        else:
            first = self.reserve()
        if replacing:
            obj = pikepdf.Dictionary({**dict(obj.items()), **replacing})
        to_write: list[tuple[int, object]] = [(first, obj)]
        written = self._references.setdefault(id(source), {})
        # The hot path of a large build (every object of every signature page passes
        # here): locals rather than attributes, and reserve() inlined.
        types, places, indexes = self._types, self._places, self._indexes
        pending = self._pending
        get_object = source.get_object

        def renumber(match: re.Match[bytes]) -> bytes:
            whole = match[0]
            found = written.get(whole)
            if found is not None:
                return found
            if match[1] is None:
                return whole  # a literal string
            objgen = (int(match[1]), int(match[2]))
            number = numbers.get(objgen)
            if number is None:
                types.append(0)
                places.append(0)
                indexes.append(0)
                number = numbers[objgen] = len(types) - 1
                to_write.append((number, get_object(objgen)))
            reference = written[whole] = b"%d 0 R" % number
            return reference

        substitute = _REFERENCE.sub
        while to_write:
            number, current = to_write.pop()
            if isinstance(current, pikepdf.Stream):
                dictionary = dict(current.stream_dict.items())
                dictionary.pop("/Length", None)
                body = pikepdf.Dictionary(dictionary).unparse()
                self.add_stream(number, substitute(renumber, body), current.read_raw_bytes())
            elif isinstance(current, pikepdf.Object):
                body = current.unparse(resolved=True)
                pending.append((number, substitute(renumber, body) if b" R" in body else body))
                if len(pending) >= _OBJECTS_PER_STREAM:
                    self._flush_objects()
            else:  # a scalar (qpdf gives Python values for them) or a missing object: null
                scalar = current if isinstance(current, int | float | Decimal) else None
                self.add_raw(number, serialise(scalar))
        return first

    def add_raw(self, number: int, body: bytes) -> None:
        """Write object ``number``, a dictionary, array or scalar already in PDF syntax."""
        self._pending.append((number, body))
        if len(self._pending) >= _OBJECTS_PER_STREAM:
            self._flush_objects()

    def add_stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        """Write stream ``number``: ``dictionary`` (in PDF syntax, without ``/Length``)
        and its ``data`` as stored (encoded by the dictionary's filters)."""
        self._types[number] = 1
        self._places[number] = self._position
        self._emit(b"%d 0 obj\n<< /Length %d %s\nstream\n" % (number, len(data),
                                                             dictionary[2:].lstrip())
                   + data + b"\nendstream\nendobj\n")

    def _flush_objects(self) -> None:
        if not self._pending:
            return
        holder = self.reserve()
        offsets, bodies, at = [], [], 0
        for index, (number, body) in enumerate(self._pending):
            self._types[number], self._places[number], self._indexes[number] = 2, holder, index
            offsets.append(b"%d %d" % (number, at))
            bodies.append(body)
            at += len(body) + 1
        head = b" ".join(offsets) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n", 6)
        self.add_stream(holder, b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode >>"
                        % (len(self._pending), len(head)), data)
        self._pending.clear()  # in place: add() holds it

    def finish(self, *, root: int, info: int | None, first_id: bytes) -> None:
        """Write what is pending, the cross-reference stream and the trailer. The file's
        identifier is ``first_id`` (its permanent part) and a digest of its content."""
        self._flush_objects()
        xref = self.reserve()
        self._types[xref], self._places[xref] = 1, self._position
        missing = [number for number in range(1, len(self._types)) if not self._types[number]]
        if missing:
            raise ValueError(f"objects reserved and never written: {missing[:10]}")
        rows = bytearray()
        for number in range(len(self._types)):
            kind = self._types[number]
            rows += bytes([kind]) + self._places[number].to_bytes(5, "big") + (
                self._indexes[number].to_bytes(2, "big") if kind == 2 else
                (b"\xff\xff" if number == 0 else b"\0\0"))
        changing = bytes(self._digest.digest())
        trailer: dict[str, Value] = {"/Type": "/XRef", "/Size": len(self._types), "/W": [1, 5, 2],
                   "/Root": Reference(root), "/ID": [first_id, changing],
                   "/Filter": "/FlateDecode"}
        if info is not None:
            trailer["/Info"] = Reference(info)
        data = zlib.compress(bytes(rows), 6)
        self._emit(b"%d 0 obj\n<< /Length %d %s\nstream\n" % (xref, len(data),
                                                             serialise(trailer)[2:].lstrip())
                   + data + b"\nendstream\nendobj\n")
        self._emit(b"startxref\n%d\n%%%%EOF\n" % self._places[xref])


def add_all(writer: PdfWriter, source: pikepdf.Pdf,
            objects: Iterable[pikepdf.Object]) -> list[int]:
    """Write every object of ``objects`` (indirect objects of ``source``); their numbers."""
    return [writer.add(source, obj) for obj in objects]

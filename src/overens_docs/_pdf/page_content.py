"""What a PDF page shows, as digests that can be compared between two files (pikepdf).

Two digests per page, from the strict to the forgiving:

- ``raw``: the SHA-256 of its content streams decoded and joined. The same file saved
  again by qpdf, or re-compressed, gives the same digest; a page whose streams were split,
  merged or rewritten does not.
- ``shown``: the SHA-256 of its content as instructions (parsed, so white space, stream
  boundaries and encodings do not count), with every resource name an instruction uses
  (a font, an image, a graphics state) replaced by a digest of that resource: its
  dictionary and decoded data, recursively. Two pages with the same ``shown`` draw the same
  things with the same fonts and images, whatever the resources are called in each file;
  a font whose glyphs were swapped changes it. So does the page's box and rotation.

A page number stamp (:mod:`page_numbers`) may be left out of both (``stamp=False``), for
pages numbered differently in two files. Annotations are not content: :func:`annotation_kinds`
lists them, and :func:`active_content` what a PDF would run or carry besides its pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf

from overens_docs._pdf.page_numbers import unstamped

# Operators whose operands name a resource, and the resource category each name is in.
_NAMED = {"Tf": "/Font", "Do": "/XObject", "gs": "/ExtGState", "sh": "/Shading",
          "cs": "/ColorSpace", "CS": "/ColorSpace", "scn": "/Pattern", "SCN": "/Pattern",
          "BDC": "/Properties", "DP": "/Properties"}
# Keys that say how a stream is stored, not what it holds.
_STORAGE = frozenset({"/Length", "/Filter", "/DecodeParms", "/DL", "/Parent"})
_DEPTH = 24  # resources nested deeper than this are not followed


@dataclass(frozen=True, slots=True)
class PageDigest:
    """What one page shows: see the module's docstring."""

    raw: str
    shown: str


def _streams(page: pikepdf.Page, *, stamp: bool) -> list[pikepdf.Object]:
    if not stamp:
        return unstamped(page)
    contents = page.obj.get("/Contents")
    if contents is None:
        return []
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


class _Resources:
    """Digests of the resources of one PDF, each object digested once."""

    def __init__(self) -> None:
        self._done: dict[tuple[int, int], bytes] = {}

    def digest(self, value: object, depth: int = 0, path: frozenset[tuple[int, int]]
               = frozenset()) -> bytes:
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            key = value.objgen
            if key in self._done:
                return self._done[key]
            if key in path or depth > _DEPTH:
                return b"cycle"
            made = self._of(value, depth, path | {key})
            self._done[key] = made
            return made
        return self._of(value, depth, path)

    def _of(self, value: object, depth: int, path: frozenset[tuple[int, int]]) -> bytes:
        digest = hashlib.sha256()
        if isinstance(value, pikepdf.Stream):
            digest.update(b"stream" + self._data(value))
        if isinstance(value, pikepdf.Dictionary | pikepdf.Stream):
            for key in sorted(value.keys()):
                if key not in _STORAGE:
                    digest.update(key.encode() + self.digest(value.get(key), depth + 1, path))
        elif isinstance(value, pikepdf.Array):
            digest.update(b"[")
            for item in value:
                digest.update(self.digest(item, depth + 1, path))
        else:
            digest.update(repr(value).encode())
        return digest.digest()

    @staticmethod
    def _data(stream: pikepdf.Stream) -> bytes:
        try:
            return stream.read_bytes()
        except pikepdf.PdfError:  # a filter qpdf does not decode (an image): as stored
            return stream.read_raw_bytes()


def _shown(page: pikepdf.Page, streams: list[pikepdf.Object], resources: _Resources) -> str:
    digest = hashlib.sha256()
    for key in ("/MediaBox", "/CropBox", "/Rotate", "/UserUnit"):
        digest.update(key.encode() + resources.digest(page.obj.get(key)))
    own = page.obj.get("/Resources")
    named = own if isinstance(own, pikepdf.Dictionary) else pikepdf.Dictionary()
    for stream in streams:
        for instruction in pikepdf.parse_content_stream(stream):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                digest.update(b"inline" + bytes(instruction.iimage.read_bytes()))
                continue
            operator = str(instruction.operator)
            category = _NAMED.get(operator)
            for operand in instruction.operands:
                if category is not None and isinstance(operand, pikepdf.Name):
                    kind = named.get(category)
                    found = kind.get(operand) if isinstance(kind, pikepdf.Dictionary) else None
                    digest.update(b"@" + (resources.digest(found) if found is not None
                                          else str(operand).encode()))
                else:
                    digest.update(resources.digest(operand))
            digest.update(operator.encode() + b"\n")
    return digest.hexdigest()


def page_digests(pdf: pikepdf.Pdf, pages: range | None = None, *,
                 stamp: bool = True) -> list[PageDigest]:
    """The digests of ``pages`` (default: every page) of ``pdf``; ``stamp=False`` leaves a
    page number stamp out. Raises what pikepdf raises for a page it cannot parse."""
    resources = _Resources()
    chosen = range(len(pdf.pages)) if pages is None else pages
    made = []
    for index in chosen:
        page = pdf.pages[index]
        streams = _streams(page, stamp=stamp)
        raw = hashlib.sha256(b"".join(stream.read_bytes() for stream in streams)).hexdigest()
        made.append(PageDigest(raw, _shown(page, streams, resources)))
    return made


def raw_digest(page: pikepdf.Page, *, stamp: bool = True) -> str:
    """Only the ``raw`` digest of ``page``."""
    return hashlib.sha256(b"".join(stream.read_bytes()
                                   for stream in _streams(page, stamp=stamp))).hexdigest()


def raw_digests(pdf: pikepdf.Pdf, *, stamp: bool = True) -> list[str]:
    """Only the ``raw`` digest of every page: cheap enough for thousands of pages."""
    return [raw_digest(page, stamp=stamp) for page in pdf.pages]


def annotation_kinds(page: pikepdf.Page) -> list[str]:
    """The subtypes of ``page``'s annotations (``Widget``, ``Link``, ``Text``, ...)."""
    found = page.obj.get("/Annots")
    if not isinstance(found, pikepdf.Array):
        return []
    return [str(annotation.get("/Subtype", "/?"))[1:] for annotation in found
            if isinstance(annotation, pikepdf.Dictionary)]


_ACTION_KEYS = ("/OpenAction", "/AA", "/A", "/Next", "/JavaScript")
# The events of additional actions (/AA), and where name trees keep theirs.
_EVENT_KEYS = ("/D", "/E", "/O", "/C", "/X", "/U", "/Fo", "/Bl", "/PO", "/PC", "/PV", "/PI",
               "/WC", "/WS", "/DS", "/WP", "/DP", "/K", "/F", "/V", "/Names")


def _actions(value: pikepdf.Object, seen: set[tuple[int, int]], depth: int = 0,
             ) -> Iterator[str]:
    """The action types (``JavaScript``, ``Launch``) reachable from ``value``."""
    if depth > _DEPTH or (value.is_indirect and value.objgen in seen):
        return
    if value.is_indirect:
        seen.add(value.objgen)
    if isinstance(value, pikepdf.Dictionary):
        yield from _dictionary_actions(value, seen, depth)
    elif isinstance(value, pikepdf.Array):
        for item in value:
            if isinstance(item, pikepdf.Dictionary | pikepdf.Array):
                yield from _actions(item, seen, depth + 1)


def _dictionary_actions(value: pikepdf.Dictionary, seen: set[tuple[int, int]],
                        depth: int) -> Iterator[str]:
    kind = value.get("/S")
    if isinstance(kind, pikepdf.Name) and str(kind) in ("/JavaScript", "/Launch"):
        yield str(kind)[1:]
    if "/JS" in value:
        yield "JavaScript"
    for key in _ACTION_KEYS:
        if key in value:
            yield from _actions(value[key], seen, depth + 1)
    for key in _EVENT_KEYS:
        if key in value and isinstance(value[key], pikepdf.Dictionary | pikepdf.Array):
            yield from _actions(value[key], seen, depth + 1)


def active_content(pdf: pikepdf.Pdf) -> list[str]:
    """What ``pdf`` would run or carries besides its pages, each kind once and sorted:
    ``JavaScript``, ``Launch`` (an action that starts a program), ``EmbeddedFile``."""
    kinds: set[str] = set()
    seen: set[tuple[int, int]] = set()
    root = pdf.Root
    kinds.update(_actions(root, seen))
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/EmbeddedFiles" in names:
        kinds.add("EmbeddedFile")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        kinds.add("JavaScript")
    for page in pdf.pages:
        kinds.update(_actions(page.obj, seen))
        found = page.obj.get("/Annots")
        for annotation in found if isinstance(found, pikepdf.Array) else []:
            if not isinstance(annotation, pikepdf.Dictionary):
                continue
            if annotation.get("/Subtype") == pikepdf.Name.FileAttachment:
                kinds.add("EmbeddedFile")
            kinds.update(_actions(annotation, seen))
    return sorted(kinds)

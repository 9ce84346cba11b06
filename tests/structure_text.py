"""The text of a tagged PDF as its structure tree gives it: what a screen reader reaches.

``pdfinfo -struct-text`` (poppler) prints the same, but reads each page's content once per
structure element: 10-15 s for one of the sample's copies. Here each page's content is
read once, by pypdf (not the library the build assembles with), each piece of text put
under the marked-content id (MCID) it is drawn in; then the structure tree is walked in
order, and each element's marked content (an MCID of its page, or a marked-content
reference) gives its text. For the sample's copies this gives poppler's text, but for
the spaces it puts between elements.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject


def _page_texts(reader: PdfReader) -> dict[tuple[int, int], list[str]]:
    """Each page's text by (the page's object number, MCID)."""
    texts: dict[tuple[int, int], list[str]] = {}
    for page in reader.pages:
        reference = page.indirect_reference
        assert reference is not None
        number = reference.idnum
        properties = (page.get("/Resources") or {}).get("/Properties") or {}
        stack: list[int | None] = []

        def before(operator: bytes, operands: list[Any], *_: Any,
                   stack: list[int | None] = stack, properties: Any = properties) -> None:
            if operator == b"BMC":
                stack.append(None)
            elif operator == b"BDC":
                marks = operands[1]
                if isinstance(marks, NameObject):  # a named property list of the page
                    marks = properties.get(marks)
                mcid = marks.get_object().get("/MCID") if marks is not None else None
                stack.append(None if mcid is None else int(mcid))
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(shown: str, *_: Any, stack: list[int | None] = stack, number: int = number,
                 ) -> None:
            mcid = next((mcid for mcid in reversed(stack) if mcid is not None), None)
            if mcid is not None and shown:
                texts.setdefault((number, mcid), []).append(shown)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


def _kids(element: DictionaryObject) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
    return list(kids) if isinstance(kids, ArrayObject) else [kids]


def _marked(element: Any, page: int | None) -> Iterator[tuple[int, int]]:
    """Every (page, MCID) under ``element``, in order; ``page`` is the inherited /Pg."""
    element = element.get_object() if isinstance(element, IndirectObject) else element
    if isinstance(element, int):
        if page is not None:
            yield page, element
        return
    if not isinstance(element, DictionaryObject):
        return
    own = element.get("/Pg")
    if isinstance(own, IndirectObject):
        page = own.idnum
    if element.get("/Type") == "/MCR":
        if page is not None:
            yield page, int(cast(int, element["/MCID"]))
        return
    if element.get("/Type") == "/OBJR":
        return
    for kid in _kids(element):
        yield from _marked(kid, page)


def structure_text(pdf: Path) -> str:
    """The text of ``pdf`` in the order of its structure tree, white space folded."""
    reader = PdfReader(pdf)
    texts = _page_texts(reader)
    root = cast(DictionaryObject, reader.root_object["/StructTreeRoot"].get_object())
    pieces = [piece for kid in _kids(root) for mark in _marked(kid, None)
              for piece in texts.get(mark, [])]
    return " ".join("".join(pieces).split())

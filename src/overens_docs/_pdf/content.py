"""What a page's content holds, for the structure check: its marked-content ids, and
whether it shows text outside tagged content and artifacts (:class:`PageContent`), parsed
once per content stream and known by its digest (:data:`KnownContent`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pikepdf

from overens_docs._pdf.page_numbers import is_stamp

# Operators that open and close marked content. Text is found by where its text objects
# begin (BT): the operators that show text carry arrays that are slow to read into Python,
# and the text objects LibreOffice writes are each inside one marked-content sequence.
_OPENS = frozenset({"BDC", "BMC"})


@dataclass(frozen=True, slots=True)
class PageContent:
    """What the structure check needs of a page's content (or one of its content streams):
    its marked-content ids, and whether it shows text outside both tagged content and
    artifacts (which a screen reader would never reach). ``balanced``: it closes every
    marked-content sequence it opens, and no other, so that what is found in a page's
    streams one by one is what is found in the page."""

    ids: frozenset[int]
    untagged_text: bool
    balanced: bool = True


# PageContent of content streams, by content_key(): parsing a signature page's content
# costs about half a millisecond, so it is parsed once, in its organisation's PDF, and the
# ceremony file's check uses what that found for the same stream (the page number stamped
# on each differs, and is a stream of its own).
KnownContent = dict[bytes, PageContent]


def content_key(stream: pikepdf.Object) -> bytes:
    """A digest of what a content ``stream`` says (decoded: the same content is compressed
    in one file and not yet in another)."""
    return _key(stream.read_bytes())


def _key(data: bytes) -> bytes:
    return hashlib.sha256(len(data).to_bytes(8, "big") + data).digest()


# A page number stamp (see page_numbers.py): an artifact, with no tagged content.
_STAMP = PageContent(frozenset(), untagged_text=False)


def _parsed_content(content: pikepdf.Page | pikepdf.Object) -> PageContent:
    """What a page's content, or one content stream, holds (see :class:`PageContent`)."""
    ids: set[int] = set()
    stack: list[bool] = []  # per open sequence: is its content tagged or an artifact?
    untagged_text = False
    balanced = True
    for instruction in pikepdf.parse_content_stream(content, "BDC BMC EMC BT"):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            continue
        operands, name = instruction.operands, str(instruction.operator)
        if name in _OPENS:
            properties = operands[1] if len(operands) == 2 else None
            mcid = (isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties)
            if mcid:
                ids.add(int(properties.MCID))  # type: ignore[union-attr]
            covered = mcid or str(operands[0]) == "/Artifact"
            stack.append(covered or (bool(stack) and stack[-1]))
        elif name == "EMC":
            if stack:
                stack.pop()
            else:
                balanced = False
        elif name == "BT" and not (stack and stack[-1]):
            untagged_text = True
    return PageContent(frozenset(ids), untagged_text, balanced and not stack)


def page_content(page: pikepdf.Page, known: KnownContent | None = None) -> PageContent:
    """What :class:`PageContent` says of ``page``. With ``known``: stream by stream, each
    from ``known`` if it is there (found in another file), else parsed and added to it;
    the whole page is parsed when one of its streams is not balanced."""
    contents = page.obj.get("/Contents")
    streams = (list(contents) if isinstance(contents, pikepdf.Array)
               else [] if contents is None else [contents])
    if known is None or not all(isinstance(stream, pikepdf.Stream) for stream in streams):
        return _parsed_content(page)
    parts = []
    for stream in streams:
        data = stream.read_bytes()
        key = _key(data)
        if key not in known:
            known[key] = _STAMP if is_stamp(data) else _parsed_content(stream)
        parts.append(known[key])
    if not all(part.balanced for part in parts):
        return _parsed_content(page)
    return PageContent(frozenset().union(*(part.ids for part in parts)),
                       any(part.untagged_text for part in parts))

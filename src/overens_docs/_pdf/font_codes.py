"""What a PDF font's codes mean: the text of each code (its ToUnicode CMap) and the width
of each code of a CID font (its /W array), read from plain values.

Both the PDF form path (pypdf, which fills fields) and the page numbers stamped at assembly
(pikepdf) need them; each library's objects are turned into bytes and plain lists first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_RANGE = re.compile(
    rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(<[0-9A-Fa-f\s]*>|\[[^\[\]]*\])")


def _sections(cmap: bytes, begin: bytes, end: bytes) -> Iterator[bytes]:
    """What stands between each ``begin`` and the ``end`` after it (``beginbfchar`` ...
    ``endbfchar``), found in one pass: a lazy regular expression would look for the end
    again from every ``begin``, in quadratic time when there is none."""
    position = 0
    while (start := cmap.find(begin, position)) >= 0:
        stop = cmap.find(end, start + len(begin))
        if stop < 0:
            return
        yield cmap[start + len(begin):stop]
        position = stop + len(end)


def to_unicode(cmap: bytes, code_bytes: int) -> dict[int, str]:
    """The code -> text mapping of a ToUnicode CMap (its bfchar and bfrange sections), for
    codes of ``code_bytes`` bytes."""
    mapping: dict[int, str] = {}
    for section in _sections(cmap, b"beginbfchar", b"endbfchar"):
        hexes = _HEX.findall(section)
        for source, target in zip(hexes[::2], hexes[1::2], strict=False):
            mapping[_code(source)] = _text(target)
    for section in _sections(cmap, b"beginbfrange", b"endbfrange"):
        for low, high, target in _RANGE.findall(section):
            first, last = _code(low), _code(high)
            if last - first > 0xFFFF:
                continue
            if target.startswith(b"["):
                for offset, item in enumerate(_HEX.findall(target)):
                    mapping[first + offset] = _text(item)
            else:
                start = _text(target.strip(b"<>"))
                if not start:
                    continue
                for offset in range(last - first + 1):
                    mapping[first + offset] = start[:-1] + chr(ord(start[-1]) + offset)
    limit = 1 << (8 * code_bytes)
    return {code: text for code, text in mapping.items() if code < limit}


def cid_widths(entries: Sequence[float | Sequence[float]]) -> dict[int, float]:
    """A CID font's /W array (numbers, and lists of numbers) as each code's width."""
    widths: dict[int, float] = {}
    index = 0
    while index + 1 < len(entries):
        first, following = int(_number(entries[index])), entries[index + 1]
        if not isinstance(following, (int, float)):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            index += 2
        elif index + 2 < len(entries):
            width = _number(entries[index + 2])
            for code in range(first, int(following) + 1):
                widths[code] = width
            index += 3
        else:
            break
    return widths


def _number(value: float | Sequence[float]) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    raise ValueError(f"a /W array holds a list where a number belongs: {value!r}")


def _code(hex_digits: bytes) -> int:
    digits = b"".join(hex_digits.split())
    return int(digits, 16) if digits else 0


def _text(hex_digits: bytes) -> str:
    digits = b"".join(hex_digits.split())
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii")).decode("utf-16-be", "replace")

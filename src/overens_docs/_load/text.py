"""Text as a user sees it: decoding bytes as UTF-8, naming characters, and lines.

Findings point at a line and column that an editor shows; parsers sometimes count
differently (libyaml takes U+2028 for a line break, its reader counts bytes), so every
position a parser gives passes through :class:`EditorPositions`.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from pathlib import Path

from overens_docs._findings import Finding, Severity
from overens_docs._i18n import _
from overens_docs._load.input_files import InputRefusedError, read_input
from overens_docs._load.positions import Loaded, SourceMap

BOM = "\ufeff"

# Line breaks as editors count them. libyaml also breaks lines at NEL (U+0085) and at the
# line and paragraph separators (U+2028, U+2029), which editors show within a line.
_EDITOR_BREAK = re.compile(r"\r\n|[\r\n]")
_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
YAML_ONLY_BREAKS = "\x85\u2028\u2029"

# Control characters have no Unicode name, only aliases that unicodedata does not give.
_CONTROL_NAMES = {
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED",
    0x0B: "VERTICAL TAB", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE",
    0x7F: "DELETE", 0x85: "NEXT LINE",
}


def describe_character(character: str) -> str:
    """``"\\u200b"`` -> ``U+200B ZERO WIDTH SPACE``: the code point and a readable name."""
    code = ord(character)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(character, "")
    if not name and (0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE):
        name = "NONCHARACTER"
    elif not name:
        name = "CONTROL CHARACTER" if unicodedata.category(character) == "Cc" else "CHARACTER"
    return f"U+{code:04X} {name}"


class EditorPositions:
    """Lines and columns (1-based) as an editor shows them, for one file's text.

    Translates a parser's 0-based (line, column) or a character index, and clamps places
    past the end of the file (a parser reports "end of file" one line after the last) to
    the end of the last line.
    """

    def __init__(self, text: str, *, parser_breaks: re.Pattern[str] | None = None) -> None:
        self.text = text
        # Places past the last character that is not white space (the end of the file for
        # a parser) are shown at the end of that character's line.
        self._content_end = len(text.rstrip())
        last = max(self._content_end - 1, 0)
        self._starts: list[int] | None = None  # of every line; made when first needed
        if "\r" in text:
            self.lines = max(1, bisect.bisect_right(self._line_starts(), last))
        else:  # the common case, without a list of every line
            self.lines = text.count("\n", 0, last) + 1
        # Only when the parser breaks lines elsewhere: then its line numbers need mapping.
        self._parser_starts: list[int] | None = None
        if parser_breaks is not None and any(c in text for c in YAML_ONLY_BREAKS):
            self._parser_starts = [0] + [m.end() for m in parser_breaks.finditer(text)]
        self.parser_agrees = self._parser_starts is None

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0] + [match.end() for match in _EDITOR_BREAK.finditer(self.text)]
        return self._starts

    @classmethod
    def for_yaml(cls, text: str) -> EditorPositions:
        return cls(text, parser_breaks=_YAML_BREAK)

    def end(self) -> tuple[int, int]:
        """The place just after the last character of the last line."""
        return self.lines, self._content_end - self._line_starts()[self.lines - 1] + 1

    def at_index(self, index: int) -> tuple[int, int]:
        """The place of the character at ``index`` in the text."""
        if index >= self._content_end:
            return self.end()
        starts = self._line_starts()
        line = bisect.bisect_right(starts, index) - 1
        return line + 1, index - starts[line] + 1

    def at(self, line: int, column: int) -> tuple[int, int]:
        """The place a parser calls (0-based) ``line``, ``column``."""
        if self._parser_starts is not None:
            line = min(line, len(self._parser_starts) - 1)
            return self.at_index(self._parser_starts[line] + column)
        if line >= self.lines:
            return self.end()
        return line + 1, column + 1


def _utf16_problem(raw: bytes) -> str | None:
    """How ``raw`` looks like UTF-16, or None.

    Without a byte-order mark, UTF-16 text that is mostly ASCII is valid UTF-8 (every
    other byte a NUL), so it is recognised by its NULs rather than by a decoding error.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        order = "little-endian" if raw.startswith(b"\xff\xfe") else "big-endian"
        return f"UTF-16 ({order}, with a byte-order mark)"
    sample = raw[:4096]
    pairs = len(sample) // 2
    if pairs < 2 or sample.count(0) < pairs // 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls >= pairs * 0.6 and even_nuls <= pairs * 0.1:
        return "UTF-16 (little-endian)"
    if even_nuls >= pairs * 0.6 and odd_nuls <= pairs * 0.1:
        return "UTF-16 (big-endian)"
    return None


def decode_utf8(raw: bytes, file: str) -> tuple[str | None, Finding | None]:
    """Decode ``raw`` as UTF-8 (a leading byte-order mark is allowed and dropped)."""
    utf16 = _utf16_problem(raw)
    if utf16 is not None:
        message = _(
            "The file is saved as {encoding}, not UTF-8. Save it as UTF-8: in Excel choose "
            "'Spara som' -> 'CSV UTF-8 (kommaavgränsad)', in an editor choose the encoding "
            "UTF-8.").format(encoding=utf16)
        return None, Finding(file, 1, 1, "$", "encoding", Severity.ERROR, message)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", errors="replace").removeprefix(BOM)
        breaks = list(_EDITOR_BREAK.finditer(before))
        line = len(breaks) + 1
        column = len(before) - (breaks[-1].end() if breaks else 0) + 1
        bad = raw[error.start]
        message = _("The file is not UTF-8: byte 0x{byte} cannot be read.").format(
            byte=f"{bad:02x}")
        if 0x80 <= bad <= 0xFF:
            guess = bytes([bad]).decode("cp1252", errors="replace")
            message += " " + _(
                "It looks like Windows-1252 ('{guess}'): in Excel choose 'Spara som' -> "
                "'CSV UTF-8 (kommaavgränsad)', in an editor save as UTF-8.").format(guess=guess)
        return None, Finding(file, line, column, "$", "encoding", Severity.ERROR, message)
    return text.removeprefix(BOM), None


def read_text(path: Path, display_name: str | None = None) -> tuple[Loaded, str | None]:
    """A new :class:`Loaded` for ``path`` and the file's text; the text is None (and the
    Loaded holds the finding) when the file is not UTF-8, or is refused as input (see
    :mod:`overens_docs._load.input_files`)."""
    file = display_name or str(path)
    loaded = Loaded(SourceMap(file))
    try:
        raw = read_input(path)
    except InputRefusedError as refused:
        loaded.findings.append(refused.finding(file))
        return loaded, None
    text, problem = decode_utf8(raw, file)
    if problem is not None:
        loaded.findings.append(problem)
    return loaded, text

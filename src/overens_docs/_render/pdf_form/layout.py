"""Laying out a value in a form field: finished lines and a font size that fits.

pypdf wraps text only when the field's font size is 0 (auto) and then starts at 12 pt; so
the text is wrapped and sized here (the ``/DA`` size at most, smaller until the text fits the
field, never below :data:`MIN_FONT_SIZE`) and pypdf gets finished lines and a fixed size.
The four name and title fields are bottom-aligned, so they sit on their signature line.
"""

from __future__ import annotations

from dataclasses import dataclass

from overens_docs._errors import OverensError
from overens_docs._i18n import _
from overens_docs._render.pdf_form.fonts import FieldFont

MIN_FONT_SIZE = 5.0
"""The smallest size a value is shrunk to; a value that does not fit even then is an error."""
_FONT_SIZE_STEP = 0.25
_ONE_LINE_RATIO = 0.8
"""A multi-line field's value that fits on one line at 80 % of the field's size is not wrapped."""
_BOTTOM_ALIGNED = frozenset(
    {"signatory_name", "signatory_title", "representative", "representative_title"}
)
"""Fields that sit on a signature line: their text goes to the bottom of the field."""


@dataclass(frozen=True)
class Field:
    name: str
    font: FieldFont
    size: float  # the /DA size, or the default for auto (0)
    width: float  # the width text may use
    height: float  # the height text may use
    multiline: bool
    align_right: bool



def layout(field: Field, value: str) -> tuple[str, float]:
    """The value as finished lines (joined by newlines) and the font size to draw them at."""
    paragraphs = [_spaces(line) for line in value.splitlines()] or [""]
    if not field.multiline:
        paragraphs = [" ".join(p for p in paragraphs if p)]
    if not any(p.strip() for p in paragraphs):
        return "", field.size
    font = field.font
    size = field.size
    one_line = _one_line_size(field, paragraphs)
    if one_line is not None:
        lines, size = paragraphs, one_line
    while one_line is None:
        if field.multiline:
            lines = [line for p in paragraphs for line in _wrap(font, p, field.width / size)]
            needed = size * (font.top - font.bottom + (len(lines) - 1) * font.leading)
            fits = needed <= field.height + 0.01
        else:
            lines = paragraphs
            fits = (
                font.text_width(lines[0]) * size <= field.width
                and size * (font.top - font.bottom) <= field.height + 0.01
            )
        if fits:
            break
        if size - _FONT_SIZE_STEP < MIN_FONT_SIZE:
            raise OverensError(
                _("the value of field '{field}' ({count} characters) does not fit the field "
                  "even at {size} pt").format(field=field.name, count=len(value),
                                              size=f"{MIN_FONT_SIZE:g}"))
        size -= _FONT_SIZE_STEP
    if field.multiline and field.name in _BOTTOM_ALIGNED:
        spare = field.height - size * (font.top - font.bottom + (len(lines) - 1) * font.leading)
        lines = [""] * int(spare // (size * font.leading)) + lines
    if field.align_right:
        # pypdf clips right-aligned text about 2 pt before it ends; a space makes up for it
        lines = [line + " " for line in lines]
    return "\n".join(lines), size


def _one_line_size(field: Field, paragraphs: list[str]) -> float | None:
    """The size at which a one-paragraph value of a multi-line field fits on one line, if that
    is not much smaller than the field's size (a short name reads better unwrapped)."""
    if not field.multiline or len(paragraphs) != 1:
        return None
    width = field.font.text_width(paragraphs[0])
    if width * field.size <= field.width:
        return field.size
    size = field.width / width
    size = max(_FONT_SIZE_STEP * int(size / _FONT_SIZE_STEP), MIN_FONT_SIZE)
    height = size * (field.font.top - field.font.bottom)
    if size >= field.size * _ONE_LINE_RATIO and height <= field.height:
        return size
    return None


def _spaces(text: str) -> str:
    return "".join(" " if char.isspace() else char for char in text)


def _wrap(font: FieldFont, paragraph: str, width: float) -> list[str]:
    """Break a paragraph into lines no wider than ``width`` (in em at 1 pt = text units)."""
    lines: list[str] = []
    current = ""
    for word in paragraph.split(" "):
        candidate = f"{current} {word}" if current else word
        if font.text_width(candidate) <= width or (not current and not word):
            current = candidate
            continue
        if current:
            lines.append(current)
        rest = word
        while font.text_width(rest) > width:  # a word longer than the line: break it
            cut = len(rest)
            while cut > 1 and font.text_width(rest[:cut]) > width:
                cut -= 1
            lines.append(rest[:cut])
            rest = rest[cut:]
        current = rest
    lines.append(current)
    return lines

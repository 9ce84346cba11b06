"""Page numbers stamped on signature pages as the PDFs are assembled.

The same signature page (one page of a LibreOffice batch) is the last page of an
organisation's PDF and one page of ``signature-pages.pdf``, where it counts differently; so
LibreOffice prints no number on it, and assembly stamps one: "sida N av N" in the
organisation's PDF, "sida k av M" in the ceremony file.

The stamp looks like the text pages' own footer number, whatever the template: where,
in which font, size and colour the text pages print theirs is read from the master PDF's
first text page (:func:`find_footer`), and the stamp is right-aligned to where that
footer ends. It is drawn with the very font object the footer uses, which is embedded
(PDF/A): the master's .docx carries every glyph a number needs on its own signature page,
which assembly leaves out (:func:`overens_docs._render.docx.with_page_number_glyphs`), so
that LibreOffice's subset of that font holds them all. A glyph it lacks all the same is
refused (:class:`PageNumberError`), never drawn as another one.

Each stamp is a content stream of its own appended to the page's ``/Contents`` (the
page's own streams stay as they are), marked as a pagination artifact (so that the
page's tagging stays whole), with the font under a name of its own in the page's
resources. Its exact form (:data:`STAMP`) lets ``overens verify`` leave it out when it
compares pages, and a ceremony file made anew (``--only``) replace an earlier one.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from decimal import Decimal

import pikepdf

from overens_docs._errors import OverensError
from overens_docs._pdf.font_codes import cid_widths, to_unicode

FONT = pikepdf.Name("/OverensPageNumber")  # the font's name in a stamped page's resources
TEXT = "sida {page} av {pages}"
_NEEDED = frozenset("sida av0123456789")
_READ = re.compile(r"(?<!\s)\s*sida [0-9]+ av [0-9]+$")  # a stamp in a page's text, at its end

# A stamp, exactly as :meth:`PageNumbers.stream` writes it.
STAMP = re.compile(
    rb"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
    rb"q\n(?:-?[0-9.]+ ){1,4}(?:g|rg|k)\nBT\n"
    rb"/OverensPageNumber [0-9.]+ Tf\n-?[0-9.]+ -?[0-9.]+ Td\n<(?:[0-9A-F]{2})++> Tj\n"
    rb"ET\nQ\nEMC\n")

# Text farther than this from the footer's baseline is on another line.
_SAME_LINE = 0.5

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class PageNumberError(OverensError):
    """The footer's font cannot draw a page number: its subset lacks glyphs."""


def without_number(text: str) -> str:
    """A signature page's text (white space folded) without the stamped page number, which
    a text extraction gives last (the stamp is drawn last)."""
    return _READ.sub("", text)


def is_stamp(data: bytes) -> bool:
    """Whether ``data`` (a content stream, decoded) is exactly a page number stamp."""
    return STAMP.fullmatch(data) is not None


@dataclass(frozen=True, slots=True)
class Footer:
    """How and where the text pages print their page number: its font (an object of the
    PDF it was read from), size, fill colour (the operator as written), the baseline and
    the right edge of the footer's number, in points."""

    font: pikepdf.Object
    size: float
    colour: bytes
    baseline: float
    right: float


def _multiply(first: _Matrix, second: _Matrix) -> _Matrix:
    a, b, c, d, e, f = first
    p, q, r, s, t, u = second
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


class _Encoding:
    """A font's codes and widths: the code that draws each character (from its
    ToUnicode map) and each code's advance width in thousandths of the font size."""

    def __init__(self, font: pikepdf.Object) -> None:
        subtype = font.get("/Subtype")
        if subtype == pikepdf.Name.Type0:
            if font.get("/Encoding") != pikepdf.Name("/Identity-H"):
                raise PageNumberError(f"its font {font.get('/BaseFont')} is not encoded "
                                    "Identity-H")
            self.code_length = 2
            descendant = font.DescendantFonts[0]
            self._default = float(descendant.get("/DW", 1000))
            widths = descendant.get("/W")
            self._widths = cid_widths([
                [float(width) for width in item] if isinstance(item, pikepdf.Array)
                else float(item)
                for item in (widths if isinstance(widths, pikepdf.Array) else [])])
        elif subtype in (pikepdf.Name.TrueType, pikepdf.Name.Type1):
            self.code_length = 1
            first = int(font.get("/FirstChar", 0))
            self._widths = {first + index: float(width)
                            for index, width in enumerate(font.get("/Widths") or [])}
            descriptor = font.get("/FontDescriptor")
            self._default = float(descriptor.get("/MissingWidth", 0)) if descriptor else 0.0
        else:
            raise PageNumberError(f"its font {font.get('/BaseFont')} is a {subtype} font")
        if "/ToUnicode" not in font:
            raise PageNumberError(f"its font {font.get('/BaseFont')} has no ToUnicode map")
        self.text = to_unicode(font.ToUnicode.read_bytes(), self.code_length)
        self.codes: dict[str, int] = {}
        for code in sorted(self.text):  # the lowest code of each character
            self.codes.setdefault(self.text[code], code)

    def width(self, code: int) -> float:
        return self._widths.get(code, self._default)

    def split(self, data: bytes) -> list[int]:
        size = self.code_length
        return [int.from_bytes(data[index:index + size], "big")
                for index in range(0, len(data) - size + 1, size)]


@dataclass(frozen=True, slots=True)
class _Run:
    """Text shown by one text-showing operator."""

    text: str
    font: pikepdf.Object
    size: float  # in points on the page
    colour: bytes | None
    start: float
    end: float
    baseline: float
    artifact: bool


class _Reader:
    """Follows a page's content stream far enough to tell where its text is drawn: the
    transformation and text matrices, the font and fill colour, and whether the text is
    marked as an artifact."""

    def __init__(self, page: pikepdf.Page) -> None:
        resources = page.obj.get("/Resources") or pikepdf.Dictionary()
        self.fonts = resources.get("/Font") or pikepdf.Dictionary()
        self.encodings: dict[str, _Encoding | None] = {}
        self.runs: list[_Run] = []
        self.ctm, self.colour = _IDENTITY, b"0 g"
        self.saved: list[tuple[_Matrix, bytes | None]] = []
        self.marked: list[bool] = []
        self.matrix = self.line = _IDENTITY
        self.font: str | None = None
        self.size = self.leading = self.spacing = self.word_spacing = 0.0
        self.scale = 1.0
        self.fill: bytes | None = b"0 g"
        for instruction in pikepdf.parse_content_stream(page):
            if isinstance(instruction, pikepdf.ContentStreamInstruction):
                self._do(str(instruction.operator), list(instruction.operands))

    def _encoding(self) -> _Encoding | None:
        if self.font is None or self.font not in self.fonts:
            return None
        if self.font not in self.encodings:
            try:
                self.encodings[self.font] = _Encoding(self.fonts[self.font])
            except (PageNumberError, ValueError, KeyError, TypeError):
                self.encodings[self.font] = None
        return self.encodings[self.font]

    def _move(self, x: float, y: float) -> None:
        self.line = _multiply((1.0, 0.0, 0.0, 1.0, x, y), self.line)
        self.matrix = self.line

    def _do(self, operator: str, operands: list[object]) -> None:  # noqa: PLR0912
        numbers = [float(item) for item in operands
                   if isinstance(item, int | float | Decimal)]
        if operator == "q":
            self.saved.append((self.ctm, self.fill))
        elif operator == "Q" and self.saved:
            self.ctm, self.fill = self.saved.pop()
        elif operator == "cm" and len(numbers) == 6:
            self.ctm = _multiply((numbers[0], numbers[1], numbers[2], numbers[3], numbers[4],
                                  numbers[5]), self.ctm)
        elif operator in ("g", "rg", "k"):
            self.fill = (" ".join(str(item) for item in operands) + f" {operator}").encode()
        elif operator in ("cs", "sc", "scn"):
            self.fill = None  # not a plain colour: not one a stamp copies
        elif operator in ("BDC", "BMC"):
            artifact = bool(operands) and operands[0] == pikepdf.Name.Artifact
            self.marked.append(artifact or (bool(self.marked) and self.marked[-1]))
        elif operator == "EMC" and self.marked:
            self.marked.pop()
        elif operator == "BT":
            self.matrix = self.line = _IDENTITY
        elif operator in ("Td", "TD") and len(numbers) == 2:
            if operator == "TD":
                self.leading = -numbers[1]
            self._move(numbers[0], numbers[1])
        elif operator == "Tm" and len(numbers) == 6:
            self.matrix = self.line = (numbers[0], numbers[1], numbers[2], numbers[3],
                                       numbers[4], numbers[5])
        elif operator == "T*":
            self._move(0.0, -self.leading)
        elif operator == "TL" and numbers:
            self.leading = numbers[0]
        elif operator == "Tc" and numbers:
            self.spacing = numbers[0]
        elif operator == "Tw" and numbers:
            self.word_spacing = numbers[0]
        elif operator == "Tz" and numbers:
            self.scale = numbers[0] / 100
        elif operator == "Tf" and len(operands) == 2:
            self.font, self.size = str(operands[0]), float(operands[1])  # type: ignore[arg-type]
        elif operator in ("Tj", "'", '"', "TJ"):
            if operator in ("'", '"'):
                self._move(0.0, -self.leading)
            if operator == '"' and len(numbers) == 2:
                self.word_spacing, self.spacing = numbers
            self._show(operands[-1] if operands else pikepdf.Array())

    def _show(self, shown: object) -> None:
        encoding = self._encoding()
        if encoding is None or self.font is None:
            return
        pieces = list(shown) if isinstance(shown, pikepdf.Array) else [shown]
        advance, text = 0.0, []
        for piece in pieces:
            if isinstance(piece, pikepdf.String):
                for code in encoding.split(bytes(piece)):
                    text.append(encoding.text.get(code, "\ufffd"))
                    space = self.word_spacing if (encoding.code_length == 1 and code == 32) else 0
                    advance += (encoding.width(code) / 1000 * self.size + self.spacing
                                + space) * self.scale
            elif isinstance(piece, int | float | Decimal):
                advance -= float(piece) / 1000 * self.size * self.scale
        a, b, c, d, e, f = _multiply(self.matrix, self.ctm)
        self.matrix = _multiply((1.0, 0.0, 0.0, 1.0, advance, 0.0), self.matrix)
        if abs(b) > 1e-6 or abs(c) > 1e-6 or a <= 0 or abs(a - d) > 1e-6:
            return  # rotated, mirrored or stretched: never a footer to match
        self.runs.append(_Run("".join(text), self.fonts[self.font], self.size * a,
                              self.fill, e, e + advance * a, f,
                              bool(self.marked) and self.marked[-1]))


def find_footer(page: pikepdf.Page, pages: int) -> Footer:
    """How ``page`` (a text page of a document of ``pages`` pages) prints its page number
    in its footer: the artifact text that says "sida", else the one that is the page
    count, lowest on the page; the footer ends where the text on its line to the right
    of it ends. :class:`PageNumberError` if there is none."""
    runs = [run for run in _Reader(page).runs if run.artifact]
    marks = ([run for run in runs if "sida" in run.text.casefold()]
             or [run for run in runs if run.text.strip() == str(pages)])
    if not marks:
        raise PageNumberError("the text pages print no page number that can be found "
                            "(no 'sida', nor the page count, in their footer)")
    mark = min(marks, key=lambda run: (run.baseline, -run.start))
    line = [run for run in runs if abs(run.baseline - mark.baseline) < _SAME_LINE
            and run.start >= mark.start - _SAME_LINE]
    return Footer(mark.font, mark.size, mark.colour or b"0 g", mark.baseline,
                  max(run.end for run in line))


def _number(value: float) -> bytes:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode()


class PageNumbers:
    """Makes the stamp "sida k av M" for any page, in the footer's font and place; made
    once (the font is read here), each stamp is then a few string operations."""

    def __init__(self, footer: Footer) -> None:
        self.footer = footer
        encoding = _Encoding(footer.font)
        missing = sorted(character for character in _NEEDED
                         if character not in encoding.codes)
        if missing:
            raise PageNumberError(
                f"the footer's font {footer.font.get('/BaseFont')} lacks the glyphs for "
                f"{''.join(missing)!r}")
        digits = 2 * encoding.code_length
        self._codes = {character: f"{encoding.codes[character]:0{digits}X}"
                       for character in _NEEDED}
        self._widths = {character: encoding.width(encoding.codes[character]) / 1000
                        * footer.size for character in _NEEDED}
        self._head = (b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq\n"
                      + footer.colour + b"\nBT\n" + FONT.unparse() + b" "
                      + _number(footer.size) + b" Tf\n")
        self._baseline = _number(footer.baseline)

    def stream_object(self, pdf: pikepdf.Pdf, page: int, pages: int) -> pikepdf.Object:
        """:meth:`stream` as a stream of ``pdf``, compressed here (so not at every save)."""
        data = zlib.compress(self.stream(page, pages), 9)
        made = pdf.make_stream(b"")
        made.write(data, filter=pikepdf.Name.FlateDecode)
        return made

    def stream(self, page: int, pages: int) -> bytes:
        """The content stream that draws "sida ``page`` av ``pages``"."""
        text = TEXT.format(page=page, pages=pages)
        width = sum(self._widths[character] for character in text)
        codes = "".join(self._codes[character] for character in text)
        return (self._head + _number(self.footer.right - width) + b" " + self._baseline
                + b" Td\n<" + codes.encode() + b"> Tj\nET\nQ\nEMC\n")

    def font_for(self, pdf: pikepdf.Pdf) -> pikepdf.Object:
        """The footer's font as an object of ``pdf`` (the same one, if it is copied there
        already, as with the text pages)."""
        font = self.footer.font
        return font if font.is_owned_by(pdf) else pdf.copy_foreign(font)


def unstamped(page: pikepdf.Page) -> list[pikepdf.Object]:
    """The content streams of ``page`` but for a stamp at the end."""
    contents = page.obj.get("/Contents")
    if contents is None:
        return []
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    if len(streams) > 1 and is_stamp(streams[-1].read_bytes()):
        streams.pop()
    return streams


def stamp(page: pikepdf.Page, stream: pikepdf.Object, font: pikepdf.Object,
          made: dict[tuple[int, int], pikepdf.Object] | None = None) -> None:
    """Draw ``stream`` (a stamp, an object of ``page``'s PDF) on ``page`` with ``font``,
    in place of the stamp it may carry already. The page's resources, which LibreOffice
    shares between pages, are replaced, never changed: by a copy with the font added,
    made once per shared resource dictionary when ``made`` keeps them."""
    page.obj.Contents = pikepdf.Array([*unstamped(page), stream])
    resources = page.obj.get("/Resources")
    key = resources.objgen if resources is not None and resources.is_indirect else None
    if made is not None and key is not None and key in made:
        page.obj.Resources = made[key]
        return
    fonts = resources.get("/Font") if resources is not None else None
    new_fonts = pikepdf.Dictionary({str(name): value for name, value in
                                    (fonts.items() if fonts is not None else [])})
    new_fonts[FONT] = font
    new_resources = pikepdf.Dictionary({str(name): value for name, value in
                                        (resources.items() if resources is not None else [])})
    new_resources.Font = new_fonts
    if made is not None and key is not None:  # an indirect object of the page's PDF
        made[key] = page.obj.Resources = new_resources.with_same_owner_as(page.obj)
    else:
        page.obj.Resources = new_resources

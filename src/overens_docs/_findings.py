"""Findings: what validation (and a build) found, as plain data.

Every stage returns findings instead of raising or printing, so that one run reports all
of them and the text and JSON reporters share one model.

A message quotes what it found in the input only as :func:`excerpt` gives it: short, and
with every character that is not printable written as its code. As a last guard, a finding
writes any such character of its message (and of ``words``) as its code too, and cuts a
message longer than :data:`MESSAGE_MOST`: no input, however long or strange, can make a
message long, or clear a terminal, or print the rest of a line backwards.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

EXCERPT_MOST = 60  # characters of input a message quotes
MESSAGE_MOST = 2000


def _escaped(text: str) -> str:
    """``text`` with each character that is not printable (a control, a format or
    bidirectional character, a line or paragraph separator) as ``\\uXXXX``."""
    if text.isprintable():
        return text
    return "".join(character if character.isprintable() else f"\\u{ord(character):04x}"
                   for character in text)


def excerpt(value: object, most: int = EXCERPT_MOST) -> str:
    """``value`` as a message quotes it: its first ``most`` characters (then "…"), each
    that is not printable written as its code (``\\u202e``)."""
    text = str(value)
    return _escaped(text[:most]) + ("…" if len(text) > most else "")


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, pointing at the place in a source file that causes it.

    ``line`` and ``column`` are 1-based. For CSV files the column is the number of the
    cell (A = 1), as a spreadsheet counts. For an Excel workbook ``sheet`` names the
    worksheet, ``line`` is the row and ``column`` the column number (C7: line 7, column 3);
    it is None for every other file. ``path`` is a JSON path into the loaded data
    (``$.parties[0].commitments[2]``), or ``$`` for the file as a whole. ``page`` is the
    1-based page of a PDF a finding is about (``overens verify``), else None. In a Word
    template (``overens template check``) ``part`` is the part of the package
    (``word/document.xml``, ``word/header1.xml``), ``paragraph`` the 1-based paragraph in it
    (every paragraph in document order, empty ones and those in tables too), and
    ``words`` that paragraph's first words, to find it by.
    """

    file: str
    line: int | None
    column: int | None
    path: str
    rule: str
    severity: Severity
    message: str
    sheet: str | None = None
    page: int | None = None
    part: str | None = None
    paragraph: int | None = None
    words: str | None = None

    def __post_init__(self) -> None:
        if not self.message.isprintable() or len(self.message) > MESSAGE_MOST:
            message = _escaped(self.message)
            if len(message) > MESSAGE_MOST:
                message = message[:MESSAGE_MOST - 1] + "…"
            object.__setattr__(self, "message", message)
        for name in ("words", "sheet", "path"):
            value = getattr(self, name)
            if value is not None and not value.isprintable():
                object.__setattr__(self, name, _escaped(value))

    def sort_key(self) -> tuple[str, int, str, int, int, int, str]:
        return (self.file, self.page or 0, self.part or "", self.paragraph or 0,
                self.line or 0, self.column or 0, self.rule)

    @property
    def cell(self) -> str | None:
        """The spreadsheet cell (``C7``) of a finding in a workbook, when it has one."""
        if self.sheet is None or self.line is None or self.column is None:
            return None
        return f"{column_letters(self.column)}{self.line}"

    def as_dict(self) -> dict[str, object]:
        document: dict[str, object] = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
        }
        if self.page is not None:
            document["page"] = self.page
        if self.part is not None:
            document.update(part=self.part, paragraph=self.paragraph, words=self.words)
        if self.sheet is not None:
            # Spreadsheet users think in sheets, rows and cells; "line" stays for programs
            # that read every finding alike.
            document.update(sheet=self.sheet, row=self.line, cell=self.cell)
        return document


def column_letters(number: int) -> str:
    """1 -> ``A``, 27 -> ``AA``: a column number as a spreadsheet names it."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(slots=True)
class Report:
    """All findings of a run, and which files were checked."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.WARNING)

    def fails(self, *, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

"""Reading a filled-in follow-up workbook back, and checking it against the agreement.

Whatever the workbook holds gives findings, never an exception, each at the cell a person
changes (``uppfoljning-2024.xlsx:Uppföljning!F12``): a status not on the scale, an id the
agreement does not have or a row twice, a locked cell that no longer says what the
agreement says, an item of the agreement without a row. A workbook of an earlier year is
read leniently (``strict=False``): only its statuses count, for the comparison over the
years, and the agreement may have changed since it was made.
"""

from __future__ import annotations

import datetime
import io
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
from lxml import etree
from openpyxl.utils.exceptions import InvalidFileException

from overens_docs._findings import Finding, Severity, column_letters, excerpt
from overens_docs._followup.items import SCALE, Item, Progress
from overens_docs._followup.layout import (
    FIRST_ROW_SEARCH,
    LOCKED,
    OLD_TEXT_LABEL,
    ORGANISATION_ID_LABEL,
    ORGANISATION_LABEL,
    TEXT_LABEL,
    YEAR_LABEL,
    Kind,
)
from overens_docs._i18n import _
from overens_docs._load.input_files import InputRefusedError, read_input
from overens_docs._load.package import PackageError, read_package

# A returned workbook comes from anyone: it is read as every input is (a regular file in its
# folder, inflated within bounds, XML without DTDs), and any damage is a finding.
_UNREADABLE = (PackageError, zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError,
               ValueError, TypeError, IndexError, AttributeError, NotImplementedError,
               ElementTree.ParseError, etree.XMLSyntaxError, EOFError, OSError)
_LOCKED_NAMES = ("id", "who", "text", "principles", "time")
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """One row as filled in: the status (None: not assessed) and the other fill-in cells."""

    id: str
    status: Progress | None
    notes: tuple[str | None, ...]  # the fill-in cells after the status, in their order
    row: int


@dataclass(slots=True)
class Read:
    """A workbook as read: its entries by item id, its facts, and what was found."""

    file: str
    sheet: str
    entries: dict[str, Entry] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)  # label -> value, above the header
    findings: list[Finding] = field(default_factory=list)

    @property
    def year(self) -> str | None:
        return self.facts.get(YEAR_LABEL)

    @property
    def organisation_id(self) -> str | None:
        return self.facts.get(ORGANISATION_ID_LABEL)

    @property
    def organisation_name(self) -> str | None:
        return self.facts.get(ORGANISATION_LABEL)

    @property
    def text_version(self) -> str | None:
        return self.facts.get(TEXT_LABEL, self.facts.get(OLD_TEXT_LABEL))

    def finding(self, row: int | None, column: int | None, rule: str, message: str,
                severity: Severity = Severity.ERROR) -> None:
        self.findings.append(Finding(self.file, row, column, "$", rule, severity, message,
                                     self.sheet))

    @property
    def failed(self) -> bool:
        return any(finding.severity is Severity.ERROR for finding in self.findings)


def text(value: Any) -> str | None:
    """A cell's value as the text a person sees in it (None for an empty cell)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    shown = " ".join(unicodedata.normalize("NFC", str(value)).split())
    return shown or None


def _sheet_rows(path: Path, kind: Kind) -> tuple[str, list[Row]] | None:
    # openpyxl warns about what it does not read (data validation extensions): harmless.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        package = read_package(read_input(path))
        book = openpyxl.load_workbook(io.BytesIO(package.data), read_only=True,
                                      data_only=True)
        try:
            sheets = book.worksheets
            if not sheets:
                return None
            chosen: Any = next((sheet for sheet in sheets
                                if sheet.title.casefold() == kind.sheet.casefold()), sheets[0])
            chosen.reset_dimensions()
            return chosen.title, [tuple(row) for row in chosen.iter_rows(values_only=True)]
        finally:
            book.close()


def read_workbook(path: Path, file: str, kind: Kind, expected: Sequence[Item], *,
                  fill_in: int, strict: bool = True) -> Read:
    """Read the workbook at ``path`` (shown as ``file``) and check it against ``expected``,
    the items it must have a row for; ``fill_in``: how many columns are filled in."""
    read = Read(file, kind.sheet)
    try:
        sheet = _sheet_rows(path, kind)
    except InputRefusedError as refused:
        read.finding(None, None, refused.rule, refused.reason)
        return read
    except _UNREADABLE as error:
        read.finding(None, None, "followup-unreadable",
                     _("The file cannot be read as an Excel workbook (.xlsx): {error}. Save it "
                       "from Excel as 'Excel-arbetsbok (*.xlsx)', without a password.").format(
                         error=excerpt(error or type(error).__name__, 200)))
        return read
    if sheet is None:
        read.finding(None, None, "followup-unreadable", _("The workbook has no worksheet."))
        return read
    read.sheet, rows = sheet
    header = next((index for index, row in enumerate(rows[:FIRST_ROW_SEARCH])
                   if row and text(row[0]) == LOCKED[0]), None)
    if header is None:
        read.finding(None, None, "followup-header",
                     _("The sheet '{sheet}' has no header row (a row whose first cell is "
                       "'{id}'): it is not a follow-up workbook overens-docs wrote.").format(
                         sheet=read.sheet, id=LOCKED[0]))
        return read
    for row in rows[:header]:  # the facts: a label in B, its value in C
        if len(row) >= 3 and (label := text(row[1])) and (value := text(row[2])):
            read.facts.setdefault(label, value)
    _Checker(read, expected, fill_in, strict).rows(rows[header + 1:], header + 2)
    return read


class _Checker:
    def __init__(self, read: Read, expected: Sequence[Item], fill_in: int, strict: bool) -> None:
        self.read = read
        self.expected = {item.id: item for item in expected}
        self.fill_in = fill_in
        self.strict = strict

    def rows(self, rows: list[Row], first: int) -> None:
        last = first - 1
        for number, row in enumerate(rows, start=first):
            cells = [text(value) for value in row[:len(LOCKED) + self.fill_in]]
            if any(cells):
                self.row(number, cells + [None] * (len(LOCKED) + self.fill_in - len(cells)))
                last = number
        if self.strict:
            self.missing(last + 1)

    def row(self, number: int, cells: list[str | None]) -> None:
        read = self.read
        identifier = cells[0]
        status_text = cells[len(LOCKED)]
        status = Progress.read(status_text) if status_text else None
        if status_text and status is None:
            read.finding(number, len(LOCKED) + 1, "followup-status",
                         _("'{value}' is not a status: choose one of {scale} in the list, or "
                           "leave the cell empty (not assessed).").format(
                             value=status_text, scale=", ".join(SCALE)))
        if identifier is None:
            if self.strict:
                read.finding(number, 1, "followup-unknown-id",
                             _("Row {row} has values but no id: every row belongs to a "
                               "commitment or an activity of the agreement; delete the row or "
                               "write its id.").format(row=number))
            return
        if identifier in read.entries:
            read.finding(number, 1, "followup-duplicate-id",
                         _("The id '{id}' has a row already (row {row}): keep one of the "
                           "two.").format(id=identifier, row=read.entries[identifier].row))
            return
        item = self.expected.get(identifier)
        if item is None and self.strict:
            read.finding(number, 1, "followup-unknown-id",
                         _("The agreement has no commitment or activity '{id}' to follow up "
                           "here. Ids: {ids}.").format(id=identifier,
                                                       ids=", ".join(self.expected)))
            return
        if item is not None and self.strict:
            self.locked(number, item, cells)
        read.entries[identifier] = Entry(identifier, status, tuple(cells[len(LOCKED) + 1:]),
                                         number)

    def locked(self, number: int, item: Item, cells: list[str | None]) -> None:
        for column, (expected, found) in enumerate(zip(item.locked, cells, strict=False),
                                                   start=1):
            if (text(expected) or None) != found:
                self.read.finding(
                    number, column, "followup-changed",
                    _("{cell} says '{found}', but the agreement says '{expected}' for '{id}'. "
                      "Only the columns after {last} are filled in: put the agreement's words "
                      "back, and write what you meant in a comment.").format(
                        cell=f"{column_letters(column)}{number}", found=found or "",
                        expected=expected, id=item.id,
                        last=column_letters(len(LOCKED))))

    def missing(self, after: int) -> None:
        for item in self.expected.values():
            if item.id not in self.read.entries:
                self.read.finding(
                    after, 1, "followup-missing-row",
                    _("The agreement's '{id}' ({file}, line {line}) has no row. Add a row with "
                      "'{id}' in column A and the agreement's words in columns B to {last} "
                      "(unprotect the sheet first: Granska > Ta bort skydd).").format(
                        id=item.id, file=item.place.file, line=item.place.line,
                        last=column_letters(len(LOCKED))))

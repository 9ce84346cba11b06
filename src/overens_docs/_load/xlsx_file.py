"""Organisation lists kept in Excel: ``organisations.xlsx``, read with openpyxl.

The workbook is read as officers leave it. The sheet named ``Organisationer`` is read,
else the first visible sheet; a hidden sheet that holds data is a warning (someone may
have hidden the list itself). The file is read through :mod:`input_files` and inflated
within bounds by :mod:`package` before openpyxl sees it, and any damage (a broken
archive, XML that does not parse) is an ``xlsx-unreadable`` finding. The sheet's header
row is the first row that names a known column (rows above it, such as a title, are
skipped), else its first row that is not empty; a finding about the header says which row
of which sheet was taken for it, and why. Rows become the same shape as ``organisations.yaml``
(``{"organisations": [{column: value}, ...]}``), so one schema and one set of rules check
every format; a value's position is its row and column number in that sheet, and findings
name the cell (``organisations.xlsx:Organisationer!C7``).

Cells are read as Excel stores them: a date cell is a date (written ``YYYY-MM-DD``), a
number is a number (an organisation number typed as ``8020028711`` is ``802002-8711``),
and a formula cell is the value Excel or LibreOffice saved with it. What openpyxl cannot
say in read-only mode (which formula cells have no saved value, which cells are merged)
is read from the sheet's XML (:func:`_sheet_extras`).
"""

from __future__ import annotations

import datetime
import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from lxml import etree

from overens_docs._findings import Finding, Severity, column_letters, excerpt
from overens_docs._i18n import _
from overens_docs._load.columns import column_key, read_header, status_value
from overens_docs._load.input_files import InputRefusedError, read_input
from overens_docs._load.package import Package, PackageError, read_package
from overens_docs._load.positions import Loaded, SourceMap

SHEET_NAME = "Organisationer"
_HEADER_SEARCH_ROWS = 20
# What Excel shows for a formula that failed; never a value anyone meant to type.
_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                           "#GETTING_DATA", "#SPILL!", "#CALC!"})
# A workbook that is damaged, or not a workbook at all, fails in one of these ways, once
# :func:`read_package` has found its archive whole: openpyxl's parts that do not parse (lxml,
# or expat without it), references that lead nowhere ("no valid workbook part", a shared
# string that is not there), values of the wrong kind.
# (openpyxl's own InvalidFileException is turned into a PackageError where it is raised.)
# openpyxl is imported when a workbook is read: with numpy and Pillow it costs a third of a
# second and 40 MB, for every command and every worker of a build otherwise.
_UNREADABLE = (PackageError, zipfile.BadZipFile, zlib.error, KeyError,
               ValueError, TypeError, IndexError, AttributeError, OSError, EOFError,
               ElementTree.ParseError, etree.XMLSyntaxError, NotImplementedError)
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\b[^<>]*?\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')

Row = tuple[Any, ...]


@dataclass(slots=True)
class _Sheet:
    """What one worksheet holds: its rows of values and what the XML adds."""

    title: str
    rows: list[Row]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # col, row, col, row
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)  # (row, col)
    hidden: bool = False  # the sheet read is hidden (it is named Organisationer)
    hidden_data: list[str] = field(default_factory=list)  # other hidden sheets with data


def load_xlsx(path: Path, display_name: str | None = None) -> Loaded:
    """Read an organisation list from a workbook; never raises for bad content (a file
    that exists but cannot be opened at all raises ``OSError``)."""
    file = display_name or str(path)
    loaded = Loaded(SourceMap(file))
    try:
        data = read_input(path)
    except InputRefusedError as refused:
        loaded.findings.append(refused.finding(file))
        return loaded
    try:
        sheet = _read_sheet(read_package(data))
    except _UNREADABLE as error:
        loaded.findings.append(Finding(
            file, None, None, "$", "xlsx-unreadable", Severity.ERROR,
            _("The file cannot be read as an Excel workbook (.xlsx): {error}. If it is an old "
              ".xls file or a LibreOffice .ods, open it and save it as 'Excel-arbetsbok "
              "(*.xlsx)'; a password-protected workbook must be saved without a password.")
            .format(error=excerpt(error or type(error).__name__, 200))))
        return loaded
    if sheet is None:
        loaded.findings.append(Finding(
            file, None, None, "$", "xlsx-empty", Severity.ERROR,
            _("The workbook has no visible worksheet to read.")))
        return loaded
    _Reader(loaded, sheet).read()
    return loaded


def _chosen(sheets: list[Any]) -> Any:
    """The sheet named Organisationer, else the first visible one (None: none is)."""
    named = [sheet for sheet in sheets if sheet.title.strip().casefold() == SHEET_NAME.casefold()]
    visible = [sheet for sheet in sheets if sheet.sheet_state == "visible"]
    return (named or visible or [None])[0]


def _holds_data(sheet: Any) -> bool:
    sheet.reset_dimensions()
    return any(cell is not None for row in sheet.iter_rows(values_only=True) for cell in row)


def _read_sheet(package: Package) -> _Sheet | None:
    # openpyxl warns about workbook features it does not read (data validation, slicers,
    # conditional formatting extensions); none of them changes a cell's value.
    import openpyxl  # noqa: PLC0415 -- see _UNREADABLE
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(package.data), read_only=True,
                                              data_only=True)
        except InvalidFileException as error:
            raise PackageError(str(error)) from error
        try:
            sheets = workbook.worksheets
            chosen = _chosen(sheets)
            if chosen is None:
                return None
            # Some programs write a wrong <dimension>; read the rows that are there.
            chosen.reset_dimensions()
            rows: list[Row] = [tuple(row) for row in chosen.iter_rows(values_only=True)]
            # openpyxl's read-only sheet keeps the path of its XML part only privately;
            # tests/test_xlsx.py fails if that ever changes.
            part: str = chosen._worksheet_path
            hidden_data = [sheet.title for sheet in sheets if sheet is not chosen
                           and sheet.sheet_state != "visible" and _holds_data(sheet)]
            sheet = _Sheet(chosen.title, rows, hidden=chosen.sheet_state != "visible",
                           hidden_data=hidden_data)
        finally:
            workbook.close()
    sheet.merged, sheet.formulas_without_value = _sheet_extras(package.parts[part.lstrip("/")])
    return sheet


def coordinate_to_tuple(reference: str) -> tuple[int, int]:
    """``C7`` (or ``$C$7``) as (row 7, column 3), as openpyxl's function of that name."""
    match = _CELL.fullmatch(reference)
    if match is None:
        raise ValueError(f"{excerpt(reference)} is not a cell reference")
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)), column


def _sheet_extras(xml: bytes) -> tuple[list[tuple[int, int, int, int]], set[tuple[int, int]]]:
    """The merged ranges of a sheet, and its formula cells that have no saved value.

    openpyxl reads neither in read-only mode: merged cells are listed after the rows, and
    with ``data_only`` a formula without a value reads as an empty cell. A formula has a
    saved value when its cell has a ``<v>``; only a text result (``t="str"``) may be empty.
    """
    merged = []
    for reference in _MERGED.findall(xml):
        first, _colon, last = reference.decode("ascii").partition(":")
        first_row, first_column = coordinate_to_tuple(first)
        last_row, last_column = coordinate_to_tuple(last or first)
        merged.append((first_column, first_row, last_column, last_row))
    missing: set[tuple[int, int]] = set()
    if _FORMULA.search(xml) is None:
        return merged, missing  # the common case: typed values only; no second parse
    row = column = 0
    # openpyxl has just parsed this same part with the same parser (expat, which refuses
    # entity expansion bombs), so this parse adds no exposure.
    for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):  # noqa: S314
        name = element.tag.rpartition("}")[2]
        if event == "start" and name == "row":
            row = int(element.get("r") or row + 1)
            column = 0
        elif event == "end" and name == "c":
            reference = element.get("r")
            row, column = coordinate_to_tuple(reference) if reference else (row, column + 1)
            children = {child.tag.rpartition("}")[2]: child for child in element}
            value = children.get("v")
            if "f" in children and (value is None or (
                    not value.text and element.get("t") != "str")):
                missing.add((row, column))
            element.clear()
    return merged, missing


def _cell_text(value: Any, key: str | None) -> str | None:  # noqa: PLR0911 -- a case per type
    """A cell's value as text, as the same value would be written in YAML."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and key == "org_number" and len(str(value)) == 10:
        digits = str(value)
        return f"{digits[:6]}-{digits[6:]}"
    return str(value)


class _Reader:
    """One pass over a sheet's rows, keeping each value's cell."""

    def __init__(self, loaded: Loaded, sheet: _Sheet) -> None:
        self.loaded = loaded
        self.source = loaded.source
        self.source.sheet = sheet.title
        self.sheet = sheet
        self.header_cells: list[str | None] = []
        self.unnamed_columns: dict[int, int] = {}  # column without a header -> first row used

    def finding(self, row: int | None, column: int | None, rule: str, message: str,
                severity: Severity = Severity.ERROR) -> None:
        self.loaded.findings.append(Finding(self.source.file, row, column, "$", rule, severity,
                                            message, self.sheet.title))

    def _header_index(self) -> tuple[int | None, bool]:
        """The header row's index, and whether it was found by a known column's name."""
        rows = self.sheet.rows
        for index, cells in enumerate(rows[:_HEADER_SEARCH_ROWS]):
            if any(isinstance(cell, str) and column_key(cell) for cell in cells):
                return index, True
        return next((index for index, cells in enumerate(rows)
                     if any(_cell_text(cell, None) for cell in cells)), None), False

    def _where_looked(self, row: int, named: bool) -> str:
        """Which row was taken for the header, and why: said when it is not the first."""
        if named:
            return _("(Row {row} of the sheet '{sheet}' is read as the header: the first row "
                     "that names a known column.)").format(row=row, sheet=self.sheet.title)
        return _("(No row among the first {rows} of the sheet '{sheet}' names a known column, "
                 "so row {row}, the first that is not empty, is read as the header.)").format(
                     rows=_HEADER_SEARCH_ROWS, sheet=self.sheet.title, row=row)

    def _hidden(self) -> None:
        """Warnings for a hidden sheet read, and for hidden sheets whose data is not read."""
        if self.sheet.hidden:
            self.finding(None, None, "xlsx-hidden-sheet", _(
                "The sheet '{sheet}' is read, but it is hidden in Excel, so whoever edits the "
                "workbook may not see the list: show it ('Visa blad').").format(
                    sheet=self.sheet.title), Severity.WARNING)
        for hidden in self.sheet.hidden_data:
            self.loaded.findings.append(Finding(
                self.source.file, None, None, "$", "xlsx-hidden-sheet", Severity.WARNING, _(
                    "The hidden sheet '{hidden}' holds data, which is not read (the list is "
                    "read from the sheet '{sheet}'). If it holds organisations, show it "
                    "('Visa blad') and move them to '{sheet}', or name it {name}.").format(
                        hidden=hidden, sheet=self.sheet.title, name=SHEET_NAME), hidden))

    def read(self) -> None:
        self._hidden()
        index, named = self._header_index()
        if index is None:
            self.finding(None, None, "xlsx-empty",
                         _("The sheet '{sheet}' is empty: it needs a header row with the "
                           "columns name, representative and representative_title (or namn, "
                           "företrädare and titel).").format(sheet=self.sheet.title))
            return
        header_row = index + 1
        self.header_cells = header_cells = [_cell_text(cell, None)
                                            for cell in self.sheet.rows[index]]
        header = read_header(header_cells)
        for problem in header.problems:
            message = problem.message
            if problem.kind == "missing-column" and (header_row > 1 or not named):
                message += " " + self._where_looked(header_row, named)
            self.finding(header_row, problem.column, f"xlsx-{problem.kind}", message,
                         problem.severity)
        covered = self._merged(header_row)
        for row, column in sorted(self.sheet.formulas_without_value):
            if row == header_row:
                self._formula_without_value(row, column)
        rows = self._rows(header_row, header.keys)
        self._empty_headers(header_row, covered)
        if header.complete:
            self.source.values[()] = (header_row, 1)
            self.source.values[("organisations",)] = (header_row, 1)
            self.loaded.data = {"organisations": rows}

    def _merged(self, header_row: int) -> set[int]:
        """Report merged cells in or below the header; the header columns they cover."""
        covered: set[int] = set()
        for first_column, first_row, last_column, last_row in self.sheet.merged:
            if last_row < header_row:
                continue  # a title above the header, merged across the columns: harmless
            cells = (f"{column_letters(first_column)}{first_row}:"
                     f"{column_letters(last_column)}{last_row}")
            if first_row <= header_row:
                covered.update(range(first_column + 1, last_column + 1))
                self.finding(header_row, first_column, "xlsx-merged-header",
                             _("The header cells {cells} are merged: unmerge them ('Dela upp "
                               "celler') and give each column its own name.").format(
                                 cells=cells))
            else:
                self.finding(first_row, first_column, "xlsx-merged-cells",
                             _("The cells {cells} are merged, so only the first holds a value "
                               "and the others read as empty: unmerge them and fill each "
                               "cell.").format(cells=cells))
        return covered

    def _formula_without_value(self, row: int, column: int) -> None:
        self.finding(row, column, "xlsx-formula-without-value",
                     _("The formula in {cell} has no saved value (the file was written by a "
                       "program that does not calculate): open and save it in Excel or "
                       "LibreOffice Calc, or type the value.").format(
                         cell=f"{column_letters(column)}{row}"))

    def _rows(self, header_row: int, keys: list[str | None]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        formulas: dict[int, list[int]] = {}
        for row, column in sorted(self.sheet.formulas_without_value):
            formulas.setdefault(row, []).append(column)
        for row_number, cells in enumerate(self.sheet.rows[header_row:], start=header_row + 1):
            path: tuple[str | int, ...] = ("organisations", len(rows))
            record: dict[str, Any] = {}
            values: dict[tuple[str | int, ...], tuple[int, int]] = {}
            unknown: set[tuple[str | int, ...]] = set()  # reported here; rules skip them
            for column in formulas.get(row_number, ()):
                if column <= len(keys) and (key := keys[column - 1]) is not None:
                    self._formula_without_value(row_number, column)
                    unknown.add((*path, key))
            for number, cell in enumerate(cells, start=1):
                key = keys[number - 1] if number <= len(keys) else None
                text = _cell_text(cell, key)
                if text is None:
                    continue
                if key is None:
                    if not self._named(number):
                        self.unnamed_columns.setdefault(number, row_number)
                    continue
                if text in _EXCEL_ERRORS:
                    self.finding(row_number, number, "xlsx-error-value",
                                 _("{cell} holds the Excel error {error}: correct the formula "
                                   "or type the value.").format(
                                     cell=f"{column_letters(number)}{row_number}", error=text))
                    unknown.add((*path, key))
                    continue
                record[key] = status_value(text) if key == "status" else text
                values[(*path, key)] = (row_number, number)
            if record or unknown:
                self.source.values[path] = (row_number, 1)
                self.source.values.update(values)
                self.source.refused.update(unknown)
                rows.append(record)
        return rows

    def _named(self, column: int) -> bool:
        return column <= len(self.header_cells) and bool(self.header_cells[column - 1])

    def _empty_headers(self, header_row: int, covered: set[int]) -> None:
        """An empty header cell is a finding: an error when its column holds values."""
        last_named = max((number for number, cell in enumerate(self.header_cells, start=1)
                          if cell), default=0)
        columns = set(range(1, last_named)) | set(self.unnamed_columns)
        for column in sorted(columns - covered):
            if self._named(column):
                continue
            letters = column_letters(column)
            if column in self.unnamed_columns:
                self.finding(header_row, column, "xlsx-empty-header",
                             _("Column {column} has values (the first in {cell}) but no name "
                               "in the header row: name it, or delete the column.").format(
                                 column=letters,
                                 cell=f"{letters}{self.unnamed_columns[column]}"))
            else:
                self.finding(header_row, column, "xlsx-empty-header",
                             _("The header cell {cell} is empty: name the column or delete "
                               "it.").format(cell=f"{letters}{header_row}"), Severity.WARNING)

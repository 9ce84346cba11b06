"""Organisation lists saved from Excel as CSV.

Excel writes UTF-8 with a byte-order mark ("CSV UTF-8") and, with Swedish settings, ``;``
as the separator. Rows become the same shape as ``organisations.yaml``
(``{"organisations": [{column: value}, ...]}``) so one schema and one set of rules check
both; each cell's position is its line and its column number (A = 1). Columns are named
in English or Swedish (:mod:`overens_docs._load.columns`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from overens_docs._findings import Finding, Severity, excerpt
from overens_docs._i18n import _
from overens_docs._load.columns import REQUIRED_COLUMNS, read_header, status_value
from overens_docs._load.positions import Loaded
from overens_docs._load.text import BOM, read_text

_SEPARATORS = (";", ",", "\t")


class _Reading:
    """One CSV file being read: its findings go into ``loaded`` with their places."""

    def __init__(self, loaded: Loaded, text: str) -> None:
        self.loaded = loaded
        header_line = text.split("\n", 1)[0]
        separator = max(_SEPARATORS, key=header_line.count)
        self.reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator,
                                 strict=True)

    def finding(self, line: int, column: int | None, path: str, rule: str, message: str,  # noqa: PLR0917
                severity: Severity = Severity.ERROR) -> None:
        self.loaded.findings.append(Finding(self.loaded.source.file, line, column, path, rule,
                                            severity, message))

    def header(self) -> list[str | None] | None:
        """The key of each column, from the header row; None when it cannot be used."""
        try:
            header = next(self.reader, None)
        except csv.Error as error:
            self.finding(1, None, "$", "csv-syntax",
                         _("The header row cannot be read: {error}.").format(
                             error=excerpt(error, 200)))
            return None
        if header is None or not any(cell.strip() for cell in header):
            self.finding(1, 1, "$", "csv-empty",
                         _("The file is empty: it needs a header row with the columns "
                           "{columns}.").format(columns=", ".join(REQUIRED_COLUMNS)))
            return None
        cells = []
        for number, cell in enumerate(header, start=1):
            if BOM in cell:
                self.finding(1, number, "$", "csv-bom",
                             _("The header cell contains a stray byte-order mark (U+FEFF); it "
                               "was probably pasted from another file. Retype the column "
                               "name."))
            cells.append(cell.replace(BOM, ""))
        read = read_header(cells)
        for problem in read.problems:
            self.finding(1, problem.column, "$", f"csv-{problem.kind}", problem.message,
                         problem.severity)
        return read.keys if read.complete else None

    def rows(self, columns: list[str | None]) -> list[dict[str, Any]] | None:
        """Every row with a value, as a mapping of the columns' keys; None when the file
        cannot be read as CSV."""
        source = self.loaded.source
        rows: list[dict[str, Any]] = []
        previous_end = self.reader.line_num
        try:
            for cells in self.reader:
                line = previous_end + 1
                previous_end = self.reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue  # Excel writes ";;;;" for rows that once had content
                source.values[("organisations", len(rows))] = (line, 1)
                rows.append(self._row(cells, columns, line, len(rows)))
        except csv.Error as error:
            self.finding(self.reader.line_num, None, "$", "csv-syntax",
                         _("The file cannot be read as CSV here: {error}. Check the quotes "
                           "on this line.").format(error=excerpt(error, 200)))
            return None
        return rows

    def _row(self, cells: list[str], columns: list[str | None], line: int,
             index: int) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for number, cell in enumerate(cells, start=1):
            key = columns[number - 1] if number <= len(columns) else None
            if number > len(columns) and cell.strip():
                self.finding(line, number, f"$.organisations[{index}]", "csv-extra-cell",
                             _("Row has a value in column {number}, which has no header.")
                             .format(number=number))
            if key is None:
                continue
            value = cell.strip()
            if key == "status":
                value = status_value(value)
            if value:
                row[key] = value
                self.loaded.source.values[("organisations", index, key)] = (line, number)
        return row


def load_csv(path: Path, display_name: str | None = None) -> Loaded:
    """Read an organisation list; never raises for bad content."""
    loaded, text = read_text(path, display_name)
    if text is None:
        return loaded
    reading = _Reading(loaded, text)
    columns = reading.header()
    if columns is None:
        return loaded
    loaded.source.values[()] = (1, 1)
    loaded.source.values[("organisations",)] = (1, 1)
    rows = reading.rows(columns)
    if rows is not None:
        loaded.data = {"organisations": rows}
    return loaded

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


def load_csv(path: Path, display_name: str | None = None) -> Loaded:  # noqa: PLR0912 -- one pass keeps each cell's position
    """Read an organisation list; never raises for bad content."""
    loaded, text = read_text(path, display_name)
    if text is None:
        return loaded
    source, file = loaded.source, loaded.source.file

    def finding(line: int, column: int | None, path: str, rule: str, message: str,  # noqa: PLR0917
                severity: Severity = Severity.ERROR) -> None:
        loaded.findings.append(Finding(file, line, column, path, rule, severity, message))

    header_line = text.split("\n", 1)[0]
    separator = max(_SEPARATORS, key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        finding(1, None, "$", "csv-syntax",
                _("The header row cannot be read: {error}.").format(error=excerpt(error, 200)))
        return loaded
    if header is None or not any(cell.strip() for cell in header):
        finding(1, 1, "$", "csv-empty",
                _("The file is empty: it needs a header row with the columns {columns}.")
                .format(columns=", ".join(REQUIRED_COLUMNS)))
        return loaded

    cells = []
    for number, cell in enumerate(header, start=1):
        if BOM in cell:
            finding(1, number, "$", "csv-bom",
                    _("The header cell contains a stray byte-order mark (U+FEFF); it was "
                      "probably pasted from another file. Retype the column name."))
        cells.append(cell.replace(BOM, ""))
    read = read_header(cells)
    for header_problem in read.problems:
        finding(1, header_problem.column, "$", f"csv-{header_problem.kind}",
                header_problem.message, header_problem.severity)
    if not read.complete:
        return loaded
    columns = read.keys

    rows: list[dict[str, Any]] = []
    source.values[()] = (1, 1)
    source.values[("organisations",)] = (1, 1)
    previous_end = reader.line_num
    try:
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # Excel writes ";;;;" for rows that once had content
            index = len(rows)
            row: dict[str, Any] = {}
            source.values[("organisations", index)] = (line, 1)
            for number, cell in enumerate(cells, start=1):
                key = columns[number - 1] if number <= len(columns) else None
                if number > len(columns) and cell.strip():
                    finding(line, number, f"$.organisations[{index}]", "csv-extra-cell",
                            _("Row has a value in column {number}, which has no header.")
                            .format(number=number))
                if key is None:
                    continue
                value = cell.strip()
                if key == "status":
                    value = status_value(value)
                if value:
                    row[key] = value
                    source.values[("organisations", index, key)] = (line, number)
            rows.append(row)
    except csv.Error as error:
        finding(reader.line_num, None, "$", "csv-syntax",
                _("The file cannot be read as CSV here: {error}. Check the quotes on this "
                  "line.").format(error=excerpt(error, 200)))
        return loaded
    loaded.data = {"organisations": rows}
    return loaded

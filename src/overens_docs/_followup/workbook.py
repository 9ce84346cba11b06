"""Writing a follow-up workbook with openpyxl: the year's workbook, or a questionnaire.

One sheet (see :mod:`layout`): the locked columns say what the agreement says, the
columns to fill in are unlocked, the status is an Excel drop-down of the scale, and the
sheet is protected without a password (so that a person does not change a commitment's
text by mistake; one who unprotects it and does is found when the workbook is read). The
bytes depend only on the agreement, the year and what is carried over: every date in the
file is the agreement's date (:func:`~overens_docs._reproducible.normalise_xlsx`).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from overens_docs._domain import Agreement, Contact
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._followup.items import SCALE, Item
from overens_docs._followup.layout import (
    LOCKED,
    ORGANISATION_ID_LABEL,
    ORGANISATION_LABEL,
    STATUS_COLUMN,
    TEXT_LABEL,
    YEAR_LABEL,
    Kind,
)
from overens_docs._reproducible import normalise_xlsx

Filled = tuple[str | None, ...]  # one row's fill-in values, the status first

_WIDTHS = (8, 28, 60, 24, 16, 15, 40, 40, 30)
_HEADER_FILL = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
_FILL_IN = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")  # where to write
_TOP = Alignment(wrap_text=True, vertical="top")
_OPEN = Protection(locked=False)


@dataclass(frozen=True, slots=True)
class Sheet:
    """What one workbook holds: its kind, year, the items and what is filled in already,
    and the organisation a questionnaire is for (its name and id)."""

    kind: Kind
    agreement: Agreement
    year: int
    items: Sequence[Item]
    filled: Mapping[str, Filled]  # by item id: carried over from last year
    organisation: tuple[str, str] | None = None


def put(sheet: Worksheet, row: int, column: int, value: str | int | None) -> None:
    """``value`` into a cell as itself: openpyxl would take a text that starts with ``=``
    for a formula, and Excel would then calculate what the agreement says."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _contact_line(contacts: Sequence[Contact]) -> str:
    if not contacts:
        return ""
    contact = contacts[0]
    parts = [contact.name, contact.role, contact.email, contact.phone]
    return "Frågor: " + ", ".join(part for part in parts if part) + "."


def _instructions(content: Sheet) -> str:
    scale = ", ".join(SCALE[:-1]) + " eller " + SCALE[-1]
    if content.kind is Kind.QUESTIONNAIRE:
        return (f"Bedöm hur varje åtagande och aktivitet har fungerat under {content.year}: "
                f"välj status i listan ({scale}) och skriv gärna en kommentar. Kolumnerna A–E "
                "kommer från överenskommelsen och är låsta. Spara filen och skicka tillbaka den. "
                + _contact_line(content.agreement.contacts)).strip()
    return (f"Fyll i de gula kolumnerna: status i listan ({scale}; tom betyder ej bedömt), "
            "kommentarerna och mått eller indikator. Kolumnerna A–E kommer från "
            "överenskommelsen och är låsta. Returnerade enkäter läggs i mappen svar. "
            f"Rapporten: overens followup report <överenskommelsens mapp> {content.year}")


def _height(values: Sequence[object], widths: Sequence[float]) -> float:
    """A row's height in points, for its longest text wrapped in its column: Excel and
    Calc do not fit rows to wrapped text when they open a workbook they did not save."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str):
            lines = max(lines, -(-len(value) * 11 // int(width * 10)))  # ~1.1 width per char
    return 15.0 * lines


def _wide(sheet: Worksheet, row: int, value: str, width: int, *, bold: bool = False) -> None:
    """``value`` in column A of ``row``, merged across the table's width and wrapped."""
    put(sheet, row, 1, value)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = sheet.cell(row=row, column=1)
    cell.alignment = _TOP
    if bold:
        cell.font = Font(bold=True, size=14)
    sheet.row_dimensions[row].height = _height([value], [sum(_WIDTHS[:width])]) * (
        1.4 if bold else 1)


def _top(sheet: Worksheet, content: Sheet, width: int) -> int:
    """The title, the labelled facts and the instructions; the header's row number."""
    agreement = content.agreement
    noun = "Uppföljning" if content.kind is Kind.WORKBOOK else "Enkät om uppföljningen"
    _wide(sheet, 1, f"{noun} {content.year}: {agreement.title}", width, bold=True)
    facts: list[tuple[str, str | int]] = [
        (YEAR_LABEL, content.year), (TEXT_LABEL, short_form(text_fingerprint(agreement)))]
    if content.organisation is not None:
        facts += [(ORGANISATION_LABEL, content.organisation[0]),
                  (ORGANISATION_ID_LABEL, content.organisation[1])]
    for row, (label, value) in enumerate(facts, start=2):
        put(sheet, row, 2, label)
        put(sheet, row, 3, value)
        sheet.cell(row=row, column=2).font = Font(bold=True)
        sheet.cell(row=row, column=3).alignment = Alignment(horizontal="left")
    instructions = len(facts) + 3
    _wide(sheet, instructions, _instructions(content), width)
    return instructions + 2


def _header(sheet: Worksheet, row: int, headers: Sequence[str]) -> None:
    for column, header in enumerate(headers, start=1):
        put(sheet, row, column, header)
        cell = sheet.cell(row=row, column=column)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = _TOP


def _rows(sheet: Worksheet, first: int, content: Sheet, width: int) -> None:
    blank: Filled = (None,) * (width - len(LOCKED))
    for row, item in enumerate(content.items, start=first):
        values = (*item.locked, *content.filled.get(item.id, blank))
        for column, value in enumerate(values, start=1):
            if value not in (None, ""):
                put(sheet, row, column, value)
            cell = sheet.cell(row=row, column=column)
            cell.alignment = _TOP
            if column > len(LOCKED):
                cell.protection = _OPEN
                cell.fill = _FILL_IN
        sheet.row_dimensions[row].height = _height(values, _WIDTHS)


def _status_list(sheet: Worksheet, first: int, last: int) -> None:
    choices = ",".join(SCALE)
    validation = DataValidation(
        type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
        errorTitle="Okänd status", error=f"Välj en status i listan: {', '.join(SCALE)}.",
        promptTitle="Status", prompt="Välj i listan; lämna tom om den inte är bedömd.",
        showInputMessage=True)
    sheet.add_data_validation(validation)
    if last >= first:
        validation.add(f"{_letter(STATUS_COLUMN)}{first}:{_letter(STATUS_COLUMN)}{last}")


def _letter(column: int) -> str:
    return get_column_letter(column)


def _finish(sheet: Worksheet, header: int, width: int) -> None:
    for column, size in enumerate(_WIDTHS[:width], start=1):
        sheet.column_dimensions[_letter(column)].width = size
    sheet.freeze_panes = f"B{header + 1}"
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    protection = sheet.protection
    protection.sheet = True
    # Allowed on the protected sheet: widen columns and rows, filter and sort.
    protection.formatColumns = protection.formatRows = False
    protection.autoFilter = protection.sort = False


def workbook_bytes(content: Sheet, when: datetime.datetime) -> bytes:
    """The workbook for ``content``, as bytes that depend on nothing else but ``when``."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 -- a new workbook has its one sheet
    sheet.title = content.kind.sheet
    headers = (*LOCKED, *content.kind.fill_in(content.agreement.public_body.name))
    header = _top(sheet, content, len(headers))
    _header(sheet, header, headers)
    _rows(sheet, header + 1, content, len(headers))
    _status_list(sheet, header + 1, header + len(content.items))
    _finish(sheet, header, len(headers))
    properties = book.properties
    properties.creator = "overens-docs"
    properties.title = sheet.cell(row=1, column=1).value
    properties.language = "sv-SE"
    naive = when.replace(tzinfo=None)
    properties.created = properties.modified = naive
    buffer = io.BytesIO()
    book.save(buffer)
    return normalise_xlsx(buffer.getvalue(), when)

"""One questionnaire per organisation that has signed, a thousand in seconds.

Every questionnaire of a year is the same workbook but for two cells: the organisation's
name and its id. openpyxl takes 10-40 ms to write one; so one is written, with a
placeholder in each of those cells, and each organisation's copy is that workbook with the
placeholders replaced in the sheet (openpyxl writes each text into the sheet itself, as an
inline string): under a millisecond. A placeholder that is not found exactly once (an
agreement whose text holds it) makes every copy be written by openpyxl in full instead.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

from overens_docs._domain import Agreement, Organisation
from overens_docs._followup.items import Item
from overens_docs._followup.layout import Kind
from overens_docs._followup.workbook import Sheet, workbook_bytes
from overens_docs._reproducible import zip_info

_SHEET = "xl/worksheets/sheet1.xml"
_NAME = "OVERENS-ORGANISATION-NAME-7F3A"
_ID = "OVERENS-ORGANISATION-ID-7F3A"


def _stored(text: str) -> bytes:
    """``text`` as openpyxl writes it into a sheet: escaped, every character outside ASCII
    as a character reference, and marked to keep its spaces when it begins or ends with
    some. (tests/test_followup.py checks that a copy is what openpyxl writes.)"""
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f"<t{space}>{escape(text)}</t>".encode("ascii", "xmlcharrefreplace")


class Questionnaires:
    """The year's questionnaire, and each organisation's copy of it."""

    def __init__(self, agreement: Agreement, year: int, items: Sequence[Item],
                 when: datetime.datetime) -> None:
        self._sheet = Sheet(Kind.QUESTIONNAIRE, agreement, year, items, {}, (_NAME, _ID))
        self._when = when
        master = workbook_bytes(self._sheet, when)
        with zipfile.ZipFile(io.BytesIO(master)) as package:
            self._parts = [(info.filename, package.read(info.filename))
                           for info in package.infolist()]
        sheet = dict(self._parts).get(_SHEET, b"")
        self.fast = all(sheet.count(_stored(token)) == 1 for token in (_NAME, _ID))

    def slow(self, organisation: Organisation) -> bytes:
        """The questionnaire for ``organisation``, written by openpyxl from the start."""
        sheet = Sheet(Kind.QUESTIONNAIRE, self._sheet.agreement, self._sheet.year,
                      self._sheet.items, {}, (organisation.name, organisation.id))
        return workbook_bytes(sheet, self._when)

    def make(self, organisation: Organisation) -> bytes:
        """The questionnaire for ``organisation``; the same bytes as :meth:`slow`'s."""
        if not self.fast:
            return self.slow(organisation)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            for name, data in self._parts:
                own = data
                if name == _SHEET:
                    own = (data.replace(_stored(_NAME), _stored(organisation.name))
                           .replace(_stored(_ID), _stored(organisation.id)))
                package.writestr(zip_info(name, self._when), own)
        return buffer.getvalue()

"""Where the follow-up's files are, and how its workbooks are laid out.

One folder per year inside the agreement's folder::

    <agreement>/uppfoljning/<year>/uppfoljning-<year>.xlsx   the year's workbook
    <agreement>/uppfoljning/<year>/enkater/<organisation>.xlsx  questionnaires to send
    <agreement>/uppfoljning/<year>/svar/                        returned questionnaires

Both kinds of workbook have one sheet: a title, a few labelled facts (the year, the text
it was made for and, in a questionnaire, the organisation), a line of instructions, the
header row, and one row per item. The first five columns are locked (what the agreement
says); the columns after them are filled in. Writing and reading share these constants,
so that a workbook is read where it was written.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

FOLDER = "uppfoljning"
QUESTIONNAIRES = "enkater"
ANSWERS = "svar"

LOCKED = ("Id", "Vem", "Åtagande eller aktivitet", "Principer", "Tid")
STATUS_COLUMN = len(LOCKED) + 1  # F
FIRST_ROW_SEARCH = 30  # rows searched for the header row

# The labelled facts above the header, in column B with their value in column C.
YEAR_LABEL = "År"
TEXT_LABEL = "Textens fingeravtryck"
# How workbooks made before the term was settled label it: still read.
OLD_TEXT_LABEL = "Avtalstextens kontrollsumma"
ORGANISATION_LABEL = "Organisation"
ORGANISATION_ID_LABEL = "Organisationens id"


class Kind(enum.Enum):
    """The year's workbook, kept by the public body; or one organisation's questionnaire."""

    WORKBOOK = "workbook"
    QUESTIONNAIRE = "questionnaire"

    @property
    def sheet(self) -> str:
        return "Uppföljning" if self is Kind.WORKBOOK else "Enkät"

    def fill_in(self, public_body: str) -> tuple[str, ...]:
        """The headers of the columns to fill in, the status first."""
        if self is Kind.QUESTIONNAIRE:
            return ("Status", "Er kommentar")
        return ("Status", f"Kommentar från {public_body}", "Kommentar från organisationerna",
                "Mått eller indikator")


@dataclass(frozen=True, slots=True)
class YearFolder:
    """The follow-up files of one agreement and one year."""

    folder: Path  # <agreement>/uppfoljning/<year>
    year: int

    @classmethod
    def of(cls, agreement_folder: Path, year: int) -> YearFolder:
        return cls(agreement_folder / FOLDER / str(year), year)

    @property
    def workbook(self) -> Path:
        return self.folder / f"uppfoljning-{self.year}.xlsx"

    @property
    def questionnaires(self) -> Path:
        return self.folder / QUESTIONNAIRES

    @property
    def answers(self) -> Path:
        return self.folder / ANSWERS

    def returned(self) -> list[Path]:
        """The workbooks in ``svar/``, by name; not Excel's lock files (``~$...``) nor
        hidden files."""
        if not self.answers.is_dir():
            return []
        return sorted(path for path in self.answers.iterdir()
                      if path.suffix.lower() == ".xlsx" and path.is_file()
                      and not path.name.startswith(("~$", ".")))


def earlier_years(agreement_folder: Path, year: int) -> list[YearFolder]:
    """The years before ``year`` that have a workbook, oldest first."""
    root = agreement_folder / FOLDER
    if not root.is_dir():
        return []
    years = sorted(int(child.name) for child in root.iterdir()
                   if child.is_dir() and child.name.isdigit() and int(child.name) < year)
    return [found for found in (YearFolder.of(agreement_folder, y) for y in years)
            if found.workbook.is_file()]

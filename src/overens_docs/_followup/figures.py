"""The follow-up's numbers: how many items stand where, by principle, by party, by year,
and what the organisations answered. Pure: what was read in, tables of counts out.

Every chart of the report is drawn from one of these tables, and the report prints the
same table under it, so that a chart's numbers and its table cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from overens_docs._domain import Agreement, Organisation
from overens_docs._followup.items import COLUMNS, NOT_ASSESSED, Group, Item, group_name
from overens_docs._followup.reading import Entry

Counts = tuple[int, ...]  # one count per COLUMNS


def status_of(entry: Entry | None) -> str:
    """The column an entry counts in: its status, or not assessed."""
    return entry.status.value if entry is not None and entry.status is not None \
        else NOT_ASSESSED


def count(statuses: Iterable[str]) -> Counts:
    found = list(statuses)
    return tuple(found.count(column) for column in COLUMNS)


@dataclass(frozen=True, slots=True)
class Table:
    """A table of counts: one row per category, one column per status (see COLUMNS)."""

    name: str  # what the table (and its chart) is about, as the report's heading says it
    category: str  # the first column's heading: "Princip", "Part", "År", "Id"
    rows: tuple[tuple[str, Counts], ...]
    note: str = ""  # how to read it, printed under it
    # What its chart shows, for the chart's alt text: "för varje princip hur många ...".
    shows: str = ("för varje {category} hur många åtaganden och aktiviteter som är ej "
                  "påbörjade, pågår, genomförda, ej aktuella eller ej bedömda")

    @property
    def empty(self) -> bool:
        return not any(sum(counts) for _category, counts in self.rows)


@dataclass(frozen=True, slots=True)
class Answer:
    """One organisation's returned questionnaire, as counted."""

    organisation: Organisation
    entries: dict[str, Entry]


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything the report says in numbers."""

    agreement: Agreement
    year: int
    items: tuple[Item, ...]
    entries: dict[str, Entry]  # the year's workbook, by item id
    by_principle: Table
    by_group: Table
    by_year: Table | None  # when there are earlier years
    questionnaire_items: tuple[Item, ...]
    answers: tuple[Answer, ...]
    signatories: int  # organisations that have signed: those asked
    answers_table: Table | None  # when any questionnaire came back
    totals: Counts = field(default=())

    def status(self, item: Item) -> str:
        return status_of(self.entries.get(item.id))


def _by_principle(agreement: Agreement, rows: Sequence[Item],
                  entries: dict[str, Entry]) -> Table:
    return Table(
        "Status per princip", "Princip",
        tuple((principle.short_name[:1].upper() + principle.short_name[1:],
               count(status_of(entries.get(item.id)) for item in rows
                     if principle.id in item.principles))
              for principle in agreement.principles),
        "Ett åtagande eller en aktivitet som tjänar flera principer räknas under var och "
        "en av dem.")


def _by_group(agreement: Agreement, rows: Sequence[Item],
              entries: dict[str, Entry]) -> Table:
    return Table(
        "Status per part", "Part",
        tuple((group_name(agreement, group),
               count(status_of(entries.get(item.id)) for item in rows if item.group is group))
              for group in Group if any(item.group is group for item in rows)),
        "Gemensamt: de gemensamma åtagandena och de aktiviteter som båda parterna genomför.")


def _by_year(earlier: Sequence[tuple[int, dict[str, Entry]]], year: int, rows: Sequence[Item],
             entries: dict[str, Entry]) -> Table | None:
    if not earlier:
        return None
    years = [(str(when), count(status_of(entry) for entry in found.values()))
             for when, found in earlier]
    years.append((str(year), count(status_of(entries.get(item.id)) for item in rows)))
    return Table("Status år för år", "År", tuple(years),
                 "Varje år räknas de rader som det årets arbetsbok har.",
                 "för varje år hur många åtaganden och aktiviteter som då var ej påbörjade, "
                 "pågick, var genomförda, ej aktuella eller ej bedömda")


def _answers_table(rows: Sequence[Item], answers: Sequence[Answer]) -> Table | None:
    if not answers:
        return None
    return Table(
        "Organisationernas svar", "Id",
        tuple((item.id, count(status_of(answer.entries.get(item.id)) for answer in answers))
              for item in rows),
        "Hur de organisationer som svarade på enkäten bedömer varje åtagande och aktivitet.",
        "för varje åtagande och aktivitet, efter id, hur många organisationer som har svarat "
        "ej påbörjat, pågår, genomfört eller ej aktuellt, eller lämnat det obedömt")


def figures(agreement: Agreement, year: int, *, rows: tuple[Item, ...],
            entries: dict[str, Entry], earlier: Sequence[tuple[int, dict[str, Entry]]],
            questionnaire_rows: tuple[Item, ...], answers: tuple[Answer, ...],
            signatories: int) -> Figures:
    """The numbers of the year's follow-up; ``earlier``: the entries of earlier years."""
    return Figures(
        agreement, year, rows, entries,
        _by_principle(agreement, rows, entries), _by_group(agreement, rows, entries),
        _by_year(earlier, year, rows, entries), questionnaire_rows, answers, signatories,
        _answers_table(questionnaire_rows, answers),
        count(status_of(entries.get(item.id)) for item in rows))

"""The follow-up report's words: the summary, and the context its Word template sees.

The Word report and the web page (:mod:`report_html`) say the same from the same
:class:`~overens_docs._followup.figures.Figures`; the names the template uses are listed
in README.md ("The follow-up report"). The report is Swedish, as the agreement is.
"""

from __future__ import annotations

from collections.abc import Sequence

from overens_docs._domain import Contact
from overens_docs._followup.charts import Chart
from overens_docs._followup.figures import Counts, Figures
from overens_docs._followup.items import COLUMNS, Group, Item, group_name
from overens_docs._render.context import Context, agreement_context, joined
from overens_docs._render.docx import Picture


def counted(counts: Counts) -> list[str]:
    """``(0, 2, 3, 0, 1)`` -> ``["2 pågår", "3 genomfört", "1 ej bedömt"]``."""
    return [f"{number} {column}" for column, number in zip(COLUMNS, counts, strict=True)
            if number]


def answers_sentence(figures: Figures) -> str:
    answered, asked = len(figures.answers), figures.signatories
    if not answered:
        return ("Inga besvarade enkäter har kommit in ännu (de läggs i mappen svar i årets "
                "mapp för uppföljningen).")
    return (f"{answered} av {asked} organisationer som har undertecknat överenskommelsen "
            f"svarade på enkäten.")


def summary(figures: Figures) -> list[str]:
    """The report's summary, a few sentences."""
    commitments = sum(not item.is_activity for item in figures.items)
    activities = len(figures.items) - commitments
    scope = f"Uppföljningen {figures.year} gäller {commitments} åtaganden"
    scope += f" och {activities} aktiviteter i handlingsplanen." if activities else "."
    lines = [scope, "Status: " + joined(counted(figures.totals)) + "."]
    if figures.by_year is not None:
        done = COLUMNS.index("genomfört")
        lines.append("Genomfört år för år: " + joined(
            [f"{counts[done]} år {year}" for year, counts in figures.by_year.rows]) + ".")
    lines.append(answers_sentence(figures))
    return lines


def contact_line(contact: Contact) -> str:
    parts = (contact.name, contact.role, contact.organisation, contact.email, contact.phone)
    return ", ".join(part for part in parts if part)


def details(item: Item) -> str:
    """What an item is, under its text: an activity's parties and time, its principles."""
    kind = "Aktivitet" if item.is_activity else "Åtagande"
    parts = [kind, f"Ansvar: {item.party}" if item.is_activity else "",
             f"Tid: {item.when}" if item.when else "", f"Principer: {item.principle_names}"]
    return " · ".join(part for part in parts if part)


def notes(figures: Figures, item: Item) -> list[str]:
    """The comments and the measure of an item, each with whose it is."""
    entry = figures.entries.get(item.id)
    if entry is None:
        return []
    labels = (figures.agreement.public_body.name, "Organisationerna", "Mått eller indikator")
    return [f"{label}: {note}" for label, note in zip(labels, entry.notes, strict=False)
            if note]


def groups(figures: Figures) -> list[Context]:
    return [{"name": group_name(figures.agreement, group),
             "rows": [{"id": item.id, "text": item.text, "details": details(item),
                        "status": figures.status(item), "notes": notes(figures, item)}
                       for item in figures.items if item.group is group]}
            for group in Group if any(item.group is group for item in figures.items)]


def answers(figures: Figures) -> list[Context]:
    table = figures.answers_table
    if table is None:
        return []
    counts = dict(table.rows)
    return [{"id": item.id, "text": item.text, "counts": counted(counts[item.id]),
             "comments": [f"{answer.organisation.name}: {entry.notes[0]}"
                          for answer in figures.answers
                          if (entry := answer.entries.get(item.id)) and entry.notes
                          and entry.notes[0]]}
            for item in figures.questionnaire_items]


def chart_context(number: int, chart: Chart) -> Context:
    table = chart.table
    return {"number": number, "title": table.name, "category": table.category,
            "note": table.note, "picture": Picture(chart.png, chart.width_cm, chart.alt,
                                                   f"Diagram {number}"),
            "rows": [{"category": category, "counts": list(counts), "total": sum(counts)}
                     for category, counts in table.rows]}


def report_context(figures: Figures, charts: Sequence[Chart], made_from: str) -> Context:
    """Everything the report's Word template may use."""
    return {
        "agreement": agreement_context(figures.agreement),
        "report": {
            "year": figures.year,
            "made_from": made_from,
            "summary": summary(figures),
            "columns": list(COLUMNS),
            "charts": [chart_context(number, chart)
                       for number, chart in enumerate(charts, start=1)],
            "groups": groups(figures),
            "answers_text": answers_sentence(figures),
            "answers": answers(figures),
            "contacts": [contact_line(contact) for contact in figures.agreement.contacts],
        },
    }

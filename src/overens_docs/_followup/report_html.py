"""The follow-up report as one self-contained, accessible web page.

Made from the same context as the Word report (:func:`document.report_context`), so both
say the same: ``lang="sv"``, one ``h1``, headings in order, each chart an ``img`` with its
alt text inside a ``figure`` with a caption, followed by a table of its numbers (column
and row headers marked as such), the tables of items and answers, the contacts. No
scripts and nothing fetched: the charts are in the page itself (``data:`` URLs). The
same report gives the same bytes.
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from overens_docs._domain import Contact
from overens_docs._render.agreement_html import contact_lines
from overens_docs._render.context import Context
from overens_docs._render.docx import Picture

_STYLE = """
:root { color-scheme: light; }
body { font-family: "Liberation Sans", Arial, sans-serif; line-height: 1.5; margin: 0 auto;
       max-width: 52rem; padding: 1rem; color: #111; background: #fff; }
h1, h2, h3 { line-height: 1.25; } h2 { margin-top: 2rem; }
.meta, figcaption, .details { color: #333; } figcaption { font-style: italic; }
figure { margin: 1rem 0 .5rem; } img { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; font-size: .95rem; }
th, td { border-top: 1px solid #666; border-bottom: 1px solid #666; padding: .3rem .4rem;
         text-align: left; vertical-align: top; }
thead th { background: #e6e6e6; } td.number { text-align: right; }
td p { margin: 0 0 .3rem; } .details { display: block; font-size: .85rem; }
footer { margin-top: 2.5rem; border-top: 1px solid #999; padding-top: .5rem;
         font-size: .9rem; color: #333; }
@media print { body { max-width: none; padding: 0; font-size: 10pt; }
  h2, h3 { break-after: avoid; } tr, figure { break-inside: avoid; } }
""".strip()


def _image(picture: Picture) -> str:
    data = base64.b64encode(picture.png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(picture.alt)}">'


def _head(columns: list[str]) -> str:
    return "<thead><tr>" + "".join(f'<th scope="col">{escape(column)}</th>'
                                   for column in columns) + "</tr></thead>"


def _chart(chart: dict[str, Any], columns: list[str]) -> list[str]:
    number = chart["number"]
    caption = (f"Diagram {number}. {chart['title']}. Tabellen nedan ger diagrammets siffror."
               + (f" {chart['note']}" if chart["note"] else ""))
    rows = ["<tr>" + f'<th scope="row">{escape(row["category"])}</th>'
            + "".join(f'<td class="number">{count}</td>' for count in row["counts"])
            + f'<td class="number">{row["total"]}</td></tr>' for row in chart["rows"]]
    return [f'<h3 id="diagram-{number}">{escape(chart["title"])}</h3>',
            f"<figure>{_image(chart['picture'])}<figcaption>{escape(caption)}</figcaption>"
            "</figure>",
            f"<table><caption>Siffrorna i diagram {number}</caption>"
            + _head([chart["category"], *columns, "Totalt"]) + "<tbody>", *rows,
            "</tbody></table>"]


def _cells(lines: list[str]) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in lines) or "–"


def _items(group: dict[str, Any]) -> list[str]:
    rows = [f'<tr><th scope="row">{escape(item["id"])}</th><td>{escape(item["text"])}'
            f'<span class="details">{escape(item["details"])}</span></td>'
            f"<td>{escape(item['status'])}</td><td>{_cells(item['notes'])}</td></tr>"
            for item in group["rows"]]
    return [f"<h3>{escape(group['name'])}</h3>",
            "<table>" + _head(["Id", "Åtagande eller aktivitet", "Status",
                               "Kommentarer och mått"]) + "<tbody>", *rows,
            "</tbody></table>"]


def _answers(report: dict[str, Any]) -> list[str]:
    lines = ["<h2>Enkäten till organisationerna</h2>", f"<p>{escape(report['answers_text'])}</p>"]
    if report["answers"]:
        lines += ["<table>" + _head(["Id", "Åtagande eller aktivitet", "Svar",
                                     "Organisationernas kommentarer"]) + "<tbody>"]
        lines += [f'<tr><th scope="row">{escape(item["id"])}</th><td>{escape(item["text"])}'
                  f"</td><td>{_cells(item['counts'])}</td><td>{_cells(item['comments'])}</td>"
                  "</tr>" for item in report["answers"]]
        lines.append("</tbody></table>")
    return lines


def report_html(context: Context, contacts: tuple[Contact, ...]) -> bytes:
    """The report as an HTML document (UTF-8 bytes)."""
    agreement, report = context["agreement"], context["report"]
    title = f"Uppföljning {report['year']}"
    lines = [
        "<!DOCTYPE html>", '<html lang="sv">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)} – {escape(agreement['title'])}</title>",
        f"<style>\n{_STYLE}\n</style>", "</head>", "<body>", "<main>",
        f"<h1>{escape(title)}</h1>", f'<p class="meta">{escape(agreement["title"])}</p>',
        f'<p class="meta">{escape(report["made_from"])}</p>', "<h2>Sammanfattning</h2>",
        *(f"<p>{escape(line)}</p>" for line in report["summary"]), "<h2>Läget i siffror</h2>",
    ]
    for chart in report["charts"]:
        lines += _chart(chart, report["columns"])
    lines.append("<h2>Åtaganden och aktiviteter</h2>")
    for group in report["groups"]:
        lines += _items(group)
    lines += _answers(report)
    if contacts:
        lines += ["<h2>Kontakt</h2>", *contact_lines(contacts)]
    lines += ["</main>", "<footer>",
              f"<p>Textens fingeravtryck: {escape(agreement['text_fingerprint'])}</p>",
              "</footer>", "</body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")

"""The agreement as one self-contained, accessible HTML page, for the website.

DIGG's webbriktlinje 88 says to publish in HTML first; this page is made from the same
domain as the documents: ``lang="sv"``, one ``h1``, headings in order (``h2`` for each
part, ``h3`` for each principle and definition), each party's commitments and the
handlingsplan's activities as ordered lists with their citations, the text fingerprint at
the end, and after it, outside the text, whom to contact. No scripts, no external
resources; readable on a phone and printable. The same agreement gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from overens_docs._domain import Activity, Agreement, Commitment, Contact, Paragraphs
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._render.context import activity_details, body_in_sentence, cite, swedish_date

_STYLE = """
:root { color-scheme: light; }
body { font-family: "Liberation Serif", Georgia, serif; line-height: 1.5; margin: 0 auto;
       max-width: 42rem; padding: 1rem; color: #111; background: #fff; }
h1, h2, h3 { font-family: "Liberation Sans", Arial, sans-serif; line-height: 1.25; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
ol { padding-left: 1.6rem; } li { margin-bottom: .6rem; }
.citation { display: block; font-style: italic; color: #333; font-size: .95rem; }
.meta { color: #333; } footer { margin-top: 2.5rem; border-top: 1px solid #999;
       padding-top: .5rem; font-size: .9rem; color: #333; }
footer h2 { font-size: 1rem; margin-top: 1rem; } footer ul { padding-left: 1.2rem; }
@media print { body { max-width: none; padding: 0; font-size: 11pt; }
  h2, h3 { break-after: avoid; } li { break-inside: avoid; } }
""".strip()


def _paragraphs(items: Paragraphs) -> list[str]:
    return [f"<p>{escape(item)}</p>" for item in items]


def _section(heading: str, items: Paragraphs) -> list[str]:
    return [f"<h2>{escape(heading)}</h2>", *_paragraphs(items)] if items else []


def _commitments(items: Iterable[Commitment], short_names: dict[str, str]) -> list[str]:
    lines = ["<ol>"]
    for item in items:
        citation = cite([short_names[pid] for pid in item.principles])
        note = f' <span class="citation">{escape(citation)}</span>' if citation else ""
        lines.append(f'<li id="{escape(item.id)}">{escape(item.text)}{note}</li>')
    lines.append("</ol>")
    return lines


def _activities(agreement: Agreement) -> list[str]:
    party_names = {party.id: party.name for party in agreement.parties}
    short_names = {principle.id: principle.short_name for principle in agreement.principles}

    def item(activity: Activity) -> str:
        details = activity_details(activity, party_names, short_names)
        return (f'<li id="{escape(activity.id)}">{escape(activity.text)} '
                f'<span class="citation">{escape(details)}</span></li>')

    return ["<h2>Handlingsplan</h2>", "<ol>", *map(item, agreement.handlingsplan), "</ol>"]


def contact_lines(contacts: Iterable[Contact]) -> list[str]:
    """The contacts as a list: name, then role and organisation, then e-mail and phone."""
    lines = ["<ul>"]
    for contact in contacts:
        about = ", ".join(escape(part) for part in (contact.role, contact.organisation) if part)
        reach = [f'<a href="mailto:{escape(contact.email)}">{escape(contact.email)}</a>'
                 if contact.email else "", escape(contact.phone or "")]
        parts = [escape(contact.name), about, ", ".join(part for part in reach if part)]
        lines.append("<li>" + "<br>".join(part for part in parts if part) + "</li>")
    lines.append("</ul>")
    return lines


def agreement_html(agreement: Agreement) -> bytes:
    """The whole agreement as an HTML document (UTF-8 bytes)."""
    short_names = {principle.id: principle.short_name for principle in agreement.principles}
    adoption = agreement.adoption
    adopted = f"Antagen av {body_in_sentence(adoption.body)}"
    if adoption.date is not None:
        adopted += f" den {swedish_date(adoption.date)}"
    if adoption.diarienummer:
        adopted += f" (dnr {adoption.diarienummer})"
    lines = [
        "<!DOCTYPE html>", '<html lang="sv">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(agreement.title)}</title>", f"<style>\n{_STYLE}\n</style>",
        "</head>", "<body>", "<main>", f"<h1>{escape(agreement.title)}</h1>",
        f'<p class="meta">{escape(adopted)}.</p>',
        '<p class="meta">Parter: ' + escape(" och ".join(p.name for p in agreement.parties))
        + ".</p>",
    ]
    if agreement.period is not None:
        lines.append(f'<p class="meta">Gäller {swedish_date(agreement.period.start)} – '
                     f"{swedish_date(agreement.period.end)}.</p>")
    lines += _section("Bakgrund", agreement.background)
    lines += _section("Vision", agreement.vision)
    lines += _section("Syfte", agreement.purpose)
    lines += _section("Vem kan ansluta sig", agreement.eligibility)
    if agreement.definitions:
        lines.append("<h2>Definitioner</h2>")
        for definition in agreement.definitions:
            lines += [f"<h3>{escape(definition.term)}</h3>", *_paragraphs(definition.paragraphs)]
    lines += _section("Värdegrund", agreement.value_base)
    lines.append("<h2>Principer för samverkan</h2>")
    for principle in agreement.principles:
        lines += [f'<h3 id="{escape(principle.id)}">{escape(principle.name)}</h3>',
                  *_paragraphs(principle.paragraphs)]
    for party in agreement.parties:
        if party.commitments:
            lines += [f"<h2>{escape(party.heading)}</h2>",
                      *_commitments(party.commitments, short_names)]
    if agreement.shared_commitments:
        lines += ["<h2>Gemensamma åtaganden</h2>",
                  *_commitments(agreement.shared_commitments, short_names)]
    if agreement.handlingsplan:
        lines += _activities(agreement)
    lines += _section("Uppföljning", agreement.follow_up)
    lines += ["</main>", "<footer>",
              f"<p>Textens fingeravtryck: "
              f"{short_form(text_fingerprint(agreement))}</p>"]
    if agreement.contacts:  # not part of the signed text: after it, in the footer
        lines += ['<h2 class="contacts">Kontakt</h2>', *contact_lines(agreement.contacts)]
    lines += ["</footer>", "</body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")

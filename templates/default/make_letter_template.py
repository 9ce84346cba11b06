"""Write ``letter.docx``, the letter of the default template to the organisations that are to
sign: an invitation, a reminder, or a request to sign a revised text again.

Run from anywhere (``make.py`` runs it with the others)::

    python templates/default/make_letter_template.py

A build renders every letter into one document (``{%p for organisation in organisations %}``),
one page each, and splits it into one PDF per organisation; so a letter must fit on one
page, and every page looks alike (one header and footer, no different first page). What a
letter says comes from ``invitation`` in agreement.yaml and from the organisation: whether
it is invited to a ceremony (``organisation.ceremony_text``), signs an older text again
(``organisation.signed_on_text``), or was written to before (``organisation.invited_on_text``).

It shares the styles, fonts and settings of ``agreement.docx`` (``styles.py``, ``ooxml.py``)
and is byte-for-byte reproducible in the same way.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from make_template import paragraphs_of
from ooxml import (
    HEADER_FOOTER_DIST,
    MARGIN,
    PAGE_H,
    PAGE_W,
    break_run,
    line,
    package_parts,
    para,
    run,
    spacing,
    tag,
    w,
    write_package,
)
from styles import numbering_xml, styles_xml

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "letter.docx"
INVITATION = "agreement.invitation"


def text(value: str, *, after: int = 160) -> etree._Element:
    return para("Normal", run(value), ppr=[spacing(after=after, line_twips=264)])


def address() -> list[etree._Element]:
    """The sender, the date, and whom the letter is to. The page break before every
    letter but the first is a run in its first paragraph (see make_template.section_two)."""
    sender = para("SignatureParty", run("{% if not loop.first %}"), break_run("page"),
                  run("{% endif %}{{ agreement.public_body.name }}"),
                  ppr=[spacing(before=0, after=0, line_twips=240)])
    return [
        sender,
        tag(f"if {INVITATION}.date_text"),
        line("SignatureLabel", f"{{{{ {INVITATION}.date_text }}}}"),
        tag("endif"),
        para("Normal", run("{{ organisation.name }}"), ppr=[spacing(before=480, after=0)]),
        para("Normal", run("Att: {{ organisation.representative }}, "
                           "{{ organisation.representative_title }}"),
             ppr=[spacing(after=360)]),
    ]


def subject() -> list[etree._Element]:
    return [
        para("Heading1", run(
            "{% if organisation.invited_on_text %}Påminnelse: underteckna{% else %}"
            "{% if organisation.signed_on_text %}Underteckna{% else %}Inbjudan att "
            "underteckna{% endif %}{% endif %}{% if organisation.signed_on_text %} den "
            "reviderade överenskommelsen{% else %} överenskommelsen{% endif %}"),
            ppr=[spacing(before=0, after=60, line_twips=240)]),
        line("SignatureTitle", "{{ agreement.title }}"),
    ]


def why() -> list[etree._Element]:
    again = (
        "{{ organisation.name }} undertecknade överenskommelsen den "
        "{{ organisation.signed_on_text }}. Den har sedan reviderats{% if "
        "agreement.adoption.date_text %}: {{ agreement.adoption.body_in_sentence }} antog den "
        "nya texten den {{ agreement.adoption.date_text }}{% endif %}. För att "
        "{{ organisation.name }} ska fortsätta vara part i överenskommelsen ber vi er att "
        "underteckna den nya texten.")
    invited = (
        "{{ agreement.public_body.name }} bjuder in {{ organisation.name }} att ansluta sig "
        "till överenskommelsen, som beskriver hur {{ agreement.public_body.name }} och de "
        "idéburna organisationerna samverkar.")
    return [
        tag("if organisation.signed_on_text"), text(again), tag("else"), text(invited),
        tag("endif"),
        tag("if organisation.invited_on_text"),
        text("Vi skrev till er om detta den {{ organisation.invited_on_text }} och har ännu "
             "inte fått er underskrift. Därför påminner vi om det."),
        tag("endif"),
    ]


def when() -> list[etree._Element]:
    ceremony = (
        "Överenskommelsen undertecknas vid en gemensam ceremoni den "
        "{{ organisation.ceremony_text }}{% if organisation.signing_place %} i "
        "{{ organisation.signing_place }}{% endif %}{% if organisation.ceremony_venue %}: "
        "{{ organisation.ceremony_venue }}{% endif %}. Er behöriga företrädare, "
        "{{ organisation.representative }}, är välkommen att skriva under där. Kan ni inte "
        "komma går det bra att skriva under på egen hand, så som det beskrivs nedan.")
    return [
        tag("if organisation.ceremony_text"), text(ceremony),
        tag(f"elif {INVITATION}.sign_by_text"),
        text(f"Vi tar gärna emot er underskrift senast den {{{{ {INVITATION}.sign_by_text }}}}."),
        tag("endif"),
        text("Med brevet följer överenskommelsen med en underskriftssida för "
             "{{ organisation.name }} sist ({{ organisation.document_file }}). "
             "Underskriftssidan visar textens fingeravtryck, "
             "{{ agreement.text_fingerprint }}: så vet båda parter vilken text som är "
             "undertecknad."),
    ]


def how() -> list[etree._Element]:
    heading = [spacing(before=240, after=60, line_twips=240)]
    return [
        para("Heading2", run("Så skriver ni under"), ppr=heading),
        *paragraphs_of(f"{INVITATION}.how"),
        para("Heading2", run("Skicka den undertecknade underskriftssidan till"), ppr=heading),
        *paragraphs_of(f"{INVITATION}.return_to"),
        tag(f"if {INVITATION}.contact"),
        text(f"Har ni frågor är ni välkomna att kontakta {{{{ {INVITATION}.contact }}}}."),
        tag("endif"),
    ]


def closing() -> list[etree._Element]:
    sender = f"{INVITATION}.sender"
    return [
        para("Normal", run("Med vänliga hälsningar"), ppr=[spacing(before=240, after=480)]),
        tag(f"if {sender}"),
        para("Normal", run(f"{{{{ {sender}.name }}}}"), ppr=[spacing(after=0)]),
        tag(f"if {sender}.title"),
        para("Normal", run(f"{{{{ {sender}.title }}}}"), ppr=[spacing(after=0)]),
        tag("endif"),
        tag("endif"),
        para("Normal", run("{{ agreement.public_body.name }}"), ppr=[spacing(after=0)]),
    ]


def sectpr() -> etree._Element:
    """A4 as the agreement's pages; no header or footer: each page is a letter of its own."""
    return w(
        "sectPr",
        w("type", val="nextPage"),
        w("pgSz", w=str(PAGE_W), h=str(PAGE_H)),
        w("pgMar", top=str(MARGIN), right=str(MARGIN), bottom=str(MARGIN), left=str(MARGIN),
          header=str(HEADER_FOOTER_DIST), footer=str(HEADER_FOOTER_DIST), gutter="0"),
        w("cols", space="708"),
    )


def document_xml() -> etree._Element:
    body = w("body", tag("for organisation in organisations"), *address(), *subject(),
             *why(), *when(), *how(), *closing(), tag("endfor"), sectpr())
    return w("document", body)


def parts() -> dict[str, bytes]:
    return package_parts(document_xml(), styles_xml(), numbering_xml(), [])


def main() -> None:
    write_package(OUTPUT, parts())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()

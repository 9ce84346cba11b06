"""The public list of signatories: the organisations that have signed the current text and
not withdrawn; apart from them, those that signed an earlier text (under the version they
signed) or one that is not recorded. Withdrawn organisations are not listed.

The kommun publishes it (``signatories.html`` on its website, ``signatories.csv`` for
Excel). It says what each organisation is (name, organisation number, kind) and when it
signed; nothing about persons: no representative, title, e-mail or contact (GDPR). Both
are pure functions of the domain: the same register gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from overens_docs._domain import Agreement, Organisation, Standing, Status
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._render.context import swedish_date

# Swedish alphabetical order: a-z, then å, ä, ö. Æ and ø are the Danish and Norwegian
# spellings of ä and ö, ü sorts as y (Svenska Akademiens ordlista); other accents sort as
# their letter (é as e), and only break ties.
_AFTER_Z = {"å": 1, "ä": 2, "æ": 2, "ö": 3, "ø": 3}
_AS_LETTER = {"ü": "y"}
_SPACE, _PUNCTUATION, _DIGIT, _LETTER = range(4)


def _weight(character: str) -> tuple[int, int]:
    if character in _AFTER_Z:
        return (_LETTER, 26 + _AFTER_Z[character])
    base = unicodedata.normalize("NFD", _AS_LETTER.get(character, character))[0]
    if "a" <= base <= "z":
        return (_LETTER, ord(base) - ord("a"))
    if base.isdecimal():
        return (_DIGIT, unicodedata.decimal(base))
    if base.isspace():
        return (_SPACE, 0)
    if base.isalpha():
        return (_LETTER, 100 + ord(base))  # other scripts: after ö, in code point order
    return (_PUNCTUATION, ord(base))


def swedish_sort_key(text: str) -> tuple[tuple[tuple[int, int], ...], str, str]:
    """Sort ``text`` as a Swedish dictionary does: ``Zeta < Åby < Ängel < Örebro``.

    First by letters (case and accents aside, å ä ö after z), then by accents
    (``e`` before ``é``), then by case; so that the order never depends on the input's.
    """
    folded = unicodedata.normalize("NFC", text).casefold()
    return (tuple(_weight(character) for character in folded),
            unicodedata.normalize("NFD", folded), text)


def _key(organisation: Organisation) -> tuple[object, ...]:
    return (swedish_sort_key(organisation.name), organisation.org_number or "", organisation.id)


def _standing(organisation: Organisation) -> Standing:
    """Its standing; one not worked out with the agreement is taken from its status (a
    signature without a known version is then unrecorded)."""
    if organisation.standing is not None:
        return organisation.standing
    return {Status.SIGNED: Standing.UNRECORDED, Status.WITHDRAWN: Standing.WITHDRAWN}.get(
        organisation.status, Standing.INVITED)


def signatories(organisations: Iterable[Organisation]) -> list[Organisation]:
    """Those that have signed the current text and not withdrawn, in Swedish alphabetical
    order."""
    return sorted((o for o in organisations if _standing(o) is Standing.SIGNED), key=_key)


@dataclass(frozen=True, slots=True)
class Apart:
    """Organisations that signed, but not (or not knowingly) the current text."""

    version: str | None  # the fingerprint they signed, as printed; None: not recorded
    organisations: list[Organisation]


def apart(organisations: Iterable[Organisation]) -> list[Apart]:
    """Those that signed an earlier text, by the version they signed (in the order of the
    earliest signature of each), then those whose version is not recorded."""
    earlier: dict[str, list[Organisation]] = {}
    unrecorded = []
    for organisation in organisations:
        standing = _standing(organisation)
        if standing is Standing.OUTDATED and organisation.signed_version is not None:
            earlier.setdefault(short_form(organisation.signed_version), []).append(organisation)
        elif standing is Standing.UNRECORDED:
            unrecorded.append(organisation)
    groups = sorted(earlier.items(), key=lambda item: (
        min(o.signed_on or datetime.date.max for o in item[1]), item[0]))
    found = [Apart(version, sorted(members, key=_key)) for version, members in groups]
    if unrecorded:
        found.append(Apart(None, sorted(unrecorded, key=_key)))
    return found


_STYLE = """
body { font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #1a1a1a; background: #fff; margin: 0 auto; padding: 1rem; max-width: 60rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; line-height: 1.3; margin: 1.5rem 0 .25rem; }
.table { overflow-x: auto; }
.table:focus { outline: 2px solid #005fcc; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem .4rem 0;
         border-bottom: 1px solid #bbb; overflow-wrap: anywhere; }
thead th { border-bottom: 2px solid #1a1a1a; }
tbody th { font-weight: normal; }
td.nowrap { white-space: nowrap; }
@media (max-width: 36rem) {
  body { padding: .5rem; font-size: .95rem; }
  th, td { padding-right: .3rem; }
  td.nowrap { white-space: normal; }
}
@media print {
  body { font: 10pt/1.35 Georgia, "Times New Roman", serif; max-width: none; padding: 0; }
  .table { overflow: visible; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
""".strip()


def _organisations(count: int) -> str:
    return "1 organisation" if count == 1 else f"{count} organisationer"


_HEADER = ('<tr><th scope="col">Organisation</th><th scope="col">Organisationsnummer</th>'
           '<th scope="col">Typ</th><th scope="col">Undertecknad</th></tr>')


def _table(caption: str, identifier: str, listed: list[Organisation]) -> list[str]:
    lines = [f'<div class="table" role="region" aria-labelledby="{identifier}" tabindex="0">',
             "<table>", f'<caption id="{identifier}">{caption}</caption>',
             "<thead>", _HEADER, "</thead>", "<tbody>"]
    for organisation in listed:
        signed = organisation.signed_on
        date = (f'<time datetime="{signed.isoformat()}">{swedish_date(signed)}</time>'
                if signed else "")
        lines.append(
            f'<tr><th scope="row">{escape(organisation.name)}</th>'
            f'<td class="nowrap">{escape(organisation.org_number or "")}</td>'
            f"<td>{escape(organisation.kind or '')}</td>"
            f'<td class="nowrap">{date}</td></tr>')
    return [*lines, "</tbody>", "</table>", "</div>"]


def _apart_html(groups: list[Apart]) -> list[str]:
    lines: list[str] = []
    for number, group in enumerate(groups, 1):
        count = _organisations(len(group.organisations))
        if group.version is not None:
            lines += [f"<h2>Har undertecknat en tidigare version (fingeravtryck "
                      f"{group.version})</h2>",
                      "<p>De har inte undertecknat den gällande texten.</p>"]
            caption = f"{count} undertecknade version {group.version}"
        else:
            lines += ["<h2>Har undertecknat, men vilken version är inte registrerat</h2>"]
            caption = f"{count}, version inte registrerad"
        lines += _table(caption, f"apart-{number}", group.organisations)
    return lines


def signatories_html(agreement: Agreement, organisations: Iterable[Organisation]) -> bytes:
    """``signatories.html``: one self-contained, accessible page, without scripts."""
    organisations = list(organisations)
    listed = signatories(organisations)
    title = escape(agreement.title)
    adopted = ""
    if agreement.adoption.date is not None:
        adopted = (f" {escape(agreement.adoption.body)} antog den gällande texten den "
                   f"{swedish_date(agreement.adoption.date)}.")
    public_body = escape(agreement.public_body.name)
    current = short_form(text_fingerprint(agreement))
    lines = [
        "<!DOCTYPE html>",
        '<html lang="sv">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Organisationer som har undertecknat {title}</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        "<h1>Organisationer som har undertecknat överenskommelsen</h1>",
        f"<p><strong>{title}</strong></p>",
        f"<p>Listan visar de idéburna organisationer som har undertecknat den gällande texten "
        f"av överenskommelsen med {public_body} (textens fingeravtryck {current}) och inte "
        f"har lämnat den.{adopted}</p>",
    ]
    if not listed:
        lines.append("<p>Ingen organisation har undertecknat den gällande texten ännu.</p>")
    else:
        lines += _table(f"{_organisations(len(listed))} har undertecknat den gällande "
                        "texten, i bokstavsordning", "caption", listed)
    lines += [*_apart_html(apart(organisations)), "</main>", "</body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")


# A cell that starts with one of these can run as a formula in Excel or LibreOffice
# (OWASP, "CSV Injection"): it is written with a leading apostrophe, shown as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str | None) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def signatories_csv(agreement: Agreement, organisations: Iterable[Organisation]) -> bytes:
    """``signatories.csv``: UTF-8 with a byte-order mark and ``;``, as Excel opens it; those
    who signed the current text first (Text: gällande), then those who signed an earlier
    one (tidigare) or an unrecorded one (okänd), with the fingerprint each signed."""
    organisations = list(organisations)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Namn", "Organisationsnummer", "Typ", "Undertecknad", "Text",
                     "Fingeravtryck"])
    rows = [(organisation, "gällande", short_form(text_fingerprint(agreement)))
            for organisation in signatories(organisations)]
    for group in apart(organisations):
        rows += [(organisation, "tidigare" if group.version else "okänd", group.version or "")
                 for organisation in group.organisations]
    for organisation, text, version in rows:
        writer.writerow([spreadsheet_cell(organisation.name),
                         spreadsheet_cell(organisation.org_number),
                         spreadsheet_cell(organisation.kind),
                         organisation.signed_on.isoformat() if organisation.signed_on else "",
                         text, version])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

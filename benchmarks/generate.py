"""Generated organisation lists for benchmarks: fictional, valid, with Swedish names."""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

import openpyxl
import yaml
from stdnum import luhn

_KINDS = ["Idrottsförening", "Kulturförening", "Pensionärsförening", "Hembygdsförening",
          "Scoutkår", "Föreningen för Ö-bor & Vänner", "Kooperativ", "Stiftelse"]
_PLACES = ["Åby", "Änglaholm", "Östra Påhittsta", "Vivalla", "Brickebacken", "Haga"]


def organisation_number(index: int) -> str:
    body = f"8029{index:05d}"
    return f"{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"


def organisations(count: int) -> list[dict[str, str]]:
    return [
        {
            "id": f"org-{index:05d}",
            "name": f"{_PLACES[index % len(_PLACES)]} {_KINDS[index % len(_KINDS)]} nr {index}",
            "org_number": organisation_number(index),
            "representative": f"Åsa Öberg-{index}",
            "representative_title": "Ordförande",
            "email": f"org{index}@example.org",
        }
        for index in range(count)
    ]


def write_organisations(path: Path, count: int) -> Path:
    document = {"organisations": organisations(count)}
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def write_organisations_csv(path: Path, count: int) -> Path:
    rows = organisations(count)
    columns = list(rows[0])
    lines = [";".join(columns)] + [";".join(row[column] for column in columns) for row in rows]
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


# The register as an officer keeps it in Excel: Swedish headers, dates as date cells, the
# organisation number typed as a number, every third organisation signed.
_SWEDISH = {"id": "id", "name": "Namn", "org_number": "Organisationsnummer",
            "representative": "Företrädare", "representative_title": "Titel",
            "email": "E-post"}
_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>([^<]*)</t></is></c>')
_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _shared_strings(path: Path) -> None:
    """Store the text of every cell in a shared string table, as Excel and Calc do.

    openpyxl writes each text into its cell ("inline strings"), which openpyxl then reads
    about twice as slowly; a benchmark should read what officers' files hold.
    """
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    table: dict[bytes, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        index = table.setdefault(match.group(2), len(table))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match.group(1), index)

    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = _INLINE.sub(shared, parts[sheet])
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="%s" '
        b'uniqueCount="%d">' % (_MAIN, len(table))
        + b"".join(b"<si><t>%s</t></si>" % text for text in table) + b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdStrings" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def write_organisations_xlsx(path: Path, count: int) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Organisationer"
    sheet.append([*_SWEDISH.values(), "Status", "Undertecknad", "Typ"])
    signed_on = datetime.date(2022, 4, 20)
    for index, row in enumerate(organisations(count)):
        values: list[object] = [row[key] for key in _SWEDISH]
        values[2] = int(row["org_number"].replace("-", ""))
        signed = index % 3 == 0
        values += ["undertecknat" if signed else "inbjuden", signed_on if signed else None,
                   "förening"]
        sheet.append(values)
    book.save(path)
    _shared_strings(path)
    return path

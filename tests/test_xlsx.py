"""organisations.xlsx: read as Excel stores it, every problem a finding at its cell."""

from __future__ import annotations

import datetime
import re
import shutil
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import OREBRO
from overens_docs._findings import Finding
from overens_docs._load import load_xlsx
from overens_docs._read import read_target
from overens_docs._targets import Target

SWEDISH = ["Namn", "Organisationsnummer", "Företrädare", "Titel", "Status", "Undertecknad"]


def _workbook(path: Path, rows: Sequence[Sequence[Any]], *, title: str = "Organisationer",
              before: Sequence[str] = (), change: Callable[[Any], None] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    for name in before:  # sheets in front of the one that is read
        first.title = name
        first = workbook.create_sheet()
    first.title = title
    for row in rows:
        first.append(list(row))
    if change is not None:
        change(first)
    workbook.save(path)
    return path


def _patch_sheet(path: Path, old: str, new: str, sheet: str = "xl/worksheets/sheet1.xml") -> None:
    """Rewrite part of a sheet's XML, as another program would have written it."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts[sheet].decode("utf-8")
    assert old in xml, xml
    parts[sheet] = xml.replace(old, new).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def _places(findings: Sequence[Finding]) -> set[str]:
    return {f"{f.rule}@{f.sheet}!{f.line}:{f.column}" for f in findings}


def test_swedish_headers_numbers_and_dates_read_as_excel_stores_them(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "organisations.xlsx", [
        SWEDISH,
        ['Föreningen "Ett & Två" <Unga>', 8020028711, "Åsa Öberg", "Ordförande", "Undertecknat",
         datetime.datetime(2018, 6, 13)],
        ["Nätverket Å", None, "Bo", "Samordnare", "inbjuden", None],
    ], before=["Instruktioner"])
    loaded = load_xlsx(path, "organisations.xlsx")
    assert loaded.findings == []
    assert loaded.data == {"organisations": [
        {"name": 'Föreningen "Ett & Två" <Unga>', "org_number": "802002-8711",
         "representative": "Åsa Öberg", "representative_title": "Ordförande",
         "status": "signed", "signed_on": "2018-06-13"},
        {"name": "Nätverket Å", "representative": "Bo", "representative_title": "Samordnare",
         "status": "invited"}]}
    assert loaded.source.sheet == "Organisationer"
    assert loaded.source.values[("organisations", 0, "org_number")] == (2, 2)
    assert loaded.source.values[("organisations", 1)] == (3, 1)


def test_the_first_sheet_when_none_is_named_organisationer(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "o.xlsx", [["name", "representative", "representative_title"],
                                           ["A", "B", "C"]], title="Blad1")
    loaded = load_xlsx(path)
    assert loaded.source.sheet == "Blad1"
    assert loaded.data == {"organisations": [
        {"name": "A", "representative": "B", "representative_title": "C"}]}


def test_a_title_above_the_header_is_skipped(tmp_path: Path) -> None:
    def title(sheet: Any) -> None:
        sheet.insert_rows(1, 2)
        sheet["A1"] = "Organisationer som undertecknat överenskommelsen"
        sheet.merge_cells("A1:F1")

    path = _workbook(tmp_path / "o.xlsx", [SWEDISH, ["A", None, "B", "C", None, None]],
                     change=title)
    loaded = load_xlsx(path)
    assert loaded.findings == []
    assert loaded.source.values[("organisations", 0, "name")] == (4, 1)


def test_bad_values_are_findings_at_their_cells(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "organisations.xlsx", [
        SWEDISH,
        ["A", "802002-8711", "B", "C", "kanske", None],
        ["D", 8020028712, "E", "F", "undertecknat", None],
    ])
    checked = read_target(Target(tmp_path, only=path))
    assert _places(checked.findings) == {
        "schema-enum@Organisationer!2:5", "org-number-checksum@Organisationer!3:2",
        "register-missing-date@Organisationer!3:5"}


def test_merged_and_empty_header_cells_are_findings(tmp_path: Path) -> None:
    def merge(sheet: Any) -> None:
        sheet.merge_cells("C1:D1")
        sheet.merge_cells("A4:A5")

    path = _workbook(tmp_path / "o.xlsx", [
        ["Namn", None, "Företrädare", None, "Titel", None, None, "Status"],
        ["A", None, "B", None, "C", None, None, None, "x"],
        ["D", None, "E", None, "F"],
        ["G", None, "H", None, "I"],
    ], change=merge)
    loaded = load_xlsx(path)
    assert _places(loaded.findings) == {
        "xlsx-merged-header@Organisationer!1:3", "xlsx-merged-cells@Organisationer!4:1",
        "xlsx-empty-header@Organisationer!1:2", "xlsx-empty-header@Organisationer!1:6",
        "xlsx-empty-header@Organisationer!1:7", "xlsx-empty-header@Organisationer!1:9"}
    severities = {f.column: f.severity.value for f in loaded.findings
                  if f.rule == "xlsx-empty-header"}
    assert severities == {2: "warning", 6: "warning", 7: "warning", 9: "error"}
    assert "I2" in next(f.message for f in loaded.findings if f.column == 9)


def test_a_formula_without_a_saved_value_is_a_finding(tmp_path: Path) -> None:
    # openpyxl writes formulas without calculating them, as some scripts produce files.
    path = _workbook(tmp_path / "o.xlsx", [
        ["Namn", "Företrädare", "Titel", "Typ", "Anteckning"],
        ["A", "B", "C", '=IF(A2="";"";"förening")', "=1+1"],
    ])
    loaded = load_xlsx(path)
    assert _places(loaded.findings) == {"xlsx-formula-without-value@Organisationer!2:4",
                                        "xlsx-unknown-column@Organisationer!1:5"}
    assert loaded.source.refused == {("organisations", 0, "kind")}


def test_a_formula_uses_the_value_saved_with_it(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "o.xlsx", [["Namn", "Företrädare", "Titel", "Typ"],
                                           ["A", "B", "C", "=LOWER(\"IDEELL\")"],
                                           ["D", "E", "F", "=A3"]])
    _patch_sheet(path, '<c r="D2"><f>LOWER("IDEELL")</f><v></v></c>',
                 '<c r="D2" t="str"><f>LOWER("IDEELL")</f><v>ideell</v></c>')
    # A text formula whose result is empty saves an empty value: that is a value.
    _patch_sheet(path, '<c r="D3"><f>A3</f><v></v></c>', '<c r="D3" t="str"><f>A3</f><v></v></c>')
    loaded = load_xlsx(path)
    assert loaded.findings == []
    assert loaded.data["organisations"][0]["kind"] == "ideell"
    assert "kind" not in loaded.data["organisations"][1]


def test_an_excel_error_value_is_a_finding(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "o.xlsx", [["Namn", "Företrädare", "Titel"], ["A", "=1/0", "C"]])
    _patch_sheet(path, '<c r="B2"><f>1/0</f><v></v></c>',
                 '<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    loaded = load_xlsx(path)
    assert _places(loaded.findings) == {"xlsx-error-value@Organisationer!2:2"}


def test_a_wrong_dimension_does_not_hide_rows(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "o.xlsx", [["Namn", "Företrädare", "Titel"], ["A", "B", "C"],
                                           ["D", "E", "F"]])
    _patch_sheet(path, '<dimension ref="A1:C3"/>', '<dimension ref="A1"/>')
    assert len(load_xlsx(path).data["organisations"]) == 2


def test_a_file_that_is_not_a_workbook_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "organisations.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old .xls file")
    [finding] = load_xlsx(path).findings
    assert finding.rule == "xlsx-unreadable"
    assert ".xls" in finding.message


def test_an_empty_sheet_is_a_finding(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "o.xlsx", [])
    assert [f.rule for f in load_xlsx(path).findings] == ["xlsx-empty"]


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "o.xlsx", [["Namn", "Företrädre", "Titel"], ["A", "B", "C"]])
    loaded = load_xlsx(path)
    assert _places(loaded.findings) == {"xlsx-unknown-column@Organisationer!1:2",
                                        "xlsx-missing-column@Organisationer!1:None"}
    assert "Did you mean 'företrädare'?" in loaded.findings[0].message
    assert loaded.data is None


def test_a_folder_with_organisations_xlsx_validates(tmp_path: Path) -> None:
    folder = tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    (folder / "organisations.yaml").unlink()
    _workbook(folder / "organisations.xlsx", [SWEDISH, ["A", 8020028711, "B", "C", None, None]])
    checked = read_target(Target(folder))
    assert checked.findings == []
    [organisation] = checked.whole("test")[1]
    assert organisation.org_number == "802002-8711"
    assert (organisation.place.sheet, organisation.place.line) == ("Organisationer", 2)


def test_an_xlsx_beside_another_list_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "orebro"
    shutil.copytree(OREBRO, folder)
    _workbook(folder / "organisations.xlsx", [SWEDISH])
    checked = read_target(Target(folder))
    assert [f.rule for f in checked.findings] == ["two-organisation-lists"]
    assert re.search(r"organisations\.yaml and organisations\.xlsx", checked.findings[0].message)


@pytest.mark.parametrize("keep", [0, 10, 200, 2000, 6000, -30])
def test_a_damaged_workbook_is_a_finding_not_a_crash(tmp_path: Path, keep: int) -> None:
    sample = (OREBRO.parent / "exempelkommun" / "organisations.xlsx").read_bytes()
    path = tmp_path / "organisations.xlsx"
    path.write_bytes(sample[:keep])
    loaded = load_xlsx(path)
    assert [f.rule for f in loaded.findings] == ["xlsx-unreadable"]


def test_a_sheet_with_broken_xml_is_a_finding(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "o.xlsx", [["Namn", "Företrädare", "Titel"], ["A", "B", "C"]])
    _patch_sheet(path, "</sheetData>", "</sheetDat>")
    assert [f.rule for f in load_xlsx(path).findings] == ["xlsx-unreadable"]


# --- as officers leave a workbook: hidden sheets, damage, a header further down ----------

def _hide(*titles: str, state: str = "hidden") -> Callable[[Any], None]:
    def change(sheet: Any) -> None:
        for title in titles:
            sheet.parent[title].sheet_state = state
    return change


def test_the_first_visible_sheet_is_read_and_hidden_data_is_a_warning(tmp_path: Path) -> None:
    def setup(sheet: Any) -> None:
        old = sheet.parent.create_sheet("Gammal lista", 0)
        old.append(["name", "representative", "representative_title"])
        old.append(["Gömd förening", "X", "Y"])
        sheet.parent.create_sheet("Tom och gömd", 0)
        _hide("Gammal lista", "Tom och gömd", state="veryHidden")(sheet)

    path = _workbook(tmp_path / "o.xlsx", [["name", "representative", "representative_title"],
                                           ["Synlig förening", "A", "B"]],
                     title="Blad2", change=setup)
    loaded = load_xlsx(path)
    assert [row["name"] for row in loaded.data["organisations"]] == ["Synlig förening"]
    [warning] = loaded.findings
    assert (warning.rule, warning.severity.value, warning.sheet) == (
        "xlsx-hidden-sheet", "warning", "Gammal lista")
    assert "'Gammal lista' holds data" in warning.message and "'Blad2'" in warning.message


def test_the_sheet_named_organisationer_is_read_even_hidden_with_a_warning(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "o.xlsx", [["name", "representative", "representative_title"],
                                           ["A", "B", "C"]], before=["Instruktioner"],
                     change=_hide("Organisationer"))
    loaded = load_xlsx(path)
    assert len(loaded.data["organisations"]) == 1
    assert [(f.rule, f.sheet) for f in loaded.findings] == [
        ("xlsx-hidden-sheet", "Organisationer")]


def test_a_workbook_of_hidden_sheets_only_has_nothing_to_read(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "o.xlsx", [["name"]], title="Blad1")

    def hide(parts: dict[str, bytes]) -> None:  # openpyxl will not save it so; Excel does
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'state="visible" r:id',
                                                                    b'state="hidden" r:id')

    assert [f.rule for f in load_xlsx(_repacked(path, hide)).findings] == ["xlsx-empty"]


@pytest.mark.parametrize(("rows", "said"), [
    ([["Föreningsregister 2024"], [], ["Namn", "Titel"], ["A", "B"]],
     "Row 3 of the sheet 'Organisationer' is read as the header"),
    ([["Register"], ["Förening", "Ordförande"], ["A", "B"]],
     "No row among the first 20 of the sheet 'Organisationer' names a known column, so row "
     "1"),
])
def test_a_header_that_is_not_the_first_row_is_named_with_its_sheet_and_row(
        tmp_path: Path, rows: list[list[str]], said: str) -> None:
    loaded = load_xlsx(_workbook(tmp_path / "o.xlsx", rows))
    missing = [f for f in loaded.findings if f.rule == "xlsx-missing-column"]
    assert missing and all(said in f.message for f in missing)
    assert {(f.sheet, f.line) for f in missing} == {("Organisationer", int(said.rsplit(maxsplit=1)[-1]) if
                                                    said.startswith("No") else 3)}


def _repacked(path: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def _set(name: str, content: bytes) -> Callable[[dict[str, bytes]], None]:
    return lambda parts: parts.__setitem__(name, content)


_SHEET = "xl/worksheets/sheet1.xml"
_BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                   b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                   b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c>'
                   b'</row></sheetData></worksheet>')


@pytest.mark.parametrize(("damage", "said"), [
    (_set(_SHEET, _BILLION_LAUGHS), "declares a DTD or entities"),
    (_set(_SHEET, b'<?xml version="1.0" encoding="ISO-8859-1"?><worksheet/>'),
     "declares the encoding ISO-8859-1"),
    (_set(_SHEET, "<worksheet/>".encode("utf-16")), "is not UTF-8"),
    (lambda parts: parts.pop("xl/workbook.xml"), None),
    (_set(_SHEET, b"<worksheet><sheetData><row><c t=\"s\"><v>99</v></c></row>"), None),
])
def test_a_damaged_part_is_a_finding(tmp_path: Path, damage: Callable[[dict[str, bytes]], None],
                                     said: str | None) -> None:
    path = _workbook(tmp_path / "o.xlsx", [["Namn", "Företrädare", "Titel"], ["A", "B", "C"]])
    loaded = load_xlsx(_repacked(path, damage))
    assert [f.rule for f in loaded.findings] == ["xlsx-unreadable"]
    assert said is None or said in loaded.findings[0].message


def test_a_part_that_inflates_past_the_limit_is_refused_unread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from overens_docs._load import package  # noqa: PLC0415

    monkeypatch.setattr(package, "MAX_PART_BYTES", 1 << 20)
    path = _workbook(tmp_path / "o.xlsx", [["Namn", "Företrädare", "Titel"], ["A", "B", "C"]])
    _repacked(path, _set("xl/media/bomb.bin", bytes(8 << 20)))  # 8 MB of zeros, 8 KB packed
    assert path.stat().st_size < 64 << 10
    [finding] = load_xlsx(path).findings
    assert finding.rule == "xlsx-unreadable" and "ZIP bomb" in finding.message


def test_a_stream_that_does_not_inflate_and_an_unknown_method_are_findings(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "o.xlsx", [["Namn", "Företrädare", "Titel"], ["A", "B", "C"]])
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(_SHEET)
    local = info.header_offset  # the part's local header: its data follows name and extra
    start = local + 30 + int.from_bytes(data[local + 26:local + 28], "little") + \
        int.from_bytes(data[local + 28:local + 30], "little")
    broken = data[:start] + b"\xff" * 8 + data[start + 8:]
    central = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02"))
    while int.from_bytes(data[central + 42:central + 46], "little") != local:
        central = data.index(b"PK\x01\x02", central + 4)
    method = data[:central + 10] + (99).to_bytes(2, "little") + data[central + 12:]
    for damaged in (broken, method):
        path.write_bytes(damaged)
        assert [f.rule for f in load_xlsx(path).findings] == ["xlsx-unreadable"]


@pytest.mark.parametrize("block", range(4))
def test_mutated_workbooks_give_findings_never_a_crash(tmp_path: Path, block: int) -> None:
    """Random damage to the sample workbook, to its bytes or to its XML: any result but an
    exception."""
    import io  # noqa: PLC0415
    import random  # noqa: PLC0415

    sample = (OREBRO.parent / "exempelkommun" / "organisations.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(sample)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml_parts = sorted(name for name in parts if name.endswith((".xml", ".rels")))
    path = tmp_path / "organisations.xlsx"
    for case in range(100):
        rng = random.Random(f"{block}-{case}")  # noqa: S311 -- reproducible test data
        if rng.random() < 0.4:
            data = bytearray(sample)
            for _ in range(rng.randint(1, 5)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            path.write_bytes(bytes(data))
        else:
            name = rng.choice(xml_parts)
            xml, where = parts[name], rng.randrange(len(parts[name]))
            junk = rng.choice([b"", b"<", b">", b'"', b"&", b"<a>", b'r="ZZ9"', b't="s"', b"-1"])
            mutated = xml[:where] + junk + xml[where + rng.randint(0, 20):]
            path.write_bytes(sample)
            _repacked(path, _set(name, mutated))
        load_xlsx(path)  # raises on failure, naming the case in the traceback's locals

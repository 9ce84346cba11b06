"""The yearly follow-up's workbooks: written (reproducibly, protected, with a drop-down),
filled in as a person fills them in (openpyxl), read back and checked cell by cell."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from conftest import ROOT, RunCli, template_variant
from overens_docs import followup_new
from overens_docs._followup.charts import chart_png
from overens_docs._followup.figures import Table
from overens_docs._followup.items import COLUMNS, items
from overens_docs._followup.questionnaires import Questionnaires
from overens_docs._followup.report import read_year, report_template
from overens_docs._read import read_target
from overens_docs._render.context import agreement_context
from overens_docs._render.docx import CoreProperties, render
from overens_docs._render.template_file import TemplateError
from overens_docs._reproducible import build_date
from overens_docs._targets import Target

SAMPLE = ROOT / "agreements" / "exempelkommun"
HEADER = "Id"


def _agreement_copy(tmp_path: Path, name: str = "exempelkommun") -> Path:
    """The Exempelkommun sample without its follow-up, to follow up anew."""
    folder = tmp_path / name
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("uppfoljning"))
    return folder


def _first_row(sheet: Worksheet) -> int:
    return next(int(row[0].row or 0) for row in sheet.iter_rows()
                if row[0].value == HEADER) + 1


def fill(path: Path, entries: dict[str, tuple[str | None, ...]],
         target: Path | None = None) -> dict[str, int]:
    """Write ``entries`` (by id: status, then the other fill-in cells) into the workbook
    at ``path`` as a person does in Excel; the row of each id."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    rows = {}
    for row in sheet.iter_rows(min_row=_first_row(sheet)):
        identifier = row[0].value
        rows[str(identifier)] = int(row[0].row or 0)
        for offset, value in enumerate(entries.get(str(identifier), ())):
            row[5 + offset].value = value
    book.save(target or path)
    return rows


def _cell(path: Path, reference: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    book.active[reference].value = value  # type: ignore[index]
    book.save(path)


def test_the_workbook_has_a_row_per_item_a_drop_down_and_locked_columns(tmp_path: Path) -> None:
    folder = _agreement_copy(tmp_path)
    result = followup_new(folder, 2024)
    assert not result.report.fails() and result.workbook_written
    workbook = folder / "uppfoljning" / "2024" / "uppfoljning-2024.xlsx"
    book = openpyxl.load_workbook(workbook)
    sheet = book.active
    assert sheet is not None and sheet.title == "Uppföljning"
    first = _first_row(sheet)
    ids = [sheet.cell(row, 1).value for row in range(first, sheet.max_row + 1)]
    assert ids == ["k1", "k2", "k3", "k4", "k5", "o1", "o2", "o3", "o4", "g1", "h1", "h2",
                   "h3", "h4"]
    assert [cell.value for cell in sheet[first - 1]] == [
        "Id", "Vem", "Åtagande eller aktivitet", "Principer", "Tid", "Status",
        "Kommentar från Exempelkommun", "Kommentar från organisationerna",
        "Mått eller indikator"]
    h1 = first + ids.index("h1")
    assert [sheet.cell(h1, column).value for column in (2, 4, 5)] == [
        "Exempelkommun och De idéburna organisationerna", "mångfald och öppenhet och insyn",
        "senast 30 juni 2023"]
    assert sheet.protection.sheet
    assert sheet.cell(h1, 3).protection.locked and not sheet.cell(h1, 6).protection.locked
    [validation] = sheet.data_validations.dataValidation
    assert validation.formula1 == '"ej påbörjat,pågår,genomfört,ej aktuellt"'
    assert str(validation.sqref) == f"F{first}:F{sheet.max_row}"


def test_it_never_replaces_a_workbook_and_writes_only_new_questionnaires(
        tmp_path: Path, run_cli: RunCli) -> None:
    folder = _agreement_copy(tmp_path)
    assert run_cli("followup", "new", folder, "2024").exit_code == 0
    year = folder / "uppfoljning" / "2024"
    workbook = year / "uppfoljning-2024.xlsx"
    fill(workbook, {"k1": ("genomfört",)})
    filled = workbook.read_bytes()
    (year / "enkater" / "kulturforeningen-angen.xlsx").unlink()
    again = run_cli("followup", "new", folder, "2024")
    assert again.exit_code == 0
    assert workbook.read_bytes() == filled
    assert "Kept" in again.stdout and "Wrote 1 questionnaire" in again.stdout
    assert "(4 were there already)" in again.stdout
    assert sorted(path.name for path in (year / "enkater").iterdir()) == [
        "exempelstads-idrottsallians.xlsx", "exempelstads-pingstforsamling.xlsx",
        "foreningen-grannar-vanner-i-norrby.xlsx", "kulturforeningen-angen.xlsx",
        "stiftelsen-oppna-hander.xlsx"]
    assert (year / "svar").is_dir()
    assert not list(year.rglob(".*"))  # no temporary file left behind


def test_the_same_agreement_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = _agreement_copy(tmp_path / "a"), _agreement_copy(tmp_path / "b")
    followup_new(first, 2024)
    followup_new(second, 2024)
    for relative in ("uppfoljning-2024.xlsx", "enkater/kulturforeningen-angen.xlsx"):
        one = (first / "uppfoljning" / "2024" / relative).read_bytes()
        assert one == (second / "uppfoljning" / "2024" / relative).read_bytes()
        with zipfile.ZipFile(io.BytesIO(one)) as package:
            assert {info.date_time for info in package.infolist()} == {(2022, 4, 20, 0, 0, 0)}
            core = package.read("docProps/core.xml").decode()
        assert core.count("2022-04-20T00:00:00Z") == 2  # created and modified


@pytest.mark.parametrize("name", [
    'Föreningen "Grannar & Vänner" <i> Norrby', "  Med mellanslag  ", "=SUMMA(A1)",
    "Ångström ＆ Co"])
def test_a_questionnaire_copy_is_what_openpyxl_writes_for_the_organisation(name: str) -> None:
    agreement, organisations = read_target(Target(SAMPLE)).whole("test")
    organisation = dataclasses.replace(organisations[0], name=name)
    copies = Questionnaires(agreement, 2024, items(agreement)[5:],
                            build_date(agreement.signing.date))
    assert copies.fast
    made = copies.make(organisation)
    assert made == copies.slow(organisation)
    sheet = openpyxl.load_workbook(io.BytesIO(made)).active
    assert sheet is not None and sheet["C4"].value == name and sheet["C4"].data_type == "s"


def test_text_that_starts_with_an_equals_sign_stays_text(tmp_path: Path) -> None:
    """openpyxl takes a text that starts with = for a formula; Excel would calculate it."""
    folder = _agreement_copy(tmp_path)
    path = folder / "agreement.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Organisationerna håller sina kontaktuppgifter aktuella hos kommunen.",
        '"=1+1 är inte en formel."'), encoding="utf-8")
    assert not followup_new(folder, 2024).report.fails()
    workbook = folder / "uppfoljning" / "2024" / "uppfoljning-2024.xlsx"
    with zipfile.ZipFile(workbook) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")
    result = read_year(folder, 2024)
    assert not result.report.fails(), result.report.findings


def test_last_years_entries_are_carried_over(tmp_path: Path) -> None:
    folder = _agreement_copy(tmp_path)
    followup_new(folder, 2023)
    fill(folder / "uppfoljning" / "2023" / "uppfoljning-2023.xlsx",
         {"k1": ("pågår", "Konferensen är bokad.", None, "Antal: 3"), "h4": ("ej aktuellt",)})
    result = followup_new(folder, 2024)
    assert result.carried_over_from == 2023
    read = read_year(folder, 2024)
    assert read.figures is not None
    k1 = read.figures.entries["k1"]
    assert (k1.status and k1.status.value, k1.notes) == (
        "pågår", ("Konferensen är bokad.", None, "Antal: 3"))


def _report_json(run_cli: RunCli, folder: Path, *extra: str | Path) -> tuple[int, Any]:
    result = run_cli("followup", "report", folder, "2024", "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)


def test_a_wrong_status_is_exit_1_and_a_finding_at_its_cell(
        tmp_path: Path, run_cli: RunCli) -> None:
    folder = _agreement_copy(tmp_path)
    followup_new(folder, 2024)
    workbook = folder / "uppfoljning" / "2024" / "uppfoljning-2024.xlsx"
    rows = fill(workbook, {"k1": ("genomfört",), "k3": ("klart",)})
    result = run_cli("followup", "report", folder, "2024", "--out", tmp_path / "out")
    assert result.exit_code == 1
    place = f"exempelkommun/uppfoljning/2024/uppfoljning-2024.xlsx:Uppföljning!F{rows['k3']}"
    [line] = [line for line in result.stdout.splitlines() if "followup-status" in line]
    assert place in line
    assert "'klart' is not a status: choose one of ej påbörjat, pågår, genomfört, ej aktuellt" \
        in line
    assert not (tmp_path / "out").exists()
    swedish = run_cli("--lang", "sv", "followup", "report", folder, "2024")
    assert swedish.exit_code == 1
    assert "'klart' är ingen status: välj en av ej påbörjat, pågår, genomfört, ej aktuellt" \
        in swedish.stdout
    code, document = _report_json(run_cli, folder)
    [finding] = [f for f in document["findings"] if f["rule"] == "followup-status"]
    assert (code, finding["sheet"], finding["cell"]) == (1, "Uppföljning", f"F{rows['k3']}")


def test_changed_unknown_duplicate_and_missing_rows_are_findings_at_their_cells(
        tmp_path: Path, run_cli: RunCli) -> None:
    folder = _agreement_copy(tmp_path)
    followup_new(folder, 2024)
    workbook = folder / "uppfoljning" / "2024" / "uppfoljning-2024.xlsx"
    rows = fill(workbook, {})
    _cell(workbook, f"C{rows['k2']}", "Kommunen informerar ibland.")  # the text changed
    _cell(workbook, f"A{rows['o4']}", "o9")  # an id the agreement lacks, and o4 is missing
    _cell(workbook, f"A{rows['h2']}", "h1")  # h1 twice, and h2 is missing
    code, document = _report_json(run_cli, folder)
    found = {(f["rule"], f["cell"]) for f in document["findings"]
             if f["rule"].startswith("followup")}
    last = max(rows.values())
    assert code == 1
    assert found == {("followup-changed", f"C{rows['k2']}"),
                     ("followup-unknown-id", f"A{rows['o4']}"),
                     ("followup-duplicate-id", f"A{rows['h2']}"),
                     ("followup-missing-row", f"A{last + 1}")}
    missing = [f["message"] for f in document["findings"] if f["rule"] == "followup-missing-row"]
    assert len(missing) == 2 and any("'o4'" in message for message in missing)


def test_a_damaged_workbook_is_a_finding_not_a_traceback(
        tmp_path: Path, run_cli: RunCli) -> None:
    folder = _agreement_copy(tmp_path)
    followup_new(folder, 2024)
    workbook = folder / "uppfoljning" / "2024" / "uppfoljning-2024.xlsx"
    workbook.write_bytes(workbook.read_bytes()[:300])
    result = run_cli("followup", "report", folder, "2024")
    assert result.exit_code == 1
    assert "[followup-unreadable]" in result.stdout


def test_returned_questionnaires_from_strangers_or_twice_are_warnings_and_not_counted(
        tmp_path: Path, run_cli: RunCli) -> None:
    folder = _agreement_copy(tmp_path)
    followup_new(folder, 2024)
    year = folder / "uppfoljning" / "2024"
    angen = year / "enkater" / "kulturforeningen-angen.xlsx"
    fill(angen, {"o1": ("genomfört", "Bra.")}, year / "svar" / "angen.xlsx")
    fill(angen, {"o1": ("pågår",)}, year / "svar" / "angen-igen.xlsx")
    stranger = year / "svar" / "okand.xlsx"
    fill(angen, {"o1": ("pågår",)}, stranger)
    _cell(stranger, "C5", "finns-inte")
    code, document = _report_json(run_cli, folder, "--out", tmp_path / "out")
    warnings = {(Path(f["file"]).name, f["rule"]) for f in document["findings"]
                if f["severity"] == "warning" and f["rule"].startswith("followup")}
    assert warnings == {("angen.xlsx", "followup-twice"),
                        ("okand.xlsx", "followup-unknown-organisation")}
    assert document["answers"]["answered"] == 1
    [o1] = [row for row in document["answers"]["by_item"] if row["category"] == "o1"]
    # Files are read by name: angen-igen.xlsx comes first, and counts.
    assert o1["counts"]["pågår"] == 1 and o1["counts"]["genomfört"] == 0
    assert code == 0  # warnings do not fail


def test_the_figures_count_what_the_workbook_says(tmp_path: Path) -> None:
    folder = _agreement_copy(tmp_path)
    followup_new(folder, 2024)
    statuses = {"k1": "genomfört", "k2": "pågår", "o3": "ej aktuellt", "g1": "genomfört",
                "h1": "ej påbörjat", "h4": "pågår"}
    fill(folder / "uppfoljning" / "2024" / "uppfoljning-2024.xlsx",
         {key: (value,) for key, value in statuses.items()})
    figures = read_year(folder, 2024).figures
    assert figures is not None
    assert dict(zip(COLUMNS, figures.totals, strict=True)) == {
        "ej påbörjat": 1, "pågår": 2, "genomfört": 2, "ej aktuellt": 1, "ej bedömt": 8}
    by_principle = dict(figures.by_principle.rows)
    # Dialog: k1 (genomfört), o1, g1 (genomfört), h3, h4 (pågår).
    assert dict(zip(COLUMNS, by_principle["Dialog"], strict=True)) == {
        "ej påbörjat": 0, "pågår": 1, "genomfört": 2, "ej aktuellt": 0, "ej bedömt": 2}
    by_party = dict(figures.by_group.rows)
    assert sum(by_party["Exempelkommun"]) == 6  # k1-k5 and h2
    assert by_party["Gemensamt (båda parterna)"] == (1, 0, 1, 0, 1)  # g1, h1, h3


def test_a_chart_is_the_same_png_every_time_without_the_softwares_name() -> None:
    table = Table("Status per princip", "Princip", (("Dialog", (1, 2, 3, 0, 1)),
                                                     ("Öppenhet och insyn", (0, 0, 1, 1, 0))))
    png = chart_png(table)
    assert png == chart_png(table)
    assert png.startswith(b"\x89PNG") and b"Software" not in png and b"tIME" not in png


def test_a_report_template_beside_the_agreements_own_template_is_used(tmp_path: Path) -> None:
    folder = _agreement_copy(tmp_path)
    default = ROOT / "templates" / "default"
    assert report_template(read_target(Target(folder)).whole("test")[0]) == (
        default / "followup-report.docx")
    shutil.copyfile(default / "agreement.docx", folder / "mall.docx")
    shutil.copyfile(default / "followup-report.docx", folder / "followup-report.docx")
    path = folder / "agreement.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "template:\n  document: mall.docx\n",
                    encoding="utf-8")
    agreement = read_target(Target(folder)).whole("test")[0]
    assert report_template(agreement) == folder / "followup-report.docx"


def test_a_template_tag_that_fails_with_the_data_is_a_template_error(tmp_path: Path) -> None:
    """A kommun's template may loop over a number: an error that names it, not a traceback."""
    broken = template_variant(tmp_path, b"{{ agreement.title }}",
                              b"{% for x in agreement.principles|length %}{% endfor %}")
    agreement = read_target(Target(SAMPLE)).whole("test")[0]
    with pytest.raises(TemplateError) as raised:
        render(broken, {"agreement": agreement_context(agreement), "include_text": True,
                        "organisations": [], "public_party": {}, "public_signatory": {}},
               CoreProperties.of(agreement))
    assert raised.value.rule == "template-failed"

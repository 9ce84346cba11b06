"""Column names in English or Swedish, and where findings in a workbook point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from overens_docs._findings import Finding, Report, Severity, column_letters
from overens_docs._load import load_csv
from overens_docs._load.columns import column_key, nearest_column, read_header, status_value
from overens_docs._reporters import as_json, as_text


@pytest.mark.parametrize(("header", "key"), [
    ("namn", "name"), (" Namn ", "name"), ("ORGANISATIONSNUMMER", "org_number"),
    ("Företrädare", "representative"), ("titel", "representative_title"),
    ("Befattning", "representative_title"), ("E-post", "email"), ("Status", "status"),
    ("undertecknad", "signed_on"), ("Version", "signed_version"), ("Utträdd", "left_on"),
    ("typ", "kind"), ("Beslut", "decision"), ("kontakt", "contact"),
    ("name", "name"), ("Signed_On", "signed_on"), ("Kommentar", None),
])
def test_header_names_in_english_or_swedish_any_case(header: str, key: str | None) -> None:
    assert column_key(header) == key


def test_decomposed_swedish_letters_are_the_same_name() -> None:
    assert column_key("fo\u0308retra\u0308dare") == "representative"  # as macOS may write it


@pytest.mark.parametrize(("written", "status"), [
    ("inbjuden", "invited"), ("Undertecknat", "signed"), (" UTTRÄTT ", "withdrawn"),
    ("signed", "signed"), ("kanske", "kanske"),
])
def test_status_values_in_english_or_swedish(written: str, status: str) -> None:
    assert status_value(written) == status


def test_unknown_column_suggests_the_nearest_known_name() -> None:
    assert nearest_column("Namm") == "namn"
    assert nearest_column("org_nummer") == "org_number"
    [problem] = read_header(["Namm", "företrädare", "titel", "namn"]).problems
    assert problem.kind == "unknown-column"
    assert "Did you mean 'namn'?" in problem.message


def test_two_names_for_one_key_are_a_duplicate() -> None:
    header = read_header(["namn", "Name", "företrädare", "titel"])
    assert [(p.column, p.kind) for p in header.problems] == [(2, "duplicate-column")]
    assert header.keys == ["name", None, "representative", "representative_title"]


def test_csv_with_swedish_headers_reads_as_english_keys(tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    path.write_text("\ufeffNamn;Organisationsnummer;Företrädare;Titel;Status;Undertecknad\r\n"
                    "Föreningen Blåsippan;802450-1234;Åsa Öberg;Ordförande;Undertecknat;"
                    "2018-06-13\r\n", encoding="utf-8")
    loaded = load_csv(path)
    assert loaded.findings == []
    assert loaded.data == {"organisations": [{
        "name": "Föreningen Blåsippan", "org_number": "802450-1234",
        "representative": "Åsa Öberg", "representative_title": "Ordförande",
        "status": "signed", "signed_on": "2018-06-13"}]}
    assert loaded.source.values[("organisations", 0, "status")] == (2, 5)


@pytest.mark.parametrize(("number", "letters"), [(1, "A"), (3, "C"), (26, "Z"), (27, "AA"),
                                                 (52, "AZ"), (703, "AAA")])
def test_column_letters(number: int, letters: str) -> None:
    assert column_letters(number) == letters


def _report(*findings: Finding) -> Report:
    return Report(list(findings), ["organisations.xlsx"])


def test_a_finding_in_a_workbook_names_its_sheet_and_cell() -> None:
    finding = Finding("organisations.xlsx", 7, 3, "$.organisations[5].status", "schema-enum",
                      Severity.ERROR, "bad", "Organisationer")
    assert as_text(_report(finding)).startswith(
        "organisations.xlsx:Organisationer!C7: error [schema-enum] bad")
    [document] = json.loads(as_json(_report(finding)))["findings"]
    assert (document["sheet"], document["row"], document["column"], document["cell"]) == (
        "Organisationer", 7, 3, "C7")


def test_sheet_names_with_spaces_are_quoted_and_rows_named_as_rows() -> None:
    finding = Finding("o.xlsx", 1, None, "$", "xlsx-missing-column", Severity.ERROR, "m",
                      "Blad 1")
    assert as_text(_report(finding)).startswith("o.xlsx:'Blad 1'!1:1: error")


def test_findings_in_other_files_keep_their_form() -> None:
    finding = Finding("a.yaml", 3, 5, "$.parties[0]", "r", Severity.WARNING, "m")
    assert as_text(_report(finding)).startswith("a.yaml:3:5: warning [r] m\n")
    [document] = json.loads(as_json(_report(finding)))["findings"]
    assert set(document) == {"file", "line", "column", "path", "rule", "severity", "message"}

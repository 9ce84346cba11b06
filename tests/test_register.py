"""The register: where each organisation stands, and which version of the text it signed."""

from __future__ import annotations

import datetime
import json
import zipfile
from pathlib import Path

import pytest

import overens_docs
from conftest import EXAMPLES, OREBRO, RunCli
from overens_docs._domain import Status, read_agreement, read_organisations
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._load import load_yaml
from overens_docs._read import read_target
from overens_docs._render.signatories import signatories_csv, signatories_html
from overens_docs._targets import Target


def orebro_fingerprint() -> str:
    return text_fingerprint(read_agreement(load_yaml(OREBRO / "agreement.yaml"), OREBRO))


def write_register(folder: Path, rows: str) -> Path:
    """The Örebro agreement with the organisation list ``rows`` (YAML list items)."""
    folder.mkdir()
    (folder / "agreement.yaml").write_bytes((OREBRO / "agreement.yaml").read_bytes())
    (folder / "organisations.yaml").write_text("organisations:\n" + rows, encoding="utf-8")
    return folder


def _organisation(name: str, extra: str = "") -> str:
    return (f"  - name: {name}\n    representative: Åsa Öberg\n"
            f"    representative_title: Ordförande\n{extra}")


def test_register_fields_reach_the_domain() -> None:
    loaded = load_yaml(EXAMPLES / "valid" / "register.organisations.yaml")
    blasippan, natverket, kooperativet, forsamlingen = read_organisations(loaded)
    assert blasippan.status is Status.SIGNED
    assert blasippan.signed_on == datetime.date(2018, 4, 20)
    assert blasippan.signed_version == "0123456789ab"
    assert (blasippan.kind, blasippan.decision) == ("förening", "Styrelsen 2018-03-12, § 4")
    assert natverket.status is Status.SIGNED  # "undertecknat"
    assert kooperativet.status is Status.WITHDRAWN
    assert kooperativet.left_on == datetime.date(2021, 12, 31)
    assert not kooperativet.is_signatory
    assert forsamlingen.status is Status.INVITED
    assert not hasattr(forsamlingen, "contact")  # never printed, so never in the domain


def test_a_version_that_is_not_the_current_text_is_a_warning(tmp_path: Path) -> None:
    current = orebro_fingerprint()
    folder = write_register(tmp_path / "orebro", "".join([
        _organisation("Aktuell", f'    status: signed\n    signed_on: "2020-01-01"\n'
                                 f'    signed_version: "{short_form(current)}"\n'),
        _organisation("Äldre", '    status: signed\n    signed_on: "2018-01-01"\n'
                               '    signed_version: "0000 1111 2222"\n'),
        _organisation("Utträdd", '    status: withdrawn\n    signed_on: "2018-01-01"\n'
                                 '    left_on: "2019-01-01"\n'
                                 '    signed_version: "0000 1111 2222"\n'),
    ]))
    checked = read_target(Target(folder))
    [finding] = checked.findings
    assert (finding.rule, finding.severity.value, finding.line) == (
        "register-unknown-version", "warning", 13)
    assert short_form(current) in finding.message
    assert "must sign the current one again" in finding.message


def test_no_version_check_when_the_agreement_is_invalid(tmp_path: Path) -> None:
    folder = write_register(tmp_path / "orebro", _organisation(
        "Äldre", '    status: signed\n    signed_on: "2018-01-01"\n'
                 '    signed_version: "0000 1111 2222"\n'))
    agreement = folder / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace(
        "principles: [kvalitet]", "principles: []", 1), encoding="utf-8")
    rules = {finding.rule for finding in read_target(Target(folder)).findings}
    assert rules == {"commitment-without-principle"}


def _signed(name: str, version: str | None, signed_on: str = "2020-01-01") -> str:
    extra = f'    status: signed\n    signed_on: "{signed_on}"\n'
    if version is not None:
        extra += f'    signed_version: "{version}"\n'
    return _organisation(name, extra)


def _mixed_register(folder: Path) -> Path:
    current = orebro_fingerprint()
    return write_register(folder, "".join([
        _signed("Aktuell förening", current),
        _signed("Kort form", short_form(current).lower()),
        _signed("Äldre förening", "0000 1111 2222", "2018-04-20"),
        _signed("Utan version", None),
        _organisation("Utträdd förening", '    status: utträtt\n    signed_on: "2018-01-01"\n'
                                          '    left_on: "2019-01-01"\n'),
        _organisation("Inbjuden förening"),
        _organisation("Också inbjuden", "    status: inbjuden\n"),
    ]))


def test_status_json_counts_and_current_versions(tmp_path: Path, run_cli: RunCli) -> None:
    folder = _mixed_register(tmp_path / "orebro")
    result = run_cli("status", "--format", "json", folder)
    assert result.exit_code == 0, result.stdout + result.stderr
    [agreement] = json.loads(result.stdout)["agreements"]
    assert set(agreement) == {"id", "text_fingerprint", "summary", "organisations"}
    assert agreement["id"] == "orebro"
    assert agreement["text_fingerprint"] == orebro_fingerprint()
    assert agreement["summary"] == {"signed": 4, "invited": 2, "withdrawn": 1, "outdated": 1,
                                    "proven": 0}
    by_name = {entry["name"]: entry for entry in agreement["organisations"]}
    assert set(by_name["Aktuell förening"]) == {"id", "name", "status", "signed_on", "current",
                                                "standing", "ceremony", "invited_on",
                                                "proven", "evidence"}
    assert [name for name, entry in by_name.items() if entry["current"]] == [
        "Aktuell förening", "Kort form"]
    assert by_name["Äldre förening"]["signed_on"] == "2018-04-20"
    assert by_name["Utträdd förening"]["status"] == "withdrawn"
    # Who is to sign comes with how to reach it: the officer's own view, never published.
    assert by_name["Inbjuden förening"] == {
        "id": "inbjuden-forening", "name": "Inbjuden förening", "status": "invited",
        "signed_on": None, "current": False, "standing": "invited", "ceremony": None,
        "invited_on": None, "proven": None, "evidence": [],
        "contact": {"representative": "Åsa Öberg", "title": "Ordförande",
                    "email": None, "contact": None}}
    assert by_name["Äldre förening"]["standing"] == "outdated"
    assert "contact" in by_name["Äldre förening"]
    assert "contact" not in by_name["Aktuell förening"]
    assert "contact" not in by_name["Utträdd förening"]
    [warning] = json.loads(result.stdout)["findings"]  # the JSON holds the findings too
    assert warning["rule"] == "register-unknown-version" and warning["severity"] == "warning"
    assert json.loads(result.stdout)["summary"]["warnings"] == 1
    assert result.stderr == ""  # a program reads the one JSON document, nothing beside it
    text = run_cli("status", folder)
    assert "register-unknown-version" in text.stderr  # for people: beside the status


def test_status_text_names_who_must_sign_again_and_who_has_not_signed(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("status", _mixed_register(tmp_path / "orebro"))
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("orebro: Överenskommelse om samverkan i Örebro")
    assert f"text fingerprint {short_form(orebro_fingerprint())}" in text
    assert "4 signed (1 an older version, 1 without a recorded version), 2 invited, " \
           "1 withdrawn" in text
    again = text.split("must sign again:\n")[1].splitlines()[:2]
    assert again == [
        "    Äldre förening (aldre-forening), signed 2018-04-20, version 0000 1111 2222",
        "      contact: Åsa Öberg (Ordförande)"]
    invited = text.split("Invited, not yet signed:\n")[1].splitlines()
    assert invited == ["    Inbjuden förening (inbjuden-forening)",
                       "      contact: Åsa Öberg (Ordförande)",
                       "    Också inbjuden (ocksa-inbjuden)",
                       "      contact: Åsa Öberg (Ordförande)"]


def test_status_of_invalid_input_is_its_findings_and_exit_1(tmp_path: Path, run_cli: RunCli) -> None:
    folder = write_register(tmp_path / "orebro", _organisation("A", "    status: signed\n"))
    result = run_cli("status", "--format", "json", folder)
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "register-missing-date"


def test_an_invalid_agreement_does_not_stop_the_status_of_the_others(tmp_path: Path, run_cli: RunCli) -> None:
    _mixed_register(tmp_path / "a-valid")
    write_register(tmp_path / "b-invalid", _organisation("A", "    status: signed\n"))
    result = run_cli("status", "--format", "json", tmp_path)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert [agreement["id"] for agreement in document["agreements"]] == ["a-valid"]
    assert {finding["rule"] for finding in document["findings"]} == {
        "register-missing-date", "register-unknown-version"}
    text = run_cli("status", tmp_path)
    assert text.exit_code == 1
    assert text.stdout.startswith("a-valid: Överenskommelse om samverkan i Örebro")
    assert "register-missing-date" in text.stderr


def test_status_of_a_file_or_nothing_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("status", OREBRO / "organisations.yaml").exit_code == 2
    assert run_cli("status", tmp_path / "nowhere").exit_code == 2


def test_status_from_python(tmp_path: Path) -> None:
    result = overens_docs.status([_mixed_register(tmp_path / "orebro")])
    [agreement] = result.agreements
    assert [s.organisation.name for s in agreement.outdated] == ["Äldre förening"]


EXEMPELKOMMUN = OREBRO.parent / "exempelkommun"


def test_the_excel_sample_saved_by_calc_gives_the_right_status(run_cli: RunCli) -> None:
    workbook = EXEMPELKOMMUN / "organisations.xlsx"
    with zipfile.ZipFile(workbook) as archive:
        assert b"<Application>LibreOffice" in archive.read("docProps/app.xml")
    result = run_cli("status", "--format", "json", EXEMPELKOMMUN)
    assert result.exit_code == 0, result.stdout
    [agreement] = json.loads(result.stdout)["agreements"]
    # If this fails after a change to agreement.yaml: python tests/make_register_sample.py
    assert agreement["summary"] == {"signed": 5, "invited": 3, "withdrawn": 1, "outdated": 1,
                                    "proven": 0}
    assert sum(entry["current"] for entry in agreement["organisations"]) == 4


def test_the_excel_samples_public_list(tmp_path: Path) -> None:
    agreement, organisations = read_target(Target(EXEMPELKOMMUN)).whole("test")
    assert organisations[1].org_number == "802461-3575"  # typed as a number in Excel
    listed = signatories_csv(agreement, organisations).decode("utf-8-sig").splitlines()
    # Counted: who signed the current text; apart: the one that signed the 2018 text; not
    # at all: the withdrawn one, and those who have not signed.
    current = short_form(text_fingerprint(agreement))
    assert listed == [
        "Namn;Organisationsnummer;Typ;Undertecknad;Text;Fingeravtryck",
        f"Exempelstads Idrottsallians;802460-0119;paraplyorganisation;2022-04-20;gällande;"
        f"{current}",
        f'"Föreningen ""Grannar & Vänner"" i Norrby";802461-3575;förening;2022-04-20;'
        f"gällande;{current}",
        f"Kulturföreningen Ängen;802470-0224;förening;2022-09-14;gällande;{current}",
        f"Stiftelsen Öppna Händer;802480-0339;stiftelse;2023-02-01;gällande;{current}",
        "Exempelstads Pingstförsamling;252001-1228;trossamfund;2018-04-20;tidigare;"
        "5D1E 0A7C 93F2",
    ]
    page = signatories_html(agreement, organisations).decode()
    for personal in ("Maria Lind", "Ordförande", "070-123", "example.org", "Syjuntan", "Solrosen"):
        assert personal not in page


def test_signing_the_current_text_before_it_was_adopted_is_an_error(tmp_path: Path) -> None:
    """Adopted on 2017-03-29: an organisation that signed this very text cannot have
    signed it before; one that signed earlier, without a version, signed an earlier text."""
    adopted = tmp_path / "adopted"
    adopted.mkdir()
    (adopted / "agreement.yaml").write_text((OREBRO / "agreement.yaml").read_text(
        encoding="utf-8").replace("  body: Kommunfullmäktige i Örebro\n",
                                  '  body: Kommunfullmäktige i Örebro\n  date: "2017-03-29"\n'),
        encoding="utf-8")
    current = short_form(text_fingerprint(read_agreement(
        load_yaml(adopted / "agreement.yaml"), adopted)))
    folder = write_register(tmp_path / "orebro", "".join([
        _organisation("Före", f'    status: signed\n    signed_on: "2016-05-01"\n'
                              f'    signed_version: "{current}"\n'),
        _organisation("Samma dag", f'    status: signed\n    signed_on: "2017-03-29"\n'
                                   f'    signed_version: "{current}"\n'),
        _organisation("Äldre text", '    status: signed\n    signed_on: "2016-05-01"\n'),
    ]))
    (folder / "agreement.yaml").write_bytes((adopted / "agreement.yaml").read_bytes())
    findings = read_target(Target(folder)).findings
    assert [(f.rule, f.line, f.severity.value) for f in findings] == [
        ("register-date-order", 6, "error")]
    assert "2016-05-01" in findings[0].message and "2017-03-29" in findings[0].message


def test_a_date_after_today_is_a_warning_whatever_day_today_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from overens_docs._validate import dates  # noqa: PLC0415

    folder = write_register(tmp_path / "orebro", "".join([
        _organisation("Undertecknar", '    status: signed\n    signed_on: "2024-06-02"\n'),
        _organisation("Lämnar", '    status: withdrawn\n    signed_on: "2018-01-01"\n'
                                '    left_on: "2024-06-02"\n'),
    ]))
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2024, 6, 1))
    found = [(f.rule, f.line, f.severity.value) for f in read_target(Target(folder)).findings]
    assert found == [("register-future-date", 6, "warning"),
                     ("register-future-date", 12, "warning")]
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2024, 6, 2))
    assert read_target(Target(folder)).findings == []

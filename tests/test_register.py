"""The register: where each organisation stands, and which version of the text it signed."""

from __future__ import annotations

import datetime
from pathlib import Path

from conftest import EXAMPLES, OREBRO
from overens_docs._domain import Status, read_agreement, read_organisations
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._load import load_yaml
from overens_docs._targets import Target
from overens_docs._validate import check_target


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
    checked = check_target(Target(folder))
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
    rules = {finding.rule for finding in check_target(Target(folder)).findings}
    assert rules == {"commitment-without-principle"}

"""Signing occasions and the register: who is to sign, on which date, who gets documents,
letters and a row in the mailing list; each rule's finding in English and in Swedish."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest

from conftest import OREBRO, RunCli, template_variant
from overens_docs import _i18n
from overens_docs._build.selection import select
from overens_docs._domain import (
    Agreement,
    Organisation,
    OrganisationContact,
    Standing,
    read_agreement,
)
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._findings import Finding
from overens_docs._load import load_yaml
from overens_docs._read import read_target
from overens_docs._render.context import agreement_context, organisation_context
from overens_docs._render.docx import CoreProperties, DocumentTemplate
from overens_docs._render.mailing_list import mailing_list_csv
from overens_docs._render.personalise import Personaliser
from overens_docs._targets import Target
from overens_docs._templates import check_template_file

OREBRO_FINGERPRINT = "ba92c2d9a1b242ffcc53e264be877a9f42b1ba3c84a4437c904c52ccb31f4233"
INVITATION = """invitation:
  how: Skriv ut underskriftssidan och skriv under.
  return_to: Örebro kommun, 701 35 Örebro.
"""


def _row(name: str, extra: str = "") -> str:
    return (f"  - name: {name}\n    representative: Åsa Öberg\n"
            f"    representative_title: Ordförande\n{extra}")


def _folder(tmp_path: Path, signing: str, rows: list[str], more: str = "") -> Path:
    """The Örebro agreement with ``signing`` (YAML under ``signing:``) and ``rows``, in
    which ``CURRENT`` is the fingerprint of that agreement's text."""
    folder = tmp_path / "orebro"
    folder.mkdir(parents=True)
    text = (OREBRO / "agreement.yaml").read_text(encoding="utf-8")
    (folder / "agreement.yaml").write_text(f"{text}\nsigning:\n{signing}{more}",
                                           encoding="utf-8")
    current = short_form(text_fingerprint(read_agreement(load_yaml(folder / "agreement.yaml"),
                                                         folder)))
    (folder / "organisations.yaml").write_text(
        "organisations:\n" + "".join(rows).replace("CURRENT", current), encoding="utf-8")
    return folder


def _read(folder: Path) -> tuple[Agreement, tuple[Organisation, ...], list[Finding]]:
    read = read_target(Target(folder))
    agreement, organisations = read.whole("test")
    return agreement, organisations, read.findings


def _signed(version: str, on: str = "2024-05-01") -> str:
    return f'    status: signed\n    signed_on: "{on}"\n    signed_version: "{version}"\n'


def test_one_signing_date_is_everyones_until_someone_signs_after_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path, '  place: Örebro\n  date: "2025-05-20"\n', [
        _row("Inbjuden"), _row("Tidig", _signed("CURRENT", "2025-05-01"))])
    _agreement, (invited, early), findings = _read(folder)
    assert findings == []
    assert invited.standing is Standing.INVITED and early.standing is Standing.SIGNED
    assert (invited.signs.place, invited.signs.date, invited.signs.ceremony) == (
        "Örebro", datetime.date(2025, 5, 20), datetime.date(2025, 5, 20))
    assert early.signs.date == datetime.date(2025, 5, 1)  # its own date
    assert early.signs.ceremony is None  # not at the ceremony: the public body's line blank


@pytest.mark.parametrize(("language", "words"), [
    ("en", "signing.date (2022-04-20) is over: 'Sen' signed after it, on 2022-09-14. The 1 "
           "organisations"),
    ("sv", "signing.date (2022-04-20) har passerat: 'Sen' skrev under efter det, den "
           "2022-09-14. De 1 organisationer")])
def test_a_signing_date_that_is_over_prints_no_date_and_says_so(
        tmp_path: Path, language: str, words: str) -> None:
    _i18n.set_language(language)
    folder = _folder(tmp_path, '  place: Örebro\n  date: "2022-04-20"\n', [
        _row("Inbjuden"), _row("Sen", _signed("CURRENT", "2022-09-14"))])
    _agreement, (invited, _late), findings = _read(folder)
    assert invited.signs.date is None and invited.signs.place == "Örebro"
    [finding] = findings
    assert (finding.rule, finding.severity.value, finding.line) == (
        "signing-date-over", "warning", 281)
    assert finding.file.endswith("agreement.yaml") and words in finding.message


def test_ceremonies_give_their_date_place_and_venue_to_those_invited(tmp_path: Path) -> None:
    signing = ('  place: Örebro\n  ceremonies:\n    - {date: "2025-05-20", venue: Stadshuset}\n'
               '    - {date: "2025-10-01", place: Vivalla}\n')
    folder = _folder(tmp_path, signing, [
        _row("Vår", '    ceremony: "2025-05-20"\n'), _row("Höst", '    ceremony: "2025-10-01"\n'),
        _row("Egen"), _row("Äldre", _signed("0000 1111 2222", "2018-01-01")),
        _row("Utträdd", '    status: withdrawn\n    signed_on: "2018-01-01"\n'
                        '    left_on: "2019-01-01"\n')])
    agreement, (spring, autumn, own, older, gone), _findings = _read(folder)
    assert (spring.signs.date, spring.signs.place, spring.signs.venue) == (
        datetime.date(2025, 5, 20), "Örebro", "Stadshuset")
    assert (autumn.signs.date, autumn.signs.place) == (datetime.date(2025, 10, 1), "Vivalla")
    assert own.signs.date is None and own.signs.place == "Örebro"
    assert older.standing is Standing.OUTDATED and older.signs.date is None  # not 2018
    assert gone.standing is Standing.WITHDRAWN
    # Ceremonies are not the text: the fingerprint is the agreement's without them.
    without = _folder(tmp_path / "without", "  place: Örebro\n", [_row("A")])
    assert text_fingerprint(agreement) == text_fingerprint(_read(without)[0])


def test_the_samples_keep_their_fingerprints() -> None:
    """Neither ceremonies nor the invitation are part of the text."""
    agreement, _organisations, _findings = _read(OREBRO)
    assert text_fingerprint(agreement) == OREBRO_FINGERPRINT


def test_who_gets_documents_and_who_is_on_the_ceremony_file(tmp_path: Path) -> None:
    signing = ('  place: Örebro\n  ceremonies:\n    - {date: "2025-10-01"}\n'
               '    - {date: "2025-05-20"}\n')
    folder = _folder(tmp_path, signing, [
        _row("Höst", '    ceremony: "2025-10-01"\n'), _row("Vår", '    ceremony: "2025-05-20"\n'),
        _row("Egen"), _row("Klar", _signed("CURRENT")),
        _row("Okänd", '    status: signed\n    signed_on: "2020-01-01"\n'),
        _row("Utträdd", '    status: withdrawn\n    signed_on: "2018-01-01"\n'
                        '    left_on: "2019-01-01"\n')])
    agreement, organisations, _findings = _read(folder)
    selection = select(agreement, organisations)
    assert [o.name for o in selection.documents] == ["Höst", "Vår", "Egen"]
    assert [o.name for o in selection.recipients] == ["Höst", "Vår", "Egen"]
    assert selection.ceremony is not None
    assert selection.ceremony.date == datetime.date(2025, 5, 20)  # the first, by date
    assert [o.name for o in selection.ceremony.organisations] == ["Vår"]
    assert selection.later_ceremonies == ((datetime.date(2025, 10, 1), 1),)
    assert dict(selection.without_documents) == {
        Standing.SIGNED: 1, Standing.UNRECORDED: 1, Standing.WITHDRAWN: 1}
    every = select(agreement, organisations, every=True)
    assert [o.name for o in every.documents] == ["Höst", "Vår", "Egen", "Klar", "Okänd"]
    assert every.ceremony == selection.ceremony  # --all adds no one to a ceremony


def test_without_a_ceremony_the_file_holds_everyone_to_sign(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "  place: Örebro\n", [_row("A"), _row("B")])
    agreement, organisations, _findings = _read(folder)
    ceremony = select(agreement, organisations).ceremony
    assert ceremony is not None and ceremony.date is None and ceremony.ids == ["a", "b"]
    signed = _folder(tmp_path / "x", "  place: Örebro\n", [
        _row("A", _signed("CURRENT"))])
    assert select(*_read(signed)[:2]).ceremony is None  # nobody to sign: no file


@pytest.mark.parametrize(("language", "words"), [
    ("en", "'B' is invited to a ceremony on 2025-05-21, but agreement.yaml describes none on "
           "that day (2025-05-20)"),
    ("sv", "'B' är inbjuden till en ceremoni den 2025-05-21, men agreement.yaml beskriver "
           "ingen den dagen (2025-05-20)")])
def test_a_ceremony_the_agreement_does_not_describe_is_an_error(
        tmp_path: Path, language: str, words: str) -> None:
    _i18n.set_language(language)
    folder = _folder(tmp_path, '  ceremonies:\n    - {date: "2025-05-20"}\n', [
        _row("A", '    ceremony: "2025-05-20"\n'), _row("B", '    ceremony: "2025-05-21"\n')])
    [finding] = read_target(Target(folder)).findings
    assert (finding.rule, finding.line, finding.path) == (
        "register-unknown-ceremony", 9, "$.organisations[1].ceremony")
    assert words in finding.message


@pytest.mark.parametrize(("language", "words"), [
    ("en", "'Utan' is to be sent a letter but has no e-mail address"),
    ("sv", "'Utan' ska få ett brev men har ingen e-postadress")])
def test_one_to_write_to_without_an_email_address_is_a_warning_at_its_row(
        tmp_path: Path, language: str, words: str) -> None:
    _i18n.set_language(language)
    rows = [_row("Utan", "    contact: 070-123 45 67\n"),
            _row("Med", "    contact: med@example.org\n"),
            _row("Klar", _signed("CURRENT"))]
    assert read_target(Target(_folder(tmp_path / "a", "  place: Örebro\n", rows))).findings \
        == []  # no letters asked for: no warning
    folder = _folder(tmp_path / "b", "  place: Örebro\n", rows, INVITATION)
    [finding] = read_target(Target(folder)).findings
    assert (finding.rule, finding.severity.value, finding.line, finding.path) == (
        "register-no-email", "warning", 2, "$.organisations[0]")
    assert words in finding.message


def test_the_mailing_list_opens_in_excel_with_swedish_columns(tmp_path: Path) -> None:
    folder = _folder(tmp_path, '  ceremonies:\n    - {date: "2025-05-20"}\n', [
        _row("=Vår", '    ceremony: "2025-05-20"\n    email: var@example.org\n'),
        _row("Påmind", '    invited_on: "2025-03-01"\n    contact: 070-123 45 67\n'),
        _row("Äldre", _signed("0000 1111 2222", "2018-01-01"))])
    agreement, organisations, _findings = _read(folder)
    contacts = read_target(Target(folder)).contacts
    data = mailing_list_csv(select(agreement, organisations).recipients, contacts, letters=True)
    assert data.startswith(b"\xef\xbb\xbfOrganisation;Kontaktperson;E-post;Kontakt;Anledning;"
                           b"Brev\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[1:] == [
        ["'=Vår", "Åsa Öberg", "var@example.org", "",
         "Inbjudan att underteckna överenskommelsen vid ceremonin den 20 maj 2025", "var.pdf"],
        ["Påmind", "Åsa Öberg", "", "070-123 45 67",
         "Påminnelse (brev den 1 mars 2025): inbjudan att underteckna överenskommelsen",
         "pamind.pdf"],
        ["Äldre", "Åsa Öberg", "", "", "Underteckna den reviderade överenskommelsen",
         "aldre.pdf"]]
    assert contacts["var"] == OrganisationContact("var@example.org", None)


def test_every_shape_of_organisation_keeps_the_fast_copies(tmp_path: Path) -> None:
    """The default template tests the new values (a ceremony, a signing date, a place):
    each shape is rendered once with placeholders and proven against a full render."""
    signing = '  place: Örebro\n  ceremonies:\n    - {date: "2025-05-20", venue: Salen}\n'
    folder = _folder(tmp_path, signing, [
        _row("Vår", '    ceremony: "2025-05-20"\n    invited_on: "2025-03-01"\n'),
        _row("Egen"), _row("Klar", _signed("CURRENT")),
        _row("Äldre", _signed("0000 1111 2222", "2018-01-01"))])
    agreement, organisations, _findings = _read(folder)
    template = DocumentTemplate(Path("templates/default/agreement.docx").resolve(),
                                agreement_context(agreement), CoreProperties.of(agreement),
                                datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    personaliser = Personaliser(template)
    personaliser.prove(organisations)
    assert personaliser.fast
    for organisation in organisations:
        slow = template.render([organisation_context(organisation)], include_text=True)
        assert len(personaliser.document(organisation)) > 0 and len(slow) > 0


def test_template_check_warns_of_one_signing_date_for_everyone(tmp_path: Path) -> None:
    variant = template_variant(tmp_path, b"organisation.signs_on_text }}",
                               b"agreement.signing.date_text }}")
    findings = check_template_file(variant).findings
    assert [(f.rule, f.severity.value) for f in findings] == [
        ("template-signing-date", "warning")]
    assert "organisation.signs_on_text" in findings[0].message


def test_status_gives_the_contact_of_those_to_sign_only(tmp_path: Path,
                                                        run_cli: RunCli) -> None:
    folder = _folder(tmp_path, "  place: Örebro\n", [
        _row("Inbjuden", "    email: inbjuden@example.org\n    contact: 070-111 22 33\n"),
        _row("Klar", _signed("CURRENT")
             + "    email: klar@example.org\n")])
    result = run_cli("status", folder)
    assert "contact: Åsa Öberg (Ordförande); inbjuden@example.org; 070-111 22 33" in \
        result.stdout
    assert "klar@example.org" not in result.stdout
    _i18n.set_language("sv")
    result = run_cli("--lang", "sv", "status", folder)
    assert "kontakt: Åsa Öberg (Ordförande); inbjuden@example.org" in result.stdout

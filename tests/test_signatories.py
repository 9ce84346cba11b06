"""The public list of signatories: exactly who signed, nothing personal, safe to open."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Sequence
from html.parser import HTMLParser

import pytest

from conftest import OREBRO
from overens_docs._domain import Organisation, Place, Standing, Status, read_agreement
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._load import load_yaml
from overens_docs._render.signatories import (
    signatories,
    signatories_csv,
    signatories_html,
    swedish_sort_key,
)

AGREEMENT = read_agreement(load_yaml(OREBRO / "agreement.yaml"), OREBRO)


_STANDING = {Status.SIGNED: Standing.SIGNED, Status.INVITED: Standing.INVITED,
             Status.WITHDRAWN: Standing.WITHDRAWN}


def _organisation(name: str, status: Status = Status.SIGNED, *, number: str | None = None,
                  kind: str | None = None, signed_on: datetime.date | None = None,
                  standing: Standing | None = None, version: str | None = None,
                  ) -> Organisation:
    """An organisation as the build sees it: signed (the current text, unless
    ``standing`` says otherwise), invited or withdrawn."""
    return Organisation(
        id=name.lower(), name=name, org_number=number, representative="Åsa Personsdotter",
        representative_title="Hemlig Titel", file_stem=name.lower(), place=Place("x"),
        status=status, signed_on=signed_on or datetime.date(2018, 4, 20), kind=kind,
        decision="Styrelsen 2018-03-01 § 4", standing=standing or _STANDING[status],
        signed_version=version)


REGISTER = [
    _organisation("Örebro Scoutkår", number="802002-8711", kind="förening"),
    _organisation('Föreningen "Ett & Två" <Unga>', kind="förening",
                  signed_on=datetime.date(2019, 6, 13)),
    _organisation("Inbjudna föreningen", Status.INVITED),
    _organisation("Utträdda föreningen", Status.WITHDRAWN),
    _organisation("Åby Bygdegård", number="802405-0190", kind="paraplyorganisation"),
    _organisation("=HYPERLINK(\"http://example.org\")", kind="-nätverk"),
    _organisation("Zeta nätverket", kind="@nätverk"),
]


def test_swedish_order_puts_a_ring_a_umlaut_o_umlaut_after_z() -> None:
    names = ["Örebro", "Åby", "Ängel", "Zeta", "alfa", "Éclair", "Ebba", "Über", "Vera",
             "Yxa", "Ærø", "Alfa", "10 Vänner", "Åbo"]
    assert sorted(names, key=swedish_sort_key) == [
        "10 Vänner", "Alfa", "alfa", "Ebba", "Éclair", "Vera", "Über", "Yxa", "Zeta", "Åbo",
        "Åby", "Ängel", "Ærø", "Örebro"]


def test_only_signed_not_withdrawn_organisations_in_swedish_order() -> None:
    assert [o.name for o in signatories(REGISTER)] == [
        '=HYPERLINK("http://example.org")', 'Föreningen "Ett & Två" <Unga>', "Zeta nätverket",
        "Åby Bygdegård", "Örebro Scoutkår"]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _page(data: bytes) -> _Page:
    page = _Page()
    page.feed(data.decode("utf-8"))
    return page


def test_html_is_an_accessible_page_without_scripts() -> None:
    data = signatories_html(AGREEMENT, REGISTER)
    page = _page(data)
    tags = [tag for tag, _ in page.tags]
    assert page.tags[0] == ("html", {"lang": "sv"})
    assert tags.count("caption") == 1
    assert {"script", "link", "img", "iframe", "object"}.isdisjoint(tags)
    assert b"<script" not in data.lower() and b"http" not in data.replace(
        b"http://example.org", b"")
    scopes = [attributes.get("scope") for tag, attributes in page.tags if tag == "th"]
    assert scopes == ["col"] * 4 + ["row"] * 5
    assert '<meta name="viewport"' in data.decode()
    assert "@media print" in data.decode()


def test_html_names_exactly_the_signatories_as_written() -> None:
    text = "".join(_page(signatories_html(AGREEMENT, REGISTER)).text)
    assert 'Föreningen "Ett & Två" <Unga>' in text
    assert "13 juni 2019" in text and "802405-0190" in text and "paraplyorganisation" in text
    assert "Inbjudna" not in text and "Utträdda" not in text
    assert "5 organisationer har undertecknat den gällande texten" in text


def test_an_earlier_text_and_an_unrecorded_one_are_listed_apart_and_not_counted() -> None:
    older = [_organisation("Gamla föreningen", standing=Standing.OUTDATED,
                           version="5d1e0a7c93f2"),
             _organisation("Äldsta föreningen", standing=Standing.OUTDATED,
                           version="5d1e0a7c93f2", signed_on=datetime.date(2017, 1, 1)),
             _organisation("Okända föreningen", standing=Standing.UNRECORDED)]
    page = _page(signatories_html(AGREEMENT, [*REGISTER, *older]))
    text = "".join(page.text)
    assert "5 organisationer har undertecknat den gällande texten" in text
    assert "Har undertecknat en tidigare version (fingeravtryck 5D1E 0A7C 93F2)" in text
    assert "2 organisationer undertecknade version 5D1E 0A7C 93F2" in text
    assert "Har undertecknat, men vilken version är inte registrerat" in text
    assert text.index("Örebro Scoutkår") < text.index("Gamla föreningen") < text.index(
        "Äldsta föreningen") < text.index("Okända föreningen")  # the Swedish order apart
    assert [tag for tag, _ in page.tags].count("caption") == 3
    rows = list(csv.reader(io.StringIO(signatories_csv(AGREEMENT, older).decode("utf-8-sig"),
                                       newline=""), delimiter=";"))
    assert [row[0::4] for row in rows[1:]] == [
        ["Gamla föreningen", "tidigare"], ["Äldsta föreningen", "tidigare"],
        ["Okända föreningen", "okänd"]]
    assert rows[1][5] == "5D1E 0A7C 93F2" and rows[3][5] == ""


@pytest.mark.parametrize("render", [lambda o: signatories_html(AGREEMENT, o),
                                    lambda o: signatories_csv(AGREEMENT, o)])
def test_nothing_about_persons_and_the_same_bytes_whatever_the_order(render: Callable[[Sequence[Organisation]], bytes]) -> None:
    data = render(REGISTER)
    for personal in ("Åsa", "Personsdotter", "Hemlig", "Styrelsen"):
        assert personal.encode() not in data
    assert render(list(reversed(REGISTER))) == data


def test_html_without_signatories_says_so() -> None:
    text = "".join(_page(signatories_html(AGREEMENT, REGISTER[2:4])).text)
    assert "Ingen organisation har undertecknat den gällande texten ännu." in text


def test_csv_opens_in_excel_and_runs_no_formula() -> None:
    data = signatories_csv(AGREEMENT, REGISTER)
    assert data.startswith(
        b"\xef\xbb\xbfNamn;Organisationsnummer;Typ;Undertecknad;Text;Fingeravtryck\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    current = ["gällande", short_form(text_fingerprint(AGREEMENT))]
    assert rows == [
        ["Namn", "Organisationsnummer", "Typ", "Undertecknad", "Text", "Fingeravtryck"],
        ["'=HYPERLINK(\"http://example.org\")", "", "'-nätverk", "2018-04-20", *current],
        ['Föreningen "Ett & Två" <Unga>', "", "förening", "2019-06-13", *current],
        ["Zeta nätverket", "", "'@nätverk", "2018-04-20", *current],
        ["Åby Bygdegård", "802405-0190", "paraplyorganisation", "2018-04-20", *current],
        ["Örebro Scoutkår", "802002-8711", "förening", "2018-04-20", *current],
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_guarded(start: str) -> None:
    data = signatories_csv(AGREEMENT, [_organisation(f"{start}1+1")])
    [_, row] = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""),
                               delimiter=";"))
    assert row[0] == f"'{start}1+1"

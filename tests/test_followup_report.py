"""The follow-up report, end to end as an officer makes it: ``followup new``, the workbook
and two questionnaires filled in (openpyxl, as Excel would), ``followup report``; the
report's tables and charts say what the workbook says, in Word, PDF/A and HTML."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT
from overens_docs import followup_new
from overens_docs._cli import main
from overens_docs._domain import Agreement
from overens_docs._pdf.check import accessibility_problems, problems
from overens_docs._read import read_target
from overens_docs._targets import Target
from test_followup import fill

SAMPLE = ROOT / "agreements" / "exempelkommun"
SCALE = ("ej påbörjat", "pågår", "genomfört", "ej aktuellt", "ej bedömt")
STATUSES = {"k1": "genomfört", "k2": "pågår", "k3": "ej påbörjat", "k4": "genomfört",
            "o1": "genomfört", "o2": "ej aktuellt", "g1": "pågår", "h1": "genomfört",
            "h2": "pågår", "h3": "genomfört"}  # k5, o3, o4, h4: not assessed
ANSWERS = {"kulturforeningen-angen": {"o1": "genomfört", "o4": "pågår", "h1": "pågår"},
           "stiftelsen-oppna-hander": {"o1": "pågår", "o2": "genomfört", "h4": "ej påbörjat"}}


@dataclass(frozen=True)
class Made:
    folder: Path
    out: Path
    exit_code: int
    agreement: Agreement


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Made:
    base = tmp_path_factory.mktemp("followup")
    folder = base / "exempelkommun"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("uppfoljning"))
    assert not followup_new(folder, 2024).report.fails()
    year = folder / "uppfoljning" / "2024"
    fill(year / "uppfoljning-2024.xlsx", {
        key: (value, "Kommunen: " + key if key == "k1" else None, None,
              "Antal: 3" if key == "k2" else None) for key, value in STATUSES.items()})
    for name, answers in ANSWERS.items():
        fill(year / "enkater" / f"{name}.xlsx",
             {key: (value, "Bra & <viktigt>" if key == "o1" else None)
              for key, value in answers.items()}, year / "svar" / f"{name}.xlsx")
    out = base / "rapport"
    exit_code = main(["followup", "report", str(folder), "2024", "--out", str(out),
                      "--format", "json"])
    agreement, _organisations = read_target(Target(folder)).whole("test")
    return Made(folder, out, exit_code, agreement)


def _expected_by_principle(agreement: Agreement) -> dict[str, list[int]]:
    """What the principle table must say, counted here from the agreement and STATUSES."""
    cited = [(item.id, item.principles) for party in agreement.parties
             for item in party.commitments]
    cited += [(item.id, item.principles) for item in agreement.shared_commitments]
    cited += [(item.id, item.principles) for item in agreement.handlingsplan]
    table = {}
    for principle in agreement.principles:
        counts = Counter(STATUSES.get(identifier, "ej bedömt")
                         for identifier, principles in cited if principle.id in principles)
        name = principle.short_name[0].upper() + principle.short_name[1:]
        table[name] = [counts[status] for status in SCALE]
    return table


def _expected_answers() -> dict[str, list[int]]:
    items = ["o1", "o2", "o3", "o4", "g1", "h1", "h3", "h4"]
    return {item: [Counter(answers.get(item, "ej bedömt") for answers in ANSWERS.values())[s]
                   for s in SCALE] for item in items}


@pytest.mark.libreoffice
def test_the_report_is_written_as_word_pdf_html_and_pictures(made: Made) -> None:
    assert made.exit_code == 0
    assert sorted(path.name for path in made.out.iterdir()) == [
        "diagram-1-status-per-princip.png", "diagram-2-status-per-part.png",
        "diagram-3-organisationernas-svar.png", "uppfoljningsrapport-2024.docx",
        "uppfoljningsrapport-2024.html", "uppfoljningsrapport-2024.pdf"]


@pytest.mark.libreoffice
def test_the_pdf_is_archival_tagged_and_each_chart_a_figure_with_its_alt_text(made: Made) -> None:
    pdf = made.out / "uppfoljningsrapport-2024.pdf"
    assert problems(pdf) == []
    assert accessibility_problems(pdf, tagged=True, ua=True) == []
    figures: list[str] = []
    tables = 0

    def walk(node: object) -> None:
        nonlocal tables
        if not isinstance(node, pikepdf.Dictionary):
            return
        kind = str(node.get("/S", ""))
        if kind == "/Figure":
            figures.append(str(node.get("/Alt", "")))
        tables += kind == "/Table"
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            walk(kid)

    with pikepdf.open(pdf) as document:
        walk(document.Root.StructTreeRoot)
        assert str(document.docinfo["/Title"]).startswith("Uppföljning 2024 – Överenskommelse")
    assert len(figures) == 3
    assert all(alt.startswith("Liggande stapeldiagram") for alt in figures)
    assert "status per princip" in figures[0] and "organisationer" in figures[2]
    assert tables == 3 + 3 + 1  # each chart's numbers, a table per party, the answers


def _docx_tables(path: Path) -> list[list[list[str]]]:
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    tables = []
    for table in re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.S):
        rows = [[html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", cell)))
                 for cell in re.findall(r"<w:tc>.*?</w:tc>", row, re.S)]
                for row in re.findall(r"<w:tr[ >].*?</w:tr>", table, re.S)]
        tables.append(rows)
    return tables


@pytest.mark.libreoffice
def test_the_word_tables_say_what_the_workbook_says(made: Made) -> None:
    tables = _docx_tables(made.out / "uppfoljningsrapport-2024.docx")
    principles, parties, answers = tables[0], tables[1], tables[2]
    assert principles[0] == ["Princip", *SCALE, "Totalt"]
    expected = _expected_by_principle(made.agreement)
    assert {row[0]: [int(n) for n in row[1:6]] for row in principles[1:]} == expected
    assert all(int(row[6]) == sum(int(n) for n in row[1:6]) for row in principles[1:])
    assert [row[0] for row in parties[1:]] == [
        "Exempelkommun", "De idéburna organisationerna", "Gemensamt (båda parterna)"]
    assert {row[0]: [int(n) for n in row[1:6]] for row in answers[1:]} == _expected_answers()
    items = [row for table in tables[3:6] for row in table[1:]]
    status = {row[0]: row[2] for row in items}
    assert status == {**dict.fromkeys(("k5", "o3", "o4", "h4"), "ej bedömt"), **STATUSES}
    k1 = next(row for row in items if row[0] == "k1")
    assert k1[3] == "Exempelkommun: Kommunen: k1"
    comments = tables[6]
    o1 = next(row for row in comments if row[0] == "o1")
    assert o1[2:] == ["1 pågår1 genomfört", "Kulturföreningen Ängen: Bra & <viktigt>"
                      "Stiftelsen Öppna Händer: Bra & <viktigt>"]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.images: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.mark.libreoffice
def test_the_web_page_says_the_same_with_alt_texts(made: Made) -> None:
    page = (made.out / "uppfoljningsrapport-2024.html").read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="sv">') and "<script" not in page
    parsed = _Tables()
    parsed.feed(page)
    assert len(parsed.images) == 3 and all(alt.startswith("Liggande") for alt in parsed.images)
    principles = parsed.tables[0]
    assert {row[0]: [int(n) for n in row[1:6]] for row in principles[1:]} == \
        _expected_by_principle(made.agreement)
    assert page.count("<h1>") == 1 and "Bra &amp; &lt;viktigt&gt;" in page


@pytest.mark.libreoffice
def test_the_json_gives_the_charts_numbers(made: Made, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["followup", "report", str(made.folder), "2024", "--out",
                 str(made.out), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    by_principle = {row["category"]: [row["counts"][s] for s in SCALE]
                    for row in document["by_principle"]}
    assert by_principle == _expected_by_principle(made.agreement)
    assert document["answers"]["answered"] == 2 and document["answers"]["asked"] == 5
    assert document["by_year"] is None


@pytest.mark.libreoffice
def test_the_samples_two_years_give_a_chart_year_over_year(tmp_path: Path, soffice: str,
                                                            capsys: pytest.CaptureFixture[str],
                                                            ) -> None:
    exit_code = main(["followup", "report", str(SAMPLE), "2024", "--out", str(tmp_path),
                      "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert exit_code == 0, document["findings"]
    years = {row["category"]: row["counts"]["genomfört"] for row in document["by_year"]}
    assert years == {"2023": 6, "2024": 10}
    assert document["answers"]["answered"] == 3
    assert (tmp_path / "diagram-3-status-ar-for-ar.png").is_file()
    with zipfile.ZipFile(io.BytesIO((tmp_path / "uppfoljningsrapport-2024.docx").read_bytes())
                         ) as package:
        assert len([name for name in package.namelist() if name.startswith("word/media/")]) == 4

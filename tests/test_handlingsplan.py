"""The vision, the handlingsplan and the contacts: read, printed where they belong (the
agreement's Word file and web page; the contacts only on the web page), compared by diff."""

from __future__ import annotations

import datetime
import html
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from overens_docs._domain import Agreement, Period
from overens_docs._read import read_target
from overens_docs._render.agreement_html import agreement_html
from overens_docs._render.context import agreement_context, when_text
from overens_docs._render.docx import CoreProperties, DocumentTemplate
from overens_docs._revise.compare import Section, compare
from overens_docs._targets import Target

SAMPLE = ROOT / "templates" / "check-sample"


def _agreement(folder: Path = SAMPLE) -> Agreement:
    read = read_target(Target(folder))
    assert read.agreement is not None, read.findings
    return read.agreement


def _docx_text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml)
    return "\n".join(html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)))
                     for p in paragraphs)


def test_the_sample_reads_its_activities_and_contacts() -> None:
    agreement = _agreement()
    first, second = agreement.handlingsplan
    assert (first.id, first.parties, first.principles, first.date) == (
        "h1", ("kommunen", "organisationerna"), ("dialog",), datetime.date(2025, 10, 15))
    assert second.period == Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert first.place.line is not None
    [contact] = agreement.contacts
    assert (contact.name, contact.email) == ("Alex Mallsson", "alex.mallsson@mallstad.example.org")
    assert agreement.vision == ("En vision.",)


@pytest.mark.parametrize(("date", "period", "text"), [
    (datetime.date(2025, 6, 30), None, "senast 30 juni 2025"),
    (None, Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)), "2025"),
    (None, Period(datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)), "2025–2026"),
    (None, Period(datetime.date(2025, 3, 1), datetime.date(2025, 6, 30)),
     "1 mars 2025 – 30 juni 2025"),
])
def test_when_an_activity_is_done_reads_as_swedish(date: datetime.date | None,
                                                   period: Period | None, text: str) -> None:
    assert when_text(date, period) == text


def test_the_word_file_prints_the_vision_and_the_handlingsplan_not_the_contacts() -> None:
    agreement = _agreement()
    document = DocumentTemplate(ROOT / "templates/default/agreement.docx",
                                agreement_context(agreement), CoreProperties.of(agreement))
    text = _docx_text(document.render([], include_text=True))
    lines = text.splitlines()
    assert lines.index("Vision") < lines.index("En vision.") < lines.index("Syfte")
    plan = lines.index("Handlingsplan")
    assert lines.index("Gemensamma åtaganden") < plan < lines.index("Uppföljning")
    assert lines[plan + 1] == ("En dialogträff hålls.Ansvar: Mallstads kommun och De idéburna "
                               "organisationerna · Tid: senast 15 oktober 2025 · "
                               "(principen om dialog)")
    assert lines[plan + 2].endswith("Ansvar: Mallstads kommun · Tid: 2026 · (principen om dialog)")
    assert "Alex Mallsson" not in text and "010-123" not in text


def test_the_web_page_has_the_plan_in_the_text_and_the_contacts_after_it() -> None:
    page = agreement_html(_agreement()).decode("utf-8")
    main, footer = page.split("</main>")
    assert "<h2>Vision</h2>\n<p>En vision.</p>" in main
    assert '<li id="h1">En dialogträff hålls. <span class="citation">Ansvar: ' in main
    assert "Alex Mallsson" not in main
    assert ('<li>Alex Mallsson<br>Processledare, Mallstads kommun<br>'
            '<a href="mailto:alex.mallsson@mallstad.example.org">'
            "alex.mallsson@mallstad.example.org</a>, 010-123 45 67</li>") in footer


def test_diff_lists_a_changed_activity_and_the_vision(tmp_path: Path) -> None:
    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE, folder)
    path = folder / "agreement.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("vision: En vision.", "vision: En ny vision.")
                    .replace('date: "2025-10-15"', 'date: "2025-11-15"'), encoding="utf-8")
    changes = compare(_agreement(), _agreement(folder)).changes
    assert [(change.section, change.id) for change in changes] == [
        (Section.FIELDS, "vision"), (Section.HANDLINGSPLAN, "h1")]
    assert changes[1].new is not None and "senast 15 november 2025" in changes[1].new

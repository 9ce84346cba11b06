"""Fast copies of rendered .docx files, and what they print (no LibreOffice needed)."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest

from conftest import OREBRO
from overens_docs._domain import Organisation, Place, Status, read_agreement
from overens_docs._load import load_yaml
from overens_docs._render.context import agreement_context
from overens_docs._render.docx import CoreProperties, DocumentTemplate
from overens_docs._render.personalise import (
    PAGE_NUMBER_PLACEHOLDER,
    Personaliser,
    fill_page_number,
)


def _docx(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


def test_filled_copy_changes_only_the_placeholders() -> None:
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": f"<w:t>sida {PAGE_NUMBER_PLACEHOLDER} av "
                             f"{PAGE_NUMBER_PLACEHOLDER}, å ä ö</w:t>".encode(),
        "word/styles.xml": b"<w:styles/>" * 100,
    }
    copy = fill_page_number(_docx(parts), 7)
    with zipfile.ZipFile(io.BytesIO(copy)) as package:
        assert package.testzip() is None
        filled = {name: package.read(name) for name in package.namelist()}
    assert filled == {**parts, "word/document.xml": "<w:t>sida 7 av 7, å ä ö</w:t>".encode()}


SIGNING_LINE = (
    "{% for organisation in organisations %}{{ organisation.name }}: "
    "{% if agreement.signing.place %}{{ agreement.signing.place }} den {% endif %}"
    "{% if organisation.signed_on_text %}{{ organisation.signed_on_text }}"
    "{% elif agreement.signing.date_text %}{{ agreement.signing.date_text }}{% endif %}."
    "{% endfor %}")


def _text(document: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(document)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


@pytest.mark.parametrize(("signing", "expected_without"), [
    ('signing: {place: Örebro, date: "2018-04-20"}\n', "Örebro den 20 april 2018."),
    ("signing: {place: Örebro}\n", "Örebro den ."),
])
def test_a_signature_page_prints_the_organisations_own_date_fast(  # type: ignore[no-untyped-def]
        tmp_path, signing, expected_without) -> None:
    docx = pytest.importorskip("docx")
    template = tmp_path / "template.docx"
    document = docx.Document()
    document.add_paragraph(SIGNING_LINE)
    document.save(str(template))
    text = (OREBRO / "agreement.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^signing:.*\n(?:  .*\n)*", "", text) + signing
    (tmp_path / "agreement.yaml").write_text(text, encoding="utf-8")
    agreement = read_agreement(load_yaml(tmp_path / "agreement.yaml"), tmp_path)
    personaliser = Personaliser(DocumentTemplate(template, agreement_context(agreement),
                                                 CoreProperties.of(agreement)))
    later = Organisation("a", "Föreningen A & B", "802002-8711", "X", "Y", "a", Place("f"),
                         Status.SIGNED, signed_on=datetime.date(2018, 6, 13))
    at_ceremony = Organisation("b", "Föreningen C", None, "X", "Y", "b", Place("f"))
    for _ in range(2):  # the second time from the proven fast copies
        assert _text(personaliser.document(later)) == (
            "Föreningen A &amp; B: Örebro den 13 juni 2018.")
        assert _text(personaliser.document(at_ceremony)) == f"Föreningen C: {expected_without}"
    assert personaliser.fast

"""The fillable PDF signature page: filled, flattened, fonts embedded, values exact."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from typing import Any, cast

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from overens_docs._errors import OverensError
from overens_docs._render.pdf_form import FIELDS, SignatureForm

ROOT = Path(__file__).resolve().parents[1]
FORM = ROOT / "templates" / "pdf-form" / "signature-page.pdf"

LONG_NAME = (
    "Riksföreningen för ideell samverkan, ungdomsverksamhet och kulturarv i Mälardalen, "
    "Bergslagen och Sörmland – med lokalavdelningar i Västerås, Köping, Arboga, Sala och "
    "Fagersta samt studieförbundens gemensamma råd för folkbildning och föreningsutveckling"
)[:250]

VALUES = {
    "title": "Överenskommelse om idéburet offentligt partnerskap 2025–2028",
    "public_body": "Västerås stad",
    "signatory_name": "Anna Åkesson",
    "signatory_title": "Kommundirektör",
    "org_name": 'Föreningen "Ett & Två" <Unga> i Västerås',
    "org_number": "802000-1234",
    "representative": "Łukasz Wróbel och Gőz Ödön",
    "representative_title": "Ordförande – “styrelsen” €",
    "page_label": "sida 9 av 9",
}


@pytest.fixture(scope="module")
def form() -> SignatureForm:
    return SignatureForm(FORM)


def pdftotext(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fill_to_file(form: SignatureForm, values: dict[str, str], tmp_path: Path) -> Path:
    target = tmp_path / "signed.pdf"
    target.write_bytes(form.fill(values))
    return target


def test_the_shipped_form_has_every_field(form: SignatureForm) -> None:
    assert form.missing_fields() == []
    assert set(FIELDS) <= form.field_names()
    assert len(LONG_NAME) == 250


def test_filled_values_appear_exactly(form: SignatureForm, tmp_path: Path) -> None:
    text = pdftotext(fill_to_file(form, VALUES, tmp_path))
    for name, value in VALUES.items():
        assert value in text, name


def test_a_250_character_name_is_all_there(form: SignatureForm, tmp_path: Path) -> None:
    text = pdftotext(fill_to_file(form, {**VALUES, "org_name": LONG_NAME}, tmp_path))
    # pdftotext -layout puts the other column's text on the same lines: read the right column
    right = [line[40:] for line in text.splitlines() if len(line) > 40]
    assert squeeze(LONG_NAME) in squeeze(" ".join(right))


def test_the_result_is_flat_and_fonts_are_embedded(form: SignatureForm, tmp_path: Path) -> None:
    target = fill_to_file(form, {**VALUES, "org_name": LONG_NAME}, tmp_path)
    reader = PdfReader(target)
    assert len(reader.pages) == 1
    assert "/AcroForm" not in cast(DictionaryObject, reader.trailer["/Root"])
    page = reader.pages[0]
    annotations: Any = page.get("/Annots") or []
    assert not [a for a in annotations if a.get_object().get("/Subtype") == "/Widget"]

    fonts = _fonts(cast(DictionaryObject, page["/Resources"]))
    assert fonts
    for font in fonts:
        descriptor_owner: Any = font
        if "/DescendantFonts" in font:
            descriptor_owner = cast(ArrayObject, font["/DescendantFonts"])[0].get_object()
        descriptor = descriptor_owner["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]

    check = subprocess.run(
        ["qpdf", "--check", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def _fonts(resources: DictionaryObject) -> list[DictionaryObject]:
    """Every font in a resource dictionary and in the resources of its form XObjects."""
    resources = cast(DictionaryObject, resources.get_object())
    fonts: Any = resources.get("/Font", {})
    xobjects: Any = resources.get("/XObject", {})
    found = [cast(DictionaryObject, font.get_object()) for font in fonts.values()]
    for reference in xobjects.values():
        xobject = reference.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            found.extend(_fonts(xobject["/Resources"]))
    return found


def test_a_character_the_font_cannot_draw_is_an_error(form: SignatureForm) -> None:
    with pytest.raises(OverensError, match=r"'representative'.*漢"):
        form.fill({**VALUES, "representative": "Li 漢"})
    assert form.unsupported_characters("Åsa 漢 Ω", "representative") == {"漢", "Ω"}
    assert form.unsupported_characters("Łukasz Gőz “€” – ÆØÅ") == set()


def test_filling_twice_from_one_loaded_form_gives_independent_pages(
    form: SignatureForm,
) -> None:
    first = PdfReader(io.BytesIO(form.fill({**VALUES, "org_name": "Förening A"})))
    second = PdfReader(io.BytesIO(form.fill({**VALUES, "org_name": "Förening B"})))
    assert "Förening A" in first.pages[0].extract_text()
    assert "Förening B" in second.pages[0].extract_text()
    assert "Förening A" not in second.pages[0].extract_text()


def test_unknown_fields_and_overlong_values_are_errors(form: SignatureForm) -> None:
    with pytest.raises(OverensError, match="no field named colour"):
        form.fill({**VALUES, "colour": "blue"})
    with pytest.raises(OverensError, match=r"'org_number'.*does not fit"):
        form.fill({**VALUES, "org_number": "8" * 400})

"""Rendering and fast copies of rendered .docx files (no LibreOffice needed)."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

from conftest import OREBRO, ROOT
from overens_docs._domain import Organisation
from overens_docs._render.context import agreement_context
from overens_docs._render.docx import CoreProperties, DocumentTemplate
from overens_docs._render.personalise import (
    PAGE_NUMBER_PLACEHOLDER,
    Personaliser,
    fill_page_number,
)
from overens_docs._targets import Target
from overens_docs._validate import check_target


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


def _template_with(tmp_path: Path, old: bytes, new: bytes) -> Path:
    source = ROOT / "templates" / "default" / "agreement.docx"
    copy = tmp_path / "variant.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(copy, "w") as target:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                assert old in data
                data = data.replace(old, new, 1)
            target.writestr(item, data)
    return copy


def _personaliser(template: Path) -> tuple[Personaliser, list[Organisation]]:
    read = check_target(Target(OREBRO)).read()
    assert read is not None
    agreement, organisations = read
    document = DocumentTemplate(template, agreement_context(agreement),
                                CoreProperties.of(agreement))
    return Personaliser(document), list(organisations)


def _text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    return html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def test_the_default_template_takes_the_fast_path() -> None:
    personaliser, organisations = _personaliser(ROOT / "templates/default/agreement.docx")
    personaliser.prove(organisations)
    assert personaliser.fast


def test_a_template_that_branches_on_an_organisation_is_rendered_in_full_for_each(
        tmp_path: Path) -> None:
    """The fast path proves itself on the first organisation only; a template whose
    signature page branches on a value would give later organisations the first one's
    branch. Such templates are found by reading their Jinja, and rendered in full."""
    branching = _template_with(
        tmp_path, b"{{ organisation.representative_title }}",
        b"{% if organisation.name|length > 60 %}LONGNAME{% else %}SHORTNAME{% endif %}")
    personaliser, organisations = _personaliser(branching)
    personaliser.prove(organisations)
    assert not personaliser.fast
    short = next(o for o in organisations if len(o.name) <= 60)
    long = next(o for o in organisations if len(o.name) > 60)
    assert organisations.index(short) < organisations.index(long)
    assert "SHORTNAME" in _text(personaliser.document(short))
    assert "LONGNAME" in _text(personaliser.document(long))


def test_a_filter_on_an_organisation_value_also_leaves_the_fast_path(tmp_path: Path) -> None:
    upper = _template_with(tmp_path, b"{{ organisation.representative_title }}",
                           b"{{ organisation.representative_title|upper }}")
    personaliser, organisations = _personaliser(upper)
    personaliser.prove(organisations)
    assert not personaliser.fast
    assert organisations[3].representative_title.upper() in _text(
        personaliser.document(organisations[3]))

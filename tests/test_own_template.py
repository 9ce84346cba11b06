"""A kommun's own template, from ``overens template new`` to documents with its logo on
every page; and the example under templates/example-logo/."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType

import pikepdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from conftest import ROOT, RunCli

EXAMPLE = ROOT / "templates" / "example-logo"
LOGO = EXAMPLE / "logo.png"


def _example_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_logo_template",
                                                  EXAMPLE / "make_template.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_is_made_from_the_default_template_as_committed() -> None:
    """Fails when the default template changed and make_template.py was not run again."""
    script = _example_script()
    assert script.logo_png() == LOGO.read_bytes()
    made = script.with_logo((ROOT / "templates/default/agreement.docx").read_bytes(),
                            LOGO.read_bytes())
    assert made == (EXAMPLE / "agreement.docx").read_bytes()


def test_the_example_passes_the_check(run_cli: RunCli) -> None:
    result = run_cli("template", "check", EXAMPLE / "agreement.docx")
    assert result.exit_code == 0, result.stdout


def _use_template(folder: Path, name: str) -> None:
    agreement = folder / "agreement.yaml"
    with agreement.open("a", encoding="utf-8") as file:
        file.write(f"template:\n  document: {name}\n")


def _draws_an_image(content: pikepdf.Object, resources: pikepdf.Object | None) -> bool:
    """Whether a page (or form) draws an image: a ``Do`` of an image, here or in a form it
    draws. (LibreOffice gives every page the same resources, so an image in them says
    nothing about the page.)"""
    objects = resources.get("/XObject") if resources is not None else None
    for instruction in pikepdf.parse_content_stream(content):
        if (objects is None or not isinstance(instruction, pikepdf.ContentStreamInstruction)
                or str(instruction.operator) != "Do" or instruction.operands[0] not in objects):
            continue
        drawn = objects[str(instruction.operands[0])]
        if drawn.get("/Subtype") == "/Image" or (
                drawn.get("/Subtype") == "/Form"
                and _draws_an_image(drawn, drawn.get("/Resources", resources))):
            return True
    return False


def _logo_on_every_page(pdf: Path) -> None:
    with pikepdf.open(pdf) as document:
        assert len(document.pages) > 1
        without = [number for number, page in enumerate(document.pages, start=1)
                   if not _draws_an_image(page.obj, page.obj.get("/Resources"))]
        assert without == [], f"{pdf.name}: no logo on pages {without}"


def _built_with_logo(folder: Path) -> None:
    _logo_on_every_page(folder / "agreement.pdf")
    _logo_on_every_page(folder / "signature-pages.pdf")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    first = next(entry["path"] for entry in manifest["files"]
                 if entry.get("organisation") and entry["path"].endswith(".pdf"))
    _logo_on_every_page(folder / first)


@pytest.mark.libreoffice
def test_an_agreement_builds_with_the_example(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    _use_template(orebro_copy, "example-logo/agreement.docx")
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    _built_with_logo(tmp_path / "out" / "orebro")


@pytest.mark.libreoffice
@pytest.mark.parametrize("page", ["title page", "a later page"])
def test_a_logo_put_in_the_header_of_any_page_is_on_every_page(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path, page: str) -> None:
    """A person opens the template, clicks into the header of one page and inserts the
    logo: it must reach every page, the title page and the signature pages included
    (a separate first-page header would keep it off the title page, or keep it there
    only)."""
    template = orebro_copy / "mall.docx"
    assert run_cli("template", "new", template).exit_code == 0
    document = Document(str(template))
    section = document.sections[0]
    header = (section.first_page_header
              if page == "title page" and section.different_first_page_header_footer
              else section.header)
    header.paragraphs[0].insert_paragraph_before().add_run().add_picture(
        io.BytesIO(LOGO.read_bytes()), height=Mm(10))
    document.save(str(template))
    _use_template(orebro_copy, template.name)
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    _built_with_logo(tmp_path / "out" / "orebro")


@pytest.mark.libreoffice
def test_from_template_new_to_a_logo_on_every_page(run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    """The issue's 'done when': a new template, a logo and an unknown tag added in Word
    (here with python-docx); the check finds the tag; fixed, the agreement builds."""
    template = orebro_copy / "kommunens-mall.docx"
    assert run_cli("template", "new", template).exit_code == 0
    document = Document(str(template))
    for section in document.sections:
        top = section.header.paragraphs[0].insert_paragraph_before()
        top.add_run().add_picture(io.BytesIO(LOGO.read_bytes()), height=Mm(10))
    contact = document.add_paragraph("Kontakt: {{ x }}")
    document.save(str(template))
    number = len(document.element.body.findall(".//" + qn("w:p")))  # tables too

    result = run_cli("template", "check", template, "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["part"], f["paragraph"], f["words"]) for f in findings] == [
        ("template-undefined", "word/document.xml", number, "Kontakt: {{ x }}")]
    text = run_cli("template", "check", template).stdout
    assert f'kommunens-mall.docx, body, paragraph {number} ("Kontakt: {{{{ x }}}}")' in text
    assert "'x'" in text

    contact.text = "Kontakt: {{ agreement.public_body.name }}"
    document.save(str(template))
    assert run_cli("template", "check", template, "--agreement", orebro_copy).exit_code == 0
    _use_template(orebro_copy, template.name)
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    _built_with_logo(tmp_path / "out" / "orebro")

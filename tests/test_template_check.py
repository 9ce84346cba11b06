"""``overens template new`` and ``overens template check``: a kommun's own Word template."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.text.run import Run

from conftest import EXAMPLES, OREBRO, ROOT, RunCli, template_variant
from overens_docs._render.template_check import first_words

DEFAULT = ROOT / "templates" / "default" / "agreement.docx"


def _check(run_cli: RunCli, template: Path, *more: str | Path) -> tuple[int, list[dict[str, object]]]:
    result = run_cli("template", "check", template, "--format", "json", *more)
    return result.exit_code, json.loads(result.stdout)["findings"]


def _places(findings: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(f["rule"], f["part"], f["paragraph"], f["words"]) for f in findings]


def _body_paragraphs(template: Path) -> int:
    """How many paragraphs the body has, those in tables too."""
    return len(Document(str(template)).element.body.findall(".//" + qn("w:p")))


def _with_paragraph(template: Path, text: str, *, header: bool = False) -> Path:
    document = Document(str(template))
    (document.sections[0].header if header else document).add_paragraph(text)
    document.save(str(template))
    return template


def test_new_writes_the_default_template_and_says_what_next(run_cli: RunCli, tmp_path: Path) -> None:
    destination = tmp_path / "mall.docx"
    result = run_cli("template", "new", destination)
    assert result.exit_code == 0
    assert destination.read_bytes() == DEFAULT.read_bytes()
    assert "document: mall.docx" in result.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["mall.docx"]  # no temporary file left


@pytest.mark.parametrize("name", ["mall.doc", "mall", "exists.docx", "nowhere/mall.docx",
                                  "folder.docx"])
def test_new_refuses(run_cli: RunCli, tmp_path: Path, name: str) -> None:
    (tmp_path / "exists.docx").write_bytes(b"mine")
    (tmp_path / "folder.docx").mkdir()
    result = run_cli("template", "new", tmp_path / name)
    assert result.exit_code == 2
    assert result.stderr.startswith("overens: ")
    assert (tmp_path / "exists.docx").read_bytes() == b"mine"


def test_new_replaces_with_force(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "exists.docx").write_bytes(b"mine")
    assert run_cli("template", "new", tmp_path / "exists.docx", "--force").exit_code == 0
    assert (tmp_path / "exists.docx").read_bytes() == DEFAULT.read_bytes()


def test_the_default_template_passes(run_cli: RunCli) -> None:
    assert _check(run_cli, DEFAULT) == (0, [])
    assert _check(run_cli, DEFAULT, "--agreement", OREBRO) == (0, [])



def test_the_default_letter_passes_and_a_misspelt_name_in_a_copy_is_found(
        run_cli: RunCli, tmp_path: Path) -> None:
    """The reference tells a kommun to check its own letter.docx with template check: the
    default one passes, with the sample agreement's invitation too, and a name misspelt in
    a copy of it is found at its paragraph."""
    letter = ROOT / "templates" / "default" / "letter.docx"
    assert _check(run_cli, letter) == (0, [])
    assert _check(run_cli, letter, "--agreement", ROOT / "agreements" / "exempelkommun") == (
        0, [])
    mine = tmp_path / "letter.docx"
    shutil.copyfile(letter, mine)
    _with_paragraph(mine, "Välkommen, {{ organisation.nmae }}!")
    exit_code, findings = _check(run_cli, mine)
    assert exit_code == 1
    assert [(f["rule"], f["paragraph"]) for f in findings] == [
        ("template-undefined", _body_paragraphs(mine))]


def test_an_unknown_name_is_found_with_its_paragraph(run_cli: RunCli, tmp_path: Path) -> None:
    template = tmp_path / "mall.docx"
    assert run_cli("template", "new", template).exit_code == 0
    _with_paragraph(template, "Kontakt: {{ x }} och mer text som inte syns i början")
    exit_code, findings = _check(run_cli, template)
    assert exit_code == 1
    paragraphs = _body_paragraphs(template)
    assert _places(findings) == [("template-undefined", "word/document.xml", paragraphs,
                                  "Kontakt: {{ x }} och mer…")]
    assert "'x'" in str(findings[0]["message"])
    text = run_cli("template", "check", template).stdout
    assert f'mall.docx, body, paragraph {paragraphs} ("Kontakt: {{{{ x }}}} och mer…")' in text


def test_an_attribute_the_data_lacks_is_found_in_a_header(run_cli: RunCli, tmp_path: Path) -> None:
    template = tmp_path / "mall.docx"
    template.write_bytes(DEFAULT.read_bytes())
    _with_paragraph(template, "{{ agreement.titel }}", header=True)
    _with_paragraph(template, "{% for o in organisations %}{{ o.namn }}{{ loop.index }}"
                              "{% endfor %}")
    exit_code, findings = _check(run_cli, template)
    assert exit_code == 1
    assert [(f["rule"], f["part"]) for f in findings] == [
        ("template-undefined", "word/document.xml"), ("template-undefined", "word/header1.xml")]
    assert "Did you mean 'name'?" in str(findings[0]["message"])
    assert "Did you mean 'title'?" in str(findings[1]["message"])


def test_split_tags_are_found(run_cli: RunCli, tmp_path: Path) -> None:
    template = tmp_path / "split.docx"
    document = Document(str(DEFAULT))
    paragraph = next(p for p in document.paragraphs if p.text == "{{ agreement.title }}")
    first = paragraph.runs[0]
    first.text = "{{ agreement."
    first._r.addnext(copy.deepcopy(first._r))
    second = Run(first._r.getnext(), paragraph)
    second.text = "title }}"
    second.bold = True
    document.save(str(template))
    exit_code, findings = _check(run_cli, template)
    assert exit_code == 0  # a warning: docxtpl joins it, with the first piece's formatting
    assert _places(findings) == [("template-split-tag", "word/document.xml", 2,
                                  "{{ agreement.title }}")]
    assert run_cli("template", "check", template, "--strict").exit_code == 1


def test_a_split_without_a_change_of_formatting_is_not_reported(run_cli: RunCli, tmp_path: Path) -> None:
    template = template_variant(tmp_path, b"{{ agreement.title }}",
                                b"{{ agreement.</w:t></w:r><w:r><w:t>title }}")
    assert _check(run_cli, template) == (0, [])


@pytest.mark.parametrize("case", [
    (b"{%p if agreement.period %}", b"Text {%p if agreement.period %}", "template-leftover",
     "Text {%p if agreement.period %}"),
    (b"{{ agreement.title }}", b"{{ agreement.title", "template-leftover",
     "{{ agreement.title"),
    (b"{{ agreement.title }}", b"{{ agreement.title }} }}", "template-leftover",
     "{{ agreement.title }} }}"),
    (b"{%p endif %}", b"slut", "template-syntax", "{%p if include_text %}"),
    (b"{{ agreement.title }}", b"{{ agreement.title | nofilter }}", "template-syntax",
     "{{ agreement.title | nofilter }}"),
    (b"{{ agreement.title }}", b"{{ agreement.__class__ }}", "template-unsafe",
     "{{ agreement.__class__ }}"),
    (b"{{ agreement.title }}", b"{% include 'other.docx' %}", "template-unsafe",
     "{% include 'other.docx' %}"),
    (b'w:val="DocumentInfo"', b'w:val="Okand"', "template-style-missing",
     "Antagen av {{ agreement.adoption.body_in_sentence…"),
])
def test_broken_tags_are_found_where_they_are(
        run_cli: RunCli, tmp_path: Path, case: tuple[bytes, bytes, str, str]) -> None:
    old, new, rule, words = case
    exit_code, findings = _check(run_cli, template_variant(tmp_path, old, new))
    assert exit_code == 1
    assert [(f["rule"], f["words"]) for f in findings] == [(rule, words)]


def test_a_missing_heading_style_is_found(run_cli: RunCli, tmp_path: Path) -> None:
    source, copy_path = DEFAULT, tmp_path / "mall.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(copy_path, "w") as target:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/styles.xml":
                data = data.replace(b'w:val="heading 2"', b'w:val="Rubrik 2"')
            target.writestr(item, data)
    exit_code, findings = _check(run_cli, copy_path)
    assert exit_code == 1
    assert [(f["rule"], f["part"], f["paragraph"]) for f in findings] == [
        ("template-style-missing", "word/styles.xml", None)]


@pytest.mark.libreoffice
def test_a_template_saved_unchanged_by_libreoffice_passes(run_cli: RunCli, tmp_path: Path, soffice: str) -> None:
    """LibreOffice names the built-in styles "Heading 1", "Heading 2" where Word writes
    "heading 1"; Word takes them for the same style, and so does the check."""
    shutil.copyfile(DEFAULT, tmp_path / "mall.docx")
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "docx", "--outdir", str(tmp_path / "saved"),
                    str(tmp_path / "mall.docx")], check=True, capture_output=True, timeout=120)
    saved = tmp_path / "saved" / "mall.docx"
    with zipfile.ZipFile(saved) as package:
        assert b'w:val="Heading 1"' in package.read("word/styles.xml")  # as LibreOffice writes it
    assert _check(run_cli, saved) == (0, [])
    # And it builds: with the documents' own properties (title), once each, no warning
    # (pytest makes zipfile's "Duplicate name" warning an error).
    folder = tmp_path / "exempel"
    folder.mkdir()
    shutil.copyfile(saved, folder / "mall.docx")
    (folder / "agreement.yaml").write_text(
        (EXAMPLES / "valid" / "minimal.agreement.yaml").read_text(encoding="utf-8")
        + "template:\n  document: mall.docx\n", encoding="utf-8")
    shutil.copyfile(EXAMPLES / "valid" / "three.organisations.yaml", folder / "organisations.yaml")
    built = run_cli("build", folder, "--out", tmp_path / "out")
    assert built.exit_code == 0, built.stderr
    docx = tmp_path / "out" / "exempel" / "agreement.docx"
    with zipfile.ZipFile(docx) as package:
        names = package.namelist()
        assert names.count("docProps/core.xml") == 1
        assert b"<dc:title>" in package.read("docProps/core.xml")


@pytest.mark.parametrize("content", [b"", b"not a zip", b"zip", b"bad xml"])
def test_what_is_not_a_word_document_is_one_finding(run_cli: RunCli, tmp_path: Path, content: bytes) -> None:
    template = tmp_path / "mall.docx"
    if content == b"zip":
        with zipfile.ZipFile(template, "w") as package:
            package.writestr("a.txt", "x")
    elif content == b"bad xml":
        with zipfile.ZipFile(DEFAULT) as original, zipfile.ZipFile(template, "w") as target:
            for item in original.infolist():
                target.writestr(item, b"<w:document" if item.filename == "word/document.xml"
                                else original.read(item.filename))
    else:
        template.write_bytes(content)
    exit_code, findings = _check(run_cli, template)
    assert exit_code == 1
    assert [f["rule"] for f in findings] == ["template-unreadable"]


def test_a_missing_file_or_agreement_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("template", "check", tmp_path / "none.docx").exit_code == 2
    result = run_cli("template", "check", DEFAULT, "--agreement", tmp_path / "none",
                     "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["exit_code"] == 2


def test_an_invalid_agreement_gives_its_findings(run_cli: RunCli, orebro_copy: Path) -> None:
    (orebro_copy / "organisations.yaml").unlink()
    result = run_cli("template", "check", DEFAULT, "--agreement", orebro_copy)
    assert result.exit_code == 1
    assert "[missing-file]" in result.stdout


def test_first_words() -> None:
    assert first_words("  ett  två tre ") == "ett två tre"
    assert first_words("a b c d e f g") == "a b c d e f…"
    assert first_words("x" * 60) == "x" * 50 + "…"


def test_a_linked_picture_and_a_link_out_are_found(run_cli: RunCli, tmp_path: Path) -> None:
    """A logo inserted with "Link to file" is missing elsewhere; a PDF/A may not link out."""
    template = tmp_path / "mall.docx"
    link = (b'<Relationship Id="rIdLogo" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/image" Target="file:///C:/logo.png" TargetMode="External"/>'
            b'<Relationship Id="rIdWeb" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/hyperlink" Target="https://example.org" TargetMode="External"/>')
    with zipfile.ZipFile(DEFAULT) as original, zipfile.ZipFile(template, "w") as target:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", link + b"</Relationships>")
            if item.filename == "word/document.xml":
                data = data.replace(
                    b'<w:r><w:t xml:space="preserve">{{ agreement.title }}</w:t></w:r>',
                    b'<w:hyperlink r:id="rIdWeb"><w:r><w:t xml:space="preserve">'
                    b'{{ agreement.title }}</w:t></w:r></w:hyperlink>', 1)
            target.writestr(item, data)
    exit_code, findings = _check(run_cli, template)
    assert exit_code == 1
    assert [(f["rule"], f["paragraph"]) for f in findings] == [
        ("template-external", None), ("template-external", 2)]
    assert "file:///C:/logo.png" in str(findings[0]["message"])

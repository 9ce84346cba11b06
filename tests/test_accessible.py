"""Accessible and archival outputs: PDF/UA agreement with real lists, organisation copies
with their own titles, checks of what is delivered, and agreement.html."""

from __future__ import annotations

import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from conftest import OREBRO, RunCli
from overens_docs._pdf.check import accessibility_problems, structure_problems
from overens_docs._read import read_target
from overens_docs._render.agreement_html import agreement_html
from overens_docs._render.context import cite
from overens_docs._targets import Target
from structure_text import structure_text


def _agreement() -> Any:
    read = read_target(Target(OREBRO)).whole("test")
    return read[0]


@pytest.fixture
def built(orebro_built: Path) -> Path:
    return orebro_built


def _structure_types(pdf: pikepdf.Pdf) -> list[tuple[str, int]]:
    """(structure type, depth) in document order, role-mapped to standard types."""
    role_map = {str(k): str(v) for k, v in (pdf.Root.StructTreeRoot.get("/RoleMap") or {}).items()}
    found: list[tuple[str, int]] = []

    def walk(element: Any, depth: int) -> None:
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            kind = str(element.S)
            found.append((role_map.get(kind, kind), depth))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid, depth + 1)

    kids = pdf.Root.StructTreeRoot.K
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        walk(kid, 0)
    return found


@pytest.mark.libreoffice
def test_the_agreement_is_pdf_ua_and_pdf_a_with_lists_and_headings(built: Path) -> None:
    with pikepdf.open(built / "agreement.pdf") as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert re.search(r"pdfuaid:part(>|=\")1", xmp)
        assert re.search(r"pdfaid:part(>|=\")2", xmp)
        types = _structure_types(pdf)
        kinds = [kind for kind, _ in types]
        assert kinds.count("/L") == 2  # one list per party
        assert kinds.count("/LI") == sum(len(p.commitments) for p in _agreement().parties)
        assert "/H1" in kinds and "/H2" in kinds
        assert str(pdf.Root.Lang) == "sv-SE"
        assert structure_problems(pdf, ua=True) == []
    assert accessibility_problems(built / "agreement.pdf", tagged=True, ua=True) == []


@pytest.mark.libreoffice
def test_each_organisation_copy_has_its_own_title_shown_in_the_title_bar(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    title = _agreement().title
    names = {o.id: o.name for o in read_target(Target(OREBRO)).whole("test")[1]}
    for entry in manifest["files"]:
        if entry["kind"] != "organisation-pdf":
            continue
        with pikepdf.open(built / entry["path"]) as pdf:
            expected = f"{title} – {names[entry['organisation']]}"
            assert str(pdf.docinfo.Title) == expected
            assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert accessibility_problems(built / entry["path"], tagged=True) == []
    with pikepdf.open(built / "signature-pages.pdf") as pdf:
        assert str(pdf.docinfo.Title) == f"{title} – underskriftssidor"
    assert accessibility_problems(built / "signature-pages.pdf", tagged=True) == []


@pytest.mark.libreoffice
def test_organisation_copies_and_the_ceremony_file_are_tagged(built: Path) -> None:
    organisations = read_target(Target(OREBRO)).whole("test")[1]
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    copies = {entry["organisation"]: built / entry["path"] for entry in manifest["files"]
              if entry["kind"] == "organisation-pdf"}
    with pikepdf.open(built / "agreement.pdf") as agreement:
        text_types = [kind for kind, _ in _structure_types(agreement)]
    for organisation in organisations[:3]:
        with pikepdf.open(copies[organisation.id]) as pdf:
            assert bool(pdf.Root.MarkInfo.Marked)
            assert str(pdf.Root.Lang) == "sv-SE"
            assert all("/StructParents" in page.obj for page in pdf.pages)
            assert structure_problems(pdf, ua=False) == []
            kinds = [kind for kind, _ in _structure_types(pdf)]
            # The text's structure (lists and headings too), then the signature page's.
            assert kinds[:len(text_types)] == text_types[:len(kinds)] or (
                kinds.count("/LI") == text_types.count("/LI"))
            assert kinds.count("/H1") == text_types.count("/H1") + 1  # "Underskrifter"
        # The signature page's text is in the structure tree: read from there.
        text = structure_text(copies[organisation.id])
        assert organisation.name in text
        assert "Underskrift" in text and "Namnförtydligande" in text
        assert f"För {_agreement().public_body.name}" in text
    ceremony = structure_text(built / "signature-pages.pdf")
    assert [o.name for o in organisations if " ".join(o.name.split()) not in ceremony] == []
    with pikepdf.open(built / "signature-pages.pdf") as pdf:
        assert [int(page.obj.StructParents) for page in pdf.pages] == list(
            range(len(organisations)))


@pytest.mark.libreoffice
def test_a_copy_whose_signature_page_is_not_in_the_structure_tree_fails_the_build(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from overens_docs._pdf.structure import Tree  # noqa: PLC0415

    def forgetful(self: Tree, page: Any, source: Any, number: int, key: int) -> int:
        return 0  # the page comes along, its structure does not

    monkeypatch.setattr(Tree, "graft", forgetful)
    out = tmp_path / "out"
    result = run_cli("build", orebro_copy, "--out", out, "--format", "json")
    assert result.exit_code == 3
    findings = json.loads(result.stdout)["findings"]
    assert findings and all("StructParents" in f["message"] or "structure tree" in f["message"]
                            for f in findings), findings
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.libreoffice
def test_a_delivered_copy_without_its_title_in_the_title_bar_fails_the_build(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from overens_docs._pdf.master import Master  # noqa: PLC0415

    original = Master.archival

    def forgetful(self: Master, pdf: Any) -> None:
        original(self, pdf)
        del pdf.Root["/ViewerPreferences"]

    monkeypatch.setattr(Master, "archival", forgetful)
    out = tmp_path / "out"
    result = run_cli("build", orebro_copy, "--out", out, "--format", "json")
    assert result.exit_code == 3
    findings = json.loads(result.stdout)["findings"]
    assert findings and all("DisplayDocTitle" in f["message"] for f in findings)
    assert not out.exists() or not any(out.iterdir())


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_agreement_html_holds_every_principle_and_commitment_verbatim() -> None:
    agreement = _agreement()
    page = agreement_html(agreement).decode("utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="sv">')
    parser = _Page()
    parser.feed(page)
    text = "".join(parser.text)
    assert parser.tags.count("h1") == 1 and "script" not in parser.tags
    headings = [tag for tag in parser.tags if re.fullmatch(r"h\d", tag)]
    assert all(int(b[1]) - int(a[1]) <= 1 for a, b in itertools.pairwise(headings))
    short_names = {p.id: p.short_name for p in agreement.principles}
    for principle in agreement.principles:
        assert principle.name in text
        for paragraph in principle.paragraphs:
            assert paragraph in text
    for party in agreement.parties:
        for commitment in party.commitments:
            assert commitment.text in text
            assert cite([short_names[p] for p in commitment.principles]) in text
    assert parser.tags.count("ol") == sum(1 for p in agreement.parties if p.commitments)
    assert agreement_html(agreement) == agreement_html(agreement)


@pytest.mark.libreoffice
def test_only_keeps_the_ceremony_file_tagged(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", orebro_copy, "--out", out).exit_code == 0
    built = out / orebro_copy.name
    listed = json.loads((built / "manifest.json").read_text(encoding="utf-8"))["organisations"]
    for _ in range(2):  # twice: a page from an earlier --only is not wrapped again
        assert run_cli("build", orebro_copy, "--out", out, "--only", listed[1]).exit_code == 0
    with pikepdf.open(built / "signature-pages.pdf") as pdf:
        assert structure_problems(pdf, ua=False) == []
        sections = list(pdf.Root.StructTreeRoot.K[0].K)
        assert [str(section.S) for section in sections] == ["/Sect"] * len(listed)
        assert all(str(kid.S) != "/Sect" for section in sections for kid in section.K)
    assert run_cli("verify", built).exit_code == 0

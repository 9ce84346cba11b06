"""Templates are data, not programs: nothing fetched, bounded work, bounded reading, no
macros carried over, and the signature section a build and ``overens verify`` need.

Each class of problem is checked by ``overens template check`` and by a build, with
several cases of its own.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import re
import shutil
import signal
import subprocess
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import OREBRO, ROOT, RunCli
from overens_docs._render import jinja_limits
from overens_docs._render.context import agreement_context
from overens_docs._render.docx import CoreProperties, DocumentTemplate
from overens_docs._render.template_file import TemplateError

DEFAULT = ROOT / "templates" / "default" / "agreement.docx"
Parts = dict[str, bytes]
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def variant(path: Path, change: Callable[[Parts], None], source: Path = DEFAULT) -> Path:
    """The default template with ``change`` made to its parts, written to ``path``."""
    with zipfile.ZipFile(source) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return path


def _in_body(xml: str) -> Callable[[Parts], None]:
    """Put ``xml`` (paragraphs) at the start of the body."""
    def change(parts: Parts) -> None:
        parts["word/document.xml"] = parts["word/document.xml"].replace(
            b"<w:body>", b"<w:body>" + xml.encode(), 1)
    return change


def _related(part: str, kind: str, target: str, key: str = "rIdOut") -> Callable[[Parts], None]:
    """A relationship of ``part`` to ``target``, outside the package."""
    rels = f"{part.rsplit('/', 1)[0]}/_rels/{part.rsplit('/', 1)[1]}.rels"

    def change(parts: Parts) -> None:
        parts[rels] = parts.get(rels, b'<Relationships xmlns="http://schemas.openxmlformats.org/'
                                      b'package/2006/relationships"></Relationships>').replace(
            b"</Relationships>", (f'<Relationship Id="{key}" Type="{_R}/{kind}" '
                                  f'Target="{target}" TargetMode="External"/>'
                                  "</Relationships>").encode())
    return change


def _both(*changes: Callable[[Parts], None]) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        for each in changes:
            each(parts)
    return change


def _linked_picture(url: str) -> Callable[[Parts], None]:
    drawing = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
        'drawingml/2006/wordprocessingDrawing"><wp:extent cx="952500" cy="952500"/>'
        '<wp:docPr id="99" name="Linked"/><a:graphic xmlns:a="http://schemas.openxmlformats.'
        'org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/'
        'drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/'
        'drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="99" name="l.png"/><pic:cNvPicPr/>'
        '</pic:nvPicPr><pic:blipFill><a:blip r:link="rIdOut"/><a:stretch><a:fillRect/>'
        '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" '
        'cy="952500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')
    return _both(_in_body(drawing), _related("word/document.xml", "image", url))


def _field(instruction: str, *, simple: bool = False) -> Callable[[Parts], None]:
    if simple:
        return _in_body(f'<w:p><w:fldSimple w:instr="{instruction}"><w:r><w:t>x</w:t></w:r>'
                        "</w:fldSimple></w:p>")
    return _in_body(
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
        f'xml:space="preserve"> {instruction[:9]}</w:instrText></w:r><w:r><w:instrText '
        f'xml:space="preserve">{instruction[9:]} </w:instrText></w:r><w:r><w:fldChar '
        'w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r><w:r><w:fldChar '
        'w:fldCharType="end"/></w:r></w:p>')


OUTSIDE = {
    "linked picture": _linked_picture("http://127.0.0.1:9/logo.png"),
    "picture from a file": _linked_picture("file:///etc/passwd"),
    "link out": _both(_in_body('<w:p><w:hyperlink r:id="rIdOut"><w:r><w:t>här</w:t></w:r>'
                               "</w:hyperlink></w:p>"),
                      _related("word/document.xml", "hyperlink", "https://example.org")),
    "INCLUDEPICTURE, split in runs": _field('INCLUDEPICTURE "http://127.0.0.1:9/x.png" \\d'),
    "INCLUDETEXT": _field('INCLUDETEXT "/etc/passwd"'),
    "LINK, simple": _field("LINK Excel.Sheet.12 &quot;C:\\\\budget.xlsx&quot; R1C1", simple=True),
    "DDEAUTO": _field('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"'),
    "OLE link": _related("word/document.xml", "oleObject", "file:///C:/budget.xlsx"),
    "attached template": _related("word/settings.xml", "attachedTemplate",
                                  "http://127.0.0.1:9/normal.dotm"),
    "external header": _related("word/document.xml", "header", "http://127.0.0.1:9/h.xml"),
}


@pytest.mark.parametrize("case", sorted(OUTSIDE))
def test_what_a_template_takes_from_outside_is_found_by_template_check(
        run_cli: RunCli, tmp_path: Path, case: str) -> None:
    template = variant(tmp_path / "mall.docx", OUTSIDE[case])
    result = run_cli("template", "check", template, "--format", "json")
    assert result.exit_code == 1, result.stdout
    external = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "template-external"]
    assert len(external) == 1, json.loads(result.stdout)["findings"]
    if case not in ("attached template", "OLE link", "external header"):
        assert (external[0]["part"], external[0]["paragraph"]) == ("word/document.xml", 1)


def _rendered(template: Path, within: tuple[Path, ...] = ()) -> bytes:
    from overens_docs._domain import read_agreement  # noqa: PLC0415
    from overens_docs._load import load_yaml  # noqa: PLC0415

    agreement = read_agreement(load_yaml(OREBRO / "agreement.yaml"), OREBRO)
    return DocumentTemplate(template, agreement_context(agreement), CoreProperties.of(agreement),
                            within=within or (template.parent,)).render(
                                [], include_text=True)


@pytest.mark.parametrize("case", sorted(OUTSIDE))
def test_a_build_refuses_to_render_what_takes_from_outside(tmp_path: Path, case: str) -> None:
    template = variant(tmp_path / "mall.docx", OUTSIDE[case])
    with pytest.raises(TemplateError) as refused:
        _rendered(template)
    assert refused.value.rule == "template-external"


# --- LibreOffice is run so that it cannot fetch anything -------------------------------

@contextlib.contextmanager
def _server() -> Iterator[tuple[int, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.libreoffice
def test_libreoffice_fetches_no_linked_picture(tmp_path: Path, soffice: str) -> None:
    """The second wall: a document with a picture linked over http and one linked to a
    local file, handed to LibreOffice directly (a template would be refused before), makes
    no request and carries no picture."""
    from overens_docs._pdf.convert import Conversion  # noqa: PLC0415

    picture = tmp_path / "picture.png"
    shutil.copy(ROOT / "templates" / "example-logo" / "logo.png", picture)
    with _server() as (port, requests):
        web = variant(tmp_path / "web.docx", _linked_picture(f"http://127.0.0.1:{port}/x.png"))
        local = variant(tmp_path / "local.docx", _linked_picture(picture.as_uri()))
        pdfs = Conversion([web, local], tmp_path / "out", timeout=120).wait()
    assert requests == []
    for pdf in pdfs:
        listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True,
                                 text=True, check=True).stdout
        assert len(listing.strip().splitlines()) == 2, listing  # the header lines only


# --- bounded work: the Jinja sandbox's limits ------------------------------------------

@pytest.fixture
def deadline() -> Iterator[None]:
    """A test that would hang without its fix fails after 30 s instead."""
    def stop(*_args: Any) -> None:
        raise TimeoutError("the render did not stop within 30 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


HEAVY = {
    "a power": ("{{ 9 ** (9 ** 9) }}", True),
    "a power of data": ("{{ (agreement.title|length) ** 999999 }}", False),
    "a repetition": ('{{ "x" * 100000000 }}', True),
    "a repetition of data": ("{{ agreement.title * 10000000 }}", False),
    "a product": ("{% set n = 10 ** 300 %}{{ n * n * n * n }}", False),
    "a padding": ('{{ "x"|center(100000000) }}', True),
    "a method's padding": ('{{ "x".ljust(100000000) }}', True),
    "a format": ('{{ "%0999999999d" % 1 }}', False),
    "a format filter": ('{{ "%0999999999d"|format(1) }}', False),
    "a str.format": ('{{ "{:>999999999}".format(1) }}', False),
    "a replacement": ('{{ ("x" * 100000)|replace("x", "y" * 1000) }}', False),
    "a join": ('{{ (["y" * 100000] * 100)|join }}', False),
    "an indent": ('{{ ("a\n" * 100000)|indent(1000) }}', False),
    "doubling": ('{% set ns = namespace(s="x") %}{% for i in range(60) %}'
                 "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}", False),
    "loops within loops": ("{% for i in range(99999) %}{% for j in range(99999) %}"
                           "{% endfor %}{% endfor %}", False),
    "a range": ("{% for i in range(100000000) %}{% endfor %}", True),
    "recursion": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", False),
}


def _template_with(tmp_path: Path, tag: str) -> Path:
    escaped = tag.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return variant(tmp_path / "mall.docx",
                   _in_body(f"<w:p><w:r><w:t>{escaped}</w:t></w:r></w:p>"))


@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("case", sorted(HEAVY))
def test_a_render_past_a_limit_is_a_finding_at_the_template(tmp_path: Path, case: str) -> None:
    with pytest.raises(TemplateError) as stopped:
        _rendered(_template_with(tmp_path, HEAVY[case][0]))
    assert stopped.value.rule in ("template-limit", "template-unsafe"), stopped.value


@pytest.mark.usefixtures("deadline")
def test_a_render_that_takes_too_long_is_stopped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jinja_limits, "MAX_SECONDS", 0.5)
    monkeypatch.setattr(jinja_limits, "MAX_STEPS", 10 ** 12)
    template = _template_with(tmp_path, "{% for i in range(99999) %}{% for j in range(99999) %}"
                                        "{{ j }}{% endfor %}{% endfor %}")
    with pytest.raises(TemplateError, match="seconds") as stopped:
        _rendered(template)
    assert stopped.value.rule == "template-limit"


@pytest.mark.parametrize("case", sorted(case for case in HEAVY if HEAVY[case][1]))
def test_template_check_finds_constant_limits_without_rendering(
        run_cli: RunCli, tmp_path: Path, case: str) -> None:
    result = run_cli("template", "check", _template_with(tmp_path, HEAVY[case][0]),
                     "--format", "json")
    assert "template-limit" in [f["rule"] for f in json.loads(result.stdout)["findings"]]


def test_the_sandbox_keeps_data_as_it_is(tmp_path: Path) -> None:
    """A template may not grow a list in a loop (append is refused), nor make text with
    lipsum; the default template renders as before."""
    for tag, rule in (("{% set l = [1] %}{{ l.append(2) }}", "template-unsafe"),
                      ("{{ lipsum(100000) }}", "template-undefined")):
        with pytest.raises(TemplateError) as refused:
            _rendered(_template_with(tmp_path, tag))
        assert refused.value.rule == rule
    assert _rendered(DEFAULT).startswith(b"PK")


# --- bounded reading, and macros --------------------------------------------------------

_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
           b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')


def _replace(part: str, old: bytes, new: bytes) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        parts[part] = re.sub(old, new, parts[part], count=1)
    return change


UNREADABLE = {
    "entities": _replace("word/document.xml", rb"\A<\?xml[^>]*\?>", _LAUGHS),
    "a DTD in a header": _replace("word/header1.xml", rb"\A<\?xml[^>]*\?>",
                                  b'<?xml version="1.0"?><!DOCTYPE w:hdr SYSTEM "http://x/y.dtd">'),
    "UTF-16": lambda parts: parts.__setitem__(
        "word/styles.xml", parts["word/styles.xml"].decode().replace(
            "UTF-8", "UTF-16").encode("utf-16")),
    "a bomb": lambda parts: parts.__setitem__("word/media/bomb.bin", bytes(3 << 20)),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_a_template_is_refused_before_it_is_parsed(
        run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        case: str) -> None:
    from overens_docs._load import package  # noqa: PLC0415

    monkeypatch.setattr(package, "MAX_PART_BYTES", 1 << 20)
    template = variant(tmp_path / "mall.docx", UNREADABLE[case])
    result = run_cli("template", "check", template, "--format", "json")
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["template-unreadable"]
    with pytest.raises(TemplateError) as refused:
        _rendered(template)
    assert refused.value.rule == "template-unreadable"


def _with_macros(parts: Parts) -> None:
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 a VBA project"
    parts["word/vbaData.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?><wne:vbaSuppData '
                                 b'xmlns:wne="http://schemas.microsoft.com/office/word/2006/'
                                 b'wordml"/>')
    parts["word/_rels/vbaProject.bin.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.microsoft.com/office/2006/relationships/wordVbaData" Target="vbaData.xml"/>'
        b"</Relationships>")
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/'
        b'office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"XX").replace(
        b'ContentType="application/vnd.openxmlformats-officedocument.XX"',
        b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"').replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
        b'vbaProject"/><Override PartName="/word/vbaData.xml" ContentType="application/vnd.'
        b'ms-word.vbaData+xml"/></Types>')


def test_macros_are_a_warning_and_left_out_of_what_is_rendered(
        run_cli: RunCli, tmp_path: Path) -> None:
    template = variant(tmp_path / "mall.docm", _with_macros)
    assert b"macroEnabled" in zipfile.ZipFile(template).read("[Content_Types].xml")
    result = run_cli("template", "check", template, "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("template-macros", "warning")]
    assert "vbaProject.bin" in findings[0]["message"]
    rendered = zipfile.ZipFile(io.BytesIO(_rendered(template)))
    assert not [name for name in rendered.namelist() if "vba" in name.lower()]
    assert b"macroEnabled" not in rendered.read("[Content_Types].xml")
    assert b"vba" not in rendered.read("word/_rels/document.xml.rels").lower()


# --- the signature section ---------------------------------------------------------------

def _signature_loop(old: bytes, new: bytes) -> Callable[[Parts], None]:
    return _replace("word/document.xml", re.escape(old), new)


SIGNATURE = {
    "no loop": _signature_loop(b"{%p for organisation in organisations %}",
                               b"{%p for organisation in [] %}"),
    "no name": lambda parts: parts.__setitem__("word/document.xml", parts[
        "word/document.xml"].replace(b"{{ organisation.name }}", b"{{ organisation.id }}")),
    "no fingerprint": lambda parts: parts.__setitem__("word/document.xml", re.sub(
        rb"(for organisation in organisations.*)\{\{ agreement\.text_fingerprint \}\}",
        rb"\1{{ agreement.title }}", parts["word/document.xml"], flags=re.S)),
}


@pytest.mark.parametrize("case", sorted(SIGNATURE))
def test_a_template_without_its_signature_section_says_so(
        run_cli: RunCli, tmp_path: Path, case: str) -> None:
    template = variant(tmp_path / "mall.docx", SIGNATURE[case])
    result = run_cli("template", "check", template, "--format", "json")
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert rules == ["template-signature"], result.stdout


@pytest.mark.parametrize("case", ["no loop", "no fingerprint"])
def test_a_build_refuses_a_template_without_its_signature_section(
        run_cli: RunCli, orebro_copy: Path, tmp_path: Path, case: str) -> None:
    variant(orebro_copy / "mall.docx", SIGNATURE[case])
    agreement = orebro_copy / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8")
                         + "template:\n  document: mall.docx\n", encoding="utf-8")
    result = run_cli("build", orebro_copy, "--out", tmp_path / "out", "--format", "json")
    assert result.exit_code == 3
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["template-signature"]
    assert not (tmp_path / "out" / "orebro").exists()

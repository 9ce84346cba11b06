"""Stage: a Word template checked before anything is rendered with it
(``overens template check``).

Every finding names a place a person can find in Word: the part (body, header, footer),
the paragraph's number in it, and that paragraph's first words. The body and each header
and footer are read twice: as Word's paragraphs and runs (tags split across differently
formatted runs, tags left open, ``{%p %}`` not alone), and as the Jinja source docxtpl
makes of them (:mod:`template_names`: names the data lacks, unsafe tags, unclosed blocks).
To tell which paragraph a Jinja line is in, each paragraph is marked with its number
before docxtpl joins the runs, on a line of its own.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE
from docxtpl import DocxTemplate
from lxml import etree

from overens_docs._findings import Finding, Severity, excerpt
from overens_docs._i18n import _
from overens_docs._render.docx import UNREADABLE, open_template, style_ids
from overens_docs._render.docx import sources as template_sources_of
from overens_docs._render.jinja_env import environment
from overens_docs._render.template_file import (
    External,
    TemplateError,
    TemplateFile,
    external_message,
    macros_message,
    read_template,
)
from overens_docs._render.template_names import Problem, name_problems, unbalanced_blocks
from overens_docs._render.template_signature import signature_problems

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PARAGRAPH_START = re.compile(r"<w:p(?=[ >/])")
_MARKER = re.compile(r"<\?overens-paragraph (\d+)\?>")
_DELIMITER = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_PARAGRAPH_OPENER = re.compile(r"\{[{%]p\s")
_INVISIBLE_FORMATTING = {f"{W}lang", f"{W}noProof", f"{W}proofErr", f"{W}rtl"}
# The PDF's headings (tags, bookmarks) come from these styles (templates/default/README.md),
# found by name as Word finds them: "Heading 1", as LibreOffice writes it, is "heading 1".
HEADING_STYLES = ("Title", "heading 1", "heading 2")
_WORDS = 6
_WORDS_LENGTH = 50


@dataclass(frozen=True, slots=True)
class Paragraph:
    number: int  # 1-based, in its part: every paragraph, empty and in tables too, in order
    words: str  # its first words, as Word shows them
    element: Any  # the w:p element


@dataclass(frozen=True, slots=True)
class Part:
    name: str  # word/document.xml, word/header1.xml, ...
    xml: str

    def paragraphs(self) -> list[Paragraph]:
        root = etree.fromstring(self.xml.encode("utf-8"))
        return [Paragraph(number, first_words(_text(element)), element)
                for number, element in enumerate(root.iter(f"{W}p"), start=1)]


def check_template(path: Path, file: str, context: Mapping[str, Any],
                   within: Sequence[Path] = ()) -> list[Finding]:
    """Every problem of the Word template at ``path`` (shown as ``file``) for a render
    with ``context``; a file that is not a Word document is one finding."""
    try:
        read = read_template(path, within)
    except TemplateError as problem:
        return [Finding(file, None, None, "$", problem.rule, Severity.ERROR, str(problem))]
    try:
        document = open_template(path, within)
        parts = list(_parts(document))
    except (TemplateError, *UNREADABLE) as problem:
        if read.external:  # a header or a part that is outside: python-docx cannot follow it
            return _external_findings(file, read.external, [])
        if isinstance(problem, TemplateError):
            return [Finding(file, None, None, "$", problem.rule, Severity.ERROR, str(problem))]
        return [Finding(file, None, None, "$", "template-unreadable", Severity.ERROR, _(
            "{file} is not a Word document (.docx) that can be read ({error}): save it "
            "from Word as 'Word Document (*.docx)'.").format(
                file=excerpt(path.name), error=excerpt(problem, 200)))]
    findings: list[Finding] = []
    every_paragraph = [(part, part.paragraphs()) for part in parts]
    for part, paragraphs in every_paragraph:
        in_paragraphs = _paragraph_findings(file, part, paragraphs)
        in_jinja = _jinja_findings(file, part, paragraphs, document, context)
        if any(finding.rule == "template-leftover" for finding in in_paragraphs):
            # A tag left open is also what Jinja cannot read: say it once, where it is.
            in_jinja = [finding for finding in in_jinja if finding.rule != "template-syntax"]
        findings += in_paragraphs + in_jinja
    findings += _external_findings(file, read.external, every_paragraph)
    findings += _style_findings(file, document, every_paragraph)
    findings += _whole_findings(file, read, document)
    return findings


def _whole_findings(file: str, read: TemplateFile, document: DocxTemplate) -> list[Finding]:
    """What a build requires of the template as a whole (its signature section), and its
    macros."""
    findings = []
    if read.macros:
        findings.append(Finding(file, None, None, "$", "template-macros", Severity.WARNING,
                                macros_message(read.macros)))
    try:
        parsed = [(name, environment().parse(source))
                  for name, source in template_sources_of(document)]
    except jinja2.TemplateSyntaxError:
        return findings  # reported where it is
    findings += [Finding(file, None, None, "$", "template-signature", Severity.ERROR, problem,
                         part="word/document.xml") for problem in signature_problems(parsed)]
    return findings


def _parts(document: DocxTemplate) -> Iterator[Part]:
    """The body, then every header and footer, as docxtpl reads them."""
    yield Part("word/document.xml", document.get_xml())
    for uri in (document.HEADER_URI, document.FOOTER_URI):
        for _key, part in document.get_headers_footers(uri):
            yield Part(str(part.partname).lstrip("/"), document.get_part_xml(part))


def first_words(text: str) -> str:
    words = text.split()
    shown = " ".join(words[:_WORDS])
    if len(shown) > _WORDS_LENGTH:
        shown = shown[:_WORDS_LENGTH].rstrip()
    return excerpt(shown) + ("…" if shown != " ".join(words) else "")


def _own_runs(paragraph: Any) -> list[Any]:
    """The runs of ``paragraph`` itself, not of a paragraph in a text box inside it."""
    return [run for run in paragraph.iter(f"{W}r")
            if next(run.iterancestors(f"{W}p"), None) is paragraph]


def _run_text(run: Any) -> str:
    return "".join((element.text or "") if element.tag == f"{W}t" else " "
                   for element in run.iter(f"{W}t", f"{W}tab", f"{W}br"))


def _text(paragraph: Any) -> str:
    return "".join(_run_text(run) for run in _own_runs(paragraph))


def _formatting(run: Any) -> bytes:
    """A run's visible formatting, comparable between runs."""
    properties = run.find(f"{W}rPr")
    if properties is None:
        return b""
    kept = [child for child in properties if child.tag not in _INVISIBLE_FORMATTING]
    return b"".join(etree.tostring(child, method="c14n") for child in kept)


def _finding(file: str, part: Part, paragraph: Paragraph | None, rule: str, message: str,
             *, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(file, None, None, "$", rule, severity, message, part=part.name,
                   paragraph=paragraph.number if paragraph else None,
                   words=paragraph.words if paragraph else None)


def _paragraph_findings(file: str, part: Part, paragraphs: list[Paragraph]) -> list[Finding]:
    findings = []
    for paragraph in paragraphs:
        runs = [(run, _run_text(run)) for run in _own_runs(paragraph.element)]
        text = "".join(piece for _run, piece in runs)
        findings += [_finding(file, part, paragraph, "template-leftover", message)
                     for message in _open_tags(text)]
        alone = _paragraph_tag(text)
        if alone and text.strip() != text[alone[0]:alone[1]].strip():
            rest = (text[:alone[0]] + text[alone[1]:]).strip()
            findings.append(_finding(file, part, paragraph, "template-leftover", _(
                "'{tag}' must be alone in its paragraph: docxtpl replaces the whole paragraph "
                "with it, so '{rest}' would be lost. Put the tag in a paragraph of its own."
            ).format(tag=excerpt(text[alone[0]:alone[1]]), rest=first_words(rest))))
        findings += [_finding(file, part, paragraph, "template-split-tag", message,
                              severity=Severity.WARNING) for message in _split_tags(runs)]
        if _COMMON_DATE.search(text):
            findings.append(_finding(file, part, paragraph, "template-signing-date", _(
                "'agreement.signing.date' is one date for every organisation, also for those "
                "that do not sign on it. Print 'organisation.signs_on_text' on the "
                "organisation's date line and 'organisation.ceremony_text' on the public "
                "body's (each is empty where the date is to be filled in by hand), and "
                "'organisation.signing_place' for the place."), severity=Severity.WARNING))
    return findings


# A template written before signing occasions: the same signing date on every page.
_COMMON_DATE = re.compile(r"\{[{%][^{}]*agreement\.signing\.date")  # [^{}]: linear


def _open_tags(text: str) -> Iterator[str]:
    """``{{`` without ``}}`` (and the like) in one paragraph's text."""
    opened: str | None = None
    for match in _DELIMITER.finditer(text):
        delimiter = match.group()
        if delimiter in _CLOSER:
            if opened is not None:
                yield _("'{opener}' is not closed before the next tag: add '{closer}'.").format(
                    opener=opened, closer=_CLOSER[opened])
            opened = delimiter
        elif opened is not None and _CLOSER[opened] == delimiter:
            opened = None
        else:
            yield _("'{closer}' closes no tag: remove it, or add the tag's start.").format(
                closer=delimiter)
            opened = None
    if opened is not None:
        yield _("'{opener}' is not closed in this paragraph: add '{closer}' (a tag cannot "
                "go on into the next paragraph).").format(opener=opened,
                                                          closer=_CLOSER[opened])


def _split_tags(runs: list[tuple[Any, str]]) -> Iterator[str]:
    """Tags whose text lies in runs formatted differently: Word split them while editing."""
    starts, offset = [], 0
    for _run, piece in runs:
        starts.append(offset)
        offset += len(piece)
    text = "".join(piece for _run, piece in runs)
    for tag_start, tag_end in tag_spans(text):
        covering = [run for (run, piece), start in zip(runs, starts, strict=True)
                    if piece and start < tag_end and start + len(piece) > tag_start]
        if len({_formatting(run) for run in covering}) > 1:
            yield _("Word has split the tag '{tag}' into {count} pieces formatted "
                    "differently: the result takes the first piece's formatting, and the next "
                    "edit may break the tag. Delete it and type it again in one go.").format(
                        tag=excerpt(text[tag_start:tag_end]), count=len(covering))


def tag_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where each ``{{ … }}``, ``{% … %}`` and ``{# … #}`` is: from its opener to the first
    closer of its kind, as a lazy regular expression would find them, but in one pass: such
    an expression looks for a closer from every opener again, which takes quadratic time
    on a paragraph of thousands of openers and no closer."""
    # Each opener's next place at or after ``position``; -1 when none of it will close.
    following = dict.fromkeys(_CLOSER, -2)
    position = 0
    while True:
        for opener, place in following.items():
            if place != -1 and place < position:
                following[opener] = text.find(opener, position)
        places = [(place, opener) for opener, place in following.items() if place >= 0]
        if not places:
            return
        start, opener = min(places)
        end = text.find(_CLOSER[opener], start + 2)
        if end < 0:  # no closer of its kind anywhere after: no later opener of it closes
            following[opener] = -1
            continue
        yield start, end + 2
        position = end + 2


def _paragraph_tag(text: str) -> tuple[int, int] | None:
    """Where the first ``{%p … %}`` (or ``{{p … }}``) tag of a paragraph is, if any."""
    opener = _PARAGRAPH_OPENER.search(text)
    if opener is None:
        return None
    ends = [end for end in (text.find("}}", opener.end()), text.find("%}", opener.end()))
            if end >= 0]
    return (opener.start(), min(ends) + 2) if ends else None


def _marked(xml: str) -> str:
    """``xml`` with each paragraph's number on a new line before it."""
    numbers = itertools.count(1)
    return _PARAGRAPH_START.sub(
        lambda match: f"\n<?overens-paragraph {next(numbers)}?>{match.group()}", xml)


def _jinja_findings(file: str, part: Part, paragraphs: list[Paragraph],
                    document: DocxTemplate, context: Mapping[str, Any]) -> list[Finding]:
    source = document.patch_xml(_marked(part.xml))
    line_starts = [0]
    while (newline := source.find("\n", line_starts[-1])) >= 0:
        line_starts.append(newline + 1)
    markers = [(match.start(), int(match.group(1))) for match in _MARKER.finditer(source)]
    positions = [position for position, _number in markers]

    def located(problem: Problem) -> Finding:
        start = line_starts[min(problem.line, len(line_starts)) - 1]
        index = bisect.bisect_right(positions, start) - 1
        number = markers[index][1] if index >= 0 else 0
        paragraph = paragraphs[number - 1] if 0 < number <= len(paragraphs) else None
        return _finding(file, part, paragraph, problem.rule, problem.message)

    problems = unbalanced_blocks(source)
    if problems:  # Jinja would only say "unexpected end of template"
        return [located(problem) for problem in problems]
    env = environment()
    try:
        template = env.parse(source)
    except jinja2.TemplateSyntaxError as error:
        return [located(Problem("template-syntax", error.lineno or 1, _(
            "Jinja cannot read the tags here: {error}.").format(
                error=excerpt(error.message or error, 200))))]
    return [located(problem) for problem in name_problems(template, context, env)]


def _external_findings(file: str, outside: Sequence[External],
                       every_paragraph: list[tuple[Part, list[Paragraph]]]) -> list[Finding]:
    """What the template takes from outside itself (see :mod:`template_file`), each at its
    paragraph when it is in the body, a header or a footer: a picture inserted with "Link to
    file" is missing wherever that file is, a field may include another file, and a PDF to
    archive may not link out."""
    paragraphs_of = {part.name: (part, paragraphs) for part, paragraphs in every_paragraph}
    findings = []
    for external in outside:
        part, paragraphs = paragraphs_of.get(external.part, (Part(external.part, ""), []))
        paragraph = next((p for p in paragraphs if _refers_to(p, external)), None)
        findings.append(_finding(file, part, paragraph, "template-external",
                                 external_message(external)))
    return findings


def _refers_to(paragraph: Paragraph, external: External) -> bool:
    """Whether ``paragraph`` holds ``external``: by its relationship's id, or its field."""
    if external.key is not None:
        return any(value == external.key for element in paragraph.element.iter()
                   for name, value in element.items() if name.startswith(_R))
    instructions = "".join(element.text or element.get(f"{W}instr", "") for element in
                           paragraph.element.iter(f"{W}instrText", f"{W}fldSimple"))
    return external.target in instructions


def _style_findings(file: str, document: DocxTemplate,
                    every_paragraph: list[tuple[Part, list[Paragraph]]]) -> list[Finding]:
    """Styles the paragraphs use that the template does not define, and the heading styles
    the PDF's structure needs."""
    try:
        styles_xml = document.docx.part.part_related_by(RELATIONSHIP_TYPE.STYLES).blob
        names = style_ids(styles_xml)
        defined = {style.get(f"{W}styleId")
                   for style in etree.fromstring(styles_xml).iter(f"{W}style")}
    except (KeyError, etree.XMLSyntaxError):
        names, defined = {}, set()
    findings = [Finding(file, None, None, "$", "template-style-missing", Severity.ERROR, _(
        "The template defines no style '{style}': the PDF's headings and bookmarks come from "
        "the styles Title, heading 1 and heading 2. Copy the style from the default template "
        "(overens template new).").format(style=excerpt(style)), part="word/styles.xml")
        for style in HEADING_STYLES if style.casefold() not in names]
    for part, paragraphs in every_paragraph:
        for paragraph in paragraphs:
            used = {element.get(f"{W}val") for element in paragraph.element.iter(
                f"{W}pStyle", f"{W}rStyle")}
            findings += [_finding(file, part, paragraph, "template-style-missing", _(
                "The paragraph uses the style '{style}', which the template does not define: "
                "Word and LibreOffice show it as Normal. Choose a style that exists, or "
                "create '{style}'.").format(style=excerpt(style)))
                for style in sorted(used - defined) if style is not None]
    return findings

"""``overens diff``: validate two versions of an agreement, compare them, say who must sign
again, and (asked for) write the jämförelsedokument as Word with tracked changes and PDF.

Either version may be an agreement folder or its ``agreement.yaml``. A folder without an
organisation list is checked as its ``agreement.yaml`` alone: the register is optional,
and only the new version's is used (for who must sign again).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._build.output import as_usual
from overens_docs._domain import Agreement, Organisation
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._domain.template_files import document_template, template_folders
from overens_docs._errors import UsageError
from overens_docs._findings import Report
from overens_docs._i18n import _
from overens_docs._package_data import data_dir
from overens_docs._pdf.convert import convert
from overens_docs._read import read_target
from overens_docs._render.context import agreement_context
from overens_docs._render.docx import CoreProperties, DocumentTemplate, style_ids
from overens_docs._reproducible import build_date, normalise_pdf, zip_info
from overens_docs._revise.compare import compare
from overens_docs._revise.redline import DOCUMENT, headed, tracked_docx
from overens_docs._revise.review import marked_up
from overens_docs._revise.summary import Revision, must_sign_again
from overens_docs._scratch import Scratch, sweep
from overens_docs._targets import AGREEMENT_FILE, ORGANISATION_FILES, Target, display

DOCX_NAME = "jamforelsedokument.docx"
PDF_NAME = "jamforelsedokument.pdf"
# Swedish, as the documents are, whatever the language of the messages.
HEADING = "Jämförelsedokument"
INTRODUCTION = ("Ändringar i {title} från versionen med fingeravtrycket {old} till versionen "
                "med fingeravtrycket {new}. Tillagd text är understruken, borttagen text "
                "överstruken.")


@dataclass
class DiffResult:
    """Every finding of validating both versions; the revision when both are valid."""

    report: Report
    revision: Revision | None = None
    old: Agreement | None = None
    new: Agreement | None = None
    written: list[Path] = field(default_factory=list)


def _target(path: Path) -> Target:
    if path.is_file():
        if path.suffix.lower() not in (".yaml", ".yml") or "organisations" in path.name:
            raise UsageError(_("{path}: diff compares agreements: give an agreement folder or "
                               "its {file}.").format(path=path, file=AGREEMENT_FILE))
        return Target(path.parent, only=path)
    if path.is_dir() and (path / AGREEMENT_FILE).is_file():
        if any((path / name).is_file() for name in ORGANISATION_FILES):
            return Target(path)
        return Target(path, only=path / AGREEMENT_FILE)
    raise UsageError(_("{path}: no such agreement folder or {file}.").format(
        path=path, file=AGREEMENT_FILE))


def _read(path: Path, report: Report) -> tuple[Agreement | None, tuple[Organisation, ...]]:
    read = read_target(_target(path))
    report.extend(read.findings)
    report.files.extend(read.files)
    if not read.valid or read.agreement is None:
        return None, ()
    return read.agreement, read.organisations or ()


def diff(old: Path, new: Path) -> DiffResult:
    """Validate ``old`` and ``new`` and compare them; invalid input gives findings only."""
    result = DiffResult(Report())
    result.old, _old_organisations = _read(old, result.report)
    result.new, organisations = _read(new, result.report)
    if result.old is None or result.new is None or result.report.fails():
        return result
    comparison = compare(result.old, result.new)
    names = {party.id: party.name for party in (*result.old.parties, *result.new.parties)}
    result.revision = Revision(str(old), str(new), comparison, names,
                               tuple(must_sign_again(comparison, organisations)))
    return result


def render_version(agreement: Agreement, template: Path,
                   core: CoreProperties | None = None) -> bytes:
    """``agreement`` through ``template`` as ``agreement.docx`` is built: text, no
    organisations, dated as its build is."""
    when = build_date(agreement.signing.date, agreement.adoption.date)
    return DocumentTemplate(template, agreement_context(agreement),
                            core or CoreProperties.of(agreement), when,
                            template_folders(agreement.folder)).render([], include_text=True)


def write_comparison(old: Agreement, new: Agreement, out: Path, *,
                     timeout: float | None = None) -> list[Path]:
    """Write ``jamforelsedokument.docx`` (tracked changes) and ``.pdf`` (the changes as
    underlining and strike-through) into ``out``; both versions through the new one's
    template. Raises :class:`~overens_docs.OverensError` when LibreOffice fails.

    The document says what it is: its title (and the PDF's) is the agreement's with
    "– jämförelsedokument", and a heading and a sentence naming both versions by their
    fingerprints stand before the text. The fingerprint at the end of the text is
    replaced whole, the old struck out and the new one apart from it."""
    check_out(out, inputs=(old.folder, new.folder, data_dir("templates")))
    template = document_template(new.folder, new.template.document)  # as a build does
    when = build_date(new.signing.date, new.adoption.date)
    before, after = (short_form(text_fingerprint(version)) for version in (old, new))
    core = CoreProperties.of(new, title=f"{new.title} – {HEADING.lower()}")
    tracked = _headed(tracked_docx(render_version(old, template),
                                   render_version(new, template, core), when, whole=(before,)),
                      INTRODUCTION.format(title=new.title, old=before, new=after))
    out.mkdir(parents=True, exist_ok=True)
    sweep(out)  # what a killed diff left
    # Both files are made in a folder of ours inside ``out`` and renamed into place only
    # when both are whole: a failed run leaves the previous pair as it was.
    with Scratch.make(out, ".overens-diff-") as scratch:
        made = scratch.path / DOCX_NAME
        made.write_bytes(tracked)
        printable = scratch.path / "printable" / DOCX_NAME
        printable.parent.mkdir()
        printable.write_bytes(_printable(tracked))
        [pdf] = convert([printable], printable.parent, timeout=timeout)
        normalise_pdf(pdf, when)
        written = [out / DOCX_NAME, out / PDF_NAME]
        for source, target in zip((made, pdf), written, strict=True):
            as_usual(source, folder=False)
            source.replace(target)
    return written


def check_out(out: Path, *, inputs: tuple[Path, ...]) -> None:
    """Refuse (with :class:`UsageError`, before anything is written) an ``--out`` folder
    that is an input folder or lies inside one: the jämförelsedokument would land among
    the agreement's own files (and the next build or diff would find it there) or among
    the templates. A folder that merely holds the inputs further down is fine: diff writes
    two files of its own names into it and replaces nothing else."""
    resolved = out.resolve()
    if resolved.exists() and not resolved.is_dir():
        raise UsageError(_("{path} is a file, not a folder: --out names the folder the "
                           "jämförelsedokument is written into.").format(path=display(out)))
    for folder in inputs:
        if resolved.is_relative_to(folder.resolve()):
            raise UsageError(
                _("{out}: writing there would put the jämförelsedokument among the inputs "
                  "in {folder}. Choose another --out folder.").format(
                    out=display(out), folder=display(folder)))


def _headed(docx: bytes, introduction: str) -> bytes:
    """``docx`` with the heading and ``introduction`` before its text, in its Title style."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(buffer, "w") as out:
        title = style_ids(source.read("word/styles.xml")).get("title") \
            if "word/styles.xml" in source.namelist() else None
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == DOCUMENT:
                data = headed(data, HEADING, introduction, title)
            out.writestr(zip_info(item.filename, item.date_time), data)
    return buffer.getvalue()


def _printable(tracked: bytes) -> bytes:
    """The tracked .docx with its revisions shown as formatting: LibreOffice prints tracked
    changes in the author's colour (a pale yellow here), which fades in black and white."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(tracked)) as source, zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == DOCUMENT:
                data = marked_up(data)
            out.writestr(zip_info(item.filename, item.date_time), data)
    return buffer.getvalue()

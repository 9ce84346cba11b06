"""The build workflow: validate, render, convert, assemble, verify, and move into place.

For an agreement with N organisations LibreOffice runs twice, whatever N is: once for the
agreement text (the published ``agreement.pdf`` and a master with one signature page,
whose text pages every organisation's PDF reuses) and once for all signature pages
together (split over the CPU cores, each process starting from a copy of the first one's
profile). Each organisation's PDF is then the master's text pages plus its own signature
page, put together by pikepdf (assemble.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from overens_docs import model, verify
from overens_docs.assemble import Assembler, page_count
from overens_docs.convert import PAGES_FILTER, Conversion, convert_parallel
from overens_docs.errors import OverensError, UsageError
from overens_docs.findings import Finding, Report, Severity
from overens_docs.output import FileRecord, Manifest, swap_into_place
from overens_docs.render.docx import (
    PAGE_NUMBER_PLACEHOLDER,
    CoreProperties,
    Personaliser,
    TemplateError,
    fill_page_number,
    render,
)
from overens_docs.resources import data_dir
from overens_docs.sources import display
from overens_docs.validate import CheckedAgreement, validate_paths

DEFAULT_TEMPLATE = "default/agreement.docx"
TEMPLATE_FONTS = ("Liberation Serif", "Liberation Sans")
# Below this many organisations one LibreOffice process is quicker than starting two.
_PARALLEL_FROM = 40


@dataclass
class BuildResult:
    report: Report
    folders: list[Path] = field(default_factory=list)
    build_failed: bool = False


@dataclass
class _Job:
    """One agreement being built."""

    checked: CheckedAgreement
    destination: Path
    agreement: dict[str, Any]
    organisations: list[model.Organisation]
    template: Path
    form: Path | None
    findings: list[Finding] = field(default_factory=list)
    # False with --only: then only that organisation's files are written and merged in.
    complete: bool = True

    @property
    def organisations_file(self) -> str:
        loaded = self.checked.organisations
        return loaded.source.file if loaded else ""

    def context(self, organisations: list[dict[str, Any]], *, include_text: bool,
                signature_page_number: int = 0) -> dict[str, Any]:
        return model.render_context(self.agreement, organisations, include_text=include_text,
                                    signature_page_number=signature_page_number)

    @property
    def core(self) -> CoreProperties:
        public_body = self.agreement["public_body"]["name"]
        return CoreProperties(
            title=self.agreement["title"],
            subject=f"Överenskommelse mellan {public_body} och idéburna organisationer",
            author=public_body)

    def error(self, rule: str, message: str, organisation: model.Organisation | None = None,
              ) -> None:
        file, line = (self.organisations_file, organisation.line) if organisation else (
            display(self.template), None)
        self.findings.append(Finding(file, line, None, "$", rule, Severity.ERROR, message))


def build(paths: Iterable[Path], *, out: Path = Path("build"), only: str | None = None,
          progress: bool | None = None) -> BuildResult:
    """Validate, then build every agreement the paths name into ``out/<agreement id>/``."""
    report, checked_all = validate_paths(paths)
    result = BuildResult(report)
    if report.fails():
        return result
    show_progress = sys.stderr.isatty() if progress is None else progress
    for checked in checked_all:
        if checked.target.only is not None:
            raise UsageError(f"{checked.target.only}: build takes agreement folders, not files.")
        job = _prepare(checked, out, only)
        _build(job, show_progress)
        report.extend(job.findings)
        if any(f.severity is Severity.ERROR for f in job.findings):
            result.build_failed = True
        else:
            result.folders.append(job.destination)
    return result


def _prepare(checked: CheckedAgreement, out: Path, only: str | None) -> _Job:
    assert checked.agreement is not None and checked.organisations is not None  # noqa: S101
    source = checked.organisations.source
    rows = checked.organisations.data["organisations"]
    lines = [source.locate(("organisations", index))[0] for index in range(len(rows))]
    organisations = model.organisations(checked.organisations.data, lines)
    if only is not None:
        organisations = [o for o in organisations if o.id == only]
        if not organisations:
            raise UsageError(f"{checked.target.folder}: no organisation has the id '{only}'.")
    data = checked.agreement.data
    templates = data_dir("templates")
    chosen = data.get("template") or {}
    form = chosen.get("signature_form")
    return _Job(checked, out / checked.target.agreement_id, model.agreement_context(data),
                organisations, templates / chosen.get("document", DEFAULT_TEMPLATE),
                templates / form if form else None, complete=only is None)


def _build(job: _Job, show_progress: bool) -> None:
    for path in (job.template, job.form):
        if path is not None and not path.is_file():
            job.error("template-missing", f"The template {display(path)} does not exist.")
            return
    job.destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".overens-work-", dir=job.destination.parent) as work:
        staging = Path(tempfile.mkdtemp(prefix=f".{job.destination.name}.staging-",
                                        dir=job.destination.parent))
        try:
            manifest = _render_and_assemble(job, Path(work), staging, show_progress)
            if manifest is None:
                return
            if not job.complete:
                _move_files(staging, job.destination)  # --only: update in place
                manifest.merge_into(job.destination / "manifest.json")
            else:
                manifest.write(staging / "manifest.json")
                swap_into_place(staging, job.destination)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _write_staged(path: Path, data: bytes) -> None:
    """Write into the staging folder, which is moved into place only when whole, so a
    temporary name per file would be work done twice; a failed write leaves nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.write_bytes(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _move_files(staging: Path, destination: Path) -> None:
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = destination / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)


def _render_and_assemble(job: _Job, work: Path, staging: Path, show_progress: bool,
                         ) -> Manifest | None:
    manifest = Manifest(job.destination.name)

    def render_with(organisations: list[dict[str, Any]], **options: Any) -> bytes:
        return render(job.template, job.context(organisations, **options), job.core)

    try:
        published = render_with([], include_text=True)
        personaliser = Personaliser(lambda org: render_with([org], include_text=True))
        master = personaliser.master_document(with_number=True)
    except TemplateError as problem:
        job.error(problem.rule, f"{display(job.template)}: {problem}")
        return None

    (work / "agreement.docx").write_bytes(published)
    (work / "master.docx").write_bytes(master)
    profile = work / "libreoffice-profile"
    # LibreOffice converts the text in its own process. Meanwhile another process writes
    # every organisation's .docx, which needs nothing from the conversion (forked once the
    # fast way of writing them is proven), and this one renders the signature batches
    # (their page number is filled in once the text's length is known).
    with contextlib.ExitStack() as stack:
        text = stack.enter_context(Conversion(
            [work / "agreement.docx", work / "master.docx"], work, profile=profile))
        try:
            personaliser.prove(job.organisations)
        except TemplateError as problem:
            job.error(problem.rule, f"{display(job.template)}: {problem}")
            return None
        docx = stack.enter_context(_DocxWriter(job, staging, personaliser))
        batches = _signature_batches(job, render_with)
        agreement_pdf, master_pdf = text.wait()
        if not _text_fit_to_archive(job, agreement_pdf, master_pdf):
            return None
        if job.complete:
            agreement_bytes = agreement_pdf.read_bytes()
            _write_staged(staging / "agreement.docx", published)
            manifest.add("agreement.docx", published, kind="agreement-docx", pages=None)
            _write_staged(staging / "agreement.pdf", agreement_bytes)
            manifest.add("agreement.pdf", agreement_bytes, kind="agreement-pdf",
                         pages=page_count(agreement_pdf))
        assembler = _signature_pages(job, work, batches, master_pdf, profile)
        if assembler is None:
            return None
        _write_organisations(job, staging, manifest, docx, assembler,
                             show_progress=show_progress)
    if any(f.severity is Severity.ERROR for f in job.findings):
        return None
    return manifest


def _text_fit_to_archive(job: _Job, agreement_pdf: Path, master_pdf: Path) -> bool:
    for pdf in (agreement_pdf, master_pdf):
        for issue in verify.problems(pdf):
            job.error("pdf-archival", f"LibreOffice's {pdf.name} is not fit to archive: {issue}.")
    missing_fonts = verify.expected_fonts_missing(agreement_pdf, TEMPLATE_FONTS)
    if missing_fonts:
        job.error("pdf-fonts", f"The fonts {', '.join(missing_fonts)} are not installed, so "
                  "LibreOffice replaced them. Install fonts-liberation2.")
    return not job.findings


def _signature_pages(job: _Job, work: Path, batches: list[_Batch], master_pdf: Path,
                     profile: Path) -> Assembler | None:
    """Every organisation's signature page as PDF, ready to assemble; None on findings."""
    text_pages = page_count(master_pdf) - 1
    if job.form is not None:
        signature_pdfs = _form_signature_pages(job, work, text_pages + 1)
    else:
        signature_pdfs = _convert_signature_batches(job, work, batches, text_pages + 1,
                                                    profile)
    if signature_pdfs is None:
        return None
    assembler = Assembler(master_pdf, text_pages, signature_pdfs)
    if job.form is None and not _signature_pages_fit(job, batches, assembler):
        return None
    return assembler


_Batch = tuple[list[model.Organisation], bytes]


def _signature_batches(job: _Job, render_with: Callable[..., bytes]) -> list[_Batch]:
    """The signature pages as one .docx per CPU core, their page number still a placeholder."""
    organisations = job.organisations
    if job.form is not None or not organisations:
        return []
    parts = 2 if len(organisations) >= _PARALLEL_FROM and (os.cpu_count() or 1) > 1 else 1
    size = -(-len(organisations) // parts)
    chunks = [organisations[start:start + size] for start in range(0, len(organisations), size)]
    return [(chunk, render_with([o.context() for o in chunk], include_text=False,
                                signature_page_number=PAGE_NUMBER_PLACEHOLDER))
            for chunk in chunks]


def _convert_signature_batches(job: _Job, work: Path, batches: list[_Batch],
                               page_number: int, profile: Path) -> list[Path]:
    documents = []
    for index, (_, document) in enumerate(batches):
        path = work / f"signatures-{index}.docx"
        path.write_bytes(fill_page_number(document, page_number))
        documents.append([path])
    return [batch[0] for batch in convert_parallel(documents, work, pdf_filter=PAGES_FILTER,
                                                   seed_profile=profile)]


def _signature_pages_fit(job: _Job, batches: list[_Batch], assembler: Assembler) -> bool:
    """Whether LibreOffice made one signature page per organisation, with embedded fonts
    (the batches are not exported as PDF/A, which would have insisted on it)."""
    for (chunk, _), document, pages in zip(batches, assembler.signatures,
                                           assembler.signature_counts, strict=True):
        if pages != len(chunk):
            job.error("signature-page-overflow",
                      f"{len(chunk)} signature pages came out as {pages} pages: one of "
                      f"{chunk[0].name!r} … {chunk[-1].name!r} does not fit on one page.")
            return False
        for issue in verify.page_problems(document):
            job.error("pdf-archival", f"LibreOffice's signature pages are not fit to archive: "
                      f"{issue}.")
            return False
    return True


def _form_signature_pages(job: _Job, work: Path, page_number: int) -> list[Path] | None:
    from overens_docs.render.pdf_form import SignatureForm  # noqa: PLC0415

    assert job.form is not None  # noqa: S101
    form = SignatureForm(job.form)
    missing = form.missing_fields()
    if missing:
        job.error("template-form-fields",
                  f"The form {display(job.form)} lacks the fields {', '.join(missing)}.")
        return None
    agreement = job.agreement
    signatory = model.render_context(agreement, [], include_text=True)["public_signatory"]
    filled = []
    for index, organisation in enumerate(job.organisations):
        values = {
            "title": agreement["title"], "public_body": agreement["public_body"]["name"],
            "signatory_name": signatory["name"] or "", "signatory_title": signatory["title"],
            "org_name": organisation.name, "org_number": organisation.org_number or "",
            "representative": organisation.representative,
            "representative_title": organisation.representative_title,
            "page_label": f"sida {page_number} av {page_number}",
        }
        try:
            data = form.fill(values)
        except OverensError as error:
            job.error("template-form-characters", f"{organisation.name}: {error}", organisation)
            continue
        path = work / f"form-{index}.pdf"  # one-page signature files, in list order
        path.write_bytes(data)
        filled.append(path)
    return None if job.findings else filled


# --- each organisation's two files, spread over processes --------------------------------

# Set before the worker processes fork, so they inherit it instead of receiving it pickled.
_worker: dict[str, Any] = {}
_Result = tuple[int, "FileRecord | None", str]  # organisation index, its file, error message


def _parallel(count: int) -> bool:
    return count >= _PARALLEL_FROM and (os.cpu_count() or 1) > 1


def _fork_pool(workers: int, **options: Any) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               **options)


def _write_file(index: int, kind: str,
                make: Callable[[model.Organisation], tuple[bytes, int | None]]) -> _Result:
    organisation: model.Organisation = _worker["organisations"][index]
    relative = f"organisations/{organisation.file_stem}.{kind}"
    try:
        data, pages = make(organisation)
        _write_staged(_worker["staging"] / relative, data)
    except Exception as error:  # noqa: BLE001 -- reported by organisation, never swallowed
        return index, None, f"{type(error).__name__}: {error}"
    return index, FileRecord.of(relative, data, kind=f"organisation-{kind}", pages=pages,
                                organisation=organisation.id), ""


def _organisation_docx(index: int) -> _Result:
    return _write_file(index, "docx", lambda o: (_worker["personaliser"].document(o), None))


def _organisation_pdf(task: tuple[int, int, int]) -> _Result:
    index, pdf_index, page_index = task
    return _write_file(index, "pdf", lambda o: _worker["assembler"].organisation_pdf(
        pdf_index, page_index, o.id))


def _init_worker(master: str, text_pages: int, signature_pdfs: Sequence[str]) -> None:
    # Each process opens the PDFs itself: an inherited open file would share its read
    # position with the parent.
    _worker["assembler"] = Assembler(Path(master), text_pages,
                                     [Path(path) for path in signature_pdfs])


def _background() -> None:
    # Lower priority: LibreOffice and the signature batches are on the critical path; the
    # .docx files have until the signature pages are converted, seconds later.
    os.nice(10)


class _DocxWriter:
    """Writes every organisation's .docx: in a forked process for a long list (started at
    once, collected by :meth:`results`), else in this one when asked."""

    def __init__(self, job: _Job, staging: Path, personaliser: Personaliser) -> None:
        (staging / "organisations").mkdir(parents=True, exist_ok=True)
        _worker.update(organisations=job.organisations, staging=staging,
                       personaliser=personaliser)
        count = len(job.organisations)
        self._pool: ProcessPoolExecutor | None = None
        self._pending: Iterable[_Result] = ()
        if _parallel(count):
            self._pool = _fork_pool(1, initializer=_background)
            self._pending = self._pool.map(_organisation_docx, range(count), chunksize=50)
        else:
            self._pending = map(_organisation_docx, range(count))

    def __enter__(self) -> _DocxWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._close()
        _worker.clear()

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def results(self) -> list[_Result]:
        """Every organisation's result, in list order. The process is gone afterwards, with
        its pool's thread, so that other processes can be forked safely."""
        results = list(self._pending)
        self._close()
        return results


def _write_organisations(job: _Job, staging: Path, manifest: Manifest, docx: _DocxWriter,
                         assembler: Assembler, *, show_progress: bool) -> None:
    tasks = [(position, pdf_index, page_index) for position, (pdf_index, page_index) in
             enumerate((pdf_index, page_index)
                       for pdf_index, count in enumerate(assembler.signature_counts)
                       for page_index in range(count))]
    documents = docx.results()  # long done by now: they were written during the conversions
    progress = _progress(len(tasks), show_progress)
    ceremony: tuple[bytes, int] | None = None
    if _parallel(len(tasks)):
        init_args = (assembler.master.filename, assembler.text_pages,
                     [document.filename for document in assembler.signatures])
        with _fork_pool(min(2, os.cpu_count() or 1), initializer=_init_worker,
                        initargs=init_args) as pool:
            pending = pool.map(_organisation_pdf, tasks, chunksize=25)
            if job.complete:  # made here while the workers make the organisations' files
                ceremony = assembler.signature_pages_pdf()
            pdfs = list(progress(pending))
    else:
        _worker["assembler"] = assembler
        pdfs = list(progress(map(_organisation_pdf, tasks)))
    for (index, docx_record, docx_error), (_, pdf_record, pdf_error) in zip(
            documents, pdfs, strict=True):
        records = [record for record in (docx_record, pdf_record) if record is not None]
        if docx_error or pdf_error:
            organisation = job.organisations[index]
            job.error("build-organisation-failed",
                      f"The documents for {organisation.name} could not be made: "
                      f"{docx_error or pdf_error}", organisation)
            for record in records:  # neither file of it, rather than half its documents
                (staging / record.path).unlink(missing_ok=True)
            continue
        for record in records:
            manifest.record(record)
    if job.complete:
        data, pages = ceremony or assembler.signature_pages_pdf()
        _write_staged(staging / "signature-pages.pdf", data)
        manifest.add("signature-pages.pdf", data, kind="signature-pages-pdf", pages=pages)


def _progress(total: int, show: bool) -> Callable[[Iterable[Any]], Iterable[Any]]:
    if not show or total < 10:
        return lambda items: items
    from tqdm import tqdm  # noqa: PLC0415

    return lambda items: tqdm(items, total=total, desc="Signaturklara PDF:er", unit="st",
                              file=sys.stderr)

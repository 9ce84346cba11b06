"""Stage: assembly, batch by batch, as LibreOffice delivers them.

For each batch of signature pages, in order, once it is converted: it is checked (one page
per organisation), its pages are written into the ceremony file
(:class:`~overens_docs._pdf.ceremony.CeremonyFile`, which checks each as it is delivered),
and the worker processes are given its organisations' PDFs to make, in runs of
:data:`~overens_docs._pdf.assemble.COPIES_PER_BASE`, with what the ceremony file found in
those pages' content (parsed once). This process holds one batch at a time, and each
worker opens the batch of the run it is given; so memory depends on the size of a batch,
not on the number of organisations, and the workers make copies of one batch while
LibreOffice converts the next.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from overens_docs._build import ceremony, signature_pages
from overens_docs._build.manifest import FileRecord
from overens_docs._build.organisation_files import Copy, Made, PdfJob, write_pdf
from overens_docs._build.plan import Plan
from overens_docs._build.problems import StageFailed, in_template
from overens_docs._build.stages import Copies, Text, check_delivered
from overens_docs._domain import Organisation
from overens_docs._i18n import _
from overens_docs._pdf.assemble import COPIES_PER_BASE, AssemblyError, Batch, whole_pdf
from overens_docs._pdf.ceremony import CeremonyFile, PageCountError
from overens_docs._pdf.check import (
    DeliveredFile,
    KnownContent,
    archival_problems,
    catalog_problems,
)
from overens_docs._pdf.master import Master

Notify = Callable[[str], None]
_EARLIER_PAGES = 2000  # pages of an earlier ceremony file read at a time (--only)


@dataclass(frozen=True, slots=True)
class Assembled:
    """Every organisation's PDF (written into staging, or why not) and the ceremony file
    (written into staging)."""

    made: list[Made]
    ceremony: FileRecord | None  # None: this build makes no ceremony file
    # The raw digest of each signature page in the ceremony file, page numbers left out
    # (see CeremonyFile.page_digests); None: no ceremony file of signature pages.
    signature_pages: list[str] | None = None


class _Jobs:
    """The copies given to the workers: a batch's at a time (so that a worker opens each
    batch it makes copies from once), or :data:`COPIES_PER_BASE` of one-page batches (the
    filled forms). The last of ``batches`` batches is shared out among the workers (each
    opens it), so that the build does not end with one worker making a whole batch while
    the others wait. Each copy knows its place among all copies (see COPIES_PER_BASE)."""

    def __init__(self, copies: Copies, text_pages: int, batches: int) -> None:
        self._pool, self._text_pages = copies.pool, text_pages
        self._waiting: list[Copy] = []
        self._count = 0
        self._left = batches
        self.results: list[Callable[[], list[Made]]] = []

    def add(self, batch: Batch, organisations: Sequence[Organisation],
            known: Sequence[KnownContent]) -> None:
        for page, organisation in enumerate(organisations):
            self._waiting.append(Copy(organisation, batch, page, self._count,
                                      known[page] if page < len(known) else {}))
            self._count += 1
        self._left -= 1
        if len(organisations) > 1 or len(self._waiting) >= COPIES_PER_BASE:
            self._submit(self._pool.workers if self._left == 0 else 1)

    def finish(self) -> None:
        if self._waiting:
            self._submit(1)

    def _submit(self, parts: int) -> None:
        """Give the waiting copies to the workers in ``parts`` runs, each starting where a
        base starts (so that the copies' bytes do not depend on how they were shared)."""
        run, self._waiting = tuple(self._waiting), []
        size = -(-len(run) // max(1, parts))
        starts = [0]
        for index in range(1, len(run)):
            if run[index].sequence % COPIES_PER_BASE == 0 and index - starts[-1] >= size:
                starts.append(index)
        for start, end in zip(starts, [*starts[1:], len(run)], strict=True):
            self.results.append(self._pool.submit(write_pdf,
                                                  PdfJob(run[start:end], self._text_pages)))


def assemble(plan: Plan, staging: Path, text: Text, copies: Copies,
             pipeline: signature_pages.SignaturePipeline, *, numbered: bool, work: Path,
             progress: bool, notify: Notify | None,
             then: Callable[[], None] | None = None) -> Assembled:
    """Every organisation's PDF, made by the workers, and the ceremony file (when this
    build makes one: see :func:`ceremony.made`), made here meanwhile (see the module's
    docstring). ``then`` is called once every batch is converted and given to the workers,
    before their copies are collected."""
    master = _master(plan, text, numbered, notify)
    jobs = _Jobs(copies, text.pages,
                 len(plan.organisations) if plan.form is not None
                 else sum(1 for chunk in pipeline.chunks if chunk))
    path = staging / ceremony.FILE
    record, digests = None, None
    try:
        if not ceremony.made(plan):
            for batch, organisations in _batches(plan, pipeline, work):
                jobs.add(batch, organisations, [])
        elif plan.signature_list is None:
            digests = _ceremony_file(plan, master, pipeline, jobs, path=path, work=work)
            record = _record(path, len(digests))
        else:
            for batch, organisations in _batches(plan, pipeline, work):
                jobs.add(batch, organisations, [])
            record = _record(path, _list_file(plan, master, pipeline, path))
        jobs.finish()
        if record is not None:
            _check_written(plan, path, record.pages or 0)
    finally:
        master.close()
    if then is not None:
        then()
    made = list(_made(jobs.results, len(plan.organisations), progress))
    return Assembled(made, record, digests)


def _master(plan: Plan, text: Text, numbered: bool, notify: Notify | None) -> Master:
    try:
        master = Master(text.master, text.pages, page_numbers=numbered)
    except AssemblyError as error:
        raise StageFailed([in_template(plan.template, "pdf-archival", _(
            "LibreOffice's signature pages cannot be used: {error}.").format(
                error=error))]) from error
    if master.unnumbered is not None and notify is not None:
        notify(_("The signature pages carry no page number: {reason}.").format(
            reason=master.unnumbered))
    return master


def _batches(plan: Plan, pipeline: signature_pages.SignaturePipeline, work: Path,
             ) -> Iterator[tuple[Batch, tuple[Organisation, ...]]]:
    """Each batch of signature pages as it comes, checked, and its organisations."""
    for batch, organisations, converted in _unchecked(plan, pipeline, work):
        if converted is not None:
            signature_pages.check_batch(converted, plan)
        yield batch, organisations


def _unchecked(plan: Plan, pipeline: signature_pages.SignaturePipeline, work: Path,
               ) -> Iterator[tuple[Batch, tuple[Organisation, ...],
                                   signature_pages.Converted | None]]:
    """Each batch as it comes, its organisations, and LibreOffice's batch, not yet checked
    to hold one page per organisation (None: a filled form, one page by making)."""
    salt = "" if plan.complete else f"{plan.organisations[0].id}:"
    if plan.form is not None:
        forms = signature_pages.fill_forms(plan.form, plan.agreement, plan.organisations, work)
        for index, (path, organisation) in enumerate(zip(forms, plan.organisations,
                                                         strict=True)):
            yield Batch(path, f"{salt}{index}"), (organisation,), None
        return
    for converted in pipeline.batches():
        yield (Batch(converted.pdf, f"{salt}{converted.index}"), converted.organisations,
               converted)


def _ceremony_file(plan: Plan, master: Master, pipeline: signature_pages.SignaturePipeline,
                   jobs: _Jobs, *, path: Path, work: Path) -> list[str]:
    """signature-pages.pdf as the pages of the organisations it is for (plan.ceremony), in
    list order, written as the batches come; with --only, the earlier one with this
    organisation's page replaced, or inserted where it belongs. Returns its pages' raw
    digests (see :attr:`CeremonyFile.page_digests`), one per page."""
    on_file = plan.ceremony
    assert on_file is not None  # noqa: S101 -- see ceremony.made()
    wanted = set(on_file.ids)
    earlier, before, after = _earlier(plan)
    with path.open("wb") as out:
        writer = CeremonyFile(out, master, len(on_file.ids),
                              title=f"{plan.agreement.title} – underskriftssidor")
        _add_earlier(plan, writer, earlier, before)
        for batch, organisations, converted in _unchecked(plan, pipeline, work):
            pages = [page for page, organisation in enumerate(organisations)
                     if organisation.id in wanted]
            found = _add_batch(plan, writer, batch, organisations, pages,
                               converted=converted)
            check_delivered(plan, ceremony.FILE, found)
            known = dict(zip(pages, writer.page_known if pages else [], strict=True))
            jobs.add(batch, organisations, [known.get(page, {})
                                            for page in range(len(organisations))])
        _add_earlier(plan, writer, earlier, after)
        written = writer.finish()
        assert written == len(writer.page_digests)  # noqa: S101 -- one each, as written
        return writer.page_digests


def _add_batch(plan: Plan, writer: CeremonyFile, batch: Batch,
               organisations: tuple[Organisation, ...], pages: list[int], *,
               converted: signature_pages.Converted | None) -> list[str]:
    """Pages ``pages`` of ``batch`` written into the ceremony file (the whole batch, when
    they are all of it), checked to be one per organisation as it is opened: each batch is
    opened once here. What keeps them from being delivered."""
    if not pages:  # none of its pages goes into the ceremony file: checked on its own
        if converted is not None:
            signature_pages.check_batch(converted, plan)
        return []
    expected = None if converted is None else len(organisations)
    try:
        if plan.complete and len(pages) == len(organisations):
            return writer.add_batch(batch, pages=expected)
        return writer.add_pages(batch, pages, pages=expected)
    except PageCountError as error:
        assert converted is not None  # noqa: S101 -- only LibreOffice's batches are counted
        raise signature_pages.wrong_page_count(converted, plan, error.pages) from None


def _earlier(plan: Plan) -> tuple[Batch | None, range, range]:
    """With --only: the earlier ceremony file, and its pages before and after the one
    organisation's (replaced, or inserted where it belongs on the ceremony file)."""
    if plan.previous is None or plan.ceremony is None:
        return None, range(0), range(0)
    earlier = Batch(plan.destination / ceremony.FILE, None)  # its subsets named already
    before = plan.previous.ceremony_ids
    only = plan.organisations[0].id
    if only in before:
        position = before.index(only)
        return earlier, range(position), range(position + 1, len(before))
    position = plan.ceremony.ids.index(only)
    return earlier, range(position), range(position, len(before))


def _add_earlier(plan: Plan, writer: CeremonyFile, earlier: Batch | None,
                 pages: range) -> None:
    """Pages of the earlier ceremony file, a part at a time (its objects stay in memory
    while it is open)."""
    if earlier is None:
        return
    for start in range(pages.start, pages.stop, _EARLIER_PAGES):
        part = range(start, min(start + _EARLIER_PAGES, pages.stop))
        check_delivered(plan, ceremony.FILE, writer.add_pages(earlier, part))


def _list_file(plan: Plan, master: Master, pipeline: signature_pages.SignaturePipeline,
               path: Path) -> int:
    """signature-pages.pdf as the ceremony list, made archival as the ceremony file is."""
    list_pdf = pipeline.list_pdf()
    assert list_pdf is not None  # noqa: S101 -- converted with the first batch
    try:
        data, pages = whole_pdf(master, list_pdf,
                                title=f"{plan.agreement.title} – underskriftslista")
    except AssemblyError as error:
        raise StageFailed([in_template(
            plan.signature_list or plan.template, "pdf-archival",
            _("LibreOffice's ceremony list cannot be used: {error}.").format(error=error))],
        ) from error
    with DeliveredFile(data) as delivered:
        check_delivered(plan, ceremony.FILE,
                        delivered.problems(pages=None) + delivered.tagging_problems({}))
    path.write_bytes(data)
    return pages


def _check_written(plan: Plan, path: Path, pages: int) -> None:
    """The ceremony file as written: its catalog, and as many pages as were written."""
    try:
        with pikepdf.open(path, inherit_page_attributes=False) as written:  # its catalog only
            found = archival_problems(written) + catalog_problems(written)
            if int(written.Root.Pages.Count) != pages:
                found.append(f"its page tree counts {written.Root.Pages.Count} pages, "
                             f"not {pages}")
    except pikepdf.PdfError as error:
        found = [f"it is not a readable PDF ({error})"]
    check_delivered(plan, ceremony.FILE, found)


def _record(path: Path, pages: int) -> FileRecord:
    """The ceremony file's record for the manifest (read back: it was written as made)."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return FileRecord(ceremony.FILE, "signature-pages-pdf", digest.hexdigest(), size, pages,
                      None)


def _made(results: Sequence[Callable[[], list[Made]]], total: int,
          show: bool) -> Iterable[Made]:
    items = (item for result in results for item in result())
    if not show or total < 10:
        return items
    from tqdm import tqdm  # noqa: PLC0415 -- only for long builds on a terminal

    bar: Iterable[Made] = tqdm(items, total=total, desc=_("Signature-ready PDFs"),
                               unit=_("files"), file=sys.stderr)
    return bar

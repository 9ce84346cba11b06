"""A copy that starts with a built file's exact bytes: what its later revisions change.

E-signing services that sign a PDF as it is append each signature as an incremental
update, so the copy is the built file followed by one or more revisions. Each may add
signatures, signature fields, form-field values, a document security store and
timestamps; anything else (a page's content, the page tree, fonts, resources, a comment
drawn on a page) is "changed after the build". Two checks, each naming the revision:

- every page as each revision shows it (:mod:`.._pdf.page_content`) against the built
  file's own pages (the copy's first bytes), and the annotations each revision adds;
- pyHanko's difference analysis of each revision after the first one with a form (the
  built file has none: pyHanko's rules compare forms, so they start where one exists).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

import pikepdf

with warnings.catch_warnings():  # see signatures.py
    warnings.simplefilter("ignore")
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import (
        DEFAULT_DIFF_POLICY,
        ModificationLevel,
        SuspiciousModification,
    )

from overens_docs._findings import Finding, Severity
from overens_docs._i18n import _
from overens_docs._pdf.page_content import PageDigest, annotation_kinds, page_digests

# Annotations that draw nothing of their own on a page's text: form fields (signature
# fields among them), links, and the pop-up of another annotation.
ALLOWED_ANNOTATIONS = frozenset({"Widget", "Link", "Popup"})


@dataclass
class Revisions:
    """What the revisions after the built file (revision ``base``, counted from 0) do."""

    base: int
    count: int
    findings: list[Finding] = field(default_factory=list)
    changed: set[int] = field(default_factory=set)  # revisions that change the text
    appended_in: int | None = None  # the revision that first has pages after the built ones
    built_pages: int = 0
    pages: int = 0  # in the last revision


def _finding(shown: str, rule: str, message: str, page: int | None = None) -> Finding:
    return Finding(shown, None, None, "$", rule, Severity.ERROR, message, page=page)


def _ends(data: bytes, reader: PdfFileReader) -> list[int]:
    """Where each revision's bytes end."""
    ends = []
    for revision in range(reader.xrefs.total_revisions - 1):
        after = reader.xrefs.get_xref_container_info(revision).end_location
        found = data.find(b"%%EOF", after)
        end = len(data) if found < 0 else found + 5
        while end < len(data) and data[end:end + 1] in (b"\r", b"\n"):
            end += 1
        ends.append(end)
    return [*ends, len(data)]


@dataclass(frozen=True, slots=True)
class _Page:
    digest: PageDigest
    annotations: tuple[str, ...]


def _pages(data: bytes, password: str) -> list[_Page]:
    with pikepdf.open(io.BytesIO(data), password=password) as pdf:
        return [_Page(digest, tuple(annotation_kinds(page)))
                for digest, page in zip(page_digests(pdf), pdf.pages, strict=True)]


def _page_changes(shown: str, update: int, built: list[_Page], now: list[_Page],
                  ) -> list[Finding]:
    found = []
    if len(now) < len(built):
        found.append(_finding(shown, "verify-changed-after-build", _(
            "Update {update} after the built file removes pages: the copy has {pages} of the "
            "{built} pages built.").format(update=update, pages=len(now), built=len(built))))
    for number, (before, after) in enumerate(zip(built, now, strict=False), 1):
        if before.digest.shown != after.digest.shown:
            found.append(_finding(shown, "verify-changed-after-build", _(
                "Update {update} after the built file changes what this page shows (its "
                "content, fonts or resources).").format(update=update), number))
        added = [kind for kind in after.annotations if kind not in ALLOWED_ANNOTATIONS
                 and after.annotations.count(kind) > before.annotations.count(kind)]
        if added:
            found.append(_finding(shown, "verify-annotation", _(
                "Update {update} after the built file adds an annotation ({kinds}) to this "
                "page: a comment or drawing shown over the text, which the build did not "
                "print.").format(update=update, kinds=", ".join(sorted(set(added)))), number))
    return found


def _pyhanko_changes(shown: str, reader: PdfFileReader, base: int,
                     already: set[int]) -> list[Finding]:
    """pyHanko's verdict on every revision after the first with a form, against that one."""
    first = next((revision for revision in range(base, reader.xrefs.total_revisions)
                  if "/AcroForm" in reader.get_historical_resolver(revision).root), None)
    if first is None:
        return []
    found = []
    for revision in range(first + 1, reader.xrefs.total_revisions):
        if revision in already:
            continue
        try:
            result = DEFAULT_DIFF_POLICY.apply(reader.get_historical_resolver(first),
                                               reader.get_historical_resolver(revision))
            reason = (None if result.modification_level != ModificationLevel.OTHER
                      else _("changes beyond signatures and form fields"))
        except SuspiciousModification as suspicious:
            reason = str(suspicious).splitlines()[0][:200]
        if reason is not None:
            already.add(revision)
            found.append(_finding(shown, "verify-changed-after-build", _(
                "Update {update} after the built file changes more than signatures, form "
                "fields and annotations allow ({reason}).").format(
                    update=revision - base, reason=reason)))
    return found


def check_revisions(shown: str, data: bytes, built_size: int, password: str = "") -> Revisions:
    """What the revisions of ``data`` after its first ``built_size`` bytes (a built file)
    change. Raises what pikepdf and pyHanko raise for a file they cannot read."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    built_reader = PdfFileReader(io.BytesIO(data[:built_size]), strict=False)
    if reader.encrypted:
        reader.decrypt(password)
    base = built_reader.xrefs.total_revisions - 1
    result = Revisions(base, reader.xrefs.total_revisions)
    if base >= reader.xrefs.total_revisions or (
            reader.xrefs.get_startxref_for_revision(base)
            != built_reader.xrefs.get_startxref_for_revision(base)):
        result.findings.append(_finding(shown, "verify-changed-after-build", _(
            "What follows the built file does not continue it as an incremental update "
            "does: it replaces the built file's own cross-reference.")))
        result.changed.add(base)
        return result
    built = _pages(data[:built_size], password)
    result.built_pages = result.pages = len(built)
    ends = _ends(data, reader)
    for revision in range(base + 1, reader.xrefs.total_revisions):
        now = _pages(data[:ends[revision]], password)
        changes = _page_changes(shown, revision - base, built, now)
        if changes:
            result.changed.add(revision)
            result.findings.extend(changes)
        if len(now) > len(built) and result.appended_in is None:
            result.appended_in = revision
        result.pages = len(now)
    result.findings.extend(_pyhanko_changes(shown, reader, base, result.changed))
    return result

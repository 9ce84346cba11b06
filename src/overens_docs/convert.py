"""Stage: .docx -> PDF with headless LibreOffice.

Each conversion gets its own LibreOffice user profile (two processes sharing one wait for
each other or fail silently), runs in its own process group, and is killed as a group when
it exceeds its timeout (some documents hang LibreOffice). A profile LibreOffice has already
started with once is copied rather than made anew: that saves about 0.2 s per process.

Documents people receive are exported as PDF/A-2b. The signature batches, whose pages are
only material for assembled files, are exported plainly (see :data:`PAGES_FILTER`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from overens_docs.errors import ConversionError, ToolMissingError

INSTALL_HINT = (
    "LibreOffice is needed to make PDFs but 'soffice' was not found. On Debian/Ubuntu: "
    "sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-liberation2"
)

# PDF/A-2b (which makes LibreOffice tag the PDF and embed every font), bookmarks from
# headings, the title (not the file name) in the viewer's title bar, lossless images.
# A misspelled key is silently ignored, so verify.py checks the result.
_EXPORT_OPTIONS = {
    "SelectPdfVersion": {"type": "long", "value": "2"},
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
    "UseLosslessCompression": {"type": "boolean", "value": "true"},
    "ExportFormFields": {"type": "boolean", "value": "false"},
}
PDF_FILTER = "pdf:writer_pdf_Export:" + json.dumps(_EXPORT_OPTIONS, separators=(",", ":"))

# For pages that assemble.py copies into files which take their PDF/A identification,
# output intent and language from a PDF/A master. PDF/A mode forces tagging, which gives
# a 500-page batch 24,000 objects instead of 2,000 (slower to write and to open) and marks
# content for a structure tree that assembly leaves behind anyway. The page content and the
# embedded font subsets are otherwise the same; embedding is still checked (verify.py), and
# assembly sets the print flag PDF/A asks of annotations.
_PAGES_OPTIONS = {
    "SelectPdfVersion": {"type": "long", "value": "0"},
    "UseTaggedPDF": {"type": "boolean", "value": "false"},
    "EmbedStandardFonts": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "false"},
    "UseLosslessCompression": {"type": "boolean", "value": "true"},
    "ExportFormFields": {"type": "boolean", "value": "false"},
}
PAGES_FILTER = "pdf:writer_pdf_Export:" + json.dumps(_PAGES_OPTIONS, separators=(",", ":"))


def find_soffice() -> str:
    """The LibreOffice executable, or :class:`ToolMissingError` saying how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ToolMissingError(INSTALL_HINT)


def convert(documents: Sequence[Path], outdir: Path, *, pdf_filter: str = PDF_FILTER,
            profile: Path | None = None, seed_profile: Path | None = None,
            timeout: float = 600.0) -> list[Path]:
    """Convert ``documents`` to PDFs in ``outdir`` in one LibreOffice process.

    ``profile``: the user profile folder to use and keep (for ``seed_profile`` of a later
    call); by default a temporary one. ``seed_profile``: a profile to start from a copy of.
    """
    soffice = find_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="overens-lo-profile-") as temporary:
        user = profile or Path(temporary) / "profile"
        if seed_profile is not None and seed_profile.is_dir():
            shutil.copytree(seed_profile, user, dirs_exist_ok=True)
        command = [
            soffice, f"-env:UserInstallation={user.resolve().as_uri()}", "--headless",
            "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", pdf_filter, "--outdir", str(outdir),
            *(str(document) for document in documents),
        ]
        process = subprocess.Popen(  # noqa: S603 -- fixed program, our own file arguments
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            stdin=subprocess.DEVNULL)
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionError(
                f"LibreOffice did not finish converting {len(documents)} document(s) within "
                f"{timeout:.0f} s and was stopped.") from None
    outputs = [outdir / f"{document.stem}.pdf" for document in documents]
    missing = [str(path.name) for path in outputs if not path.is_file() or not path.stat().st_size]
    if process.returncode != 0 or missing:
        detail = stderr.decode("utf-8", errors="replace").strip()[-500:]
        raise ConversionError(
            f"LibreOffice failed (exit code {process.returncode}); missing: "
            f"{', '.join(missing) or 'none'}. {detail}")
    return outputs


def convert_parallel(batches: Sequence[Sequence[Path]], outdir: Path, *,
                     pdf_filter: str = PDF_FILTER, seed_profile: Path | None = None,
                     timeout: float = 600.0) -> list[list[Path]]:
    """Several :func:`convert` calls at once, one LibreOffice process (and profile) each."""
    with ThreadPoolExecutor(max_workers=max(1, len(batches))) as pool:
        futures = [pool.submit(convert, batch, outdir, pdf_filter=pdf_filter,
                               seed_profile=seed_profile, timeout=timeout)
                   for batch in batches]
        return [future.result() for future in futures]

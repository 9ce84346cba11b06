"""Stage: .docx -> PDF/A-2b with headless LibreOffice.

Each conversion gets its own LibreOffice user profile (two processes sharing one wait for
each other or fail silently), runs in its own process group, and is killed as a group when
it exceeds its timeout (some documents hang LibreOffice).
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


def find_soffice() -> str:
    """The LibreOffice executable, or :class:`ToolMissingError` saying how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ToolMissingError(INSTALL_HINT)


def convert(documents: Sequence[Path], outdir: Path, *, timeout: float = 600.0) -> list[Path]:
    """Convert ``documents`` to PDFs in ``outdir`` in one LibreOffice process."""
    soffice = find_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="overens-lo-profile-") as profile:
        command = [
            soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
            "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", PDF_FILTER, "--outdir", str(outdir),
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
                     timeout: float = 600.0) -> list[list[Path]]:
    """Several :func:`convert` calls at once, one LibreOffice process (and profile) each."""
    with ThreadPoolExecutor(max_workers=max(1, len(batches))) as pool:
        futures = [pool.submit(convert, batch, outdir, timeout=timeout) for batch in batches]
        return [future.result() for future in futures]
